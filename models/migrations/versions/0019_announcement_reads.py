"""announcements that must be read: the flag, each recipient's confirmation, the one reminder

Revision ID: 0019_announcement_reads
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import models.base

revision = '0019_announcement_reads'
down_revision = '0002'
branch_labels = None
# announcements is made by the announcements branch.
depends_on = '0005'

ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')
WHEN = models.base.UTCDateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table('announcements', schema=None) as batch_op:
        batch_op.add_column(sa.Column('ack', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column('report_behind', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column('ack_reminded_at', WHEN, nullable=True))
    op.create_table('announcement_reads',
    sa.Column('announcement_id', ID, nullable=False),
    sa.Column('telegram_id', ID, autoincrement=False, nullable=False),
    sa.Column('read_at', WHEN, nullable=False),
    sa.ForeignKeyConstraint(['announcement_id'], ['announcements.id'],
                            name=op.f('fk_announcement_reads_announcement_id_announcements'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('announcement_id', 'telegram_id', name=op.f('pk_announcement_reads'))
    )


def downgrade() -> None:
    op.drop_table('announcement_reads')
    with op.batch_alter_table('announcements', schema=None) as batch_op:
        for column in ('ack_reminded_at', 'report_behind', 'ack'):
            batch_op.drop_column(column)
