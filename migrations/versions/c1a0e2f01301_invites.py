"""Invitations that reach patients (issue 13): contact details, language, link seed, reminders.

All columns are nullable: existing invitations simply have no contact details, no language
(the default locale) and no seed (their link cannot be shown again, only reissued).

Revision ID: c1a0e2f01301
Revises: c1a0e2f01201
Create Date: 2026-11-29 21:00:00
"""

import sqlalchemy as sa
from alembic import op

from screening.models import UTCDateTime

revision = "c1a0e2f01301"
down_revision = "c1a0e2f01201"
branch_labels = None
depends_on = None

COLUMNS = (
    ("invited_phone", lambda: sa.String(length=20)),
    ("invited_email", lambda: sa.String(length=254)),
    ("invited_locale", lambda: sa.String(length=10)),
    ("link_seed", lambda: sa.String(length=64)),
    ("reminders_stopped_at", lambda: UTCDateTime()),
    ("last_emailed_at", lambda: UTCDateTime()),
)


def upgrade():
    with op.batch_alter_table("screening") as batch:
        for name, column_type in COLUMNS:
            batch.add_column(sa.Column(name, column_type(), nullable=True))


def downgrade():
    with op.batch_alter_table("screening") as batch:
        for name, _column_type in reversed(COLUMNS):
            batch.drop_column(name)
