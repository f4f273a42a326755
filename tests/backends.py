"""Test databases on SQLite, PostgreSQL and MariaDB.

Each test gets a database of its own whose schema was built by the Alembic migrations.
PostgreSQL and MariaDB come from ``ASSETDESK_TEST_POSTGRESQL_URL`` and
``ASSETDESK_TEST_MARIADB_URL``; when those are set (``.ci/run`` sets them) the servers
are mandatory and a missing one fails. When unset, the usual local servers are tried
and, if they are not running, those tests skip with the reason.
"""

from __future__ import annotations

import itertools
import os
import shutil
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import URL
from sqlalchemy.exc import OperationalError

from desktop.storage import migrate
from desktop.storage.database import Database
from desktop.storage.urls import parse_url

BACKENDS = ("sqlite", "postgresql", "mariadb")
ENV = {"postgresql": "ASSETDESK_TEST_POSTGRESQL_URL", "mariadb": "ASSETDESK_TEST_MARIADB_URL"}
LOCAL_DEFAULTS = {
    "postgresql": "postgresql://postgres@127.0.0.1:5432/postgres",
    "mariadb": "mariadb://root@127.0.0.1:3306/mysql",
}
_counter = itertools.count()
_lock = threading.Lock()


@dataclass
class Server:
    backend: str
    admin_url: URL
    template: str | None = None  # name of the migrated template database

    def database_url(self, name: str) -> URL:
        return self.admin_url.set(database=name)


_servers: dict[str, Server | str] = {}


def server_for(backend: str) -> Server:
    """The server for ``backend``, or a skip/fail with the reason it cannot be used."""
    with _lock:
        if backend not in _servers:
            _servers[backend] = _connect(backend)
    found = _servers[backend]
    if isinstance(found, str):
        if os.environ.get(ENV[backend]):
            pytest.fail(found)
        pytest.skip(found)
    return found


def _connect(backend: str) -> Server | str:
    configured = os.environ.get(ENV[backend])
    url = parse_url(configured or LOCAL_DEFAULTS[backend])
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except OperationalError as exc:
        source = (
            f"{ENV[backend]}={configured}"
            if configured
            else f"no {ENV[backend]} set and the local default"
        )
        return f"{backend} server not reachable ({source}): {str(exc.orig).splitlines()[0]}"
    finally:
        engine.dispose()
    return Server(backend, url)


def _unique_name() -> str:
    return f"adtest_{os.getpid()}_{next(_counter)}"


def _admin_execute(server: Server, *statements: str) -> None:
    engine = create_engine(server.admin_url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            for statement in statements:
                connection.execute(text(statement))
    finally:
        engine.dispose()


def _postgres_template(server: Server) -> str:
    with _lock:
        if server.template is None:
            name = f"adtemplate_{os.getpid()}"
            _admin_execute(server, f'DROP DATABASE IF EXISTS "{name}"', f'CREATE DATABASE "{name}"')
            database = Database(server.database_url(name))
            migrate.upgrade(database.engine)
            database.dispose()
            server.template = name
    return server.template


def _mariadb_template(server: Server) -> str:
    """A database migrated once per test process; each test's database is a copy of it."""
    with _lock:
        if server.template is None:
            name = f"adtemplate_{os.getpid()}"
            _admin_execute(
                server,
                f"DROP DATABASE IF EXISTS `{name}`",
                f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci",
            )
            database = Database(server.database_url(name))
            migrate.upgrade(database.engine)
            database.dispose()
            server.template = name
    return server.template


def _clone_mariadb(server: Server, template: str, name: str) -> None:
    """Copy ``template``'s tables (with their rows), views, routines and triggers into
    ``name``: MariaDB has no CREATE DATABASE … TEMPLATE, and replaying the statements
    that migrations leave behind is several times faster than running the migrations."""
    engine = create_engine(server.database_url(template), isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            tables = connection.execute(text("SHOW FULL TABLES")).all()
            statements = ["SET FOREIGN_KEY_CHECKS=0", f"USE `{name}`"]
            for table, kind in tables:
                if kind == "BASE TABLE":
                    create = connection.execute(text(f"SHOW CREATE TABLE `{table}`")).one()[1]
                    statements.append(create)
                    statements.append(f"INSERT INTO `{table}` SELECT * FROM `{template}`.`{table}`")
            for table, kind in tables:
                if kind == "VIEW":
                    create = connection.execute(text(f"SHOW CREATE VIEW `{table}`")).one()[1]
                    statements.append(create.replace(f"`{template}`.", ""))
            for kind in ("FUNCTION", "PROCEDURE"):
                routines = connection.execute(
                    text(f"SHOW {kind} STATUS WHERE Db = :db"), {"db": template}
                ).all()
                for routine in routines:
                    create = connection.execute(text(f"SHOW CREATE {kind} `{routine[1]}`")).one()
                    statements.append(create[2])
            triggers = connection.execute(
                text(
                    "SELECT TRIGGER_NAME FROM information_schema.TRIGGERS "
                    "WHERE TRIGGER_SCHEMA = :db ORDER BY EVENT_OBJECT_TABLE, ACTION_ORDER"
                ),
                {"db": template},
            ).scalars()
            for trigger in list(triggers):
                create = connection.execute(text(f"SHOW CREATE TRIGGER `{trigger}`")).one()
                statements.append(create[2])
    finally:
        engine.dispose()
    target = create_engine(server.database_url(name), isolation_level="AUTOCOMMIT")
    try:
        with target.connect() as connection:
            for statement in statements:
                connection.exec_driver_sql(statement.replace("%", "%%"))
    finally:
        target.dispose()


_sqlite_template: dict[str, Path] = {}


def _sqlite_migrated(tmp_root: Path) -> Path:
    with _lock:
        if "path" not in _sqlite_template:
            path = tmp_root / "template.sqlite3"
            database = Database(f"sqlite:///{path}")
            migrate.upgrade(database.engine)
            database.dispose()
            _sqlite_template["path"] = path
    return _sqlite_template["path"]


@pytest.fixture(scope="session")
def _sqlite_template_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("sqlite-template")


def make_database(backend: str, tmp_path: Path, template_dir: Path) -> Iterator[Database]:
    """A fresh, migrated database on ``backend``; dropped afterwards."""
    if backend == "sqlite":
        path = tmp_path / "assetdesk.sqlite3"
        shutil.copyfile(_sqlite_migrated(template_dir), path)
        database = Database(f"sqlite:///{path}")
        yield database
        database.dispose()
        return
    server = server_for(backend)
    name = _unique_name()
    if backend == "postgresql":
        _admin_execute(server, f'CREATE DATABASE "{name}" TEMPLATE "{_postgres_template(server)}"')
        database = Database(server.database_url(name))
    else:
        _admin_execute(
            server, f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"
        )
        _clone_mariadb(server, _mariadb_template(server), name)
        database = Database(server.database_url(name))
    try:
        yield database
    finally:
        database.dispose()
        if backend == "postgresql":
            _admin_execute(server, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        else:
            _admin_execute(server, f"DROP DATABASE IF EXISTS `{name}`")
        drop_logins(server, name)


def drop_logins(server: Server, database: str) -> None:
    """Drop the server-wide roles and logins named after ``database`` (``db upgrade``
    makes ``<database>_viewer`` and the like; tests name their logins ``<database>_…``)."""
    pattern = database.replace("_", "\\_") + "\\_%"
    engine = create_engine(server.admin_url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            if server.backend == "postgresql":
                names = connection.execute(
                    text("SELECT rolname FROM pg_roles WHERE rolname LIKE :p"), {"p": pattern}
                ).scalars()
                for role in sorted(names, key=len, reverse=True):
                    connection.execute(text(f'DROP ROLE IF EXISTS "{role}"'))
            else:
                rows = connection.execute(
                    text("SELECT User, Host, is_role FROM mysql.user WHERE User LIKE :p"),
                    {"p": pattern},
                ).all()
                for user, host, is_role in rows:
                    if is_role == "Y":
                        connection.execute(text(f"DROP ROLE IF EXISTS `{user}`"))
                    else:
                        connection.execute(text(f"DROP USER IF EXISTS `{user}`@`{host}`"))
    finally:
        engine.dispose()


def drop_postgres_templates() -> None:
    """Drop this process's template databases (PostgreSQL and MariaDB)."""
    found = _servers.get("postgresql")
    if isinstance(found, Server) and found.template:
        _admin_execute(found, f'DROP DATABASE IF EXISTS "{found.template}" WITH (FORCE)')
    found = _servers.get("mariadb")
    if isinstance(found, Server) and found.template:
        _admin_execute(found, f"DROP DATABASE IF EXISTS `{found.template}`")
