"""The administration log is append-only on every backend, for the owner too (0014)."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from desktop.storage.database import Database

pytestmark = pytest.mark.backends


def test_admin_log_rows_are_never_updated_or_deleted(db: Database) -> None:
    ident = uuid.uuid4()
    value = ident if db.backend == "postgresql" else ident.hex
    with db.engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO admin_log (id, at, actor_login, action, target_login, detail) "
                "VALUES (:id, :at, 'owner', 'add', 'tom', 'roles: technician')"
            ),
            {"id": value, "at": "2026-12-05 05:00:00"},
        )
    for statement in (
        "UPDATE admin_log SET detail = 'roles: administrator'",
        "DELETE FROM admin_log",
    ):
        with (
            pytest.raises(DBAPIError, match="admin_log rows are history"),
            db.engine.begin() as connection,
        ):
            connection.execute(text(statement))
    with db.engine.connect() as connection:
        assert connection.execute(text("SELECT detail FROM admin_log")).scalars().all() == [
            "roles: technician"
        ]
