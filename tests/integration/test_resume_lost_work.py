"""``resume_lost_work``: every kind of lost after-commit task is sent again, and none twice.

A lost task is simulated by dropping the outbox before commit, as after a Redis restart; the
eager tasks then run in-process when the recovery's transaction commits.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskCliRunner
from sqlalchemy import select
from sqlalchemy.orm import Session

from badges.mail import MailMessage, queue_mail
from badges.outbox import take_pending
from issuer import Credential, StatusList, revoke
from issuer.bulk import confirm_bulk_award, create_bulk_award
from issuer.cli_recovery import resume_pending_command
from issuer.issuance import complete_issuances
from issuer.issuance_requests import IssuanceRequest, request_issuances
from issuer.models import BulkAward, BulkAwardRow
from issuer.recovery import Resumed, resume_lost_work
from tests.environment import NOW
from tests.integration.test_issuance import BASE_URL, KEYRING, make_achievement

pytestmark = pytest.mark.usefixtures("context")
TEN_MINUTES = timedelta(minutes=10)
EARLIER = NOW - timedelta(minutes=30)


@pytest.fixture
def context(app: Flask) -> Iterator[None]:
    with app.app_context():
        yield


def _signed_bits(session: Session, list_id: int) -> str:
    session.expire_all()
    status_list = session.get_one(StatusList, list_id)
    bits: str = json.loads(status_list.credential_json or "{}")["credentialSubject"]["encodedList"]
    return bits


def _revoked_unpublished(session: Session) -> StatusList:
    """A credential revoked whose re-signing task was lost: the list's bits are newer."""
    achievement = make_achievement(session)
    [issuance] = request_issuances(
        session, achievement.issuer_id, [IssuanceRequest(achievement.id, "Ana", "a@e.org")], now=NOW
    )
    complete_issuances(session, [issuance.id], keyring=KEYRING, base_url=BASE_URL, now=NOW)
    session.commit()
    credential = session.scalars(select(Credential)).one()
    revoke(session, credential.id, reason="Awarded by mistake.", now=NOW)
    take_pending(session)  # the publish task was lost
    session.commit()
    status_list = session.get_one(StatusList, credential.status_list_id)
    assert _signed_bits(session, status_list.id) != status_list.encoded_list
    return status_list


def test_a_revocation_whose_publication_was_lost_is_published(session: Session) -> None:
    status_list = _revoked_unpublished(session)

    resumed = resume_lost_work(session, older_than=TEN_MINUTES, limit=100, now=NOW)
    session.commit()

    assert resumed.status_lists == 1
    session.expire_all()
    assert _signed_bits(session, status_list.id) == status_list.encoded_list
    again = resume_lost_work(session, older_than=TEN_MINUTES, limit=100, now=NOW)
    assert again.status_lists == 0  # published now: nothing more to do


def test_unsent_mail_older_than_the_threshold_is_sent(session: Session) -> None:
    old = queue_mail(session, to="old@example.org", subject="S", body="B", now=EARLIER)
    recent = queue_mail(session, to="new@example.org", subject="S", body="B", now=NOW)
    take_pending(session)
    session.commit()

    resumed = resume_lost_work(session, older_than=TEN_MINUTES, limit=100, now=NOW)
    session.commit()

    assert resumed.mails == 1
    session.expire_all()
    assert session.get_one(MailMessage, old.id).sent_at is not None
    assert session.get_one(MailMessage, recent.id).sent_at is None  # may still be on its way


def test_a_bulk_award_whose_task_was_lost_is_resumed(session: Session) -> None:
    achievement = make_achievement(session)
    csv = b"name,email\nAna,ana@example.org\nBo,bo@example.org\n"
    bulk = create_bulk_award(
        session,
        issuer_id=achievement.issuer_id,
        achievement_id=achievement.id,
        filename="event.csv",
        data=csv,
        created_by_id=None,
        now=EARLIER,
    )
    confirm_bulk_award(session, bulk.id, issuer_id=achievement.issuer_id, now=EARLIER)
    take_pending(session)
    session.commit()

    resumed = resume_lost_work(session, older_than=TEN_MINUTES, limit=100, now=NOW)
    session.commit()

    assert resumed == Resumed(issuances=0, bulk_awards=1, status_lists=0, mails=0)
    session.expire_all()
    requested = session.scalars(
        select(BulkAwardRow.issuance_id).where(BulkAwardRow.bulk_award_id == bulk.id)
    ).all()
    assert None not in requested
    assert len(requested) == 2
    assert session.get_one(BulkAward, bulk.id).state in {"issuing", "done"}
    assert resume_lost_work(session, older_than=TEN_MINUTES, limit=100, now=NOW).bulk_awards == 0


def test_the_command_names_what_it_resumed(session: Session, runner: FlaskCliRunner) -> None:
    _revoked_unpublished(session)
    queue_mail(session, to="old@example.org", subject="S", body="B", now=NOW - timedelta(days=1))
    take_pending(session)
    session.commit()

    result = runner.invoke(resume_pending_command, ["--older-than-minutes", "10"])

    assert result.exit_code == 0, result.output
    assert "Requeued 1 status list(s) to publish again." in result.output
    assert "Requeued 1 unsent mail(s)." in result.output
