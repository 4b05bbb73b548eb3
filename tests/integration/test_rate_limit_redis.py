"""With Redis configured, sign-in limits are shared by every web process, as behind a balancer."""

from __future__ import annotations

from pathlib import Path

import pytest
import redis

from badges.app import create_app
from tests.environment import make_settings
from tests.forms import csrf_token
from tests.services import REDIS_URL, missing

pytestmark = pytest.mark.integration


def test_two_web_processes_share_one_limit(tmp_path: Path, database_url: str) -> None:
    try:
        redis.Redis.from_url(REDIS_URL, socket_timeout=2).ping()
    except redis.RedisError:
        missing(
            "Redis", f"start redis-server on 127.0.0.1:6379 or set TEST_REDIS_URL ({REDIS_URL})"
        )
    settings = make_settings(
        tmp_path, database_url, redis_url=REDIS_URL, login_rate_limit="3 per minute"
    )
    first, second = create_app(settings).test_client(), create_app(settings).test_client()
    attempt = {"email": "x@example.org", "password": "not the password"}

    statuses = [
        client.post("/login", data={**attempt, "csrf_token": csrf_token(client)}).status_code
        for client in (first, second, first, second)
    ]

    assert statuses == [401, 401, 401, 429]
