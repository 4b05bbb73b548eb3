"""Outgoing mail: stored first, delivered by a task after commit, never twice.

Every message is a row, so the UI can show what was sent and a retried task can tell that a message
already went out. With no SMTP server configured (the embedded default) delivery writes the message
to the log instead.
"""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from email.message import EmailMessage

from sqlalchemy import String, Text, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from badges.config import MailSettings
from badges.db import Base, UTCDateTime
from badges.outbox import defer

log = logging.getLogger(__name__)

SEND_MAIL_TASK = "badges.send_mail"
#: One task for a batch of messages (what a batch issue queues): one SMTP connection, one task.
SEND_MAILS_TASK = "badges.send_mails"


class MailMessage(Base):
    """One message to one recipient."""

    __tablename__ = "mail_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    to_address: Mapped[str] = mapped_column(String(320))
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    #: Set once delivered; a task that finds it set does nothing (idempotence).
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: "smtp" or "log" (embedded default: written to the application log only).
    transport: Mapped[str | None] = mapped_column(String(16))


def queue_mail(session: Session, *, to: str, subject: str, body: str, now: datetime) -> MailMessage:
    """Store a message and arrange for it to be delivered once the transaction commits."""
    message = MailMessage(to_address=to, subject=subject, body=body, created_at=now)
    session.add(message)
    session.flush()
    defer(session, SEND_MAIL_TASK, message.id)
    return message


def queue_mails(session: Session, messages: Sequence[MailMessage]) -> None:
    """Store several messages and deliver them with one task after commit."""
    if not messages:
        return
    session.add_all(messages)
    session.flush()
    defer(session, SEND_MAILS_TASK, *(message.id for message in messages))


@dataclass(slots=True)
class BatchDelivery:
    """What :func:`deliver_many` did: how many went out now, and what is left after a failure."""

    sent: int = 0
    #: Messages not sent because the transport failed; the task retries these only.
    remaining: list[int] = field(default_factory=list)
    error: Exception | None = None


def unsent_message_ids(session: Session, *, before: datetime, limit: int) -> list[int]:
    """Messages created before ``before`` and still unsent, oldest first (for recovery)."""
    query = (
        select(MailMessage.id)
        .where(MailMessage.sent_at.is_(None), MailMessage.created_at <= before)
        .order_by(MailMessage.id)
        .limit(limit)
    )
    return list(session.scalars(query))


def deliver_many(
    session: Session, message_ids: Sequence[int], *, settings: MailSettings, now: datetime
) -> BatchDelivery:
    """Send the unsent messages among ``message_ids`` over one SMTP connection.

    Rows are locked with ``SKIP LOCKED``, so a duplicate delivery of the task running at the same
    time sends none of them twice. A transport failure stops the batch without raising: the
    messages already sent stay marked sent when the caller commits, and the rest come back in
    ``remaining`` for a retry, so a retry never re-sends what went out before the failure.
    """
    query = (
        select(MailMessage)
        .where(MailMessage.id.in_(message_ids), MailMessage.sent_at.is_(None))
        .order_by(MailMessage.id)
        .with_for_update(skip_locked=True)
    )
    messages = list(session.scalars(query))
    outcome = BatchDelivery()
    if not messages:
        return outcome
    if not settings.server:
        for message in messages:
            _log_message(message)
            message.transport, message.sent_at = "log", now
        outcome.sent = len(messages)
        return outcome
    try:
        with _smtp_connection(settings) as smtp:
            for message in messages:
                smtp.send_message(_email(message, settings))
                message.transport, message.sent_at = "smtp", now
                outcome.sent += 1
    except (smtplib.SMTPException, OSError) as error:
        outcome.error = error
        outcome.remaining = [m.id for m in messages if m.sent_at is None]
        log.warning("mail batch stopped after %d of %d: %s", outcome.sent, len(messages), error)
    return outcome


def deliver(session: Session, message_id: int, *, settings: MailSettings, now: datetime) -> bool:
    """Send the message unless it already went out; returns whether it was sent now.

    SMTP failures propagate so that the task can retry them; the row stays unsent until one works.
    """
    message = session.get(MailMessage, message_id, with_for_update=True)
    if message is None:
        log.warning("mail %s does not exist (rolled back?); nothing to send", message_id)
        return False
    if message.sent_at is not None:
        return False
    if settings.server:
        with _smtp_connection(settings) as smtp:
            smtp.send_message(_email(message, settings))
        message.transport = "smtp"
    else:
        _log_message(message)
        message.transport = "log"
    message.sent_at = now
    return True


def _log_message(message: MailMessage) -> None:
    log.info("MAIL to=%s subject=%r\n%s", message.to_address, message.subject, message.body)


def _email(message: MailMessage, settings: MailSettings) -> EmailMessage:
    email = EmailMessage()
    email["From"] = settings.sender
    email["To"] = message.to_address
    email["Subject"] = message.subject
    email.set_content(message.body)
    return email


@contextmanager
def _smtp_connection(settings: MailSettings) -> Iterator[smtplib.SMTP]:
    """A connected, TLS-upgraded and logged-in SMTP session, closed on exit."""
    assert settings.server is not None  # noqa: S101 - guarded by the callers
    with smtplib.SMTP(settings.server, settings.port, timeout=30) as smtp:
        if settings.use_tls:
            smtp.starttls()
        if settings.username and settings.password:
            smtp.login(settings.username, settings.password)
        yield smtp
