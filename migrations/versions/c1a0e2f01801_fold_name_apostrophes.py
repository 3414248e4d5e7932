"""Recompute the staff name-search key with apostrophes left out and hyphens as spaces.

A phone types O’Connor (a curly apostrophe), a keyboard O'Connor: the key kept both as typed,
so the "Already invited?" check and the queue's search took them for two names, and "oconnor"
found neither. The key now leaves every apostrophe out and reads a hyphen as a space
(services.screenings.name_search_key); this recomputes the stored keys the same way. The names
themselves are untouched (stored as typed). Downgrade recomputes the keys the old way.

The key is worked out here by a copy of the function as it was at this revision, so the
migration gives the same result whatever the application code later becomes.

Revision ID: c1a0e2f01801
Revises: c1a0e2f01701
Create Date: 2026-12-08 10:00:00
"""

import json
import unicodedata

import sqlalchemy as sa
from alembic import op

revision = "c1a0e2f01801"
down_revision = "c1a0e2f01701"
branch_labels = None
depends_on = None

APOSTROPHES = "'’‘ʼʹ`´′＇"
HYPHENS = "-‐‑‒–—―－"
FOLD = str.maketrans({**dict.fromkeys(APOSTROPHES, ""), **dict.fromkeys(HYPHENS, " ")})
BATCH = 1000

screening = sa.table(
    "screening",
    sa.column("id", sa.Integer()),
    sa.column("answers_json", sa.Text()),
    sa.column("patient_first_name", sa.String()),
    sa.column("patient_last_name", sa.String()),
    sa.column("patient_name_search", sa.String()),
    sa.column("invited_date_of_birth", sa.Date()),
)


def name_key(first, last, fold):
    """services.screenings.name_search_key as of this revision (`fold`) or the one before."""
    text = " ".join(part for part in (first, last) if part)
    if not text:
        return None
    if fold:
        text = text.translate(FOLD)
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()
    if fold:
        plain = plain.translate(FOLD)
    key = " ".join(plain.split())[:210]
    if fold and not key:
        return None  # a name of apostrophes only
    return key


def search_key(row, fold):
    """services.screenings.name_columns: an invitation's key holds the name the clinic
    entered and, when different, the name the patient typed; otherwise the typed name."""
    record = name_key(row.patient_first_name, row.patient_last_name, fold)
    if row.invited_date_of_birth is None:
        return record
    try:
        answers = json.loads(row.answers_json or "{}")
    except ValueError:
        answers = {}
    if not isinstance(answers, dict) or not ("first_name" in answers or "last_name" in answers):
        return record
    typed = name_key(answers.get("first_name"), answers.get("last_name"), fold)
    both = record if not typed or typed == record else f"{record or ''} {typed}".strip()
    return both[:210] if both else None


def recompute(fold):
    bind = op.get_bind()
    last_id = 0
    while True:
        rows = bind.execute(
            sa.select(
                screening.c.id,
                screening.c.answers_json,
                screening.c.patient_first_name,
                screening.c.patient_last_name,
                screening.c.patient_name_search,
                screening.c.invited_date_of_birth,
            )
            .where(screening.c.id > last_id)
            .order_by(screening.c.id)
            .limit(BATCH)
        ).fetchall()
        if not rows:
            return
        for row in rows:
            key = search_key(row, fold)
            if key != row.patient_name_search:
                bind.execute(
                    screening.update()
                    .where(screening.c.id == row.id)
                    .values(patient_name_search=key)
                )
        last_id = rows[-1].id


def upgrade():
    recompute(fold=True)


def downgrade():
    recompute(fold=False)
