"""Asking for credentials: pending issuance rows, and the issuing tasks deferred until commit.

:func:`request_issuance` (one) and :func:`request_issuances` (many, one INSERT) check the
achievement and recipient, write ``pending`` rows and defer the issuing tasks, so a worker runs
only once the requests are committed (STYLE rule 4). The worker's side is :mod:`issuer.issuance`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import Integer, bindparam, select
from sqlalchemy.orm import Session

from badges.accounts import User, normalise_email
from badges.errors import N_
from badges.outbox import defer
from issuer.errors import AchievementArchived, AchievementNotFound, InvalidRecipient
from issuer.models import Achievement, Issuance

ISSUE_CREDENTIAL_TASK = "issuer.issue_credential"
ISSUE_CREDENTIALS_TASK = "issuer.issue_credentials"
#: ``Issuance.state``: requested here as pending; the worker makes it issued or failed.
PENDING, ISSUED, FAILED = "pending", "issued", "failed"
#: Issuances per batch task: big enough that per-batch loading is spread thin, small enough
#: that a transaction holds its row locks briefly and a retry repeats little.
BATCH_SIZE = 50


@dataclass(frozen=True, slots=True)
class IssuanceRequest:
    """One credential to issue: what, to whom (``recipient_user_id`` is looked up if None)."""

    achievement_id: int
    recipient_name: str
    recipient_email: str
    recipient_user_id: int | None = None
    bulk_award_id: int | None = None
    #: See :mod:`issuer.extras`.
    extras: Mapping[str, Any] | None = None


# Two columns, not the row: the check needs no more, and this runs on every certification; built
# once, as statement building costs as much CPU as the round trip (issue #6).
_ACHIEVEMENT = select(Achievement.issuer_id, Achievement.archived_at).where(
    Achievement.id == bindparam("achievement_id", type_=Integer)
)


def request_issuance(
    session: Session,
    *,
    issuer_id: int,
    achievement_id: int,
    recipient_name: str,
    recipient_email: str,
    now: datetime,
    recipient_user_id: int | None = None,
    requested_by_id: int | None = None,
    extras: Mapping[str, Any] | None = None,
) -> Issuance:
    """Record a pending issuance; the credential is issued by a task sent after commit.

    The email is normalised (trimmed, lower-cased) so that the recipient's account finds it.
    ``extras`` (from a validation path, see :mod:`issuer.extras`) go into the credential.
    """
    found = session.execute(_ACHIEVEMENT, {"achievement_id": achievement_id}).one_or_none()
    _check_achievement(found, achievement_id, issuer_id)
    name, email = _recipient(recipient_name, recipient_email)
    if recipient_user_id is None:
        recipient_user_id = session.scalar(select(User.id).where(User.email == email))
    issuance = Issuance(
        issuer_id=issuer_id,
        achievement_id=achievement_id,
        recipient_name=name,
        recipient_email=email,
        state=PENDING,
        requested_at=now,
        recipient_user_id=recipient_user_id,
        requested_by_id=requested_by_id,
        extras_json=dict(extras) if extras else None,
    )
    session.add(issuance)
    session.flush()
    defer(session, ISSUE_CREDENTIAL_TASK, issuance.id)
    return issuance


def request_issuances(
    session: Session,
    issuer_id: int,
    requests: Sequence[IssuanceRequest],
    *,
    now: datetime,
    requested_by_id: int | None = None,
    batch_size: int = BATCH_SIZE,
) -> list[Issuance]:
    """Record many pending issuances in one INSERT; one batch task per ``batch_size`` ids.

    The tasks go out after commit. All or nothing: an unknown or archived achievement or an
    unusable recipient raises before anything is written. Emails are matched to accounts in bulk.
    """
    wanted = sorted({request.achievement_id for request in requests})
    achievements = {
        achievement_id: (owner_id, archived_at)
        for achievement_id, owner_id, archived_at in session.execute(
            select(Achievement.id, Achievement.issuer_id, Achievement.archived_at).where(
                Achievement.id.in_(wanted)
            )
        )
    }
    for achievement_id in wanted:
        _check_achievement(achievements.get(achievement_id), achievement_id, issuer_id)
    recipients = [
        _recipient(request.recipient_name, request.recipient_email) for request in requests
    ]
    users = _user_ids(session, {email for _, email in recipients})
    issuances = [
        Issuance(
            issuer_id=issuer_id,
            achievement_id=request.achievement_id,
            recipient_name=name,
            recipient_email=email,
            state=PENDING,
            requested_at=now,
            recipient_user_id=request.recipient_user_id or users.get(email),
            requested_by_id=requested_by_id,
            bulk_award_id=request.bulk_award_id,
            extras_json=dict(request.extras) if request.extras else None,
        )
        for request, (name, email) in zip(requests, recipients, strict=True)
    ]
    session.add_all(issuances)
    session.flush()
    ids = [issuance.id for issuance in issuances]
    for start in range(0, len(ids), batch_size):
        defer(session, ISSUE_CREDENTIALS_TASK, *ids[start : start + batch_size])
    return issuances


def _check_achievement(
    found: tuple[int, datetime | None] | None, achievement_id: int, issuer_id: int
) -> None:
    """``found`` is the achievement's (issuer id, archived at), None if there is none."""
    if found is None or found[0] != issuer_id:
        raise AchievementNotFound(N_("No achievement %(id)s."), params={"id": achievement_id})
    if found[1] is not None:
        raise AchievementArchived(N_("This achievement is archived and can no longer be awarded."))


def _user_ids(session: Session, emails: Iterable[str]) -> dict[str, int]:
    """Account ids by (normalised) email, a few hundred addresses per query."""
    found: dict[str, int] = {}
    wanted = sorted(emails)
    for start in range(0, len(wanted), 500):
        query = select(User.email, User.id).where(User.email.in_(wanted[start : start + 500]))
        found.update({str(email): int(user_id) for email, user_id in session.execute(query)})
    return found


def _recipient(name: str, email: str) -> tuple[str, str]:
    """A usable recipient name and normalised email address, or InvalidRecipient."""
    name = (name or "").strip()
    if not name or len(name) > 200:
        raise InvalidRecipient(
            N_("Give the recipient's name (at most 200 characters)."), field="recipient_name"
        )
    address = normalise_email(email or "")
    try:
        validate_email(address, check_deliverability=False)
    except EmailNotValidError:
        raise InvalidRecipient(
            N_("Give a valid email address for the recipient."), field="recipient_email"
        ) from None
    if len(address) > 320:
        raise InvalidRecipient(
            N_("Give a valid email address for the recipient."), field="recipient_email"
        )
    return name, address
