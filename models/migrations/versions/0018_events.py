"""events with RSVP: the events and their invitees' answers

Revision ID: 0018_events
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import models.base

revision = '0018_events'
down_revision = '0002'
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')
WHEN = models.base.UTCDateTime(timezone=True)


def upgrade() -> None:
    op.create_table('events',
    sa.Column('id', ID, nullable=False),
    sa.Column('token', sa.String(length=32), nullable=False),
    sa.Column('author_id', ID, nullable=False),
    sa.Column('title', sa.Text(), nullable=False),
    sa.Column('starts_at', WHEN, nullable=False),
    sa.Column('all_day', sa.Boolean(), nullable=False),
    sa.Column('place', sa.Text(), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('audience', sa.JSON(), nullable=False),
    sa.Column('rsvp_deadline', WHEN, nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('revision', ID, nullable=False),
    sa.Column('created_at', WHEN, nullable=False),
    sa.Column('report_chat_id', ID, nullable=True),
    sa.Column('report_message_id', ID, nullable=True),
    sa.Column('reported_at', WHEN, nullable=True),
    sa.Column('report_behind', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_events')),
    sa.UniqueConstraint('token', name=op.f('uq_events_token'))
    )
    op.create_index(op.f('ix_events_starts_at'), 'events', ['starts_at'], unique=False)
    op.create_index(op.f('ix_events_status'), 'events', ['status'], unique=False)
    op.create_table('event_invites',
    sa.Column('event_id', ID, nullable=False),
    sa.Column('telegram_id', ID, nullable=False),
    sa.Column('language', sa.String(length=8), nullable=False),
    sa.Column('answer', sa.String(length=8), nullable=True),
    sa.Column('answered_at', WHEN, nullable=True),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_event_invites_event_id_events'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('event_id', 'telegram_id', name=op.f('pk_event_invites'))
    )


def downgrade() -> None:
    op.drop_table('event_invites')
    op.drop_index(op.f('ix_events_status'), table_name='events')
    op.drop_index(op.f('ix_events_starts_at'), table_name='events')
    op.drop_table('events')
