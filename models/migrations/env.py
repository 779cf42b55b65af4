"""Alembic environment: runs on the connection handed over by models.db.migrate()."""

from __future__ import annotations

from alembic import context

from models import Base

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations through `clusterbot migrate` or models.db.migrate()")

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=True,
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
