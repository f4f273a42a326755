"""MariaDB: a pooled connection never keeps migration 0020's trigram pause.

A bulk update of assets sets the session's user variable
``@assetdesk_search_trigrams_in_bulk`` so that the update trigger leaves the search
trigrams to one replacement after the block. A user variable outlives the transaction:
when the statement clearing it failed (a killed statement, a glitch), the connection went
back to the pool with the pause still set, and the next holder's asset updates — in any
window or command on that connection — were never indexed: the search could not find
the new serial. The pool now clears it on check-in (a failure there closes the connection).
"""

from __future__ import annotations

from typing import Any, cast

import pytest
from sqlalchemy import Connection, Table, select, text
from sqlalchemy.exc import OperationalError

from desktop.services import search
from desktop.services.search import search_index_kept_in_bulk
from desktop.storage.database import Database
from desktop.storage.models import Asset
from tests.factories import World, seed_world

TAGS = ("LAP-1", "LAP-2", "LAP-3")


@pytest.mark.parametrize("db", ["mariadb"], indirect=True)
def test_a_failed_clearing_does_not_leave_the_pause_on_a_pooled_connection(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    world: World = seed_world(db)
    for tag in TAGS:
        world.receive(tag=tag)
    monkeypatch.setattr(search, "BULK_UPKEEP_MIN", 2)
    table = cast(Table, Asset.__table__)
    clearing = "SET @assetdesk_search_trigrams_in_bulk = NULL"
    real = Connection.exec_driver_sql

    def glitch(self: Connection, statement: str, *args: Any, **kwargs: Any) -> Any:
        if statement == clearing:  # the clearing statement is lost (killed, timed out)
            raise OperationalError(statement, None, Exception("Query execution was interrupted"))
        return real(self, statement, *args, **kwargs)

    with pytest.raises(OperationalError), db.write() as session:
        connection = session.connection()
        first = connection.execute(text("SELECT CONNECTION_ID()")).scalar_one()
        ids = list(session.execute(select(Asset.id).where(Asset.tag.in_(TAGS))).scalars())
        monkeypatch.setattr(Connection, "exec_driver_sql", glitch)
        with search_index_kept_in_bulk(connection, ids, ["serial_number"]):
            connection.execute(table.update().where(table.c.id.in_(ids)).values(name="x"))
    monkeypatch.setattr(Connection, "exec_driver_sql", real)

    with db.write() as session:  # the pool's connection, the next holder
        connection = session.connection()
        assert connection.execute(text("SELECT CONNECTION_ID()")).scalar_one() == first
        paused = connection.execute(text("SELECT @assetdesk_search_trigrams_in_bulk"))
        assert paused.scalar_one() is None
        connection.execute(
            table.update().where(table.c.tag == "LAP-2").values(serial_number="QZPOOLED")
        )
    with db.read() as session:  # the trigger indexed it: the search finds the serial
        found = session.execute(
            text("SELECT tag_key FROM asset_search_trigrams WHERE trigram = 'zpo'")
        ).scalars()
        assert list(found) == ["lap-2"]
