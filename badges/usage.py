"""Anonymous verification counts: how many badges were checked, per day, front and outcome.

Issue #5: "Uploaded credentials are not stored or logged; only anonymous counts are kept." A row
holds a day, a front (``page`` or ``api``), an outcome and a number: never the credential, its
hash, its address, the visitor's address or the time of day. Increments are one atomic
``INSERT … ON CONFLICT DO UPDATE`` statement, so two workers counting at once never lose a count
or collide on the unique key (SQLite ≥ 3.24 and PostgreSQL both support it).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from types import MappingProxyType
from typing import Any

from sqlalchemy import Date, Integer, String, func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Mapped, Session, mapped_column

from badges.db import Base


class Channel(StrEnum):
    """Which front a verification came through."""

    PAGE = "page"
    API = "api"


class UsageOutcome(StrEnum):
    """What a verification ended in; ``unusable`` is input that was not a credential at all."""

    VERIFIED = "verified"
    FAILED = "failed"
    UNUSABLE = "unusable"


_CHANNELS = frozenset(Channel)
_OUTCOMES = frozenset(UsageOutcome)


class VerificationCount(Base):
    """The number of verifications on one day, through one front, with one outcome."""

    __tablename__ = "verification_counts"

    #: The UTC day; the primary key (day, channel, outcome) is the unique key increments hit.
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    #: A :class:`Channel` value.
    channel: Mapped[str] = mapped_column(String(8), primary_key=True)
    #: A :class:`UsageOutcome` value.
    outcome: Mapped[str] = mapped_column(String(16), primary_key=True)
    count: Mapped[int] = mapped_column(Integer, default=0)


def record_verification(
    session: Session, *, channel: Channel, outcome: UsageOutcome, day: date
) -> None:
    """Add one to the day's count for ``channel`` and ``outcome`` (the caller commits)."""
    dialect = session.get_bind().dialect.name
    insert: Any = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}.get(dialect)
    if insert is None:
        raise NotImplementedError(f"counting verifications on {dialect} is not supported")
    table = VerificationCount.__table__
    statement = insert(table).values(day=day, channel=channel.value, outcome=outcome.value, count=1)
    session.execute(
        statement.on_conflict_do_update(
            index_elements=["day", "channel", "outcome"],
            set_={"count": table.c.count + 1},
        )
    )


@dataclass(frozen=True, slots=True)
class UsageTotals:
    """Counts since a day, by (channel, outcome); absent pairs are zero."""

    counts: Mapping[tuple[Channel, UsageOutcome], int] = field(
        default_factory=lambda: MappingProxyType({})
    )

    @property
    def total(self) -> int:
        """Every verification, whatever the front or outcome."""
        return sum(self.counts.values())

    def of(self, *, channel: Channel | None = None, outcome: UsageOutcome | None = None) -> int:
        """The count for one front and/or one outcome (``None`` means any)."""
        return sum(
            number
            for (row_channel, row_outcome), number in self.counts.items()
            if channel in (None, row_channel) and outcome in (None, row_outcome)
        )


def usage_totals(session: Session, since: date) -> UsageTotals:
    """Counts from ``since`` (inclusive) to today, summed over the days."""
    rows = session.execute(
        select(
            VerificationCount.channel,
            VerificationCount.outcome,
            func.sum(VerificationCount.count),
        )
        .where(VerificationCount.day >= since)
        .group_by(VerificationCount.channel, VerificationCount.outcome)
    )
    counts = {
        (Channel(channel), UsageOutcome(outcome)): int(number)
        for channel, outcome, number in rows
        if channel in _CHANNELS and outcome in _OUTCOMES
    }
    return UsageTotals(MappingProxyType(counts))
