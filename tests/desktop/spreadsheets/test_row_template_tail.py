"""A row template whose rows are a row's own values then the shared ones (the import's
procedures, joined by the commit itself: RowTemplate.tail) writes what the converter
writes for the same rows, and its rows' references are checked as theirs are."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import Column, ForeignKey, Integer, MetaData, String, Table, create_engine
from sqlalchemy.exc import IntegrityError

from desktop.storage.bulk import References, RowConverter, insert_converted


def _tables() -> tuple[Table, Table, Table]:
    metadata = MetaData()
    owner = Table("owner", metadata, Column("id", Integer, primary_key=True))
    tables = [
        Table(
            name,
            metadata,
            Column("id", Integer, primary_key=True),
            Column("kind", String(20), nullable=False),
            Column("owner_id", Integer, ForeignKey("owner.id"), nullable=False),
            Column("reason", String(50), nullable=False),
            Column("risk", String(10)),
            Column("note", String(50), nullable=False),
            Column("version", Integer, nullable=False),
        )
        for name in ("by_template", "by_converter")
    ]
    return owner, tables[0], tables[1]


SHARED: dict[str, Any] = {
    "kind": "receive",
    "owner_id": 1,
    "risk": None,
    "note": "shared",
    "version": 1,
}
OWN = ("id", "reason")


def test_a_tail_template_writes_what_the_converter_writes() -> None:
    owner, by_template, by_converter = _tables()
    engine = create_engine("sqlite://")
    owner.metadata.create_all(engine)
    template = RowConverter(by_template, engine.dialect).template(SHARED, OWN, null_literals=True)
    assert template.tail is not None and not template.converted
    # The statement names the row's own columns first, the None one as NULL.
    assert template.statement.keys[:2] == OWN and "NULL" in template.statement.sql
    own_rows = [(n, f"row {n}") for n in range(5)]
    converter = RowConverter(by_converter, engine.dialect)
    with engine.begin() as connection:
        connection.execute(owner.insert(), [{"id": 1}])
        insert_converted(connection, template.statement, [own + template.tail for own in own_rows])
        insert_converted(
            connection,
            converter,
            converter([{**SHARED, "id": n, "reason": reason} for n, reason in own_rows]),
        )
    with engine.connect() as connection:
        written = [
            connection.exec_driver_sql(f"SELECT * FROM {name} ORDER BY id").fetchall()
            for name in ("by_template", "by_converter")
        ]
    assert written[0] == written[1]
    assert [tuple(r) for r in written[0]][1] == (1, "receive", 1, "row 1", None, "shared", 1)


def test_a_tail_templates_references_are_checked() -> None:
    """The shared owner is noted from the rows as any reference is: one that is not there
    is refused before the commit."""
    owner, by_template, _ = _tables()
    engine = create_engine("sqlite://")
    owner.metadata.create_all(engine)
    template = RowConverter(by_template, engine.dialect).template(
        {**SHARED, "owner_id": 7}, OWN, null_literals=True
    )
    assert template.tail is not None
    references = References()
    with engine.begin() as connection:
        connection.execute(owner.insert(), [{"id": 1}])
        insert_converted(connection, template.statement, [(1, "a", *template.tail)], references)
        with pytest.raises(IntegrityError, match=r"by_template\.owner_id names owner 7"):
            references.check(connection)
        connection.rollback()


def test_a_template_with_columns_never_given_keeps_its_reordering() -> None:
    """A template told a column of a row's own is None in every row (always_none) picks
    the row's values (no tail): the caller passes them all."""
    _owner, by_template, _ = _tables()
    engine = create_engine("sqlite://")
    template = RowConverter(by_template, engine.dialect).template(
        {k: v for k, v in SHARED.items() if k != "risk"},
        (*OWN, "risk"),
        null_literals=True,
        always_none=("risk",),
    )
    assert template.tail is None
    assert template((3, "c", None)) == tuple(
        {"id": 3, "reason": "c", **SHARED}[k] for k in template.keys
    )
