"""The ``badges.send_mails`` task: one SMTP session per batch, and a retry sends only the rest."""

from __future__ import annotations

import smtplib
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import select

from badges.app import create_app
from badges.config import MailSettings
from badges.context import current_database
from badges.mail import MailMessage, queue_mails
from tests.environment import NOW, make_settings
from tests.unit.test_mail import FAIL_FOR, SENT, FakeSMTP

pytestmark = pytest.mark.integration


@pytest.fixture
def smtp_app(tmp_path: Path, database_url: str, monkeypatch: pytest.MonkeyPatch) -> Flask:
    SENT.clear()
    FAIL_FOR.clear()
    monkeypatch.setattr("badges.mail.smtplib.SMTP", FakeSMTP)
    mail = MailSettings(server="smtp.example.org", port=2525, username="u", password="p")
    return create_app(make_settings(tmp_path, database_url, mail=mail))


def _commit_batch(app: Flask, count: int) -> list[int]:
    with app.app_context(), current_database().session_scope() as session:
        messages = [
            MailMessage(to_address=f"p{n}@example.org", subject="S", body="B", created_at=NOW)
            for n in range(count)
        ]
        queue_mails(session, messages)
        return [message.id for message in messages]


def test_a_committed_batch_goes_out_over_one_connection(smtp_app: Flask) -> None:
    ids = _commit_batch(smtp_app, 4)

    assert len(SENT) == 1
    assert sorted(m["To"] for m in SENT[0].sent) == [f"p{n}@example.org" for n in range(4)]
    with smtp_app.app_context(), current_database().session_scope() as session:
        sent = session.scalars(select(MailMessage.sent_at).where(MailMessage.id.in_(ids))).all()
    assert len(sent) == 4
    assert None not in sent


def test_a_failed_batch_is_retried_without_sending_anything_twice(smtp_app: Flask) -> None:
    FAIL_FOR.add("p2@example.org")

    ids = _commit_batch(smtp_app, 4)

    delivered = [m["To"] for connection in SENT for m in connection.sent]
    assert sorted(delivered) == [f"p{n}@example.org" for n in range(4)]
    assert len(SENT) == 2  # the failed session, then the retry with the two left
    assert [m["To"] for m in SENT[1].sent] == ["p2@example.org", "p3@example.org"]
    with smtp_app.app_context(), current_database().session_scope() as session:
        unsent = session.scalars(
            select(MailMessage.id).where(MailMessage.id.in_(ids), MailMessage.sent_at.is_(None))
        ).all()
    assert unsent == []


def test_a_server_that_keeps_failing_leaves_the_messages_unsent(
    smtp_app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(self: FakeSMTP) -> FakeSMTP:
        raise smtplib.SMTPConnectError(421, "try later")

    monkeypatch.setattr(FakeSMTP, "__enter__", refuse)

    ids = _commit_batch(smtp_app, 2)

    with smtp_app.app_context(), current_database().session_scope() as session:
        unsent = session.scalars(select(MailMessage.id).where(MailMessage.sent_at.is_(None))).all()
    assert sorted(unsent) == sorted(ids)
