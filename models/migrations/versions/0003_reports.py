"""reports, check-in cadences and pauses

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 19:20:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import models.base

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def upgrade() -> None:
    op.create_table('report_cadences',
    sa.Column('project_id', ID, nullable=False),
    sa.Column('frequency', sa.String(length=10), nullable=False),
    sa.Column('day', ID, nullable=False),
    sa.Column('hour', ID, nullable=False),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_report_cadences_project_id_projects'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('project_id', name=op.f('pk_report_cadences'))
    )
    op.create_table('report_pauses',
    sa.Column('person_id', ID, nullable=False),
    sa.Column('until', sa.Date(), nullable=False),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_report_pauses_person_id_people'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('person_id', name=op.f('pk_report_pauses'))
    )
    op.create_table('reports',
    sa.Column('id', ID, nullable=False),
    sa.Column('token', sa.String(length=40), nullable=False),
    sa.Column('project_id', ID, nullable=False),
    sa.Column('person_id', ID, nullable=True),
    sa.Column('submitted_by', ID, nullable=False),
    sa.Column('on_behalf', sa.Boolean(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('percent', ID, nullable=True),
    sa.Column('done', sa.Text(), nullable=False),
    sa.Column('next_steps', sa.Text(), nullable=True),
    sa.Column('help_needed', sa.Text(), nullable=True),
    sa.Column('attachments', sa.JSON(), nullable=False),
    sa.Column('created_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('local_day', sa.Date(), nullable=False),
    sa.Column('edited_at', models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('withdrawn_at', models.base.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_reports_person_id_people'),
                            ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_reports_project_id_projects'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reports')),
    sa.UniqueConstraint('token', name=op.f('uq_reports_token'))
    )
    op.create_index('ix_reports_project_created', 'reports', ['project_id', 'created_at'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_reports_project_created', table_name='reports')
    op.drop_table('reports')
    op.drop_table('report_pauses')
    op.drop_table('report_cadences')
