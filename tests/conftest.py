"""Fixtures: settings, app, client, CLI runner and sessions, on SQLite and on PostgreSQL."""

from __future__ import annotations

import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from badges import migrate
from badges.accounts import passwords
from badges.app import create_app
from badges.clock import FixedClock
from badges.config import Settings
from badges.context import current_database
from badges.db import Database
from tests.environment import NOW, empty_tables, make_settings
from tests.services import POSTGRES_ADMIN_URL, missing


@pytest.fixture(scope="session", autouse=True)
def cheap_password_hashing() -> Iterator[None]:
    """Argon2id with tiny costs in tests: a strong hash costs ~110 ms, and tests make hundreds.

    Only this process: the app still uses ``STRONG_HASHER`` (checked in tests/unit), and
    subprocesses (the CLI, the Celery worker, gunicorn) hash as in production.
    """
    cheap = PasswordHasher(time_cost=1, memory_cost=64, parallelism=1)
    original = passwords._hasher
    passwords._hasher = cheap
    yield
    passwords._hasher = original


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A throwaway PostgreSQL database for this run, migrated once, dropped at the end."""
    admin = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text("SELECT 1"))
    except OperationalError:
        missing(
            "PostgreSQL",
            f"start it on 127.0.0.1:5432 or set TEST_POSTGRES_URL ({POSTGRES_ADMIN_URL})",
        )
    name = f"badges_test_{uuid.uuid4().hex[:12]}"
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(POSTGRES_ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    engine = create_engine(url)
    migrate.upgrade(engine)
    engine.dispose()
    yield url
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite file, copied for each test (faster than migrating every time)."""
    path = tmp_path_factory.mktemp("sqlite") / "template.sqlite3"
    engine = create_engine(f"sqlite:///{path}")
    migrate.upgrade(engine)
    engine.dispose()
    return path


@pytest.fixture(
    params=["sqlite", pytest.param("postgresql", marks=pytest.mark.integration)],
)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A migrated, empty database on each backend."""
    if request.param == "sqlite":
        path = tmp_path / "badges.sqlite3"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        yield f"sqlite:///{path}"
        return
    url: str = request.getfixturevalue("postgres_url")
    yield url
    empty_tables(url)


@pytest.fixture
def clock() -> FixedClock:
    """The time every test app sees."""
    return FixedClock(NOW)


@pytest.fixture
def settings(tmp_path: Path, database_url: str) -> Settings:
    """Embedded settings (eager Celery) on the parametrised database."""
    return make_settings(tmp_path, database_url)


@pytest.fixture
def app(settings: Settings, clock: FixedClock) -> Iterator[Flask]:
    """A configured app on a migrated, empty database."""
    application = create_app(settings, clock=clock)
    application.config["TESTING"] = True
    yield application
    with application.app_context():
        current_database().dispose()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    """A test client with cookies."""
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    """The app's CLI runner."""
    return app.test_cli_runner()


@pytest.fixture
def database(app: Flask) -> Database:
    """The app's database handle."""
    with app.app_context():
        return current_database()


@pytest.fixture
def session(database: Database) -> Iterator[Session]:
    """A session the test commits itself when it wants to."""
    with database.sessionmaker() as db_session:
        yield db_session
