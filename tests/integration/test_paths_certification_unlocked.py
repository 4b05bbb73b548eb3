"""The certification tests again, through ``check_completion``'s own SAVEPOINT path.

Reviews call ``check_completion(locked=True)`` (they hold the enrolment's row lock); any other
caller gets ``locked=False``, where every certification is claimed in a SAVEPOINT before its
issuance is requested. The same behaviour is pinned here for that path.
"""

from __future__ import annotations

from typing import Any

import pytest

from paths.certification import check_completion
from tests.integration.test_paths_certification import *  # noqa: F403
from tests.integration.test_paths_certification import context, world  # noqa: F401


@pytest.fixture(autouse=True)
def unlocked(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    calls: list[bool] = []

    def without_lock(*args: Any, **kwargs: Any) -> Any:
        calls.append(kwargs.get("locked", False))
        return check_completion(*args, **{**kwargs, "locked": False})

    monkeypatch.setattr("paths.review.check_completion", without_lock)
    return calls
