"""The competence framework: roles, units, elements with criteria, curricula (issue #6).

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-25
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add the framework tables; they start empty."""
    op.create_table(
        "frameworks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("version", sa.String(length=32), nullable=False),
        sa.Column("title", sa.JSON(), nullable=False),
        sa.Column("description", sa.JSON(), nullable=False),
        sa.Column("publisher", sa.String(length=300), nullable=True),
        sa.Column("source_url", sa.String(length=2000), nullable=True),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_frameworks")),
        sa.UniqueConstraint("code", "version", name="uq_frameworks_code_version"),
    )
    op.create_table(
        "framework_curricula",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("framework_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("title", sa.JSON(), nullable=False),
        sa.Column("description", sa.JSON(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["framework_id"],
            ["frameworks.id"],
            name=op.f("fk_framework_curricula_framework_id_frameworks"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_framework_curricula")),
        sa.UniqueConstraint(
            "framework_id", "code", name="uq_framework_curricula_framework_id_code"
        ),
    )
    op.create_table(
        "framework_roles",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("framework_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("title", sa.JSON(), nullable=False),
        sa.Column("description", sa.JSON(), nullable=False),
        sa.Column("eqf_level", sa.Integer(), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["framework_id"],
            ["frameworks.id"],
            name=op.f("fk_framework_roles_framework_id_frameworks"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_framework_roles")),
        sa.UniqueConstraint("framework_id", "code", name="uq_framework_roles_framework_id_code"),
    )
    op.create_table(
        "framework_units",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("framework_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("title", sa.JSON(), nullable=False),
        sa.Column("description", sa.JSON(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["framework_id"],
            ["frameworks.id"],
            name=op.f("fk_framework_units_framework_id_frameworks"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_framework_units")),
        sa.UniqueConstraint("framework_id", "code", name="uq_framework_units_framework_id_code"),
    )
    op.create_table(
        "framework_elements",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("framework_id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("title", sa.JSON(), nullable=False),
        sa.Column("description", sa.JSON(), nullable=False),
        sa.Column("eqf_level", sa.Integer(), nullable=False),
        sa.Column("ecf_code", sa.String(length=8), nullable=True),
        sa.Column("ecf_level", sa.Integer(), nullable=True),
        sa.Column("esco", sa.JSON(), nullable=False),
        sa.Column("digcomp", sa.JSON(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["framework_id"],
            ["frameworks.id"],
            name=op.f("fk_framework_elements_framework_id_frameworks"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"],
            ["framework_units.id"],
            name=op.f("fk_framework_elements_unit_id_framework_units"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_framework_elements")),
        sa.UniqueConstraint("framework_id", "code", name="uq_framework_elements_framework_id_code"),
    )
    op.create_table(
        "framework_learning_units",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("curriculum_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("title", sa.JSON(), nullable=False),
        sa.Column("description", sa.JSON(), nullable=False),
        sa.Column("hours", sa.Float(), nullable=True),
        sa.Column("ects", sa.Float(), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["curriculum_id"],
            ["framework_curricula.id"],
            name=op.f("fk_framework_learning_units_curriculum_id_framework_curricula"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_framework_learning_units")),
        sa.UniqueConstraint(
            "curriculum_id", "code", name="uq_framework_learning_units_curriculum_id_code"
        ),
    )
    op.create_table(
        "framework_role_units",
        sa.Column("role_id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["role_id"],
            ["framework_roles.id"],
            name=op.f("fk_framework_role_units_role_id_framework_roles"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"],
            ["framework_units.id"],
            name=op.f("fk_framework_role_units_unit_id_framework_units"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("role_id", "unit_id", name=op.f("pk_framework_role_units")),
    )
    op.create_table(
        "framework_learning_unit_elements",
        sa.Column("learning_unit_id", sa.Integer(), nullable=False),
        sa.Column("element_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["element_id"],
            ["framework_elements.id"],
            name=op.f("fk_framework_learning_unit_elements_element_id_framework_elements"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["learning_unit_id"],
            ["framework_learning_units.id"],
            name=op.f(
                "fk_framework_learning_unit_elements_learning_unit_id_framework_learning_units"
            ),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "learning_unit_id", "element_id", name=op.f("pk_framework_learning_unit_elements")
        ),
    )
    op.create_table(
        "framework_performance_criteria",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("element_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("text", sa.JSON(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["element_id"],
            ["framework_elements.id"],
            name=op.f("fk_framework_performance_criteria_element_id_framework_elements"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_framework_performance_criteria")),
        sa.UniqueConstraint(
            "element_id", "code", name="uq_framework_performance_criteria_element_id_code"
        ),
    )


def downgrade() -> None:
    """Drop the framework tables, children first."""
    op.drop_table("framework_performance_criteria")
    op.drop_table("framework_learning_unit_elements")
    op.drop_table("framework_role_units")
    op.drop_table("framework_learning_units")
    op.drop_table("framework_elements")
    op.drop_table("framework_units")
    op.drop_table("framework_roles")
    op.drop_table("framework_curricula")
    op.drop_table("frameworks")
