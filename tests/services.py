"""Where the real services are, and what to do when one is missing.

Outside CI a missing service skips its tests with a message saying how to enable them; with
``CI=true`` it fails the run, so a green CI always means the tests really ran.
"""

from __future__ import annotations

import os
import shutil
from typing import NoReturn

import pytest

IN_CI = os.environ.get("CI", "").lower() == "true"
POSTGRES_ADMIN_URL = os.environ.get(
    "TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
CHROMIUM = os.environ.get("TEST_CHROMIUM", "/usr/bin/chromium")


def missing(service: str, how: str) -> NoReturn:
    """Fail in CI, skip elsewhere, saying how to make the service available."""
    message = f"{service} is not available ({how})"
    if IN_CI:
        pytest.fail(f"CI=true requires {message}", pytrace=False)
    pytest.skip(message)


def chromium_path() -> str:
    """The Debian chromium binary, or skip/fail."""
    if not (os.path.exists(CHROMIUM) or shutil.which(CHROMIUM)):
        missing("chromium", "apt-get install -y chromium, or set TEST_CHROMIUM")
    return CHROMIUM
