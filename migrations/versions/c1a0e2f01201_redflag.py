"""Red-flag loop: the outbox (alerts, escalations, invitation and reminder emails), the
screening's provisional triage and highest level, the save log and the red-flag actions.

Revision ID: c1a0e2f01201
Revises: c1a0e2f01102
Create Date: 2026-11-29 21:00:00
"""

import sqlalchemy as sa
from alembic import op

import screening.models

revision = "c1a0e2f01201"
down_revision = "c1a0e2f01102"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "outbox_message",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("channel", sa.String(length=10), nullable=False),
        sa.Column("recipient", sa.String(length=320), nullable=False),
        sa.Column("payload_json", sa.Text(), nullable=False),
        sa.Column("dedupe_key", sa.String(length=255), nullable=False),
        sa.Column("priority", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("max_attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", screening.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("locked_by", sa.String(length=100), nullable=True),
        sa.Column("locked_until", screening.models.UTCDateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.String(length=500), nullable=True),
        sa.Column("created_at", screening.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("sent_at", screening.models.UTCDateTime(timezone=True), nullable=True),
        sa.Column("screening_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["screening_id"],
            ["screening.id"],
            name=op.f("fk_outbox_message_screening_id_screening"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox_message")),
        sa.UniqueConstraint("dedupe_key", name=op.f("uq_outbox_message_dedupe_key")),
    )
    with op.batch_alter_table("outbox_message", schema=None) as batch_op:
        batch_op.create_index("ix_outbox_message_due", ["status", "next_attempt_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_outbox_message_kind"), ["kind"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_outbox_message_screening_id"), ["screening_id"], unique=False
        )
    op.create_table('red_flag_action',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('screening_id', sa.Integer(), nullable=False),
    sa.Column('at', screening.models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('by_id', sa.Integer(), nullable=False),
    sa.Column('level', sa.String(length=20), nullable=False),
    sa.Column('outcome', sa.String(length=30), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['by_id'], ['staff_user.id'], name=op.f('fk_red_flag_action_by_id_staff_user')),
    sa.ForeignKeyConstraint(['screening_id'], ['screening.id'], name=op.f('fk_red_flag_action_screening_id_screening'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_red_flag_action'))
    )
    with op.batch_alter_table('red_flag_action', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_red_flag_action_at'), ['at'], unique=False)
        batch_op.create_index(batch_op.f('ix_red_flag_action_screening_id'), ['screening_id'], unique=False)

    op.create_table('screening_save',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('screening_id', sa.Integer(), nullable=False),
    sa.Column('section_id', sa.String(length=40), nullable=False),
    sa.Column('saved_at', screening.models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('triage', sa.String(length=20), nullable=True),
    sa.ForeignKeyConstraint(['screening_id'], ['screening.id'], name=op.f('fk_screening_save_screening_id_screening'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_screening_save'))
    )
    with op.batch_alter_table('screening_save', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_screening_save_screening_id'), ['screening_id'], unique=False)

    with op.batch_alter_table('screening', schema=None) as batch_op:
        batch_op.add_column(sa.Column('triage_rules_json', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('red_flags_json', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('triage_assessed_at', screening.models.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('highest_triage', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('highest_triage_rank', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('highest_triage_at', screening.models.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('warning_saved_at', screening.models.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('escalated_at', screening.models.UTCDateTime(timezone=True), nullable=True))
        batch_op.create_index('ix_screening_flagged', ['highest_triage_rank', 'status'], unique=False)
        batch_op.create_index(batch_op.f('ix_screening_warning_saved_at'), ['warning_saved_at'], unique=False)

    # Screenings submitted before this revision: their triage is their highest level. They are
    # marked escalated already, so the first worker cycle does not page anyone about history.
    op.execute(
        "UPDATE screening SET highest_triage = triage, highest_triage_rank = triage_rank, "
        "highest_triage_at = submitted_at, escalated_at = submitted_at "
        "WHERE triage IS NOT NULL AND highest_triage IS NULL"
    )


def downgrade():
    with op.batch_alter_table('screening', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_screening_warning_saved_at'))
        batch_op.drop_index('ix_screening_flagged')
        batch_op.drop_column('escalated_at')
        batch_op.drop_column('warning_saved_at')
        batch_op.drop_column('highest_triage_at')
        batch_op.drop_column('highest_triage_rank')
        batch_op.drop_column('highest_triage')
        batch_op.drop_column('triage_assessed_at')
        batch_op.drop_column('red_flags_json')
        batch_op.drop_column('triage_rules_json')

    with op.batch_alter_table('screening_save', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_screening_save_screening_id'))

    op.drop_table('screening_save')
    with op.batch_alter_table('red_flag_action', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_red_flag_action_screening_id'))
        batch_op.drop_index(batch_op.f('ix_red_flag_action_at'))

    op.drop_table('red_flag_action')
    with op.batch_alter_table("outbox_message", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_outbox_message_screening_id"))
        batch_op.drop_index(batch_op.f("ix_outbox_message_kind"))
        batch_op.drop_index("ix_outbox_message_due")
    op.drop_table("outbox_message")
