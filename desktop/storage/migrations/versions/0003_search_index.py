"""search index for the register's search box, indexes for sorting

SQLite: an FTS5 trigram table kept in step by triggers; PostgreSQL: pg_trgm GIN
indexes; MariaDB: none (LIKE).

Frozen: the DDL below is what desktop/services/search.py installed when this revision
was written (commit c966302), copied here so that later changes to the search index never
change what this revision does on a new database.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24
"""

from collections.abc import Sequence

from alembic import op
from sqlalchemy import Connection

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: The sort indexes: (name, column); each on (column, tag_key).
SORT_INDEXES = (
    ("asset_sort_status", "status"),
    ("asset_sort_name", "name"),
    ("asset_sort_purchase_date", "purchase_date"),
    ("asset_sort_purchase_cost", "purchase_cost"),
    ("asset_sort_order_number", "order_number"),
    ("asset_sort_warranty_end", "warranty_end"),
    ("asset_sort_last_audited_at", "last_audited_at"),
    ("asset_sort_updated_at", "updated_at"),
    ("asset_sort_category", "category_id"),
    ("asset_sort_model", "model_id"),
    ("asset_sort_location", "location_id"),
    ("asset_sort_assigned_to", "assigned_to_id"),
    ("asset_sort_owning_group", "owning_group_id"),
    ("asset_sort_supplier", "supplier_id"),
)

#: PostgreSQL: (index name, table, column) served by pg_trgm GIN indexes.
PG_TRGM_INDEXES = (
    ("asset_search_tag_trgm", "assets", "tag"),
    ("asset_search_serial_trgm", "assets", "serial_number"),
    ("asset_search_name_trgm", "assets", "name"),
    ("asset_search_model_trgm", "asset_models", "name"),
    ("asset_search_manufacturer_trgm", "manufacturers", "name"),
    ("asset_search_person_trgm", "people", "name"),
    ("asset_search_location_trgm", "locations", "name"),
)

SQLITE_TABLE = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS asset_search USING fts5("
    "tag, serial_number, name, model, assignee, location, tokenize='trigram')"
)

SQLITE_SOURCE = """
    CREATE VIEW IF NOT EXISTS asset_search_source AS SELECT
        a.rowid AS asset_rowid, a.tag, coalesce(a.serial_number, '') AS serial_number, a.name,
        coalesce((SELECT trim(coalesce(mf.name, '') || ' ' || m.name)
                  FROM asset_models m LEFT JOIN manufacturers mf ON mf.id = m.manufacturer_id
                  WHERE m.id = a.model_id), '') AS model,
        coalesce((SELECT p.name FROM people p WHERE p.id = a.assigned_to_id), '') AS assignee,
        coalesce((SELECT l.name FROM locations l WHERE l.id = a.location_id), '') AS location
    FROM assets a
"""

SQLITE_FILL = (
    "INSERT INTO asset_search(rowid, tag, serial_number, name, model, assignee, location) "
    "SELECT * FROM asset_search_source"
)

SQLITE_TRIGGERS = {
    "asset_search_ai": """
        CREATE TRIGGER asset_search_ai AFTER INSERT ON assets BEGIN
            INSERT INTO asset_search(rowid, tag, serial_number, name, model, assignee, location)
            SELECT * FROM asset_search_source WHERE asset_rowid = new.rowid;
        END""",
    "asset_search_au": """
        CREATE TRIGGER asset_search_au AFTER UPDATE OF
            tag, serial_number, name, model_id, assigned_to_id, location_id ON assets BEGIN
            DELETE FROM asset_search WHERE rowid = old.rowid;
            INSERT INTO asset_search(rowid, tag, serial_number, name, model, assignee, location)
            SELECT * FROM asset_search_source WHERE asset_rowid = new.rowid;
        END""",
    "asset_search_ad": """
        CREATE TRIGGER asset_search_ad AFTER DELETE ON assets BEGIN
            DELETE FROM asset_search WHERE rowid = old.rowid;
        END""",
    "asset_search_person": """
        CREATE TRIGGER asset_search_person AFTER UPDATE OF name ON people BEGIN
            UPDATE asset_search SET assignee = new.name
            WHERE rowid IN (SELECT rowid FROM assets WHERE assigned_to_id = new.id);
        END""",
    "asset_search_location": """
        CREATE TRIGGER asset_search_location AFTER UPDATE OF name ON locations BEGIN
            UPDATE asset_search SET location = new.name
            WHERE rowid IN (SELECT rowid FROM assets WHERE location_id = new.id);
        END""",
    "asset_search_model": """
        CREATE TRIGGER asset_search_model AFTER UPDATE OF name, manufacturer_id
            ON asset_models BEGIN
            UPDATE asset_search SET model = (
                SELECT model FROM asset_search_source WHERE asset_rowid = asset_search.rowid)
            WHERE rowid IN (SELECT rowid FROM assets WHERE model_id = new.id);
        END""",
    "asset_search_manufacturer": """
        CREATE TRIGGER asset_search_manufacturer AFTER UPDATE OF name ON manufacturers BEGIN
            UPDATE asset_search SET model = (
                SELECT model FROM asset_search_source WHERE asset_rowid = asset_search.rowid)
            WHERE rowid IN (SELECT a.rowid FROM assets a JOIN asset_models m
                            ON m.id = a.model_id WHERE m.manufacturer_id = new.id);
        END""",
}


def upgrade() -> None:
    connection = op.get_bind()
    _install_sort_indexes(connection)
    backend = connection.dialect.name
    if backend == "sqlite":
        connection.exec_driver_sql(SQLITE_TABLE)
        connection.exec_driver_sql(SQLITE_SOURCE)
        connection.exec_driver_sql("DELETE FROM asset_search")
        connection.exec_driver_sql(SQLITE_FILL)
        for ddl in SQLITE_TRIGGERS.values():
            connection.exec_driver_sql(ddl)
    elif backend == "postgresql":
        available = connection.exec_driver_sql(
            "SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm'"
        ).first()
        if available is None:
            return  # no pg_trgm on this server: search scans
        connection.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        for name, table, column in PG_TRGM_INDEXES:
            connection.exec_driver_sql(
                f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin ({column} gin_trgm_ops)"
            )
    # MariaDB: no substring index; search uses LIKE.


def downgrade() -> None:
    connection = op.get_bind()
    backend = connection.dialect.name
    if backend == "sqlite":
        for name in SQLITE_TRIGGERS:
            connection.exec_driver_sql(f"DROP TRIGGER IF EXISTS {name}")
        connection.exec_driver_sql("DROP TABLE IF EXISTS asset_search")
        connection.exec_driver_sql("DROP VIEW IF EXISTS asset_search_source")
    elif backend == "postgresql":
        for name, _table, _column in PG_TRGM_INDEXES:
            connection.exec_driver_sql(f"DROP INDEX IF EXISTS {name}")
    for name, _column in SORT_INDEXES:
        if backend in ("mysql", "mariadb"):
            connection.exec_driver_sql(f"DROP INDEX {name} ON assets")
        else:
            connection.exec_driver_sql(f"DROP INDEX {name}")


def _install_sort_indexes(connection: Connection) -> None:
    for name, column in SORT_INDEXES:
        connection.exec_driver_sql(f"CREATE INDEX {name} ON assets ({column}, tag_key)")
    if connection.dialect.name == "sqlite":
        statistics = connection.exec_driver_sql(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'sqlite_stat1'"
        ).first()
        if statistics is not None:
            # The planner trusts old statistics over none: give the new indexes theirs.
            connection.exec_driver_sql("PRAGMA analysis_limit = 1000")
            connection.exec_driver_sql("ANALYZE assets")
