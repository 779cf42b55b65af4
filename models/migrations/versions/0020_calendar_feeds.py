"""calendar feeds: each member's secret calendar URL, kept as the SHA-256 of its token

Revision ID: 0020_calendar_feeds
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import models.base

revision = '0020_calendar_feeds'
down_revision = '0002'
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def upgrade() -> None:
    op.create_table('calendar_feeds',
    sa.Column('telegram_id', ID, nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=True),
    sa.Column('all_events', sa.Boolean(), nullable=False),
    sa.Column('generation', ID, nullable=False),
    sa.Column('issued_at', models.base.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['telegram_id'], ['accounts.telegram_id'], name=op.f('fk_calendar_feeds_telegram_id_accounts'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('telegram_id', name=op.f('pk_calendar_feeds')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_calendar_feeds_token_hash'))
    )


def downgrade() -> None:
    op.drop_table('calendar_feeds')
