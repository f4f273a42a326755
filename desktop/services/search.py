"""The register's search index: one search box over tag, serial, name, model, assignee, location.

Each backend gets the fastest index it has for substring search ("contains", as you type).
The search ignores case and accents ("zurich" finds "Zürich"): the index holds the fields
folded by :func:`desktop.storage.folding.fold` and the typed text is folded alike
(migration 0017; that module says where each backend does it).

* **SQLite**: an FTS5 table ``asset_search`` with the *trigram* tokenizer, one row per
  asset, kept in step by triggers on ``assets`` and on the names it copies (models,
  manufacturers, people, locations), each field folded. Its ``rowid`` is the asset's
  *rank* in tag order (table ``asset_search_rank``, migrations 0004 and 0008), so the
  index hands out a search's hits in the register's default order and a page of them is
  read with a ``LIMIT``, however many there are. A search of three or more characters is a trigram ``MATCH``; shorter
  text is matched with ``LIKE`` against the index's folded copy of the fields (a trigram
  index cannot help there, and almost every row matches such text, so a page is found at
  once).
* **PostgreSQL**: ``pg_trgm`` GIN indexes on the folded searched columns;
  ``asset_search_fold(column) LIKE asset_search_fold('%text%')`` is served by them (a
  bitmap index scan per column, combined by ``UNION``).
* **MariaDB**: plain ``LIKE`` (case- and accent-insensitive in ``utf8mb4_unicode_ci``,
  the collation the README creates the database with). MariaDB has no
  substring index; its FULLTEXT index finds words, not parts of tags or serials, so it
  would change what the search box means.
* **Both servers**, the register's default order: a trigram table in tag order (migration
  0009) finds a page of hits without a scan or a sort; see
  :mod:`desktop.services.server_search`.

Bulk writers (demo data, spreadsheet import) on SQLite should wrap their inserts in
:func:`search_index_paused`: with the triggers in place every inserted asset costs an
FTS5 update (about ten times slower); paused, the index is rebuilt once in batch at the
end, in the same transaction, ranking every asset anew. :func:`rebuild_search_index`
rebuilds it on its own (also the remedy after a ``VACUUM``, which may renumber the
assets' ``rowid``\\ s that the ranks point to).

Here: the index, its triggers and its upkeep. The condition a search puts on a query of
assets, and the reads of the index in tag order: :mod:`desktop.services.search_query`.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from sqlalchemy import (
    Connection,
    Integer,
    table,
)
from sqlalchemy import column as sql_column

from desktop.storage.database import TRIGRAMS_IN_BULK_MARK, TRIGRAMS_IN_BULK_VARIABLE
from desktop.storage.folding import SQL_FUNCTION, fold

log = logging.getLogger(__name__)

SEARCH_TABLE = "asset_search"
#: Up to this many matching people/locations/models are listed in the query by id.
LOOKUP_LIMIT = 500
#: Shortest text the trigram index can serve; shorter text is matched with LIKE.
TRIGRAM_MIN_LENGTH = 3

_SQLITE_TABLE = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS asset_search USING fts5("
    "tag, serial_number, name, model, assignee, location, tokenize='trigram')"
)

#: The index's ``rowid`` of each asset (its *rank*): ranks follow the order of tags, so the
#: index hands out its hits already in tag order, the register's default sort. The rank
#: table keeps each asset's tag key, and the ranked ones (below :data:`UNRANKED`) are
#: indexed by it: an inserted tag's ranked neighbours are one index probe each, however
#: many assets are out of order (migration 0008).
_SQLITE_RANKS = (
    "CREATE TABLE IF NOT EXISTS asset_search_rank ("
    "rank INTEGER PRIMARY KEY, asset_rowid INTEGER NOT NULL UNIQUE, "
    "tag_key VARCHAR(64) NOT NULL)"
)
_SQLITE_RANK_INDEX = (
    "CREATE INDEX IF NOT EXISTS asset_search_rank_tag_key ON asset_search_rank (tag_key) "
    "WHERE rank < 4611686018427387904"
)
#: The ranking trigger's plan of a re-spread (one row while it runs, empty otherwise).
_SQLITE_RESPREAD = (
    "CREATE TABLE IF NOT EXISTS asset_search_respread ("
    "old_rank INTEGER PRIMARY KEY, new_rank INTEGER NOT NULL)"
)

#: Ranks at or above this (2**62) are out of tag order: given when no free rank was left
#: between an inserted tag's neighbours even after a re-spread (practically never; until
#: the next :func:`rebuild_search_index`).
UNRANKED = 4611686018427387904
#: A tag inserted after another takes the rank this far (2**20) past it, or half the gap to
#: the next tag if that is smaller: tags received one by one in ascending order, the usual
#: way, use a gap up slowly. (Both numbers are written into the triggers' SQL below.)
RANK_STEP = 1048576


def _folded(value: str) -> str:
    """SQL: ``value`` as the index holds it (migration 0017): folded by
    ``asset_search_fold`` (:func:`desktop.storage.folding.fold`: accents dropped, lower
    case), except text
    that is all ASCII, which is kept as it is (folding would only lower its case, which
    the trigram index and ``LIKE`` ignore anyway): no call into Python for it."""
    return (
        f"CASE WHEN length({value}) = length(CAST({value} AS BLOB)) THEN {value} "
        f"ELSE asset_search_fold({value}) END"
    )


#: The folded texts of a model (its manufacturer's name first), a person and a location that
#: the index holds for an asset: the view's sub-selects and :func:`indexed_names`.
_MODEL_TEXT = _folded("trim(coalesce(mf.name, '') || ' ' || m.name)")
_PERSON_TEXT = _folded("p.name")
_LOCATION_TEXT = _folded("l.name")

# The values each asset contributes to the index, folded (a view, so the SQL exists once).
_SQLITE_SOURCE = f"""
    CREATE VIEW IF NOT EXISTS asset_search_source AS SELECT
        r.rank AS search_rank, a.rowid AS asset_rowid,
        {_folded("a.tag")} AS tag,
        coalesce({_folded("a.serial_number")}, '') AS serial_number,
        {_folded("a.name")} AS name,
        coalesce((SELECT {_MODEL_TEXT}
                  FROM asset_models m LEFT JOIN manufacturers mf ON mf.id = m.manufacturer_id
                  WHERE m.id = a.model_id), '') AS model,
        coalesce((SELECT {_PERSON_TEXT} FROM people p WHERE p.id = a.assigned_to_id), '')
            AS assignee,
        coalesce((SELECT {_LOCATION_TEXT} FROM locations l WHERE l.id = a.location_id), '')
            AS location
    FROM asset_search_rank r JOIN assets a ON a.rowid = r.asset_rowid
"""  # noqa: S608 (constant SQL pieces only)
#: Every model's, person's and location's id and the text the index holds for it.
_SQLITE_INDEXED_NAMES = (
    f"SELECT m.id, coalesce({_MODEL_TEXT}, '') FROM asset_models m "  # noqa: S608
    "LEFT JOIN manufacturers mf ON mf.id = m.manufacturer_id "
    f"UNION ALL SELECT p.id, coalesce({_PERSON_TEXT}, '') FROM people p "
    f"UNION ALL SELECT l.id, coalesce({_LOCATION_TEXT}, '') FROM locations l"
)


#: The rebuild's names (see :func:`rebuild_search_index`): each model's, person's and
#: location's text as the view's sub-selects make it, by kind (0, 1, 2) and id.
_SQLITE_REBUILD_NAMES = (
    "CREATE TEMP TABLE asset_search_names (kind INTEGER NOT NULL, id NOT NULL, "
    "text NOT NULL, PRIMARY KEY (kind, id)) WITHOUT ROWID"
)
_SQLITE_FILL_REBUILD_NAMES = (
    "INSERT INTO temp.asset_search_names (kind, id, text) "  # noqa: S608
    f"SELECT 0, m.id, coalesce({_MODEL_TEXT}, '') FROM asset_models m "
    "LEFT JOIN manufacturers mf ON mf.id = m.manufacturer_id "
    f"UNION ALL SELECT 1, p.id, coalesce({_PERSON_TEXT}, '') FROM people p "
    f"UNION ALL SELECT 2, l.id, coalesce({_LOCATION_TEXT}, '') FROM locations l"
)
#: The view's rows (``asset_search_source``, in rank order) with each name looked up in
#: that table: one search of a small table where the view's sub-select searches the
#: names' table and its row, and folds the text again, for every asset (measured at
#: 10,000 assets: the select 45 → 29 ms CPU).
_SQLITE_REBUILD = f"""
    INSERT INTO asset_search(rowid, tag, serial_number, name, model, assignee, location)
    SELECT r.rank, {_folded("a.tag")}, coalesce({_folded("a.serial_number")}, ''),
        {_folded("a.name")},
        coalesce((SELECT text FROM temp.asset_search_names WHERE kind = 0 AND id = a.model_id), ''),
        coalesce((SELECT text FROM temp.asset_search_names
                  WHERE kind = 1 AND id = a.assigned_to_id), ''),
        coalesce((SELECT text FROM temp.asset_search_names
                  WHERE kind = 2 AND id = a.location_id), '')
    FROM asset_search_rank r JOIN assets a ON a.rowid = r.asset_rowid ORDER BY r.rank
"""  # noqa: S608 (constant SQL pieces only)


def indexed_text(value: str | None) -> str:
    """``value`` as the index holds an asset's own text field (the view's folding, here):
    all-ASCII text as it is, other text folded, none empty."""
    if value is None:
        return ""
    return value if value.isascii() else fold(value)


def indexed_names(connection: Connection) -> dict[Any, str]:
    """SQLite: every model's, person's and location's id (as stored: 32 hex digits) and
    the folded text the index holds for an asset of that model, assigned to that person,
    in that location — what the view ``asset_search_source`` reads for it. For a bulk
    writer that makes the index's rows itself (:mod:`desktop.demo.search_build`)."""
    return {id_: text for id_, text in connection.exec_driver_sql(_SQLITE_INDEXED_NAMES)}


_INDEX = table(SEARCH_TABLE, sql_column("rowid", Integer))
_INDEX_CONTENT = table(
    "asset_search_content", sql_column("id", Integer), *(sql_column(f"c{n}") for n in range(6))
)
_RANKS = table("asset_search_rank", sql_column("rank", Integer), sql_column("asset_rowid", Integer))
#: The rank of the assets :func:`sqlite_in_tag_order` selects: its order.
SEARCH_RANK = _RANKS.c.rank

# Inserting (asset rowid, tag key) into this view ranks the asset between its neighbours
# in tag order, or unranked if they leave no room (its INSTEAD OF trigger, the one place
# the rule is written): the insert and re-tag triggers below use it.
_SQLITE_RANKING = (
    "CREATE VIEW IF NOT EXISTS asset_search_ranking AS "
    "SELECT rowid AS asset_rowid, tag_key FROM assets WHERE 0"
)

# An inserted tag's nearest ranked neighbours: one probe each of the partial index.
_BEFORE = (
    "coalesce((SELECT rank FROM asset_search_rank WHERE tag_key < new.tag_key "
    "AND rank < 4611686018427387904 ORDER BY tag_key DESC LIMIT 1), 0)"
)
_AFTER = (
    "coalesce((SELECT rank FROM asset_search_rank WHERE tag_key > new.tag_key "
    "AND rank < 4611686018427387904 ORDER BY tag_key ASC LIMIT 1), 4611686018427387904)"
)
#: Re-spread windows: (ranked assets after the new one, the free ranks each must get). The
#: smallest window with room is re-spread (to at least twice that room, so that it lasts);
#: larger windows may be denser. At most 512 assets move for one insert: where even that
#: window is full (a stretch where tags keep arriving in descending order at one spot
#: makes it so at last), the new tag is UNRANKED, which costs an insert nothing.
RESPREAD_WINDOWS: tuple[tuple[int, int], ...] = (
    (8, 262144),
    (64, 16384),
    (512, 1024),
)


_WINDOW_END = (
    "coalesce((SELECT rank FROM asset_search_rank WHERE rank >= after "
    "AND rank < 4611686018427387904 ORDER BY rank LIMIT 1 OFFSET WIDTH), 4611686018427387904)"
)


def _window_end(width: int) -> str:
    """The rank just past the ``width`` ranked assets from ``after`` on (or 2**62)."""
    return _WINDOW_END.replace("WIDTH", str(width))


_WINDOW_CHOICE = "\n".join(
    f"                WHEN {_window_end(width)} - before >= {2 * (width + 2)} * {room}\n"
    f"                THEN {_window_end(width)}"
    for width, room in RESPREAD_WINDOWS
)

# The ranking rule (the one place it is written): an inserted tag takes a free rank
# between its ranked neighbours, RANK_STEP past the one before or half the gap if that is
# smaller. With no free rank left, the smallest window of ranked assets after it that has
# room (RESPREAD_WINDOWS) is spread evenly over its ranks first, leaving the new tag a
# place; their index rows move with them (plan in asset_search_respread, negated ranks
# in between so that no two assets ever hold one rank). Only if no window has room (2**62
# ranks used up) is the new tag UNRANKED.
_RANKING_TRIGGER = f"""
        CREATE TRIGGER asset_search_ranking_insert INSTEAD OF INSERT ON asset_search_ranking
        BEGIN
            INSERT INTO asset_search_respread(old_rank, new_rank)
            SELECT rank, before + (high - before) / (count(*) OVER () + 2)
                              * (row_number() OVER (ORDER BY rank) + 1)
            FROM (SELECT before, high FROM (SELECT before, CASE
                WHEN after - before >= 2 THEN NULL
{_WINDOW_CHOICE}
                END AS high
                FROM (SELECT {_BEFORE} AS before, {_AFTER} AS after))
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
            FROM (SELECT {_BEFORE} AS before, {_AFTER} AS after);
        END"""  # noqa: S608 (constant SQL pieces only)

_SQLITE_TRIGGERS: dict[str, str] = {
    "asset_search_ranking_insert": _RANKING_TRIGGER,
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
    "asset_search_person": f"""
        CREATE TRIGGER asset_search_person AFTER UPDATE OF name ON people BEGIN
            UPDATE asset_search SET assignee = {_folded("new.name")}
            WHERE rowid IN (SELECT r.rank FROM assets a JOIN asset_search_rank r
                            ON r.asset_rowid = a.rowid WHERE a.assigned_to_id = new.id);
        END""",  # noqa: S608 (constant SQL pieces only)
    "asset_search_location": f"""
        CREATE TRIGGER asset_search_location AFTER UPDATE OF name ON locations BEGIN
            UPDATE asset_search SET location = {_folded("new.name")}
            WHERE rowid IN (SELECT r.rank FROM assets a JOIN asset_search_rank r
                            ON r.asset_rowid = a.rowid WHERE a.location_id = new.id);
        END""",  # noqa: S608 (constant SQL pieces only)
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

#: PostgreSQL: (index name, table, column) served by pg_trgm GIN indexes on the folded
#: column, ``asset_search_fold(column)`` (migration 0017).
PG_TRGM_INDEXES: tuple[tuple[str, str, str], ...] = (
    ("asset_search_tag_fold_trgm", "assets", "tag"),
    ("asset_search_serial_fold_trgm", "assets", "serial_number"),
    ("asset_search_name_fold_trgm", "assets", "name"),
    ("asset_search_model_fold_trgm", "asset_models", "name"),
    ("asset_search_manufacturer_fold_trgm", "manufacturers", "name"),
    ("asset_search_person_fold_trgm", "people", "name"),
    ("asset_search_location_fold_trgm", "locations", "name"),
)


#: Indexes that let the register sort 1,000,000 assets by any column in milliseconds: the
#: sort column then the tag (the tie-breaker), so a page is a walk along one index. For
#: columns of looked-up names the register pages group by group along (foreign key, tag).
SORT_INDEXES: tuple[tuple[str, str], ...] = (
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


def install_sort_indexes(connection: Connection) -> None:
    for name, column in SORT_INDEXES:
        connection.exec_driver_sql(f"CREATE INDEX {name} ON assets ({column}, tag_key)")
    if connection.dialect.name == "sqlite" and _sqlite_has_statistics(connection):
        # The planner trusts old statistics over none: give the new indexes theirs (sampled).
        connection.exec_driver_sql("PRAGMA analysis_limit = 1000")
        connection.exec_driver_sql("ANALYZE assets")


def _sqlite_has_statistics(connection: Connection) -> bool:
    found = connection.exec_driver_sql(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'sqlite_stat1'"
    ).first()
    return found is not None


def remove_sort_indexes(connection: Connection) -> None:
    for name, _column in SORT_INDEXES:
        if connection.dialect.name in ("mysql", "mariadb"):
            connection.exec_driver_sql(f"DROP INDEX {name} ON assets")
        else:
            connection.exec_driver_sql(f"DROP INDEX {name}")


def install_search_index(connection: Connection) -> None:
    """Create the search index for ``connection``'s backend and fill it: what the
    migrations up to 0017 leave (each migration carries its own copy of the DDL; a test
    checks that this one agrees on SQLite). PostgreSQL: its ``asset_search_fold`` function
    (0017) must exist."""
    backend = connection.dialect.name
    if backend == "sqlite":
        connection.exec_driver_sql(_SQLITE_TABLE)
        connection.exec_driver_sql(_SQLITE_RANKS)
        connection.exec_driver_sql(_SQLITE_RANK_INDEX)
        connection.exec_driver_sql(_SQLITE_RESPREAD)
        connection.exec_driver_sql(_SQLITE_SOURCE)
        rebuild_search_index(connection)
        _create_sqlite_triggers(connection)
    elif backend == "postgresql":
        if not _pg_trgm_available(connection):
            log.warning("pg_trgm is not available on this server: search will scan")
            return
        connection.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        for name, table, column in PG_TRGM_INDEXES:
            connection.exec_driver_sql(
                f"CREATE INDEX IF NOT EXISTS {name} ON {table} "
                f"USING gin ({SQL_FUNCTION}({column}) gin_trgm_ops)"
            )
    # MariaDB: no substring index exists; search uses LIKE (see the module docstring).


def remove_search_index(connection: Connection) -> None:
    """Undo :func:`install_search_index` (the migration's downgrade)."""
    backend = connection.dialect.name
    if backend == "sqlite":
        _drop_sqlite_triggers(connection)
        connection.exec_driver_sql("DROP TABLE IF EXISTS asset_search")
        connection.exec_driver_sql("DROP VIEW IF EXISTS asset_search_source")
        connection.exec_driver_sql("DROP VIEW IF EXISTS asset_search_ranking")
        connection.exec_driver_sql("DROP TABLE IF EXISTS asset_search_rank")
        connection.exec_driver_sql("DROP TABLE IF EXISTS asset_search_respread")
    elif backend == "postgresql":
        for name, _table, _column in PG_TRGM_INDEXES:
            connection.exec_driver_sql(f"DROP INDEX IF EXISTS {name}")


def rebuild_search_index(connection: Connection) -> int:
    """Refill the SQLite search index from the assets; return its row count.

    Every asset is ranked anew in tag order (which also puts assets that were inserted
    out of order, :data:`UNRANKED`, back in it), :data:`RANK_STEP` apart: as if the tags
    had been received one by one in ascending order. That leaves 20 halvings of room
    between two tags and re-spread windows with room (see :data:`RESPREAD_WINDOWS`),
    and keeps the index small: its lists of rows store the gaps between ranks as
    varints, 3 bytes for a step of 2**20 where ranks spread over all of 2**62 took 7
    (measured: the index of 10,000 assets 2.9 MB instead of 4.3). Runs in the caller's
    transaction. A no-op (returning 0) on other backends, whose indexes are maintained by
    the server.
    """
    if connection.dialect.name != "sqlite":
        return 0
    rank_assets_anew(connection)
    # In rank order: FTS5 writes out what it has gathered whenever a rowid arrives below the
    # last one, so rows in another order (the assets', when tags arrived interleaved) cost
    # twice the time and leave a larger index (measured at 100,000 assets: 2.6 → 1.1 s).
    # The view's rows, the names made once each (see _SQLITE_REBUILD).
    # (In the caller's transaction: a rollback drops the table too.)
    connection.exec_driver_sql("DROP TABLE IF EXISTS temp.asset_search_names")
    connection.exec_driver_sql(_SQLITE_REBUILD_NAMES)
    connection.exec_driver_sql(_SQLITE_FILL_REBUILD_NAMES)
    result = connection.exec_driver_sql(_SQLITE_REBUILD)
    connection.exec_driver_sql("DROP TABLE temp.asset_search_names")
    return int(result.rowcount or 0)


def rank_assets_anew(connection: Connection) -> int:
    """SQLite: empty the search index and rank every asset anew in tag order,
    :func:`rank_spacing` apart (the first half of :func:`rebuild_search_index`); the
    number of assets ranked."""
    connection.exec_driver_sql("DELETE FROM asset_search")
    connection.exec_driver_sql("DELETE FROM asset_search_rank")
    assets = int(connection.exec_driver_sql("SELECT count(*) FROM assets").scalar_one())
    connection.exec_driver_sql(
        "INSERT INTO asset_search_rank(rank, asset_rowid, tag_key) "
        "SELECT row_number() OVER (ORDER BY tag_key) * ?, rowid, tag_key FROM assets",
        (rank_spacing(assets),),
    )
    return assets


def rank_spacing(assets: int) -> int:
    """The gap between two ranks when ``assets`` assets are ranked anew:
    :data:`RANK_STEP`, less where that many would not fit below :data:`UNRANKED`."""
    return min(RANK_STEP, max(UNRANKED // (assets + 1), 1))


@contextmanager
def search_index_paused(
    connection: Connection, rebuild: Callable[[Connection], int] = rebuild_search_index
) -> Iterator[None]:
    """Bulk-write assets without per-row index upkeep; rebuild the index once at the end
    (by ``rebuild``: the demo's may have had it built in another process).

    Use it inside the bulk writer's transaction (demo data, import commit)::

        with db.write() as session, search_index_paused(session.connection()):
            ... insert many assets ...

    On SQLite the triggers are dropped, the block runs, then the index is rebuilt and the
    triggers restored — all in the caller's transaction, so a rollback restores the
    triggers too. Elsewhere it does nothing.
    """
    if connection.dialect.name != "sqlite":
        yield
        return
    _drop_sqlite_triggers(connection)
    yield
    rebuild(connection)
    _create_sqlite_triggers(connection)


#: The asset columns the search index holds (those its update trigger is on).
_INDEXED_COLUMNS = frozenset(
    ("tag", "tag_key", "serial_number", "name", "model_id", "assigned_to_id", "location_id")
)
#: Below this many assets a bulk update keeps the index up row by row (its triggers):
#: dropping and restoring a trigger costs about what a few dozen rows do.
BULK_UPKEEP_MIN = 100


#: The asset columns the servers' trigram table holds (their update trigger's).
_TRIGRAM_COLUMNS = frozenset(("tag", "tag_key", "serial_number", "name"))


@contextmanager
def search_index_kept_in_bulk(
    connection: Connection, asset_ids: Sequence[Any], columns: Sequence[str]
) -> Iterator[None]:
    """Update ``columns`` of the assets ``asset_ids`` (UUIDs) in the block, with their
    search index rows replaced once for all of them instead of one by one.

    On SQLite the update trigger replaces an asset's index row per updated row, and
    FTS5 then writes out what it gathered at every row (a look-up by rowid in between):
    measured on 10,000 assets, 1,000 updated, 110 ms for the trigger against 21 ms for
    the same rows deleted together before and inserted together (in rank order) after.
    On PostgreSQL and MariaDB the update trigger replaces each asset's search trigrams
    (0.4-1.4 ms an asset); here the session says it keeps them itself (migration 0020's
    flag, for this session only), and the migration's routines replace them together,
    one call before the block and one after it (:func:`_server_trigrams_replaced`).
    The index ends as the trigger leaves it. A tag is not changed this way (its rank
    would move: the trigger does that), nor are fewer than :data:`BULK_UPKEEP_MIN`
    assets.
    """
    changed = set(columns)
    backend = connection.dialect.name
    if (
        len(asset_ids) < BULK_UPKEEP_MIN
        or changed & {"tag", "tag_key"}
        or not changed & (_INDEXED_COLUMNS if backend == "sqlite" else _TRIGRAM_COLUMNS)
    ):
        yield
        return
    if backend != "sqlite":
        with _server_trigrams_replaced(connection, asset_ids):
            yield
        return
    ids = json.dumps([asset_id.hex for asset_id in asset_ids])
    rowids = "SELECT rowid FROM main.assets WHERE id IN (SELECT value FROM json_each(?))"
    with search_rows_replaced(connection, rowids, (ids,), deleted_after=True):
        yield


@contextmanager
def _server_trigrams_replaced(connection: Connection, asset_ids: Sequence[Any]) -> Iterator[None]:
    """PostgreSQL and MariaDB: the block updates the assets ``asset_ids`` (not their tags)
    with the update trigger's trigram upkeep off for this session (migration 0020); their
    trigrams are replaced together by the migration's routines, called before and after
    it. PostgreSQL's setting is the transaction's (a rollback undoes
    it); MariaDB's user variable is the session's, so it is cleared however the block
    ends."""
    if connection.dialect.name == "postgresql":
        ids: Any = list(asset_ids)
        connection.exec_driver_sql(
            "SELECT set_config('assetdesk.search_trigrams_in_bulk', 'on', true)"
        )
        connection.exec_driver_sql("SELECT asset_search_trigrams_before_bulk(%s::uuid[])", (ids,))
        yield  # (raised: the transaction is rolled back, its setting with it)
        connection.exec_driver_sql("SELECT asset_search_trigrams_after_bulk(%s::uuid[])", (ids,))
        connection.exec_driver_sql(
            "SELECT set_config('assetdesk.search_trigrams_in_bulk', '', true)"
        )
        return
    ids = json.dumps([asset_id.hex for asset_id in asset_ids])
    # Marked on the pool's entry first: however this block ends, the pool clears the
    # variable before the connection serves anybody else (database.py's reset event).
    pooled = connection.connection.info
    pooled[TRIGRAMS_IN_BULK_MARK] = True
    connection.exec_driver_sql(f"SET {TRIGRAMS_IN_BULK_VARIABLE} = 1")
    try:
        connection.exec_driver_sql("CALL asset_search_trigrams_before_bulk(%s)", (ids,))
        yield
        connection.exec_driver_sql("CALL asset_search_trigrams_after_bulk(%s)", (ids,))
    finally:
        connection.exec_driver_sql(f"SET {TRIGRAMS_IN_BULK_VARIABLE} = NULL")
        pooled.pop(TRIGRAMS_IN_BULK_MARK, None)


@contextmanager
def search_rows_replaced(
    connection: Connection,
    rowids: str,
    parameters: tuple[Any, ...] = (),
    *,
    deleted_after: bool = False,
) -> Iterator[None]:
    """SQLite: the search index rows of the assets whose rowids the query ``rowids``
    gives (the same before and after the block) are deleted together, the block runs
    without the update trigger, and they are inserted together (in rank order) after it:
    see :func:`search_index_kept_in_bulk`. The block may update those assets but not
    their tags, and may insert others (their insert trigger still indexes them). The
    trigger is dropped and restored (as it was) in the caller's transaction, so a
    rollback restores it too. Without the trigger (a paused index) it does nothing.

    ``deleted_after``: the block only updates those assets (no row inserted or deleted):
    their old rows are deleted after it, just before the new ones go in (the index keeps
    its own copy of what it indexed: the same rows go). While the index holds a delete
    not yet written, every statement that opens a savepoint of its own makes FTS5 write
    what it holds — an ``UPDATE`` that checks a foreign key (a move, a reassignment)
    does, once per row of a driver's ``executemany``: 1,000 moves after the delete cost
    17 ms, 7 before it (SQLite 3.40)."""
    trigger = connection.exec_driver_sql(
        "SELECT sql FROM main.sqlite_master WHERE type = 'trigger' AND name = 'asset_search_au'"
    ).scalar()
    if trigger is None:
        yield
        return
    delete = (
        f"DELETE FROM main.{SEARCH_TABLE} WHERE rowid IN (SELECT rank FROM "  # noqa: S608
        f"main.asset_search_rank WHERE asset_rowid IN ({rowids}))"
    )
    connection.exec_driver_sql("DROP TRIGGER main.asset_search_au")
    try:
        if not deleted_after:
            connection.exec_driver_sql(delete, parameters)
        yield
    finally:
        if deleted_after:
            connection.exec_driver_sql(delete, parameters)
        connection.exec_driver_sql(
            f"INSERT INTO main.{SEARCH_TABLE}(rowid, tag, serial_number, name, model, "  # noqa: S608
            "assignee, location) SELECT search_rank, tag, serial_number, name, model, "
            f"assignee, location FROM main.asset_search_source WHERE asset_rowid IN ({rowids}) "
            "ORDER BY search_rank",
            parameters,
        )
        connection.exec_driver_sql(str(trigger))


def sqlite_unranked(connection: Connection) -> int:
    """How many assets the index holds out of tag order (SQLite; see :data:`UNRANKED`)."""
    return int(
        connection.exec_driver_sql(
            "SELECT count(*) FROM asset_search_rank WHERE rank >= ?", (UNRANKED,)
        ).scalar_one()
    )


def _create_sqlite_triggers(connection: Connection) -> None:
    connection.exec_driver_sql(_SQLITE_RANKING)  # the view the ranking trigger is on
    for ddl in _SQLITE_TRIGGERS.values():
        connection.exec_driver_sql(ddl)


def _drop_sqlite_triggers(connection: Connection) -> None:
    for name in _SQLITE_TRIGGERS:
        connection.exec_driver_sql(f"DROP TRIGGER IF EXISTS {name}")


def _pg_trgm_available(connection: Connection) -> bool:
    return (
        connection.exec_driver_sql(
            "SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm'"
        ).first()
        is not None
    )
