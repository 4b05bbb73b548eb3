"""Event self-claim (issue #4): attendees scan a QR code, give name and email, confirm by email.

Only SHA-256 hashes of confirmation secrets are stored; the secret lives in the email alone. A
confirmation link works once: confirming replaces the stored hash with that of a discarded
secret. Submitting again with the same email sends a fresh link and says nothing more, so the
form never reveals who has claimed.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import datetime

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from badges.errors import N_, Conflict, InvalidInput, NotFound
from badges.mail import queue_mail
from issuer.errors import AchievementNotFound
from issuer.issuance_requests import request_issuance
from issuer.models import Achievement, Claim, ClaimWindow

#: Given the event name and the confirmation URL, the mail's subject and body (the web edge
#: passes one in the attendee's language).
MailWriter = Callable[[str, str], tuple[str, str]]
TIME_FORMAT = "%Y-%m-%d %H:%M UTC"


class ClaimWindowNotFound(NotFound):
    """No claim window with that token or id (for this issuer)."""

    code = "claim_window_not_found"


class ClaimWindowClosed(Conflict):
    """The window is not open now."""

    code = "claim_window_closed"


class ClaimNotFound(NotFound):
    """No claim for that confirmation link (unknown, or already used) or id."""

    code = "claim_not_found"


class InvalidClaim(InvalidInput):
    """A claim or window field breaks a rule; ``field`` names it."""

    code = "invalid_claim"


@dataclass(frozen=True, slots=True)
class WindowSummary:
    """A window and how many claims it has, by stage."""

    window: ClaimWindow
    claims: int
    confirmed: int
    approved: int


def english_mail(event_name: str, url: str) -> tuple[str, str]:
    """The confirmation mail in English (the CLI and tests; the web passes a translated one)."""
    subject = "Confirm your badge claim"
    body = f"Hello,\n\nplease confirm your badge claim for {event_name}:\n\n{url}\n"
    return subject, body


def open_claim_window(
    session: Session,
    *,
    issuer_id: int,
    achievement_id: int,
    event_name: str,
    opens_at: datetime,
    closes_at: datetime,
    auto_approve: bool,
    created_by_id: int | None,
    now: datetime,
) -> ClaimWindow:
    """Open a window with an unguessable token for ``/claim/<token>``."""
    achievement = session.get(Achievement, achievement_id)
    if achievement is None or achievement.issuer_id != issuer_id or achievement.archived_at:
        raise AchievementNotFound(N_("No achievement %(id)s."), params={"id": achievement_id})
    name = event_name.strip()
    if not name or len(name) > 200:
        raise InvalidClaim(N_("Give the event a name of up to 200 characters."), field="event_name")
    if closes_at <= max(opens_at, now):
        raise InvalidClaim(N_("The closing time must be in the future."), field="closes_at")
    window = ClaimWindow(
        issuer_id=issuer_id,
        achievement_id=achievement_id,
        token=secrets.token_urlsafe(24),
        event_name=name,
        opens_at=opens_at,
        closes_at=closes_at,
        auto_approve=auto_approve,
        created_by_id=created_by_id,
        created_at=now,
    )
    session.add(window)
    session.flush()
    return window


def window_by_token(session: Session, token: str) -> ClaimWindow:
    """The window behind a public claim link."""
    window = session.scalar(select(ClaimWindow).where(ClaimWindow.token == token))
    if window is None:
        raise ClaimWindowNotFound(N_("This claim link is not valid."))
    return window


def check_open(window: ClaimWindow, now: datetime) -> None:
    """Refuse before the window opens and after it closes, saying when."""
    if now < window.opens_at:
        raise ClaimWindowClosed(
            N_("Claims for this event open at %(time)s."),
            params={"time": window.opens_at.strftime(TIME_FORMAT)},
        )
    if now >= window.closes_at:
        raise ClaimWindowClosed(
            N_("Claims for this event closed at %(time)s."),
            params={"time": window.closes_at.strftime(TIME_FORMAT)},
        )


def submit_claim(
    session: Session,
    token: str,
    *,
    name: str,
    email: str,
    base_url: str,
    now: datetime,
    write_mail: MailWriter = english_mail,
) -> Claim:
    """Record a claim (or refresh the existing one) and email a confirmation link."""
    window = window_by_token(session, token)
    check_open(window, now)
    name, email = _valid_name(name), _valid_email(email)
    secret = secrets.token_urlsafe(32)
    claim = session.scalar(select(Claim).where(Claim.window_id == window.id, Claim.email == email))
    if claim is None:
        claim = Claim(window_id=window.id, name=name, email=email, created_at=now)
        session.add(claim)
    claim.confirmation_token_hash = token_hash(secret)
    session.flush()
    subject, body = write_mail(window.event_name, f"{base_url}/claim/confirm/{secret}")
    queue_mail(session, to=email, subject=subject, body=body, now=now)
    return claim


def token_hash(secret: str) -> str:
    """What is stored of a confirmation secret."""
    return hashlib.sha256(secret.encode()).hexdigest()


def _valid_name(name: str) -> str:
    name = name.strip()
    if not name or len(name) > 200:
        raise InvalidClaim(N_("Please give your name (up to 200 characters)."), field="name")
    return name


def _valid_email(email: str) -> str:
    address = email.strip().lower()
    try:
        validate_email(address, check_deliverability=False)
    except EmailNotValidError:
        raise InvalidClaim(N_("Please give a valid email address."), field="email") from None
    return address


def claim_by_secret(session: Session, secret: str) -> Claim:
    """The claim a confirmation link belongs to, while the link is unused."""
    claim = session.scalar(select(Claim).where(Claim.confirmation_token_hash == token_hash(secret)))
    if claim is None:
        raise ClaimNotFound(N_("This confirmation link is not valid or was already used."))
    return claim


def confirm_claim(session: Session, secret: str, *, now: datetime) -> Claim:
    """Confirm the email (the link is used up) and, in auto-approve windows, request the badge."""
    claim = claim_by_secret(session, secret)
    claim.confirmation_token_hash = token_hash(secrets.token_urlsafe(32))  # single use
    if claim.confirmed_at is None:
        claim.confirmed_at = now
    window = session.get_one(ClaimWindow, claim.window_id)
    if window.auto_approve and claim.rejected_at is None:
        _approve(session, window, claim, now=now)
    session.flush()
    return claim


def _approve(session: Session, window: ClaimWindow, claim: Claim, *, now: datetime) -> bool:
    if claim.issuance_id is not None or claim.confirmed_at is None or claim.rejected_at:
        return False
    issuance = request_issuance(
        session,
        issuer_id=window.issuer_id,
        achievement_id=window.achievement_id,
        recipient_name=claim.name,
        recipient_email=claim.email,
        now=now,
    )
    claim.approved_at = now
    claim.issuance_id = issuance.id
    return True


def get_window(session: Session, window_id: int, *, issuer_id: int) -> ClaimWindow:
    """The issuer's window; ``ClaimWindowNotFound`` for anyone else's."""
    window = session.get(ClaimWindow, window_id)
    if window is None or window.issuer_id != issuer_id:
        raise ClaimWindowNotFound(N_("No claim window %(id)s."), params={"id": window_id})
    return window


def approve_claims(
    session: Session, window_id: int, claim_ids: Collection[int], *, issuer_id: int, now: datetime
) -> int:
    """Request badges for confirmed, undecided claims of the window; returns how many."""
    window = get_window(session, window_id, issuer_id=issuer_id)
    query = select(Claim).where(Claim.window_id == window.id, Claim.id.in_(list(claim_ids)))
    approved = sum(_approve(session, window, claim, now=now) for claim in session.scalars(query))
    session.flush()
    return approved


def reject_claim(
    session: Session, window_id: int, claim_id: int, *, issuer_id: int, now: datetime
) -> Claim:
    """Turn a claim down (before it is approved; a badge once issued is revoked instead)."""
    window = get_window(session, window_id, issuer_id=issuer_id)
    claim = session.get(Claim, claim_id)
    if claim is None or claim.window_id != window.id:
        raise ClaimNotFound(N_("No claim %(id)s."), params={"id": claim_id})
    if claim.issuance_id is not None:
        raise Conflict(N_("This claim was already approved."))
    claim.rejected_at = claim.rejected_at or now
    session.flush()
    return claim


def close_window_now(
    session: Session, window_id: int, *, issuer_id: int, now: datetime
) -> ClaimWindow:
    """End the window early; confirmations of claims already made still work."""
    window = get_window(session, window_id, issuer_id=issuer_id)
    window.closes_at = min(window.closes_at, now)
    session.flush()
    return window


def windows_of(session: Session, issuer_id: int) -> list[WindowSummary]:
    """The issuer's windows, newest first, with claim counts."""
    counts = (
        select(
            Claim.window_id,
            func.count(Claim.id),
            func.count(Claim.confirmed_at),
            func.count(Claim.approved_at),
        )
        .group_by(Claim.window_id)
        .subquery()
    )
    query = (
        select(ClaimWindow, counts)
        .outerjoin(counts, counts.c.window_id == ClaimWindow.id)
        .where(ClaimWindow.issuer_id == issuer_id)
        .order_by(ClaimWindow.id.desc())
    )
    return [
        WindowSummary(row[0], row[2] or 0, row[3] or 0, row[4] or 0)
        for row in session.execute(query)
    ]


def claims_of(session: Session, window: ClaimWindow) -> list[Claim]:
    """The window's claims in arrival order."""
    query = select(Claim).where(Claim.window_id == window.id).order_by(Claim.id)
    return list(session.scalars(query))
