"""What raised a screening to its highest triage: the triage rules and red flags that held at
that level, kept when the patient later changes those answers (the clinician still has to
acknowledge the warning, and needs to see what it was). Screenings flagged before this keep
NULL: the panel says the answers were not kept then.

Revision ID: c1a0e2f01701
Revises: c1a0e2f01603
Create Date: 2026-12-01 20:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "c1a0e2f01701"
down_revision = "c1a0e2f01603"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("screening") as batch:
        batch.add_column(sa.Column("highest_triage_rules_json", sa.Text(), nullable=True))
        batch.add_column(sa.Column("highest_red_flags_json", sa.Text(), nullable=True))
    # A screening whose highest level is its level now: what holds now is what raised it.
    screening = sa.table(
        "screening",
        sa.column("triage_rank", sa.Integer()),
        sa.column("highest_triage_rank", sa.Integer()),
        sa.column("triage_rules_json", sa.Text()),
        sa.column("red_flags_json", sa.Text()),
        sa.column("highest_triage_rules_json", sa.Text()),
        sa.column("highest_red_flags_json", sa.Text()),
    )
    op.execute(
        screening.update()
        .where(screening.c.highest_triage_rank == screening.c.triage_rank)
        .values(
            highest_triage_rules_json=screening.c.triage_rules_json,
            highest_red_flags_json=screening.c.red_flags_json,
        )
    )


def downgrade():
    with op.batch_alter_table("screening") as batch:
        batch.drop_column("highest_red_flags_json")
        batch.drop_column("highest_triage_rules_json")
