"""contact visibility: each person decides who sees their phones and their e-mails

Existing people keep what they had: every member sees their contacts.

Revision ID: 0013_contact_visibility
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0013_contact_visibility'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('people', schema=None) as batch_op:
        batch_op.add_column(sa.Column('phones_visibility', sa.String(length=20), nullable=False, server_default='members'))
        batch_op.add_column(sa.Column('emails_visibility', sa.String(length=20), nullable=False, server_default='members'))


def downgrade() -> None:
    with op.batch_alter_table('people', schema=None) as batch_op:
        batch_op.drop_column('emails_visibility')
        batch_op.drop_column('phones_visibility')
