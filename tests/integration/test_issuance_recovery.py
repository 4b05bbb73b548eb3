"""Recovering issuances whose task was lost, on both databases (issue #4).

A lost task is simulated by dropping the outbox before commit: the pending rows are written and
no task is ever sent, as after a Redis restart. The real broker and worker versions of these
faults are in ``test_worker_faults.py``.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta

import pytest
from flask import Flask
from flask.testing import FlaskCliRunner
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from badges.celery import CELERY_EXTENSION
from badges.clock import FixedClock
from badges.outbox import OUTBOX_KEY, DeferredTask, take_pending
from issuer import Achievement, Credential, Issuance
from issuer.cli_recovery import resume_pending_command
from issuer.issuance import (
    ISSUE_CREDENTIALS_TASK,
    IssuanceRequest,
    complete_issuances,
    request_issuances,
)
from issuer.recovery import requeue_stale_issuances
from issuer.tasks import BEAT_SCHEDULE, issue_credentials, requeue_stale_issuances_task
from tests.environment import NOW
from tests.integration.test_issuance import BASE_URL, KEYRING, make_achievement

pytestmark = pytest.mark.usefixtures("context")
TEN_MINUTES = timedelta(minutes=10)


@pytest.fixture
def context(app: Flask) -> Iterator[None]:
    """Eager Celery tasks find the app's database through the app context."""
    with app.app_context():
        yield


def _lost(session: Session, achievement: Achievement, count: int, *, at: datetime) -> list[int]:
    """Committed pending issuances requested ``at``, whose tasks never reached a worker."""
    requests = [
        IssuanceRequest(achievement.id, f"Participant {n}", f"p{n}-{at:%H%M}@example.org")
        for n in range(count)
    ]
    issuances = request_issuances(session, achievement.issuer_id, requests, now=at)
    take_pending(session)  # the broker lost them
    session.commit()
    return [issuance.id for issuance in issuances]


def _states(session: Session) -> dict[int, str]:
    session.expire_all()
    return {int(i): str(s) for i, s in session.execute(select(Issuance.id, Issuance.state))}


def _credentials_per_issuance(session: Session) -> dict[int, int]:
    rows = session.execute(
        select(Credential.issuance_id, func.count()).group_by(Credential.issuance_id)
    )
    return {int(issuance_id): int(count) for issuance_id, count in rows}


def test_only_issuances_pending_longer_than_the_threshold_are_requeued(session: Session) -> None:
    achievement = make_achievement(session)
    stale = _lost(session, achievement, 3, at=NOW - timedelta(minutes=20))
    recent = _lost(session, achievement, 2, at=NOW - timedelta(minutes=5))
    issued = _lost(session, achievement, 1, at=NOW - timedelta(hours=1))
    complete_issuances(session, issued, keyring=KEYRING, base_url=BASE_URL, now=NOW)
    failed = _lost(session, achievement, 1, at=NOW - timedelta(hours=1))
    session.get_one(Issuance, failed[0]).state = "failed"
    session.commit()

    count = requeue_stale_issuances(session, older_than=TEN_MINUTES, limit=100, now=NOW)

    assert count == 3
    assert session.info[OUTBOX_KEY] == [DeferredTask(ISSUE_CREDENTIALS_TASK, tuple(stale))]
    assert set(recent).isdisjoint(session.info[OUTBOX_KEY][0].args)
    take_pending(session)


def test_the_oldest_go_first_in_batches_up_to_the_limit(session: Session) -> None:
    achievement = make_achievement(session)
    newer = _lost(session, achievement, 2, at=NOW - timedelta(minutes=30))
    older = _lost(session, achievement, 3, at=NOW - timedelta(hours=2))  # later ids, older rows

    count = requeue_stale_issuances(session, older_than=TEN_MINUTES, limit=4, now=NOW, batch_size=3)

    assert count == 4
    assert take_pending(session) == [
        DeferredTask(ISSUE_CREDENTIALS_TASK, tuple(older)),
        DeferredTask(ISSUE_CREDENTIALS_TASK, tuple(newer[:1])),
    ]


def test_nothing_stale_defers_nothing(session: Session) -> None:
    achievement = make_achievement(session)
    _lost(session, achievement, 2, at=NOW)

    assert requeue_stale_issuances(session, older_than=TEN_MINUTES, limit=10, now=NOW) == 0
    assert session.info.get(OUTBOX_KEY, []) == []


@pytest.mark.parametrize(
    ("older_than", "limit"), [(TEN_MINUTES, 0), (TEN_MINUTES, -1), (timedelta(seconds=-1), 5)]
)
def test_nonsense_arguments_are_refused(
    session: Session, older_than: timedelta, limit: int
) -> None:
    with pytest.raises(ValueError, match="must"):
        requeue_stale_issuances(session, older_than=older_than, limit=limit, now=NOW)


def test_requeued_tasks_issue_each_credential_exactly_once(session: Session) -> None:
    achievement = make_achievement(session)
    ids = _lost(session, achievement, 4, at=NOW - timedelta(hours=1))

    assert requeue_stale_issuances(session, older_than=TEN_MINUTES, limit=10, now=NOW) == 4
    session.commit()  # the eager tasks run now

    assert _states(session) == dict.fromkeys(ids, "issued")
    first = {c.issuance_id: c.document for c in session.scalars(select(Credential))}
    # Requeued again, and the lost task finally delivered too: both change nothing.
    assert requeue_stale_issuances(session, older_than=timedelta(0), limit=10, now=NOW) == 0
    session.commit()
    assert issue_credentials(*ids) == 0
    assert _credentials_per_issuance(session) == dict.fromkeys(ids, 1)
    session.expire_all()
    assert {c.issuance_id: c.document for c in session.scalars(select(Credential))} == first


def test_the_command_requeues_what_waited_too_long(
    app: Flask, session: Session, clock: FixedClock
) -> None:
    achievement = make_achievement(session)
    ids = _lost(session, achievement, 2, at=NOW)
    runner: FlaskCliRunner = app.test_cli_runner()

    early = runner.invoke(resume_pending_command, [])
    clock.advance(TEN_MINUTES)
    late = runner.invoke(resume_pending_command, [])

    assert early.exit_code == 0, early.output
    assert early.output == "Requeued 0 pending issuance(s) older than 10 minute(s).\n"
    assert late.exit_code == 0, late.output
    assert late.output == "Requeued 2 pending issuance(s) older than 10 minute(s).\n"
    assert _states(session) == dict.fromkeys(ids, "issued")
    assert _credentials_per_issuance(session) == dict.fromkeys(ids, 1)


def test_the_command_takes_a_threshold_and_a_limit(app: Flask, session: Session) -> None:
    achievement = make_achievement(session)
    ids = _lost(session, achievement, 3, at=NOW)
    runner: FlaskCliRunner = app.test_cli_runner()

    result = runner.invoke(resume_pending_command, ["--older-than-minutes", "0", "--limit", "2"])

    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        "Requeued 2 pending issuance(s) older than 0 minute(s).",
        "The limit was reached; run the command again once these are issued.",
    ]
    assert _states(session) == {ids[0]: "issued", ids[1]: "issued", ids[2]: "pending"}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--limit", "0"], "--limit"),
        (["--older-than-minutes", "-1"], "--older-than-minutes"),
        (["--older-than-minutes", "soon"], "--older-than-minutes"),
    ],
)
def test_the_command_refuses_bad_options(app: Flask, args: list[str], message: str) -> None:
    result = app.test_cli_runner().invoke(resume_pending_command, args)

    assert result.exit_code == 2
    assert message in result.output


def test_the_periodic_task_requeues_with_the_app_clock(
    app: Flask, session: Session, clock: FixedClock
) -> None:
    achievement = make_achievement(session)
    ids = _lost(session, achievement, 2, at=NOW)
    clock.advance(timedelta(minutes=11))

    assert requeue_stale_issuances_task(older_than_minutes=30) == 0
    assert requeue_stale_issuances_task() == 2  # ten minutes by default

    assert _states(session) == dict.fromkeys(ids, "issued")
    assert _credentials_per_issuance(session) == dict.fromkeys(ids, 1)


def test_the_beat_schedule_names_the_registered_task(app: Flask) -> None:
    tasks = app.extensions[CELERY_EXTENSION].tasks
    for entry in BEAT_SCHEDULE.values():
        assert entry["task"] in tasks
        assert entry["schedule"] == 300
