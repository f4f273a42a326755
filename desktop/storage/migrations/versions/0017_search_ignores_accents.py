"""search ignores accents and case: "zurich" finds "Zürich", "sao paulo" "São Paulo"

The folding: decompose (NFD), drop the combining diacritical marks U+0300–U+036F, lower
case (``desktop.storage.folding.fold``). Each backend's index holds the folded text and
the search folds what is typed by the same function:

* **SQLite**: the search index (FTS5, trigram) holds each field folded. The folding is a
  Python function that every connection registers as ``asset_search_fold`` (the app does
  it for its own connections; this migration registers its own copy below, as it is on
  this day). Text that is all ASCII is stored as it is (folding would only lower its
  case, which the index and ``LIKE`` ignore): no call into Python for it. Only the index
  rows whose folded text differs are rewritten.
* **PostgreSQL**: an SQL function ``asset_search_fold`` (the same steps: ``normalize``,
  ``regexp_replace``, ``lower``); the trigram table (0009) is made of folded trigrams, and
  the pg_trgm indexes of 0003 are replaced by indexes on the folded columns. On a
  database that is not UTF-8 (``normalize`` needs it) the function only lowers the case.
* **MariaDB**: nothing to do: its collation (``utf8mb4_unicode_ci``) already compares
  "ü" equal to "u", in ``LIKE`` and in the trigram table's key.

Frozen: the DDL is written out as it is on the day of this migration.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-05
"""

import re
import unicodedata
from collections.abc import Sequence
from typing import Any

from alembic import op
from sqlalchemy import Connection

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# -- SQLite ----------------------------------------------------------------------------

_MARKS = re.compile("[\u0300-\u036f]+")


def _fold(text: str | None) -> str | None:
    """The folding as it is on this day (desktop/storage/folding.py)."""
    if text is None:
        return None
    if text.isascii():
        return text.lower()
    return _MARKS.sub("", unicodedata.normalize("NFD", text)).lower()


SQLITE_SOURCE = """
    CREATE VIEW IF NOT EXISTS asset_search_source AS SELECT
        r.rank AS search_rank, a.rowid AS asset_rowid,
        CASE WHEN length(a.tag) = length(CAST(a.tag AS BLOB)) THEN a.tag ELSE asset_search_fold(a.tag) END AS tag,
        coalesce(CASE WHEN length(a.serial_number) = length(CAST(a.serial_number AS BLOB)) THEN a.serial_number ELSE asset_search_fold(a.serial_number) END, '') AS serial_number,
        CASE WHEN length(a.name) = length(CAST(a.name AS BLOB)) THEN a.name ELSE asset_search_fold(a.name) END AS name,
        coalesce((SELECT CASE WHEN length(trim(coalesce(mf.name, '') || ' ' || m.name)) = length(CAST(trim(coalesce(mf.name, '') || ' ' || m.name) AS BLOB)) THEN trim(coalesce(mf.name, '') || ' ' || m.name) ELSE asset_search_fold(trim(coalesce(mf.name, '') || ' ' || m.name)) END
                  FROM asset_models m LEFT JOIN manufacturers mf ON mf.id = m.manufacturer_id
                  WHERE m.id = a.model_id), '') AS model,
        coalesce((SELECT CASE WHEN length(p.name) = length(CAST(p.name AS BLOB)) THEN p.name ELSE asset_search_fold(p.name) END FROM people p WHERE p.id = a.assigned_to_id), '')
            AS assignee,
        coalesce((SELECT CASE WHEN length(l.name) = length(CAST(l.name AS BLOB)) THEN l.name ELSE asset_search_fold(l.name) END FROM locations l WHERE l.id = a.location_id), '')
            AS location
    FROM asset_search_rank r JOIN assets a ON a.rowid = r.asset_rowid
"""  # noqa: E501 (the view's SQL as the live code renders it)

SQLITE_TRIGGERS = {
    "asset_search_person": """
        CREATE TRIGGER asset_search_person AFTER UPDATE OF name ON people BEGIN
            UPDATE asset_search SET assignee = CASE WHEN length(new.name) = length(CAST(new.name AS BLOB)) THEN new.name ELSE asset_search_fold(new.name) END
            WHERE rowid IN (SELECT r.rank FROM assets a JOIN asset_search_rank r
                            ON r.asset_rowid = a.rowid WHERE a.assigned_to_id = new.id);
        END""",  # noqa: E501
    "asset_search_location": """
        CREATE TRIGGER asset_search_location AFTER UPDATE OF name ON locations BEGIN
            UPDATE asset_search SET location = CASE WHEN length(new.name) = length(CAST(new.name AS BLOB)) THEN new.name ELSE asset_search_fold(new.name) END
            WHERE rowid IN (SELECT r.rank FROM assets a JOIN asset_search_rank r
                            ON r.asset_rowid = a.rowid WHERE a.location_id = new.id);
        END""",  # noqa: E501
}

# As revision 0008 left them (the downgrade).
SQLITE_SOURCE_0008 = """
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

SQLITE_TRIGGERS_0008 = {
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
}

#: The index rows whose text differs from what the view now gives (the index's own copy
#: of its six fields is its documented "%_content" table, columns c0..c5).
_SQLITE_CHANGED = """
    CREATE TEMP TABLE asset_search_refold AS
    SELECT s.search_rank, s.tag, s.serial_number, s.name, s.model, s.assignee, s.location
    FROM asset_search_source s LEFT JOIN asset_search_content c ON c.id = s.search_rank
    WHERE c.id IS NULL OR s.tag IS NOT c.c0 OR s.serial_number IS NOT c.c1
        OR s.name IS NOT c.c2 OR s.model IS NOT c.c3 OR s.assignee IS NOT c.c4
        OR s.location IS NOT c.c5
"""


def _sqlite(connection: Connection, source: str, triggers: dict[str, str]) -> None:
    """Put ``source`` and ``triggers`` in place and rewrite the index rows they change."""
    for name in triggers:
        connection.exec_driver_sql(f"DROP TRIGGER IF EXISTS {name}")
    connection.exec_driver_sql("DROP VIEW IF EXISTS asset_search_source")
    connection.exec_driver_sql(source)
    for ddl in triggers.values():
        connection.exec_driver_sql(ddl)
    connection.exec_driver_sql(_SQLITE_CHANGED)
    connection.exec_driver_sql(
        "DELETE FROM asset_search WHERE rowid IN (SELECT search_rank FROM asset_search_refold)"
    )
    connection.exec_driver_sql(
        "INSERT INTO asset_search(rowid, tag, serial_number, name, model, assignee, location) "
        "SELECT search_rank, tag, serial_number, name, model, assignee, location "
        "FROM asset_search_refold ORDER BY search_rank"
    )
    connection.exec_driver_sql("DROP TABLE asset_search_refold")


# -- PostgreSQL ------------------------------------------------------------------------

_PG_FOLD_UTF8 = r"""CREATE OR REPLACE FUNCTION asset_search_fold(t text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN octet_length(t) = char_length(t) THEN lower(t)
                ELSE lower(regexp_replace(normalize(t, NFD), '[\u0300-\u036f]+', '', 'g')) END
$$"""

# normalize() needs a UTF-8 database: elsewhere only the case is folded.
_PG_FOLD_OTHER = """CREATE OR REPLACE FUNCTION asset_search_fold(t text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT lower(t) $$"""

_PG_TRIGRAMS_OF = """CREATE OR REPLACE FUNCTION asset_search_trigrams_of(VARIADIC texts text[])
    RETURNS SETOF text LANGUAGE sql IMMUTABLE AS $$
    SELECT DISTINCT substr(f, i, 3)
    FROM unnest(texts) AS t, asset_search_fold(t) AS f, generate_series(1, char_length(f) - 2) AS i
    WHERE f IS NOT NULL
$$"""

# As revision 0009 left it (the downgrade).
_PG_TRIGRAMS_OF_0009 = """CREATE OR REPLACE FUNCTION asset_search_trigrams_of(VARIADIC texts text[])
    RETURNS SETOF text LANGUAGE sql IMMUTABLE AS $$
    SELECT DISTINCT substr(lower(t), i, 3)
    FROM unnest(texts) AS t, generate_series(1, char_length(t) - 2) AS i
    WHERE t IS NOT NULL
$$"""

# An asset's trigrams change only if its own fields hold other than ASCII.
_PG_NOT_ASCII = (
    "octet_length(concat(a.tag, a.serial_number, a.name)) "
    "<> char_length(concat(a.tag, a.serial_number, a.name))"
)
_PG_DROP_TRIGRAMS = f"""DELETE FROM asset_search_trigrams g USING assets a
    WHERE g.tag_key = a.tag_key AND {_PG_NOT_ASCII}"""
_PG_ADD_TRIGRAMS = f"""INSERT INTO asset_search_trigrams (trigram, tag_key)
    SELECT DISTINCT g, a.tag_key
    FROM assets a, asset_search_trigrams_of(a.tag, a.serial_number, a.name) AS g
    WHERE {_PG_NOT_ASCII}
    ON CONFLICT DO NOTHING"""

#: (0003's index on the column, this revision's index on the folded column, table, column)
_PG_TRGM_INDEXES = (
    ("asset_search_tag_trgm", "asset_search_tag_fold_trgm", "assets", "tag"),
    ("asset_search_serial_trgm", "asset_search_serial_fold_trgm", "assets", "serial_number"),
    ("asset_search_name_trgm", "asset_search_name_fold_trgm", "assets", "name"),
    ("asset_search_model_trgm", "asset_search_model_fold_trgm", "asset_models", "name"),
    (
        "asset_search_manufacturer_trgm",
        "asset_search_manufacturer_fold_trgm",
        "manufacturers",
        "name",
    ),
    ("asset_search_person_trgm", "asset_search_person_fold_trgm", "people", "name"),
    ("asset_search_location_trgm", "asset_search_location_fold_trgm", "locations", "name"),
)
_PG_ANALYZE = "ANALYZE assets, asset_models, manufacturers, people, locations"


def _pg_has_trgm(connection: Connection) -> bool:
    found = connection.exec_driver_sql("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")
    return found.first() is not None


def _postgresql_upgrade(connection: Connection) -> None:
    encoding = connection.exec_driver_sql("SHOW server_encoding").scalar_one()
    connection.exec_driver_sql(_PG_FOLD_UTF8 if encoding == "UTF8" else _PG_FOLD_OTHER)
    connection.exec_driver_sql(_PG_DROP_TRIGRAMS)
    connection.exec_driver_sql(_PG_TRIGRAMS_OF)
    connection.exec_driver_sql(_PG_ADD_TRIGRAMS)
    if _pg_has_trgm(connection):
        for old, new, table, column in _PG_TRGM_INDEXES:
            connection.exec_driver_sql(
                f"CREATE INDEX {new} ON {table} USING gin (asset_search_fold({column}) gin_trgm_ops)"
            )
            connection.exec_driver_sql(f"DROP INDEX IF EXISTS {old}")
    connection.exec_driver_sql(_PG_ANALYZE)


def _postgresql_downgrade(connection: Connection) -> None:
    connection.exec_driver_sql(_PG_DROP_TRIGRAMS)
    connection.exec_driver_sql(_PG_TRIGRAMS_OF_0009)
    connection.exec_driver_sql(_PG_ADD_TRIGRAMS)
    if _pg_has_trgm(connection):
        for old, new, table, column in _PG_TRGM_INDEXES:
            connection.exec_driver_sql(
                f"CREATE INDEX {old} ON {table} USING gin ({column} gin_trgm_ops)"
            )
            connection.exec_driver_sql(f"DROP INDEX IF EXISTS {new}")
    connection.exec_driver_sql("DROP FUNCTION asset_search_fold(text)")
    connection.exec_driver_sql(_PG_ANALYZE)


def upgrade() -> None:
    connection = op.get_bind()
    backend = connection.dialect.name
    if backend == "sqlite":
        driver: Any = connection.connection.driver_connection
        driver.create_function("asset_search_fold", 1, _fold, deterministic=True)
        _sqlite(connection, SQLITE_SOURCE, SQLITE_TRIGGERS)
    elif backend == "postgresql":
        _postgresql_upgrade(connection)
    # MariaDB: its collation folds (see above).


def downgrade() -> None:
    connection = op.get_bind()
    backend = connection.dialect.name
    if backend == "sqlite":
        _sqlite(connection, SQLITE_SOURCE_0008, SQLITE_TRIGGERS_0008)
    elif backend == "postgresql":
        _postgresql_downgrade(connection)
