"""Issuing throughput end to end, by hand: ``.venv/bin/python -m bench.issue [--count N]``.

A real fleet: ``celery -A badges.worker worker --concurrency 2`` (prefork, two processes) on
Redis, over a throwaway PostgreSQL database (created, migrated, dropped, as the test suite does).
The benchmark requests ``--count`` issuances with :func:`issuer.issuance.request_issuances`,
``--batch`` per transaction (each commit sends one ``issuer.issue_credentials`` task per
``BATCH_SIZE`` ids), waits until none is pending, and prints credentials per second, the wall
time and the workers' CPU time. Each credential is built, signed (eddsa-rdfc-2022), self-verified
and stored, exactly as the task does in production.

Before the fleet starts, a sample is issued in this process, batch by batch as the task does,
with each stage of :func:`issuer.issuance.complete_issuances` timed separately (lock, load, status
index, build, sign, self-verify, notify, commit) and baking a PNG
(:func:`issuer.rendering.baked_png`) for comparison; ``--profile`` adds a cProfile of that sample.
Other work on the machine skews wall times, so the load average and CPU times are printed too.
Issue #4 target: 10,000 credentials in under 60 s on a 2-core machine.

Needs PostgreSQL (``TEST_POSTGRES_URL``, default ``postgresql+psycopg://postgres@127.0.0.1:5432/
test``) and Redis (``TEST_REDIS_URL``, default ``redis://127.0.0.1:6379/0``).
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import redis
from celery import Celery
from flask import Flask
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

import issuer.batch as batch_module
import issuer.issuance as issuance_module
from badges import migrate
from badges.accounts import create_organisation
from badges.app import create_app
from badges.celery import CELERY_EXTENSION
from badges.clock import SystemClock
from badges.config import Settings
from badges.context import current_database
from badges.jsonld.loader import StaticDocumentLoader
from badges.outbox import discard_pending
from issuer import Achievement, Credential, Issuance, Keyring, create_issuer, generate_key
from issuer.issuance import BATCH_SIZE, IssuanceRequest, complete_issuances, request_issuances
from issuer.rendering import baked_png

POSTGRES_ADMIN_URL = os.environ.get(
    "TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
#: A throwaway Fernet key (the tests' KEK): it protects only this run's throwaway database.
KEK = "re9qeMFxPU99o8RtLEiX28qfIRXsKrTBrKwrrLK8iOY="
BASE_URL = "http://127.0.0.1:5000"
TARGET_SECONDS_PER_10K = 60.0
#: Stage -> the (module, name) pairs that make it up (timed by wrapping them; none nests).
STAGES: dict[str, tuple[tuple[Any, str], ...]] = {
    "lock pending rows": ((issuance_module, "_lock_pending"),),
    "load issuer/key/lists": ((issuance_module, "load_context"),),
    "status index": ((issuance_module, "reserve"),),
    "build": ((batch_module, "_credential_model"), (batch_module, "to_json_ld")),
    "sign": ((batch_module, "create_proof"),),
    "self-verify": ((issuance_module, "self_check"),),
    "notify": ((issuance_module, "notify_recipients"),),
}


def main() -> None:
    """Parse the options, then run the in-process sample and the fleet on a throwaway database."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--count", type=int, default=10_000, help="credentials to issue")
    parser.add_argument("--batch", type=int, default=1_000, help="issuances per transaction")
    parser.add_argument("--concurrency", type=int, default=2, help="worker processes")
    parser.add_argument("--sample", type=int, default=200, help="in-process sample size")
    parser.add_argument("--profile", action="store_true", help="cProfile the sample")
    options = parser.parse_args()
    print(f"load average at start: {_load()}")
    # Turn SIGTERM (e.g. from `timeout`) into SystemExit, so the workers and database go too.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    with tempfile.TemporaryDirectory() as tmp, throwaway_database() as url:
        settings = Settings(
            instance_path=Path(tmp) / "instance",
            secret_key="bench-secret-key",
            secret_key_generated=False,
            database_url=url,
            redis_url=REDIS_URL,
            base_url=BASE_URL,
            instance_name=f"bench-{uuid.uuid4().hex[:8]}",
            key_encryption_keys=(KEK,),
        )
        app = create_app(settings)
        with app.app_context():
            achievement_id, issuer_id = setup(current_database().sessionmaker)
            sample(app, issuer_id, achievement_id, options.sample, profile=options.profile)
            fleet(app, settings, issuer_id, achievement_id, options)
            current_database().dispose()


@contextmanager
def throwaway_database() -> Iterator[str]:
    """A new, migrated PostgreSQL database, dropped afterwards."""
    admin = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    name = f"badges_bench_{uuid.uuid4().hex[:12]}"
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(POSTGRES_ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    engine = create_engine(url)
    migrate.upgrade(engine)
    engine.dispose()
    try:
        yield url
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def setup(sessionmaker: Callable[[], Session]) -> tuple[int, int]:
    """An issuer with a key and a three-year certificate, committed."""
    now = SystemClock().now()
    with sessionmaker() as session:
        organisation = create_organisation(session, slug="bench", name="Bench Academy", now=now)
        issuer = create_issuer(
            session, organisation.id, name="Bench Academy", base_url=BASE_URL, now=now
        )
        generate_key(session, issuer.id, keyring=Keyring([KEK]), now=now)
        achievement = Achievement(
            issuer_id=issuer.id,
            name="Smart City Project Developer",
            description="Plans and runs a smart-city project with citizens and city departments.",
            criteria_narrative="Completed the **validation path**.",
            achievement_type="Certificate",
            validity_days=3 * 365,
            version=1,
            created_at=now,
        )
        session.add(achievement)
        session.commit()
        return achievement.id, issuer.id


def request_many(session: Session, issuer_id: int, achievement_id: int, count: int) -> list[int]:
    """Request ``count`` issuances in the session's transaction (the caller commits)."""
    requests = [
        IssuanceRequest(achievement_id, f"Participant {n}", f"participant{n}@example.org")
        for n in range(count)
    ]
    issuances = request_issuances(session, issuer_id, requests, now=SystemClock().now())
    return [issuance.id for issuance in issuances]


def sample(app: Flask, issuer_id: int, achievement_id: int, count: int, *, profile: bool) -> None:
    """Issue ``count`` credentials in this process, batch by batch, each stage timed; bake PNGs."""
    database = current_database()
    loader = StaticDocumentLoader()
    keyring = Keyring([KEK])
    with database.sessionmaker() as session:
        ids = request_many(session, issuer_id, achievement_id, count + BATCH_SIZE)
        discard_pending(session)  # issued here, not by the fleet
        session.commit()
        # Warm up: the status list is signed once, caches filled.
        issue_batch(session, ids[:BATCH_SIZE], keyring=keyring, loader=loader)
        totals: dict[str, float] = defaultdict(float)
        profiler = cProfile.Profile() if profile else None
        with timed_stages(totals):
            if profiler is not None:
                profiler.enable()
            cpu = time.process_time()
            for start in range(BATCH_SIZE, len(ids), BATCH_SIZE):
                started = time.perf_counter()
                batch = ids[start : start + BATCH_SIZE]
                issue_batch(session, batch, keyring=keyring, loader=loader, totals=totals)
                totals["total"] += time.perf_counter() - started
            totals["cpu"] = time.process_time() - cpu
            if profiler is not None:
                profiler.disable()
        credentials = session.scalars(select(Credential).limit(count)).all()
        started = time.perf_counter()
        for credential in credentials:
            baked_png(session, credential)
        totals["bake PNG (not in issuing)"] = time.perf_counter() - started
    report_stages(totals, count)
    if profiler is not None:
        print("\ncProfile of the in-process sample (top 25 by cumulative time):")
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)
        pstats.Stats(profiler).sort_stats("tottime").print_stats(20)


def issue_batch(
    session: Session,
    issuance_ids: list[int],
    *,
    keyring: Keyring,
    loader: StaticDocumentLoader,
    totals: dict[str, float] | None = None,
) -> None:
    """What ``issuer.issue_credentials`` does for one batch, commit included."""
    complete_issuances(
        session,
        issuance_ids,
        keyring=keyring,
        base_url=BASE_URL,
        now=SystemClock().now(),
        loader=loader,
    )
    started = time.perf_counter()
    session.commit()
    if totals is not None:
        totals["commit"] += time.perf_counter() - started


def issue_one(
    session: Session, issuance_id: int, *, keyring: Keyring, loader: StaticDocumentLoader
) -> None:
    """One issuance, as ``issuer.issue_credential`` does it, committed (bench/revoke.py uses it)."""
    issue_batch(session, [issuance_id], keyring=keyring, loader=loader)


@contextmanager
def timed_stages(totals: dict[str, float]) -> Iterator[None]:
    """Wrap the stage functions :mod:`issuer.issuance` calls, adding their time to ``totals``.

    A benchmark may reach into a module's names: it measures the real code path, unchanged.
    """
    originals: list[tuple[Any, str, Callable[..., Any]]] = []
    for stage, names in STAGES.items():
        for module, name in names:
            original = getattr(module, name)
            originals.append((module, name, original))
            setattr(module, name, _timer(original, stage, totals))
    try:
        yield
    finally:
        for module, name, original in originals:
            setattr(module, name, original)


def _timer(
    function: Callable[..., Any], stage: str, totals: dict[str, float]
) -> Callable[..., Any]:
    def timed(*args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return function(*args, **kwargs)
        finally:
            totals[stage] += time.perf_counter() - started

    return timed


def report_stages(totals: dict[str, float], count: int) -> None:
    """Print each stage's time per credential and its share of an issuance."""
    total = totals.pop("total") + totals["commit"]
    bake = totals.pop("bake PNG (not in issuing)")
    cpu = totals.pop("cpu")
    totals["store, other"] = total - sum(totals.values())
    print(f"In-process sample: {count} credentials in batches of {BATCH_SIZE}, PostgreSQL")
    print(f"  {'stage':<24} {'ms/credential':>14} {'share':>7}")
    for stage, seconds in totals.items():
        share = seconds / total
        print(f"  {stage:<24} {seconds / count * 1000:>14.2f} {share:>7.1%}")
    print(f"  {'issuance total':<24} {total / count * 1000:>14.2f} -> {count / total:,.0f}/s")
    print(f"  {'CPU time of this process':<24} {cpu / count * 1000:>14.2f} (the rest is waiting)")
    print(f"  {'per batch':<24} {total / count * BATCH_SIZE * 1000:>14.2f} ms")
    print(f"  {'bake PNG (comparison)':<24} {bake / count * 1000:>14.2f}")
    print(f"  load average now: {_load()}")


def _tree_cpu(pid: int) -> float:
    """CPU seconds so far of a process and its descendants (Linux ``/proc``; 0 elsewhere).

    Mail tasks the fleet runs before the last issuance completes are counted too.
    """
    tick = os.sysconf("SC_CLK_TCK")
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return 0.0
    own = (int(fields[11]) + int(fields[12])) / tick  # utime, stime (fields 14 and 15)
    return own + sum(_tree_cpu(int(child)) for child in children)


def _load() -> str:
    """The 1, 5 and 15 minute load averages (other work on the machine skews the timings)."""
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


def fleet(
    app: Flask, settings: Settings, issuer_id: int, achievement_id: int, options: Any
) -> None:
    """Start the workers, request ``options.count`` issuances, and time until all are done."""
    database = current_database()
    log = Path(settings.instance_path) / "worker.log"
    worker = start_workers(settings, options.concurrency, log)
    try:
        wait_for_workers(app, settings, worker, log)
        fleet_cpu = _tree_cpu(worker.pid)
        own_cpu = time.process_time()
        started = time.perf_counter()
        requested: list[int] = []
        while len(requested) < options.count:
            size = min(options.batch, options.count - len(requested))
            with database.session_scope() as session:
                requested += request_many(session, issuer_id, achievement_id, size)
        queued = time.perf_counter() - started
        pending = wait_until_done(database.sessionmaker, set(requested))
        wall = time.perf_counter() - started
        fleet_cpu = _tree_cpu(worker.pid) - fleet_cpu
        own_cpu = time.process_time() - own_cpu
    finally:
        worker.terminate()
        worker.wait(timeout=60)
        redis.Redis.from_url(REDIS_URL).delete(settings.instance_name)
    report_fleet(database.sessionmaker, requested, wall=wall, queued=queued, pending=pending)
    count = len(requested)
    print(f"  worker CPU during the run: {fleet_cpu * 1000 / count:.2f} ms/credential")
    print(f"  this process's CPU (requests, polling): {own_cpu * 1000 / count:.2f} ms/credential")
    print(f"  load average after the fleet: {_load()}")


def start_workers(settings: Settings, concurrency: int, log: Path) -> subprocess.Popen[bytes]:
    """``celery -A badges.worker worker`` with ``concurrency`` prefork processes."""
    env = {
        **os.environ,
        "DATABASE_URL": settings.database_url,
        "REDIS_URL": REDIS_URL,
        "SECRET_KEY": settings.secret_key,
        "BADGES_KEK": KEK,
        "BASE_URL": BASE_URL,
        "BADGES_INSTANCE_PATH": str(settings.instance_path),
        "BADGES_INSTANCE_NAME": settings.instance_name,
        "BADGES_ENV": "testing",
    }
    command = [sys.executable, "-m", "celery", "-A", "badges.worker", "worker"]
    command += ["--pool=prefork", f"--concurrency={concurrency}", "--loglevel=WARNING"]
    command += ["--without-gossip", "--without-mingle", "--without-heartbeat"]
    command += ["-n", f"{settings.instance_name}@%h", "-Q", settings.instance_name]
    with log.open("w") as output:
        # Our own interpreter and fixed arguments: nothing untrusted reaches the command line.
        return subprocess.Popen(command, env=env, stdout=output, stderr=subprocess.STDOUT)  # noqa: S603


def wait_for_workers(
    app: Flask, settings: Settings, worker: subprocess.Popen[bytes], log: Path
) -> None:
    """Block until the fleet answers a ping (it imports the app and connects first)."""
    celery_app: Celery = app.extensions[CELERY_EXTENSION]
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if worker.poll() is not None:
            raise SystemExit(f"the worker exited:\n{log.read_text()}")
        replies = celery_app.control.ping(timeout=0.5) or []
        if any(settings.instance_name in name for reply in replies for name in reply):
            return
    raise SystemExit("the worker did not answer within 60 s")


def wait_until_done(sessionmaker: Callable[[], Session], ids: set[int]) -> int:
    """Poll until none of ``ids`` is pending (or nothing moved for 60 s); return those left."""
    low, high = min(ids), max(ids)
    last, since = -1, time.monotonic()
    while True:
        with sessionmaker() as session:
            pending = session.scalar(
                select(func.count())
                .select_from(Issuance)
                .where(Issuance.id.between(low, high), Issuance.state == "pending")
            )
        if not pending:
            return 0
        if pending != last:
            last, since = pending or 0, time.monotonic()
        elif time.monotonic() - since > 60:
            return pending or 0
        time.sleep(0.1)


def report_fleet(
    sessionmaker: Callable[[], Session],
    ids: list[int],
    *,
    wall: float,
    queued: float,
    pending: int,
) -> None:
    """Print rate, wall time and the ratio to the issue's target."""
    with sessionmaker() as session:
        states = dict(
            session.execute(
                select(Issuance.state, func.count())
                .where(Issuance.id.between(min(ids), max(ids)))
                .group_by(Issuance.state)
            ).all()
        )
    issued = states.get("issued", 0)
    target = TARGET_SECONDS_PER_10K * len(ids) / 10_000
    print(f"\nFleet: {len(ids):,} issuances requested, states {states}")
    print(f"  requested and queued in {queued:.1f} s (batches committed by this process)")
    print(f"  all done in {wall:.1f} s wall -> {issued / wall:,.0f} credentials/s")
    print(f"  target {target:.0f} s for {len(ids):,}: ratio {target / wall:.2f}")
    if pending:
        print(f"  {pending} still pending when progress stopped: see the worker log")


if __name__ == "__main__":
    main()
