"""Reads and writes through the database driver, with SQLAlchemy's own conversions.

A bulk replay writes thousands of rows per table and reads its server state by long
``IN`` lists: building SQLAlchemy parameters one by one costs more than the work. Here a
statement goes to the driver's ``executemany`` (:class:`_DriverWrite`) or is read in
chunks (:func:`_select_in`), each value converted by its column's type for the dialect
(recurring values converted once): the same code on SQLite, PostgreSQL and MariaDB.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from operator import itemgetter
from typing import Any

from sqlalchemy import JSON, Column, Connection, Table, Uuid

from desktop.kits.schema import chunks
from desktop.kits.stored_values import (
    STORED_TIME_LENGTH,
    sqlite_time,
    sqlite_time_text,
    uuid_from_hex,
)
from desktop.storage.types import UTCDateTime


class _DriverWrite:
    """One statement run through the driver's own ``executemany``: each value converted
    as its column's type converts it for this dialect (what SQLAlchemy does per
    parameter), without compiling the statement or building parameter dictionaries per
    call. Works alike on SQLite, PostgreSQL and MariaDB."""

    def __init__(self, connection: Connection, sql: str, columns: Sequence[Column[Any]]) -> None:
        dialect = connection.dialect
        mark = "?" if dialect.paramstyle == "qmark" else "%s"
        self.connection = connection
        self.sql = sql.replace("?", mark)
        self.converters = [_converter(c, connection) for c in columns]
        self.names = [c.name for c in columns]

    def rows(self, rows: Sequence[Sequence[Any]]) -> list[tuple[Any, ...]]:
        """``rows`` converted for the driver, column by column (``map`` over a column
        costs less than a Python loop over every value)."""
        if not rows:
            return []
        columns = list(zip(*rows, strict=True))
        if len(columns) != len(self.converters):
            raise AssertionError(f"{len(columns)} values for {len(self.converters)}: {self.sql}")
        return _rows(self.converters, columns)

    def run(self, rows: Sequence[Sequence[Any]]) -> int:
        """Run it for ``rows`` (values as the ORM holds them, in the columns' order); the
        rows it touched."""
        result = self.connection.exec_driver_sql(self.sql, self.rows(rows))
        return int(result.rowcount)

    def run_dicts(self, rows: Sequence[Mapping[str, Any]], defaults: Mapping[str, Any]) -> int:
        """:meth:`run` for rows by column name (``defaults`` for the names they lack)."""
        if rows and (missing := set(self.names) - set(rows[0]) - set(defaults)):
            raise AssertionError(f"no value for {sorted(missing)}: {self.sql}")
        if not rows:
            return 0
        given = [name for name in self.names if name in rows[0]]
        picked: dict[str, Sequence[Any]]
        try:  # every row has the first's names: one C-level pick per row
            if len(given) == 1:
                picked = {given[0]: [row[given[0]] for row in rows]}
            else:
                picked = dict(
                    zip(given, zip(*map(itemgetter(*given), rows), strict=True), strict=True)
                )
        except KeyError:
            picked = {name: [row.get(name, defaults.get(name)) for row in rows] for name in given}
        columns = [
            picked[name] if name in picked else [defaults.get(name)] * len(rows)
            for name in self.names
        ]
        result = self.connection.exec_driver_sql(self.sql, _rows(self.converters, columns))
        return int(result.rowcount)


class _JoinedUpdate(_DriverWrite):
    """MariaDB: an ``UPDATE … SET … WHERE k = ? AND …`` for many rows as one statement
    per :data:`JOINED_ROWS` rows, the rows a derived table joined to the updated table
    on the ``WHERE`` columns. PyMySQL's ``executemany`` sends an ``UPDATE`` once per
    row, a round trip each (a sync's 1,000 assets: 0.5-0.9 s of its wall, the server
    busy with the other helpers' work). The rows it touched (MariaDB counts matched
    rows for this dialect: ``CLIENT_FOUND_ROWS``)."""

    def __init__(
        self,
        connection: Connection,
        table: str,
        sets: Sequence[Column[Any]],
        where: Sequence[Column[Any]],
    ) -> None:
        super().__init__(connection, "", [*sets, *where])
        quote = connection.dialect.identifier_preparer.quote
        width = len(sets) + len(where)
        self.first = "SELECT " + ", ".join(f"%s AS v{n}" for n in range(width))
        self.next = "SELECT " + ", ".join(["%s"] * width)
        assignments = ", ".join(f"t.{quote(c.name)} = v.v{n}" for n, c in enumerate(sets))
        matches = " AND ".join(
            f"t.{quote(c.name)} = v.v{n}" for n, c in enumerate(where, start=len(sets))
        )
        self.template = (
            f"UPDATE {quote(table)} t JOIN ({{rows}}) v "  # noqa: S608 - our names only
            f"ON {matches} SET {assignments}"
        )

    def run(self, rows: Sequence[Sequence[Any]]) -> int:
        touched = 0
        for part in chunks(self.rows(rows), JOINED_ROWS):
            derived = " UNION ALL ".join([self.first, *[self.next] * (len(part) - 1)])
            values = tuple(value for row in part for value in row)
            result = self.connection.exec_driver_sql(self.template.format(rows=derived), values)
            touched += int(result.rowcount)
        return touched


#: Rows per statement of a :class:`_JoinedUpdate`.
JOINED_ROWS = 500


def _rows(
    converters: Sequence[Callable[[Any], Any] | None], columns: Sequence[Sequence[Any]]
) -> list[tuple[Any, ...]]:
    """Rows from ``columns`` of values, each column converted by its converter."""
    return list(
        zip(
            *(
                values
                if c is None
                else _each_once(c.process, values)
                if isinstance(c, _Fresh)
                else list(map(c, values))
                for c, values in zip(converters, columns, strict=True)
            ),
            strict=True,
        )
    )


class _Fresh:
    """A converter whose values are not kept from one statement to the next (a JSON
    value may be a dict changed in place meanwhile); within one, the same object in
    consecutive rows is converted once (a sync's procedures of one group share their
    answers: one ``json.dumps`` for the run instead of one per procedure)."""

    __slots__ = ("process",)

    def __init__(self, process: Callable[[Any], Any]) -> None:
        self.process = process

    def __call__(self, value: Any) -> Any:
        return self.process(value)


def _each_once(process: Callable[[Any], Any], values: Sequence[Any]) -> list[Any]:
    """``values`` converted, a value recurring as the same object converted once while
    it does (nothing changes a value while one statement's rows are converted)."""
    converted: list[Any] = []
    append = converted.append
    last: Any = _NOTHING
    made: Any = None
    for value in values:
        if value is not last:
            last = value
            made = process(value)
        append(made)
    return converted


_NOTHING = object()


def _converter(column: Column[Any], connection: Connection) -> Callable[[Any], Any] | None:
    dialect = connection.dialect
    process = column.type.dialect_impl(dialect).bind_processor(dialect)
    if process is None:
        return None
    if isinstance(column.type, JSON):
        return _Fresh(process)  # (a JSON value may be a dict changed in place: never kept)
    if isinstance(column.type, UTCDateTime) and dialect.name == "sqlite":
        standard = process

        def process(value: Any) -> Any:
            return (None if value is None else sqlite_time_text(value)) or standard(value)

    # The same value often recurs row after row (the sync's "now", the template, the
    # person, the audit): converted once while it does.
    last: list[Any] = [None, process(None)]

    def convert(value: Any) -> Any:
        if value is not last[0]:
            last[0], last[1] = value, process(value)
        return last[1]

    return convert


def _insert(connection: Connection, table: Table) -> _DriverWrite:
    quote = connection.dialect.identifier_preparer.quote
    names = ", ".join(quote(c.name) for c in table.columns)
    marks = ", ".join("?" for _ in table.columns)
    sql = f"INSERT INTO {quote(table.name)} ({names}) VALUES ({marks})"  # noqa: S608
    return _DriverWrite(connection, sql, list(table.columns))


def _reader(
    column: Column[Any], connection: Connection, ids: dict[Any, Any]
) -> Callable[[Any], Any] | None:
    """How a driver's value of ``column`` becomes the ORM's (ids and times recur: each
    distinct one is made once; ``ids``: the UUIDs already made, shared by all columns)."""
    dialect = connection.dialect
    process = column.type.dialect_impl(dialect).result_processor(dialect, None)
    if process is None:
        return None
    made: dict[Any, Any] = ids if isinstance(column.type, Uuid) else {}
    standard = process
    if made is ids:

        def process(value: Any) -> Any:  # hex text (SQLite, MariaDB): made without checks
            return uuid_from_hex(value) if isinstance(value, str) else standard(value)

    elif isinstance(column.type, UTCDateTime) and dialect.name == "sqlite":

        def process(value: Any) -> Any:
            if isinstance(value, str) and len(value) == STORED_TIME_LENGTH:
                return sqlite_time(value)
            return standard(value)

    def convert(value: Any) -> Any:
        if value is None:
            return None
        found = made.get(value)
        if found is None:
            found = made[value] = process(value)
        return found

    return convert


def _select_in(
    connection: Connection,
    sql: str,
    key: Column[Any],
    keys: Sequence[Any],
    columns: Sequence[Column[Any]],
    ids: dict[Any, Any],
    fixed: Sequence[tuple[Column[Any], Any]] = (),
) -> list[tuple[Any, ...]]:
    """The rows of ``sql`` (its ``{marks}`` the ``IN`` list of ``key``'s values, after
    ``fixed`` parameters) for all ``keys``, 900 at a time, through the driver: values
    converted by the columns' own types, without SQLAlchemy expanding each ``IN``
    parameter. ``columns``: what ``sql`` selects, in order; ``ids``: see :func:`_reader`."""
    mark = "?" if connection.dialect.paramstyle == "qmark" else "%s"
    to_driver = _converter(key, connection)
    first = tuple(
        value if (c := _converter(column, connection)) is None else c(value)
        for column, value in fixed
    )
    readers = [_reader(c, connection, ids) for c in columns]
    found: list[tuple[Any, ...]] = []
    for part in chunks(keys):
        params = first + (tuple(part) if to_driver is None else tuple(map(to_driver, part)))
        statement = sql.replace("{marks}", ", ".join([mark] * len(part))).replace("?", mark)
        rows = connection.exec_driver_sql(statement, params).all()
        if rows:
            # Column by column: ``map`` over a column costs less than a loop per value.
            found.extend(_rows(readers, list(zip(*rows, strict=True))))
    return found
