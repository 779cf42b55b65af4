"""phones stored in E.164, e-mail addresses in their normal form

Existing rows are normalised here, once, as an import now normalises the dataset: joining
compares E.164 numbers, so a database filled before must hold them too. A value that cannot be
read is kept as written (`clusterbot import --check` names such values of a dataset file).

Revision ID: 0015_contacts_e164
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from bot.services import contacts

revision = '0015_contacts_e164'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    people = sa.table('people', sa.column('id', sa.Integer), sa.column('phones', sa.JSON), sa.column('emails', sa.JSON))
    connection = op.get_bind()
    for row in connection.execute(sa.select(people.c.id, people.c.phones, people.c.emails)).all():
        # The application's own reading, as an import applies it to a dataset file.
        phones = contacts.normalise_phones(row.phones or []).values
        emails = contacts.normalise_emails(row.emails or []).values
        if (phones, emails) != (row.phones, row.emails):
            connection.execute(people.update().where(people.c.id == row.id).values(phones=phones, emails=emails))


def downgrade() -> None:
    # The E.164 forms stay: every reader of the older schema understands them.
    pass
