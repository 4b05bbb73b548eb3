"""Credential dates: VCDM ``dateTimeStamp`` values, which must carry a time zone."""

from __future__ import annotations

import re
from datetime import datetime

from badges.errors import N_, InvalidInput

#: XML Schema ``dateTimeStamp``: a date and time with a mandatory zone (VCDM 2.0 §4.9).
_DATE_TIME_STAMP = re.compile(
    r"-?\d{4,}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})", re.ASCII
)


class InvalidDate(InvalidInput):
    """A date in the credential is not a date and time with a time zone."""

    code = "invalid_date"


def parse_date(value: object) -> datetime | None:
    """``None`` when absent; the aware datetime; or raise :class:`InvalidDate`."""
    if value is None:
        return None
    if not isinstance(value, str) or not _DATE_TIME_STAMP.fullmatch(value):
        raise InvalidDate(
            N_("%(value)s is not a date and time with a time zone."),
            params={"value": str(value)[:60]},
        )
    try:
        return datetime.fromisoformat(value)
    except ValueError as err:
        raise InvalidDate(
            N_("%(value)s is not a valid date."), params={"value": str(value)[:60]}
        ) from err
