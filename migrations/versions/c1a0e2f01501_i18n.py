"""The patient's language: their own choice, and the one the clinic set on the invitation.

`invited_locale` is also added by the invitations branch (the same column, same type); the
integrator keeps one of the two `add_column` calls when the branches are merged.

Revision ID: c1a0e2f01501
Revises: b7d41c2e9a10
Create Date: 2026-11-29 21:20:00
"""

import sqlalchemy as sa
from alembic import op

revision = "c1a0e2f01501"
down_revision = "b7d41c2e9a10"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("screening") as batch_op:
        batch_op.add_column(sa.Column("patient_locale", sa.String(length=10), nullable=True))
        batch_op.add_column(sa.Column("invited_locale", sa.String(length=10), nullable=True))


def downgrade():
    with op.batch_alter_table("screening") as batch_op:
        batch_op.drop_column("invited_locale")
        batch_op.drop_column("patient_locale")
