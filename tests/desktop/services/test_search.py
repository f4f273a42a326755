"""The register's search box: what it matches, that its index stays in step, that it is used."""

from __future__ import annotations

import uuid
from typing import cast

import pytest
from sqlalchemy import Table, select

from desktop.domain.lifecycle import ProcedureKind
from desktop.services import reference, register_pages
from desktop.services.procedures import ProcedureRequest, record_procedure
from desktop.services.queries import AssetFilter, count_assets, list_assets
from desktop.services.register_pages import RegisterPager
from desktop.services.search import (
    rebuild_search_index,
    search_condition,
    search_index_paused,
)
from desktop.storage.database import Database
from desktop.storage.models import Asset
from tests.factories import World


def _found(db: Database, search: str) -> list[str]:
    with db.read() as session:
        rows = list_assets(session, AssetFilter(search=search), limit=None)
        assert count_assets(session, AssetFilter(search=search)) == len(rows)
        pager = RegisterPager(AssetFilter(search=search))
        assert [r.tag for r in pager.page(session, 0, 100)] == [r.tag for r in rows][:100]
    return [r.tag for r in rows]


@pytest.fixture
def assets(world: World) -> World:
    with world.db.write() as session:
        maker = reference.create_manufacturer(session, name="Lenovo")
        model = reference.create_model(
            session, manufacturer=maker, name="ThinkPad X1 Carbon", model_number="21HM"
        )
        model_id = model.id
    world.receive(tag="LAP-0001", name="Finance laptop", values={"serial_number": "PF3ABC12"})
    world.receive(tag="LAP-0002", name="Spare", values={"model": model_id})
    world.receive(tag="MON-0100", name="Dell 24in 50%", category=world.monitor_category)
    world.install("LAP-0001", assigned_to="user", location=world.other_site_room)
    return world


@pytest.mark.parametrize("walk_share", [register_pages.WALK_SHARE, 1.0])
def test_matches_any_part_of_each_searched_field(
    assets: World, monkeypatch: pytest.MonkeyPatch, walk_share: float
) -> None:
    """SQLite pages a search with few hits (under WALK_SHARE of the register, here: all)
    from the hits it read once from the index, and a common one along the sort order."""
    monkeypatch.setattr(register_pages, "WALK_SHARE", walk_share)
    db = assets.db
    assert _found(db, "lap-000") == ["LAP-0001", "LAP-0002"]  # tag
    assert _found(db, "f3abc") == ["LAP-0001"]  # serial number, any case
    assert _found(db, "inance lap") == ["LAP-0001"]  # name
    assert _found(db, "x1 carb") == ["LAP-0002"]  # model
    assert _found(db, "lenovo") == ["LAP-0002"]  # the model's manufacturer
    assert _found(db, "una us") == ["LAP-0001"]  # assignee
    assert _found(db, "anch sto") == ["LAP-0001"]  # location ("Branch store")
    assert _found(db, "room a1") == ["LAP-0002", "MON-0100"]
    assert _found(db, "nothing like this") == []


def test_short_text_and_wildcards(assets: World) -> None:
    assert _found(assets.db, "01") == ["LAP-0001", "MON-0100"]  # under three characters
    assert _found(assets.db, "0%") == ["MON-0100"]  # % is a character, not a wildcard
    assert _found(assets.db, "_") == []


def test_index_follows_procedures_and_renamed_reference_data(assets: World) -> None:
    db = assets.db
    record_procedure(
        db,
        ProcedureRequest(
            kind=ProcedureKind.CHANGE,
            performed_by="tech",
            asset_tag="LAP-0002",
            values={"serial_number": "NEWSER99", "location": assets.room_b},
            answers={"change_type": "Record correction"},
            reason="label fixed",
        ),
    )
    assert _found(db, "newser") == ["LAP-0002"]
    assert _found(db, "room a2") == ["LAP-0002"]
    with db.write() as session:
        reference.update_person(
            session,
            person_id=assets.people["user"],
            expected_version=None,
            name="Una Renamed",
            username="user",
            email=None,
            active=True,
            roles=[],
        )
    assert _found(db, "renamed") == ["LAP-0001"]
    assert _found(db, "una user") == []


def test_bulk_writers_can_pause_the_index(assets: World) -> None:
    db = assets.db
    table = cast(Table, Asset.__table__)
    with db.write() as session, search_index_paused(session.connection()):
        model = dict(
            session.execute(table.select().where(Asset.tag == "MON-0100")).mappings().one()
        )
        for n in range(3):
            model.update(id=uuid.uuid4(), tag=f"BULK-{n}", tag_key=f"bulk-{n}")
            session.execute(
                table.insert().values(
                    serial_number=f"BULKSER{n}",
                    **{k: v for k, v in model.items() if k != "serial_number"},
                )
            )
    assert _found(db, "bulkser") == ["BULK-0", "BULK-1", "BULK-2"]
    with db.write() as session:
        assert rebuild_search_index(session.connection()) == (6 if db.is_sqlite else 0)
    assert _found(db, "bulkser") == ["BULK-0", "BULK-1", "BULK-2"]


def test_each_backend_answers_from_its_index(assets: World) -> None:
    """Measured, not assumed: the query plan uses the backend's substring index."""
    db = assets.db
    with db.read() as session:
        connection = session.connection()
        if db.backend == "sqlite":
            plan = " ".join(
                str(r[-1])
                for r in connection.exec_driver_sql(
                    "EXPLAIN QUERY PLAN SELECT id FROM assets WHERE rowid IN "
                    "(SELECT rowid FROM asset_search WHERE asset_search MATCH '\"f3abc\"')"
                )
            )
            assert "VIRTUAL TABLE INDEX" in plan
        elif db.backend == "postgresql":
            connection.exec_driver_sql("SET enable_seqscan = off")  # a tiny table would scan
            query = select(Asset.id).where(search_condition("postgresql", "f3abc"))
            compiled = query.compile(dialect=connection.dialect)
            plan = " ".join(
                str(r[0])
                for r in connection.exec_driver_sql("EXPLAIN " + str(compiled), compiled.params)
            )
            assert "asset_search_serial_trgm" in plan
            assert "asset_search_tag_trgm" in plan
        else:
            pytest.skip("MariaDB has no substring index: its search is a LIKE scan")
