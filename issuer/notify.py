"""Telling recipients their badge is ready: one queued email, sent after commit.

A recipient without an account gets a claim link whose secret exists only in the email: the
issuance keeps its SHA-256, so a database leak gives no one a working link. The mail text lives
here, in one place, marked for translation (English for now).
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from badges.errors import N_
from badges.mail import MailMessage, queue_mail
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
    if issuance.recipient_user_id is None:
        secret = secrets.token_urlsafe(32)
        issuance.claim_token_hash = claim_token_hash(secret)
        link = f"{base_url}/backpack/claim/{secret}"
    else:
        link = f"{base_url}/backpack"
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
