"""Anonymous verification counts per day, front and outcome (issue #5).

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-26
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add the counts table; it starts empty."""
    op.create_table(
        "verification_counts",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("channel", sa.String(length=8), nullable=False),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("day", "channel", "outcome", name=op.f("pk_verification_counts")),
    )


def downgrade() -> None:
    """Drop the counts table."""
    op.drop_table("verification_counts")
