"""The cohort page's kept figures (issue #6): computed once, reused while young, then recomputed.

Computing the cohort figures reads every submission of the path (over a second at the
benchmark's million submissions), so :func:`paths.cohort.recent_cohort_overview` keeps them in
``cohort_snapshots`` and says how old they are.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from badges.accounts import User
from badges.accounts.service import register
from badges.db import Database
from paths import (
    Enrolment,
    Submission,
    ValidationPath,
    enrol,
)
from paths.cohort import SNAPSHOT_MAX_AGE, CohortOverview, cohort_overview, recent_cohort_overview
from paths.models import CohortSnapshot
from paths.path_errors import PathNotFound
from tests.environment import NOW
from tests.paths_demo import load_demo_paths


@pytest.fixture
def scpd(session: Session) -> ValidationPath:
    """The demo paths, and two participants on ``scpd``: one approved on U1.E1's documentation."""
    path = load_demo_paths(session)["scpd"]
    for name in ("ana", "boris"):
        user = register(session, email=f"{name}@example.org", name=name,
                        password="a long passphrase 1", now=NOW)  # fmt: skip
        enrol(session, path.id, user_id=user.id, now=NOW)
    session.commit()
    answer(session, "ana@example.org", path, "approved")
    return path


def answer(session: Session, email: str, path: ValidationPath, state: str) -> None:
    """The participant's answer to U1.E1's documentation requirement, committed."""
    enrolment = session.scalars(
        select(Enrolment)
        .join(User, User.id == Enrolment.user_id)
        .where(Enrolment.path_id == path.id, User.email == email)
    ).one()
    requirement = next(
        r for r in path.requirements if r.element.code == "U1.E1" and r.stage == "documentation"
    )
    session.add(
        Submission(
            enrolment_id=enrolment.id,
            requirement_id=requirement.id,
            version=1,
            state=state,
            note="",
            submitted_at=NOW,
        )
    )
    session.commit()


def first_share(overview: CohortOverview) -> tuple[int, int, int]:
    share = overview.versions[0].elements[0]
    assert share.code == "U1.E1"
    return share.active, share.approved, share.submitted


def test_the_first_view_computes_and_keeps_the_figures(
    session: Session, scpd: ValidationPath
) -> None:
    recent = recent_cohort_overview(session, scpd.id, now=NOW)
    session.commit()

    assert recent.as_of == NOW
    live = cohort_overview(session, scpd.id)
    assert live.as_of is None
    assert recent.versions == live.versions
    assert first_share(recent) == (2, 0, 1)  # U1.E1 needs its assessment approved too
    assert dict(recent.versions[0].counts) == {"active": 2, "completed": 0, "withdrawn": 0}
    snapshot = session.get_one(CohortSnapshot, "scpd")
    assert snapshot.computed_at == NOW
    assert set(snapshot.figures) == {str(scpd.id)}


def test_young_figures_are_reused_and_old_ones_recomputed(
    session: Session, scpd: ValidationPath
) -> None:
    recent_cohort_overview(session, scpd.id, now=NOW)
    session.commit()
    answer(session, "boris@example.org", scpd, "submitted")

    later = NOW + SNAPSHOT_MAX_AGE - timedelta(seconds=1)
    kept = recent_cohort_overview(session, scpd.id, now=later)
    assert kept.as_of == NOW
    assert first_share(kept) == (2, 0, 1)  # Boris's answer is not counted yet

    expired = NOW + SNAPSHOT_MAX_AGE
    fresh = recent_cohort_overview(session, scpd.id, now=expired)
    session.commit()
    assert fresh.as_of == expired
    assert first_share(fresh) == (2, 0, 2)
    assert session.get_one(CohortSnapshot, "scpd").computed_at == expired
    count = session.scalar(select(func.count()).select_from(CohortSnapshot))
    assert count == 1
    # The kept copy reads back exactly as it was computed.
    assert recent_cohort_overview(session, scpd.id, now=expired).versions == fresh.versions


def test_a_new_version_of_the_path_is_not_left_out(session: Session, scpd: ValidationPath) -> None:
    recent_cohort_overview(session, scpd.id, now=NOW)
    session.commit()
    draft = ValidationPath(
        code=scpd.code, version=2, title=scpd.title, description=scpd.description,
        languages=scpd.languages, framework_id=scpd.framework_id, scope=scpd.scope,
        role_id=scpd.role_id, unit_id=None, issuer_id=scpd.issuer_id,
        achievement_id=scpd.achievement_id, state="draft", created_at=NOW,
    )  # fmt: skip
    session.add(draft)
    session.commit()

    overview = recent_cohort_overview(session, scpd.id, now=NOW + timedelta(seconds=1))

    assert [v.version for v in overview.versions] == [2, 1]
    assert overview.as_of == NOW + timedelta(seconds=1)
    assert overview.versions[0].enrolled == 0


def test_an_unknown_path_is_not_found(session: Session, scpd: ValidationPath) -> None:
    with pytest.raises(PathNotFound):
        recent_cohort_overview(session, scpd.id + 1000, now=NOW)


def test_two_viewers_computing_at_once_keep_one_copy(
    session: Session, database: Database, scpd: ValidationPath
) -> None:
    if database.backend == "sqlite":
        pytest.skip("SQLite serialises writers; the race needs PostgreSQL snapshots")
    with database.sessionmaker() as slow:
        # The slow viewer's snapshot predates the fast viewer's commit: it sees no copy yet.
        slow.connection(execution_options={"isolation_level": "REPEATABLE READ"})
        assert slow.scalar(select(func.count()).select_from(CohortSnapshot)) == 0
        fast = recent_cohort_overview(session, scpd.id, now=NOW)
        session.commit()

        late = recent_cohort_overview(slow, scpd.id, now=NOW + timedelta(seconds=1))
        slow.commit()

    assert late.versions == fast.versions
    assert late.as_of == NOW + timedelta(seconds=1)
    kept = session.scalars(select(CohortSnapshot)).one()
    assert kept.computed_at == NOW
