"""The register's search box: what it matches, that its index stays in step, that it is used."""

from __future__ import annotations

import contextlib
import uuid
from typing import Any, cast

import pytest
from sqlalchemy import Connection, Table, select

from desktop.domain.lifecycle import ProcedureKind
from desktop.services import reference, register_pages, search
from desktop.services.plain_reads import sqlite_search_page
from desktop.services.procedures import ProcedureRequest, record_procedure
from desktop.services.queries import AssetFilter, count_assets, list_assets
from desktop.services.register_pages import RegisterPager
from desktop.services.search import (
    UNRANKED,
    rebuild_search_index,
    search_index_kept_in_bulk,
    search_index_paused,
    sqlite_unranked,
)
from desktop.services.search_query import search_condition, sqlite_all_ranked, sqlite_in_tag_order
from desktop.services.server_search import search_page_ids
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


sqlite_only = pytest.mark.parametrize("db", ["sqlite"], indirect=True)


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


def _index_rows(connection: Connection) -> list[tuple[Any, ...]]:
    rows = connection.exec_driver_sql(
        "SELECT rowid, tag, serial_number, name, model, assignee, location FROM asset_search "
        "ORDER BY rowid"
    ).all()
    return [tuple(row) for row in rows]


@sqlite_only
def test_a_rebuild_indexes_what_the_view_gives(assets: World) -> None:
    """The rebuild reads the names of models, people and locations from a table made once
    (not the view's sub-selects per asset): the index holds, row for row, what the view
    ``asset_search_source`` gives — folded text, an asset without a model, assignee or
    serial number — as the triggers index it too."""
    db = assets.db
    with db.write() as session:
        room = reference.create_location(
            session, name="Salle Écureuil", kind="room", parent_id=assets.building
        )
        person = reference.create_person(session, name="Zoë Müller", username="zmuller")
        maker = reference.create_manufacturer(session, name="Ålesund AS")
        model = reference.create_model(session, manufacturer=maker, name="Ñandú Pro")
        room_id, model_id = room.id, model.id
        assets.people["zmuller"] = person.id
    assets.receive(
        tag="LAP-0003", name="Portátil Señor", values={"model": model_id, "serial_number": "ÅB1"}
    )
    assets.install("LAP-0003", assigned_to="zmuller", location=room_id)
    view = (
        "SELECT search_rank, tag, serial_number, name, model, assignee, location "
        "FROM asset_search_source ORDER BY search_rank"
    )
    with db.write() as session:
        connection = session.connection()
        assert search.rebuild_search_index(connection) == 4
        rows = _index_rows(connection)
        assert rows == [tuple(row) for row in connection.exec_driver_sql(view).all()]
        assert rows[2][1:] == (
            "LAP-0003",
            "ab1",
            "portatil senor",
            "alesund as nandu pro",
            "zoe muller",
            "salle ecureuil",
        )
        assert [row[4] for row in rows if row[1] == "MON-0100"] == [""]  # no model
        # The names' table is the rebuild's own: gone with it.
        assert (
            connection.exec_driver_sql(
                "SELECT count(*) FROM sqlite_temp_master WHERE name = 'asset_search_names'"
            ).scalar_one()
            == 0
        )


@sqlite_only
def test_a_bulk_update_keeps_the_index_as_its_trigger_does(
    assets: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Assets updated together (a kit's sync) get the index rows the update trigger would
    give them, one by one — the same texts, and the same words found (the old ones no
    longer: the rows' old words deleted after the updates, as the index held them) —;
    the trigger is back afterwards, as it was."""
    monkeypatch.setattr(search, "BULK_UPKEEP_MIN", 2)
    db = assets.db
    table = cast(Table, Asset.__table__)
    updates = [("LAP-0001", "BULKSER1", assets.room_b), ("MON-0100", "BULKSER2", assets.room_b)]
    results = []
    for bulk in (False, True):
        with db.write() as session:
            connection = session.connection()
            trigger = connection.exec_driver_sql(
                "SELECT sql FROM sqlite_master WHERE name = 'asset_search_au'"
            ).scalar()
            ids = [
                session.execute(select(Asset.id).where(Asset.tag == t)).scalar_one()
                for t, *_ in updates
            ]
            words = [
                "bulkser1",
                "bulkser2",
                *(
                    word
                    for (serial,) in session.execute(
                        select(Asset.serial_number).where(Asset.id.in_(ids))
                    ).all()
                    if serial
                    for word in [serial.lower()]
                ),
            ]
            kept = search_index_kept_in_bulk(connection, ids, ["serial_number", "location_id"])
            with kept if bulk else contextlib.nullcontext():
                for asset_id, (_tag, serial, room) in zip(ids, updates, strict=True):
                    connection.execute(
                        table.update()
                        .where(table.c.id == asset_id)
                        .values(serial_number=serial, location_id=room)
                    )
            # The words the index finds match what it holds (FTS5's own check).
            connection.exec_driver_sql(
                "INSERT INTO asset_search(asset_search, rank) VALUES ('integrity-check', 1)"
            )
            found = {
                word: connection.exec_driver_sql(
                    "SELECT rowid FROM asset_search WHERE asset_search MATCH ? ORDER BY rowid",
                    (f'"{word}"',),
                )
                .scalars()
                .all()
                for word in words
            }
            results.append((_index_rows(connection), found))
            assert (
                connection.exec_driver_sql(
                    "SELECT sql FROM sqlite_master WHERE name = 'asset_search_au'"
                ).scalar()
                == trigger
            )
            session.rollback()
    by_trigger, in_bulk = results
    assert in_bulk == by_trigger
    rows, found = in_bulk
    assert sum("BULKSER" in row[2] for row in rows) == 2
    assert all(found[word] for word in ("bulkser1", "bulkser2"))
    assert len(found) > 2  # (the fixture's assets have serial numbers to lose)
    assert not any(found[word] for word in list(found)[2:])
    assert _found(db, "bulkser") == []  # rolled back, index included


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
            assert "asset_search_serial_fold_trgm" in plan
            assert "asset_search_tag_fold_trgm" in plan
        else:
            # The trigram table of migration 0009, read by its key (trigram, tag key).
            found = search_page_ids(
                session, AssetFilter(search="f3abc"), offset=0, limit=100, descending=False
            )
            assert found is not None
            compiled = found[0].compile(dialect=connection.dialect)
            steps = [
                [str(v) for v in r]
                for r in connection.exec_driver_sql("EXPLAIN " + str(compiled), compiled.params)
            ]
            trigram_rows = [r for r in steps if r[2] == "asset_search_trigrams"]
            assert trigram_rows, steps
            assert all(r[3] == "ref" and r[5] == "PRIMARY" for r in trigram_rows), steps
            assert not [r for r in steps if r[2] == "assets" and r[3] == "ALL"], steps


def _ranked_tags(db: Database) -> tuple[list[str], int]:
    """The tags in the order of their ranks in the index, and how many are out of order."""
    with db.read() as session:
        rows = session.connection().exec_driver_sql(
            "SELECT a.tag, r.rank FROM asset_search_rank r JOIN assets a "
            "ON a.rowid = r.asset_rowid ORDER BY r.rank"
        )
        ranked = [(tag, rank) for tag, rank in rows]
        indexed = session.connection().exec_driver_sql(
            "SELECT count(*) FROM asset_search s JOIN asset_search_rank r ON r.rank = s.rowid"
        )
        assert indexed.scalar_one() == len(ranked)  # every asset indexed under its rank
    return [tag for tag, _rank in ranked], sum(rank >= UNRANKED for _tag, rank in ranked)


def _insert_copies(db: Database, like: str, tags: list[str]) -> None:
    """Insert assets (through the triggers, one statement each) copying asset ``like``."""
    table = cast(Table, Asset.__table__)
    with db.write() as session:
        model = dict(session.execute(table.select().where(Asset.tag == like)).mappings().one())
        for tag in tags:
            model.update(id=uuid.uuid4(), tag=tag, tag_key=tag.lower(), serial_number=None)
            session.execute(table.insert().values(**model))


def _pages_in_tag_order(
    db: Database, flt: AssetFilter, monkeypatch: pytest.MonkeyPatch, *, ranked: bool
) -> None:
    """Pages of a search under the tag sort, both ways, equal the sorted list; ``ranked``:
    whether they were read from the index in rank order."""
    used: list[str] = []

    def in_tag_order(*args: Any, **kwargs: Any) -> Any:
        used.append(flt.search)
        return sqlite_in_tag_order(*args, **kwargs)

    def search_page(*args: Any, **kwargs: Any) -> Any:
        used.append(flt.search)
        return sqlite_search_page(*args, **kwargs)

    monkeypatch.setattr(register_pages, "sqlite_in_tag_order", in_tag_order)
    monkeypatch.setattr(register_pages, "sqlite_search_page", search_page)  # a search alone
    with db.read() as session:
        for descending in (False, True):
            expected = [r.tag for r in list_assets(session, flt, descending=descending, limit=None)]
            pager = RegisterPager(flt, descending=descending)
            offsets = range(0, len(expected) + 6, 3)
            paged = [r.tag for n in offsets for r in pager.page(session, n, 3)]
            assert paged == expected
            assert pager.count(session) == len(expected)
            paged = [r.tag for n in offsets for r in pager.page(session, n, 3)]
            assert paged == expected  # again, now read from the far end past the middle
    assert bool(used) == ranked


@sqlite_only
def test_the_index_ranks_assets_in_tag_order_as_they_come_and_go(
    assets: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SQLite's index hands out a search's hits in tag order: each asset's rowid there is
    its rank, given between its neighbours' as it is inserted or re-tagged."""
    db = assets.db
    assert _ranked_tags(db) == (["LAP-0001", "LAP-0002", "MON-0100"], 0)
    _insert_copies(db, "LAP-0001", ["ZZZ-9", "LAP-00015", "AAA-1", "MON-0099"])
    assert _ranked_tags(db) == (
        ["AAA-1", "LAP-0001", "LAP-00015", "LAP-0002", "MON-0099", "MON-0100", "ZZZ-9"],
        0,
    )
    table = cast(Table, Asset.__table__)
    with db.write() as session:
        session.execute(
            table.update().where(Asset.tag == "AAA-1").values(tag="MON-0101", tag_key="mon-0101")
        )
        session.execute(table.delete().where(Asset.tag == "LAP-00015"))
    assert _ranked_tags(db) == (
        ["LAP-0001", "LAP-0002", "MON-0099", "MON-0100", "MON-0101", "ZZZ-9"],
        0,
    )
    assert _found(db, "mon-01") == ["MON-0100", "MON-0101"]
    assert _found(db, "lap-000") == ["LAP-0001", "LAP-0002"]
    _pages_in_tag_order(db, AssetFilter(), monkeypatch, ranked=False)  # no search: no index
    # Too short for the trigram index: the index's copy of the fields, in rank order.
    _pages_in_tag_order(db, AssetFilter(search="0"), monkeypatch, ranked=True)
    _pages_in_tag_order(db, AssetFilter(search="9"), monkeypatch, ranked=True)
    _pages_in_tag_order(db, AssetFilter(search="_"), monkeypatch, ranked=True)
    _pages_in_tag_order(db, AssetFilter(search="-00"), monkeypatch, ranked=True)
    flt = AssetFilter(search="-00", statuses=("in_stock",))
    _pages_in_tag_order(db, flt, monkeypatch, ranked=True)


@sqlite_only
def test_tags_inserted_in_any_order_stay_ranked(
    assets: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Interleaved tag prefixes arriving in ascending order (a register received one by
    one) and tags inserted in descending order at one spot halve the gaps between
    neighbours until none is left; the trigger then re-spreads a window of ranks instead
    of leaving assets out of order (revision 0004 left 75 % of them unranked)."""
    db = assets.db
    interleaved = [f"{prefix}-{n:04d}" for n in range(1, 61) for prefix in ("DSK", "KBD", "PRN")]
    _insert_copies(db, "LAP-0001", interleaved)
    _insert_copies(db, "LAP-0001", [f"LAP-0001-{n:02d}" for n in range(70, 0, -1)])
    tags, unranked = _ranked_tags(db)
    assert unranked == 0
    assert len(tags) == 3 + 180 + 70
    assert tags == sorted(tags, key=str.lower)
    with db.read() as session:
        assert sqlite_unranked(session.connection()) == 0
        assert sqlite_all_ranked(session.connection(), "lap-0001-")
    _pages_in_tag_order(db, AssetFilter(search="lap-0001-"), monkeypatch, ranked=True)
    _pages_in_tag_order(db, AssetFilter(search="kbd-00"), monkeypatch, ranked=True)


def _use_up_the_ranks(db: Database) -> None:
    """Renumber the index's ranks as the last ones below UNRANKED, one after the other, so
    that no free rank is left after the first asset (as if 2**62 ranks had been used up)."""
    with db.write() as session:
        connection = session.connection()
        connection.exec_driver_sql("DELETE FROM asset_search")
        connection.exec_driver_sql("UPDATE asset_search_rank SET rank = -rank")
        connection.exec_driver_sql(
            "UPDATE asset_search_rank SET rank = 4611686018427387904 - moved.position "
            "FROM (SELECT rank AS old_rank, row_number() OVER (ORDER BY rank) AS position "
            "FROM asset_search_rank) AS moved WHERE asset_search_rank.rank = moved.old_rank"
        )
        connection.exec_driver_sql(
            "INSERT INTO asset_search(rowid, tag, serial_number, name, model, assignee, "
            "location) SELECT search_rank, tag, serial_number, name, model, assignee, location "
            "FROM asset_search_source"
        )


@sqlite_only
def test_tags_inserted_where_no_rank_is_left_are_found_in_order(
    assets: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """When no window of ranks has room, an asset is indexed out of order (UNRANKED) and a
    search's pages are found by sorting its hits, until the index is rebuilt."""
    db = assets.db
    _use_up_the_ranks(db)
    assert _ranked_tags(db) == (["LAP-0001", "LAP-0002", "MON-0100"], 0)
    _insert_copies(db, "LAP-0001", [f"LAP-0001-{n:02d}" for n in range(70, 0, -1)])
    tags, unranked = _ranked_tags(db)
    assert unranked == 70
    assert tags[:3] == ["LAP-0001", "LAP-0002", "MON-0100"]
    with db.read() as session:
        assert not sqlite_all_ranked(session.connection(), "lap-0001-")
        assert sqlite_all_ranked(session.connection(), "mon-")
    _pages_in_tag_order(db, AssetFilter(search="lap-0001-"), monkeypatch, ranked=False)
    _pages_in_tag_order(db, AssetFilter(search="mon-"), monkeypatch, ranked=True)
    # Short text may match anything: any asset out of order and its pages are sorted.
    _pages_in_tag_order(db, AssetFilter(search="01"), monkeypatch, ranked=False)
    with db.write() as session:
        assert rebuild_search_index(session.connection()) == 73
    tags, unranked = _ranked_tags(db)
    assert unranked == 0
    assert tags == sorted(tags, key=str.lower)
    _pages_in_tag_order(db, AssetFilter(search="lap-0001-"), monkeypatch, ranked=True)
    _pages_in_tag_order(db, AssetFilter(search="01"), monkeypatch, ranked=True)


def _sqlite_steps_to_insert(db: Database, like: str, tag: str) -> int:
    """SQLite virtual-machine steps (in hundreds) one asset insert takes, triggers and all."""
    table = cast(Table, Asset.__table__)
    steps = [0]

    def tick() -> int:
        steps[0] += 1
        return 0

    with db.write() as session:
        model = dict(session.execute(table.select().where(Asset.tag == like)).mappings().one())
        model.update(id=uuid.uuid4(), tag=tag, tag_key=tag.lower(), serial_number=None)
        raw = session.connection().connection.driver_connection
        assert raw is not None
        raw.set_progress_handler(tick, 100)
        try:
            session.execute(table.insert().values(**model))
        finally:
            raw.set_progress_handler(None, 100)
    return steps[0]


@sqlite_only
def test_ranking_an_insert_does_not_walk_past_unranked_assets(assets: World) -> None:
    """Each of an inserted tag's ranked neighbours is one probe of an index, however many
    unranked assets lie between them (revision 0004 walked past every one of them)."""
    db = assets.db
    _use_up_the_ranks(db)
    _insert_copies(db, "LAP-0001", [f"LAP-0001-{n:03d}" for n in range(400, 0, -1)])
    assert _ranked_tags(db)[1] == 400
    few = _sqlite_steps_to_insert(db, "LAP-0001", "LAP-0001-4000")
    _insert_copies(db, "LAP-0001", [f"LAP-0001-{n:03d}x" for n in range(400, 0, -1)])
    assert _ranked_tags(db)[1] == 801  # and LAP-0001-4000
    many = _sqlite_steps_to_insert(db, "LAP-0001", "LAP-0001-4001")
    assert many <= few + 2, (few, many)
