"""One database session per request, rolled back and closed when the request ends.

Views commit explicitly after a successful change, so that a failed commit is an error the view
sees; whatever was not committed by the end of the request is rolled back, never half-written.
"""

from __future__ import annotations

from flask import Flask, g
from sqlalchemy.orm import Session

from badges.context import current_database


def db_session() -> Session:
    """The current request's session, opened on first use."""
    if "db_session" not in g:
        g.db_session = current_database().sessionmaker()
    session: Session = g.db_session
    return session


def init_request_sessions(app: Flask) -> None:
    """Close the request's session at teardown, discarding anything uncommitted."""

    @app.teardown_appcontext
    def _close_session(_exc: BaseException | None) -> None:
        session: Session | None = g.pop("db_session", None)
        if session is not None:
            session.rollback()
            session.close()
