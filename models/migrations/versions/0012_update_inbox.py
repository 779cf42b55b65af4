"""inbox: updates stored before they are confirmed to Telegram, claimed and handled once

Revision ID: 0012_update_inbox
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import models.base

revision = '0012_update_inbox'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('inbox',
    sa.Column('update_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=False, nullable=False),
    sa.Column('chat_key', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('payload', sa.JSON(), nullable=False),
    sa.Column('received_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('claimed_by', sa.String(length=64), nullable=True),
    sa.Column('claimed_until', models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('done_at', models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('outcome', sa.String(length=10), nullable=True),
    sa.PrimaryKeyConstraint('update_id', name=op.f('pk_inbox'))
    )
    with op.batch_alter_table('inbox', schema=None) as batch_op:
        batch_op.create_index('ix_inbox_queue', ['update_id'], unique=False,
                              postgresql_where=sa.text('done_at IS NULL'), sqlite_where=sa.text('done_at IS NULL'))
        batch_op.create_index('ix_inbox_pending', ['chat_key', 'update_id'], unique=False,
                              postgresql_where=sa.text('done_at IS NULL OR claimed_until IS NOT NULL'),
                              sqlite_where=sa.text('done_at IS NULL OR claimed_until IS NOT NULL'))
        batch_op.create_index('ix_inbox_done_at', ['done_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('inbox', schema=None) as batch_op:
        batch_op.drop_index('ix_inbox_done_at')
        batch_op.drop_index('ix_inbox_pending')
        batch_op.drop_index('ix_inbox_queue')
    op.drop_table('inbox')
