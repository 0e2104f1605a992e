"""Alembic's environment: quotebot runs migrations itself, on the connection `open_database` hands over."""

from __future__ import annotations

from alembic import context

from knowledge.tables import Base

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
