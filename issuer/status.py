"""Revoking, suspending and reinstating issued credentials, with an audit log of each change.

W3C Bitstring Status List v1.0: a change sets the credential's bit in its list, and the list
credential is re-signed after commit (:mod:`issuer.status_signing`), so a verifier never sees bits
the transaction did not keep. Index allocation for new credentials is
:mod:`issuer.status_allocation`.
"""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from badges.errors import N_, InvalidInput
from badges.outbox import defer
from badges.statuslist import StatusBits
from issuer.errors import CredentialNotFound, StatusConflict, StatusListNotFound
from issuer.models import Credential, StatusEvent, StatusList

# Also re-exported (``__all__``): issuer.tasks and issuer.web.credentials import them from here.
from issuer.status_signing import (
    PUBLISH_STATUS_LIST_TASK,
    STATUS_LIST_TTL,
    status_list_credential,
)

log = logging.getLogger(__name__)

#: ``StatusEvent.action`` values.
REVOKE, SUSPEND, UNSUSPEND = "revoke", "suspend", "unsuspend"
MAX_REASON_LENGTH = 1000


def revoke(
    session: Session, credential_id: int, *, reason: str, now: datetime, actor_id: int | None = None
) -> Credential:
    """Revoke for good: set the credential's bit and log why; the list is re-signed after commit."""
    credential = _credential(session, credential_id)
    reason = _reason(reason)
    if credential.revoked_at is not None:
        raise StatusConflict(
            N_("This badge was already revoked on %(date)s."),
            params={"date": credential.revoked_at.date().isoformat()},
        )
    credential.revoked_at = now
    credential.revocation_reason = reason
    _set_bit(session, credential.status_list_id, credential.status_index, 1, now=now)
    _record(session, credential, REVOKE, reason=reason, actor_id=actor_id, now=now)
    log.info("Revoked credential %s: %s", credential.public_id, reason)
    return credential


def suspend(
    session: Session, credential_id: int, *, reason: str, now: datetime, actor_id: int | None = None
) -> Credential:
    """Put on hold (reversible); only for credentials that have a suspension entry."""
    return _change_suspension(session, credential_id, True, reason, now=now, actor_id=actor_id)


def unsuspend(
    session: Session, credential_id: int, *, reason: str, now: datetime, actor_id: int | None = None
) -> Credential:
    """Lift a suspension: the credential verifies again once the list is re-signed."""
    return _change_suspension(session, credential_id, False, reason, now=now, actor_id=actor_id)


def status_events(session: Session, credential_id: int) -> list[StatusEvent]:
    """The credential's audit log, oldest first."""
    return list(
        session.scalars(
            select(StatusEvent)
            .where(StatusEvent.credential_id == credential_id)
            .order_by(StatusEvent.at, StatusEvent.id)
        )
    )


def _change_suspension(
    session: Session,
    credential_id: int,
    suspended: bool,
    reason: str,
    *,
    now: datetime,
    actor_id: int | None,
) -> Credential:
    credential = _credential(session, credential_id)
    reason = _reason(reason)
    if credential.suspension_list_id is None or credential.suspension_index is None:
        raise StatusConflict(N_("This badge cannot be suspended."))
    if credential.revoked_at is not None:
        raise StatusConflict(N_("This badge was revoked; it cannot be suspended or reinstated."))
    if credential.suspended == suspended:
        raise StatusConflict(
            N_("This badge is already suspended.")
            if suspended
            else N_("This badge is not suspended.")
        )
    credential.suspended = suspended
    value = 1 if suspended else 0
    _set_bit(session, credential.suspension_list_id, credential.suspension_index, value, now=now)
    action = SUSPEND if suspended else UNSUSPEND
    _record(session, credential, action, reason=reason, actor_id=actor_id, now=now)
    log.info("%s credential %s: %s", action, credential.public_id, reason)
    return credential


def _reason(reason: str) -> str:
    text = (reason or "").strip()
    if not text or len(text) > MAX_REASON_LENGTH:
        raise InvalidInput(
            N_("Give a reason of at most 1000 characters."), code="invalid_reason", field="reason"
        )
    return text


def _record(
    session: Session,
    credential: Credential,
    action: str,
    *,
    reason: str,
    actor_id: int | None,
    now: datetime,
) -> None:
    session.add(
        StatusEvent(
            credential_id=credential.id, action=action, reason=reason, actor_id=actor_id, at=now
        )
    )
    session.flush()


def _set_bit(session: Session, list_id: int, index: int, value: int, *, now: datetime) -> None:
    status_list = session.get(StatusList, list_id, with_for_update=True)
    if status_list is None:
        raise StatusListNotFound(N_("No status list %(id)s."), params={"id": list_id})
    bits = StatusBits.decode(status_list.encoded_list).set(index, value)
    status_list.encoded_list = bits.encode()
    status_list.version += 1
    status_list.updated_at = now
    session.flush()
    # Publish after commit: a verifier must never see bits the transaction did not keep.
    defer(session, PUBLISH_STATUS_LIST_TASK, list_id)


def credential_by_public_id(session: Session, public_id: str) -> Credential:
    """The credential whose ``urn:uuid:`` is ``public_id``; CredentialNotFound otherwise."""
    uuid = public_id.strip().lower().removeprefix("urn:uuid:")
    credential = session.scalar(select(Credential).where(Credential.public_id == uuid))
    if credential is None:
        raise CredentialNotFound(N_("No badge %(id)s."), params={"id": public_id[:100]})
    return credential


def _credential(session: Session, credential_id: int) -> Credential:
    credential = session.get(Credential, credential_id)
    if credential is None:
        raise CredentialNotFound(N_("No credential %(id)s."), params={"id": credential_id})
    return credential


__all__ = [
    "MAX_REASON_LENGTH",
    "PUBLISH_STATUS_LIST_TASK",
    "REVOKE",
    "STATUS_LIST_TTL",
    "SUSPEND",
    "UNSUSPEND",
    "credential_by_public_id",
    "revoke",
    "status_events",
    "status_list_credential",
    "suspend",
    "unsuspend",
]
