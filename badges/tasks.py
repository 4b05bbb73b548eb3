"""Platform tasks: thin adapters that open a session and call one domain function."""

from __future__ import annotations

import smtplib
from typing import Any

from celery import shared_task
from sqlalchemy.exc import OperationalError

from badges.context import current_clock, current_database, current_settings
from badges.mail import SEND_MAIL_TASK, SEND_MAILS_TASK, deliver, deliver_many

#: Retries of a mail batch whose SMTP server failed: 30 s, 1 min, 2 min ... about an hour in all.
MAIL_RETRIES = 6
MAIL_RETRY_BASE_SECONDS = 30


@shared_task(
    name=SEND_MAIL_TASK,
    autoretry_for=(smtplib.SMTPException, OSError, OperationalError),
    retry_backoff=True,
    retry_jitter=False,
    max_retries=MAIL_RETRIES,
)
def send_mail(message_id: int) -> bool:
    """Deliver one stored message; a duplicate delivery of the task sends nothing."""
    with current_database().session_scope() as session:
        return deliver(
            session, message_id, settings=current_settings().mail, now=current_clock().now()
        )


@shared_task(
    name=SEND_MAILS_TASK,
    bind=True,
    # A database outage: retried with backoff (1, 2, 4 ... s) like the issuing tasks.
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    retry_jitter=False,
    max_retries=MAIL_RETRIES,
)
def send_mails(self: Any, *message_ids: int) -> int:
    """Deliver a batch of stored messages; after a transport failure, retry only the unsent ones.

    What went out before the failure is committed as sent first, so a retry never sends it again.
    """
    with current_database().session_scope() as session:
        outcome = deliver_many(
            session, message_ids, settings=current_settings().mail, now=current_clock().now()
        )
    if outcome.remaining:
        countdown = MAIL_RETRY_BASE_SECONDS * 2**self.request.retries
        raise self.retry(args=outcome.remaining, exc=outcome.error, countdown=countdown)
    return outcome.sent
