"""What an issuer has issued, as the admin pages list and count it (read-only queries)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from issuer.models import Achievement, Credential, Issuance

ISSUED = "issued"


@dataclass(frozen=True, slots=True)
class IssuedRow:
    """One line of the admin's issued list: the request, what was awarded, the credential."""

    issuance: Issuance
    achievement_name: str
    credential: Credential | None

    def state(self, now: datetime) -> str:
        """pending, failed, issued, revoked, suspended or expired, as the admin sees it."""
        credential = self.credential
        if credential is None:
            return self.issuance.state
        if credential.revoked_at is not None:
            return "revoked"
        if credential.suspended:
            return "suspended"
        if credential.valid_until is not None and credential.valid_until <= now:
            return "expired"
        return ISSUED


def list_issued(
    session: Session,
    issuer_id: int,
    *,
    search: str = "",
    before: int | None = None,
    limit: int = 50,
) -> list[IssuedRow]:
    """Newest first, ``limit`` rows below issuance id ``before`` (keyset paging, no OFFSET).

    ``search`` matches the start of the recipient's email or name, case-insensitively, so that
    an index can serve it even with a million issuances.
    """
    query = (
        select(Issuance, Achievement.name, Credential)
        .join(Achievement, Achievement.id == Issuance.achievement_id)
        .outerjoin(Credential, Credential.issuance_id == Issuance.id)
        .where(Issuance.issuer_id == issuer_id)
    )
    text = search.strip().lower()
    if text:
        pattern = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        query = query.where(
            Issuance.recipient_email.like(pattern, escape="\\")
            | func.lower(Issuance.recipient_name).like(pattern, escape="\\")
        )
    if before is not None:
        query = query.where(Issuance.id < before)
    rows = session.execute(query.order_by(Issuance.id.desc()).limit(limit)).all()
    return [IssuedRow(issuance, name, credential) for issuance, name, credential in rows]


def issuance_counts(session: Session, issuer_id: int) -> dict[str, int]:
    """How many issuances of the issuer are in each state (pending, issued, failed)."""
    rows = session.execute(
        select(Issuance.state, func.count())
        .where(Issuance.issuer_id == issuer_id)
        .group_by(Issuance.state)
    ).all()
    return {str(state): int(count) for state, count in rows}
