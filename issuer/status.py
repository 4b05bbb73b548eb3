"""Issuer-side Bitstring Status Lists: index allocation, revocation and the signed list credential.

W3C Bitstring Status List v1.0: each issuer has a revocation list of at least 131,072 entries
(§6.1 herd privacy); every credential gets a random unused index (§6.2, so an index reveals
nothing about issue order), and the list credential is re-signed on every change so that a
verifier can trust it. The pure codec is :mod:`badges.statuslist`.
"""

from __future__ import annotations

import json
import logging
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from badges.errors import N_, InvalidInput
from badges.jsonld.contexts import VC_V2_CONTEXT
from badges.jsonld.loader import StaticDocumentLoader
from badges.ob3 import format_timestamp
from badges.outbox import defer
from badges.proofs import create_proof
from badges.statuslist import MINIMUM_ENTRIES, StatusBits
from issuer.errors import CredentialNotFound, StatusConflict, StatusListNotFound
from issuer.keys import Keyring, signer_for
from issuer.models import Credential, Issuer, StatusEntry, StatusEvent, StatusList

log = logging.getLogger(__name__)

PUBLISH_STATUS_LIST_TASK = "issuer.publish_status_list"
#: How long a verifier may cache a status list credential: its ``ttl`` (§2.2, in milliseconds)
#: and the ``Cache-Control: max-age`` of ``GET /status/<id>`` say the same.
STATUS_LIST_TTL = timedelta(minutes=5)
REVOCATION, SUSPENSION = "revocation", "suspension"
#: ``StatusEvent.action`` values.
REVOKE, SUSPEND, UNSUSPEND = "revoke", "suspend", "unsuspend"
MAX_REASON_LENGTH = 1000
#: Random draws before giving up on a list (each draw hits a used index with the list's fill
#: ratio as probability). A list is retired at half full, so 64 draws practically never fail.
_MAX_DRAWS = 64


def status_list_url(base_url: str, list_id: int) -> str:
    """Where the list credential is published (``GET /status/<list-id>``)."""
    return f"{base_url}/status/{list_id}"


def current_list(session: Session, issuer_id: int, *, purpose: str, now: datetime) -> StatusList:
    """The issuer's newest list for ``purpose``; a new (empty, unsigned) one when none has room.

    A list counts as full at half its size: random draws stay cheap, and the used indexes stay
    a minority of the list (herd privacy, §6.1). Creating one locks the issuer row first and
    looks again, so two workers issuing an issuer's first credentials make one list, not two.
    """
    status_list = _list_with_room(session, issuer_id, purpose)
    if status_list is not None:
        return status_list
    session.execute(select(Issuer.id).where(Issuer.id == issuer_id).with_for_update())
    status_list = _list_with_room(session, issuer_id, purpose)
    if status_list is None:
        status_list = StatusList(
            issuer_id=issuer_id,
            purpose=purpose,
            size=MINIMUM_ENTRIES,
            encoded_list=StatusBits.create(length=MINIMUM_ENTRIES).encode(),
            version=1,
            updated_at=now,
        )
        session.add(status_list)
        session.flush()
    return status_list


def _list_with_room(session: Session, issuer_id: int, purpose: str) -> StatusList | None:
    """The newest list for ``purpose`` if it is less than half used (read afresh)."""
    status_list = session.scalars(
        select(StatusList)
        .where(StatusList.issuer_id == issuer_id, StatusList.purpose == purpose)
        .order_by(StatusList.id.desc())
        .limit(1)
    ).first()
    if status_list is None or _used(session, status_list.id) >= status_list.size // 2:
        return None
    return status_list


def _used(session: Session, list_id: int) -> int:
    """Allocated indexes of a list (counted on the unique index, never loading rows)."""
    return (
        session.scalar(
            select(func.count())
            .select_from(StatusEntry)
            .where(StatusEntry.status_list_id == list_id)
        )
        or 0
    )


def allocate_index(session: Session, status_list: StatusList) -> StatusEntry:
    """Reserve a random index no one holds in ``status_list`` (its unique constraint backs this)."""
    for _ in range(_MAX_DRAWS):
        index = secrets.randbelow(status_list.size)
        taken = session.scalar(
            select(StatusEntry.id).where(
                StatusEntry.status_list_id == status_list.id, StatusEntry.status_index == index
            )
        )
        if taken is None:
            entry = StatusEntry(status_list_id=status_list.id, status_index=index)
            session.add(entry)
            session.flush()
            return entry
    raise RuntimeError(f"status list {status_list.id} is too full to allocate from")


@dataclass(frozen=True, slots=True)
class Reservation:
    """A reserved index: its ``status_entries`` row and where it points."""

    entry_id: int
    status_list_id: int
    status_index: int


def allocate_indexes(session: Session, status_list: StatusList, count: int) -> list[Reservation]:
    """Reserve ``count`` random unused indexes of ``status_list``, in random order.

    A batch's worth in two statements: one SELECT of which random candidates are taken, one
    multi-row INSERT of free ones. The INSERT skips an index a concurrent transaction took in
    between (ON CONFLICT DO NOTHING: the unique constraint decides) and we draw again for it.
    Rows go in ascending order, so two batches' INSERTs do not wait on each other in a cycle.
    """
    rng = secrets.SystemRandom()
    reserved: list[Reservation] = []
    for _ in range(_MAX_DRAWS):
        missing = count - len(reserved)
        if missing <= 0:
            break
        held = {reservation.status_index for reservation in reserved}
        draws = min(status_list.size, 2 * missing + 16)
        candidates = set(rng.sample(range(status_list.size), draws)) - held
        taken = set(
            session.scalars(
                select(StatusEntry.status_index).where(
                    StatusEntry.status_list_id == status_list.id,
                    StatusEntry.status_index.in_(sorted(candidates)),
                )
            )
        )
        free = sorted(candidates - taken)
        chosen = sorted(rng.sample(free, min(missing, len(free))))
        if chosen:
            reserved += _insert_entries(session, status_list.id, chosen)
    if len(reserved) < count:
        raise RuntimeError(f"status list {status_list.id} is too full to allocate from")
    rng.shuffle(reserved)  # an index says nothing about the order of issue (§6.2)
    return reserved


def _insert_entries(session: Session, list_id: int, indexes: list[int]) -> list[Reservation]:
    insert = postgresql_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    statement = (
        insert(StatusEntry)
        .values([{"status_list_id": list_id, "status_index": index} for index in indexes])
        .on_conflict_do_nothing()
        .returning(StatusEntry.id, StatusEntry.status_index)
    )
    return [Reservation(row.id, list_id, row.status_index) for row in session.execute(statement)]


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


def status_list_credential(
    session: Session,
    list_id: int,
    *,
    keyring: Keyring,
    base_url: str,
    now: datetime,
    loader: StaticDocumentLoader | None = None,
) -> dict[str, Any]:
    """Build and sign the ``BitstringStatusListCredential`` (§2.2) and store it on the list.

    Idempotent: signing again publishes the same bits with a fresh ``validFrom`` and proof.
    """
    status_list = session.get(StatusList, list_id)
    if status_list is None:
        raise StatusListNotFound(N_("No status list %(id)s."), params={"id": list_id})
    url = status_list_url(base_url, list_id)
    signer = signer_for(session, status_list.issuer_id, keyring=keyring)
    document: dict[str, Any] = {
        "@context": [VC_V2_CONTEXT],
        "id": url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": signer.verification_method.partition("#")[0],
        "validFrom": format_timestamp(now),
        "credentialSubject": {
            "id": f"{url}#list",
            "type": "BitstringStatusList",
            "statusPurpose": status_list.purpose,
            "encodedList": status_list.encoded_list,
            "ttl": int(STATUS_LIST_TTL.total_seconds() * 1000),
        },
    }
    signed = create_proof(document, signer=signer, created=now, loader=loader)
    status_list.credential_json = json.dumps(signed, separators=(",", ":"))
    session.flush()
    return signed


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
