"""chat approval: a group or channel is an audience only once the secretariat approves it

Chats recorded before this revision were taken as audiences as they came. Those where the bot is an
admin become pending, so none stays an audience unapproved: the audience picker names them and
offers their Approve / Ignore cards.

Revision ID: 0010_chat_approval
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0010_chat_approval'
down_revision = '0002'
branch_labels = None
# bot_chats is made by the announcements branch.
depends_on = '0005'

ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def upgrade() -> None:
    with op.batch_alter_table('bot_chats', schema=None) as batch_op:
        batch_op.add_column(sa.Column('can_post', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('approval', sa.String(length=20), nullable=False, server_default='new'))
        batch_op.add_column(sa.Column('round', ID, nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('added_by', ID, nullable=True))
        batch_op.add_column(sa.Column('decided_by', ID, nullable=True))
    # Which admin rights the bot had in a channel was not kept: the secretariat decides on each anyway.
    op.execute("UPDATE bot_chats SET can_post = (status IN ('administrator', 'creator')), round = 1, "
               "approval = CASE WHEN status IN ('administrator', 'creator') THEN 'pending' ELSE 'new' END")


def downgrade() -> None:
    with op.batch_alter_table('bot_chats', schema=None) as batch_op:
        for column in ('decided_by', 'added_by', 'round', 'approval', 'can_post'):
            batch_op.drop_column(column)
