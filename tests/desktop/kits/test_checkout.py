"""Checking a kit out from a server (every backend) and from a local file."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from desktop import kits
from desktop.errors import NotFoundError
from desktop.storage.database import Database, open_database
from desktop.storage.models import Asset, KitCheckout, Procedure, TagSequence
from tests.factories import World


def _open(path: Path) -> Database:
    return open_database(f"sqlite:///{path}")


def test_checkout_takes_the_scope_and_records_it_on_the_server(
    world: World, tmp_path: Path
) -> None:
    a = world.receive(tag="LAP-1")  # Room A1, under Head office
    world.receive(tag="LAP-2", values={"location": world.other_site_room})
    world.install("LAP-1")  # moves to Room A2, still under Head office
    scope = kits.resolve_scope(world.db, locations=["Head office"])
    seen: list[tuple[int, int, str]] = []
    info = kits.checkout(
        world.db, scope, "tech", tmp_path / "kit.sqlite", progress=lambda *a: seen.append(a)
    )
    assert info.asset_count == 1
    assert info.checked_out_by == "tech"
    assert info.waiting == 0
    assert "Head office" in info.scope_text
    assert "@" not in info.source_url or ":" not in info.source_url.split("@")[0].split("//")[1]
    assert seen and seen[-1][0] <= seen[-1][1]
    kit = _open(tmp_path / "kit.sqlite")
    try:
        assert kits.kit_info(kit) == info
        with kit.read() as s:
            tags = s.execute(select(Asset.tag)).scalars().all()
            assert tags == ["LAP-1"]
            history = s.execute(
                select(func.count()).select_from(Procedure).where(Procedure.asset_id == a.asset_id)
            ).scalar_one()
            assert history == 2
            block = s.get(TagSequence, "LAP")
            assert block is not None
            assert (block.next_value, info.tag_blocks[0].prefix) == (
                info.tag_blocks[0].first,
                "LAP",
            ) or any(b.prefix == "LAP" and b.first == block.next_value for b in info.tag_blocks)
    finally:
        kit.dispose()
    assert kits.kit_info(world.db) is None
    with world.db.read() as s:
        (mark,) = kits.active_checkouts(s)
        assert mark.checked_out_by == "tech"
        marks = kits.checkouts_for_assets(s, [a.asset_id])
        assert marks[a.asset_id].kit_id == info.kit_id
        assert "checked out by Tess Tech since" in marks[a.asset_id].text()
        lap = s.get(TagSequence, "LAP")
        assert lap is not None and lap.next_value > kits.TAG_BLOCK_SIZE
        assert s.execute(select(func.count()).select_from(KitCheckout)).scalar_one() == 1


def test_unknown_location_is_named_and_nothing_is_made(world: World, tmp_path: Path) -> None:
    with pytest.raises(NotFoundError, match="Basement"):
        kits.resolve_scope(world.db, locations=["Basement"])
    with pytest.raises(kits.KitError, match="say what the kit holds"):
        kits.resolve_scope(world.db)


def test_cancel_removes_the_file_and_records_nothing(world: World, tmp_path: Path) -> None:
    world.receive(tag="LAP-1")
    scope = kits.resolve_scope(world.db, locations=["ROOM-A1"])
    with pytest.raises(kits.KitCancelled):
        kits.checkout(world.db, scope, "tech", tmp_path / "kit.sqlite", cancel=lambda: True)
    assert not (tmp_path / "kit.sqlite").exists()
    with world.db.read() as s:
        assert s.execute(select(func.count()).select_from(KitCheckout)).scalar_one() == 0


def test_a_kit_is_not_checked_out_from_a_kit(world: World, tmp_path: Path) -> None:
    world.receive(tag="LAP-1")
    scope = kits.resolve_scope(world.db, locations=["ROOM-A1"])
    kits.checkout(world.db, scope, "tech", tmp_path / "kit.sqlite")
    kit = _open(tmp_path / "kit.sqlite")
    try:
        with pytest.raises(kits.KitError, match="itself a field kit"):
            kits.checkout(kit, scope, "tech", tmp_path / "kit2.sqlite")
    finally:
        kit.dispose()
    with pytest.raises(kits.KitError, match="already exists"):
        kits.checkout(world.db, scope, "tech", tmp_path / "kit.sqlite")


def test_local_files_and_kits_commit_with_synchronous_full(world: World, tmp_path: Path) -> None:
    world.receive(tag="LAP-1")
    kits.checkout(
        world.db, kits.resolve_scope(world.db, locations=["ROOM-A1"]), "tech", tmp_path / "k.sqlite"
    )
    for path in (tmp_path / "k.sqlite", tmp_path / "plain.sqlite"):
        db = _open(path)
        try:
            for engine in (db.engine, db.read_engine):
                with engine.connect() as c:
                    assert c.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
        finally:
            db.dispose()


def test_scope_by_assignee_search_and_audit(world: World, tmp_path: Path) -> None:
    from desktop.services.audits import start_audit

    world.receive(tag="LAP-1", values={"location": world.other_site_room})
    world.install("LAP-1", location=world.other_site_room)  # assigned to Una User
    world.receive(tag="LAP-2", name="Special Dock", values={"location": world.other_site_room})
    world.receive(tag="LAP-3", values={"location": world.other_site_room})
    world.receive(tag="LAP-4")  # Room A1
    audit = start_audit(world.db, scope_location_id=world.room_a, started_by="auditor")
    cases = [
        ({"assigned_to": ["user"]}, {"LAP-1"}),
        ({"search": "Special Dock"}, {"LAP-2"}),
        ({"audit": str(audit.id)}, {"LAP-4"}),
        ({"locations": ["Branch"], "assigned_to": ["user"]}, {"LAP-1", "LAP-2", "LAP-3"}),
    ]
    for n, (parts, expected) in enumerate(cases):
        scope = kits.resolve_scope(world.db, **parts)  # type: ignore[arg-type]
        kits.checkout(world.db, scope, "tech", tmp_path / f"kit{n}.sqlite")
        kit = _open(tmp_path / f"kit{n}.sqlite")
        try:
            with kit.read() as s:
                assert set(s.execute(select(Asset.tag)).scalars()) == expected, parts
        finally:
            kit.dispose()
