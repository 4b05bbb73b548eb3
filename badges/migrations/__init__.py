"""Alembic migrations: one history for every package's tables."""
