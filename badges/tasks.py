"""Platform tasks: thin adapters that open a session and call one domain function."""

from __future__ import annotations

import smtplib

from celery import shared_task

from badges.context import current_clock, current_database, current_settings
from badges.mail import SEND_MAIL_TASK, deliver


@shared_task(
    name=SEND_MAIL_TASK,
    autoretry_for=(smtplib.SMTPException, OSError),
    retry_backoff=True,
    max_retries=6,
)
def send_mail(message_id: int) -> bool:
    """Deliver one stored message; a duplicate delivery of the task sends nothing."""
    with current_database().session_scope() as session:
        return deliver(
            session, message_id, settings=current_settings().mail, now=current_clock().now()
        )
