"""What the running app holds (settings, database, clock), for views, tasks and CLI commands.

Domain code never calls these: it is handed a Session, a time and plain values. Only the adapters
(views, tasks, commands) look things up here, inside an application context.
"""

from __future__ import annotations

from flask import Flask, current_app

from badges.clock import Clock
from badges.config import Settings
from badges.db import Database

_SETTINGS = "badges.settings"
_DATABASE = "badges.database"
_CLOCK = "badges.clock"


def install(app: Flask, *, settings: Settings, database: Database, clock: Clock) -> None:
    """Attach the app's settings, database and clock (called once by the factory)."""
    app.extensions[_SETTINGS] = settings
    app.extensions[_DATABASE] = database
    app.extensions[_CLOCK] = clock


def current_settings() -> Settings:
    """The running app's settings."""
    settings: Settings = current_app.extensions[_SETTINGS]
    return settings


def current_database() -> Database:
    """The running app's database handle."""
    database: Database = current_app.extensions[_DATABASE]
    return database


def current_clock() -> Clock:
    """The running app's clock (a FixedClock in tests)."""
    clock: Clock = current_app.extensions[_CLOCK]
    return clock
