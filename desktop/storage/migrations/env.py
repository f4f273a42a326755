"""Alembic environment: runs on the connection the application hands over."""

from __future__ import annotations

from alembic import context

from desktop.storage.models import Base

config = context.config
connection = config.attributes.get("connection")
if connection is None:  # pragma: no cover - only the Assetdesk API runs migrations
    raise RuntimeError("run migrations through desktop.storage.migrate, not the alembic command")

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
