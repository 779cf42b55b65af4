"""archive and merge: organisations, people and projects archived by the secretariat (out of
search and lists, kept for history), and a merged duplicate's pointer to the card it lives on as

Revision ID: 0016_archive_and_merge
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import models.base

revision = '0016_archive_and_merge'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    for table in ('organisations', 'people'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('archived_at', models.base.UTCDateTime(timezone=True), nullable=True))
            batch_op.add_column(sa.Column('merged_into_id', sa.Integer(), nullable=True))
            batch_op.create_foreign_key(
                batch_op.f(f'fk_{table}_merged_into_id_{table}'), table, ['merged_into_id'], ['id'], ondelete='SET NULL'
            )
    with op.batch_alter_table('projects', schema=None) as batch_op:
        batch_op.add_column(sa.Column('archived_at', models.base.UTCDateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('projects', schema=None) as batch_op:
        batch_op.drop_column('archived_at')
    for table in ('people', 'organisations'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(batch_op.f(f'fk_{table}_merged_into_id_{table}'), type_='foreignkey')
            batch_op.drop_column('merged_into_id')
            batch_op.drop_column('archived_at')
