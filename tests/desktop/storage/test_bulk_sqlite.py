"""The bulk writer's SQLite helpers give what SQLAlchemy's own processors give."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from decimal import Decimal
from typing import Any

from sqlalchemy import Column, Integer, MetaData, String, Table, create_engine
from sqlalchemy.dialects import mysql, postgresql, sqlite

from desktop.storage.bulk import (
    JsonParts,
    JsonText,
    RowConverter,
    SharedJson,
    insert_converted,
    sqlite_processors,
    sqlite_secondary_indexes_rebuilt,
)
from desktop.storage.database import Database
from desktop.storage.models import Approval, Asset, Procedure


def test_faster_processors_store_what_the_column_types_store() -> None:
    dialect = create_engine("sqlite://").dialect
    table = Procedure.__table__
    assert isinstance(table, Table)
    shared = SharedJson(field="status", before=None, after="in_stock")
    at = dt.datetime(2024, 2, 29, 23, 59, 58, 123, tzinfo=dt.UTC)
    paris = at.astimezone(dt.timezone(dt.timedelta(hours=1)))
    rows = []
    for changes in ([], JsonParts([shared, {"x": "é"}, shared]), [{"y": [1, None]}]):
        rows.append(
            {
                "id": uuid.uuid4(),
                "asset_id": uuid.uuid4(),
                "kind": "change",
                "state": "completed",
                "template_id": uuid.uuid4(),
                "template_version": 1,
                "performed_by_id": uuid.uuid4(),
                "performed_at": at,
                "ticket_ref": "",
                "reason": "r",
                "answers": {"a": True, "b": 1.5},
                "changes": changes,
                "origin": "demo",
                "origin_detail": "",
                "risk_level": None,
                "approvals_required": 0,
                "asset_version": None,
                "completed_at": paris,
                "note": "",
                "version": 1,
                "created_at": at,
                "updated_at": at,
            }
        )
    plain = RowConverter(table, dialect)(rows)
    faster = RowConverter(table, dialect, processors=sqlite_processors(table))(rows)
    assert faster == plain
    position = RowConverter(table, dialect).keys.index("changes")
    assert json.loads(faster[1][position]) == [dict(shared), {"x": "é"}, dict(shared)]


def test_faster_date_processor_stores_what_sqlite_date_stores() -> None:
    dialect = create_engine("sqlite://").dialect
    table = Asset.__table__
    assert isinstance(table, Table)
    faster = sqlite_processors(table)
    for key in ("purchase_date", "warranty_end"):
        own = table.c[key].type.dialect_impl(dialect).bind_processor(dialect)
        assert own is not None
        for day in (dt.date(2024, 2, 29), dt.date(5, 1, 9), dt.date(9999, 12, 31)):
            assert faster[key](day) == own(day)


def test_json_text_is_json_dumps() -> None:
    encode = JsonText()
    shared = SharedJson(id="g", name="Service desk")
    for value in (
        [],
        {"k": [shared]},
        [1, "x"],
        JsonParts(),
        JsonParts([shared]),
        JsonParts([{"q": None}, shared, {"r": [1, 2]}, shared, {"s": "ü"}]),
    ):
        assert encode(value) == json.dumps(value)


def test_secondary_indexes_are_dropped_and_built_again(sqlite_db: Database) -> None:
    def indexes() -> set[str]:
        with sqlite_db.read() as session:
            return {
                name
                for (name,) in session.connection().exec_driver_sql(
                    "SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
                    "AND tbl_name IN ('procedures', 'approvals')"
                )
            }

    before = indexes()
    assert before
    with sqlite_db.write() as session:
        connection = session.connection()
        with sqlite_secondary_indexes_rebuilt(connection, ("procedures", Approval.__tablename__)):
            inside = connection.exec_driver_sql(
                "SELECT count(*) FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
                "AND tbl_name IN ('procedures', 'approvals')"
            ).scalar_one()
            assert inside == 0
        kept = "ix_procedures_state"
        with sqlite_secondary_indexes_rebuilt(connection, ("procedures",), kept=(kept,)):
            inside_names = connection.exec_driver_sql(
                "SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
                "AND tbl_name = 'procedures'"
            ).scalars()
            assert list(inside_names) == [kept]
    assert indexes() == before


def test_a_row_template_gives_what_the_converter_gives() -> None:
    """Rows from a template (shared values converted once, a row's own put in place) are
    the parameters the converter makes from the same rows as dictionaries — positional
    (SQLite, MariaDB) and named (PostgreSQL), with its own columns converted or ready."""
    table = Asset.__table__
    assert isinstance(table, Table)
    at = dt.datetime(2024, 2, 29, 23, 59, 58, 123, tzinfo=dt.UTC)
    own = ("id", "tag", "category_id", "purchase_date", "purchase_cost", "custom_fields", "notes")
    rows = [
        {
            "id": uuid.uuid4(),
            "tag": f"LAP-{n}",
            "category_id": uuid.uuid4(),
            "purchase_date": dt.date(2024, 1, n + 1) if n % 2 else None,
            "purchase_cost": Decimal(f"{n}.25") if n != 1 else None,
            "custom_fields": {"ram": n},
            "notes": "é" * n,
        }
        for n in range(4)
    ]
    shared = dict.fromkeys(c.key for c in table.columns) | {
        "version": 1,
        "created_at": at,
        "updated_at": at,
        "status": "in_stock",
        "name": "",
    }
    for dialect in (sqlite.dialect(), mysql.dialect(), postgresql.dialect()):
        for ready in ((), ("id", "category_id")):
            converter = RowConverter(table, dialect, ready=ready)
            template = converter.template(shared, own)
            made = [
                template(tuple(converter.convert(k, r[k]) if k in ready else r[k] for k in own))
                for r in rows
            ]
            expected = converter(
                [
                    shared | {k: converter.convert(k, r[k]) if k in ready else r[k] for k in own}
                    for r in rows
                ]
            )
            assert [_plain(p) for p in made] == [_plain(p) for p in expected], dialect.name
            assert bool(template.positional) == (dialect.name != "postgresql")


def _plain(params: Any) -> Any:
    """Parameters comparable by value: a driver's JSON wrapper (psycopg's ``Json``, which
    has no equality of its own) as the value it wraps."""
    if isinstance(params, dict):
        return {k: getattr(v, "obj", v) for k, v in params.items()}
    return tuple(getattr(v, "obj", v) for v in params)


def test_a_row_template_writes_its_none_columns_as_null_literals() -> None:
    """On SQLite a template may write the columns that are None in all its rows (its
    shared ones, and those the caller says it never gives) as ``NULL`` in the statement,
    left out of the rows' parameters; the table ends the same as with every value bound.
    Other dialects bind them as they are."""
    metadata = MetaData()
    table = Table(
        "t",
        metadata,
        Column("id", Integer, primary_key=True),
        Column("name", String(20)),
        Column("owner", String(20)),
        Column("audited", String(20)),
        Column("size", Integer),
    )
    engine = create_engine("sqlite://")
    metadata.create_all(engine)
    converter = RowConverter(table, engine.dialect)
    template = converter.template(
        {"audited": None, "size": 3},
        ("id", "name", "owner"),
        null_literals=True,
        always_none=("owner",),
    )
    assert "NULL" in template.statement.sql
    assert sorted(template.keys) == ["id", "name", "size"]
    rows = [template((n, f"row {n}", None)) for n in range(3)]
    assert rows[0] == tuple({"id": 0, "name": "row 0", "size": 3}[k] for k in template.keys)
    with engine.begin() as connection:
        insert_converted(connection, template.statement, rows)
    with engine.connect() as connection:
        stored = connection.exec_driver_sql("SELECT * FROM t ORDER BY id").fetchall()
    assert [tuple(r) for r in stored] == [(n, f"row {n}", None, None, 3) for n in range(3)]
    for dialect in (mysql.dialect(), postgresql.dialect()):
        other = RowConverter(table, dialect)
        shared = {"audited": None, "size": 3}
        assert (
            other.template(shared, ("id", "name", "owner"), null_literals=True).statement is other
        )


def test_the_faster_cents_are_what_money_stores() -> None:
    from desktop.storage.bulk import _cents
    from desktop.storage.types import Money

    class Amount(Decimal):
        pass

    values: list[Any] = [
        Decimal("255.83"),
        Decimal("0.005"),  # half to even: 0
        Decimal("0.015"),  # half to even: 2
        Decimal("-0.025"),
        Decimal("1E+3"),
        Decimal("123456789012345678901234567.891"),  # rounded to 28 digits by the product
        Decimal("-0"),
        Amount("2.675"),
        3,
        2.675,
        "19.99",
    ]
    money = Money()
    dialect = sqlite.dialect()
    for value in values:
        assert _cents(value) == money.process_bind_param(value, dialect), value
        assert type(_cents(value)) is int


def _parents_and_children() -> tuple[Table, Table]:
    from sqlalchemy import ForeignKey

    metadata = MetaData()
    parent = Table(
        "parent",
        metadata,
        Column("id", Integer, primary_key=True),
        Column("code", String, unique=True),
    )
    child = Table(
        "child",
        metadata,
        Column("id", Integer, primary_key=True),
        Column("parent_id", Integer, ForeignKey("parent.id"), nullable=True),
    )
    return parent, child


def test_references_of_a_bulk_write_are_checked_once_against_its_own_rows() -> None:
    """A child may name a parent this write inserted (in any earlier batch) or one that
    was there; a child naming neither is refused, naming it; no parent is no reference."""
    import pytest
    from sqlalchemy import event
    from sqlalchemy.exc import IntegrityError

    from desktop.storage.bulk import References

    parent, child = _parents_and_children()
    engine = create_engine("sqlite://")
    parent.metadata.create_all(engine)
    with engine.begin() as connection:
        connection.execute(parent.insert(), [{"id": 1, "code": "old"}])
    dialect = engine.dialect
    parents, children = RowConverter(parent, dialect), RowConverter(child, dialect)

    looked_up: list[Any] = []

    def written(*batches: tuple[RowConverter, list[dict[str, Any]]]) -> None:
        references = References()
        with engine.begin() as connection:
            for converter, rows in batches:
                insert_converted(connection, converter, converter(rows), references)
            looked_up.clear()
            event.listen(connection, "before_cursor_execute", look_up)
            try:
                references.check(connection)
            finally:
                event.remove(connection, "before_cursor_execute", look_up)
                connection.rollback()

    def look_up(_c: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        looked_up.append((statement.split(" WHERE ")[0], tuple(parameters)))

    written(
        (parents, [{"id": 2, "code": "a"}, {"id": 3, "code": None}]),
        (parents, [{"id": 4, "code": "b"}]),
        (children, [{"id": 10, "parent_id": 4}, {"id": 11, "parent_id": None}]),
        (children, [{"id": 12, "parent_id": 1}, {"id": 13, "parent_id": 2}]),
    )
    # Only the parent that was there is looked up: those this write inserted are known.
    assert looked_up == [('SELECT "id" FROM "parent"', (1,))]
    with pytest.raises(
        IntegrityError, match=r"child\.parent_id names parent 7, which is not there"
    ):
        written(
            (parents, [{"id": 2, "code": "a"}]),
            (children, [{"id": 10, "parent_id": 2}, {"id": 11, "parent_id": 7}]),
        )
    with pytest.raises(IntegrityError, match=r"names parent 5, which is not there \(1 more\)"):
        written((children, [{"id": 10, "parent_id": 5}, {"id": 11, "parent_id": 6}]))
