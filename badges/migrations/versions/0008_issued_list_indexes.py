"""Indexes for the issuer admin's issued list (newest first, counts by state, email search).

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-25
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Create the three indexes."""
    with op.batch_alter_table("issuances", schema=None) as batch_op:
        batch_op.create_index("ix_issuances_issuer_id_id", ["issuer_id", "id"], unique=False)
        batch_op.create_index(
            "ix_issuances_issuer_id_recipient_email",
            ["issuer_id", "recipient_email"],
            unique=False,
            postgresql_ops={"recipient_email": "text_pattern_ops"},
        )
        batch_op.create_index("ix_issuances_issuer_id_state", ["issuer_id", "state"], unique=False)


def downgrade() -> None:
    """Drop them."""
    with op.batch_alter_table("issuances", schema=None) as batch_op:
        batch_op.drop_index("ix_issuances_issuer_id_state")
        batch_op.drop_index(
            "ix_issuances_issuer_id_recipient_email",
            postgresql_ops={"recipient_email": "text_pattern_ops"},
        )
        batch_op.drop_index("ix_issuances_issuer_id_id")
