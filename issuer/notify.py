"""Telling recipients their badge is ready: one queued email each, sent after commit.

A recipient without an account gets a claim link whose secret exists only in the email: the
issuance keeps its SHA-256, so a database leak gives no one a working link. The mail text lives
here, in one place, marked for translation (English for now).
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from badges.errors import N_
from badges.mail import MailMessage, queue_mail, queue_mails
from issuer.models import Achievement, Credential, Issuance, Issuer

SUBJECT = N_("Your badge %(achievement)s is ready")
BODY = N_(
    "Hello %(name)s,\n\n"
    "%(issuer)s has awarded you the badge %(achievement)s.\n\n"
    "See it, download it and share it here:\n%(link)s\n"
)


def claim_token_hash(secret: str) -> str:
    """What is stored of a claim secret: its SHA-256, hex."""
    return hashlib.sha256(secret.encode()).hexdigest()


def notify_recipient(
    session: Session,
    issuance: Issuance,
    credential: Credential,
    *,
    base_url: str,
    now: datetime,
) -> MailMessage:
    """Queue the "your badge is ready" email with a backpack or claim link."""
    link = _link(issuance, base_url)
    achievement_name = session.scalar(
        select(Achievement.name).where(Achievement.id == issuance.achievement_id)
    )
    issuer_name = session.scalar(select(Issuer.name).where(Issuer.id == credential.issuer_id))
    params = {
        "name": issuance.recipient_name,
        "issuer": issuer_name or "",
        "achievement": achievement_name or "",
        "link": link,
    }
    return queue_mail(
        session,
        to=issuance.recipient_email,
        subject=SUBJECT % params,
        body=BODY % params,
        now=now,
    )


def notify_recipients(
    session: Session,
    issuances: Sequence[Issuance],
    *,
    issuer_name: str,
    achievement_names: dict[int, str],
    base_url: str,
    now: datetime,
) -> list[MailMessage]:
    """Queue a batch's "your badge is ready" emails: one INSERT and one delivery task.

    The same message as :func:`notify_recipient`, for issuances of one issuer whose achievement
    names the caller already loaded.
    """
    messages = []
    for issuance in issuances:
        params = {
            "name": issuance.recipient_name,
            "issuer": issuer_name,
            "achievement": achievement_names.get(issuance.achievement_id, ""),
            "link": _link(issuance, base_url),
        }
        messages.append(
            MailMessage(
                to_address=issuance.recipient_email,
                subject=SUBJECT % params,
                body=BODY % params,
                created_at=now,
            )
        )
    queue_mails(session, messages)
    return messages


def _link(issuance: Issuance, base_url: str) -> str:
    """The backpack for an account holder; otherwise a claim link (only its hash is kept)."""
    if issuance.recipient_user_id is not None:
        return f"{base_url}/backpack"
    secret = secrets.token_urlsafe(32)
    issuance.claim_token_hash = claim_token_hash(secret)
    return f"{base_url}/backpack/claim/{secret}"
