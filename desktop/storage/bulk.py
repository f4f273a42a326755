"""Inserting many rows at driver speed, through the tables' own column types.

``connection.execute(insert(table), rows)`` spends most of its time building and
processing a parameter dictionary per row. Here the statement is compiled once for the
dialect, each column's bind processor (the same one SQLAlchemy would apply: UUIDs, UTC
timestamps, Money as cents, JSON) is looked up once, and the processed rows go to the
driver's ``executemany`` in one call — inside the caller's transaction.

Converting (:class:`RowConverter`) and executing (:func:`insert_converted`) are apart so
that the conversion can run in another process (see :mod:`desktop.demo.parallel`).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import operator
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, Connection, Date, Dialect, Table, Uuid, insert
from sqlalchemy.exc import IntegrityError

from desktop.storage.types import Money, UTCDateTime


class RowConverter:
    """Turns row dicts for ``table`` into the driver's parameters for one ``INSERT``.

    ``ready``: columns whose values the caller passes already converted (with
    :meth:`convert`, e.g. once for a value many rows share: a JSON document, a time).
    ``processors``: per column, a faster function that gives what the column's own bind
    processor gives for the values the caller passes (see :func:`sqlite_processors`).
    """

    def __init__(
        self,
        table: Table,
        dialect: Dialect,
        ready: Collection[str] = (),
        processors: Mapping[str, Callable[[Any], Any]] | None = None,
    ) -> None:
        columns = {column.key: column for column in table.columns}
        compiled = insert(table).compile(dialect=dialect, column_keys=list(columns))
        self.sql = str(compiled)
        self.positional = bool(compiled.positional)
        self.keys: list[str] = (
            list(compiled.positiontup or ()) if self.positional else list(compiled.binds)
        )
        missing = set(self.keys) - set(columns)
        if missing:  # pragma: no cover - bind names of a plain INSERT are the column keys
            raise RuntimeError(f"unexpected bind names {sorted(missing)} in {self.sql}")
        # One processor per column type, so that a value shared by two columns of the same
        # type (created_at = updated_at) is recognised below and converted once.
        by_type: dict[str, Any] = {}
        faster = processors or {}
        found: list[Any] = []
        for key in self.keys:
            type_ = columns[key].type
            name = f"{type(type_).__module__}.{type_!r}"
            if name not in by_type:
                by_type[name] = type_.dialect_impl(dialect).bind_processor(dialect)
            found.append(faster.get(key, by_type[name]))
        self.getter = operator.itemgetter(*self.keys)
        self._processors = dict(zip(self.keys, found, strict=True))
        #: (position, processor, its slot) of the columns whose values need converting;
        #: each processor keeps its last value and result in its slot.
        slots: dict[int, int] = {}
        self.converted = [
            (i, p, slots.setdefault(id(p), len(slots)))
            for i, (key, p) in enumerate(zip(self.keys, found, strict=True))
            if p is not None and key not in ready
        ]
        self.slots = len(slots)
        self.table = table.name
        #: (key, its value in a row's parameters, what it refers to — None for a unique
        #: key others may refer to) for :class:`References`.
        self.references: list[tuple[str, Callable[[Any], Any], tuple[str, str] | None]] = []
        for n, key in enumerate(self.keys):
            column = columns[key]
            pick = operator.itemgetter(n if self.positional else key)
            for foreign in column.foreign_keys:
                target = foreign.column
                self.references.append((key, pick, (target.table.name, target.name)))
            if column.primary_key or column.unique:
                self.references.append((key, pick, None))
        #: The start of the statement's ``VALUES`` list, when columns can be written as
        #: ``NULL`` literals instead of None parameters (see :meth:`with_nulls`).
        values = " VALUES (" + ", ".join(["?"] * len(self.keys)) + ")"
        self._head = (
            self.sql[: -len(values) + len(" VALUES (")]
            if dialect.name == "sqlite" and self.positional and self.sql.endswith(values)
            else None
        )
        self._with_nulls: dict[frozenset[str], InsertStatement] = {}
        #: The table and its columns as the dialect writes them in SQL (see :meth:`ordered`).
        preparer = dialect.identifier_preparer
        self._table_sql = preparer.format_table(table)
        self._column_sql = {key: preparer.format_column(columns[key]) for key in self.keys}
        self._ordered: dict[tuple[tuple[str, ...], frozenset[str]], InsertStatement] = {}

    def with_nulls(self, nulls: Collection[str]) -> RowConverter | InsertStatement:
        """The ``INSERT`` of rows whose ``nulls`` columns are all None, those written as
        ``NULL`` in the statement and left out of the rows' parameters; this converter when
        it has none to leave out (or its dialect is not SQLite).

        SQLite's driver adapts every None parameter through its adapter protocol (no
        exact-None shortcut in Python 3.11: ~3,300 instructions each), where a ``NULL``
        in the statement costs nothing per row.
        """
        wanted = frozenset(key for key in nulls if key in self._processors)
        if not wanted or self._head is None:
            return self
        found = self._with_nulls.get(wanted)
        if found is None:
            kept = tuple(key for key in self.keys if key not in wanted)
            marks = ", ".join("NULL" if key in wanted else "?" for key in self.keys)
            found = self._with_nulls[wanted] = InsertStatement(
                self.table,
                f"{self._head}{marks})",
                kept,
                [
                    (key, operator.itemgetter(kept.index(key)), target)
                    for key, _pick, target in self.references
                    if key not in wanted
                ],
            )
        return found

    def ordered(self, order: Sequence[str], nulls: Collection[str]) -> InsertStatement | None:
        """The ``INSERT`` whose rows' parameters are the values of ``order``'s columns in
        that order, the ``nulls`` columns written as ``NULL`` (every other column must be
        in one of them); None when its dialect is not SQLite (see :meth:`with_nulls`)."""
        if self._head is None:
            return None
        kept, wanted = tuple(order), frozenset(nulls)
        if (
            set(kept) | wanted != set(self.keys)
            or set(kept) & wanted
            or len(set(kept)) != len(kept)
        ):
            raise ValueError(f"{self.table}: {kept} and {sorted(wanted)} are not its columns")
        found = self._ordered.get((kept, wanted))
        if found is None:
            names = [*kept, *(key for key in self.keys if key in wanted)]
            marks = ["?"] * len(kept) + ["NULL"] * (len(names) - len(kept))
            sql = (  # (names quoted by the dialect, from the table's own columns)
                f"INSERT INTO {self._table_sql} "  # noqa: S608
                f"({', '.join(self._column_sql[key] for key in names)}) "
                f"VALUES ({', '.join(marks)})"
            )
            found = self._ordered[kept, wanted] = InsertStatement(
                self.table,
                sql,
                kept,
                [
                    (key, operator.itemgetter(kept.index(key)), target)
                    for key, _pick, target in self.references
                    if key not in wanted
                ],
            )
        return found

    def convert(self, key: str, value: Any) -> Any:
        """``value`` as column ``key``'s bind processor makes it (for a ``ready`` column)."""
        process = self._processors[key]
        return value if process is None or value is None else process(value)

    def processor(self, key: str) -> Callable[[Any], Any]:
        """What :meth:`convert` does for column ``key``'s values but None, as one function
        (for a caller that converts a ``ready`` column's values row by row)."""
        process = self._processors[key]
        return _same if process is None else process

    def template(
        self,
        row: dict[str, Any],
        varying: Sequence[str],
        *,
        null_literals: bool = False,
        always_none: Collection[str] = (),
    ) -> RowTemplate:
        """Rows that differ from ``row`` only in the ``varying`` columns (see
        :class:`RowTemplate`)."""
        return RowTemplate(self, row, varying, null_literals=null_literals, always_none=always_none)

    def __call__(self, rows: Sequence[dict[str, Any]]) -> list[Any]:
        getter, converted, keys = self.getter, self.converted, self.keys
        params: list[Any] = []
        append = params.append
        last: list[Any] = [_NOTHING] * self.slots
        out: list[Any] = [None] * self.slots
        for row in rows:
            values = list(getter(row))
            for i, process, slot in converted:
                value = values[i]
                if value is None:
                    continue
                if value is last[slot]:
                    # created_at = updated_at = performed_at = completed_at: converted once,
                    # though other columns (UUIDs) come between them.
                    values[i] = out[slot]
                    continue
                last[slot] = value
                values[i] = out[slot] = process(value)
            append(tuple(values) if self.positional else dict(zip(keys, values, strict=True)))
        return params


class RowTemplate:
    """Rows that share every value but those of a few columns, as the driver's parameters:
    what :class:`RowConverter` gives for the same rows, without a dictionary per row.

    The shared values are converted once (``row``: any row's values). A row is the tuple
    of its own values in the order of ``varying``; it is joined to the shared values and
    put in the statement's order by one ``itemgetter`` call. Its values in ``ready``
    columns come converted, the others are converted here (none, for most tables).

    ``null_literals``: the shared columns whose value is None, and the ``always_none``
    ones of ``varying`` (the caller passes None in every row), are written as ``NULL``
    by :attr:`statement` and left out of the rows (see :meth:`RowConverter.with_nulls`).
    Rows are inserted with :attr:`statement`.

    With ``null_literals`` on SQLite and no ``always_none`` column, :attr:`statement`
    names a row's own columns first, then the shared ones: a row's parameters are its
    own values followed by :attr:`tail` (its own tuple joined to the shared one, no
    reordering), and a caller whose rows need no conversion (:attr:`converted` empty)
    may make them so itself. :attr:`tail` is None otherwise.
    """

    def __init__(
        self,
        converter: RowConverter,
        row: dict[str, Any],
        varying: Sequence[str],
        *,
        null_literals: bool = False,
        always_none: Collection[str] = (),
    ) -> None:
        keys = converter.keys
        self.positional = converter.positional
        shared = [key for key in keys if key not in varying]
        values = converter([{**row, **dict.fromkeys(varying)}])[0]
        by_key = dict(zip(keys, values, strict=True)) if self.positional else values
        self.shared = tuple(by_key[key] for key in shared)
        nulls = {key for key in shared if by_key[key] is None} | set(always_none)
        #: The shared values that follow a row's own in its parameters (see the class).
        self.tail: tuple[Any, ...] | None = None
        ordered = (
            converter.ordered([*varying, *(key for key in shared if key not in nulls)], nulls)
            if null_literals and not always_none and converter.positional
            else None
        )
        self.statement: RowConverter | InsertStatement
        if ordered is not None:
            self.statement = ordered
            self.tail = tuple(by_key[key] for key in shared if key not in nulls)
        else:
            self.statement = converter.with_nulls(nulls) if null_literals else converter
        #: The columns of a row's parameters, in the statement's order.
        self.keys = written = self.statement.keys
        order = [*varying, *shared]
        pick = operator.itemgetter(*(order.index(key) for key in written))
        self.pick = pick if len(written) > 1 else (lambda values: (pick(values),))
        converted = {keys[i] for i, _process, _slot in converter.converted}
        #: (position in a row's own values, processor) of the columns converted here.
        self.converted = [
            (n, converter._processors[key]) for n, key in enumerate(varying) if key in converted
        ]

    def __call__(self, own: tuple[Any, ...]) -> Any:
        """One row's parameters; ``own``: its values of the ``varying`` columns, in order."""
        if self.converted:
            values = list(own)
            for n, process in self.converted:
                if values[n] is not None:
                    values[n] = process(values[n])
            own = tuple(values)
        if self.tail is not None:
            return own + self.tail
        row = self.pick(own + self.shared)
        return row if self.positional else dict(zip(self.keys, row, strict=True))


class InsertStatement:
    """An ``INSERT`` that writes some of a table's columns as ``NULL``: the statement, the
    columns of its rows' parameters and their references, as :class:`RowConverter` has
    them (see :meth:`RowConverter.with_nulls`)."""

    def __init__(
        self,
        table: str,
        sql: str,
        keys: tuple[str, ...],
        references: list[tuple[str, Callable[[Any], Any], tuple[str, str] | None]],
    ) -> None:
        self.table = table
        self.sql = sql
        self.keys = keys
        self.references = references


def insert_converted(
    connection: Connection,
    converter: RowConverter | InsertStatement,
    params: list[Any],
    references: References | None = None,
) -> None:
    """Insert ``params`` (the converter's rows, or the rows of a template whose statement
    it is); ``references`` notes the rows' keys and references for one check before
    commit (see :meth:`Database.bulk_write`)."""
    if params:
        if references is not None:
            references.add(converter, params)
        connection.exec_driver_sql(converter.sql, params)


class References:
    """The distinct foreign keys of rows written in bulk, checked once before commit.

    Per row, SQLite looks up each reference's row as it inserts (``foreign_keys=ON``);
    a bulk write of 100,000s of rows names a few dozen distinct reference rows — and its
    own new rows (procedures naming the assets written just before). Noted here as the
    rows are inserted (:func:`insert_converted`, :meth:`add_values` for other writes),
    :meth:`check` looks up each distinct value once, but those of rows this write
    inserted, and raises :class:`~sqlalchemy.exc.IntegrityError` naming the first
    missing one (see :meth:`desktop.storage.database.Database.bulk_write`).
    """

    def __init__(self) -> None:
        #: (table, column, referenced table, referenced column) → the values written
        #: (None among them stands for no reference).
        self.values: dict[tuple[str, str, str, str], set[Any]] = {}
        #: (table, column) → the values of that unique column this write inserted, as
        #: lists: made into a set by :meth:`check` only for a column something refers to
        #: (of the 3 unique columns the import writes, only the assets' ids are referred
        #: to; a set of the others' 23,000 values per 10,000 rows cost ~2 ms).
        self._inserted: dict[tuple[str, str], list[list[Any]]] = {}

    def add(self, converter: RowConverter | InsertStatement, params: list[Any]) -> None:
        """Note the keys and references of ``params``, ``converter``'s rows."""
        for key, pick, target in converter.references:
            found = map(pick, params)  # (no loop in Python: pick is an itemgetter)
            if target is None:
                self._inserted.setdefault((converter.table, key), []).append(list(found))
            else:  # into the set at once, not through a set of this batch's values
                self.values.setdefault((converter.table, key, *target), set()).update(found)

    def inserted(self, table: str, column: str) -> set[Any]:
        """The values of unique column ``table.column`` this write inserted (not None)."""
        found: set[Any] = set()
        for values in self._inserted.get((table, column), ()):
            found.update(values)
        found.discard(None)
        return found

    def add_values(
        self, table: str, column: str, target: tuple[str, str], values: Collection[Any]
    ) -> None:
        """Note ``values`` written (stored form) to ``table.column``, which refers to
        ``target`` (table, column)."""
        self.values.setdefault((table, column, *target), set()).update(values)

    def add_updates(
        self, table: Table, convert: Callable[[str, Any], Any], rows: Sequence[Mapping[str, Any]]
    ) -> None:
        """Note the references ``rows`` (column → new value) set in ``table``; ``convert``
        gives a column's value as stored (:meth:`RowConverter.convert`)."""
        for key in rows[0] if rows else ():
            if key not in table.c:
                continue
            for foreign in table.c[key].foreign_keys:
                target = (foreign.column.table.name, foreign.column.name)
                self.add_values(table.name, key, target, {convert(key, row[key]) for row in rows})

    def check(self, connection: Connection, chunk: int = 500) -> None:
        """Look up every noted reference once; a missing one raises IntegrityError."""
        inserted: dict[tuple[str, str], set[Any]] = {}
        for (table, column, target, target_column), values in sorted(
            self.values.items(), key=lambda item: item[0]
        ):
            own = inserted.get((target, target_column))
            if own is None:
                own = inserted[target, target_column] = self.inserted(target, target_column)
            wanted = values - own
            wanted.discard(None)
            ordered = sorted(wanted)
            for start in range(0, len(ordered), chunk):
                part = ordered[start : start + chunk]
                marks = ", ".join("?" * len(part))
                found = {
                    value
                    for (value,) in connection.exec_driver_sql(
                        f'SELECT "{target_column}" FROM "{target}" '  # noqa: S608 (schema names)
                        f'WHERE "{target_column}" IN ({marks})',
                        tuple(part),
                    )
                }
                missing = [value for value in part if value not in found]
                if missing:
                    raise IntegrityError(
                        f"checking {table}.{column}",
                        None,
                        LookupError(
                            f"FOREIGN KEY constraint failed: {table}.{column} names "
                            f"{target} {missing[0]!r}, which is not there"
                            + (f" ({len(missing) - 1} more)" if len(missing) > 1 else "")
                        ),
                    )


def sqlite_processors(table: Table) -> dict[str, Callable[[Any], Any]]:
    """For :class:`RowConverter` on SQLite: the same stored values as the column types'
    own processors, in one call instead of two or three layers — UUIDs as 32 hex digits,
    UTC times as SQLite's ``YYYY-MM-DD HH:MM:SS.ffffff`` text, dates as ``YYYY-MM-DD``,
    JSON as ``json.dumps`` (the engine sets no other serializer; :class:`SharedJson` items
    encoded once)."""
    found: dict[str, Callable[[Any], Any]] = {}
    for column in table.columns:
        type_ = column.type
        if isinstance(type_, Uuid) and type_.as_uuid:
            found[column.key] = _uuid_hex
        elif isinstance(type_, UTCDateTime):
            found[column.key] = _utc_text
        elif isinstance(type_, JSON):
            found[column.key] = JsonText()
        elif type(type_) is Date:  # SQLite's DATE: "%(year)04d-%(month)02d-%(day)02d"
            found[column.key] = dt.date.isoformat
        elif isinstance(type_, Money):  # its BIGINT has no processor on SQLite
            found[column.key] = _cents
    return found


def _same(value: Any) -> Any:
    return value


def _cents(value: Decimal) -> int:
    """What :meth:`Money.process_bind_param` stores for ``value`` (not None): for a
    Decimal, without making it a Decimal again nor 100 one (~0.1 µs of ~0.35 a value)."""
    if type(value) is Decimal:
        return int((value * _HUNDRED).to_integral_value())
    return int((Decimal(value) * 100).to_integral_value())


_HUNDRED = Decimal(100)


_uuid_hex = operator.attrgetter("hex")


def _utc_text(value: dt.datetime) -> str:
    if value.tzinfo is not dt.UTC:
        if value.tzinfo is None:
            raise ValueError(
                f"naive datetime {value!r}: times are stored in UTC, pass an aware value"
            )
        value = value.astimezone(dt.UTC)
    return value.replace(tzinfo=None).isoformat(" ", "microseconds")


_encode = json.JSONEncoder().encode  # what json.dumps(value) gives


class SharedJson(dict[str, Any]):
    """A JSON object that many rows' lists share (the very same object, never changed once
    written): :class:`JsonText` encodes it once in a :class:`JsonParts` list. Elsewhere it
    is a plain dict."""

    __slots__ = ()


class JsonParts(list[Any]):
    """A JSON list holding :class:`SharedJson` items (:class:`JsonText` looks into these
    lists only). Elsewhere it is a plain list."""

    __slots__ = ()


class JsonText:
    """``json.dumps(value)``, with the :class:`SharedJson` items of a :class:`JsonParts`
    list encoded once.

    The other items between them are encoded together, in one call; the list's text is
    joined as ``json.dumps`` writes it. At most :attr:`LIMIT` shared items are remembered
    (with the object, so that its id is not reused; then it starts again).
    """

    LIMIT = 100_000

    def __init__(self) -> None:
        self.known: dict[int, tuple[str, object]] = {}

    def __call__(self, value: Any) -> str:
        if value.__class__ is not JsonParts:
            return _encode(value)
        parts: list[str] = []
        run: list[Any] = []
        known = self.known
        for item in value:
            if item.__class__ is not SharedJson:
                run.append(item)
                continue
            if run:
                parts.append(_encode(run)[1:-1])
                run = []
            found = known.get(id(item))
            if found is None or found[1] is not item:
                if len(known) >= self.LIMIT:
                    known.clear()
                found = known[id(item)] = (_encode(item), item)
            parts.append(found[0])
        if not parts:
            return _encode(value)
        if run:
            parts.append(_encode(run)[1:-1])
        return "[" + ", ".join(parts) + "]"


@contextlib.contextmanager
def sqlite_secondary_indexes_rebuilt(
    connection: Connection, tables: Collection[str], *, kept: Collection[str] = ()
) -> Iterator[None]:
    """Drop the secondary indexes of ``tables`` (not those behind primary keys and unique
    constraints, nor those named in ``kept``), run the block, create them again — in the
    caller's transaction, so that a rollback restores them. Building an index once from
    all rows beats inserting into it row by row at random places (UUID keys) when a bulk
    write fills empty tables; an index whose new entries go at the end of a few runs of
    equal values is cheaper kept than built again from a wide table (``kept``). SQLite
    only (elsewhere it does nothing)."""
    if connection.dialect.name != "sqlite" or not tables:
        yield
        return
    indexes = [
        (name, sql)
        for table, name, sql in connection.exec_driver_sql(
            "SELECT tbl_name, name, sql FROM sqlite_master WHERE type = 'index' "
            "AND sql IS NOT NULL ORDER BY name"
        )
        if table in tables and name not in kept
    ]
    for name, _sql in indexes:
        connection.exec_driver_sql(f'DROP INDEX "{name}"')
    yield
    for _name, sql in indexes:
        connection.exec_driver_sql(sql)


_NOTHING = object()
