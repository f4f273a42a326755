"""The register's first page by plain SQL equals the pager's first page, on every backend."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import update

from desktop.services import reference
from desktop.services.queries import SORT_COLUMNS, AssetFilter, AssetRow
from desktop.services.register_pages import RegisterPager
from desktop.services.register_rows import ASSET_COLUMN_SORTS, SORT_KEYS, first_page_rows
from desktop.storage.models import Asset
from tests.factories import World

LOOKED_UP_SORTS = [key for key in SORT_KEYS if key not in ASSET_COLUMN_SORTS]


@pytest.fixture
def register(world: World) -> World:
    """17 assets whose every column has ties, gaps (NULL) and distinct values."""
    with world.db.write() as s:
        dell = reference.create_manufacturer(s, name="Dell")
        lenovo = reference.create_manufacturer(s, name="Lenovo")
        models = [
            reference.create_model(s, manufacturer=lenovo, name="ThinkPad T14").id,
            reference.create_model(s, manufacturer=dell, name="Latitude 5440").id,
            None,
        ]
        supplier = reference.create_supplier(s, name="Bechtle").id
    groups = [world.service_desk, world.infrastructure, world.change_board]
    for n in range(17):
        values: dict[str, object] = {
            "serial_number": f"S{(n * 7) % 5:03d}" if n % 6 else None,
            "purchase_date": dt.date(2024, 1 + n % 4, 1) if n % 5 else None,
            "purchase_cost": Decimal(f"{(n % 3) * 250}.50") if n % 4 else None,
            "order_number": f"PO-{n % 3}" if n % 2 else None,
            "warranty_end": dt.date(2027, 1, 1 + n % 3) if n % 3 else None,
            "notes": f"note {n}" if n % 7 == 0 else "",
        }
        if models[n % 3] is not None:
            values["model"] = models[n % 3]
        if n % 2:
            values["supplier"] = supplier
        if n % 3 == 1:
            values["owning_group"] = groups[(n // 3) % 3]
        world.receive(
            tag=f"{'MON' if n % 3 else 'LAP'}-{n:03d}",
            name=f"Asset {n % 4}",
            category=world.monitor_category if n % 3 else None,
            values=values,
        )
        if n % 4 == 1:
            world.install(f"{'MON' if n % 3 else 'LAP'}-{n:03d}", assigned_to="user")
    audited = dt.datetime(2026, 3, 1, 12, 30, tzinfo=dt.UTC)
    with world.db.write() as s:
        for n in range(0, 17, 3):
            s.execute(
                update(Asset)
                .where(Asset.tag_key == f"lap-{n:03d}")
                .values(last_audited_at=audited + dt.timedelta(hours=n % 2))
            )
    return world


def test_sort_keys_are_the_sortable_columns() -> None:
    assert tuple(SORT_COLUMNS) == SORT_KEYS
    assert set(ASSET_COLUMN_SORTS) <= set(SORT_KEYS)


@pytest.mark.parametrize("sort", list(ASSET_COLUMN_SORTS))
@pytest.mark.parametrize("descending", [False, True])
def test_first_page_equals_the_pagers_first_page(
    register: World, sort: str, descending: bool
) -> None:
    rows: list[AssetRow] = []
    for limit in (5, 100):
        with register.db.read() as session:
            expected = RegisterPager(AssetFilter(), sort=sort, descending=descending).page(
                session, 0, limit
            )
        with register.db.connect() as connection:
            page = first_page_rows(connection, sort, descending, limit)
        assert page == expected
        assert page is not None and len(page) == min(limit, 17)
        rows = page
    # Every kind of value made it through, with its Python type.
    assert {r.category for r in rows} == {"Laptop", "Monitor"}
    assert {r.model for r in rows} == {"ThinkPad T14", "Latitude 5440", ""}
    assert {r.manufacturer for r in rows} == {"Lenovo", "Dell", ""}
    assert {r.supplier for r in rows} == {"Bechtle", ""}
    assert {r.location for r in rows} == {"Room A1", "Room A2"}
    assert {r.owning_group for r in rows} == {"Service desk", "Infrastructure", "Change board", ""}
    assert "Una User" in {r.assigned_to for r in rows}
    assert Decimal("250.50") in {r.purchase_cost for r in rows}
    assert dt.datetime(2026, 3, 1, 13, 30, tzinfo=dt.UTC) in {r.last_audited_at for r in rows}
    assert all(r.updated_at.tzinfo is not None for r in rows)


@pytest.mark.parametrize("sort", LOOKED_UP_SORTS)
def test_looked_up_sorts_are_left_to_the_pager(register: World, sort: str) -> None:
    with register.db.connect() as connection:
        assert first_page_rows(connection, sort, False, 100) is None
        assert first_page_rows(connection, sort, True, 100) is None
