"""Backing up the local SQLite file while the app may be using it (``assetdesk db backup``).

Copying a live SQLite file with a file manager can catch it half-written (and misses the
``-wal`` file). SQLite's online backup API copies a consistent snapshot instead: in WAL
mode the copy is one read transaction, so it neither blocks nor is disturbed by the
writers of a running Assetdesk. Server databases are backed up on the server with their
own tools (pg_dump, mariadb-dump); this module says so instead of pretending.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from desktop.errors import DesktopError
from desktop.output_files import check_output_file
from desktop.storage.database import SQLITE_BUSY_TIMEOUT_MS, Database

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class BackupResult:
    """What was backed up, where to, and what the copy holds."""

    source: Path
    target: Path
    size_bytes: int
    asset_count: int
    schema_version: str | None


class BackupCancelled(DesktopError):
    """The user cancelled the backup; no file was written."""


def backup_database(
    database: Database,
    target: Path,
    *,
    overwrite: bool = False,
    progress: Progress | None = None,
    cancel: threading.Event | None = None,
) -> BackupResult:
    """Copy the local database file behind ``database`` to ``target``, safely while in use.

    The copy is written next to ``target`` under a temporary name, checked with
    ``PRAGMA quick_check``, switched to a self-contained single file (no ``-wal``), and
    only then renamed to ``target``: a failed or cancelled backup leaves no file behind.

    Raises:
        DesktopError: a server database (with the tool to use instead), a missing source
            file, an existing target without ``overwrite``, a target folder that does not
            exist, or a copy that fails its check.
        BackupCancelled: ``cancel`` was set.
    """
    source = _source_path(database)
    target = Path(target).expanduser()
    _check_target(source, target, overwrite=overwrite)
    partial = target.with_name(f".{target.name}.partial-{os.getpid()}")
    try:
        _copy(source, partial, progress=progress, cancel=cancel)
        asset_count, schema_version = _check_copy(partial, target)
        os.replace(partial, target)
    finally:
        with contextlib.suppress(FileNotFoundError):
            partial.unlink()
    return BackupResult(
        source=source,
        target=target,
        size_bytes=target.stat().st_size,
        asset_count=asset_count,
        schema_version=schema_version,
    )


def _source_path(database: Database) -> Path:
    if not database.is_sqlite:
        name = database.url.database or "assetdesk"
        tool = (
            f"pg_dump, e.g.: pg_dump --format=custom --file=assetdesk.dump {name}"
            if database.backend == "postgresql"
            else f"mariadb-dump, e.g.: mariadb-dump --single-transaction {name} > assetdesk.sql"
        )
        raise DesktopError(
            f"The database is on a shared server ({database.description}); "
            "'assetdesk db backup' copies only a local database file. "
            f"Back the server up with {tool}"
        )
    path = database.sqlite_path
    if path is None:
        raise DesktopError("an in-memory database has no file to back up")
    path = path.expanduser()
    if not path.is_file():
        raise DesktopError(f"there is no database file at {path} to back up")
    return path


def _check_target(source: Path, target: Path, *, overwrite: bool) -> None:
    check_output_file(target, "the backup")
    if target.exists():
        if target.resolve() == source.resolve():
            raise DesktopError(f"the backup {target} would overwrite the database itself")
        if not overwrite:
            raise DesktopError(
                f"{target} exists already; choose another name or pass --overwrite to replace it"
            )


def _copy(
    source: Path,
    partial: Path,
    *,
    progress: Progress | None,
    cancel: threading.Event | None,
) -> None:
    """SQLite's online backup in one step.

    One step (``pages=-1``) is one read transaction: a consistent snapshot that in WAL
    mode never waits for, and is never restarted by, another connection's writes. Copying
    in several steps would restart from scratch after every write from another process,
    and might never finish while the app is busy.
    """
    if cancel is not None and cancel.is_set():
        raise BackupCancelled("the backup was cancelled; no file was written")
    if progress is not None:
        progress(0, 1)
    try:
        # mode=rw: never create the source by accident; timeout: wait for a writer's lock.
        src = sqlite3.connect(
            f"{source.resolve().as_uri()}?mode=rw", uri=True, timeout=SQLITE_BUSY_TIMEOUT_MS / 1000
        )
        try:
            dst = sqlite3.connect(partial)
            try:
                src.backup(dst, pages=-1)
                # A backup should be one self-contained file, not a file plus its -wal.
                dst.execute("PRAGMA journal_mode=DELETE")
            finally:
                dst.close()
        finally:
            src.close()
    except sqlite3.Error as exc:
        raise DesktopError(f"could not back up {source} to {partial.parent}: {exc}") from exc
    if cancel is not None and cancel.is_set():
        raise BackupCancelled("the backup was cancelled; no file was written")
    if progress is not None:
        progress(1, 1)


def _check_copy(partial: Path, target: Path) -> tuple[int, str | None]:
    """Open the copy and check it: pages intact, and it is an Assetdesk database."""
    connection = sqlite3.connect(f"{partial.resolve().as_uri()}?mode=ro", uri=True)
    try:
        result = connection.execute("PRAGMA quick_check").fetchone()
        if result is None or result[0] != "ok":
            raise DesktopError(f"the backup {target} failed its integrity check: {result}")
        tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master")}
        if "assets" not in tables:
            return 0, None
        (asset_count,) = connection.execute("SELECT count(*) FROM assets").fetchone()
        version = None
        if "alembic_version" in tables:
            row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
            version = row[0] if row else None
        return int(asset_count), version
    finally:
        connection.close()
