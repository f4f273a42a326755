"""search index in tag order (SQLite)

The FTS5 index's rowid becomes each asset's *rank* in tag order (table
``asset_search_rank``), so that a search's first page in the register's default order is
the index's first hits instead of a sort of all of them. See desktop/services/search.py.
Other backends: nothing changes.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-03
"""

from collections.abc import Sequence

from alembic import op

from desktop.services.search import install_search_index, remove_search_index

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    connection = op.get_bind()
    if connection.dialect.name != "sqlite":
        return
    remove_search_index(connection)
    install_search_index(connection)


def downgrade() -> None:
    connection = op.get_bind()
    if connection.dialect.name != "sqlite":
        return
    remove_search_index(connection)
    for statement in _REVISION_0003:
        connection.exec_driver_sql(statement)


# The index as revision 0003 made it: keyed by the assets' rowids.
_REVISION_0003 = (
    "CREATE VIRTUAL TABLE asset_search USING fts5("
    "tag, serial_number, name, model, assignee, location, tokenize='trigram')",
    """CREATE VIEW asset_search_source AS SELECT
        a.rowid AS asset_rowid, a.tag, coalesce(a.serial_number, '') AS serial_number, a.name,
        coalesce((SELECT trim(coalesce(mf.name, '') || ' ' || m.name)
                  FROM asset_models m LEFT JOIN manufacturers mf ON mf.id = m.manufacturer_id
                  WHERE m.id = a.model_id), '') AS model,
        coalesce((SELECT p.name FROM people p WHERE p.id = a.assigned_to_id), '') AS assignee,
        coalesce((SELECT l.name FROM locations l WHERE l.id = a.location_id), '') AS location
    FROM assets a""",
    "INSERT INTO asset_search(rowid, tag, serial_number, name, model, assignee, location) "
    "SELECT * FROM asset_search_source",
    """CREATE TRIGGER asset_search_ai AFTER INSERT ON assets BEGIN
        INSERT INTO asset_search(rowid, tag, serial_number, name, model, assignee, location)
        SELECT * FROM asset_search_source WHERE asset_rowid = new.rowid;
    END""",
    """CREATE TRIGGER asset_search_au AFTER UPDATE OF
        tag, serial_number, name, model_id, assigned_to_id, location_id ON assets BEGIN
        DELETE FROM asset_search WHERE rowid = old.rowid;
        INSERT INTO asset_search(rowid, tag, serial_number, name, model, assignee, location)
        SELECT * FROM asset_search_source WHERE asset_rowid = new.rowid;
    END""",
    """CREATE TRIGGER asset_search_ad AFTER DELETE ON assets BEGIN
        DELETE FROM asset_search WHERE rowid = old.rowid;
    END""",
    """CREATE TRIGGER asset_search_person AFTER UPDATE OF name ON people BEGIN
        UPDATE asset_search SET assignee = new.name
        WHERE rowid IN (SELECT rowid FROM assets WHERE assigned_to_id = new.id);
    END""",
    """CREATE TRIGGER asset_search_location AFTER UPDATE OF name ON locations BEGIN
        UPDATE asset_search SET location = new.name
        WHERE rowid IN (SELECT rowid FROM assets WHERE location_id = new.id);
    END""",
    """CREATE TRIGGER asset_search_model AFTER UPDATE OF name, manufacturer_id
        ON asset_models BEGIN
        UPDATE asset_search SET model = (
            SELECT model FROM asset_search_source WHERE asset_rowid = asset_search.rowid)
        WHERE rowid IN (SELECT rowid FROM assets WHERE model_id = new.id);
    END""",
    """CREATE TRIGGER asset_search_manufacturer AFTER UPDATE OF name ON manufacturers BEGIN
        UPDATE asset_search SET model = (
            SELECT model FROM asset_search_source WHERE asset_rowid = asset_search.rowid)
        WHERE rowid IN (SELECT a.rowid FROM assets a JOIN asset_models m
                        ON m.id = a.model_id WHERE m.manufacturer_id = new.id);
    END""",
)
