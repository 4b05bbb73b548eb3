"""Tasks to send once the current transaction commits.

Domain code calls :func:`defer`; it only notes the task in ``session.info``. The listener
installed by :mod:`badges.celery` sends the notes after a commit and drops them after a rollback,
so a worker never sees a task for rows that were never written. No Celery import here, by design.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

OUTBOX_KEY = "badges.outbox"


class _HasInfo(Protocol):
    @property
    def info(self) -> dict[Any, Any]: ...


class _TransactionalSession(_HasInfo, Protocol):
    def in_transaction(self) -> bool: ...

    def begin(self) -> object: ...


@dataclass(frozen=True, slots=True)
class DeferredTask:
    """A task name and its JSON-serialisable positional arguments."""

    name: str
    args: tuple[int | str, ...]


def defer(session: _TransactionalSession, task_name: str, *args: int | str) -> None:
    """Note ``task_name(*args)`` to be sent after ``session`` commits."""
    if not session.in_transaction():
        # Begin now, so that a rollback before any SQL still ends a transaction and drops the note.
        session.begin()
    pending: list[DeferredTask] = session.info.setdefault(OUTBOX_KEY, [])
    pending.append(DeferredTask(task_name, args))


def take_pending(session: _HasInfo) -> list[DeferredTask]:
    """Remove and return everything noted so far (used by the commit listener)."""
    pending: list[DeferredTask] = session.info.pop(OUTBOX_KEY, [])
    return pending


def discard_pending(session: _HasInfo) -> None:
    """Forget the notes of a transaction that was rolled back."""
    session.info.pop(OUTBOX_KEY, None)
