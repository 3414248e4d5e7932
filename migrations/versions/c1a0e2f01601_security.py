"""Security review (issue 16): reissued links ask for the date of birth; staff passwords
changed at first sign-in; two-factor sign-in (TOTP) with recovery codes; an index for the
sign-in throttle's per-address count.

Revision ID: c1a0e2f01601
Revises: c1a0e2f01501
Create Date: 2026-11-29 21:00:00
"""

import sqlalchemy as sa
from alembic import op

from screening.models import UTCDateTime

revision = "c1a0e2f01601"
down_revision = "c1a0e2f01501"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("screening") as batch:
        batch.add_column(
            sa.Column("birth_date_required", sa.Boolean(), nullable=False, server_default="0")
        )
    with op.batch_alter_table("staff_user") as batch:
        batch.add_column(
            sa.Column("must_change_password", sa.Boolean(), nullable=False, server_default="0")
        )
        batch.add_column(sa.Column("password_changed_at", UTCDateTime(), nullable=True))
        batch.add_column(sa.Column("totp_secret", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("totp_enabled_at", UTCDateTime(), nullable=True))
        batch.add_column(sa.Column("totp_last_step", sa.Integer(), nullable=True))
    op.create_table(
        "recovery_code",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("used_at", UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["staff_user.id"],
            name=op.f("fk_recovery_code_user_id_staff_user"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recovery_code")),
    )
    with op.batch_alter_table("recovery_code") as batch:
        batch.create_index(batch.f("ix_recovery_code_user_id"), ["user_id"], unique=False)
    op.create_index("ix_audit_event_ip_at", "audit_event", ["ip", "at"], unique=False)


def downgrade():
    op.drop_index("ix_audit_event_ip_at", table_name="audit_event")
    with op.batch_alter_table("recovery_code") as batch:
        batch.drop_index(batch.f("ix_recovery_code_user_id"))
    op.drop_table("recovery_code")
    with op.batch_alter_table("staff_user") as batch:
        batch.drop_column("totp_last_step")
        batch.drop_column("totp_enabled_at")
        batch.drop_column("totp_secret")
        batch.drop_column("password_changed_at")
        batch.drop_column("must_change_password")
    with op.batch_alter_table("screening") as batch:
        batch.drop_column("birth_date_required")
