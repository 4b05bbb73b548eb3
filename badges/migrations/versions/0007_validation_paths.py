"""Validation paths, enrolments, self-assessments, evidence, submissions, reviews (issue #6).

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-25
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add validation paths, enrolments, evidence, submissions and reviews; all start empty."""
    op.create_table(
        "evidence_files",
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("media_type", sa.String(length=100), nullable=False),
        sa.Column("stored_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("sha256", name=op.f("pk_evidence_files")),
    )
    op.create_table(
        "validation_paths",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("title", sa.JSON(), nullable=False),
        sa.Column("description", sa.JSON(), nullable=False),
        sa.Column("languages", sa.JSON(), nullable=False),
        sa.Column("framework_id", sa.Integer(), nullable=False),
        sa.Column("scope", sa.String(length=8), nullable=False),
        sa.Column("role_id", sa.Integer(), nullable=True),
        sa.Column("unit_id", sa.Integer(), nullable=True),
        sa.Column("issuer_id", sa.Integer(), nullable=False),
        sa.Column("achievement_id", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("retired_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["achievement_id"],
            ["achievements.id"],
            name=op.f("fk_validation_paths_achievement_id_achievements"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["framework_id"],
            ["frameworks.id"],
            name=op.f("fk_validation_paths_framework_id_frameworks"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["issuer_id"],
            ["issuers.id"],
            name=op.f("fk_validation_paths_issuer_id_issuers"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["role_id"],
            ["framework_roles.id"],
            name=op.f("fk_validation_paths_role_id_framework_roles"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"],
            ["framework_units.id"],
            name=op.f("fk_validation_paths_unit_id_framework_units"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_validation_paths")),
        sa.UniqueConstraint("code", "version", name="uq_validation_paths_code_version"),
    )
    op.create_index("ix_validation_paths_state", "validation_paths", ["state"], unique=False)

    op.create_table(
        "enrolments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("path_id", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("enrolled_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("withdrawn_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["path_id"],
            ["validation_paths.id"],
            name=op.f("fk_enrolments_path_id_validation_paths"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_enrolments_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_enrolments")),
    )
    op.create_index("ix_enrolments_path_state", "enrolments", ["path_id", "state"], unique=False)
    op.create_index(op.f("ix_enrolments_user_id"), "enrolments", ["user_id"], unique=False)
    op.create_index(
        "uq_enrolments_user_path_current",
        "enrolments",
        ["user_id", "path_id"],
        unique=True,
        sqlite_where=sa.text("state != 'withdrawn'"),
        postgresql_where=sa.text("state != 'withdrawn'"),
    )

    op.create_table(
        "validation_path_requirements",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("path_id", sa.Integer(), nullable=False),
        sa.Column("element_id", sa.Integer(), nullable=False),
        sa.Column("stage", sa.String(length=16), nullable=False),
        sa.Column("instructions", sa.JSON(), nullable=False),
        sa.Column("evidence_kinds", sa.JSON(), nullable=False),
        sa.Column("min_items", sa.Integer(), nullable=False),
        sa.Column("approvals_needed", sa.Integer(), nullable=False),
        sa.Column("method", sa.String(length=20), nullable=True),
        sa.Column("rubric", sa.JSON(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["element_id"],
            ["framework_elements.id"],
            name=op.f("fk_validation_path_requirements_element_id_framework_elements"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["path_id"],
            ["validation_paths.id"],
            name=op.f("fk_validation_path_requirements_path_id_validation_paths"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_validation_path_requirements")),
    )
    op.create_index(
        "ix_validation_path_requirements_path_element",
        "validation_path_requirements",
        ["path_id", "element_id"],
        unique=False,
    )

    op.create_table(
        "validation_path_unit_awards",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("path_id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("achievement_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["achievement_id"],
            ["achievements.id"],
            name=op.f("fk_validation_path_unit_awards_achievement_id_achievements"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["path_id"],
            ["validation_paths.id"],
            name=op.f("fk_validation_path_unit_awards_path_id_validation_paths"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"],
            ["framework_units.id"],
            name=op.f("fk_validation_path_unit_awards_unit_id_framework_units"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_validation_path_unit_awards")),
        sa.UniqueConstraint(
            "path_id", "unit_id", name="uq_validation_path_unit_awards_path_id_unit_id"
        ),
    )
    op.create_table(
        "artefacts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("enrolment_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("link", sa.String(length=2000), nullable=True),
        sa.Column("file_sha256", sa.String(length=64), nullable=True),
        sa.Column("filename", sa.String(length=255), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["enrolment_id"],
            ["enrolments.id"],
            name=op.f("fk_artefacts_enrolment_id_enrolments"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["file_sha256"],
            ["evidence_files.sha256"],
            name=op.f("fk_artefacts_file_sha256_evidence_files"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_artefacts")),
        sa.UniqueConstraint(
            "enrolment_id", "content_hash", name="uq_artefacts_enrolment_id_content_hash"
        ),
    )
    op.create_index(op.f("ix_artefacts_file_sha256"), "artefacts", ["file_sha256"], unique=False)

    op.create_table(
        "self_assessments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("enrolment_id", sa.Integer(), nullable=False),
        sa.Column("element_id", sa.Integer(), nullable=False),
        sa.Column("level", sa.Integer(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("assessed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["element_id"],
            ["framework_elements.id"],
            name=op.f("fk_self_assessments_element_id_framework_elements"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["enrolment_id"],
            ["enrolments.id"],
            name=op.f("fk_self_assessments_enrolment_id_enrolments"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_self_assessments")),
        sa.UniqueConstraint(
            "enrolment_id", "element_id", name="uq_self_assessments_enrolment_id_element_id"
        ),
    )
    op.create_table(
        "submissions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("enrolment_id", sa.Integer(), nullable=False),
        sa.Column("requirement_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["enrolment_id"],
            ["enrolments.id"],
            name=op.f("fk_submissions_enrolment_id_enrolments"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["requirement_id"],
            ["validation_path_requirements.id"],
            name=op.f("fk_submissions_requirement_id_validation_path_requirements"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_submissions")),
        sa.UniqueConstraint(
            "enrolment_id",
            "requirement_id",
            "version",
            name="uq_submissions_enrolment_id_requirement_id_version",
        ),
    )
    op.create_index(
        "ix_submissions_requirement_state", "submissions", ["requirement_id", "state"], unique=False
    )
    op.create_index(
        "ix_submissions_state_submitted_at", "submissions", ["state", "submitted_at"], unique=False
    )

    op.create_table(
        "reviews",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("submission_id", sa.Integer(), nullable=False),
        sa.Column("assessor_id", sa.Integer(), nullable=True),
        sa.Column("decision", sa.String(length=16), nullable=False),
        sa.Column("feedback", sa.Text(), nullable=False),
        sa.Column("rubric_level", sa.Integer(), nullable=True),
        sa.Column("method", sa.String(length=20), nullable=True),
        sa.Column("appeal_of_id", sa.Integer(), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["appeal_of_id"],
            ["reviews.id"],
            name=op.f("fk_reviews_appeal_of_id_reviews"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["assessor_id"],
            ["users.id"],
            name=op.f("fk_reviews_assessor_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["submission_id"],
            ["submissions.id"],
            name=op.f("fk_reviews_submission_id_submissions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reviews")),
        sa.UniqueConstraint(
            "submission_id", "assessor_id", name="uq_reviews_submission_id_assessor_id"
        ),
    )
    op.create_index(op.f("ix_reviews_assessor_id"), "reviews", ["assessor_id"], unique=False)

    op.create_table(
        "submission_items",
        sa.Column("submission_id", sa.Integer(), nullable=False),
        sa.Column("artefact_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["artefact_id"],
            ["artefacts.id"],
            name=op.f("fk_submission_items_artefact_id_artefacts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["submission_id"],
            ["submissions.id"],
            name=op.f("fk_submission_items_submission_id_submissions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("submission_id", "artefact_id", name=op.f("pk_submission_items")),
    )
    op.create_index(
        op.f("ix_submission_items_artefact_id"), "submission_items", ["artefact_id"], unique=False
    )


def downgrade() -> None:
    """Drop the validation path tables, children first."""
    op.drop_table("submission_items")
    op.drop_table("reviews")
    op.drop_table("submissions")
    op.drop_table("self_assessments")
    op.drop_table("artefacts")
    op.drop_table("validation_path_unit_awards")
    op.drop_table("validation_path_requirements")
    op.drop_table("enrolments")
    op.drop_table("validation_paths")
    op.drop_table("evidence_files")
