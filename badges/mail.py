"""Outgoing mail: stored first, delivered by a task after commit, never twice.

Every message is a row, so the UI can show what was sent and a retried task can tell that a message
already went out. With no SMTP server configured (the embedded default) delivery writes the message
to the log instead.
"""

from __future__ import annotations

import logging
import smtplib
from datetime import datetime
from email.message import EmailMessage

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, Session, mapped_column

from badges.config import MailSettings
from badges.db import Base, UTCDateTime
from badges.outbox import defer

log = logging.getLogger(__name__)

SEND_MAIL_TASK = "badges.send_mail"


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
        _send_smtp(message, settings)
        message.transport = "smtp"
    else:
        log.info("MAIL to=%s subject=%r\n%s", message.to_address, message.subject, message.body)
        message.transport = "log"
    message.sent_at = now
    return True


def _send_smtp(message: MailMessage, settings: MailSettings) -> None:
    email = EmailMessage()
    email["From"] = settings.sender
    email["To"] = message.to_address
    email["Subject"] = message.subject
    email.set_content(message.body)
    assert settings.server is not None  # noqa: S101 - guarded by the caller
    with smtplib.SMTP(settings.server, settings.port, timeout=30) as smtp:
        if settings.use_tls:
            smtp.starttls()
        if settings.username and settings.password:
            smtp.login(settings.username, settings.password)
        smtp.send_message(email)
