"""MariaDB: an asset's search trigrams are deleted by their key, not by a scan of them all

0009's update and delete triggers on ``assets`` delete the old row's trigrams with
``DELETE … WHERE tag_key = OLD.tag_key AND trigram IN (SELECT …)``. MariaDB (10.11)
runs a single-table ``DELETE`` with an ``IN`` subquery as a dependent subquery over
every row the ``WHERE`` leaves it, and ``tag_key`` is the second column of the table's
only key (trigram, tag_key): each changed asset read the whole trigram table. Measured
on 10,000 assets (158,843 trigrams): 58 ms per updated asset, a sync of 1,000 changes
52 s on the server; the table grows with the register, so at 1,000,000 assets each
procedure on MariaDB paid for a full scan of ~16,000,000 rows.

The triggers now delete with a join (``DELETE g FROM asset_search_trigrams g JOIN
(…) t ON g.trigram = t.trigram WHERE g.tag_key = OLD.tag_key``): one key look-up per
trigram of the old row. The same trigrams go; nothing else changes. PostgreSQL and
SQLite are untouched (PostgreSQL's function deletes by its own plan; SQLite has no
trigram table).

Frozen: the triggers are written out as they are on this day (0009's for the downgrade).

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-05
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0019"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The trigrams of one row's three fields, as a derived table (``{row}`` is NEW or OLD).
_TRIGRAMS_OF = """
    SELECT DISTINCT lower(substring(f.v, p.n, 3)) AS trigram
    FROM (SELECT {row}.tag AS v UNION ALL SELECT {row}.serial_number
          UNION ALL SELECT {row}.name) AS f
    JOIN asset_search_positions p ON p.n <= char_length(f.v) - 2
    WHERE f.v IS NOT NULL"""

# The old row's trigrams, found by key (this revision) or by a scan (0009).
_DELETE_OLD = f"""DELETE g FROM asset_search_trigrams g
    JOIN ({_TRIGRAMS_OF.format(row="OLD")}) AS t ON g.trigram = t.trigram
    WHERE g.tag_key = OLD.tag_key"""
_DELETE_OLD_0009 = f"""DELETE FROM asset_search_trigrams
    WHERE tag_key = OLD.tag_key AND trigram IN (
        SELECT t.trigram FROM ({_TRIGRAMS_OF.format(row="OLD")}) AS t)"""


def _triggers(delete_old: str) -> tuple[str, ...]:
    return (
        "DROP TRIGGER IF EXISTS asset_search_trigrams_au",
        "DROP TRIGGER IF EXISTS asset_search_trigrams_ad",
        f"""CREATE TRIGGER asset_search_trigrams_au AFTER UPDATE ON assets FOR EACH ROW
        BEGIN
            IF NOT (NEW.tag <=> OLD.tag AND NEW.tag_key <=> OLD.tag_key
                    AND NEW.serial_number <=> OLD.serial_number AND NEW.name <=> OLD.name)
                    THEN
                {delete_old};
                INSERT IGNORE INTO asset_search_trigrams (trigram, tag_key)
                SELECT t.trigram, NEW.tag_key
                FROM ({_TRIGRAMS_OF.format(row="NEW")}) AS t;
            END IF;
        END""",
        f"""CREATE TRIGGER asset_search_trigrams_ad AFTER DELETE ON assets FOR EACH ROW
        {delete_old}""",
    )


def _run(statements: tuple[str, ...]) -> None:
    connection = op.get_bind()
    if connection.dialect.name not in ("mysql", "mariadb"):
        return
    for statement in statements:
        connection.exec_driver_sql(statement)


def upgrade() -> None:
    _run(_triggers(_DELETE_OLD))


def downgrade() -> None:
    _run(_triggers(_DELETE_OLD_0009))
