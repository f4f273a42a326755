"""Checking a kit out: a scope's assets and all reference data into a new SQLite file."""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import uuid
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, cast

from sqlalchemy import Connection, Table, func, select
from sqlalchemy.engine import URL
from sqlalchemy.orm import Session

from desktop.domain.permissions import Work
from desktop.domain.tags import normalize_tag
from desktop.errors import NotFoundError
from desktop.kits.model import (
    TAG_BLOCK_SIZE,
    Cancel,
    KitCancelled,
    KitError,
    KitInfo,
    Progress,
    Scope,
    TagBlock,
)
from desktop.kits.schema import (
    attach_source,
    create_kit_tables,
    detach_source,
    fill,
    scope_text,
)
from desktop.services.audits import find_audit
from desktop.services.permissions import require
from desktop.services.tags import reserve_block
from desktop.storage import migrate
from desktop.storage.database import Database, create_private_file
from desktop.storage.kitfile import connection_is_kit
from desktop.storage.models import (
    Category,
    KitCheckout,
    KitCheckoutAsset,
    Location,
    Person,
)
from desktop.storage.types import utcnow


def resolve_scope(
    source: Database,
    *,
    locations: Sequence[str] = (),
    assigned_to: Sequence[str] = (),
    search: str | None = None,
    audit: str | None = None,
) -> Scope:
    """The scope named by location names or codes, user names, a search text and an
    audit name or id. An unknown name raises NotFoundError naming it; an empty scope
    raises KitError."""
    with source.read() as session:
        location_ids = tuple(_location(session, text) for text in locations)
        people = tuple(_person(session, text) for text in assigned_to)
        audit_id = find_audit(session, audit).id if audit else None
    scope = Scope(location_ids, people, (search or "").strip() or None, audit_id)
    if scope.empty:
        raise KitError(
            "say what the kit holds: one or more locations, people whose assets it takes, "
            "a search, or an open audit"
        )
    return scope


def _location(session: Session, text: str) -> uuid.UUID:
    wanted = text.strip()
    by_code = session.execute(
        select(Location.id).where(Location.code_key == normalize_tag(wanted))
    ).scalar_one_or_none()
    if by_code is not None:
        return by_code
    named = (
        session.execute(select(Location.id).where(func.lower(Location.name) == wanted.lower()))
        .scalars()
        .all()
    )
    if len(named) == 1:
        return named[0]
    if named:
        raise NotFoundError(
            f"there are {len(named)} locations named '{wanted}': give the location's code"
        )
    raise NotFoundError(f"there is no location with the name or code '{wanted}'")


def _person(session: Session, text: str) -> uuid.UUID:
    wanted = text.strip().lower()
    found = session.execute(
        select(Person.id).where(func.lower(Person.username) == wanted)
    ).scalar_one_or_none()
    if found is None:
        raise NotFoundError(f"there is no person with the user name '{text.strip()}'")
    return found


def source_url(db: Database) -> URL:
    """``db``'s URL without password (a local file's path made absolute)."""
    url = db.url
    if db.is_sqlite and url.database and url.database != ":memory:":
        return URL.create(url.drivername, database=str(Path(url.database).resolve()))
    return URL.create(
        url.drivername,
        username=url.username,
        host=url.host,
        port=url.port,
        database=url.database,
        query=url.query,
    )


def new_kit_database(path: Path) -> Database:
    """A new migrated SQLite database at ``path`` (which must not exist): a copy of an
    empty migrated file kept in the user's cache folder per schema version (made by the
    migrations the first time). The file is made readable by its owner only (0600, like
    a local register: a kit holds people's names and the register's data) before SQLite
    writes to it; its -wal and -shm files take the same mode."""
    create_private_file(path)
    _copy_sqlite(_kit_template(), path)
    return Database(URL.create("sqlite", database=str(path)))


def _copy_sqlite(source: Path, target: Path) -> None:
    with (
        contextlib.closing(sqlite3.connect(source)) as src,
        contextlib.closing(sqlite3.connect(target)) as dst,
    ):
        src.backup(dst)


def _kit_template() -> Path:
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "assetdesk"
    path = cache / f"kit-schema-{migrate.head_revision()}.sqlite"
    if path.exists():
        return path
    cache.mkdir(parents=True, exist_ok=True)
    partial = cache / f"{path.name}.{uuid.uuid4().hex}.partial"
    made = Database(URL.create("sqlite", database=str(partial)))
    try:
        made.upgrade()
    finally:
        made.dispose()
    whole = partial.with_name(partial.name + ".whole")
    _copy_sqlite(partial, whole)  # one self-contained file, its log folded in
    for suffix in ("", "-wal", "-shm"):
        Path(f"{partial}{suffix}").unlink(missing_ok=True)
    os.replace(whole, path)
    return path


def checkout(
    source: Database,
    scope: Scope,
    by_user: str,
    path: Path,
    *,
    progress: Progress | None = None,
    cancel: Cancel | None = None,
) -> KitInfo:
    """Make the kit ``path`` (which must not exist) from ``source`` and record the
    checkout on ``source``. Cancel removes the half-made file and records nothing."""
    from desktop.kits.info import kit_info

    path = Path(path).expanduser()
    if path.exists():
        raise KitError(f"{path} already exists: choose a new file for the kit")
    if not path.parent.is_dir():
        raise KitError(f"the folder {path.parent} does not exist")
    if scope.empty:
        raise KitError("the kit's scope is empty")
    with source.connect() as connection:
        if connection_is_kit(connection):
            raise KitError(
                f"{source.display_url} is itself a field kit: sync it, or take the kit "
                "from the database it came from"
            )
    kit_id = uuid.uuid4()
    made: Database | None = None
    try:
        with source.read() as session:
            # Refused before the kit file is made (the service's check: GUI and CLI alike).
            person = require(session, by_user, Work.KIT_CHECKOUT)
            person_id, username = person.id, person.username
            made = new_kit_database(path)
            text_scope = scope_text(session, scope)
            with made.engine.connect() as kit:
                attach_source(kit, source)
                try:
                    with kit.begin():
                        create_kit_tables(kit)
                        copied = fill(session, kit, scope, progress=progress, cancel=cancel)
                finally:
                    detach_source(kit)
        if cancel is not None and cancel():
            raise KitCancelled("the checkout was cancelled; nothing was recorded")
        now = utcnow()
        # The source records the checkout and reserves the tag blocks, in one transaction.
        with source.write() as session:
            prefixes = sorted(session.execute(select(Category.tag_prefix)).scalars())
            blocks = reserve_tag_blocks(session, prefixes)
            session.add(
                KitCheckout(
                    id=kit_id,
                    checked_out_by_id=person_id,
                    checked_out_at=now,
                    scope=scope.as_json(),
                    scope_text=text_scope,
                    asset_count=len(copied.asset_ids),
                    tag_blocks=[b.__dict__ for b in blocks],
                )
            )
            session.flush()
            record_checkout_assets(session.connection(), kit_id, copied.asset_ids)
        with made.engine.begin() as kit:
            for block in blocks:
                kit.exec_driver_sql(
                    "INSERT INTO tag_sequences (prefix, next_value) VALUES (?, ?) "
                    "ON CONFLICT (prefix) DO UPDATE SET next_value = excluded.next_value",
                    (block.prefix, block.first),
                )
            kit.exec_driver_sql(
                "INSERT INTO kit_meta (id, kit_id, source_url, source_description, scope, "
                "scope_text, checked_out_by, checked_out_at, refreshed_at, tag_blocks, "
                "journal_on) VALUES (1, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)",
                (
                    kit_id.hex,
                    source_url(source).render_as_string(hide_password=False),
                    source.description,
                    json.dumps(scope.as_json()),
                    text_scope,
                    username,
                    now.isoformat(),
                    now.isoformat(),
                    json.dumps([b.__dict__ for b in blocks]),
                ),
            )
        info = kit_info(made)
        assert info is not None
        return info
    except BaseException:
        if made is not None:
            made.dispose()
            made = None
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        raise
    finally:
        if made is not None:
            made.dispose()


def record_checkout_assets(
    connection: Connection, kit_id: uuid.UUID, asset_ids: Sequence[uuid.UUID]
) -> None:
    """The source's rows saying which assets kit ``kit_id`` holds, in the caller's
    transaction: one ``executemany`` of the driver (values converted as the columns'
    types convert them), not a statement built per row."""
    if not asset_ids:
        return
    table = cast("Table", KitCheckoutAsset.__table__)
    dialect = connection.dialect
    key_type = table.c.asset_id.type.dialect_impl(dialect)
    to_driver: Callable[[Any], Any] = key_type.bind_processor(dialect) or (lambda value: value)
    kit = to_driver(kit_id)
    mark = "?" if dialect.paramstyle == "qmark" else "%s"
    statement = f"INSERT INTO {table.name} (kit_id, asset_id) VALUES ({mark}, {mark})"  # noqa: S608
    connection.exec_driver_sql(statement, [(kit, to_driver(a)) for a in asset_ids])


def reserve_tag_blocks(session: Session, prefixes: Sequence[str]) -> list[TagBlock]:
    """Reserve :data:`TAG_BLOCK_SIZE` tag numbers per prefix on the server, in the
    caller's transaction: numbers no tag in use spells (in any padding), the counter
    locked and moved past them — tags the kit makes from them never collide."""
    blocks: list[TagBlock] = []
    for prefix in prefixes:
        first = reserve_block(session, prefix, TAG_BLOCK_SIZE)
        blocks.append(TagBlock(prefix, first, first + TAG_BLOCK_SIZE - 1))
    return blocks
