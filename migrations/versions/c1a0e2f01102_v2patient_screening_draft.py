"""v2patient: the patient's typed draft per step (screening.draft_json).

A step saved with an error keeps its valid answers and the text of the invalid ones, so a
reload or a later visit shows what was typed; the units height and weight were typed in are
kept the same way. Nullable text: existing rows need nothing.

Revision ID: c1a0e2f01102
Revises: b7d41c2e9a10
Create Date: 2026-11-29 21:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "c1a0e2f01102"
down_revision = "b7d41c2e9a10"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("screening") as batch_op:
        batch_op.add_column(sa.Column("draft_json", sa.Text(), nullable=True))


def downgrade():
    with op.batch_alter_table("screening") as batch_op:
        batch_op.drop_column("draft_json")
