"""announcements, category mutes, group chats of the bot

Revision ID: 0005
Revises: 0002
Create Date: 2026-11-23 19:20:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import models.base

revision = '0005'
down_revision = '0002'
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')
WHEN = models.base.UTCDateTime(timezone=True)


def upgrade() -> None:
    op.create_table('announcements',
    sa.Column('id', ID, nullable=False),
    sa.Column('token', sa.String(length=32), nullable=False),
    sa.Column('author_id', ID, nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('photo', sa.Text(), nullable=True),
    sa.Column('document', sa.Text(), nullable=True),
    sa.Column('category', sa.String(length=20), nullable=False),
    sa.Column('audience', sa.JSON(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('total', ID, nullable=False),
    sa.Column('scheduled_at', WHEN, nullable=True),
    sa.Column('created_at', WHEN, nullable=False),
    sa.Column('started_at', WHEN, nullable=True),
    sa.Column('finished_at', WHEN, nullable=True),
    sa.Column('report_chat_id', ID, nullable=True),
    sa.Column('report_message_id', ID, nullable=True),
    sa.Column('reported_at', WHEN, nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_announcements')),
    sa.UniqueConstraint('token', name=op.f('uq_announcements_token'))
    )
    op.create_index(op.f('ix_announcements_status'), 'announcements', ['status'], unique=False)
    op.create_table('announcement_mutes',
    sa.Column('telegram_id', ID, nullable=False),
    sa.Column('category', sa.String(length=20), nullable=False),
    sa.PrimaryKeyConstraint('telegram_id', 'category', name=op.f('pk_announcement_mutes'))
    )
    op.create_table('bot_chats',
    sa.Column('chat_id', ID, nullable=False),
    sa.Column('title', sa.Text(), nullable=False),
    sa.Column('type', sa.String(length=20), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('updated_at', WHEN, nullable=False),
    sa.PrimaryKeyConstraint('chat_id', name=op.f('pk_bot_chats'))
    )


def downgrade() -> None:
    op.drop_table('bot_chats')
    op.drop_table('announcement_mutes')
    op.drop_index(op.f('ix_announcements_status'), table_name='announcements')
    op.drop_table('announcements')
