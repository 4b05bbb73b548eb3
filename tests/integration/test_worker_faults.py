"""Exactly one credential per issuance when a real worker, Redis or PostgreSQL fails (issue #4).

Each test runs real ``celery -A badges.worker worker`` processes against a private, throwaway
``redis-server`` (nothing on disk, like the production one), so killing and restarting it
disturbs no other test. Where a fault must strike in the middle of a batch, the test locks the
credentials table: the worker then waits inside its batch transaction, holding the batch's
issuance rows, until the test has done the damage. Nothing here sleeps to assert; every wait
polls with a deadline.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import redis
from celery import Celery
from flask import Flask
from kombu import Connection
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session
from sqlalchemy.pool import NullPool

from badges.app import create_app
from badges.celery import CELERY_EXTENSION
from badges.clock import FixedClock
from badges.context import current_database
from badges.db import Database
from badges.mail import MailMessage
from issuer import Achievement, Credential, Issuance, Issuer, StatusEntry, StatusList, did_documents
from issuer.cli_recovery import resume_pending_command
from issuer.issuance import ISSUE_CREDENTIALS_TASK, IssuanceRequest, request_issuances
from issuer.recovery import requeue_stale_issuances
from tests.environment import NOW, TEST_KEK, empty_tables, make_settings
from tests.integration.test_issuance import LOADER, make_achievement
from tests.services import missing
from tests.tcp_proxy import TcpProxy
from verifier import MapFetcher, StatusListCache, verify_credential

pytestmark = pytest.mark.integration
TIMEOUT = 60.0
BATCH = 25
#: The test app's clock: half an hour after the requests, so they count as stale (10 minutes).
LATER = NOW + timedelta(minutes=30)
STALE = timedelta(minutes=10)
#: Longer than the first two retries' backoff (1 s, then 2 s), well within all five (31 s).
OUTAGE = timedelta(seconds=4)


def wait_for(condition: Callable[[], Any], what: str, *, logs: Path | None = None) -> Any:
    """Poll ``condition`` until it is truthy; fail with the workers' logs after TIMEOUT."""
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.1)
    tail = "".join(p.read_text()[-3000:] for p in sorted(logs.glob("*.log"))) if logs else ""
    pytest.fail(f"timed out waiting for {what}\n{tail}")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@dataclass
class RedisServer:
    """A private redis-server that keeps nothing on disk: a restart loses every queued task."""

    directory: Path
    port: int = field(default_factory=_free_port)
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        """The broker URL."""
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        """Start (again, empty) on the same port and wait until it answers."""
        binary = shutil.which("redis-server")
        if binary is None:
            missing("redis-server", "apt-get install -y redis-server")
        command = [binary, "--port", str(self.port), "--bind", "127.0.0.1"]
        command += ["--save", "", "--appendonly", "no", "--dir", str(self.directory)]
        with (self.directory / "redis.log").open("a") as log:
            self.process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
        process = self.process

        def answers() -> bool:
            assert process.poll() is None, (self.directory / "redis.log").read_text()
            with redis.Redis.from_url(self.url, socket_timeout=1) as client:
                return _answers(client)

        wait_for(answers, "redis-server to answer", logs=self.directory)

    def kill(self) -> None:
        """SIGKILL: as a crash or an out-of-memory kill would."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)


def _answers(client: redis.Redis) -> bool:
    with contextlib.suppress(redis.RedisError):
        return bool(client.ping())
    return False


@dataclass
class Harness:
    """The test's app (its own database connection) and the worker processes it starts."""

    app: Flask
    env: dict[str, str]
    logs: Path
    workers: list[subprocess.Popen[bytes]] = field(default_factory=list)

    @property
    def database(self) -> Database:
        """The app's database (direct, never through a proxy)."""
        with self.app.app_context():
            return current_database()

    @property
    def celery(self) -> Celery:
        """The app's Celery instance, on the private Redis."""
        celery_app: Celery = self.app.extensions[CELERY_EXTENSION]
        return celery_app

    def start_worker(self, *, database_url: str | None = None) -> subprocess.Popen[bytes]:
        """Start a solo worker on the app's queue and wait until it answers a ping."""
        queue = self.env["BADGES_INSTANCE_NAME"]
        env = {**self.env, **({"DATABASE_URL": database_url} if database_url else {})}
        command = [sys.executable, "-m", "celery", "-A", "badges.worker", "worker"]
        command += ["--pool=solo", "--without-gossip", "--without-mingle", "--loglevel=INFO"]
        command += ["-n", f"{queue}-{len(self.workers)}@%h", "-Q", queue]
        with (self.logs / f"worker-{len(self.workers)}.log").open("w") as log:
            worker = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
        self.workers.append(worker)

        def answered() -> bool:
            assert worker.poll() is None, "the worker exited"
            return bool(self.celery.control.ping(timeout=0.5))

        wait_for(answered, "the worker to answer a ping", logs=self.logs)
        return worker

    def processed(self) -> int:
        """Batch tasks the live workers have run (retries and redeliveries count again)."""
        stats = self.celery.control.inspect(timeout=2).stats() or {}
        return sum(worker["total"].get(ISSUE_CREDENTIALS_TASK, 0) for worker in stats.values())

    def request(self, count: int, *, first: int = 0) -> list[int]:
        """Commit ``count`` pending issuances of one achievement; their tasks go to Redis."""
        with self.database.session_scope() as session:
            achievement = session.scalars(select(Achievement)).one()
            requests = [
                IssuanceRequest(achievement.id, f"P {n}", f"p{n}@example.org")
                for n in range(first, first + count)
            ]
            issuances = request_issuances(
                session, achievement.issuer_id, requests, now=NOW, batch_size=BATCH
            )
            return [issuance.id for issuance in issuances]

    def pending(self) -> list[int]:
        """Ids of the issuances still pending."""
        with self.database.sessionmaker() as session:
            query = select(Issuance.id).where(Issuance.state == "pending").order_by(Issuance.id)
            return list(session.scalars(query))

    def count(self, state: str) -> int:
        """Issuances in ``state`` now."""
        with self.database.sessionmaker() as session:
            query = select(func.count()).select_from(Issuance).where(Issuance.state == state)
            return int(session.scalar(query) or 0)


@pytest.fixture
def broker(tmp_path: Path) -> Iterator[RedisServer]:
    """A private Redis for this test only."""
    server = RedisServer(tmp_path)
    server.start()
    yield server
    server.kill()


@pytest.fixture
def harness(tmp_path: Path, postgres_url: str, broker: RedisServer) -> Iterator[Harness]:
    """An app on PostgreSQL and the private Redis; workers are started by the test."""
    settings = make_settings(tmp_path, postgres_url, redis_url=broker.url)
    app = create_app(settings, clock=FixedClock(LATER))
    env = {
        **os.environ,
        "DATABASE_URL": postgres_url,
        "REDIS_URL": broker.url,
        "SECRET_KEY": settings.secret_key,
        "BADGES_KEK": TEST_KEK,
        "BADGES_INSTANCE_PATH": str(settings.instance_path),
        "BADGES_INSTANCE_NAME": settings.instance_name,
        "BADGES_ENV": "testing",
    }
    harness = Harness(app, env, tmp_path)
    with harness.database.session_scope() as session:
        make_achievement(session)
    try:
        yield harness
    finally:
        for worker in harness.workers:
            worker.terminate()
            try:
                worker.wait(timeout=30)
            except subprocess.TimeoutExpired:
                worker.kill()
                worker.wait(timeout=10)
        harness.database.dispose()
        empty_tables(postgres_url)


@contextlib.contextmanager
def credentials_locked(harness: Harness) -> Iterator[None]:
    """Lock the credentials table until the block ends: a worker's batch waits in its transaction.

    A batch first locks its pending issuances, then writes rows that refer to credentials (its
    status entries, then the credentials), so the worker waits at the first such write with the
    batch's issuance rows locked. Requests and reads go on: they never need this lock.
    """
    engine = create_engine(harness.database.engine.url, poolclass=NullPool)
    try:
        with engine.connect() as connection, connection.begin():
            connection.execute(text("LOCK TABLE credentials IN EXCLUSIVE MODE"))
            yield
    finally:
        engine.dispose()


def stuck_backend(harness: Harness) -> int:
    """Wait until a worker waits for :func:`credentials_locked`; the pid of its backend."""

    def waiting() -> int | None:
        with harness.database.engine.connect() as connection:
            pid = connection.scalar(
                text(
                    "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                    "AND wait_event_type = 'Lock'"
                )
            )
            return None if pid is None else int(pid)

    pid: int = wait_for(waiting, "a worker to wait inside its batch", logs=harness.logs)
    return pid


def backend_gone(harness: Harness, pid: int) -> bool:
    """Whether PostgreSQL has ended the backend (and so rolled back its transaction)."""
    with harness.database.engine.connect() as connection:
        query = text("SELECT count(*) FROM pg_stat_activity WHERE pid = :pid")
        return bool(connection.scalar(query, {"pid": pid}) == 0)


def redeliver_unacknowledged(url: str) -> None:
    """What Redis does once the visibility timeout has passed: hand unacked tasks out again."""
    with Connection(url, transport_options={"visibility_timeout": 0}) as connection:
        channel: Any = connection.default_channel  # kombu's Redis channel, whose QoS restores
        channel.qos.restore_visible(num=100)


def assert_exactly_once(harness: Harness, ids: list[int]) -> None:
    """Each issuance issued with one credential that verifies; no status index twice or lost."""
    with harness.database.sessionmaker() as session:
        states = session.execute(select(Issuance.id, Issuance.state).order_by(Issuance.id)).all()
        assert states == [(issuance_id, "issued") for issuance_id in ids]
        per_issuance = session.execute(
            select(Credential.issuance_id, func.count())
            .group_by(Credential.issuance_id)
            .order_by(Credential.issuance_id)
        ).all()
        assert per_issuance == [(issuance_id, 1) for issuance_id in ids]
        entries = session.execute(select(StatusEntry.status_list_id, StatusEntry.status_index))
        indexes = [tuple(entry) for entry in entries]
        # None twice, and none left behind by a batch that died.
        assert len(indexes) == len(set(indexes)) == len(ids)
        untied = select(func.count()).where(StatusEntry.credential_id.is_(None))
        assert session.scalar(untied) == 0
        assert session.scalar(select(func.count()).select_from(MailMessage)) == len(ids)
        _verify_all(session)


def _verify_all(session: Session) -> None:
    lists = [json.loads(row.credential_json or "{}") for row in session.scalars(select(StatusList))]
    issuer = session.scalars(select(Issuer)).one()
    fetcher = MapFetcher({**did_documents(session, issuer), **{doc["id"]: doc for doc in lists}})
    cache = StatusListCache()
    for credential in session.scalars(select(Credential)):
        report = verify_credential(
            json.loads(credential.document),
            loader=LOADER,
            fetcher=fetcher,
            now=credential.valid_from,  # the worker's clock is the system's
            status_cache=cache,
        )
        assert report.verified, (credential.issuance_id, report.checks)


def test_a_worker_killed_mid_batch_loses_no_issuance_and_doubles_none(harness: Harness) -> None:
    first = harness.start_worker()
    ids = harness.request(BATCH)
    wait_for(lambda: harness.count("issued") == BATCH, "a first batch", logs=harness.logs)
    with credentials_locked(harness):
        ids += harness.request(175, first=BATCH)  # seven more batch tasks
        backend = stuck_backend(harness)  # the worker is inside the second batch
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)
    # The orphaned backend finishes its statement, finds its client gone and rolls back.
    wait_for(lambda: backend_gone(harness, backend), "the dead worker's transaction to end")
    killed = ids[BATCH : 2 * BATCH]

    harness.start_worker()
    # The replacement takes the six queued batches. The killed one stays pending: its message
    # is unacknowledged in Redis until the visibility timeout, an hour from now.
    wait_for(lambda: harness.count("issued") == len(ids) - BATCH, "the queued batches")
    assert harness.pending() == killed
    with harness.database.session_scope() as session:
        assert requeue_stale_issuances(session, older_than=STALE, limit=500, now=LATER) == BATCH
    wait_for(lambda: harness.count("pending") == 0, "the requeued batch", logs=harness.logs)

    # An hour later Redis hands the killed task out again; it must change nothing.
    redeliver_unacknowledged(harness.env["REDIS_URL"])
    # The six queued batches, the requeued one, then the redelivered one.
    wait_for(lambda: harness.processed() == 8, "the redelivered task", logs=harness.logs)
    assert_exactly_once(harness, ids)


def test_a_redis_restart_loses_queued_tasks_and_resume_pending_recovers_them(
    harness: Harness, broker: RedisServer
) -> None:
    harness.start_worker()
    with credentials_locked(harness):
        ids = harness.request(100)  # four batch tasks: the worker holds one, three wait in Redis
        stuck_backend(harness)
        queue = harness.env["BADGES_INSTANCE_NAME"]
        wait_for(lambda: _queued(broker, queue) == 3, "three tasks queued")
        assert harness.count("issued") == 0
        broker.kill()
        broker.start()  # empty: the three queued tasks are gone
    # The worker finishes its batch, reconnects, and takes a new request: the queue is live.
    sentinel = harness.request(1, first=len(ids))
    wait_for(lambda: harness.count("issued") == BATCH + 1, "the sentinel", logs=harness.logs)
    assert harness.count("pending") == len(ids) - BATCH

    result = harness.app.test_cli_runner().invoke(
        resume_pending_command, ["--older-than-minutes", "10"]
    )

    assert result.exit_code == 0, result.output
    assert "Requeued 75 pending issuance(s)" in result.output
    wait_for(lambda: harness.count("pending") == 0, "the requeued batches", logs=harness.logs)
    assert_exactly_once(harness, ids + sentinel)


def _unsent_mails(harness: Harness) -> int:
    with harness.database.sessionmaker() as session:
        unsent = select(func.count()).where(MailMessage.sent_at.is_(None))
        return session.scalar(unsent) or 0


def _queued(broker: RedisServer, queue: str) -> int:
    with redis.Redis.from_url(broker.url) as client:
        length = client.llen(queue)
    assert isinstance(length, int)
    return length


def test_a_database_outage_is_retried_and_issues_each_credential_once(
    harness: Harness, postgres_url: str
) -> None:
    database = make_url(postgres_url)
    with TcpProxy(database.host or "127.0.0.1", database.port or 5432) as proxy:
        through_proxy = database.set(host="127.0.0.1", port=proxy.port)
        harness.start_worker(database_url=through_proxy.render_as_string(hide_password=False))
        ids = harness.request(BATCH)
        wait_for(lambda: harness.count("issued") == BATCH, "a first batch", logs=harness.logs)
        with credentials_locked(harness):
            ids += harness.request(125, first=BATCH)  # five more batch tasks
            backend = stuck_backend(harness)
            proxy.cut()  # inside the worker's second batch
        wait_for(lambda: backend_gone(harness, backend), "the cut transaction to end")
        wait_for(lambda: proxy.refused, "the worker to retry into the outage", logs=harness.logs)
        time.sleep(OUTAGE.total_seconds())  # the fault's length, not a wait for a result
        assert harness.count("issued") == BATCH
        proxy.restore()

        wait_for(lambda: harness.count("pending") == 0, "every batch", logs=harness.logs)
        # The mail tasks retry the outage too: every recipient is told once.
        wait_for(lambda: _unsent_mails(harness) == 0, "every mail", logs=harness.logs)
        assert proxy.severed >= 1
    assert harness.processed() > len(ids) // BATCH  # batches ran again
    assert_exactly_once(harness, ids)
