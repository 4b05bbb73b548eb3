"""``bench/paths.py`` at a tiny scale on PostgreSQL, so that the benchmark keeps working.

No timing is asserted (the machine may be busy): only that every page answered and was
measured, that the seeded rows are what was asked for and follow the domain's rules, and that
completing the nearly-done enrolments certified them and queued their issuance, unexecuted.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import redis
from sqlalchemy import ColumnElement, create_engine, func, select
from sqlalchemy.orm import Session
from sqlalchemy.pool import NullPool

from badges.accounts import User
from bench.paths import RECOMPUTE, Report, run
from bench.paths_plan import Scale
from issuer import Issuance
from paths import Certification, Enrolment, Submission, progress, review_queue
from paths.models import Appeal, Review, SelfAssessment
from tests.environment import empty_tables
from tests.services import REDIS_URL, missing

pytestmark = pytest.mark.integration

SCALE = Scale(participants=60, submissions=500, completions=5)
PAGES = {
    "review queue, first page",
    "review queue, page 2",
    "review queue, filtered",
    "progress page",
    "cohort overview",
}


@pytest.fixture
def measured(postgres_url: str, tmp_path: Path) -> Iterator[tuple[Report, list[str]]]:
    try:
        redis.Redis.from_url(REDIS_URL, socket_timeout=2).ping()
    except redis.RedisError:
        missing(
            "Redis", f"start redis-server on 127.0.0.1:6379 or set TEST_REDIS_URL ({REDIS_URL})"
        )
    lines: list[str] = []
    try:
        report = run(
            postgres_url, tmp_path, SCALE, requests=3, recomputes=2, explain=True, out=lines.append
        )
        yield report, lines
    finally:
        empty_tables(postgres_url)


def test_the_benchmark_seeds_what_was_asked_and_measures_every_page(
    postgres_url: str, measured: tuple[Report, list[str]]
) -> None:
    report, lines = measured
    engine = create_engine(postgres_url, poolclass=NullPool)
    with Session(engine) as session:

        def count(model: Any, *where: ColumnElement[bool]) -> int:
            return session.scalar(select(func.count()).select_from(model).where(*where)) or 0

        participants = count(User, User.email.like("participant%@bench.example"))
        assert participants == report.counts["users"] == SCALE.participants
        assert count(Enrolment) == report.counts["enrolments"] == SCALE.participants
        assert count(Submission) == report.counts["submissions"] == SCALE.submissions
        assert count(SelfAssessment) == report.counts["self_assessments"] > 0
        assert count(Appeal) == report.counts["appeals"]
        # The completions added one approval each to the seeded reviews.
        assert count(Review) == report.counts["reviews"] + SCALE.completions
        # Every approved version has as many approvals as its requirement needs.
        approvals = session.execute(
            select(Submission.id, func.count(Review.id))
            .join(Review, Review.submission_id == Submission.id)
            .where(Submission.state == "approved", Review.decision == "approve")
            .group_by(Submission.id)
        ).all()
        assert approvals
        assert len(approvals) == count(Submission, Submission.state == "approved")
        # The nearly-done enrolments were completed: certified, issuance requested, not issued.
        completed = session.scalars(
            select(Enrolment).join(Certification).where(Certification.scope_key == "path")
        ).all()
        assert len(completed) == SCALE.completions
        assert all(e.state == "completed" and progress(session, e).complete for e in completed)
        pending = count(Issuance, Issuance.state == "pending")
        assert pending == count(Issuance) == SCALE.completions
        assessor = session.scalar(select(User.id).where(User.email == "assessor0@bench.example"))
        assert assessor is not None
        assert review_queue(session, assessor)
    engine.dispose()

    assert set(report.pages) == PAGES
    for name, timing in report.pages.items():
        assert len(timing.wall) == len(timing.cpu) == len(timing.queries) == 3, name
        assert all(ms > 0 for ms in timing.wall), name
        assert min(timing.queries) > 0, name
    assert len(report.completion.wall) == SCALE.completions
    assert len(report.recompute.wall) == 2
    assert report.queued.get("issuer.issue_credential") == SCALE.completions
    assert report.seed_seconds > 0

    printed = "\n".join(lines)
    for name in (*PAGES, "complete + enqueue", RECOMPUTE, "load average now"):
        assert name in printed
    assert "Execution Time" in printed  # --explain ran EXPLAIN ANALYZE
    assert redis.Redis.from_url(REDIS_URL).llen(report.queue_name) == 0
