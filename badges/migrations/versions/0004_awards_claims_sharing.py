"""Images, sharing, suspension, the status audit log, bulk awards and event claim windows.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add the tables and columns; existing rows get False for the new flags."""
    op.create_table(
        "bulk_awards",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("issuer_id", sa.Integer(), nullable=False),
        sa.Column("achievement_id", sa.Integer(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("confirmed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["achievement_id"],
            ["achievements.id"],
            name=op.f("fk_bulk_awards_achievement_id_achievements"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_bulk_awards_created_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["issuer_id"],
            ["issuers.id"],
            name=op.f("fk_bulk_awards_issuer_id_issuers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bulk_awards")),
    )
    op.create_table(
        "claim_windows",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("issuer_id", sa.Integer(), nullable=False),
        sa.Column("achievement_id", sa.Integer(), nullable=False),
        sa.Column("token", sa.String(length=64), nullable=False),
        sa.Column("event_name", sa.String(length=200), nullable=False),
        sa.Column("opens_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closes_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("auto_approve", sa.Boolean(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["achievement_id"],
            ["achievements.id"],
            name=op.f("fk_claim_windows_achievement_id_achievements"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_claim_windows_created_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["issuer_id"],
            ["issuers.id"],
            name=op.f("fk_claim_windows_issuer_id_issuers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_claim_windows")),
        sa.UniqueConstraint("token", name=op.f("uq_claim_windows_token")),
    )
    op.create_table(
        "bulk_award_rows",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("bulk_award_id", sa.Integer(), nullable=False),
        sa.Column("row_number", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("issuance_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["bulk_award_id"],
            ["bulk_awards.id"],
            name=op.f("fk_bulk_award_rows_bulk_award_id_bulk_awards"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["issuance_id"],
            ["issuances.id"],
            name=op.f("fk_bulk_award_rows_issuance_id_issuances"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bulk_award_rows")),
        sa.UniqueConstraint(
            "bulk_award_id", "row_number", name="uq_bulk_award_rows_bulk_award_id_row_number"
        ),
    )
    with op.batch_alter_table("bulk_award_rows", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_bulk_award_rows_issuance_id"), ["issuance_id"], unique=False
        )

    op.create_table(
        "claims",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("window_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("confirmation_token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("confirmed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("approved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("rejected_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("issuance_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["issuance_id"],
            ["issuances.id"],
            name=op.f("fk_claims_issuance_id_issuances"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["window_id"],
            ["claim_windows.id"],
            name=op.f("fk_claims_window_id_claim_windows"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_claims")),
        sa.UniqueConstraint(
            "confirmation_token_hash", name=op.f("uq_claims_confirmation_token_hash")
        ),
        sa.UniqueConstraint("window_id", "email", name="uq_claims_window_id_email"),
    )
    op.create_table(
        "credential_status_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("credential_id", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_id"],
            ["users.id"],
            name=op.f("fk_credential_status_events_actor_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["credential_id"],
            ["credentials.id"],
            name=op.f("fk_credential_status_events_credential_id_credentials"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_credential_status_events")),
    )
    with op.batch_alter_table("credential_status_events", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_credential_status_events_credential_id"), ["credential_id"], unique=False
        )

    with op.batch_alter_table("achievements", schema=None) as batch_op:
        batch_op.add_column(sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("image_data", sa.LargeBinary(), nullable=True))
        batch_op.add_column(sa.Column("image_media_type", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("alignments_json", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("language", sa.String(length=16), nullable=True))
        batch_op.add_column(
            sa.Column("allow_suspension", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.add_column(sa.Column("archived_at", sa.DateTime(timezone=True), nullable=True))

    with op.batch_alter_table("credentials", schema=None) as batch_op:
        batch_op.add_column(sa.Column("suspension_list_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("suspension_index", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("shared", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.add_column(
            sa.Column("show_name", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_credentials_suspension_list_id_status_lists"),
            "status_lists",
            ["suspension_list_id"],
            ["id"],
        )

    with op.batch_alter_table("issuances", schema=None) as batch_op:
        batch_op.add_column(sa.Column("recipient_user_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("requested_by_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("claim_token_hash", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("bulk_award_id", sa.Integer(), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_issuances_bulk_award_id"), ["bulk_award_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_issuances_recipient_user_id"), ["recipient_user_id"], unique=False
        )
        batch_op.create_unique_constraint(
            batch_op.f("uq_issuances_claim_token_hash"), ["claim_token_hash"]
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_issuances_requested_by_id_users"),
            "users",
            ["requested_by_id"],
            ["id"],
            ondelete="SET NULL",
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_issuances_bulk_award_id_bulk_awards"),
            "bulk_awards",
            ["bulk_award_id"],
            ["id"],
            ondelete="SET NULL",
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_issuances_recipient_user_id_users"),
            "users",
            ["recipient_user_id"],
            ["id"],
            ondelete="SET NULL",
        )

    with op.batch_alter_table("issuers", schema=None) as batch_op:
        batch_op.add_column(sa.Column("logo_data", sa.LargeBinary(), nullable=True))
        batch_op.add_column(sa.Column("logo_media_type", sa.String(length=32), nullable=True))


def downgrade() -> None:
    """Remove them again, dependants first."""
    with op.batch_alter_table("issuers", schema=None) as batch_op:
        batch_op.drop_column("logo_media_type")
        batch_op.drop_column("logo_data")

    with op.batch_alter_table("issuances", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_issuances_recipient_user_id_users"), type_="foreignkey"
        )
        batch_op.drop_constraint(
            batch_op.f("fk_issuances_bulk_award_id_bulk_awards"), type_="foreignkey"
        )
        batch_op.drop_constraint(
            batch_op.f("fk_issuances_requested_by_id_users"), type_="foreignkey"
        )
        batch_op.drop_constraint(batch_op.f("uq_issuances_claim_token_hash"), type_="unique")
        batch_op.drop_index(batch_op.f("ix_issuances_recipient_user_id"))
        batch_op.drop_index(batch_op.f("ix_issuances_bulk_award_id"))
        batch_op.drop_column("bulk_award_id")
        batch_op.drop_column("claim_token_hash")
        batch_op.drop_column("requested_by_id")
        batch_op.drop_column("recipient_user_id")

    with op.batch_alter_table("credentials", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_credentials_suspension_list_id_status_lists"), type_="foreignkey"
        )
        batch_op.drop_column("show_name")
        batch_op.drop_column("shared")
        batch_op.drop_column("suspension_index")
        batch_op.drop_column("suspension_list_id")

    with op.batch_alter_table("achievements", schema=None) as batch_op:
        batch_op.drop_column("archived_at")
        batch_op.drop_column("allow_suspension")
        batch_op.drop_column("language")
        batch_op.drop_column("alignments_json")
        batch_op.drop_column("image_media_type")
        batch_op.drop_column("image_data")
        batch_op.drop_column("updated_at")

    with op.batch_alter_table("credential_status_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_credential_status_events_credential_id"))

    op.drop_table("credential_status_events")
    op.drop_table("claims")
    with op.batch_alter_table("bulk_award_rows", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_bulk_award_rows_issuance_id"))

    op.drop_table("bulk_award_rows")
    op.drop_table("claim_windows")
    op.drop_table("bulk_awards")
