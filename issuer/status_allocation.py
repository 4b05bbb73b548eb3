"""Status list entries for new credentials: which list, and a random unused index in it.

W3C Bitstring Status List v1.0: each issuer has a revocation list of at least 131,072 entries
(§6.1 herd privacy), and every credential gets a random unused index (§6.2, so an index reveals
nothing about issue order). Revoking and suspending are :mod:`issuer.status`; signing the list
is :mod:`issuer.status_signing`.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from badges.statuslist import MINIMUM_ENTRIES, StatusBits
from issuer.models import Issuer, StatusEntry, StatusList

REVOCATION, SUSPENSION = "revocation", "suspension"
#: Random draws before giving up on a list (each draw hits a used index with the list's fill
#: ratio as probability). A list is retired at half full, so 64 draws practically never fail.
_MAX_DRAWS = 64


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
