"""Cost of the foundation's hot paths, run by hand: ``.venv/bin/python -m bench.bench_web``.

Prints pages per second for the landing page, ``/health`` and a sign-in, on the embedded SQLite
database through Flask's test client (no network), and the ratio of each to the landing page. A
sign-in is dominated by Argon2id on purpose: that ratio shows what the password hash costs.
"""

from __future__ import annotations

import re
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from flask.testing import FlaskClient

from badges import migrate
from badges.app import create_app
from badges.config import Settings
from badges.context import current_database

PASSWORD = "benchmark password"


def _rate(action: Callable[[], object], seconds: float = 2.0) -> float:
    action()  # warm up
    count, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        action()
        count += 1
    return count / (time.perf_counter() - start)


def _client(folder: Path) -> FlaskClient:
    settings = Settings(
        instance_path=folder,
        secret_key="bench",
        secret_key_generated=False,
        database_url=f"sqlite:///{folder / 'bench.sqlite3'}",
        login_rate_limit="1000000 per minute",
    )
    app = create_app(settings)
    with app.app_context():
        migrate.upgrade(current_database().engine)
    return app.test_client()


def main() -> None:
    """Measure and print."""
    with tempfile.TemporaryDirectory() as folder:
        client = _client(Path(folder))
        page = client.get("/register").get_data(as_text=True)
        match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)
        assert match is not None  # noqa: S101 - a benchmark, not production code
        token = match.group(1)
        client.post(
            "/register",
            data={
                "csrf_token": token,
                "name": "Bench",
                "email": "bench@example.org",
                "password": PASSWORD,
                "confirm": PASSWORD,
            },
        )

        def sign_in() -> None:
            # Signing in renews the session (and so the CSRF token): fetch the form each time.
            form_page = client.get("/login").get_data(as_text=True)
            found = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', form_page)
            assert found is not None  # noqa: S101
            form = {
                "csrf_token": found.group(1),
                "email": "bench@example.org",
                "password": PASSWORD,
            }
            response = client.post("/login", data=form)
            assert response.status_code == 302, response.status_code  # noqa: S101

        rates = {
            "GET / (landing page)": _rate(lambda: client.get("/")),
            "GET /health": _rate(lambda: client.get("/health")),
            "GET+POST /login (Argon2id)": _rate(sign_in),
        }
    reference = rates["GET / (landing page)"]
    for name, rate in rates.items():
        print(f"{name:<28} {rate:8.1f}/s   ratio to landing page {rate / reference:6.3f}")


if __name__ == "__main__":
    main()
