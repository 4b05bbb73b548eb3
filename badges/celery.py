"""Celery wired to Flask (the Flask docs' pattern) and to the transactional outbox.

Without ``REDIS_URL`` tasks run eagerly in-process: the embedded default. With it, they go to Redis
and ``celery -A badges.worker worker`` processes them. Either way they are sent only after the
transaction that asked for them commits (see :mod:`badges.outbox`).
"""

from __future__ import annotations

import logging
from typing import Any

from celery import Celery, Task
from flask import Flask
from sqlalchemy import event
from sqlalchemy.orm import Session, SessionTransaction, sessionmaker

from badges.config import Settings
from badges.outbox import DeferredTask, discard_pending, take_pending

log = logging.getLogger(__name__)

CELERY_EXTENSION = "celery"


def celery_init_app(app: Flask, settings: Settings, factory: sessionmaker[Session]) -> Celery[Any]:
    """Create the app's Celery instance and send outbox tasks after every commit of ``factory``."""

    class FlaskTask(Task[Any, Any]):
        def __call__(self, *args: Any, **kwargs: Any) -> Any:
            with app.app_context():
                return self.run(*args, **kwargs)

    celery_app: Celery[Any] = Celery(app.import_name, task_cls=FlaskTask)
    celery_app.conf.update(
        broker_url=settings.redis_url or "memory://",
        task_always_eager=settings.celery_eager,
        task_ignore_result=True,
        task_default_queue=settings.instance_name,
        # A task that dies with its worker is redelivered; tasks are idempotent, so that is safe.
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        worker_hijack_root_logger=False,
        broker_connection_retry_on_startup=True,
        broker_transport_options={"visibility_timeout": 3600},
    )
    celery_app.set_default()
    app.extensions[CELERY_EXTENSION] = celery_app
    install_outbox(factory, celery_app)
    return celery_app


def install_outbox(factory: sessionmaker[Session], celery_app: Celery[Any]) -> None:
    """Send deferred tasks when a session from ``factory`` commits; drop them on rollback."""

    def after_commit(session: Session) -> None:
        # SQLAlchemy also fires after_commit when a SAVEPOINT is released; the transaction goes
        # on and may still roll back, so only the outermost commit sends.
        if session.in_nested_transaction():
            return
        for task in take_pending(session):
            dispatch(celery_app, task)

    def after_soft_rollback(session: Session, previous: SessionTransaction) -> None:
        # A savepoint rolling back keeps the outer transaction's tasks; tasks must (and do)
        # tolerate rows that no longer exist, so the rare task from a rolled-back savepoint is
        # harmless. Only the outermost rollback drops everything.
        if previous.parent is None:
            discard_pending(session)

    event.listen(factory, "after_commit", after_commit)
    event.listen(factory, "after_soft_rollback", after_soft_rollback)


def dispatch(celery_app: Celery[Any], task: DeferredTask) -> None:
    """Send one task through the registered task object, so eager mode runs it in-process.

    ``send_task`` would bypass eager mode, so it is not used. The commit already happened: a failure
    here is logged, never raised into the request that committed.
    """
    try:
        result = celery_app.tasks[task.name].apply_async(args=task.args)
    except Exception:
        log.exception("could not send task %s%r", task.name, task.args)
        return
    if celery_app.conf.task_always_eager and result.failed():
        log.error("task %s%r failed in-process: %r", task.name, task.args, result.result)
