"""Issuers (one per organisation) and their Ed25519 signing keys, encrypted at rest.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Create the issuer and signing key tables."""
    op.create_table(
        "issuers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("url", sa.String(length=2000), nullable=True),
        sa.Column("email", sa.String(length=320), nullable=True),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("image_url", sa.String(length=2000), nullable=True),
        sa.Column("street_address", sa.String(length=300), nullable=True),
        sa.Column("postal_code", sa.String(length=32), nullable=True),
        sa.Column("address_locality", sa.String(length=200), nullable=True),
        sa.Column("address_region", sa.String(length=200), nullable=True),
        sa.Column("address_country_code", sa.String(length=2), nullable=True),
        sa.Column("did", sa.String(length=500), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_issuers_organisation_id_organisations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_issuers")),
        sa.UniqueConstraint("did", name=op.f("uq_issuers_did")),
        sa.UniqueConstraint("organisation_id", name=op.f("uq_issuers_organisation_id")),
        sa.UniqueConstraint("slug", name=op.f("uq_issuers_slug")),
    )
    op.create_table(
        "signing_keys",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("issuer_id", sa.Integer(), nullable=False),
        sa.Column("fragment", sa.String(length=100), nullable=False),
        sa.Column("verification_method", sa.String(length=700), nullable=False),
        sa.Column("public_key_multibase", sa.String(length=64), nullable=False),
        sa.Column("encrypted_private_key", sa.LargeBinary(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("retired_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("removed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["issuer_id"],
            ["issuers.id"],
            name=op.f("fk_signing_keys_issuer_id_issuers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_signing_keys")),
        sa.UniqueConstraint(
            "issuer_id", "fragment", name=op.f("uq_signing_keys_issuer_id_fragment")
        ),
        sa.UniqueConstraint(
            "verification_method", name=op.f("uq_signing_keys_verification_method")
        ),
    )
    op.create_index(
        "ix_signing_keys_issuer_state",
        "signing_keys",
        ["issuer_id", "removed_at", "retired_at"],
        unique=False,
    )


def downgrade() -> None:
    """Drop them again, dependants first."""
    op.drop_index("ix_signing_keys_issuer_state", table_name="signing_keys")
    op.drop_table("signing_keys")
    op.drop_table("issuers")
