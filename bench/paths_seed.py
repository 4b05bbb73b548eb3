"""Seed a validation-path cohort at scale for ``bench.paths``: PostgreSQL ``COPY``, not the ORM.

The demo framework, issuers and paths go in through the real importers (a few dozen rows); then
``participants`` users, one enrolment each, ``submissions`` submission rows exactly, their
reviews, appeals and self-assessments are generated from a seeded random generator and streamed
with ``COPY`` in chunks, with explicit ids (sequences are moved past them afterwards). The rows
follow the domain's rules (see :mod:`bench.paths_plan`), so the pages and
:func:`paths.review_submission` see data they could have written themselves.

Not seeded, because no measured page reads them: evidence artefacts and files, the review audit
log (``review_events``), and the certifications and issuances of completed enrolments.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Engine, func, select, text
from sqlalchemy.orm import Session

from badges.accounts import Role, User, UserRole, create_organisation
from badges.db import Base
from badges.demo.data import DEMO_FRAMEWORK, DEMO_ISSUERS, DEMO_PATHS
from bench.paths_plan import NO_PASSWORD, TABLES, PathPlan, Planner, Rows, Scale
from issuer import create_issuer
from paths import (
    ValidationPath,
    assign_assessor,
    declare_conflict,
    import_framework,
    import_paths,
    load_framework_json,
    load_paths_json,
)

#: Enrolments generated and written per ``COPY`` round (bounded memory at any scale).
CHUNK = 5_000
#: Share of participants on each demo path.
PATH_WEIGHTS = {"scpd": 0.45, "scpm": 0.40, "iot-sensor-networks": 0.15}
#: Tables whose ids the bulk load chooses (their sequences are moved past them afterwards).
SEQUENCES = ("users", "enrolments", "self_assessments", "submissions", "reviews", "appeals")
COLUMNS: dict[str, tuple[str, ...]] = {
    "users": ("id", "email", "name", "password_hash", "session_epoch", "created_at"),
    "user_roles": ("user_id", "role"),
    "enrolments": (
        "id",
        "user_id",
        "path_id",
        "state",
        "enrolled_at",
        "completed_at",
        "withdrawn_at",
    ),
    "self_assessments": ("id", "enrolment_id", "element_id", "level", "note", "assessed_at"),
    "submissions": (
        "id",
        "enrolment_id",
        "requirement_id",
        "version",
        "state",
        "note",
        "submitted_at",
        "decided_at",
    ),
    "reviews": (
        "id",
        "submission_id",
        "assessor_id",
        "decision",
        "feedback",
        "rubric_level",
        "method",
        "appeal_of_id",
        "at",
    ),
    "appeals": ("id", "submission_id", "rejected_review_id", "reason", "appealed_at"),
}


@dataclass(frozen=True, slots=True)
class Seeded:
    """What the measurements need from the seeded database, and what was written."""

    admin_id: int
    assessor_id: int
    #: Path code -> id of its (only) version.
    path_ids: dict[str, int]
    #: (enrolment id, its last pending submission id): one approval completes each.
    nearly_done: list[tuple[int, int]]
    #: (enrolment id, user id) of active enrolments, for the progress page.
    active: list[tuple[int, int]]
    #: Rows written per table by the bulk load.
    counts: dict[str, int] = field(default_factory=dict)


def seed(engine: Engine, scale: Scale, *, now: datetime) -> Seeded:
    """Fill an empty, migrated PostgreSQL database; ``VACUUM ANALYZE`` it as production would be."""
    with Session(engine) as session:
        admin_id, assessors, plans = _catalogue(session, scale, now)
        session.commit()
    counts = dict.fromkeys(TABLES, 0)
    with engine.begin() as connection:
        first_ids = {
            name: connection.scalar(select(func.coalesce(func.max(_ids(name)), 0) + 1)) or 1
            for name in SEQUENCES
        }
        # Reproducible made-up data, not secrets: a seeded generator is what is wanted.
        rng = random.Random(scale.seed)  # noqa: S311
        planner = Planner(scale, plans, first_ids=first_ids, now=now, rng=rng)
        raw = connection.connection.driver_connection
        assert raw is not None  # noqa: S101 - a live psycopg connection inside begin()
        for start in range(0, scale.participants, CHUNK):
            rows = planner.rows(start, min(start + CHUNK, scale.participants))
            for table in TABLES:
                _copy(raw, table, COLUMNS[table], rows.tables[table])
                counts[table] += len(rows.tables[table])
        for name in SEQUENCES:
            last = select(func.coalesce(func.max(_ids(name)), 1)).scalar_subquery()
            connection.execute(select(func.setval(func.pg_get_serial_sequence(name, "id"), last)))
    with Session(engine) as session:
        for participant_id in planner.conflicts:
            declare_conflict(
                session,
                assessor_id=assessors[0],
                participant_id=participant_id,
                reason="Bench: a colleague.",
                now=now,
            )
        session.commit()
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("VACUUM ANALYZE"))
    return Seeded(
        admin_id=admin_id,
        assessor_id=assessors[0],
        path_ids={plan.code: plan.path_id for plan in plans},
        nearly_done=planner.nearly_done,
        active=planner.active_sample,
        counts=counts,
    )


def _ids(table: str) -> ColumnElement[int]:
    """The ``id`` column of a mapped table."""
    column: ColumnElement[int] = Base.metadata.tables[table].c.id
    return column


def _copy(raw: Any, table: str, columns: Sequence[str], rows: Rows) -> None:
    """Stream ``rows`` into ``table`` with one ``COPY ... FROM STDIN``."""
    if not rows:
        return
    with (
        raw.cursor() as cursor,
        cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy,
    ):
        for row in rows:
            copy.write_row(row)


def _catalogue(
    session: Session, scale: Scale, now: datetime
) -> tuple[int, list[int], list[PathPlan]]:
    """Framework, issuers, paths, a platform admin and the assessors, through the domain."""
    import_framework(
        session, load_framework_json(DEMO_FRAMEWORK.read_bytes(), "framework"), now=now
    )
    for issuer in DEMO_ISSUERS:
        organisation = create_organisation(
            session, slug=issuer.slug, name=issuer.organisation, now=now
        )
        create_issuer(session, organisation.id, name=issuer.name, base_url=issuer.url, now=now)
    import_paths(session, load_paths_json(DEMO_PATHS.read_bytes(), "demo_paths.json"), now=now)
    admin = _staff(session, "admin@bench.example", "Bench Admin", Role.PLATFORM_ADMIN, now)
    assessors = [
        _staff(session, f"assessor{n}@bench.example", f"Assessor {n}", Role.ASSESSOR, now).id
        for n in range(scale.assessors)
    ]
    paths = list(session.scalars(select(ValidationPath).order_by(ValidationPath.id)))
    codes = [path.code for path in paths]
    assigned: dict[str, list[int]] = {code: [] for code in codes}
    for index, assessor_id in enumerate(assessors):
        # The first is the measured assessor, on every path; the others review two paths each.
        mine = codes if index == 0 else [codes[index % len(codes)], codes[(index + 1) % len(codes)]]
        for code in mine:
            assign_assessor(session, code, assessor_id, now=now)
            assigned[code].append(assessor_id)
    plans = [
        PathPlan.of(path, PATH_WEIGHTS[path.code], assigned[path.code], assessors[0])
        for path in paths
    ]
    return admin.id, assessors, plans


def _staff(session: Session, email: str, name: str, role: Role, now: datetime) -> User:
    user = User(
        email=email, name=name, password_hash=NO_PASSWORD, created_at=now - timedelta(days=900)
    )
    user.roles.append(UserRole(role=role))
    session.add(user)
    session.flush()
    return user
