"""The search box ignores accents and case on every backend: "zurich" finds "Zürich".

Each search is read every way the register reads it: the whole list and its count, and
the first page in several sorts (SQLite: the index's hits, a walk along the sort order
probing the index's folded copy of the fields, the index's rank order; the servers: the
trigram table, pg_trgm or LIKE).
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from desktop.services import reference, register_pages
from desktop.services.queries import AssetFilter, count_assets, list_assets
from desktop.services.register_pages import RegisterPager
from desktop.services.server_search import search_page_ids
from desktop.storage.database import Database
from desktop.storage.models import Asset, Location
from tests.factories import World

SORTS = ("tag", "name", "location", "assigned_to", "status")


def _found(db: Database, search: str) -> list[str]:
    """The tags ``search`` finds, checked to be the same however the register reads them."""
    with db.read() as session:
        tags = [r.tag for r in list_assets(session, AssetFilter(search=search), limit=None)]
        assert count_assets(session, AssetFilter(search=search)) == len(tags), search
        for sort in SORTS:
            for descending in (False, True):
                pager = RegisterPager(AssetFilter(search=search), sort=sort, descending=descending)
                paged = [r.tag for r in pager.page(session, 0, 100)]
                assert sorted(paged) == sorted(tags), (search, sort, descending)
    return sorted(tags)


@pytest.fixture
def accented(world: World) -> World:
    """Assets whose fields carry accents, and one "Zurich" written without."""
    with world.db.write() as session:
        zurich = reference.create_location(session, name="Zürich", kind="site", code="ZRH")
        sao_paulo = reference.create_location(session, name="São Paulo", kind="site")
        maker = reference.create_manufacturer(session, name="Škoda IT")
        model = reference.create_model(session, manufacturer=maker, name="Tablette Élan")
        person = reference.create_person(session, name="Jürgen Müller", username="jmuller")
        ids = (zurich.id, sao_paulo.id, model.id, person.id)
    zurich_id, sao_paulo_id, model_id, person_id = ids
    world.people["jmuller"] = person_id
    world.receive(tag="ZRH-0001", name="Drucker", values={"location": zurich_id})
    world.receive(tag="ZRH-0002", name="Zurich airport kiosk")
    world.receive(tag="GRU-0001", name="Impressora", values={"location": sao_paulo_id})
    world.receive(
        tag="TAB-0001",
        name="Crème brûlée tablet",
        values={"model": model_id, "serial_number": "ÅB-1234"},
    )
    world.receive(tag="LAP-0001", name="Finance laptop")
    world.install("LAP-0001", assigned_to="jmuller")
    return world


@pytest.mark.parametrize("walk_share", [register_pages.WALK_SHARE, 0.0])
def test_accents_and_case_are_ignored_in_every_field(
    accented: World, monkeypatch: pytest.MonkeyPatch, walk_share: float
) -> None:
    """SQLite: hits read from the index (few) and a walk along the sort order (many)."""
    monkeypatch.setattr(register_pages, "WALK_SHARE", walk_share)
    db = accented.db
    # Typed without accents, in any case: the location, the name written either way.
    assert _found(db, "zurich") == ["ZRH-0001", "ZRH-0002"]
    assert _found(db, "ZURICH") == ["ZRH-0001", "ZRH-0002"]
    # Typed with accents: it finds the same, "Zurich" written without them too.
    assert _found(db, "Zürich") == ["ZRH-0001", "ZRH-0002"]
    assert _found(db, "ZÜRICH") == ["ZRH-0001", "ZRH-0002"]
    # The accent as a separate combining mark (as some keyboards and macOS file names give).
    assert _found(db, "Zu\u0308rich") == ["ZRH-0001", "ZRH-0002"]
    assert _found(db, "sao paulo") == ["GRU-0001"]
    assert _found(db, "SÃO PAU") == ["GRU-0001"]
    assert _found(db, "muller") == ["LAP-0001"]  # the assignee
    assert _found(db, "jurgen mü") == ["LAP-0001"]
    assert _found(db, "skoda it tab") == ["TAB-0001"]  # the model: manufacturer and name
    assert _found(db, "elan") == ["TAB-0001"]
    assert _found(db, "creme brulee") == ["TAB-0001"]  # the asset's own name
    assert _found(db, "ab-12") == ["TAB-0001"]  # the serial number
    assert _found(db, "nothing like zurich") == []


def test_short_text_ignores_accents_and_case_too(accented: World) -> None:
    """Under three characters no trigram index serves: the folded text is scanned."""
    db = accented.db
    assert _found(db, "zü") == ["ZRH-0001", "ZRH-0002"]
    assert _found(db, "ZU") == ["ZRH-0001", "ZRH-0002"]
    assert _found(db, "ÅB") == ["TAB-0001"]
    assert _found(db, "ão") == ["GRU-0001"]


def test_renamed_names_are_found_without_their_accents(accented: World) -> None:
    """SQLite keeps the index's copy of a person's or location's name by triggers."""
    db = accented.db
    with db.write() as session:
        location_id = session.execute(
            select(Location.id).where(Location.name == "Zürich")
        ).scalar_one()
        reference.update_location(
            session,
            location_id=location_id,
            expected_version=None,
            name="Genève",
            kind="site",
            code="ZRH",
        )
        reference.update_person(
            session,
            person_id=accented.people["jmuller"],
            expected_version=None,
            name="Zoë Ångström",
            username="jmuller",
            email=None,
            active=True,
            roles=[],
        )
    assert _found(db, "geneve") == ["ZRH-0001"]
    assert _found(db, "zurich") == ["ZRH-0002"]
    assert _found(db, "zoe angstrom") == ["LAP-0001"]
    assert _found(db, "muller") == []


@pytest.mark.parametrize("db", ["postgresql", "mariadb"], indirect=True)
def test_the_servers_trigram_table_is_folded(accented: World) -> None:
    """The trigram table answers the folded text's trigrams (PostgreSQL: folded when
    stored; MariaDB: its collation compares "zür" equal to "zur")."""
    db = accented.db
    with db.read() as session:
        found = search_page_ids(
            session, AssetFilter(search="drucker zu"), offset=0, limit=10, descending=False
        )
        assert found is None  # no asset's own fields hold it
        found = search_page_ids(
            session, AssetFilter(search="BRULEE"), offset=0, limit=10, descending=False
        )
        assert found is not None
        ids = list(session.execute(found[0]).scalars())
        tags = session.execute(select(Asset.tag).where(Asset.id.in_(ids))).scalars().all()
    assert tags == ["TAB-0001"]


def test_a_search_ignores_accents_in_the_middle_of_many_assets(world: World) -> None:
    """Among many plain assets (SQLite walks the sort order for a common word), the
    accented ones are found and no other."""
    db = world.db
    with db.write() as session:
        munchen = reference.create_location(session, name="München Süd", kind="site").id
    for n in range(30):
        world.receive(tag=f"MUC-{n:04d}", name=f"Office laptop {n}")
    world.receive(tag="MUC-9999", name="Office laptop", values={"location": munchen})
    assert _found(db, "munchen") == ["MUC-9999"]
    assert _found(db, "office laptop") == [f"MUC-{n:04d}" for n in range(30)] + ["MUC-9999"]
    assert _found(db, "sud") == ["MUC-9999"]
