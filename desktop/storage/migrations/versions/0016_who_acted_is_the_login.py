"""the person recorded as having acted is the login's own, checked by the database

On PostgreSQL and MariaDB a row that records who did something — a procedure's performer,
an audit's starter, an audit scan's scanner, an incident's reporter, an incident event's
person — is only accepted when that person's ``person_logins.login`` is the login the
client connected as (PostgreSQL ``session_user``; MariaDB the user part of ``USER()``), as
0014 did for approvals. So a hand-written INSERT from a technician's login cannot record
work in somebody else's name. The owner login that installs and upgrades the schema stays
outside, as in 0014: on PostgreSQL a superuser or the owner of the SECURITY DEFINER
function (``current_user`` inside it); on MariaDB the trigger's definer
(``CURRENT_USER()`` inside the trigger). SQLite files are single-user: nothing to compare.

Frozen: the DDL is written out as it is on the day of this migration.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-05
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: table → the column naming the person who acted.
_ACTORS = (
    ("procedures", "performed_by_id"),
    ("audits", "started_by_id"),
    ("audit_scans", "scanned_by_id"),
    ("incidents", "reported_by_id"),
    ("incident_events", "person_id"),
)
_MESSAGE = (
    "{table}: work is recorded only in the name of the person whose database login "
    "records it (Assetdesk policy: who acted is the login)"
)


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        # SECURITY DEFINER: current_user inside is the function's owner (the owner login),
        # and the check reads person_logins whatever the caller may read.
        op.execute(
            "CREATE FUNCTION assetdesk_check_actor() RETURNS trigger "
            "LANGUAGE plpgsql SECURITY DEFINER SET search_path FROM CURRENT AS $$\n"
            "BEGIN\n"
            "IF NOT (session_user = current_user "
            "OR EXISTS (SELECT 1 FROM pg_roles WHERE rolname = session_user AND rolsuper)) "
            "AND NOT EXISTS (SELECT 1 FROM person_logins a "
            "WHERE a.person_id = (to_jsonb(NEW) ->> TG_ARGV[0])::uuid "
            "AND a.login = session_user) THEN\n"
            "RAISE EXCEPTION '%', replace(TG_ARGV[1], '{table}', TG_TABLE_NAME) "
            "USING ERRCODE = 'insufficient_privilege';\n"
            "END IF;\n"
            "RETURN NEW;\n"
            "END\n$$"
        )
        op.execute("REVOKE ALL ON FUNCTION assetdesk_check_actor() FROM PUBLIC")
        for table, column in _ACTORS:
            op.execute(
                f"CREATE TRIGGER {table}_own_login BEFORE INSERT ON {table} FOR EACH ROW "
                f"EXECUTE FUNCTION assetdesk_check_actor('{column}', '{_MESSAGE}')"
            )
    elif dialect in ("mysql", "mariadb"):
        for table, column in _ACTORS:
            op.execute(
                f"CREATE TRIGGER {table}_own_login BEFORE INSERT ON {table} FOR EACH ROW "
                "BEGIN IF SUBSTRING_INDEX(USER(), '@', 1) "
                "<> SUBSTRING_INDEX(CURRENT_USER(), '@', 1) "
                "AND NOT EXISTS (SELECT 1 FROM person_logins a "
                f"WHERE a.person_id = NEW.{column} "
                "AND a.login = SUBSTRING_INDEX(USER(), '@', 1)) "
                "THEN SIGNAL SQLSTATE '45000' "
                f"SET MESSAGE_TEXT = '{_MESSAGE.format(table=table)}'; END IF; END"
            )


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        for table, _column in _ACTORS:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_own_login ON {table}")
        op.execute("DROP FUNCTION IF EXISTS assetdesk_check_actor()")
    elif dialect in ("mysql", "mariadb"):
        for table, _column in _ACTORS:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_own_login")
