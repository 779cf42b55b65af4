"""help requests from reports: forwards to organisations and people, and their answers

Revision ID: 0021_help_requests
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import models.base

revision = '0021_help_requests'
down_revision = '0002'
branch_labels = None
depends_on = '0003'  # the reports table it refers to

ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')
WHEN = models.base.UTCDateTime(timezone=True)


def upgrade() -> None:
    op.create_table('help_requests',
    sa.Column('id', ID, nullable=False),
    sa.Column('report_id', ID, nullable=False),
    sa.Column('project_id', ID, nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('candidates', sa.JSON(), nullable=False),
    sa.Column('opened_at', WHEN, nullable=False),
    sa.Column('resolved_at', WHEN, nullable=True),
    sa.Column('resolved_by', ID, nullable=True),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_help_requests_project_id_projects'),
                            ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['report_id'], ['reports.id'], name=op.f('fk_help_requests_report_id_reports'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_help_requests')),
    sa.UniqueConstraint('report_id', name=op.f('uq_help_requests_report_id'))
    )
    op.create_index(op.f('ix_help_requests_project_id'), 'help_requests', ['project_id'], unique=False)
    op.create_table('help_forwards',
    sa.Column('id', ID, nullable=False),
    sa.Column('request_id', ID, nullable=False),
    sa.Column('kind', sa.String(length=1), nullable=False),
    sa.Column('target_id', ID, nullable=False),
    sa.Column('forwarded_by', ID, nullable=False),
    sa.Column('forwarded_at', WHEN, nullable=False),
    sa.ForeignKeyConstraint(['request_id'], ['help_requests.id'],
                            name=op.f('fk_help_forwards_request_id_help_requests'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_help_forwards')),
    sa.UniqueConstraint('request_id', 'kind', 'target_id', name=op.f('uq_help_forwards_request_id'))
    )
    op.create_table('help_recipients',
    sa.Column('request_id', ID, nullable=False),
    sa.Column('telegram_id', ID, nullable=False),
    sa.Column('person_id', ID, nullable=True),
    sa.Column('forward_id', ID, nullable=False),
    sa.Column('answer', sa.String(length=8), nullable=True),
    sa.Column('answered_at', WHEN, nullable=True),
    sa.ForeignKeyConstraint(['forward_id'], ['help_forwards.id'],
                            name=op.f('fk_help_recipients_forward_id_help_forwards'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_help_recipients_person_id_people'),
                            ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['request_id'], ['help_requests.id'],
                            name=op.f('fk_help_recipients_request_id_help_requests'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('request_id', 'telegram_id', name=op.f('pk_help_recipients'))
    )


def downgrade() -> None:
    op.drop_table('help_recipients')
    op.drop_table('help_forwards')
    op.drop_index(op.f('ix_help_requests_project_id'), table_name='help_requests')
    op.drop_table('help_requests')
