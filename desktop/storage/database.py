"""Opening a database: engines, connection checks, schema version checks, units of work."""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.engine import URL
from sqlalchemy.exc import DBAPIError, IntegrityError

from desktop.errors import PermissionDeniedError, SchemaMismatchError
from desktop.storage import migrate
from desktop.storage.compiled_cache import SQLITE_COMPILED
from desktop.storage.driver_errors import (
    BUSY_WORDS,
    first_line,
    is_privilege_refusal,
    translate_connection_errors,
)
from desktop.storage.folding import register_sqlite_functions
from desktop.storage.tls import check_tls_files, mysql_engine_url
from desktop.storage.urls import as_typed, describe, parse_url, redact

if TYPE_CHECKING:
    from sqlalchemy.orm import Session, sessionmaker

    from desktop.storage.bulk import References

sql_log = logging.getLogger("assetdesk.sql")

SQLITE_BUSY_TIMEOUT_MS = 10_000
#: Local files (the default database and field kits) commit durably (issue 16 point 7).
SQLITE_SYNCHRONOUS = "FULL"


@dataclass(frozen=True)
class SchemaState:
    current: str | None
    head: str

    @property
    def up_to_date(self) -> bool:
        return self.current == self.head


class Database:
    """One database: a write engine, a read engine and their sessions.

    On SQLite, writes begin with ``BEGIN IMMEDIATE`` so that two writers queue on the
    busy timeout instead of failing when a read upgrades to a write; reads stay
    deferred and never block writers (WAL).

    Making one and reading through :meth:`connect` need only SQLAlchemy Core: the ORM, the
    mapped models and the history guards are imported by the first session (a window's
    first paint does not wait for them).
    """

    def __init__(self, url: str | URL, *, log_sql_timing: bool = False) -> None:
        self.url = parse_url(url) if isinstance(url, str) else url
        self.backend = self.url.get_backend_name()
        if self.backend == "mariadb":
            self.backend = "mysql"
        self.engine = self._create_engine(immediate=True)
        self.read_engine = self._create_engine(immediate=False) if self.is_sqlite else self.engine
        self._session_makers: tuple[sessionmaker[Session], sessionmaker[Session]] | None = None
        self._session_makers_lock = threading.Lock()
        if log_sql_timing:
            _log_sql_timing(self.engine)
            if self.read_engine is not self.engine:
                _log_sql_timing(self.read_engine)

    @property
    def is_sqlite(self) -> bool:
        return self.backend == "sqlite"

    @property
    def display_url(self) -> str:
        return redact(self.url)

    @property
    def description(self) -> str:
        return describe(self.url)

    @property
    def named(self) -> str:
        """How a message names the database: its description, and its URL (no password)
        where that says more — a local file's URL only repeats its path ("local file
        /tmp/a.db (sqlite:////tmp/a.db)")."""
        if self.backend == "sqlite":
            return self.description
        return f"{self.description} ({self.display_url})"

    @property
    def typed_url(self) -> str:
        """The URL as a person types it, for a command to copy: no driver, no password and
        not the character set Assetdesk adds (``mariadb://root@db/assets``, where
        :attr:`display_url` says ``mariadb+pymysql://root@db/assets?charset=utf8mb4``)."""
        url = self.url._replace(password=None)  # (not "***": set() keeps a password on None)
        if self.backend == "mysql" and url.query.get("charset") == "utf8mb4":
            url = url.difference_update_query(["charset"])
        return as_typed(redact(url))

    def _upgrade_command(self) -> str:
        """The command that migrates this database, naming it: a plain ``assetdesk db
        upgrade`` run where the settings name another database (or none) migrates that
        one — the local file, for someone who typed the server in Settings to test it."""
        return f"assetdesk --database {self.typed_url} db upgrade"

    @property
    def sqlite_path(self) -> Path | None:
        if not self.is_sqlite or not self.url.database or self.url.database == ":memory:":
            return None
        return Path(self.url.database)

    def _create_engine(self, *, immediate: bool) -> Engine:
        kwargs: dict[str, Any] = {}
        if self.is_sqlite:
            kwargs["connect_args"] = {"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000}
        else:
            kwargs["pool_pre_ping"] = True
            kwargs["isolation_level"] = "READ COMMITTED"
            kwargs["connect_args"] = {"connect_timeout": 10}
            if self.backend == "postgresql":  # libpq's own keepalives (see DEAD_PEER)
                kwargs["connect_args"].update(
                    {k: v for k, v in _LIBPQ_DEAD_PEER.items() if k not in self.url.query}
                )
        url = self.url
        if not self.is_sqlite:
            check_tls_files(url, f"{self.description} ({self.display_url})")
        if self.backend == "mysql":
            url, tls_args = mysql_engine_url(url)
            kwargs["connect_args"].update(tls_args)
        if self.is_sqlite:  # the same statements compiled once for all of them
            kwargs["execution_options"] = {"compiled_cache": SQLITE_COMPILED}
        engine = create_engine(url, **kwargs)
        if self.is_sqlite:
            _configure_sqlite(engine, immediate=immediate, path=self.sqlite_path)
        elif self.backend == "mysql":
            _watch_for_a_dead_peer(engine)
            _activate_personal_role(engine)
            _clear_session_flags_on_return(engine)
        return engine

    # -- units of work -------------------------------------------------------------

    def _sessions(self) -> tuple[sessionmaker[Session], sessionmaker[Session]]:
        """The (write, read) session factories, made on first use with the ORM."""
        makers = self._session_makers
        if makers is None:
            with self._session_makers_lock:
                makers = self._session_makers
                if makers is None:
                    from sqlalchemy.orm import sessionmaker

                    import desktop.storage.guards  # noqa: F401 - registers the history guards

                    makers = (
                        sessionmaker(self.engine, expire_on_commit=False),
                        sessionmaker(self.read_engine, expire_on_commit=False),
                    )
                    self._session_makers = makers
        return makers

    @contextmanager
    def write(self) -> Iterator[Session]:
        """A session in a transaction that commits on success and rolls back on error."""
        with translate_connection_errors(self), self._sessions()[0].begin() as session:
            yield session

    @contextmanager
    def bulk_write(
        self, references: References, *, rollback_journal: bool = False
    ) -> Iterator[Session]:
        """:meth:`write` for a bulk writer that notes its rows' references in
        ``references`` (see :class:`desktop.storage.bulk.References`): on SQLite the
        connection looks up no reference row by row during this transaction, and before
        it commits the noted references are looked up once each and the tables the ORM
        changed meanwhile are checked (``PRAGMA foreign_key_check``); a missing reference
        raises :class:`IntegrityError` and rolls everything back. The connection checks
        row by row again before it goes back to the pool. Elsewhere the server checks
        every row, as in :meth:`write`.

        ``rollback_journal``: the caller's process reads nothing else from the file
        meanwhile (the command line): this process's idle connections are closed and, if
        no other connection has the file open, the transaction writes with a rollback
        journal, WAL again after it (see :mod:`desktop.storage.bulk_journal`)."""
        if not self.is_sqlite:
            with self.write() as session:
                yield session
            return
        import sqlite3

        from sqlalchemy import event as orm_event

        from desktop.storage.bulk_journal import restore_journal, use_rollback_journal

        if rollback_journal:  # our own idle connections hold the file open too
            self.read_engine.dispose()
            self.engine.dispose()
        with translate_connection_errors(self), self.engine.connect() as connection:
            dbapi = connection.connection.dbapi_connection
            assert dbapi is not None
            # The pragmas change nothing inside a transaction: set before BEGIN.
            dbapi.execute("PRAGMA foreign_keys=OFF")
            journal = use_rollback_journal(dbapi) if rollback_journal else None
            try:
                with self._sessions()[0](bind=connection) as session, session.begin():
                    changed: set[str] = set()

                    def _note(flushing: Session, *_: Any) -> None:
                        for item in (*flushing.new, *flushing.dirty):
                            table = getattr(item, "__tablename__", None)
                            if table is not None:
                                changed.add(table)

                    orm_event.listen(session, "before_flush", _note)
                    yield session
                    session.flush()
                    references.check(connection)
                    for table in sorted(changed):
                        _check_foreign_keys(connection, table)
            finally:
                try:
                    dbapi.execute("PRAGMA foreign_keys=ON")
                    restored = dbapi.execute("PRAGMA foreign_keys").fetchone() == (1,)
                except sqlite3.Error:  # the error on its way out stays the one that happened
                    restored = False
                if not restore_journal(dbapi, journal):
                    restored = False
                if not restored:
                    connection.invalidate()  # never back to the pool unchecked

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A session for queries; whatever it may have changed is rolled back."""
        with translate_connection_errors(self), self._sessions()[1]() as session:
            try:
                yield session
            finally:
                session.rollback()

    @contextmanager
    def connect(self) -> Iterator[Connection]:
        """A plain Core connection for reads (no ORM); closing it rolls back whatever it
        may have changed. Connection failures become one clear message, as for sessions."""
        with translate_connection_errors(self), self.read_engine.connect() as connection:
            yield connection

    # -- opening and schema --------------------------------------------------------

    def check_connection(self) -> None:
        """Connect once; a failure becomes one clear message."""
        with translate_connection_errors(self), self.engine.connect() as connection:
            connection.execute(text("SELECT 1"))

    def schema_state(self) -> SchemaState:
        with translate_connection_errors(self), self.engine.connect() as connection:
            heads = migrate.current_revisions(connection)
            if len(heads) > 1:
                raise SchemaMismatchError(
                    f"The database {self.display_url} records {len(heads)} schema versions "
                    f"({', '.join(sorted(heads))}) where there is always one: its version "
                    "table was changed by hand. Nothing was changed; restore a backup or "
                    "ask an administrator."
                )
            current = heads[0] if heads else None
            if current is None and migrate.holds_foreign_data(connection):
                raise SchemaMismatchError(
                    f"The database {self.display_url} holds tables but no Assetdesk schema "
                    "version: it is not a database this program made, or its version table "
                    "was removed by hand. Nothing was changed; choose another file or "
                    "database, or restore a backup."
                )
            return SchemaState(current, migrate.head_revision())

    def upgrade(self) -> SchemaState:
        """Migrate to the newest schema this program knows (``assetdesk db upgrade``)."""
        state = self.schema_state()
        self._refuse_unknown(state)
        if not state.up_to_date:
            with translate_connection_errors(self):
                migrate.upgrade(self.engine)
        if not self.is_sqlite:
            self.install_roles()
        return self.schema_state()

    def install_roles(self) -> None:
        """A server's database roles and their grants (desktop.storage.logins), laid down
        again on every upgrade by the owner login, so that new tables are granted too."""
        from desktop.storage.logins import install_roles, session_login

        with translate_connection_errors(self), self.engine.begin() as connection:
            login = session_login(connection)
            if login is not None and login.owner:
                try:  # no savepoint: MariaDB's GRANT and CREATE ROLE commit implicitly
                    install_roles(connection)
                except DBAPIError as exc:
                    if not is_privilege_refusal(exc):
                        raise
                    raise PermissionDeniedError(
                        f"The owner login of {self.description} may not create this "
                        f"register's database roles ({first_line(exc)}). The schema is up to "
                        "date; give the owner login the right to create roles (PostgreSQL: "
                        "ALTER ROLE <owner> CREATEROLE; MariaDB: GRANT CREATE USER ON *.* TO "
                        "<owner> WITH GRANT OPTION) and run db upgrade again."
                    ) from exc

    def ensure_schema(self) -> None:
        """Refuse a schema this program does not know; migrate local files automatically.

        A shared server is migrated only on explicit request, so that one client's new
        version never changes the schema under everyone else.
        """
        state = self.schema_state()
        self._refuse_unknown(state)
        if state.up_to_date:
            return
        if self.is_sqlite:
            with translate_connection_errors(self):
                migrate.upgrade(self.engine)
            return
        if state.current is None:
            raise SchemaMismatchError(
                f"The {self.description} has no Assetdesk schema yet. An administrator "
                f"creates it with: {self._upgrade_command()}"
            )
        raise SchemaMismatchError(
            f"The {self.description} has an older Assetdesk schema ({state.current}); this "
            f"version needs {state.head}. An administrator upgrades it with: "
            f"{self._upgrade_command()}"
        )

    def _refuse_unknown(self, state: SchemaState) -> None:
        if (
            state.current not in (None, state.head)
            and state.current not in migrate.known_revisions()
        ):
            raise SchemaMismatchError(
                f"The database {self.display_url} has schema {state.current}, which this version "
                "of Assetdesk does not know (it was made by a newer version). Update Assetdesk."
            )

    def dispose(self) -> None:
        self.engine.dispose()
        if self.read_engine is not self.engine:
            self.read_engine.dispose()


def open_database(url: str, *, log_sql_timing: bool = False) -> Database:
    """Open ``url``, create a local file's folder, check the connection and the schema."""
    parsed = parse_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database and parsed.database != ":memory:":
        Path(parsed.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
    database = Database(parsed, log_sql_timing=log_sql_timing)
    try:
        database.check_connection()
        database.ensure_schema()
    except BaseException:
        database.dispose()
        raise
    return database


def create_private_file(path: Path) -> None:
    """Create a new local file readable and writable by its owner only (0600), before
    SQLite creates it with the umask's mode; its -wal and -shm files take the same mode."""
    path = path.expanduser()
    if path.exists() or not path.parent.is_dir():
        return
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except FileExistsError:  # another process made it first: theirs stands
        return
    os.chmod(path, 0o600)  # whatever the umask


def make_private(path: Path, what: str) -> str | None:
    """Tighten an existing local file and its -wal and -shm files to 0600 (owner only)
    when they are looser: files made before :func:`create_private_file` (0644 under umask
    022) hold people's names too. Only a file this user owns is changed. Returns None when
    nothing needed doing or it was done, else the sentence saying what could not be done
    (``what`` names the file: "the field kit")."""
    if os.name != "posix":  # modes are POSIX's
        return None
    path = path.expanduser()
    for part in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        try:
            found = part.stat()
        except OSError:
            continue  # none (no -wal between sessions), or not ours to look at
        if found.st_mode & 0o077 == 0:
            continue
        if found.st_uid != os.getuid():
            why = f"it belongs to another user (uid {found.st_uid}), who can run: chmod 600 {part}"
        else:
            try:
                os.chmod(part, 0o600)
                continue
            except OSError as exc:
                why = exc.strerror or str(exc)
        return (
            f"{what} {part} is readable by other users (mode {found.st_mode & 0o777:o}) and "
            f"could not be made private: {why}"
        )
    return None


#: MariaDB: the session's user variable that pauses the update trigger's trigram upkeep
#: (migration 0020; desktop.services.search sets and clears it around a bulk update).
TRIGRAMS_IN_BULK_VARIABLE = "@assetdesk_search_trigrams_in_bulk"
#: The pool entry's mark that the variable may be set on that connection.
TRIGRAMS_IN_BULK_MARK = "assetdesk_trigrams_in_bulk"


def _clear_session_flags_on_return(engine: Engine) -> None:
    """MariaDB: a connection that goes back to the pool with the trigram pause possibly
    set (its block never reached its own clearing: an error in the clearing itself, a
    block left unfinished) has it cleared before anybody else gets it; a connection on
    which that fails is closed rather than pooled. A user variable outlives transactions
    (a rollback keeps it), and the next holder's updates would leave the search stale."""

    @event.listens_for(engine, "reset")
    def _on_reset(dbapi_connection: Any, record: Any, reset_state: Any) -> None:
        if record is None or not record.info.pop(TRIGRAMS_IN_BULK_MARK, False):
            return
        # Raised, the pool logs it and closes the connection instead of keeping it.
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute(f"SET {TRIGRAMS_IN_BULK_VARIABLE} = NULL")
        finally:
            cursor.close()


#: A shared server that stops answering while a statement waits for it — a VPN that
#: dropped, a laptop carried out of the Wi-Fi — is given up after about this many seconds
#: (then the window says the database is unavailable and retries) instead of a read that
#: waits for ever: TCP keepalive probes after 15 s of silence, every 5 s, 3 unanswered; and
#: data the server's machine has not acknowledged for 30 s. A slow statement on a server
#: that is there is not cut short: its machine answers the probes.
DEAD_PEER_SECONDS = 30
_KEEPALIVE = (("TCP_KEEPIDLE", 15), ("TCP_KEEPINTVL", 5), ("TCP_KEEPCNT", 3))
_LIBPQ_DEAD_PEER = {
    "keepalives": 1,
    "keepalives_idle": 15,
    "keepalives_interval": 5,
    "keepalives_count": 3,
    "tcp_user_timeout": DEAD_PEER_SECONDS * 1000,
}


def watch_for_a_dead_peer(sock: Any) -> None:
    """Keepalive probes and an unacknowledged-data timeout on ``sock`` (TCP only; each
    option where the operating system has it)."""
    import socket

    if getattr(sock, "family", None) not in (socket.AF_INET, socket.AF_INET6):
        return  # a Unix socket: the server is on this machine
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)
    options = (*_KEEPALIVE, ("TCP_USER_TIMEOUT", DEAD_PEER_SECONDS * 1000))
    for name, value in options:
        option = getattr(socket, name, None)
        if option is not None:
            sock.setsockopt(socket.IPPROTO_TCP, option, value)


def _watch_for_a_dead_peer(engine: Engine) -> None:
    """MariaDB: PyMySQL has no keepalive setting; its socket gets them when it connects."""

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, record: Any) -> None:
        watch_for_a_dead_peer(getattr(dbapi_connection, "_sock", None))


def _activate_personal_role(engine: Engine) -> None:
    """MariaDB: switch a person's login to the role that carries their roles in this
    register (``<database>_u_<login>``, desktop.storage.logins); the owner has none."""

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, record: Any) -> None:
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute(
                "SELECT ROLE_NAME FROM information_schema.APPLICABLE_ROLES WHERE ROLE_NAME = "
                "CONCAT(DATABASE(), '_u_', SUBSTRING_INDEX(USER(), '@', 1))"
            )
            found = cursor.fetchone()
            if found:
                cursor.execute("SET ROLE `" + str(found[0]).replace("`", "``") + "`")
        finally:
            cursor.close()


def _check_foreign_keys(connection: Connection, table: str) -> None:
    """``PRAGMA foreign_key_check`` of ``table``: its first violation raises IntegrityError."""
    violation = connection.exec_driver_sql(f'PRAGMA foreign_key_check("{table}")').first()
    if violation is not None:
        raise IntegrityError(
            f"PRAGMA foreign_key_check({table})",
            None,
            LookupError(
                f"FOREIGN KEY constraint failed: a row of {table} names a row of "
                f"{violation[2]} that is not there"
            ),
        )


def _configure_sqlite(engine: Engine, *, immediate: bool, path: Path | None) -> None:
    if path is not None:

        @event.listens_for(engine, "do_connect")
        def _before_connect(dialect: Any, record: Any, cargs: Any, cparams: Any) -> None:
            create_private_file(path)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, record: Any) -> None:
        dbapi_connection.isolation_level = None  # we emit BEGIN ourselves
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.close()
        register_sqlite_functions(dbapi_connection)  # the search index's triggers call it
        _read_file_settings(dbapi_connection, record, wait=False)

    @event.listens_for(engine, "checkout")
    def _on_checkout(dbapi_connection: Any, record: Any, proxy: Any) -> None:
        if record.info.get(_FILE_SETTINGS_PENDING):  # made while another program held it
            _read_file_settings(dbapi_connection, record, wait=True)

    begin = "BEGIN IMMEDIATE" if immediate else "BEGIN"

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        connection.exec_driver_sql(begin)


#: The pool entry's mark that its connection was made while another program held the
#: file: its settings that read the file are made at its checkout (:func:`_read_file_settings`).
_FILE_SETTINGS_PENDING = "assetdesk_file_settings_pending"


def _read_file_settings(dbapi_connection: Any, record: Any, *, wait: bool) -> None:
    """WAL (a new file; a file another program left in a rollback journal) and the
    durability of commits: the connection's settings that read the file.

    On a file another program holds (``assetdesk import`` writes with a rollback journal
    and BEGIN EXCLUSIVE, see :mod:`desktop.storage.bulk_journal`) they are refused as
    busy. When the connection is made (``wait=False``) they do not wait for the file, and
    a refusal does not fail the connection but leaves them to its checkout: SQLAlchemy
    runs a pool's connect events under one lock until a connection has been made once, so
    on a window opened during an import (or whose pool was disposed) every new connection
    waited for the busy timeout inside these pragmas one after the other, each holding a
    place of the pool, while the window's background reads kept asking — the register's
    read after F5 waited for a place behind them for more than 30 s, and the window never
    said "busy". At the checkout (``wait=True``, no pool-wide lock) they wait for the file
    for the busy timeout like any statement, beside the others; refused, the checkout
    fails as busy (the pool closes the connection): no statement runs on a connection
    without them."""
    import sqlite3

    if not wait:
        dbapi_connection.execute("PRAGMA busy_timeout=0")
    try:
        dbapi_connection.execute("PRAGMA journal_mode=WAL")
        # FULL: a commit is on disk when it returns, also in WAL mode, so the last scans
        # and procedures survive a laptop's battery dying (NORMAL may lose the last
        # commits on power loss). Cost: measured by tests/benchmarks/bench_durability.py.
        dbapi_connection.execute(f"PRAGMA synchronous={SQLITE_SYNCHRONOUS}")
    except sqlite3.OperationalError as exc:
        if wait or not any(word in str(exc).lower() for word in BUSY_WORDS):
            raise
        record.info[_FILE_SETTINGS_PENDING] = True
    else:
        record.info.pop(_FILE_SETTINGS_PENDING, None)
    finally:
        if not wait:
            dbapi_connection.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")


def _log_sql_timing(engine: Engine) -> None:
    @event.listens_for(engine, "before_cursor_execute")
    def _before(
        conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, many: bool
    ) -> None:
        conn.info.setdefault("query_start", []).append(time.perf_counter())

    @event.listens_for(engine, "after_cursor_execute")
    def _after(
        conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, many: bool
    ) -> None:
        elapsed = time.perf_counter() - conn.info["query_start"].pop()
        sql_log.debug("%.2f ms  %s", elapsed * 1000, " ".join(statement.split())[:300])
