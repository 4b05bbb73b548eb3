"""The composition root: ``create_app`` wires settings, database, tasks, web and commands.

Nothing happens at import time; ``flask --app badges.app run`` and the ``badges`` command call the
factory.
"""

from __future__ import annotations

from pathlib import Path

import click
from flask import Flask
from flask.cli import FlaskGroup

from badges import context
from badges.celery import celery_init_app
from badges.cli import register_commands
from badges.clock import Clock, SystemClock
from badges.config import Settings
from badges.db import Database
from badges.errors import ConfigurationError
from badges.web import auth, health, home, i18n
from badges.web.auth import init_auth
from badges.web.database import init_request_sessions
from badges.web.errors import register_error_handlers
from badges.web.i18n import init_i18n
from badges.web.security import apply_rate_limits, init_security
from issuer.web import init_issuer_web
from paths.web import init_paths_web
from verifier.web import init_verifier_web

PACKAGE_DIR = Path(__file__).resolve().parent


def create_app(settings: Settings | None = None, *, clock: Clock | None = None) -> Flask:
    """Build a configured app; settings come from the environment unless given."""
    settings = settings or Settings.from_env()
    settings.instance_path.mkdir(parents=True, exist_ok=True)
    app = Flask(
        "badges",
        template_folder=str(templates_folder()),
        instance_path=str(settings.instance_path),
    )
    database = Database.from_url(settings.database_url)
    context.install(app, settings=settings, database=database, clock=clock or SystemClock())
    celery_init_app(app, settings, database.sessionmaker)
    _register_tasks()
    init_request_sessions(app)
    init_security(app, settings)
    init_auth(app)
    init_i18n(app)
    register_error_handlers(app)
    _register_blueprints(app)
    init_issuer_web(app)
    init_verifier_web(app)
    init_paths_web(app)
    apply_rate_limits(app)  # after every blueprint: it wraps the views marked rate_limited
    register_commands(app)
    return app


def templates_folder() -> Path:
    """Templates ship inside the wheel; in a checkout they sit at the repository root."""
    packaged = PACKAGE_DIR / "templates"
    return packaged if packaged.is_dir() else PACKAGE_DIR.parent / "templates"


def _register_tasks() -> None:
    import badges.tasks  # noqa: F401, PLC0415 - importing registers the tasks with Celery
    import issuer.bulk_tasks  # noqa: PLC0415 - likewise
    import issuer.tasks  # noqa: F401, PLC0415 - likewise


def _register_blueprints(app: Flask) -> None:
    for blueprint in (home.bp, auth.bp, i18n.bp, health.bp):
        app.register_blueprint(blueprint)


def main() -> None:
    """The ``badges`` command: Flask's CLI with this app and its commands."""
    FlaskGroup(create_app=_create_app_for_cli)()


def _create_app_for_cli() -> Flask:
    """Report configuration mistakes as a one-line error (exit 1), not a traceback."""
    try:
        return create_app()
    except ConfigurationError as err:
        raise click.ClickException(err.message) from err
