"""A real ``celery -A badges.worker worker`` process on Redis, and PostgreSQL underneath.

A committed transaction's task is executed by the worker; a rolled-back one sends nothing.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import redis
from celery import Celery
from flask import Flask
from sqlalchemy import func, select

from badges.app import create_app
from badges.celery import CELERY_EXTENSION
from badges.context import current_database
from badges.mail import MailMessage, queue_mail
from issuer import Credential, Issuance
from issuer.issuance_requests import ISSUE_CREDENTIALS_TASK, IssuanceRequest, request_issuances
from tests.environment import NOW, TEST_KEK, empty_tables, make_settings
from tests.integration.test_issuance import make_achievement, verify_stored
from tests.services import REDIS_URL, missing

pytestmark = pytest.mark.integration
TIMEOUT = 60.0


def _wait_for(condition: Callable[[], Any], what: str) -> Any:
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.2)
    pytest.fail(f"timed out waiting for {what}")


@pytest.fixture
def redis_url() -> str:
    try:
        redis.Redis.from_url(REDIS_URL, socket_timeout=2).ping()
    except redis.RedisError:
        missing(
            "Redis", f"start redis-server on 127.0.0.1:6379 or set TEST_REDIS_URL ({REDIS_URL})"
        )
    return REDIS_URL


@pytest.fixture
def worker_app(tmp_path: Path, postgres_url: str, redis_url: str) -> Iterator[Flask]:
    """An app on PostgreSQL and Redis, with a real worker process consuming its queue."""
    settings = make_settings(tmp_path, postgres_url, redis_url=redis_url)
    app = create_app(settings)
    env = {
        **os.environ,
        "DATABASE_URL": postgres_url,
        "REDIS_URL": redis_url,
        "SECRET_KEY": settings.secret_key,
        "BADGES_KEK": TEST_KEK,
        "BADGES_INSTANCE_PATH": str(settings.instance_path),
        "BADGES_INSTANCE_NAME": settings.instance_name,
        "BADGES_ENV": "testing",
    }
    log = (tmp_path / "worker.log").open("w")
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "badges.worker",
            "worker",
            "--pool=solo",
            "--without-gossip",
            "--without-mingle",
            "--loglevel=INFO",
            "-n",
            f"{settings.instance_name}@%h",
            "-Q",
            settings.instance_name,
        ],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    celery_app: Celery = app.extensions[CELERY_EXTENSION]
    try:

        def answered() -> bool:
            assert worker.poll() is None, (tmp_path / "worker.log").read_text()
            replies = celery_app.control.ping(timeout=0.5) or []
            return any(settings.instance_name in name for reply in replies for name in reply)

        _wait_for(answered, "the worker to answer a ping")
        yield app
    finally:
        worker.terminate()
        worker.wait(timeout=30)
        log.close()
        redis.Redis.from_url(redis_url).delete(settings.instance_name)
        with app.app_context():
            current_database().dispose()
        empty_tables(postgres_url)


def _processed(app: Flask, task: str = "badges.send_mail") -> int:
    celery_app: Celery = app.extensions[CELERY_EXTENSION]
    stats = celery_app.control.inspect(timeout=2).stats() or {}
    return sum(worker["total"].get(task, 0) for worker in stats.values())


def test_committed_task_runs_in_the_worker(worker_app: Flask) -> None:
    with worker_app.app_context():
        database = current_database()
        with database.session_scope() as session:
            message_id = queue_mail(session, to="w@example.org", subject="s", body="b", now=NOW).id

        def sent() -> MailMessage | None:
            with database.session_scope() as session:
                message = session.get(MailMessage, message_id)
                return message if message is not None and message.sent_at else None

        message = _wait_for(sent, "the worker to deliver the mail")
    assert message.transport == "log"
    assert _processed(worker_app) == 1


def test_rolled_back_task_is_never_sent(worker_app: Flask) -> None:
    queue = redis.Redis.from_url(REDIS_URL)
    celery_app: Celery = worker_app.extensions[CELERY_EXTENSION]
    with worker_app.app_context():
        database = current_database()
        session = database.sessionmaker()
        queue_mail(session, to="gone@example.org", subject="s", body="b", now=NOW)
        session.rollback()
        session.close()
        assert queue.llen(celery_app.conf.task_default_queue) == 0

        # A committed task afterwards proves the worker is listening; it must be the only one.
        with database.session_scope() as session:
            kept = queue_mail(session, to="kept@example.org", subject="s", body="b", now=NOW).id

        def delivered() -> bool:
            with database.session_scope() as session:
                message = session.get(MailMessage, kept)
                return message is not None and message.sent_at is not None

        _wait_for(delivered, "the committed mail")
        with database.session_scope() as session:
            addresses = session.scalars(select(MailMessage.to_address)).all()
    assert addresses == ["kept@example.org"]
    assert _processed(worker_app) == 1


def test_health_sees_the_worker(worker_app: Flask) -> None:
    response = worker_app.test_client().get("/health")

    assert response.status_code == 200
    assert response.json is not None
    assert response.json["status"] == "ok"
    assert response.json["broker"] == {"ok": True, "mode": "redis"}
    assert response.json["worker"]["ok"] is True
    assert response.json["worker"]["workers"] >= 1


def test_a_batch_delivered_twice_issues_each_credential_once(worker_app: Flask) -> None:
    celery_app: Celery = worker_app.extensions[CELERY_EXTENSION]
    with worker_app.app_context():
        database = current_database()
        with database.session_scope() as session:
            achievement = make_achievement(session)
            requests = [
                IssuanceRequest(achievement.id, f"P {n}", f"p{n}@example.org") for n in range(5)
            ]
            ids = [
                i.id for i in request_issuances(session, achievement.issuer_id, requests, now=NOW)
            ]
        # The broker redelivers (e.g. after a worker died before acking): the same batch twice more.
        task = celery_app.tasks[ISSUE_CREDENTIALS_TASK]
        task.apply_async(args=tuple(ids))
        task.apply_async(args=tuple(reversed(ids)))

        _wait_for(
            lambda: _processed(worker_app, ISSUE_CREDENTIALS_TASK) == 3, "all three deliveries"
        )
        with database.session_scope() as session:
            states = session.scalars(select(Issuance.state).where(Issuance.id.in_(ids))).all()
            per_issuance = session.execute(
                select(Credential.issuance_id, func.count()).group_by(Credential.issuance_id)
            ).all()
            assert states == ["issued"] * 5
            assert sorted(per_issuance) == [(issuance_id, 1) for issuance_id in ids]
            assert session.scalar(select(func.count()).select_from(MailMessage)) == 5
            for credential in session.scalars(select(Credential)):
                # The worker's clock is the system's, not the tests' fixed one.
                report = verify_stored(session, credential, at=credential.valid_from)
                assert report.verified, report.checks
