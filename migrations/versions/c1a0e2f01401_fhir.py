"""FHIR API: system clients with hashed bearer tokens (api_client).

Revision ID: c1a0e2f01401
Revises: c1a0e2f01301
Create Date: 2026-11-29 21:00:00
"""

import sqlalchemy as sa
from alembic import op

import screening.models

revision = "c1a0e2f01401"
down_revision = "c1a0e2f01301"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "api_client",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", screening.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("last_used_at", screening.models.UTCDateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", screening.models.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_client")),
        sa.UniqueConstraint("name", name=op.f("uq_api_client_name")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_api_client_token_hash")),
    )


def downgrade():
    op.drop_table("api_client")
