"""Validation-path pages at scale, by hand: ``.venv/bin/python -m bench.paths [--explain]``.

Issue #6: with 100,000 participants and 1,000,000 submissions in PostgreSQL, the review queue,
a participant's progress page and the cohort overview each render in under 100 ms at p95;
completing an enrolment and enqueuing its issuance takes under 20 ms.

A throwaway PostgreSQL database is created, migrated, seeded (:mod:`bench.paths_seed`, bulk
``COPY``, then ``VACUUM ANALYZE``) and dropped. Pages are requested through Flask's test client
against the real app (``create_app`` on that database), so routing, role checks, queries and
templates all count; each request's SQL is timed too, to tell database time from the rest.
Completing an enrolment is the assessor's last approval in one transaction, as the review page
does it: :func:`paths.review_submission` (which runs ``check_completion`` and requests the
issuance) and the commit, whose outbox sends the issuing and mail tasks to Redis. No worker
runs, so nothing is issued; the queue is deleted afterwards.

The cohort page shows figures kept for a few minutes (:func:`paths.cohort.recent_cohort_overview`):
computing them reads every submission of the path. So the live computation is timed too
("cohort figures, live"): what a viewer waits when the kept figures have expired.

``--explain`` prints ``EXPLAIN (ANALYZE, BUFFERS)`` of each page's slowest statements. The
machine may be shared: the load average and this process's CPU time are printed, as wall
times are noisy.

Needs PostgreSQL (``TEST_POSTGRES_URL``) and Redis (``TEST_REDIS_URL``), as ``bench.issue``.
Scale down with ``--participants 2000 --submissions 20000`` for a quick run.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

import redis
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import Engine, event, select

import paths
from badges.app import create_app
from badges.clock import SystemClock
from badges.config import Settings
from badges.context import current_database
from badges.db import Database
from bench.issue import BASE_URL, KEK, REDIS_URL, throwaway_database
from bench.paths_plan import Scale
from bench.paths_seed import Seeded, seed
from paths.cohort import cohort_overview
from paths.models import CohortSnapshot, Requirement, Submission

PAGE_TARGET_MS = 100.0
COMPLETION_TARGET_MS = 20.0
#: The report's row for the live cohort computation (no target: once per kept snapshot).
RECOMPUTE = "cohort figures, live"
_NEXT = re.compile(r'href="([^"]+)" rel="next"')


@dataclass(slots=True)
class Timing:
    """Wall times (ms) of repeated runs, with the SQL each spent."""

    wall: list[float] = field(default_factory=list)
    #: This process's CPU time: unlike wall time, other work on the machine hardly changes it.
    cpu: list[float] = field(default_factory=list)
    sql: list[float] = field(default_factory=list)
    queries: list[int] = field(default_factory=list)

    def percentile(self, share: float) -> float:
        """Nearest-rank percentile of the wall times."""
        ordered = sorted(self.wall)
        return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


@dataclass(slots=True)
class Report:
    """Everything ``run`` measured."""

    seed_seconds: float
    counts: dict[str, int]
    pages: dict[str, Timing] = field(default_factory=dict)
    completion: Timing = field(default_factory=Timing)
    #: The live computation of the cohort figures (domain only): what a stale snapshot costs.
    recompute: Timing = field(default_factory=Timing)
    #: Whether the cohort page kept its figures (it reads them from the snapshot).
    cohort_snapshot: bool = False
    #: The instance's Celery queue in Redis (deleted at the end).
    queue_name: str = ""
    #: Task name -> messages waiting in Redis after the completions (no worker runs).
    queued: dict[str, int] = field(default_factory=dict)
    explained: list[str] = field(default_factory=list)


class Statements:
    """Times every statement the engine runs while recording (for SQL time and ``--explain``)."""

    def __init__(self, engine: Engine) -> None:
        """Listen on ``engine``; nothing is kept until :meth:`recording`."""
        self.log: list[tuple[float, str, Any]] | None = None
        self._started = 0.0
        event.listen(engine, "before_cursor_execute", self._before)
        event.listen(engine, "after_cursor_execute", self._after)

    def _before(self, *_args: Any) -> None:
        self._started = time.perf_counter()

    def _after(self, _conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        if self.log is not None:
            self.log.append(((time.perf_counter() - self._started) * 1000, statement, parameters))

    @contextmanager
    def recording(self) -> Iterator[list[tuple[float, str, Any]]]:
        """Collect (ms, statement, parameters) of everything run inside the block."""
        self.log = []
        try:
            yield self.log
        finally:
            self.log = None


def main() -> None:
    """Parse the options, then seed, measure and report on a throwaway database."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--participants", type=int, default=100_000)
    parser.add_argument("--submissions", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=200, help="requests per page")
    parser.add_argument("--completions", type=int, default=200, help="enrolments completed")
    parser.add_argument("--recomputes", type=int, default=5, help="live cohort computations")
    parser.add_argument("--explain", action="store_true", help="EXPLAIN ANALYZE slow queries")
    options = parser.parse_args()
    scale = Scale(options.participants, options.submissions, completions=options.completions)
    print(f"load average at start: {load_average()}")
    with tempfile.TemporaryDirectory() as tmp, throwaway_database() as url:
        run(
            url,
            Path(tmp),
            scale,
            requests=options.requests,
            recomputes=options.recomputes,
            explain=options.explain,
        )


def run(
    url: str,
    tmp: Path,
    scale: Scale,
    *,
    requests: int,
    recomputes: int = 5,
    explain: bool = False,
    out: Callable[[str], None] = print,
) -> Report:
    """Seed the empty, migrated database at ``url``, measure everything, print and return it."""
    settings = Settings(
        instance_path=tmp / "instance",
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
        database = current_database()
    try:
        out(f"Seeding {scale.participants:,} participants, {scale.submissions:,} submissions...")
        started = time.perf_counter()
        seeded = seed(database.engine, scale, now=SystemClock().now())
        report = Report(time.perf_counter() - started, seeded.counts)
        report.queue_name = settings.instance_name
        out(
            f"  seeded in {report.seed_seconds:.1f} s: "
            + ", ".join(f"{table} {count:,}" for table, count in seeded.counts.items())
        )
        statements = Statements(database.engine)
        measure_pages(app, database, seeded, report, statements, requests=requests)
        measure_recompute(database, seeded, report, statements, runs=recomputes)
        with app.app_context():
            measure_completions(database, seeded, report, statements)
        report.queued = queued_tasks(settings.instance_name)
        if explain:
            report.explained = explain_slowest(app, database, seeded, statements)
        print_report(report, out)
    finally:
        redis.Redis.from_url(REDIS_URL).delete(settings.instance_name)
        database.dispose()
    return report


def signed_in(app: Flask, user_id: int) -> FlaskClient:
    """A client whose session cookie says ``user_id`` (seeded accounts have no password)."""
    client = app.test_client()
    with client.session_transaction() as session:
        session["user_id"] = user_id
        session["epoch"] = 0
    return client


def page_urls(app: Flask, database: Database, seeded: Seeded) -> dict[str, list[tuple[int, str]]]:
    """Per page, the (user id, URL) pairs to request in turn."""
    scpm = seeded.path_ids["scpm"]
    with database.sessionmaker() as session:
        element_id = session.scalars(
            select(Requirement.element_id)
            .where(Requirement.path_id == scpm)
            .order_by(Requirement.position)
            .offset(12)
        ).first()
    assessor = seeded.assessor_id
    first = signed_in(app, assessor).get("/review/").get_data(as_text=True)
    found = _NEXT.search(first)
    second = found.group(1).replace("&amp;", "&") if found else "/review/"
    return {
        "review queue, first page": [(assessor, "/review/")],
        "review queue, page 2": [(assessor, second)],
        "review queue, filtered": [
            (assessor, f"/review/?path={scpm}&element={element_id}&older=7")
        ],
        "progress page": [
            (user_id, f"/paths/enrolments/{enrolment_id}")
            for enrolment_id, user_id in seeded.active
        ],
        "cohort overview": [(seeded.admin_id, f"/paths/cohorts/{seeded.path_ids['scpd']}")],
    }


def measure_pages(
    app: Flask,
    database: Database,
    seeded: Seeded,
    report: Report,
    statements: Statements,
    *,
    requests: int,
) -> None:
    """Request each page ``requests`` times (after one warm-up request), timing each."""
    for name, targets in page_urls(app, database, seeded).items():
        turns = [targets[attempt % len(targets)] for attempt in range(requests + 1)]
        clients = {user_id: signed_in(app, user_id) for user_id, _ in turns}
        timing = report.pages.setdefault(name, Timing())
        for attempt, (user_id, url) in enumerate(turns):
            client = clients[user_id]
            with statements.recording() as log:
                started, cpu = time.perf_counter(), time.process_time()
                response = client.get(url)
                elapsed = (time.perf_counter() - started) * 1000
                cpu = (time.process_time() - cpu) * 1000
            if response.status_code != 200:
                raise RuntimeError(f"{name}: {url} answered {response.status_code}")
            if attempt:  # the first request compiles templates and fills caches
                timing.wall.append(elapsed)
                timing.cpu.append(cpu)
                timing.sql.append(sum(ms for ms, _, _ in log))
                timing.queries.append(len(log))


def measure_recompute(
    database: Database, seeded: Seeded, report: Report, statements: Statements, *, runs: int
) -> None:
    """Compute the largest path's cohort figures live, as a stale snapshot makes the page do."""
    path_id = seeded.path_ids["scpd"]
    with database.sessionmaker() as session:
        report.cohort_snapshot = session.get(CohortSnapshot, "scpd") is not None
        for _ in range(runs):
            with statements.recording() as log:
                started, cpu = time.perf_counter(), time.process_time()
                cohort_overview(session, path_id)
                report.recompute.wall.append((time.perf_counter() - started) * 1000)
                report.recompute.cpu.append((time.process_time() - cpu) * 1000)
            report.recompute.sql.append(sum(ms for ms, _, _ in log))
            report.recompute.queries.append(len(log))


def measure_completions(
    database: Database, seeded: Seeded, report: Report, statements: Statements
) -> None:
    """The last approval of each nearly-done enrolment, committed, one transaction each."""
    with database.sessionmaker() as session:
        levels = {
            submission_id: (min(level["level"] for level in rubric) if rubric else None)
            for submission_id, rubric in session.execute(
                select(Submission.id, Requirement.rubric)
                .join(Requirement, Requirement.id == Submission.requirement_id)
                .where(Submission.id.in_([s for _, s in seeded.nearly_done]))
            )
        }
    for _enrolment_id, submission_id in seeded.nearly_done:
        with database.sessionmaker() as session, statements.recording() as log:
            started, cpu = time.perf_counter(), time.process_time()
            outcome = paths.review_submission(
                session,
                submission_id,
                assessor_id=seeded.assessor_id,
                decision="approve",
                feedback="",
                rubric_level=levels[submission_id],
                method=None,
                now=SystemClock().now(),
                base_url=BASE_URL,
            )
            session.commit()
            elapsed = (time.perf_counter() - started) * 1000
            cpu = (time.process_time() - cpu) * 1000
        if outcome.state != "approved" or not outcome.certifications:
            raise RuntimeError(f"submission {submission_id} did not complete its enrolment")
        report.completion.wall.append(elapsed)
        report.completion.cpu.append(cpu)
        report.completion.sql.append(sum(ms for ms, _, _ in log))
        report.completion.queries.append(len(log))


def queued_tasks(queue: str) -> dict[str, int]:
    """Messages waiting in the instance's Celery queue in Redis, counted by task name."""
    names: Counter[str] = Counter()
    for message in cast("list[bytes]", redis.Redis.from_url(REDIS_URL).lrange(queue, 0, -1)):
        names[str(json.loads(message).get("headers", {}).get("task"))] += 1
    return dict(names)


def explain_slowest(
    app: Flask, database: Database, seeded: Seeded, statements: Statements
) -> list[str]:
    """``EXPLAIN (ANALYZE, BUFFERS)`` of the two slowest statements of one request per page."""
    plans: list[str] = []
    engine = database.engine
    for name, targets in page_urls(app, database, seeded).items():
        user_id, url = targets[0]
        with statements.recording() as log:
            signed_in(app, user_id).get(url)
        for ms, statement, parameters in sorted(log, key=lambda entry: -entry[0])[:2]:
            raw = engine.raw_connection()
            try:
                cursor = raw.cursor()
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + statement, parameters)
                lines = "\n".join(f"    {row[0]}" for row in cursor.fetchall())
                raw.rollback()
            finally:
                raw.close()
            plans.append(f"{name}: {ms:.1f} ms\n    {statement}\n    {parameters}\n{lines}")
    return plans


def print_report(report: Report, out: Callable[[str], None]) -> None:
    """The figures, each against its target (ratio > 1 means within it)."""
    out(
        f"\n{'page':<26} {'n':>4} {'p50':>7} {'p95':>7} {'p99':>7} {'max':>7} "
        f"{'CPU p50':>8} {'SQL p50':>8} {'queries':>7}  target ratio"
    )
    rows = [
        *report.pages.items(),
        ("complete + enqueue", report.completion),
        (RECOMPUTE, report.recompute),
    ]
    for name, timing in rows:
        if not timing.wall:
            continue
        target = COMPLETION_TARGET_MS if name == "complete + enqueue" else PAGE_TARGET_MS
        p95 = timing.percentile(0.95)
        against = f"{target:>4.0f} ms {target / p95:>5.2f} " + ("ok" if p95 < target else "MISSED")
        if name == RECOMPUTE:
            against = "   (no target: once per snapshot)"
        out(
            f"{name:<26} {len(timing.wall):>4} {timing.percentile(0.5):>7.1f} {p95:>7.1f} "
            f"{timing.percentile(0.99):>7.1f} {max(timing.wall):>7.1f} "
            f"{statistics.median(timing.cpu):>8.1f} {statistics.median(timing.sql):>8.1f} "
            f"{statistics.median(timing.queries):>7.0f}  "
            f"{against}"
        )
    out("  (ms; p95 against the target; ratio = target / p95. CPU: this process only, not the")
    out("   database server; SQL: wall time inside the driver, queries included)")
    if report.cohort_snapshot:
        out("  cohort page: figures from the kept snapshot (computed again when 5 minutes old)")
    else:
        out("  cohort page: figures computed on every request (the view does not keep them)")
    out(f"  tasks waiting in Redis after the completions: {report.queued}")
    out(f"  load average now: {load_average()}")
    for plan in report.explained:
        out("\n" + plan)


def load_average() -> str:
    """The 1, 5 and 15 minute load averages (other work on the machine skews the timings)."""
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


if __name__ == "__main__":
    main()
