"""``GET /health``: can this instance reach its database, its broker and a worker?

Load balancers read the status code (503 only when the database is unreachable: without it nothing
works); operators read the JSON.
"""

from __future__ import annotations

import logging
from typing import Any

from celery import Celery
from flask import Blueprint, current_app, jsonify
from flask.typing import ResponseReturnValue
from sqlalchemy import text

from badges.celery import CELERY_EXTENSION
from badges.context import current_database
from badges.db import Database

log = logging.getLogger(__name__)
bp = Blueprint("health", __name__)

WORKER_PING_TIMEOUT = 1.0


@bp.get("/health")
def health() -> ResponseReturnValue:
    """Report reachability of each dependency as JSON."""
    report = service_report(current_database(), current_app.extensions[CELERY_EXTENSION])
    return jsonify(report), 200 if report["database"]["ok"] else 503


def service_report(database: Database, celery_app: Celery[Any]) -> dict[str, Any]:
    """Reachability of the database, the broker and the workers, with an overall status."""
    report: dict[str, Any] = {
        "database": _database(database),
        "broker": _broker(celery_app),
        "worker": _worker(celery_app),
    }
    healthy = all(part["ok"] for part in report.values())
    report["status"] = "ok" if healthy else ("down" if not report["database"]["ok"] else "degraded")
    return report


def _database(database: Database) -> dict[str, Any]:
    try:
        with database.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception as err:  # any driver error means "unreachable" here
        log.warning("health: database unreachable: %s", err)
        return {"ok": False, "backend": database.backend, "error": type(err).__name__}
    return {"ok": True, "backend": database.backend}


def _broker(celery_app: Celery[Any]) -> dict[str, Any]:
    if celery_app.conf.task_always_eager:
        return {"ok": True, "mode": "in-process"}
    try:
        with celery_app.connection_for_write() as connection:
            connection.ensure_connection(max_retries=1, timeout=2)
    except Exception as err:  # kombu raises many transport-specific errors
        log.warning("health: broker unreachable: %s", err)
        return {"ok": False, "mode": "redis", "error": type(err).__name__}
    return {"ok": True, "mode": "redis"}


def _worker(celery_app: Celery[Any]) -> dict[str, Any]:
    if celery_app.conf.task_always_eager:
        return {"ok": True, "mode": "in-process"}
    try:
        replies = celery_app.control.ping(timeout=WORKER_PING_TIMEOUT) or []
    except Exception as err:  # broker down: the worker cannot be asked
        return {"ok": False, "mode": "redis", "workers": 0, "error": type(err).__name__}
    return {"ok": bool(replies), "mode": "redis", "workers": len(replies)}
