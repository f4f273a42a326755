"""The demo's reference data, inserted in bulk, are the rows the reference services write."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from desktop.demo import catalog
from desktop.demo.world import build_world
from desktop.services import reference
from desktop.storage.database import Database, open_database

#: Every column but the id and the times (new on every run).
_TABLES = {
    "groups": "name, version",
    "categories": "name, tag_prefix, audit_interval_days, custom_fields, version",
    "tag_sequences": "prefix, next_value",
    "suppliers": "name, contact, version",
}


def _rows(db: Database) -> dict[str, list[tuple[Any, ...]]]:
    with db.read() as session:
        connection = session.connection()
        return {
            table: [
                tuple(row)
                for row in connection.exec_driver_sql(f"SELECT {columns} FROM {table} ORDER BY 1")
            ]
            for table, columns in _TABLES.items()
        }


def test_groups_categories_and_suppliers_are_the_rows_the_services_write(
    sqlite_db: Database, tmp_path: Path
) -> None:
    with sqlite_db.write() as session:
        build_world(session, assets=10)
    services = open_database(f"sqlite:///{tmp_path / 'services.sqlite3'}")
    try:
        with services.write() as session:
            for name in catalog.GROUPS:
                reference.create_group(session, name=name)
            for spec in catalog.CATEGORIES:
                reference.create_category(
                    session,
                    name=spec.name,
                    tag_prefix=spec.prefix,
                    audit_interval_days=spec.audit_interval_days,
                    custom_fields=[dict(d) for d in spec.custom_fields],
                )
            for name, contact in catalog.SUPPLIERS:
                reference.create_supplier(session, name=name, contact=contact)
        made, expected = _rows(sqlite_db), _rows(services)
    finally:
        services.dispose()
    assert all(expected.values())
    assert made == expected
