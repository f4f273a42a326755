"""Search pages in tag order on PostgreSQL and MariaDB (trigram table of migration 0009):
the same hits as a plain reference query, in the same order, kept in step by triggers,
and read through the trigram index (measured by the query plan, not assumed)."""

from __future__ import annotations

import contextlib
import random
import uuid
from typing import Any, cast

import pytest
from sqlalchemy import Table, func, or_, select, text

from desktop.domain.lifecycle import ProcedureKind
from desktop.services import reference, search, server_search
from desktop.services.procedures import ProcedureRequest, record_procedure
from desktop.services.queries import AssetFilter
from desktop.services.register_pages import RegisterPager
from desktop.services.search import search_index_kept_in_bulk
from desktop.storage.database import Database
from desktop.storage.models import Asset, AssetModel, Location, Manufacturer, Person
from tests.factories import World

servers_only = pytest.mark.parametrize("db", ["postgresql", "mariadb"], indirect=True)

#: Common, rare, absent, short, spanning manufacturer and model, mixed case, wildcards.
TERMS = (
    "lap",
    "LAP-00",
    "srv",
    "dock",
    "lenovo thinkpad",
    "X1 CARB",
    "una us",
    "branch st",
    "7q",
    "a",
    "zzzz",
    "100%",
    "b_c",
    "ser-1",
    "-0007",
)


def _reference(db: Database, search: str, flt: AssetFilter) -> list[str]:
    """The tags a plain query finds: LIKE over the six fields as SQLite's index holds
    them, in tag order (no index, no trigram table)."""
    needle = search.strip()
    pattern = "%" + needle.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    model = func.trim(func.concat(func.coalesce(Manufacturer.name, ""), " ", AssetModel.name))
    fields = (Asset.tag, Asset.serial_number, Asset.name, model, Person.name, Location.name)
    query = (
        select(Asset.tag)
        .outerjoin(AssetModel, AssetModel.id == Asset.model_id)
        .outerjoin(Manufacturer, Manufacturer.id == AssetModel.manufacturer_id)
        .outerjoin(Person, Person.id == Asset.assigned_to_id)
        .outerjoin(Location, Location.id == Asset.location_id)
        .where(or_(*(f.ilike(pattern, escape="\\") for f in fields)))
        .order_by(Asset.tag_key)
    )
    if flt.statuses:
        query = query.where(Asset.status.in_(flt.statuses))
    with db.read() as session:
        return list(session.execute(query).scalars())


def _paged(db: Database, flt: AssetFilter, *, page: int, descending: bool = False) -> list[str]:
    pager = RegisterPager(flt, descending=descending)
    tags: list[str] = []
    with db.read() as session:
        while True:
            rows = pager.page(session, len(tags), page)
            tags += [r.tag for r in rows]
            if len(rows) < page:
                return tags


@pytest.fixture
def register(world: World) -> World:
    """Named things and a few hundred assets with random tags, names and serials."""
    with world.db.write() as session:
        maker = reference.create_manufacturer(session, name="Lenovo")
        model = reference.create_model(
            session, manufacturer=maker, name="ThinkPad X1 Carbon", model_number="21HM"
        )
        model_id = model.id
    world.receive(tag="LAP-0001", name="Finance laptop", values={"serial_number": "PF3ABC12"})
    world.receive(tag="LAP-0002", name="Spare", values={"model": model_id})
    world.receive(tag="MON-0100", name="Dell 24in 100%", category=world.monitor_category)
    world.receive(tag="SRV-0007", name="Rack b_c server", values={"serial_number": "SER-1"})
    world.install("LAP-0001", assigned_to="user", location=world.other_site_room)
    table = cast(Table, Asset.__table__)
    with world.db.write() as session:
        like = dict(session.execute(table.select().where(Asset.tag == "MON-0100")).mappings().one())
        chance = random.Random(17)
        words = ("Dock", "Laptop", "Desk phone", "Server", "Switch", "Ünïcode lamp", "dockyard")
        prefixes = ("LAP", "DCK", "SRV", "PHN", "NET", "ZED")
        rows = []
        for n in range(400):
            tag = f"{chance.choice(prefixes)}-{n:05d}{chance.choice('ABCQ')}"
            serial = "".join(chance.choice("0123456789ABCDEFGHJKQ") for _ in range(9))
            rows.append(
                {
                    **like,
                    "id": uuid.uuid4(),
                    "tag": tag,
                    "tag_key": tag.lower(),
                    "name": f"{chance.choice(words)} {n}",
                    "serial_number": serial if n % 7 else None,
                    "model_id": model_id if n % 5 == 0 else None,
                    "status": "in_service" if n % 3 else "in_stock",
                }
            )
        session.execute(table.insert(), rows)
    return world


@servers_only
def test_pages_equal_the_reference_query(register: World) -> None:
    db = register.db
    for term in TERMS:
        expected = _reference(db, term, AssetFilter(search=term))
        assert _paged(db, AssetFilter(search=term), page=25) == expected, term
        assert _paged(db, AssetFilter(search=term), page=40, descending=True) == expected[::-1]
        in_stock = AssetFilter(search=term, statuses=("in_stock",))
        assert _paged(db, in_stock, page=25) == _reference(db, term, in_stock), term


@servers_only
def test_common_rare_and_absent_terms_are_all_found(register: World) -> None:
    """The fixture's terms cover the three cases the plan decides between."""
    db = register.db
    counts = {term: len(_reference(db, term, AssetFilter(search=term))) for term in TERMS}
    assert counts["lap"] > 100  # common: the page fills along the trigram's assets
    assert counts["srv"] > 50
    assert 0 < counts["ser-1"] < 5  # rare: its trigrams are rare
    assert counts["zzzz"] == 0  # absent: a trigram no asset has, nothing read


@servers_only
def test_the_trigram_table_follows_changes_to_assets(register: World) -> None:
    db = register.db
    record_procedure(
        db,
        ProcedureRequest(
            kind=ProcedureKind.CHANGE,
            performed_by="tech",
            asset_tag="LAP-0002",
            values={"serial_number": "QWXZ-77", "name": "Renamed spare"},
            answers={"change_type": "Record correction"},
            reason="label fixed",
        ),
    )
    for term in ("qwxz", "renamed sp", "spare"):
        assert _paged(db, AssetFilter(search=term), page=10) == _reference(
            db, term, AssetFilter(search=term)
        )
    assert _paged(db, AssetFilter(search="qwxz"), page=10) == ["LAP-0002"]
    with db.write() as session:
        session.execute(
            Asset.__table__.update()  # type: ignore[attr-defined]
            .where(Asset.tag == "SRV-0007")
            .values(tag="SRV-9007", tag_key="srv-9007")
        )
    old_tag = AssetFilter(search="srv-0007")
    assert _paged(db, old_tag, page=10) == _reference(db, "srv-0007", old_tag)
    assert "SRV-9007" not in _paged(db, old_tag, page=10)
    assert _paged(db, AssetFilter(search="srv-9007"), page=10) == ["SRV-9007"]
    with db.read() as session:
        rows = session.execute(
            text("SELECT count(*) FROM asset_search_trigrams WHERE tag_key = 'srv-0007'")
        ).scalar_one()
    assert rows == 0  # the old tag's trigrams went with it


@pytest.mark.parametrize("db", ["mariadb"], indirect=True)
def test_a_changed_asset_s_old_trigrams_are_found_by_key_on_mariadb(register: World) -> None:
    """Measured by the server's own counter of rows read by scans: 0009's trigger read
    every trigram of every asset for each changed one (58 ms an asset at 10,000 assets);
    since 0019 it looks up the changed asset's own (migration 0019)."""
    table = cast(Table, Asset.__table__)
    with register.db.write() as session:
        trigrams = session.execute(text("SELECT count(*) FROM asset_search_trigrams")).scalar_one()

        def scanned() -> int:
            row = session.execute(text("SHOW SESSION STATUS LIKE 'Handler_read_rnd_next'")).one()
            return int(row[1])

        spare_id, spare_key = session.execute(
            select(Asset.id, Asset.tag_key).where(Asset.tag_key.like("%-00000%"))
        ).one()  # one without history (a delete is refused for the others)
        before = scanned()
        session.execute(
            table.update().where(Asset.tag == "LAP-0002").values(serial_number="QWXZ-77")
        )
        session.execute(table.delete().where(Asset.id == spare_id))
        read = scanned() - before
        left = session.execute(
            text(
                "SELECT tag_key, count(*) FROM asset_search_trigrams "
                "WHERE tag_key IN ('lap-0002', :spare) GROUP BY tag_key"
            ),
            {"spare": spare_key},
        ).all()
        session.rollback()
    assert trigrams > 5_000
    assert read < 500, f"{read} rows scanned of {trigrams} trigrams"
    # LAP-0002 "Spare" QWXZ-77: its trigrams as they are now, the deleted asset's none.
    now = {"lap", "ap-", "p-0", "-00", "000", "002", "spa", "par", "are"}
    assert dict(left) == {"lap-0002": len(now | {"qwx", "wxz", "xz-", "z-7", "-77"})}


@servers_only
def test_a_bulk_update_keeps_the_trigrams_as_the_trigger_does(
    register: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Assets updated together (a kit's sync) get the trigrams the update trigger would
    give them one by one (migration 0020: the trigger off for the session, the trigrams
    replaced by one statement each side); afterwards the trigger is on again for the
    session, and another session's updates were never off."""
    monkeypatch.setattr(search, "BULK_UPKEEP_MIN", 2)
    table = cast(Table, Asset.__table__)
    serials = {"LAP-0001": "BULKQZ-1", "LAP-0002": None, "SRV-0007": "Zürich-BULKQZ-3"}
    results = []
    for bulk in (False, True):
        with register.db.write() as session:
            connection = session.connection()
            ids = {
                tag: session.execute(select(Asset.id).where(Asset.tag == tag)).scalar_one()
                for tag in serials
            }
            kept = search_index_kept_in_bulk(connection, list(ids.values()), ["serial_number"])
            with kept if bulk else contextlib.nullcontext():
                for tag, serial in serials.items():
                    connection.execute(
                        table.update().where(table.c.id == ids[tag]).values(serial_number=serial)
                    )
            # After the block, the trigger keeps this session's updates again.
            connection.execute(
                table.update().where(table.c.tag == "MON-0100").values(serial_number="AFTERQZ")
            )
            results.append(
                connection.execute(
                    text("SELECT trigram, tag_key FROM asset_search_trigrams ORDER BY 2, 1")
                ).all()
            )
            session.rollback()
    by_trigger, in_bulk = results
    assert in_bulk == by_trigger
    assert ("lkq", "lap-0001") in in_bulk and ("rqz", "mon-0100") in in_bulk
    assert ("lkq", "srv-0007") in in_bulk
    with register.db.read() as session:  # rolled back, trigrams included
        assert not session.execute(
            text("SELECT 1 FROM asset_search_trigrams WHERE trigram = 'lkq'")
        ).first()


@servers_only
def test_a_page_walks_the_rarest_trigram_in_tag_order(register: World) -> None:
    """Measured, not assumed: the assets' own fields are read through the trigram
    table's key (trigram, tag key), each posting looking its asset up by tag key."""
    db = register.db
    with db.read() as session:
        found = server_search.search_page_ids(
            session, AssetFilter(search="dockyard"), offset=0, limit=100, descending=False
        )
        assert found is not None
        query, _key = found
        compiled = query.compile(dialect=session.get_bind().dialect)
        plan = " ".join(
            " ".join(str(v) for v in row)
            for row in session.connection().exec_driver_sql(
                "EXPLAIN " + str(compiled), cast(Any, compiled.params)
            )
        )
    if db.backend == "postgresql":
        assert "pk_asset_search_trigrams" in plan
        assert "uq_assets_tag_key" in plan
        assert "Merge Join" not in plan  # not a walk of every asset to the first hit
    else:
        assert "asset_search_trigrams ref PRIMARY PRIMARY" in plan
        assert "eq_ref uq_assets_tag_key" in plan
        assert "filesort" not in plan.split("asset_search_trigrams", 1)[1].split("\n")[0]


@servers_only
def test_text_with_a_trigram_no_asset_has_reads_no_asset(register: World) -> None:
    with register.db.read() as session:
        found = server_search.search_page_ids(
            session, AssetFilter(search="zzzz"), offset=0, limit=100, descending=False
        )
    assert found is None
