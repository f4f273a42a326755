"""Who a connection is on a shared server, and the database roles of one register.

On PostgreSQL and MariaDB every person has their own database login (DESIGN.md, security
model). This module answers, for an open connection: which login is it
(:func:`session_login`), and is it the *owner* login — the one that installs and
upgrades the schema (PostgreSQL: a superuser or the owner of the schema's tables;
MariaDB: a login holding the TRIGGER privilege, so that it may drop the triggers). The owner stands
outside the per-person model: it may act as a named person (``--as``), as it could drop
every trigger anyway. Every other login is bound to its one person.

It also names a register's database roles: role names are server-wide, so each is
prefixed by the database's name (``assetdesk_technician``), and lays down their grants
(:func:`install_roles`, run by ``db upgrade``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import Connection, inspect, text

#: The database roles of a register, by our role names (desktop.domain.permissions) plus
#: ``viewer``, the read-only base every login holds.
VIEWER = "viewer"
DATABASE_ROLES = (VIEWER, "technician", "approver", "auditor", "administrator")

#: Reference data and templates: only administrators write them.
REFERENCE_TABLES = (
    "categories",
    "manufacturers",
    "asset_models",
    "suppliers",
    "locations",
    "groups",
    "group_memberships",
    "roles",
    "people",
    "person_roles",
    "person_logins",
    "procedure_templates",
)
#: Day-to-day work: technicians, approvers, auditors and administrators insert and
#: update these (completed procedures stay history through migration 0012's triggers).
WORK_TABLES = (
    "assets",
    "tag_sequences",
    "procedures",
    "audits",
    "audit_expected",
    "incidents",
    "incident_assets",
    "label_templates",
    "import_profiles",
    # Field kits: a checkout, its refresh and check-in, and the conflict queue.
    "kit_checkouts",
    "kit_checkout_assets",
    "kit_conflicts",
)
#: Rows of these are removed in normal work (unlinking, replacing a saved template, the
#: assets of a kit's checkout replaced at each refresh).
WORK_DELETES = (
    "audit_expected",
    "incident_assets",
    "label_templates",
    "import_profiles",
    "kit_checkout_assets",
)
#: History: inserted, never updated or deleted, by any application role (an import
#: that wrote records itself in ``import_runs``).
HISTORY_INSERTS = ("audit_scans", "incident_events", "import_runs")
#: Approvals: inserted by approvers only (and checked by migration 0013/0014's trigger).
APPROVALS = "approvals"
ADMIN_LOG = "admin_log"

_NAME = re.compile(r"^[a-z][a-z0-9_]{0,62}$")


@dataclass(frozen=True)
class SessionLogin:
    """The login a server connection runs as, and whether it is the owner login."""

    name: str
    owner: bool


def session_login(connection: Connection) -> SessionLogin | None:
    """The login of ``connection``; None on SQLite (a local file has no logins).

    Cached on the DBAPI connection: a pooled connection keeps its login.
    """
    dialect = connection.dialect.name
    if dialect == "sqlite":
        return None
    cached = connection.info.get("assetdesk_login")
    if isinstance(cached, SessionLogin):
        return cached
    if dialect == "postgresql":
        row = connection.execute(
            text(
                "SELECT session_user::text AS name, COALESCE((SELECT rolsuper FROM pg_roles "
                "WHERE rolname = session_user), FALSE) OR COALESCE(pg_has_role(session_user, "
                "(SELECT relowner FROM pg_class WHERE oid = to_regclass('approvals')), "
                "'MEMBER'), FALSE) AS owner"
            )
        ).one()
        found = SessionLogin(str(row.name), bool(row.owner))
    else:
        # The owner holds the TRIGGER privilege (it made the triggers and may drop
        # them), on every database or on this one; no application role holds it. Read
        # from SHOW GRANTS: the same question asked of information_schema's privilege
        # tables once crashed MariaDB 10.11 (signal 11 freeing the query's temporary
        # table) under concurrent account changes.
        name = str(connection.execute(text("SELECT SUBSTRING_INDEX(USER(), '@', 1)")).scalar_one())
        grants = [str(line[0]) for line in connection.exec_driver_sql("SHOW GRANTS")]
        found = SessionLogin(name, holds_trigger(grants, database_name(connection)))
    connection.info["assetdesk_login"] = found
    return found


#: ``GRANT privileges ON what TO``; ``what`` is ``*.*``, ``db.*`` or ``db.table``, each name
#: bare or backquoted (a quoted name may hold spaces and doubled backquotes).
_QUOTED_OR_BARE = r"(?:`(?:[^`]|``)*`|[^\s.`]+|\*)"
_GRANT = re.compile(rf"GRANT (.+?) ON ({_QUOTED_OR_BARE}\.{_QUOTED_OR_BARE}) TO ", re.DOTALL)


def holds_trigger(grants: list[str], database: str) -> bool:
    """Whether MariaDB's ``SHOW GRANTS`` lines give TRIGGER on every database or on
    ``database`` (privileges on single tables, routines and roles do not count)."""
    here = "`" + database.replace("`", "``") + "`.*"
    for line in grants:
        match = _GRANT.match(line)
        if match is None or match.group(2) not in ("*.*", here):
            continue
        privileges = {p.strip().upper() for p in match.group(1).split(",")}
        if privileges & {"ALL PRIVILEGES", "ALL", "TRIGGER"}:
            return True
    return False


def database_name(connection: Connection) -> str:
    query = (
        "SELECT current_database()"
        if connection.dialect.name == "postgresql"
        else ("SELECT DATABASE()")
    )
    return str(connection.execute(text(query)).scalar_one())


def role_name(connection: Connection, role: str) -> str:
    """The server-wide name of this register's database role ``role``."""
    return f"{database_name(connection)}_{role}"


def personal_role(connection: Connection, login: str) -> str:
    """MariaDB: the role that carries one login's roles in this register (one active role
    at a time there, so a person holding two roles holds them through this one)."""
    return f"{database_name(connection)}_u_{login}"


def check_login_name(login: str) -> str:
    """``login`` lower-cased, or ValueError: letters, digits and ``_``, a letter first."""
    login = login.strip().lower()
    if not _NAME.match(login):
        raise ValueError(login)
    return login


def quote(connection: Connection, name: str) -> str:
    return connection.dialect.identifier_preparer.quote_identifier(name)


def install_roles(connection: Connection) -> None:
    """Create this register's database roles and (re)grant them on every table.

    Run by the owner login after migrating (``db upgrade``); idempotent, so tables a
    later migration adds are granted too. No-op on SQLite.
    """
    dialect = connection.dialect.name
    if dialect == "sqlite":
        return
    tables = set(inspect(connection).get_table_names())
    names = {role: quote(connection, role_name(connection, role)) for role in DATABASE_ROLES}
    workers = [names[r] for r in DATABASE_ROLES if r != VIEWER]
    statements: list[str] = []
    if dialect == "postgresql":
        for role in DATABASE_ROLES:
            exists = connection.execute(
                text("SELECT 1 FROM pg_roles WHERE rolname = :name"),
                {"name": role_name(connection, role)},
            ).first()
            if exists is None:
                statements.append(f"CREATE ROLE {names[role]} NOLOGIN")
        database = quote(connection, database_name(connection))
        schema = quote(
            connection, str(connection.execute(text("SELECT current_schema()")).scalar_one())
        )
        statements += [
            f"GRANT CONNECT ON DATABASE {database} TO {names[VIEWER]}",
            f"GRANT USAGE ON SCHEMA {schema} TO {names[VIEWER]}",
            f"GRANT SELECT ON ALL TABLES IN SCHEMA {schema} TO {names[VIEWER]}",
            f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {schema} TO {', '.join(workers)}",
        ]
        statements += [f"GRANT {names[VIEWER]} TO {worker}" for worker in workers]
        prefix = ""
    else:
        statements += [f"CREATE ROLE IF NOT EXISTS {names[role]}" for role in DATABASE_ROLES]
        database = quote(connection, database_name(connection))
        statements.append(f"GRANT SELECT ON {database}.* TO {names[VIEWER]}")
        statements += [f"GRANT {names[VIEWER]} TO {worker}" for worker in workers]
        prefix = f"{database}."

    def on(table: str) -> str:
        return prefix + quote(connection, table)

    for table in sorted(tables & set(WORK_TABLES)):
        statements.append(f"GRANT INSERT, UPDATE ON {on(table)} TO {', '.join(workers)}")
    for table in sorted(tables & set(WORK_DELETES)):
        statements.append(f"GRANT DELETE ON {on(table)} TO {', '.join(workers)}")
    for table in sorted(tables & set(HISTORY_INSERTS)):
        statements.append(f"GRANT INSERT ON {on(table)} TO {', '.join(workers)}")
    if APPROVALS in tables:
        statements.append(f"GRANT INSERT ON {on(APPROVALS)} TO {names['approver']}")
    for table in sorted(tables & set(REFERENCE_TABLES)):
        statements.append(
            f"GRANT INSERT, UPDATE, DELETE ON {on(table)} TO {names['administrator']}"
        )
    if ADMIN_LOG in tables:
        statements.append(f"GRANT INSERT ON {on(ADMIN_LOG)} TO {names['administrator']}")
    for search_table in sorted(t for t in tables if t.startswith("asset_search")):
        statements.append(
            f"GRANT INSERT, UPDATE, DELETE ON {on(search_table)} TO {', '.join(workers)}"
        )
    for statement in statements:
        connection.exec_driver_sql(statement)
