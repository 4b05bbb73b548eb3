from __future__ import annotations

import smtplib
from dataclasses import dataclass, field
from email.message import EmailMessage
from types import TracebackType

import pytest
from sqlalchemy.orm import Session

from badges.config import MailSettings
from badges.mail import MailMessage, deliver, deliver_many, queue_mail, queue_mails
from badges.outbox import take_pending
from tests.environment import NOW


@dataclass
class FakeSMTP:
    """Stands in for smtplib.SMTP at the process boundary and records what it was asked."""

    host: str
    port: int
    timeout: float
    sent: list[EmailMessage] = field(default_factory=list)
    calls: list[str] = field(default_factory=list)

    def __enter__(self) -> FakeSMTP:
        SENT.append(self)
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.calls.append("quit")

    def starttls(self) -> None:
        self.calls.append("starttls")

    def login(self, user: str, password: str) -> None:
        self.calls.append(f"login {user}")

    def send_message(self, message: EmailMessage) -> None:
        if message["To"] in FAIL_FOR:
            FAIL_FOR.discard(message["To"])
            raise smtplib.SMTPServerDisconnected("connection lost")
        self.sent.append(message)


SENT: list[FakeSMTP] = []
#: Recipients whose next message fails once, as if the server dropped the connection.
FAIL_FOR: set[str] = set()


@pytest.fixture(autouse=True)
def _fake_smtp(monkeypatch: pytest.MonkeyPatch) -> None:
    SENT.clear()
    FAIL_FOR.clear()
    monkeypatch.setattr("badges.mail.smtplib.SMTP", FakeSMTP)


SMTP = MailSettings(server="smtp.example.org", port=2525, username="u", password="p")


def _queued(session: Session) -> MailMessage:
    message = queue_mail(session, to="ana@example.org", subject="Hi", body="Hello", now=NOW)
    take_pending(session)  # this test delivers by hand, not through the outbox
    return message


@pytest.mark.usefixtures("app")
def test_queue_mail_stores_and_defers(session: Session) -> None:
    message = queue_mail(session, to="ana@example.org", subject="Hi", body="Hello", now=NOW)

    pending = take_pending(session)
    assert [(task.name, task.args) for task in pending] == [("badges.send_mail", (message.id,))]
    assert message.sent_at is None


@pytest.mark.usefixtures("app")
def test_deliver_over_smtp_once(session: Session) -> None:
    message = _queued(session)

    first = deliver(session, message.id, settings=SMTP, now=NOW)
    second = deliver(session, message.id, settings=SMTP, now=NOW)

    assert (first, second) == (True, False)
    assert len(SENT) == 1
    assert SENT[0].calls == ["starttls", "login u", "quit"]
    assert SENT[0].sent[0]["To"] == "ana@example.org"
    assert SENT[0].sent[0]["Subject"] == "Hi"
    assert message.transport == "smtp"
    assert message.sent_at == NOW


@pytest.mark.usefixtures("app")
def test_deliver_to_the_log_without_a_server(
    session: Session, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level("INFO", logger="badges.mail")
    message = _queued(session)

    assert deliver(session, message.id, settings=MailSettings(), now=NOW)
    assert message.transport == "log"
    assert "MAIL to=ana@example.org" in caplog.text
    assert SENT == []


@pytest.mark.usefixtures("app")
def test_deliver_of_a_missing_message_does_nothing(session: Session) -> None:
    assert deliver(session, 4242, settings=SMTP, now=NOW) is False
    assert SENT == []


def _batch(session: Session, count: int) -> list[MailMessage]:
    messages = [
        MailMessage(to_address=f"p{n}@example.org", subject="Hi", body="Hello", created_at=NOW)
        for n in range(count)
    ]
    queue_mails(session, messages)
    return messages


@pytest.mark.usefixtures("app")
def test_queue_mails_defers_one_task_for_the_batch(session: Session) -> None:
    messages = _batch(session, 3)

    pending = take_pending(session)
    assert [(task.name, task.args) for task in pending] == [
        ("badges.send_mails", tuple(message.id for message in messages))
    ]


@pytest.mark.usefixtures("app")
def test_deliver_many_uses_one_connection_and_never_sends_twice(session: Session) -> None:
    messages = _batch(session, 3)
    take_pending(session)
    ids = [message.id for message in messages]

    first = deliver_many(session, ids, settings=SMTP, now=NOW)
    again = deliver_many(session, ids, settings=SMTP, now=NOW)

    assert (first.sent, first.remaining, again.sent) == (3, [], 0)
    assert len(SENT) == 1
    assert [m["To"] for m in SENT[0].sent] == [f"p{n}@example.org" for n in range(3)]
    assert all(m.transport == "smtp" and m.sent_at == NOW for m in messages)


@pytest.mark.usefixtures("app")
def test_deliver_many_keeps_what_went_out_before_a_failure(session: Session) -> None:
    messages = _batch(session, 3)
    take_pending(session)
    FAIL_FOR.add("p1@example.org")

    outcome = deliver_many(session, [m.id for m in messages], settings=SMTP, now=NOW)

    assert outcome.sent == 1
    assert outcome.remaining == [messages[1].id, messages[2].id]
    assert isinstance(outcome.error, smtplib.SMTPServerDisconnected)
    assert [m.sent_at for m in messages] == [NOW, None, None]


@pytest.mark.usefixtures("app")
def test_deliver_many_to_the_log_without_a_server(
    session: Session, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level("INFO", logger="badges.mail")
    messages = _batch(session, 2)
    take_pending(session)

    outcome = deliver_many(session, [m.id for m in messages], settings=MailSettings(), now=NOW)

    assert outcome.sent == 2
    assert caplog.text.count("MAIL to=") == 2
    assert SENT == []
