"""PostgreSQL only: a trigram index for the staff queue's name search.

The queue finds names by the start of any word (`LIKE 'lee%' OR LIKE '% lee%'`); a B-tree
cannot serve the second form, so PostgreSQL scanned the table (about 90 ms at 100,000
screenings). pg_trgm's GIN index serves both. SQLite needs nothing: its scan is quick at
clinic sizes. The index is left out of `db check` (see models.include_in_migrations).

Revision ID: b7d41c2e9a10
Revises: 6eef302a9949
Create Date: 2026-11-21 10:15:00
"""

from alembic import op

revision = "b7d41c2e9a10"
down_revision = "6eef302a9949"
branch_labels = None
depends_on = None

INDEX = "ix_screening_name_search_trgm"


def upgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    # pg_trgm is a trusted extension (PostgreSQL 13+): a database owner may create it.
    op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    op.execute(
        f"CREATE INDEX IF NOT EXISTS {INDEX} ON screening "
        "USING gin (patient_name_search gin_trgm_ops)"
    )


def downgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(f"DROP INDEX IF EXISTS {INDEX}")
