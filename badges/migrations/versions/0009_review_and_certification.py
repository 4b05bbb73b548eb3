"""Assessor assignments, conflicts, appeals, the review log, certifications, the queue index.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-25
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_PENDING = "state IN ('submitted', 'appealed')"


def upgrade() -> None:
    """Add the review and certification tables (all start empty) and the queue's index."""
    op.create_table(
        "assessor_assignments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("path_code", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("assigned_by_id", sa.Integer(), nullable=True),
        sa.Column("assigned_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["assigned_by_id"],
            ["users.id"],
            name=op.f("fk_assessor_assignments_assigned_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_assessor_assignments_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assessor_assignments")),
        sa.UniqueConstraint(
            "path_code", "user_id", name="uq_assessor_assignments_path_code_user_id"
        ),
    )
    op.create_index(
        "ix_assessor_assignments_user_id", "assessor_assignments", ["user_id"], unique=False
    )

    op.create_table(
        "conflict_declarations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("assessor_id", sa.Integer(), nullable=False),
        sa.Column("participant_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("declared_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["assessor_id"],
            ["users.id"],
            name=op.f("fk_conflict_declarations_assessor_id_users"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["participant_id"],
            ["users.id"],
            name=op.f("fk_conflict_declarations_participant_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_conflict_declarations")),
        sa.UniqueConstraint(
            "assessor_id",
            "participant_id",
            name="uq_conflict_declarations_assessor_id_participant_id",
        ),
    )
    op.create_index(
        op.f("ix_conflict_declarations_participant_id"),
        "conflict_declarations",
        ["participant_id"],
        unique=False,
    )

    op.create_table(
        "appeals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("submission_id", sa.Integer(), nullable=False),
        sa.Column("rejected_review_id", sa.Integer(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("appealed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["rejected_review_id"],
            ["reviews.id"],
            name=op.f("fk_appeals_rejected_review_id_reviews"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["submission_id"],
            ["submissions.id"],
            name=op.f("fk_appeals_submission_id_submissions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_appeals")),
        sa.UniqueConstraint("submission_id", name=op.f("uq_appeals_submission_id")),
    )

    op.create_table(
        "review_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("submission_id", sa.Integer(), nullable=False),
        sa.Column("submission_version", sa.Integer(), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("action", sa.String(length=16), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_id"],
            ["users.id"],
            name=op.f("fk_review_events_actor_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["submission_id"],
            ["submissions.id"],
            name=op.f("fk_review_events_submission_id_submissions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_events")),
    )
    op.create_index(
        op.f("ix_review_events_submission_id"), "review_events", ["submission_id"], unique=False
    )

    op.create_table(
        "certifications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("public_id", sa.String(length=36), nullable=False),
        sa.Column("enrolment_id", sa.Integer(), nullable=False),
        sa.Column("scope_key", sa.String(length=32), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=True),
        sa.Column("achievement_id", sa.Integer(), nullable=False),
        sa.Column("issuance_id", sa.Integer(), nullable=True),
        sa.Column("extras", sa.JSON(), nullable=False),
        sa.Column("evidence_public", sa.Boolean(), nullable=False),
        sa.Column("certified_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["achievement_id"],
            ["achievements.id"],
            name=op.f("fk_certifications_achievement_id_achievements"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["enrolment_id"],
            ["enrolments.id"],
            name=op.f("fk_certifications_enrolment_id_enrolments"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["issuance_id"],
            ["issuances.id"],
            name=op.f("fk_certifications_issuance_id_issuances"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"],
            ["framework_units.id"],
            name=op.f("fk_certifications_unit_id_framework_units"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_certifications")),
        sa.UniqueConstraint(
            "enrolment_id", "scope_key", name="uq_certifications_enrolment_id_scope_key"
        ),
        sa.UniqueConstraint("public_id", name=op.f("uq_certifications_public_id")),
    )
    op.create_index(
        op.f("ix_certifications_issuance_id"), "certifications", ["issuance_id"], unique=False
    )

    op.create_index(
        "ix_submissions_pending_queue",
        "submissions",
        ["submitted_at", "id"],
        unique=False,
        sqlite_where=sa.text(_PENDING),
        postgresql_where=sa.text(_PENDING),
    )


def downgrade() -> None:
    """Drop them, newest first."""
    op.drop_index(
        "ix_submissions_pending_queue",
        table_name="submissions",
        sqlite_where=sa.text(_PENDING),
        postgresql_where=sa.text(_PENDING),
    )
    op.drop_index(op.f("ix_certifications_issuance_id"), table_name="certifications")
    op.drop_table("certifications")
    op.drop_index(op.f("ix_review_events_submission_id"), table_name="review_events")
    op.drop_table("review_events")
    op.drop_table("appeals")
    op.drop_index(
        op.f("ix_conflict_declarations_participant_id"), table_name="conflict_declarations"
    )
    op.drop_table("conflict_declarations")
    op.drop_index("ix_assessor_assignments_user_id", table_name="assessor_assignments")
    op.drop_table("assessor_assignments")
