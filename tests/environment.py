"""Test settings, the fixed test time, and database housekeeping shared by fixtures."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Engine, create_engine, text
from sqlalchemy.pool import NullPool

from badges.config import Settings
from badges.db import Base

NOW = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
#: A key-encryption key for test apps (a Fernet key made for the tests; it protects nothing real).
TEST_KEK = "re9qeMFxPU99o8RtLEiX28qfIRXsKrTBrKwrrLK8iOY="


def empty_tables(url: str) -> None:
    """Remove every row from every table (PostgreSQL), keeping the schema; ids start at 1 again.

    DELETE, children first, rather than TRUNCATE: with forty-odd small tables, TRUNCATE's file
    work cost about a second per test, DELETE a few milliseconds.
    """
    engine = _engines.get(url) or _engines.setdefault(url, create_engine(url, poolclass=NullPool))
    with engine.begin() as connection:
        for table in reversed(Base.metadata.sorted_tables):
            connection.execute(table.delete())
        connection.execute(
            text("SELECT setval(oid::regclass, 1, false) FROM pg_class WHERE relkind = 'S'")
        )


_engines: dict[str, Engine] = {}


def make_settings(tmp_path: Path, database_url: str, **overrides: object) -> Settings:
    """Settings for a test app; override any field by keyword."""
    values: dict[str, object] = {
        "instance_path": tmp_path / "instance",
        "secret_key": "test-secret-key",
        "secret_key_generated": False,
        "database_url": database_url,
        "env": "testing",
        "login_rate_limit": "1000 per minute",
        "instance_name": f"test-{uuid.uuid4().hex[:8]}",
        "key_encryption_keys": (TEST_KEK,),
    }
    values.update(overrides)
    return Settings(**values)  # type: ignore[arg-type]
