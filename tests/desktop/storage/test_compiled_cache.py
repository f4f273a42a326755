"""SQLite engines share their compiled statements (``desktop.storage.compiled_cache``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import event, select

from desktop.services import reference
from desktop.storage.database import Database, open_database
from desktop.storage.models import Category


def _cache_hits(database: Database) -> list[bool]:
    """Whether each statement the database's engines run was found compiled."""
    hits: list[bool] = []
    for engine in {database.engine, database.read_engine}:

        @event.listens_for(engine, "after_cursor_execute")
        def _noted(_conn: Any, _cursor: Any, _sql: str, _p: Any, context: Any, _m: bool) -> None:
            if context is not None and context.compiled is not None:
                hits.append(context.cache_hit == context.dialect.CACHE_HIT)

    return hits


def _categories(database: Database) -> list[str]:
    with database.read() as session:
        query = select(Category.name, Category.tag_prefix).where(Category.name.like("Lap%"))
        return [f"{name} {prefix}" for name, prefix in session.execute(query)]


def test_a_statement_compiled_for_one_file_is_not_compiled_again_for_another(
    tmp_path: Path,
) -> None:
    """A sync opens the server and the kit anew each time: their statements (the acting
    person, the template, the audit…) were compiled again on every new engine."""
    first = open_database(f"sqlite:///{tmp_path / 'first.sqlite'}")
    second = open_database(f"sqlite:///{tmp_path / 'second.sqlite'}")
    try:
        with first.write() as session:
            reference.create_category(session, name="Laptop", tag_prefix="LAP")
        with second.write() as session:
            reference.create_category(session, name="Laptop bag", tag_prefix="BAG")
        assert _categories(first) == ["Laptop LAP"]  # compiled here, on the first file
        hits = _cache_hits(second)
        # Each file's own rows, from a statement compiled once.
        assert _categories(second) == ["Laptop bag BAG"]
        assert hits == [True]
        assert _categories(first) == ["Laptop LAP"]
    finally:
        first.dispose()
        second.dispose()
