"""Indexes for the review queue and audit log, and the cohort overview's snapshots (issue #6).

Found by ``bench/paths.py`` at 100,000 participants and 1,000,000 submissions: a queue page
filtered by a competence walked the whole pending queue (up to 260 ms), and the cohort overview
reads every submission of the path (over a second), so its figures are kept for a few minutes.
The audit log filtered by assessor (and a deleted account's reviews, anonymised) reads
``review_events`` by ``actor_id``.

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-25
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_PENDING = "state IN ('submitted', 'appealed')"


def upgrade() -> None:
    """Add the partial index (pending rows only, a small share) and the empty snapshot table."""
    op.create_index(
        "ix_submissions_pending_requirement",
        "submissions",
        ["requirement_id", "submitted_at", "id"],
        unique=False,
        sqlite_where=sa.text(_PENDING),
        postgresql_where=sa.text(_PENDING),
    )
    op.create_table(
        "cohort_snapshots",
        sa.Column("path_code", sa.String(length=64), nullable=False),
        sa.Column("figures", sa.JSON(), nullable=False),
        sa.Column("computed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("path_code", name=op.f("pk_cohort_snapshots")),
    )
    op.create_index("ix_review_events_actor_id_id", "review_events", ["actor_id", "id"])


def downgrade() -> None:
    """Drop them."""
    op.drop_index("ix_review_events_actor_id_id", table_name="review_events")
    op.drop_table("cohort_snapshots")
    op.drop_index(
        "ix_submissions_pending_requirement",
        table_name="submissions",
        sqlite_where=sa.text(_PENDING),
        postgresql_where=sa.text(_PENDING),
    )
