"""The patient's language: their own choice, remembered for the screening.

The clinic's choice (`invited_locale`) comes with the invitations' migration (c1a0e2f01301).

Revision ID: c1a0e2f01501
Revises: c1a0e2f01401
Create Date: 2026-11-29 21:20:00
"""

import sqlalchemy as sa
from alembic import op

revision = "c1a0e2f01501"
down_revision = "c1a0e2f01401"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("screening") as batch_op:
        batch_op.add_column(sa.Column("patient_locale", sa.String(length=10), nullable=True))


def downgrade():
    with op.batch_alter_table("screening") as batch_op:
        batch_op.drop_column("patient_locale")
