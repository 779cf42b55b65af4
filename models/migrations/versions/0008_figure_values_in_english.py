"""headline figures get an English value

Revision ID: 0008
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0008'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('cluster_figures', schema=None) as batch_op:
        batch_op.add_column(sa.Column('value_en', sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('cluster_figures', schema=None) as batch_op:
        batch_op.drop_column('value_en')
