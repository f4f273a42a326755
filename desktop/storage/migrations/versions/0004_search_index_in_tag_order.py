"""search index in tag order (SQLite)

The FTS5 index's rowid becomes each asset's *rank* in tag order (table
``asset_search_rank``), so that a search's first page in the register's default order is
the index's first hits instead of a sort of all of them. Other backends: nothing changes.

Frozen: the DDL below is what desktop/services/search.py installed for this revision
(as of commit 618a1aa), copied here so that later changes to the search index (revision
0008's ranking trigger, for one) never change what this revision does on a new database.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-03
"""

from collections.abc import Sequence

from alembic import op
from sqlalchemy import Connection

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: Ranks at or above this (2**62) are out of tag order.
UNRANKED = 4611686018427387904

SQLITE_TABLE = "CREATE VIRTUAL TABLE IF NOT EXISTS asset_search USING fts5(tag, serial_number, name, model, assignee, location, tokenize='trigram')"

SQLITE_RANKS = 'CREATE TABLE IF NOT EXISTS asset_search_rank (rank INTEGER PRIMARY KEY, asset_rowid INTEGER NOT NULL UNIQUE)'

SQLITE_SOURCE = """
    CREATE VIEW IF NOT EXISTS asset_search_source AS SELECT
        r.rank AS search_rank, a.rowid AS asset_rowid,
        a.tag, coalesce(a.serial_number, '') AS serial_number, a.name,
        coalesce((SELECT trim(coalesce(mf.name, '') || ' ' || m.name)
                  FROM asset_models m LEFT JOIN manufacturers mf ON mf.id = m.manufacturer_id
                  WHERE m.id = a.model_id), '') AS model,
        coalesce((SELECT p.name FROM people p WHERE p.id = a.assigned_to_id), '') AS assignee,
        coalesce((SELECT l.name FROM locations l WHERE l.id = a.location_id), '') AS location
    FROM asset_search_rank r JOIN assets a ON a.rowid = r.asset_rowid
"""

SQLITE_RANKING = 'CREATE VIEW IF NOT EXISTS asset_search_ranking AS SELECT rowid AS asset_rowid, tag_key FROM assets WHERE 0'

SQLITE_TRIGGERS = {
    "asset_search_ranking_insert": """
        CREATE TRIGGER asset_search_ranking_insert INSTEAD OF INSERT ON asset_search_ranking
        BEGIN
            INSERT INTO asset_search_rank(rank, asset_rowid)
            SELECT CASE WHEN after - before >= 2
                        THEN before + min(1048576, (after - before) / 2)
                        ELSE 4611686018427387904 + new.asset_rowid END, new.asset_rowid
            FROM (SELECT
                coalesce((SELECT r.rank FROM assets a
                          JOIN asset_search_rank r ON r.asset_rowid = a.rowid
                          WHERE a.tag_key < new.tag_key AND r.rank < 4611686018427387904
                          ORDER BY a.tag_key DESC LIMIT 1), 0) AS before,
                coalesce((SELECT r.rank FROM assets a
                          JOIN asset_search_rank r ON r.asset_rowid = a.rowid
                          WHERE a.tag_key > new.tag_key AND r.rank < 4611686018427387904
                          ORDER BY a.tag_key ASC LIMIT 1), 4611686018427387904) AS after);
        END""",
    "asset_search_ai": """
        CREATE TRIGGER asset_search_ai AFTER INSERT ON assets BEGIN
            INSERT INTO asset_search_ranking(asset_rowid, tag_key)
            VALUES (new.rowid, new.tag_key);
            INSERT INTO asset_search(rowid, tag, serial_number, name, model, assignee, location)
            SELECT search_rank, tag, serial_number, name, model, assignee, location
            FROM asset_search_source WHERE asset_rowid = new.rowid;
        END""",
    "asset_search_au": """
        CREATE TRIGGER asset_search_au AFTER UPDATE OF
            tag, tag_key, serial_number, name, model_id, assigned_to_id, location_id
            ON assets BEGIN
            DELETE FROM asset_search
            WHERE rowid = (SELECT rank FROM asset_search_rank WHERE asset_rowid = old.rowid);
            DELETE FROM asset_search_rank
            WHERE asset_rowid = old.rowid AND new.tag_key IS NOT old.tag_key;
            INSERT INTO asset_search_ranking(asset_rowid, tag_key)
            SELECT new.rowid, new.tag_key WHERE new.tag_key IS NOT old.tag_key;
            INSERT INTO asset_search(rowid, tag, serial_number, name, model, assignee, location)
            SELECT search_rank, tag, serial_number, name, model, assignee, location
            FROM asset_search_source WHERE asset_rowid = new.rowid;
        END""",
    "asset_search_ad": """
        CREATE TRIGGER asset_search_ad AFTER DELETE ON assets BEGIN
            DELETE FROM asset_search
            WHERE rowid = (SELECT rank FROM asset_search_rank WHERE asset_rowid = old.rowid);
            DELETE FROM asset_search_rank WHERE asset_rowid = old.rowid;
        END""",
    "asset_search_person": """
        CREATE TRIGGER asset_search_person AFTER UPDATE OF name ON people BEGIN
            UPDATE asset_search SET assignee = new.name
            WHERE rowid IN (SELECT r.rank FROM assets a JOIN asset_search_rank r
                            ON r.asset_rowid = a.rowid WHERE a.assigned_to_id = new.id);
        END""",
    "asset_search_location": """
        CREATE TRIGGER asset_search_location AFTER UPDATE OF name ON locations BEGIN
            UPDATE asset_search SET location = new.name
            WHERE rowid IN (SELECT r.rank FROM assets a JOIN asset_search_rank r
                            ON r.asset_rowid = a.rowid WHERE a.location_id = new.id);
        END""",
    "asset_search_model": """
        CREATE TRIGGER asset_search_model AFTER UPDATE OF name, manufacturer_id
            ON asset_models BEGIN
            UPDATE asset_search SET model = (
                SELECT model FROM asset_search_source WHERE search_rank = asset_search.rowid)
            WHERE rowid IN (SELECT r.rank FROM assets a JOIN asset_search_rank r
                            ON r.asset_rowid = a.rowid WHERE a.model_id = new.id);
        END""",
    "asset_search_manufacturer": """
        CREATE TRIGGER asset_search_manufacturer AFTER UPDATE OF name ON manufacturers BEGIN
            UPDATE asset_search SET model = (
                SELECT model FROM asset_search_source WHERE search_rank = asset_search.rowid)
            WHERE rowid IN (SELECT r.rank FROM assets a
                            JOIN asset_search_rank r ON r.asset_rowid = a.rowid
                            JOIN asset_models m ON m.id = a.model_id
                            WHERE m.manufacturer_id = new.id);
        END""",
}


def upgrade() -> None:
    connection = op.get_bind()
    if connection.dialect.name != "sqlite":
        return
    _remove(connection)
    connection.exec_driver_sql(SQLITE_TABLE)
    connection.exec_driver_sql(SQLITE_RANKS)
    connection.exec_driver_sql(SQLITE_SOURCE)
    _rebuild(connection)
    connection.exec_driver_sql(SQLITE_RANKING)
    for ddl in SQLITE_TRIGGERS.values():
        connection.exec_driver_sql(ddl)


def downgrade() -> None:
    connection = op.get_bind()
    if connection.dialect.name != "sqlite":
        return
    _remove(connection)
    for statement in _REVISION_0003:
        connection.exec_driver_sql(statement)


def _remove(connection: Connection) -> None:
    for name in SQLITE_TRIGGERS:
        connection.exec_driver_sql(f"DROP TRIGGER IF EXISTS {name}")
    connection.exec_driver_sql("DROP TABLE IF EXISTS asset_search")
    connection.exec_driver_sql("DROP VIEW IF EXISTS asset_search_source")
    connection.exec_driver_sql("DROP VIEW IF EXISTS asset_search_ranking")
    connection.exec_driver_sql("DROP TABLE IF EXISTS asset_search_rank")


def _rebuild(connection: Connection) -> None:
    """Rank every asset evenly spread in tag order and fill the index."""
    connection.exec_driver_sql("DELETE FROM asset_search")
    connection.exec_driver_sql("DELETE FROM asset_search_rank")
    assets = int(connection.exec_driver_sql("SELECT count(*) FROM assets").scalar_one())
    spacing = max(UNRANKED // (assets + 1), 1)
    connection.exec_driver_sql(
        "INSERT INTO asset_search_rank(rank, asset_rowid) "
        "SELECT row_number() OVER (ORDER BY tag_key) * ?, rowid FROM assets",
        (spacing,),
    )
    connection.exec_driver_sql(
        "INSERT INTO asset_search(rowid, tag, serial_number, name, model, assignee, location) "
        "SELECT search_rank, tag, serial_number, name, model, assignee, location "
        "FROM asset_search_source"
    )


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
