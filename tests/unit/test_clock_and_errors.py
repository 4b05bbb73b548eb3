from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from badges.clock import FixedClock, SystemClock
from badges.errors import N_, Conflict, DomainError, InvalidInput


def test_system_clock_is_timezone_aware() -> None:
    assert SystemClock().now().tzinfo is UTC


def test_fixed_clock_stands_still_until_advanced() -> None:
    clock = FixedClock(datetime(2026, 1, 1, tzinfo=UTC))

    assert clock.now() == clock.now()
    clock.advance(timedelta(days=1))
    assert clock.now() == datetime(2026, 1, 2, tzinfo=UTC)


def test_fixed_clock_rejects_naive_time() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        FixedClock(datetime(2026, 1, 1))  # noqa: DTZ001 - the point of the test


def test_domain_errors_carry_code_template_and_parameters() -> None:
    error = InvalidInput(N_("At most %(count)d."), params={"count": 3}, field="x", code="too_many")

    assert error.code == "too_many"
    assert error.message == "At most 3."
    assert error.template == "At most %(count)d."
    assert error.field == "x"
    assert str(error) == "At most 3."


def test_domain_error_default_codes() -> None:
    assert Conflict("taken").code == "conflict"
    assert DomainError("x").code == "domain_error"
