"""One migration history, up and down, on SQLite and PostgreSQL, matching the models."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import Engine, make_url

import badges.accounts.models
import badges.mail
import badges.usage  # noqa: F401 - the models whose tables the migrations must create
import issuer.models  # noqa: F401 - the models whose tables the migrations must create
import paths.models  # noqa: F401 - the models whose tables the migrations must create
from badges import migrate
from badges.db import Base
from tests.services import POSTGRES_ADMIN_URL, missing


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.integration)])
def empty_engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    if request.param == "sqlite":
        engine = create_engine(f"sqlite:///{tmp_path / 'fresh.sqlite3'}")
        yield engine
        engine.dispose()
        return
    # A database of its own: the shared test database is already migrated.
    request.getfixturevalue("postgres_url")  # fails or skips if PostgreSQL is missing
    admin = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    name = f"badges_migrations_{uuid.uuid4().hex[:10]}"
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    engine = create_engine(make_url(POSTGRES_ADMIN_URL).set(database=name))
    yield engine
    engine.dispose()
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def _tables(engine: Engine) -> set[str]:
    return set(inspect(engine).get_table_names()) - {"alembic_version"}


def test_upgrade_creates_every_table_and_downgrade_removes_them(empty_engine: Engine) -> None:
    migrate.upgrade(empty_engine)
    assert _tables(empty_engine) == set(Base.metadata.tables)
    assert migrate.current_revision(empty_engine) == _head()

    migrate.downgrade(empty_engine, "base")
    assert _tables(empty_engine) == set()
    assert migrate.current_revision(empty_engine) is None

    migrate.upgrade(empty_engine)
    assert _tables(empty_engine) == set(Base.metadata.tables)


def test_models_and_migrations_agree(empty_engine: Engine) -> None:
    migrate.upgrade(empty_engine)

    with empty_engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, Base.metadata)

    assert differences == [], "write a migration: `alembic revision --autogenerate`"


def test_postgres_url_fixture_is_reachable_or_reported() -> None:
    # Guards the CI promise: this module's PostgreSQL cases never silently vanish.
    engine = create_engine(POSTGRES_ADMIN_URL)
    try:
        with engine.connect() as connection:
            assert connection.execute(text("SELECT 1")).scalar() == 1
    except Exception:
        missing("PostgreSQL", f"start it or set TEST_POSTGRES_URL ({POSTGRES_ADMIN_URL})")
    finally:
        engine.dispose()


def _head() -> str | None:
    """The newest migration, so this test needs no edit when one is added."""
    config = migrate.alembic_config(create_engine("sqlite://"))
    return ScriptDirectory.from_config(config).get_current_head()
