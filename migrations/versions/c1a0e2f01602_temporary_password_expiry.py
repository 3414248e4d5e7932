"""Temporary staff passwords expire: staff_user.password_changed_at now also records when an
admin issued a temporary password. Accounts still holding one from before get the time of
this upgrade, so they have a full TEMPORARY_PASSWORD_DAYS from now (no schema change).

Revision ID: c1a0e2f01602
Revises: c1a0e2f01601
Create Date: 2026-11-30 12:00:00
"""

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

from screening.models import UTCDateTime

revision = "c1a0e2f01602"
down_revision = "c1a0e2f01601"
branch_labels = None
depends_on = None

_staff_user = sa.table(
    "staff_user",
    sa.column("must_change_password", sa.Boolean()),
    sa.column("password_changed_at", UTCDateTime()),
)


def upgrade():
    now = datetime.now(UTC)
    op.execute(
        _staff_user.update()
        .where(
            _staff_user.c.must_change_password.is_(sa.true()),
            _staff_user.c.password_changed_at.is_(None),
        )
        .values(password_changed_at=now)
    )


def downgrade():
    # Nothing to undo: the times stay correct for the earlier schema, which ignores them.
    pass
