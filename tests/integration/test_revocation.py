"""Revocation, suspension, the audit log, recipient mail and the CLI, on both databases."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskCliRunner
from sqlalchemy import select
from sqlalchemy.orm import Session

from badges.accounts import register
from badges.errors import InvalidInput
from badges.mail import MailMessage
from issuer import Achievement, Credential, Issuance, StatusList, request_issuance
from issuer.errors import AchievementArchived, InvalidRecipient, StatusConflict
from issuer.status import revoke, status_events, suspend, unsuspend
from issuer.status_allocation import REVOCATION, allocate_index, current_list
from tests.environment import NOW
from tests.forms import TEST_PASSWORD
from tests.integration.test_issuance import BASE_URL, issue, make_achievement
from tests.integration.test_status_lists import published_bit, status_reason

LATER = NOW.replace(hour=11)


@pytest.fixture
def context(app: Flask) -> Iterator[None]:
    """Eager Celery tasks find the app's database through the app context."""
    with app.app_context():
        yield


def suspendable(session: Session) -> Achievement:
    """An achievement whose credentials get a suspension entry too."""
    achievement = make_achievement(session)
    achievement.allow_suspension = True
    session.commit()
    return achievement


def only_credential(session: Session) -> Credential:
    """The one stored credential."""
    return session.scalars(select(Credential)).one()


@pytest.mark.usefixtures("context")
def test_revoking_needs_a_reason_and_logs_who_and_why(session: Session) -> None:
    issue(session, make_achievement(session))
    credential = only_credential(session)

    with pytest.raises(InvalidInput):
        revoke(session, credential.id, reason="  ", now=NOW)
    with pytest.raises(InvalidInput):
        revoke(session, credential.id, reason="x" * 1001, now=NOW)
    revoke(session, credential.id, reason="Issued in error", now=LATER)
    session.commit()

    [event] = status_events(session, credential.id)
    assert (event.action, event.reason, event.at, event.actor_id) == (
        "revoke",
        "Issued in error",
        LATER,
        None,
    )
    with pytest.raises(StatusConflict, match="already revoked on 2026-11-25"):
        revoke(session, credential.id, reason="Again", now=LATER)


@pytest.mark.usefixtures("context")
def test_status_list_credential_has_a_ttl(session: Session) -> None:
    issue(session, make_achievement(session))
    status_list = session.scalars(select(StatusList)).one()

    subject = json.loads(status_list.credential_json or "{}")["credentialSubject"]

    assert subject["ttl"] == 300_000


@pytest.mark.usefixtures("context")
def test_suspend_then_unsuspend_round_trip(session: Session) -> None:
    issue(session, suspendable(session))
    credential = only_credential(session)
    document = json.loads(credential.document)
    revocation, suspension = document["credentialStatus"]
    assert revocation["statusPurpose"] == "revocation"
    assert suspension["statusPurpose"] == "suspension"
    assert (
        suspension["statusListCredential"] == f"{BASE_URL}/status/{credential.suspension_list_id}"
    )
    assert int(suspension["statusListIndex"]) == credential.suspension_index
    assert credential.suspension_list_id is not None
    assert credential.suspension_index is not None
    assert status_reason(session, credential) is None

    suspend(session, credential.id, reason="Under review", now=NOW)
    session.commit()
    assert published_bit(session, credential.suspension_list_id, credential.suspension_index) == 1
    assert status_reason(session, credential) == "suspended"
    with pytest.raises(StatusConflict):
        suspend(session, credential.id, reason="Twice", now=NOW)

    unsuspend(session, credential.id, reason="Review passed", now=LATER)
    session.commit()
    assert published_bit(session, credential.suspension_list_id, credential.suspension_index) == 0
    assert status_reason(session, credential) is None
    assert [e.action for e in status_events(session, credential.id)] == ["suspend", "unsuspend"]


@pytest.mark.usefixtures("context")
def test_only_suspendable_unrevoked_credentials_are_suspended(session: Session) -> None:
    achievement = make_achievement(session)
    issue(session, achievement)
    plain = only_credential(session)
    with pytest.raises(StatusConflict, match=r"This badge cannot be suspended\."):
        suspend(session, plain.id, reason="No", now=NOW)
    session.rollback()

    achievement.allow_suspension = True
    session.commit()
    issue(session, achievement, email="bo@example.org")
    credential = session.scalars(
        select(Credential).where(Credential.suspension_list_id.is_not(None))
    ).one()
    revoke(session, credential.id, reason="Fraud", now=NOW)
    session.commit()
    with pytest.raises(StatusConflict):
        suspend(session, credential.id, reason="Also", now=NOW)
    with pytest.raises(StatusConflict):
        unsuspend(session, credential.id, reason="Also", now=NOW)


@pytest.mark.usefixtures("context")
def test_a_new_list_starts_when_the_current_one_is_half_full(session: Session) -> None:
    achievement = make_achievement(session)
    first = current_list(session, achievement.issuer_id, purpose=REVOCATION, now=NOW)
    first.size = 4  # small, so that two entries fill half of it
    allocate_index(session, first)
    assert current_list(session, achievement.issuer_id, purpose=REVOCATION, now=NOW) is first
    allocate_index(session, first)

    second = current_list(session, achievement.issuer_id, purpose=REVOCATION, now=NOW)

    assert second.id != first.id
    assert second.purpose == REVOCATION


def _mail(session: Session) -> MailMessage:
    return session.scalars(select(MailMessage).order_by(MailMessage.id.desc())).first()  # type: ignore[return-value]


@pytest.mark.usefixtures("context")
def test_a_recipient_without_account_gets_a_claim_link(session: Session) -> None:
    issuance = issue(session, make_achievement(session), email="  Ana@Example.ORG ")

    mail = _mail(session)
    assert issuance.recipient_email == "ana@example.org"
    assert issuance.recipient_user_id is None
    assert mail.to_address == "ana@example.org"
    assert "IoT field technician" in mail.subject
    prefix = f"{BASE_URL}/backpack/claim/"
    [link] = [word for word in mail.body.split() if word.startswith(prefix)]
    secret = link.removeprefix(prefix)
    assert issuance.claim_token_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in (issuance.claim_token_hash or "")
    assert mail.sent_at is not None  # delivered by the eager task after commit


@pytest.mark.usefixtures("context")
def test_a_recipient_with_an_account_gets_the_backpack_link(session: Session) -> None:
    achievement = make_achievement(session)
    user = register(
        session, email="ana@example.org", name="Ana Petrova", password=TEST_PASSWORD, now=NOW
    )
    session.commit()

    issuance = issue(session, achievement, email="ANA@example.org")

    assert issuance.recipient_user_id == user.id
    assert issuance.claim_token_hash is None
    assert f"{BASE_URL}/backpack\n" in _mail(session).body


@pytest.mark.usefixtures("context")
@pytest.mark.parametrize(
    ("name", "email", "field"),
    [("Ana", "not-an-email", "recipient_email"), (" ", "ana@example.org", "recipient_name")],
)
def test_bad_recipients_are_refused(session: Session, name: str, email: str, field: str) -> None:
    achievement = make_achievement(session)
    with pytest.raises(InvalidRecipient) as raised:
        request_issuance(
            session,
            issuer_id=achievement.issuer_id,
            achievement_id=achievement.id,
            recipient_name=name,
            recipient_email=email,
            now=NOW,
        )
    assert raised.value.field == field


@pytest.mark.usefixtures("context")
def test_an_archived_achievement_is_not_awarded(session: Session) -> None:
    achievement = make_achievement(session)
    achievement.archived_at = NOW
    session.commit()
    with pytest.raises(AchievementArchived):
        issue(session, achievement)
    session.rollback()
    assert session.scalars(select(Issuance)).all() == []


def _run(runner: FlaskCliRunner, *args: str) -> Any:
    return runner.invoke(args=["issuer", *args])


@pytest.mark.usefixtures("context")
def test_cli_revoke_suspend_unsuspend(session: Session, runner: FlaskCliRunner) -> None:
    issue(session, suspendable(session))
    credential = only_credential(session)
    uuid = credential.public_id

    suspended = _run(runner, "suspend", uuid, "--reason", "Check")
    unsuspended = _run(runner, "unsuspend", f"urn:uuid:{uuid}", "--reason", "Fine")
    revoked = _run(runner, "revoke", uuid, "--reason", "Fraud")
    again = _run(runner, "revoke", uuid, "--reason", "Fraud")
    unknown = _run(runner, "revoke", "00000000-0000-0000-0000-000000000000", "--reason", "x")
    no_reason = _run(runner, "revoke", uuid)

    assert suspended.exit_code == 0, suspended.output
    assert f"Suspended {uuid}." in suspended.output
    assert unsuspended.exit_code == 0, unsuspended.output
    assert revoked.exit_code == 0, revoked.output
    assert again.exit_code == 1
    assert "already revoked on 2026-11-25" in again.output
    assert unknown.exit_code == 1
    assert "No badge 00000000-0000-0000-0000-000000000000." in unknown.output
    assert no_reason.exit_code != 0
    session.expire_all()
    assert [e.action for e in status_events(session, credential.id)] == [
        "suspend",
        "unsuspend",
        "revoke",
    ]
    assert published_bit(session, credential.status_list_id, credential.status_index) == 1
    assert status_reason(session, credential) == "revoked"
