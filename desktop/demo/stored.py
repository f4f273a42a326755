"""Demo rows in SQLite's stored form, and the way they reach the other backends.

The life generator (:mod:`desktop.demo.life`) writes each asset, procedure and approval
directly as the tuple SQLite stores — UUIDs as 32 hex digits, UTC times as
``YYYY-MM-DD HH:MM:SS.ffffff`` text, dates as ISO text, money as integer cents, JSON as
the text ``json.dumps`` writes — in the column order of :data:`COLUMNS`. On SQLite the
tuples go to the driver's ``executemany`` as they are: no per-row dictionaries, no
bind processing. On PostgreSQL and MariaDB (:class:`ServerRows`) they are read back
through the SQLite column types' result processors into the values the models hold and
bound through the server dialect's own processors, as any insert would be.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import marshal
import os
import random
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from sqlalchemy import JSON, Connection, Dialect, Table, create_engine, insert, select

from desktop.storage.models import Approval, Asset, Procedure

ASSET_COLUMNS = (
    "id",
    "tag",
    "tag_key",
    "name",
    "category_id",
    "model_id",
    "serial_number",
    "status",
    "location_id",
    "assigned_to_id",
    "owning_group_id",
    "purchase_date",
    "purchase_cost",
    "order_number",
    "supplier_id",
    "warranty_end",
    "custom_fields",
    "notes",
    "last_audited_at",
    "version",
    "created_at",
    "updated_at",
)
PROCEDURE_COLUMNS = (
    "id",
    "asset_id",
    "kind",
    "state",
    "template_id",
    "template_version",
    "performed_by_id",
    "performed_at",
    "ticket_ref",
    "reason",
    "answers",
    "changes",
    "origin",
    "origin_detail",
    "risk_level",
    "approvals_required",
    "asset_version",
    "completed_at",
    "note",
    "version",
    "created_at",
    "updated_at",
)
APPROVAL_COLUMNS = (
    "id",
    "procedure_id",
    "approver_id",
    "decision",
    "comment",
    "decided_at",
    "approver_groups",
)


def _table(model: Any) -> Table:
    table = model.__table__
    assert isinstance(table, Table)
    return table


#: table → the columns of its stored tuples, in order (every column of the table).
COLUMNS: dict[Table, tuple[str, ...]] = {
    _table(Asset): ASSET_COLUMNS,
    _table(Procedure): PROCEDURE_COLUMNS,
    _table(Approval): APPROVAL_COLUMNS,
}
ASSETS, PROCEDURES, APPROVALS = COLUMNS


class DanglingReferenceError(RuntimeError):
    """Demo rows refer to rows that do not exist (a bug in the generator)."""


#: table → (position in its tuples, column, referenced table) of each foreign key.
REFERENCES: dict[Table, tuple[tuple[int, str, str], ...]] = {
    table: tuple(
        sorted(
            (columns.index(key.parent.key), key.parent.key, key.column.table.name)
            for key in table.foreign_keys
        )
    )
    for table, columns in COLUMNS.items()
}


def referenced_ids(connection: Connection) -> dict[str, frozenset[str]]:
    """The ids (32 hex digits) of every row the generated rows may refer to outside their
    own tables: people, locations, models, templates… — read once before generating (on
    SQLite as stored, without a ``UUID`` made and turned back into hex for each: 6,800 ids
    at 10,000 assets, ~0.1 s CPU under a profiler)."""
    own = {table.name for table in COLUMNS}
    tables = _table(Asset).metadata.tables
    targets = {target for found in REFERENCES.values() for _i, _c, target in found} - own
    if connection.dialect.name == "sqlite":  # stored as they are compared: no UUID made
        return {
            name: frozenset(
                connection.exec_driver_sql(f"SELECT id FROM {name}").scalars()  # noqa: S608
            )
            for name in sorted(targets)
        }
    return {
        name: frozenset(
            value.hex for value in connection.execute(select(tables[name].c.id)).scalars()
        )
        for name in sorted(targets)
    }


def check_references(known: dict[str, frozenset[str]], *rows: Sequence[tuple[Any, ...]]) -> None:
    """Raise :class:`DanglingReferenceError` unless every reference in these assets,
    procedures and approvals is to a row of ``known`` (:func:`referenced_ids`) or of the
    same rows (a procedure's asset, an approval's procedure, made in the same chunk).

    The demo's rows are checked here, as a set per column, in whichever process made
    them, instead of by ``PRAGMA foreign_key_check`` per row at the end (100,000 assets:
    0.94 s CPU in the demo's process, most of it reading the procedures table again)."""
    ids = {
        **known,
        **{
            table.name: {row[0] for row in found}
            for table, found in zip(COLUMNS, rows, strict=True)
        },
    }
    for (table, found_references), table_rows in zip(REFERENCES.items(), rows, strict=True):
        for index, column, target in found_references:
            missing = {row[index] for row in table_rows}.difference(ids[target])
            missing.discard(None)
            if missing:
                row = next(row for row in table_rows if row[index] in missing)
                raise DanglingReferenceError(
                    f"demo rows refer to missing rows: {table.name} row {row[0]} → {target} "
                    f"({column} {row[index]})"
                )


def check_columns() -> None:
    """Fail loudly when a model gained or lost a column the tuples do not know of (a new
    column would otherwise be left out of the raw INSERT)."""
    for table, columns in COLUMNS.items():
        known = {column.key for column in table.columns}
        if known != set(columns) or len(columns) != len(known):
            raise RuntimeError(
                f"demo rows for {table.name} have columns {sorted(columns)}, the table has "
                f"{sorted(known)}"
            )


def insert_sql(table: Table) -> str:
    """``INSERT INTO table (columns) VALUES (?, …)`` for the stored tuples (SQLite)."""
    columns = COLUMNS[table]
    return (
        f"INSERT INTO {table.name} ({', '.join(columns)}) "  # noqa: S608 - our own names
        f"VALUES ({', '.join('?' * len(columns))})"
    )


def insert_stored(connection: Connection, table: Table, rows: Sequence[tuple[Any, ...]]) -> None:
    """Stored tuples straight to the SQLite driver's ``executemany``."""
    if rows:
        connection.exec_driver_sql(insert_sql(table), list(rows))


def spool_rows(
    path: str, *rows: Sequence[tuple[Any, ...]], search: Sequence[tuple[Any, ...]] = ()
) -> None:
    """Write a worker's stored tuples (assets, procedures, approvals) into a new SQLite file
    ``path``, in bare tables of the same names and columns (no key, no type, no journal),
    for :func:`insert_spooled`. As cheap as pickling them (10,000 assets: 0.25 against
    0.28 s CPU), and the demo's connection copies them without binding each value again
    (0.17 against 0.32 s for ``executemany``, plus 0.13 for unpickling).

    ``search`` (the assets' search index rows) goes beside it, in a :mod:`marshal` file
    that :func:`spooled_search` reads: the demo's process needs those rows as Python
    tuples, which it read back from a table of the spool file ~4 times slower (100,000
    assets: ~0.13 s CPU of the process that inserts everything), and the worker saves
    their ``executemany``."""
    if search:
        with open(path + _SEARCH_SUFFIX, "wb") as file:
            marshal.dump(list(search), file)
    connection = sqlite3.connect(path, isolation_level=None)
    try:
        connection.execute("PRAGMA journal_mode = OFF")
        connection.execute("PRAGMA synchronous = OFF")
        connection.execute("BEGIN")
        for (table, columns), table_rows in zip(COLUMNS.items(), rows, strict=True):
            connection.execute(f"CREATE TABLE {table.name} ({', '.join(columns)})")
            connection.executemany(insert_sql(table), table_rows)
        connection.execute("COMMIT")
    finally:
        connection.close()


#: The name the demo's connection attaches a spool file under: a number follows.
SPOOL_SCHEMA = "demo_spool_"
#: Beside a spool file, its assets' search index rows less their ranks, where the
#: writers made them (:attr:`desktop.demo.procedure_rows.Rows.search`), in a :mod:`marshal` file
#: named as the spool file with this after it.
_SEARCH_SUFFIX = ".search"


def insert_spooled(connection: Connection, path: str, number: int) -> None:
    """Copy the rows of the spool file ``path`` (:func:`spool_rows`) into the tables, in
    the connection's transaction: attached as ``demo_spool_<number>``, which stays
    attached until the transaction ends (SQLite holds its read lock until then;
    :func:`desktop.demo.sqlite_fill.demo_write` detaches it)."""
    schema = f"{SPOOL_SCHEMA}{number}"
    attach_mapped(connection, path, schema)
    for table, columns in COLUMNS.items():
        listed = ", ".join(columns)
        # OR ROLLBACK: a constraint failure ends the whole transaction (as any error
        # ends the demo's), so SQLite keeps no statement journal for the statement —
        # with ABORT it wrote every page the copy changed to a temporary file first
        # (10,000 assets: ~3,800 pages in /var/tmp)
        connection.exec_driver_sql(
            f"INSERT OR ROLLBACK INTO main.{table.name} ({listed}) "  # noqa: S608
            f"SELECT {listed} FROM {schema}.{table.name}"
        )


def attach_mapped(connection: Connection, path: str, schema: str) -> None:
    """Attach the SQLite file ``path`` as ``schema``, read through a memory map (a file
    in /dev/shm is then read without a system call per page: 10,000 assets, ~12,000
    ``pread`` calls of this process fewer)."""
    connection.exec_driver_sql(f"ATTACH DATABASE ? AS {schema}", (path,))
    connection.exec_driver_sql(f"PRAGMA {schema}.mmap_size = {SPOOL_MAP_BYTES}")


#: The most of an attached spool file read through a memory map (SQLite's own limit is
#: 2 GiB where it maps at all; a larger file is read as usual past it).
SPOOL_MAP_BYTES = 1 << 30


def spooled_search(path: str) -> list[tuple[Any, ...]]:
    """The search rows spooled beside the spool file ``path`` (:func:`spool_rows`), none
    if it has none; their file is removed once read (in memory where the folder is
    /dev/shm)."""
    try:
        with open(path + _SEARCH_SUFFIX, "rb") as file:
            rows = marshal.loads(file.read())  # (load reads a file piece by piece: slower)
    except FileNotFoundError:
        return []
    os.unlink(path + _SEARCH_SUFFIX)
    assert isinstance(rows, list)
    return rows


_from_timestamp = dt.datetime.fromtimestamp
_UTC = dt.UTC
_EPOCH_ORDINAL = dt.date(1970, 1, 1).toordinal()


#: Day number since 1970-01-01 → ``YYYY-MM-DD `` (filled as met).
class _DayTexts(dict[int, str]):
    """Day number → its text, made when first asked for with ``[]`` (a C lookup)."""

    def __missing__(self, day: int) -> str:
        text = self[day] = dt.date.fromordinal(_EPOCH_ORDINAL + day).isoformat() + " "
        return text


#: Hour of the day → ``HH:``.
_HOUR_OF_DAY_TEXTS = tuple(f"{hour:02d}:" for hour in range(24))


#: Hour number since 1970-01-01 00:00 → ``YYYY-MM-DD HH:`` (filled as met: a demo's times
#: fall in the working hours of a few thousand days, ~12,000 hours met in the first chunk
#: of 2,000 assets).
class _HourTexts(dict[int, str]):
    """Hour number → its text, made when first asked for with ``[]`` (a C lookup), from
    its day's text (made once per day: 0.7 against 1.4 µs a new hour)."""

    def __missing__(self, hour: int) -> str:
        day, hour_of_day = divmod(hour, 24)
        text = self[hour] = _DAY_TEXTS[day] + _HOUR_OF_DAY_TEXTS[hour_of_day]
        return text


_DAY_TEXTS = _DayTexts()
_HOUR_TEXTS = _HourTexts()
#: Second of the hour → ``MM:SS.``.
_MINUTE_SECOND_TEXTS = tuple(f"{m:02d}:{s:02d}." for m in range(60) for s in range(60))


def stamp(ts: float) -> str:
    """The POSIX time ``ts`` as SQLite stores a UTC time: ``2024-05-06 09:12:33.123456``.

    The text ``datetime.fromtimestamp(ts, UTC).isoformat(" ", "microseconds")`` gives less
    its ``+00:00``, put together from the hour's text (made once per hour), the minute's
    and second's (a table) and the microseconds, rounded as ``fromtimestamp`` rounds them:
    the fraction of the second (``ts`` less its whole seconds, an exact subtraction) times
    a million, half to even (the same texts on 40,000 times of the demo's range and on
    halves of a microsecond; about half the time of the day's and second's texts looked
    up apart, measured by turns in one process)."""
    if ts < 0:
        return _from_timestamp(ts, _UTC).isoformat(" ", "microseconds")[:-6]
    whole = int(ts)
    micro = round((ts - whole) * 1e6)
    if micro >= 1_000_000:
        micro -= 1_000_000
        whole += 1
    hour, rest = divmod(whole, 3600)
    return f"{_HOUR_TEXTS[hour]}{_MINUTE_SECOND_TEXTS[rest]}{micro:06d}"


#: ``json.dumps(text)`` for a string (quoted, escaped, ASCII), in C.
quote: Callable[[str], str] = json.encoder.encode_basestring_ascii
_ENCODER = json.JSONEncoder()
#: The C encoder ``json.dumps`` makes anew on every call, made once (half the time for
#: the small documents of the demo); ``None`` where the C accelerator is missing.
_make_c_encoder = getattr(json.encoder, "c_make_encoder", None)
_c_encode: Callable[[Any, int], Sequence[str]] | None = (
    None
    if _make_c_encoder is None
    else _make_c_encoder(None, _ENCODER.default, quote, None, ": ", ", ", False, False, True)
)


def encode(value: Any) -> str:
    """What ``json.dumps(value)`` gives (for documents without cycles)."""
    if _c_encode is None or value.__class__ is str:
        return _ENCODER.encode(value)
    return "".join(_c_encode(value, 0))


_CLEAR = ~((0xF000 << 64) | (0xC000 << 48))  # version and variant bits
_SET = (0x4000 << 64) | (0x8000 << 48)  # version 4, RFC 4122 variant


class HexIds:
    """Random version 4 UUIDs as the 32 hex digits SQLite stores, from a generator seeded
    by the operating system (ids differ on every run, as ``uuid4`` ones do, so that
    ``demo --add`` with the same seed never collides).

    Made :data:`ID_BATCH` at a time: one draw of random bits for all of them, their
    version and variant bits set with one mask, one hex text cut into ids (a call is
    then the C ``__next__`` of a chain, :attr:`next`: 0.1 against 0.35 µs an id)."""

    def __init__(self) -> None:
        self.bits = random.Random().getrandbits
        #: The next id: the fastest way to take one (a C call, no Python frame).
        self.next: Callable[[], str] = itertools.chain.from_iterable(self._batches()).__next__

    def __call__(self) -> str:
        return self.next()

    def _batches(self) -> Iterator[list[str]]:
        bits, size = self.bits, 32 * ID_BATCH
        while True:
            text = f"{(bits(128 * ID_BATCH) & _CLEAR_ALL) | _SET_ALL:0{size}x}"
            yield [text[i : i + 32] for i in range(0, size, 32)]


#: Ids made per draw by :class:`HexIds`.
ID_BATCH = 512
_CLEAR_ALL = sum(_CLEAR % (1 << 128) << (128 * i) for i in range(ID_BATCH))
_SET_ALL = sum(_SET << (128 * i) for i in range(ID_BATCH))


class ServerRows:
    """Inserts stored tuples on a server backend: each value read back through the SQLite
    column type's result processor (hex → ``UUID``, text → aware ``datetime``, cents →
    ``Decimal``, JSON text → objects), then bound by the server dialect's own processor,
    as any insert would be — composed per column, in one pass. A JSON text the server's
    processor would write again unchanged is passed on as it is."""

    def __init__(self, dialect: Dialect) -> None:
        sqlite = create_engine("sqlite://").dialect
        self.tables: dict[Table, tuple[str, bool, list[str], list[Any]]] = {}
        for table, columns in COLUMNS.items():
            compiled = insert(table).compile(dialect=dialect, column_keys=list(columns))
            positional = bool(compiled.positional)
            keys = list(compiled.positiontup or ()) if positional else list(compiled.binds)
            steps = []
            for key in keys:
                type_ = table.columns[key].type
                read = type_._cached_result_processor(sqlite, None)
                bind = type_._cached_bind_processor(dialect)
                steps.append((columns.index(key), _composed(read, bind, type_)))
            self.tables[table] = (str(compiled), positional, keys, steps)

    def insert(self, connection: Connection, table: Table, rows: Sequence[tuple[Any, ...]]) -> None:
        if not rows:
            return
        sql, positional, keys, steps = self.tables[table]
        params: list[Any] = []
        for row in rows:
            values = [
                value if convert is None or value is None else convert(value)
                for value, convert in ((row[i], convert) for i, convert in steps)
            ]
            params.append(tuple(values) if positional else dict(zip(keys, values, strict=True)))
        connection.exec_driver_sql(sql, params)


_PROBE = '{"a": [1, "\\u00e9 \\"x\\"", null, true], "b": {}}'


def _composed(
    read: Callable[[Any], Any] | None, bind: Callable[[Any], Any] | None, type_: Any
) -> Callable[[Any], Any] | None:
    """The stored value → the server's parameter: ``bind(read(value))``, skipping a side
    that is missing — or nothing at all for JSON the server would re-encode identically."""
    if (
        isinstance(type_, JSON)
        and read is not None
        and bind is not None
        and bind(read(_PROBE)) == _PROBE
    ):
        return None
    if read is None:
        return bind
    if bind is None:
        return read
    return lambda value: bind(read(value))
