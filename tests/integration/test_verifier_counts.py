"""Anonymous verification counts: one per verification, by day, front and outcome, nothing else."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import inspect, select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from badges.clock import FixedClock
from badges.db import Database
from badges.usage import (
    Channel,
    UsageOutcome,
    VerificationCount,
    record_verification,
    usage_totals,
)
from tests.integration.test_verifier_web import (
    CORPUS_AT,
    corpus_text,
    install_verifier,
    post_form,
)
from verifier.web import counting

DAY = date(2026, 11, 25)


@pytest.fixture
def clock() -> FixedClock:
    """The corpus's verdicts hold at its own instant."""
    return FixedClock(CORPUS_AT)


def test_increments_add_up_per_day_channel_and_outcome(session: Session) -> None:
    for _ in range(3):
        record_verification(session, channel=Channel.API, outcome=UsageOutcome.VERIFIED, day=DAY)
    record_verification(session, channel=Channel.PAGE, outcome=UsageOutcome.FAILED, day=DAY)
    record_verification(
        session, channel=Channel.API, outcome=UsageOutcome.VERIFIED, day=DAY - timedelta(days=40)
    )
    session.commit()

    rows = session.scalars(select(VerificationCount)).all()
    assert sorted((row.day, row.channel, row.outcome, row.count) for row in rows) == [
        (DAY - timedelta(days=40), "api", "verified", 1),
        (DAY, "api", "verified", 3),
        (DAY, "page", "failed", 1),
    ]
    totals = usage_totals(session, DAY.replace(day=1))
    assert totals.total == 4
    assert totals.of(channel=Channel.API) == 3
    assert totals.of(outcome=UsageOutcome.FAILED) == 1
    assert totals.of(channel=Channel.PAGE, outcome=UsageOutcome.VERIFIED) == 0
    assert usage_totals(session, DAY - timedelta(days=365)).total == 5


def test_increments_from_two_sessions_are_not_lost(database: Database, session: Session) -> None:
    # Both sessions insert the same key; the second must add to it, not collide with it.
    with database.sessionmaker() as other:
        record_verification(other, channel=Channel.PAGE, outcome=UsageOutcome.UNUSABLE, day=DAY)
        other.commit()
    record_verification(session, channel=Channel.PAGE, outcome=UsageOutcome.UNUSABLE, day=DAY)
    session.commit()

    assert usage_totals(session, DAY).of(outcome=UsageOutcome.UNUSABLE) == 2


def test_the_table_holds_only_day_channel_outcome_and_count(session: Session) -> None:
    columns = {
        column["name"] for column in inspect(session.get_bind()).get_columns("verification_counts")
    }

    assert columns == {"day", "channel", "outcome", "count"}


def _counts(session: Session) -> dict[tuple[str, str], int]:
    session.expire_all()
    return {
        (row.channel, row.outcome): row.count
        for row in session.scalars(
            select(VerificationCount).where(VerificationCount.day == CORPUS_AT.date())
        )
    }


def test_every_page_and_api_verification_is_counted(app: Flask, session: Session) -> None:
    install_verifier(app)
    client = app.test_client()

    post_form(client, credential=corpus_text("valid-did-web.json"))
    post_form(client, credential=corpus_text("revoked.json"))
    post_form(client, credential="not a badge")
    client.post("/api/v1/verify", json=json.loads(corpus_text("valid-did-key.json")))
    client.post("/api/v1/verify", json=json.loads(corpus_text("expired.json")))
    client.post("/api/v1/verify", data="[[[", content_type="application/json")
    client.post("/api/v1/verify", json={"url": "http://10.0.0.1/badge.json"})

    assert _counts(session) == {
        ("page", "verified"): 1,
        ("page", "failed"): 1,
        ("page", "unusable"): 1,
        ("api", "verified"): 1,
        ("api", "failed"): 1,
        ("api", "unusable"): 2,
    }


def test_nothing_of_the_credential_is_kept(app: Flask, session: Session) -> None:
    install_verifier(app)
    credential = corpus_text("valid-did-web.json")

    response = app.test_client().post(
        "/api/v1/verify", data=credential, content_type="application/json"
    )

    assert response.get_json()["verified"] is True

    rows = session.execute(select(VerificationCount.__table__)).all()
    assert [tuple(row) for row in rows] == [(CORPUS_AT.date(), "api", "verified", 1)]


def test_the_form_shows_this_months_total(app: Flask, session: Session) -> None:
    day = CORPUS_AT.date()
    for _ in range(3):
        record_verification(session, channel=Channel.API, outcome=UsageOutcome.FAILED, day=day)
    record_verification(
        session, channel=Channel.PAGE, outcome=UsageOutcome.VERIFIED, day=day.replace(day=1)
    )
    # Last month's do not count towards this month.
    record_verification(
        session,
        channel=Channel.PAGE,
        outcome=UsageOutcome.VERIFIED,
        day=day.replace(day=1) - timedelta(days=1),
    )
    session.commit()

    page = app.test_client().get("/verify").get_data(as_text=True)

    assert "Badges checked here this month: 4" in page


def test_the_form_shows_no_total_before_the_first_check(client: FlaskClient) -> None:
    page = client.get("/verify").get_data(as_text=True)

    assert "Badges checked here this month" not in page


def test_a_counter_that_cannot_be_written_never_fails_a_verification(
    app: Flask, session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    def database_down(*_args: object, **_kwargs: object) -> None:
        raise OperationalError("INSERT", {}, Exception("database is away"))

    monkeypatch.setattr(counting, "record_verification", database_down)
    install_verifier(app)
    client = app.test_client()

    api = client.post("/api/v1/verify", json=json.loads(corpus_text("valid-did-key.json")))
    status, page = post_form(client, credential=corpus_text("valid-did-web.json"))

    assert api.status_code == 200
    assert api.get_json()["verified"] is True
    assert status == 200
    assert 'data-verdict="verified"' in page
    assert usage_totals(session, DAY).total == 0
