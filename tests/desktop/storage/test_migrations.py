"""The migrations produce exactly the models' schema, on every backend."""

from __future__ import annotations

from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import JSON, select

from desktop.storage import migrate
from desktop.storage.database import Database
from desktop.storage.models import Base, ProcedureTemplate, Role


def _compare_type(
    context: Any, inspected: Any, metadata: Any, inspected_type: Any, metadata_type: Any
) -> bool | None:
    # MariaDB keeps JSON as LONGTEXT with a JSON_VALID check: that is the JSON type there.
    if isinstance(metadata_type, JSON) and context.dialect.name in ("mysql", "mariadb"):
        return inspected_type.__class__.__name__.upper() not in ("LONGTEXT", "JSON")
    return None


def test_migrated_schema_matches_models(db: Database) -> None:
    with db.engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": _compare_type, "target_metadata": Base.metadata}
        )
        differences = compare_metadata(context, Base.metadata)
    # Tables that only migrations create (search indexes on some backends) are not models.
    differences = [
        d
        for d in differences
        if not (d[0] == "remove_table" and d[1].name.startswith("asset_search"))
        # Likewise migration 0003's search and sort indexes (desktop/services/search.py).
        and not (d[0] == "remove_index" and d[1].name.startswith(("asset_search_", "asset_sort_")))
    ]
    assert differences == []


def test_schema_is_at_head_with_roles_and_templates(db: Database) -> None:
    assert db.schema_state().current == migrate.head_revision()
    with db.read() as session:
        roles = set(session.execute(select(Role.name)).scalars())
        kinds = set(session.execute(select(ProcedureTemplate.kind)).scalars())
    assert roles == {"technician", "approver", "auditor", "administrator"}
    assert {"receive", "install", "change", "decommission", "dispose"} <= kinds
