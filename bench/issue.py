"""Issuing throughput end to end, by hand: ``.venv/bin/python -m bench.issue [--count N]``.

A real fleet: ``celery -A badges.worker worker --concurrency 2`` (prefork, two processes) on
Redis, over a throwaway PostgreSQL database (created, migrated, dropped, as the test suite does).
The benchmark requests ``--count`` issuances in batches of ``--batch`` per transaction (each
commit sends its tasks), waits until none is pending, and prints credentials per second and the
wall time. Each credential is built, signed (eddsa-rdfc-2022), self-verified and stored, exactly
as ``issuer.issue_credential`` does in production.

Before the fleet starts, a sample is issued in this process with each stage of
:func:`issuer.complete_issuance` timed separately (build, sign, self-verify, store, …) and baking a
PNG (:func:`issuer.rendering.baked_png`) for comparison; ``--profile`` adds a cProfile of that
sample. Issue #4 target: 10,000 credentials in under 60 s on a 2-core machine.

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
from issuer import (
    Achievement,
    Credential,
    Issuance,
    Keyring,
    complete_issuance,
    create_issuer,
    generate_key,
    request_issuance,
)
from issuer.rendering import baked_png

POSTGRES_ADMIN_URL = os.environ.get(
    "TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
#: A throwaway Fernet key (the tests' KEK): it protects only this run's throwaway database.
KEK = "re9qeMFxPU99o8RtLEiX28qfIRXsKrTBrKwrrLK8iOY="
BASE_URL = "http://127.0.0.1:5000"
TARGET_SECONDS_PER_10K = 60.0
#: Stage -> the names in :mod:`issuer.issuance` that make it up (timed by wrapping them).
STAGES = {
    "status index": ("_signed_list", "allocate_index"),
    "build": ("_credential_model", "to_json_ld"),
    "load key": ("signer_for",),
    "sign": ("create_proof",),
    "self-verify": ("_self_check",),
    "store": ("_store",),
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
    now = SystemClock().now()
    return [
        request_issuance(
            session,
            issuer_id=issuer_id,
            achievement_id=achievement_id,
            recipient_name=f"Participant {n}",
            recipient_email=f"participant{n}@example.org",
            now=now,
        ).id
        for n in range(count)
    ]


def sample(app: Flask, issuer_id: int, achievement_id: int, count: int, *, profile: bool) -> None:
    """Issue ``count`` credentials in this process, each stage timed; then bake PNGs."""
    database = current_database()
    loader = StaticDocumentLoader()
    keyring = Keyring([KEK])
    with database.sessionmaker() as session:
        ids = request_many(session, issuer_id, achievement_id, count + 20)
        discard_pending(session)  # issued here, not by the fleet
        session.commit()
        for issuance_id in ids[:20]:  # warm up: the status list is signed once, caches filled
            issue_one(session, issuance_id, keyring=keyring, loader=loader)
        totals: dict[str, float] = defaultdict(float)
        profiler = cProfile.Profile() if profile else None
        with timed_stages(totals):
            if profiler is not None:
                profiler.enable()
            cpu = time.process_time()
            for issuance_id in ids[20:]:
                started = time.perf_counter()
                issue_one(session, issuance_id, keyring=keyring, loader=loader, totals=totals)
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


def issue_one(
    session: Session,
    issuance_id: int,
    *,
    keyring: Keyring,
    loader: StaticDocumentLoader,
    totals: dict[str, float] | None = None,
) -> None:
    """What ``issuer.issue_credential`` does for one issuance, commit included."""
    complete_issuance(
        session,
        issuance_id,
        keyring=keyring,
        base_url=BASE_URL,
        now=SystemClock().now(),
        loader=loader,
    )
    started = time.perf_counter()
    session.commit()
    if totals is not None:
        totals["commit"] += time.perf_counter() - started


@contextmanager
def timed_stages(totals: dict[str, float]) -> Iterator[None]:
    """Wrap the stage functions :mod:`issuer.issuance` calls, adding their time to ``totals``.

    A benchmark may reach into a module's names: it measures the real code path, unchanged.
    """
    originals: dict[str, Callable[..., Any]] = {}
    for stage, names in STAGES.items():
        for name in names:
            originals[name] = getattr(issuance_module, name)
            setattr(issuance_module, name, _timer(originals[name], stage, totals))
    try:
        yield
    finally:
        for name, original in originals.items():
            setattr(issuance_module, name, original)


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
    totals["lookups, locks, other"] = total - sum(totals.values())
    print(f"In-process sample: {count} credentials, one core, PostgreSQL")
    print(f"  {'stage':<24} {'ms/credential':>14} {'share':>7}")
    for stage, seconds in totals.items():
        share = seconds / total
        print(f"  {stage:<24} {seconds / count * 1000:>14.2f} {share:>7.1%}")
    print(f"  {'issuance total':<24} {total / count * 1000:>14.2f} -> {count / total:,.0f}/s")
    print(f"  {'CPU time of this process':<24} {cpu / count * 1000:>14.2f} (the rest is waiting)")
    print(f"  {'bake PNG (comparison)':<24} {bake / count * 1000:>14.2f}")


def fleet(
    app: Flask, settings: Settings, issuer_id: int, achievement_id: int, options: Any
) -> None:
    """Start the workers, request ``options.count`` issuances, and time until all are done."""
    database = current_database()
    log = Path(settings.instance_path) / "worker.log"
    worker = start_workers(settings, options.concurrency, log)
    try:
        wait_for_workers(app, settings, worker, log)
        started = time.perf_counter()
        requested: list[int] = []
        while len(requested) < options.count:
            size = min(options.batch, options.count - len(requested))
            with database.session_scope() as session:
                requested += request_many(session, issuer_id, achievement_id, size)
        queued = time.perf_counter() - started
        pending = wait_until_done(database.sessionmaker, set(requested))
        wall = time.perf_counter() - started
    finally:
        worker.terminate()
        worker.wait(timeout=60)
        redis.Redis.from_url(REDIS_URL).delete(settings.instance_name)
    report_fleet(database.sessionmaker, requested, wall=wall, queued=queued, pending=pending)


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
