"""Issuing in batches on both databases: many credentials per transaction, each exactly once."""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from badges.accounts import register
from badges.db import Database
from badges.mail import SEND_MAIL_TASK, MailMessage
from badges.outbox import OUTBOX_KEY, DeferredTask
from issuer import Achievement, AchievementNotFound, Credential, Issuance, StatusEntry, StatusList
from issuer.issuance import complete_issuances
from issuer.issuance_requests import ISSUE_CREDENTIALS_TASK, IssuanceRequest, request_issuances
from issuer.status_allocation import REVOCATION, allocate_indexes, current_list
from issuer.tasks import issue_credentials
from tests.environment import NOW
from tests.integration.test_issuance import (
    BASE_URL,
    KEYRING,
    credentials,
    make_achievement,
    verify_stored,
)
from verifier import VerificationReport, verify_credential

pytestmark = pytest.mark.usefixtures("context")


@pytest.fixture
def context(app: Flask) -> Iterator[None]:
    """Eager Celery tasks find the app's database through the app context."""
    with app.app_context():
        yield


def _requests(achievement: Achievement, count: int) -> list[IssuanceRequest]:
    return [
        IssuanceRequest(achievement.id, f"Participant {n}", f"Participant{n}@Example.org ")
        for n in range(count)
    ]


def _pending(session: Session, achievement: Achievement, count: int) -> list[int]:
    """Committed pending issuances whose tasks were dropped (the test runs the batch itself)."""
    issuances = request_issuances(
        session, achievement.issuer_id, _requests(achievement, count), now=NOW
    )
    session.info.pop(OUTBOX_KEY, None)
    session.commit()
    return [issuance.id for issuance in issuances]


def _complete(session: Session, ids: list[int]) -> list[Issuance]:
    done = complete_issuances(session, ids, keyring=KEYRING, base_url=BASE_URL, now=NOW)
    session.commit()
    return done


def _states(session: Session, ids: list[int]) -> dict[int, str]:
    rows = session.execute(select(Issuance.id, Issuance.state).where(Issuance.id.in_(ids)))
    return {int(issuance_id): str(state) for issuance_id, state in rows}


def test_a_batch_issues_credentials_that_all_verify(session: Session) -> None:
    achievement = make_achievement(session)
    ids = _pending(session, achievement, 12)

    done = _complete(session, ids)

    assert sorted(issuance.id for issuance in done) == ids
    assert set(_states(session, ids).values()) == {"issued"}
    stored = credentials(session)
    assert sorted(credential.issuance_id for credential in stored) == ids
    indexes = [credential.status_index for credential in stored]
    assert len(set(indexes)) == len(indexes)
    for credential in stored:
        report = verify_stored(session, credential)
        assert report.verified, report.checks
    # Every reserved index is tied to its credential; nothing is left dangling.
    entries = session.execute(select(StatusEntry.credential_id, StatusEntry.status_index)).all()
    assert sorted(entries) == sorted((c.id, c.status_index) for c in stored)
    assert session.scalar(select(func.count()).select_from(StatusList)) == 1
    mails = session.scalars(select(MailMessage.to_address)).all()
    assert sorted(mails) == sorted(f"participant{n}@example.org" for n in range(12))
    assert all(issuance.claim_token_hash for issuance in done)  # no accounts: claim links


def test_a_batch_with_suspension_reserves_both_entries(session: Session) -> None:
    achievement = make_achievement(session)
    achievement.allow_suspension = True
    session.commit()
    ids = _pending(session, achievement, 3)

    _complete(session, ids)

    for credential in credentials(session):
        assert credential.suspension_list_id is not None
        assert credential.suspension_index is not None
        statuses = json.loads(credential.document)["credentialStatus"]
        assert [status["statusPurpose"] for status in statuses] == ["revocation", "suspension"]
        assert verify_stored(session, credential).verified
    assert session.scalar(select(func.count()).select_from(StatusEntry)) == 6


def test_running_the_batch_task_twice_changes_nothing(session: Session) -> None:
    achievement = make_achievement(session)
    ids = _pending(session, achievement, 4)

    assert issue_credentials(*ids) == 4
    first = {c.issuance_id: c.document for c in credentials(session)}
    assert issue_credentials(*ids) == 0
    session.expire_all()

    assert {c.issuance_id: c.document for c in credentials(session)} == first
    assert session.scalar(select(func.count()).select_from(StatusEntry)) == 4
    assert session.scalar(select(func.count()).select_from(MailMessage)) == 4


def test_a_batch_mixing_pending_issued_and_unknown_ids(session: Session) -> None:
    achievement = make_achievement(session)
    ids = _pending(session, achievement, 3)
    _complete(session, ids[:1])
    issued_document = credentials(session)[0].document

    done = _complete(session, [*ids, 99_999])

    assert sorted(issuance.id for issuance in done) == ids[1:]
    assert set(_states(session, ids).values()) == {"issued"}
    stored = credentials(session)
    assert len(stored) == 3
    assert next(c for c in stored if c.issuance_id == ids[0]).document == issued_document
    assert session.get(Issuance, 99_999) is None


def test_a_failed_self_check_fails_only_that_issuance(
    session: Session, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    achievement = make_achievement(session)
    ids = _pending(session, achievement, 3)
    real = verify_credential
    calls: list[int] = []

    def second_one_fails(credential: Any, **kwargs: Any) -> VerificationReport:
        calls.append(1)
        if len(calls) == 2:  # the batch works in id order: this is the second issuance
            credential = {**credential, "name": "Tampered after signing"}
        return real(credential, **kwargs)

    monkeypatch.setattr("issuer.batch.verify_credential", second_one_fails)

    with caplog.at_level(logging.CRITICAL, logger="issuer.issuance"):
        _complete(session, ids)

    states = _states(session, ids)
    assert states == {ids[0]: "issued", ids[1]: "failed", ids[2]: "issued"}
    failed = session.get_one(Issuance, ids[1])
    assert failed.failure_reason
    assert sorted(c.issuance_id for c in credentials(session)) == [ids[0], ids[2]]
    assert session.scalar(select(func.count()).select_from(StatusEntry)) == 2  # its index freed
    assert session.scalar(select(func.count()).select_from(MailMessage)) == 2
    assert [r.message for r in caplog.records if "ALARM" in r.message] == [
        f"ALARM: credential for issuance {ids[1]} failed its self-check and was not stored: "
        f"{failed.failure_reason}"
    ]


def test_request_issuances_defers_one_task_per_chunk_after_commit(
    session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    achievement = make_achievement(session)
    runs: list[tuple[int, ...]] = []

    def record(_session: Session, issuance_ids: tuple[int, ...], **_: Any) -> list[Issuance]:
        runs.append(tuple(issuance_ids))
        return []

    monkeypatch.setattr("issuer.tasks.complete_issuances", record)

    issuances = request_issuances(
        session, achievement.issuer_id, _requests(achievement, 5), now=NOW, batch_size=2
    )
    ids = [issuance.id for issuance in issuances]

    assert session.info[OUTBOX_KEY] == [
        DeferredTask(ISSUE_CREDENTIALS_TASK, tuple(ids[0:2])),
        DeferredTask(ISSUE_CREDENTIALS_TASK, tuple(ids[2:4])),
        DeferredTask(ISSUE_CREDENTIALS_TASK, tuple(ids[4:5])),
    ]
    assert runs == []  # nothing before commit
    session.commit()
    assert runs == [tuple(ids[0:2]), tuple(ids[2:4]), tuple(ids[4:5])]
    assert [i.recipient_email for i in issuances] == [
        f"participant{n}@example.org" for n in range(5)
    ]


def test_a_rolled_back_request_issuances_sends_nothing(
    session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    achievement = make_achievement(session)
    runs: list[tuple[int, ...]] = []

    def record(_session: Session, issuance_ids: tuple[int, ...], **_: Any) -> list[Issuance]:
        runs.append(tuple(issuance_ids))
        return []

    monkeypatch.setattr("issuer.tasks.complete_issuances", record)

    request_issuances(session, achievement.issuer_id, _requests(achievement, 3), now=NOW)
    session.rollback()
    session.commit()

    assert runs == []
    assert session.scalar(select(func.count()).select_from(Issuance)) == 0


def test_request_issuances_is_all_or_nothing(session: Session) -> None:
    achievement = make_achievement(session)
    requests = [*_requests(achievement, 2), IssuanceRequest(achievement.id + 1, "X", "x@e.org")]

    with pytest.raises(AchievementNotFound):
        request_issuances(session, achievement.issuer_id, requests, now=NOW)
    session.rollback()

    assert session.scalar(select(func.count()).select_from(Issuance)) == 0
    assert SEND_MAIL_TASK not in str(session.info.get(OUTBOX_KEY, []))


def test_request_issuances_finds_recipient_accounts(session: Session) -> None:
    achievement = make_achievement(session)
    user = register(
        session, email="holder@example.org", name="Holder", password="a long passphrase 42", now=NOW
    )

    issuances = request_issuances(
        session,
        achievement.issuer_id,
        [
            IssuanceRequest(achievement.id, "Account Holder", " Holder@Example.org"),
            IssuanceRequest(achievement.id, "No Account", "none@example.org"),
        ],
        now=NOW,
    )

    assert [i.recipient_user_id for i in issuances] == [user.id, None]


def test_a_credential_row_is_stored_per_issuance(session: Session) -> None:
    achievement = make_achievement(session)
    ids = _pending(session, achievement, 2)
    _complete(session, ids)

    counts = session.execute(
        select(Credential.issuance_id, func.count()).group_by(Credential.issuance_id)
    ).all()
    assert sorted(counts) == [(ids[0], 1), (ids[1], 1)]


def test_two_workers_starting_an_issuer_make_one_status_list(
    session: Session, database: Database
) -> None:
    if session.get_bind().dialect.name != "postgresql":
        pytest.skip("SQLite has one writer at a time; the race needs two concurrent writers")
    achievement = make_achievement(session)
    issuer_id = achievement.issuer_id
    first = current_list(session, issuer_id, purpose=REVOCATION, now=NOW)  # not committed yet
    seen: list[int] = []

    def other_worker() -> None:
        with database.sessionmaker() as other:
            seen.append(current_list(other, issuer_id, purpose=REVOCATION, now=NOW).id)
            other.commit()

    thread = threading.Thread(target=other_worker)
    thread.start()
    deadline = time.monotonic() + 30
    while thread.is_alive() and not _waiting_on_a_lock(database) and time.monotonic() < deadline:
        time.sleep(0.05)
    session.commit()
    thread.join(timeout=30)

    assert seen == [first.id]
    assert session.scalar(select(func.count()).select_from(StatusList)) == 1


def _waiting_on_a_lock(database: Database) -> bool:
    with database.sessionmaker() as probe:
        waiting = probe.scalar(
            text(
                "SELECT count(*) FROM pg_stat_activity "
                "WHERE datname = current_database() AND wait_event_type = 'Lock'"
            )
        )
    return bool(waiting)


def test_bulk_allocation_takes_only_free_indexes(session: Session) -> None:
    achievement = make_achievement(session)
    status_list = current_list(session, achievement.issuer_id, purpose=REVOCATION, now=NOW)
    status_list.size = 6
    taken = {entry.status_index for entry in allocate_indexes(session, status_list, 4)}

    rest = allocate_indexes(session, status_list, 2)

    assert {entry.status_index for entry in rest} == set(range(6)) - taken
    with pytest.raises(RuntimeError):
        allocate_indexes(session, status_list, 1)
