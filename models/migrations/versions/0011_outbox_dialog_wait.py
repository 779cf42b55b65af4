"""outbox rows marked urgent, and private chats in the middle of a dialog: other rows wait for them

Revision ID: 0011_outbox_dialog_wait
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import models.base

revision = '0011_outbox_dialog_wait'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('dialog_marks',
    sa.Column('chat_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=False, nullable=False),
    sa.Column('updated_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('chat_id', name=op.f('pk_dialog_marks'))
    )
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.add_column(sa.Column('urgent', sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade() -> None:
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.drop_column('urgent')
    op.drop_table('dialog_marks')
