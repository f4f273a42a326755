"""lean asset indexes; a substring index in tag order on PostgreSQL and MariaDB

1. ``assets`` had 27 indexes; ten of them (one column each) are left prefixes of a sort
   index ``(column, tag_key)`` of revision 0003, which serves every lookup they served.
   They are dropped (each insert and update wrote them for nothing).
2. PostgreSQL and MariaDB get ``asset_search_trigrams``: every three-character piece
   (lower case) of each asset's tag, serial number and name, with the asset's tag key,
   keyed by (trigram, tag key), so that a trigram's assets are read *in tag order*. A
   search's first page in the register's default order is then a walk along the rarest
   trigram of the searched text, checked with LIKE, under a LIMIT (see
   desktop/services/server_search.py). Triggers keep it in step with ``assets``.
   MariaDB had no substring index at all (a search was a scan); on PostgreSQL pg_trgm
   found every hit, which was then sorted.

The DDL is written out here as it is on this day (migrations are frozen).

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-05
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: (index, column): each a left prefix of the sort index ``asset_sort_*`` on (column, tag_key).
REDUNDANT_INDEXES: tuple[tuple[str, str], ...] = (
    ("ix_assets_category_id", "category_id"),
    ("ix_assets_model_id", "model_id"),
    ("ix_assets_status", "status"),
    ("ix_assets_location_id", "location_id"),
    ("ix_assets_assigned_to_id", "assigned_to_id"),
    ("ix_assets_owning_group_id", "owning_group_id"),
    ("ix_assets_supplier_id", "supplier_id"),
    ("ix_assets_warranty_end", "warranty_end"),
    ("ix_assets_last_audited_at", "last_audited_at"),
    ("ix_assets_name", "name"),
)

# -- PostgreSQL ------------------------------------------------------------------------

_POSTGRESQL_UP = (
    """CREATE TABLE asset_search_trigrams (
        trigram VARCHAR(3) NOT NULL,
        tag_key VARCHAR(64) NOT NULL,
        CONSTRAINT pk_asset_search_trigrams PRIMARY KEY (trigram, tag_key))""",
    # The distinct lower-case trigrams of some texts (NULLs and short texts give none).
    """CREATE FUNCTION asset_search_trigrams_of(VARIADIC texts text[]) RETURNS SETOF text
        LANGUAGE sql IMMUTABLE AS $$
        SELECT DISTINCT substr(lower(t), i, 3)
        FROM unnest(texts) AS t, generate_series(1, char_length(t) - 2) AS i
        WHERE t IS NOT NULL
    $$""",
    """CREATE FUNCTION asset_search_trigrams_sync() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN
            IF TG_OP <> 'INSERT' THEN
                DELETE FROM asset_search_trigrams
                WHERE tag_key = OLD.tag_key AND trigram IN (
                    SELECT asset_search_trigrams_of(OLD.tag, OLD.serial_number, OLD.name));
            END IF;
            IF TG_OP <> 'DELETE' THEN
                INSERT INTO asset_search_trigrams (trigram, tag_key)
                SELECT g, NEW.tag_key
                FROM asset_search_trigrams_of(NEW.tag, NEW.serial_number, NEW.name) AS g
                ON CONFLICT DO NOTHING;
            END IF;
            RETURN NULL;
        END
    $$""",
    """CREATE TRIGGER asset_search_trigrams_ai AFTER INSERT OR DELETE ON assets
        FOR EACH ROW EXECUTE FUNCTION asset_search_trigrams_sync()""",
    """CREATE TRIGGER asset_search_trigrams_au
        AFTER UPDATE OF tag, tag_key, serial_number, name ON assets
        FOR EACH ROW EXECUTE FUNCTION asset_search_trigrams_sync()""",
    """INSERT INTO asset_search_trigrams (trigram, tag_key)
        SELECT DISTINCT g, a.tag_key
        FROM assets a, asset_search_trigrams_of(a.tag, a.serial_number, a.name) AS g""",
    "ANALYZE asset_search_trigrams",
)

_POSTGRESQL_DOWN = (
    "DROP TRIGGER IF EXISTS asset_search_trigrams_au ON assets",
    "DROP TRIGGER IF EXISTS asset_search_trigrams_ai ON assets",
    "DROP FUNCTION IF EXISTS asset_search_trigrams_sync()",
    "DROP FUNCTION IF EXISTS asset_search_trigrams_of(text[])",
    "DROP TABLE IF EXISTS asset_search_trigrams",
)

# -- MariaDB ---------------------------------------------------------------------------

#: Longest searched field (name: 200 characters): trigram positions 1..198.
_POSITIONS = 200

# The trigrams of one row's three fields, as a derived table (``{row}`` is NEW or OLD).
_MARIADB_TRIGRAMS_OF = """
    SELECT DISTINCT lower(substring(f.v, p.n, 3)) AS trigram
    FROM (SELECT {row}.tag AS v UNION ALL SELECT {row}.serial_number
          UNION ALL SELECT {row}.name) AS f
    JOIN asset_search_positions p ON p.n <= char_length(f.v) - 2
    WHERE f.v IS NOT NULL"""

_MARIADB_UP = (
    "CREATE TABLE asset_search_positions (n SMALLINT NOT NULL PRIMARY KEY)",
    "INSERT INTO asset_search_positions (n) VALUES "
    + ", ".join(f"({n})" for n in range(1, _POSITIONS + 1)),
    # The same character set and collation as assets.tag_key (the database's): tag keys
    # sort alike in both tables, and trigrams compare as LIKE compares characters.
    """CREATE TABLE asset_search_trigrams (
        trigram VARCHAR(3) NOT NULL,
        tag_key VARCHAR(64) NOT NULL,
        CONSTRAINT pk_asset_search_trigrams PRIMARY KEY (trigram, tag_key))""",
    f"""CREATE TRIGGER asset_search_trigrams_ai AFTER INSERT ON assets FOR EACH ROW
        INSERT IGNORE INTO asset_search_trigrams (trigram, tag_key)
        SELECT t.trigram, NEW.tag_key FROM ({_MARIADB_TRIGRAMS_OF.format(row="NEW")}) AS t""",
    f"""CREATE TRIGGER asset_search_trigrams_au AFTER UPDATE ON assets FOR EACH ROW
        BEGIN
            IF NOT (NEW.tag <=> OLD.tag AND NEW.tag_key <=> OLD.tag_key
                    AND NEW.serial_number <=> OLD.serial_number AND NEW.name <=> OLD.name)
                    THEN
                DELETE FROM asset_search_trigrams
                WHERE tag_key = OLD.tag_key AND trigram IN (
                    SELECT t.trigram FROM ({_MARIADB_TRIGRAMS_OF.format(row="OLD")}) AS t);
                INSERT IGNORE INTO asset_search_trigrams (trigram, tag_key)
                SELECT t.trigram, NEW.tag_key
                FROM ({_MARIADB_TRIGRAMS_OF.format(row="NEW")}) AS t;
            END IF;
        END""",
    f"""CREATE TRIGGER asset_search_trigrams_ad AFTER DELETE ON assets FOR EACH ROW
        DELETE FROM asset_search_trigrams
        WHERE tag_key = OLD.tag_key AND trigram IN (
            SELECT t.trigram FROM ({_MARIADB_TRIGRAMS_OF.format(row="OLD")}) AS t)""",
    f"""INSERT IGNORE INTO asset_search_trigrams (trigram, tag_key)
        SELECT lower(substring(f.v, p.n, 3)), f.tag_key
        FROM (SELECT tag_key, tag AS v FROM assets
              UNION ALL SELECT tag_key, serial_number FROM assets
              UNION ALL SELECT tag_key, name FROM assets) AS f
        JOIN asset_search_positions p ON p.n <= char_length(f.v) - 2
        WHERE f.v IS NOT NULL""",
    "ANALYZE TABLE asset_search_trigrams",
)

_MARIADB_DOWN = (
    "DROP TRIGGER IF EXISTS asset_search_trigrams_ad",
    "DROP TRIGGER IF EXISTS asset_search_trigrams_au",
    "DROP TRIGGER IF EXISTS asset_search_trigrams_ai",
    "DROP TABLE IF EXISTS asset_search_trigrams",
    "DROP TABLE IF EXISTS asset_search_positions",
)


def upgrade() -> None:
    connection = op.get_bind()
    for name, _column in REDUNDANT_INDEXES:
        op.drop_index(name, table_name="assets")
    backend = connection.dialect.name
    statements = {"postgresql": _POSTGRESQL_UP, "mysql": _MARIADB_UP, "mariadb": _MARIADB_UP}
    for statement in statements.get(backend, ()):
        connection.exec_driver_sql(statement)


def downgrade() -> None:
    connection = op.get_bind()
    backend = connection.dialect.name
    statements = {
        "postgresql": _POSTGRESQL_DOWN,
        "mysql": _MARIADB_DOWN,
        "mariadb": _MARIADB_DOWN,
    }
    for statement in statements.get(backend, ()):
        connection.exec_driver_sql(statement)
    for name, column in REDUNDANT_INDEXES:
        op.create_index(name, "assets", [column])
