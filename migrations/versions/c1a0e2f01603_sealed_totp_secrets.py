"""Two-step sign-in seeds sealed at rest: staff_user.totp_secret grows to hold the sealed value
(AES-GCM under a key derived from SECRET_KEY, see screening/services/sealed_secrets.py), and
every seed stored before is sealed with this app's SECRET_KEY.

Revision ID: c1a0e2f01603
Revises: c1a0e2f01602
Create Date: 2026-11-30 13:00:00
"""

import sqlalchemy as sa
from alembic import op
from flask import current_app

from screening.services import sealed_secrets

revision = "c1a0e2f01603"
down_revision = "c1a0e2f01602"
branch_labels = None
depends_on = None

# two_factor.SEALED_PURPOSE as this revision was written (a migration does not follow later code).
SEALED_PURPOSE = "totp"

_staff_user = sa.table("staff_user", sa.column("id", sa.Integer()), sa.column("totp_secret"))


def _rewrite_seeds(change) -> None:
    """Apply `change(stored, row_name)` to every stored seed (None leaves it as it is)."""
    connection = op.get_bind()
    rows = connection.execute(
        sa.select(_staff_user.c.id, _staff_user.c.totp_secret).where(
            _staff_user.c.totp_secret.is_not(None)
        )
    ).all()
    for user_id, stored in rows:
        new = change(stored, f"staff_user:{user_id}")
        if new is not None:
            connection.execute(
                _staff_user.update().where(_staff_user.c.id == user_id).values(totp_secret=new)
            )


def upgrade():
    with op.batch_alter_table("staff_user") as batch:
        batch.alter_column(
            "totp_secret", existing_type=sa.String(length=64), type_=sa.String(length=128)
        )
    key = current_app.secret_key

    def seal(stored, row_name):
        if sealed_secrets.is_sealed(stored):
            return None
        return sealed_secrets.seal(
            stored, secret_key=key, purpose=SEALED_PURPOSE, bound_to=row_name
        )

    _rewrite_seeds(seal)


def downgrade():
    key = current_app.secret_key

    def unseal(stored, row_name):
        if not sealed_secrets.is_sealed(stored):
            return None
        plain = sealed_secrets.unseal(
            stored, secret_key=key, purpose=SEALED_PURPOSE, bound_to=row_name
        )
        if plain is None:
            raise RuntimeError(
                f"The two-step sign-in seed of {row_name} does not open with this SECRET_KEY: "
                "turn it off (screening disable-two-factor) before downgrading."
            )
        return plain

    _rewrite_seeds(unseal)
    with op.batch_alter_table("staff_user") as batch:
        batch.alter_column(
            "totp_secret", existing_type=sa.String(length=128), type_=sa.String(length=64)
        )
