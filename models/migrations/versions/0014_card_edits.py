"""card edits: a person's "what I can help with", and the audit log found by its target (the
last change of a card, which its card can undo)

Revision ID: 0014_card_edits
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0014_card_edits'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('people', schema=None) as batch_op:
        batch_op.add_column(sa.Column('helps_with', sa.Text(), nullable=True))
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.create_index('ix_audit_log_target', ['target', 'id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_log_target')
    with op.batch_alter_table('people', schema=None) as batch_op:
        batch_op.drop_column('helps_with')
