"""dialogs remember when they were last touched

Revision ID: 0006
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import models.base

revision = '0006'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('fsm_records', schema=None) as batch_op:
        batch_op.add_column(sa.Column('updated_at', models.base.UTCDateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('fsm_records', schema=None) as batch_op:
        batch_op.drop_column('updated_at')
