"""A sync opens the server anew each time (the sync dialog, the command line): the
statements the last one compiled are not compiled again (``desktop.storage.compiled_cache``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import event

from desktop import kits
from desktop.storage.database import Database, open_database
from tests.desktop.kits.helpers import kit_of
from tests.factories import seed_world


def _compiled_anew(*databases: Database) -> list[str]:
    """The statements the databases' engines compile from now on."""
    compiled: list[str] = []
    for database in databases:
        for engine in {database.engine, database.read_engine}:

            @event.listens_for(engine, "after_cursor_execute")
            def _noted(_c: Any, _cur: Any, sql: str, _p: Any, context: Any, _m: bool) -> None:
                if (
                    context is not None
                    and context.compiled is not None
                    and context.cache_hit == context.dialect.CACHE_MISS
                ):
                    compiled.append(" ".join(sql.split())[:80])

    return compiled


def test_a_second_sync_to_a_server_opened_anew_compiles_nothing_again(
    sqlite_db: Database, tmp_path: Path
) -> None:
    world = seed_world(sqlite_db)
    world.receive(tag="LAP-1")
    world.receive(tag="LAP-2")
    with kit_of(world, tmp_path / "kit.sqlite") as field:
        field.install("LAP-1")
        first = kits.sync(field.db, world.db, "tech")
        assert [r.outcome for r in first.results] == [kits.Outcome.APPLIED]
        field.install("LAP-2")
        server = open_database(str(world.db.url))  # as the next sync opens it
        try:
            compiled = _compiled_anew(server, field.db)
            second = kits.sync(field.db, server, "tech")
        finally:
            server.dispose()
    assert [r.outcome for r in second.results] == [kits.Outcome.APPLIED]
    assert second.refreshed
    assert compiled == []
