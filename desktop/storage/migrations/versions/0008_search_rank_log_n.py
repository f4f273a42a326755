"""search index ranking in O(log n) whatever the order of tags (SQLite)

Revision 0004's ranking trigger looked up an inserted tag's ranked neighbours by walking
the assets in tag order past every *unranked* one, and ranked nothing once the gap between
two neighbours was used up: with tag prefixes arriving interleaved, most assets of an
import ended up unranked and each insert walked all of them (quadratic).

Now the rank table keeps each asset's tag key, and a partial index over the ranked ones
makes each neighbour one index probe. When no free rank is left between the neighbours,
the trigger re-spreads the smallest window of ranked assets after the new one that leaves
them room (8, 64, 512, ... assets; their index rows move with them), so assets stay in tag
order. Other backends: nothing changes.

Frozen: the DDL is copied from desktop/services/search.py as of this revision.

Revision ID: 0008
Revises: 0004
Create Date: 2026-12-05
"""

from collections.abc import Sequence

from alembic import op
from sqlalchemy import Connection

revision: str = "0008"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: Ranks at or above this (2**62) are out of tag order.
UNRANKED = 4611686018427387904

SQLITE_TABLE = "CREATE VIRTUAL TABLE IF NOT EXISTS asset_search USING fts5(tag, serial_number, name, model, assignee, location, tokenize='trigram')"

SQLITE_RANKS = 'CREATE TABLE IF NOT EXISTS asset_search_rank (rank INTEGER PRIMARY KEY, asset_rowid INTEGER NOT NULL UNIQUE, tag_key VARCHAR(64) NOT NULL)'

SQLITE_RANK_INDEX = 'CREATE INDEX IF NOT EXISTS asset_search_rank_tag_key ON asset_search_rank (tag_key) WHERE rank < 4611686018427387904'

SQLITE_RESPREAD = 'CREATE TABLE IF NOT EXISTS asset_search_respread (old_rank INTEGER PRIMARY KEY, new_rank INTEGER NOT NULL)'

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
            INSERT INTO asset_search_respread(old_rank, new_rank)
            SELECT rank, before + (high - before) / (count(*) OVER () + 2)
                              * (row_number() OVER (ORDER BY rank) + 1)
            FROM (SELECT before, high FROM (SELECT before, CASE
                WHEN after - before >= 2 THEN NULL
                WHEN coalesce((SELECT rank FROM asset_search_rank WHERE rank >= after AND rank < 4611686018427387904 ORDER BY rank LIMIT 1 OFFSET 8), 4611686018427387904) - before >= 20 * 262144
                THEN coalesce((SELECT rank FROM asset_search_rank WHERE rank >= after AND rank < 4611686018427387904 ORDER BY rank LIMIT 1 OFFSET 8), 4611686018427387904)
                WHEN coalesce((SELECT rank FROM asset_search_rank WHERE rank >= after AND rank < 4611686018427387904 ORDER BY rank LIMIT 1 OFFSET 64), 4611686018427387904) - before >= 132 * 16384
                THEN coalesce((SELECT rank FROM asset_search_rank WHERE rank >= after AND rank < 4611686018427387904 ORDER BY rank LIMIT 1 OFFSET 64), 4611686018427387904)
                WHEN coalesce((SELECT rank FROM asset_search_rank WHERE rank >= after AND rank < 4611686018427387904 ORDER BY rank LIMIT 1 OFFSET 512), 4611686018427387904) - before >= 1028 * 1024
                THEN coalesce((SELECT rank FROM asset_search_rank WHERE rank >= after AND rank < 4611686018427387904 ORDER BY rank LIMIT 1 OFFSET 512), 4611686018427387904)
                END AS high
                FROM (SELECT coalesce((SELECT rank FROM asset_search_rank WHERE tag_key < new.tag_key AND rank < 4611686018427387904 ORDER BY tag_key DESC LIMIT 1), 0) AS before, coalesce((SELECT rank FROM asset_search_rank WHERE tag_key > new.tag_key AND rank < 4611686018427387904 ORDER BY tag_key ASC LIMIT 1), 4611686018427387904) AS after))
                WHERE high IS NOT NULL LIMIT 1) AS plan
            CROSS JOIN asset_search_rank ON rank > before AND rank < high;
            DELETE FROM asset_search WHERE rowid IN (SELECT old_rank FROM asset_search_respread);
            UPDATE asset_search_rank SET rank = -rank
            WHERE rank IN (SELECT old_rank FROM asset_search_respread);
            UPDATE asset_search_rank SET rank = (SELECT new_rank FROM asset_search_respread
                                                 WHERE old_rank = -asset_search_rank.rank)
            WHERE rank IN (SELECT -old_rank FROM asset_search_respread);
            INSERT INTO asset_search(rowid, tag, serial_number, name, model, assignee, location)
            SELECT search_rank, tag, serial_number, name, model, assignee, location
            FROM asset_search_source
            WHERE search_rank IN (SELECT new_rank FROM asset_search_respread);
            DELETE FROM asset_search_respread;
            INSERT INTO asset_search_rank(rank, asset_rowid, tag_key)
            SELECT CASE WHEN after - before >= 2
                        THEN before + min(1048576, (after - before) / 2)
                        ELSE 4611686018427387904 + new.asset_rowid END,
                   new.asset_rowid, new.tag_key
            FROM (SELECT coalesce((SELECT rank FROM asset_search_rank WHERE tag_key < new.tag_key AND rank < 4611686018427387904 ORDER BY tag_key DESC LIMIT 1), 0) AS before, coalesce((SELECT rank FROM asset_search_rank WHERE tag_key > new.tag_key AND rank < 4611686018427387904 ORDER BY tag_key ASC LIMIT 1), 4611686018427387904) AS after);
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

# Revision 0004's rank table and ranking trigger (the rest is the same), for the downgrade.
SQLITE_RANKS_0004 = 'CREATE TABLE IF NOT EXISTS asset_search_rank (rank INTEGER PRIMARY KEY, asset_rowid INTEGER NOT NULL UNIQUE)'

SQLITE_TRIGGERS_0004 = {
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
    _remove(connection, SQLITE_TRIGGERS_0004)
    connection.exec_driver_sql(SQLITE_TABLE)
    connection.exec_driver_sql(SQLITE_RANKS)
    connection.exec_driver_sql(SQLITE_RANK_INDEX)
    connection.exec_driver_sql(SQLITE_RESPREAD)
    connection.exec_driver_sql(SQLITE_SOURCE)
    _rebuild(connection, with_tag_key=True)
    connection.exec_driver_sql(SQLITE_RANKING)
    for ddl in SQLITE_TRIGGERS.values():
        connection.exec_driver_sql(ddl)


def downgrade() -> None:
    connection = op.get_bind()
    if connection.dialect.name != "sqlite":
        return
    _remove(connection, SQLITE_TRIGGERS)
    connection.exec_driver_sql(SQLITE_TABLE)
    connection.exec_driver_sql(SQLITE_RANKS_0004)
    connection.exec_driver_sql(SQLITE_SOURCE)
    _rebuild(connection, with_tag_key=False)
    connection.exec_driver_sql(SQLITE_RANKING)
    for ddl in SQLITE_TRIGGERS_0004.values():
        connection.exec_driver_sql(ddl)


def _remove(connection: Connection, triggers: dict[str, str]) -> None:
    for name in triggers:
        connection.exec_driver_sql(f"DROP TRIGGER IF EXISTS {name}")
    connection.exec_driver_sql("DROP TABLE IF EXISTS asset_search")
    connection.exec_driver_sql("DROP VIEW IF EXISTS asset_search_source")
    connection.exec_driver_sql("DROP VIEW IF EXISTS asset_search_ranking")
    connection.exec_driver_sql("DROP TABLE IF EXISTS asset_search_rank")
    connection.exec_driver_sql("DROP TABLE IF EXISTS asset_search_respread")


def _rebuild(connection: Connection, *, with_tag_key: bool) -> None:
    """Rank every asset evenly spread in tag order and fill the index."""
    assets = int(connection.exec_driver_sql("SELECT count(*) FROM assets").scalar_one())
    spacing = max(UNRANKED // (assets + 1), 1)
    if with_tag_key:
        connection.exec_driver_sql(
            "INSERT INTO asset_search_rank(rank, asset_rowid, tag_key) "
            "SELECT row_number() OVER (ORDER BY tag_key) * ?, rowid, tag_key FROM assets",
            (spacing,),
        )
    else:
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
