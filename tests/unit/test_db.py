from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import select
from sqlalchemy.exc import StatementError
from sqlalchemy.orm import Session

from badges.db import Database
from badges.mail import MailMessage

pytestmark = pytest.mark.usefixtures("app")


def _message(created_at: datetime) -> MailMessage:
    return MailMessage(to_address="a@example.org", subject="s", body="b", created_at=created_at)


def test_datetimes_come_back_aware_utc_on_every_backend(session: Session) -> None:
    sofia = timezone(timedelta(hours=2))
    session.add(_message(datetime(2026, 3, 1, 12, 0, tzinfo=sofia)))
    session.commit()
    session.expunge_all()

    stored = session.scalars(select(MailMessage)).one()

    assert stored.created_at == datetime(2026, 3, 1, 10, 0, tzinfo=UTC)
    assert stored.created_at.tzinfo == UTC


def test_naive_datetimes_are_refused(session: Session) -> None:
    session.add(_message(datetime(2026, 3, 1, 12, 0)))  # noqa: DTZ001 - the bug being prevented

    with pytest.raises(StatementError, match="naive datetime"):
        session.flush()


def test_session_scope_commits_on_success(database: Database) -> None:
    with database.session_scope() as session:
        session.add(_message(datetime(2026, 1, 1, tzinfo=UTC)))

    with database.session_scope() as session:
        assert session.scalar(select(MailMessage.to_address)) == "a@example.org"


def test_session_scope_rolls_back_on_error(database: Database) -> None:
    def add_then_fail() -> None:
        with database.session_scope() as session:
            session.add(_message(datetime(2026, 1, 1, tzinfo=UTC)))
            session.flush()
            raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        add_then_fail()

    with database.session_scope() as session:
        assert session.scalars(select(MailMessage)).all() == []
