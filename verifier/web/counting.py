"""Count every verification through the page and the API, anonymously (issue #5, "Web").

Only the day, the front and the outcome are counted (see :mod:`badges.usage`). Counting is
best effort: a verification is never refused or turned into a server error because the counter
could not be written, so a database failure is logged (without any request data) and dropped.
"""

from __future__ import annotations

import logging
from datetime import date

from sqlalchemy.exc import SQLAlchemyError

from badges.context import current_clock
from badges.usage import Channel, UsageOutcome, record_verification, usage_totals
from badges.web.database import db_session
from verifier import VerificationReport

log = logging.getLogger(__name__)


def outcome_of(report: VerificationReport | None) -> UsageOutcome:
    """``verified`` or ``failed`` for a report; ``unusable`` when there was none to make."""
    if report is None:
        return UsageOutcome.UNUSABLE
    return UsageOutcome.VERIFIED if report.verified else UsageOutcome.FAILED


def count_verification(channel: Channel, report: VerificationReport | None) -> None:
    """Add one to today's count and commit it on its own."""
    session = db_session()
    try:
        record_verification(session, channel=channel, outcome=outcome_of(report), day=_today())
        session.commit()
    except SQLAlchemyError:
        session.rollback()
        log.warning("could not count a verification", exc_info=True)


def checked_this_month() -> int | None:
    """Verifications since the first of this month (UTC), or ``None`` if they cannot be read."""
    try:
        return usage_totals(db_session(), _today().replace(day=1)).total
    except SQLAlchemyError:
        log.warning("could not read the verification counts", exc_info=True)
        return None


def _today() -> date:
    return current_clock().now().date()
