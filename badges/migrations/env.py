"""Alembic environment: one history for every package's models, on SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any, Literal

from alembic import context
from alembic.autogenerate.api import AutogenContext
from sqlalchemy.engine import Engine

import badges.accounts.models
import badges.mail
import badges.usage  # noqa: F401 - imported for their tables
import issuer.models  # noqa: F401 - imported for their tables
import paths.models  # noqa: F401 - imported for their tables
from badges.db import Base, UTCDateTime

config = context.config
target_metadata = Base.metadata


def _render_item(type_: str, obj: Any, autogen_context: AutogenContext) -> str | Literal[False]:
    """Write UTCDateTime as the plain column type it stores, so migrations import no app code."""
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def run_migrations_online() -> None:
    """Run the migrations on the engine handed over by :mod:`badges.migrate`."""
    engine: Engine = config.attributes["engine"]
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            # SQLite cannot ALTER most things; batch mode copies the table instead.
            render_as_batch=connection.dialect.name == "sqlite",
            compare_type=True,
            render_item=_render_item,
        )
        with context.begin_transaction():
            context.run_migrations()
        connection.commit()


if context.is_offline_mode():
    raise SystemExit("Offline (SQL script) migrations are not supported; run `badges db upgrade`.")
run_migrations_online()
