"""What a checkout copies, row for row, on every backend (the set-based copy: inside
SQLite from a file, a driver's executemany from a server), and the kit file's schema."""

from __future__ import annotations

import datetime as dt
import json
import os
import sqlite3
import uuid
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import Table, select, update

from desktop import kits
from desktop.kits.checkout import new_kit_database
from desktop.kits.copying import WHOLE_TABLES
from desktop.kits.schema import base_values
from desktop.services.audit_scans import record_scan
from desktop.services.audits import start_audit
from desktop.services.incidents import IncidentRequest, log_incident
from desktop.storage.database import Database, open_database
from desktop.storage.models import Asset, Base
from tests.desktop.kits.helpers import change
from tests.factories import World

#: Rows a kit changes itself right after the copy (its tag blocks).
_CHANGED_BY_THE_KIT = {"tag_sequences"}


def _rows(db: Database, table: Table, ids: set[uuid.UUID] | None = None) -> list[dict[str, Any]]:
    with db.connect() as connection:
        rows = [dict(row._mapping) for row in connection.execute(select(table))]
    if ids is not None:
        rows = [row for row in rows if row["id"] in ids]
    return sorted(rows, key=lambda row: str(row.get("id", row)))


def _full_asset(world: World) -> uuid.UUID:
    """An asset with every field set, custom fields and a last audit time included."""
    made = world.receive(
        tag="LAP-1",
        values={
            "serial_number": "SN-ÄÖ-1",
            "purchase_date": dt.date(2025, 3, 4),
            "purchase_cost": Decimal("1234.56"),
            "order_number": "PO-77",
            "warranty_end": dt.date(2028, 3, 4),
            "notes": "fragile \u2013 handle with care",
        },
    )
    world.install("LAP-1")
    for n in range(6):  # more history than a kit keeps
        change(world.db, "LAP-1", {"notes": f"note {n}"})
    with world.db.write() as s:
        s.execute(
            update(Asset)
            .where(Asset.id == made.asset_id)
            .values(
                custom_fields={"colour": "grey", "ports": 3},
                last_audited_at=dt.datetime(2026, 1, 2, 3, 4, 5, 600_000, tzinfo=dt.UTC),
            )
        )
    return made.asset_id


def test_the_kit_holds_the_sources_rows_as_they_are(world: World, tmp_path: Path) -> None:
    asset_id = _full_asset(world)
    world.receive(tag="LAP-2")
    world.receive(tag="LAP-9", values={"location": world.other_site_room})  # out of scope
    audit = start_audit(world.db, scope_location_id=world.building, started_by="auditor")
    record_scan(world.db, audit_id=audit.id, raw="LAP-2", scanned_by="auditor")
    record_scan(world.db, audit_id=audit.id, raw="NOT-A-TAG", scanned_by="auditor")
    log_incident(
        world.db,
        IncidentRequest(
            logged_by="tech",
            asset_tags=["LAP-1", "LAP-9"],
            title="Does not boot",
            description="Black screen.",
            severity="high",
            routed_group="Infrastructure",
            reported_by="user",
        ),
    )
    scope = kits.resolve_scope(world.db, locations=["Head office"])
    info = kits.checkout(world.db, scope, "tech", tmp_path / "kit.sqlite")
    assert info.asset_count == 2
    kit = open_database(f"sqlite:///{tmp_path / 'kit.sqlite'}")
    try:
        tables = {t.name: t for t in Base.metadata.sorted_tables}
        for name in WHOLE_TABLES:
            if name not in _CHANGED_BY_THE_KIT:
                assert _rows(kit, tables[name]) == _rows(world.db, tables[name]), name
        in_kit = {row["id"] for row in _rows(kit, tables["assets"])}
        assert len(in_kit) == 2 and asset_id in in_kit
        for name in ("assets", "procedures", "audits", "audit_scans", "incidents"):
            kit_rows = _rows(kit, tables[name])
            ids = {row["id"] for row in kit_rows}
            assert kit_rows == _rows(world.db, tables[name], ids), name
        history = _rows(kit, tables["procedures"])
        assert len([p for p in history if p["asset_id"] == asset_id]) == 5
        scans = _rows(kit, tables["audit_scans"])
        assert len(scans) == 2  # the scope's asset's scan and the unknown text's
        (incident,) = _rows(kit, tables["incidents"])
        links = _rows(kit, tables["incident_assets"])
        assert [link["asset_id"] for link in links] == [asset_id]  # LAP-9 is not in the kit
        assert _rows(kit, tables["incident_events"])
        assert incident["title"] == "Does not boot"
        # The base values are the source's, field by field, as the sync compares them.
        with kit.connect() as connection:
            bases = {
                uuid.UUID(r[0]): json.loads(r[1])
                for r in connection.exec_driver_sql("SELECT asset_id, vals FROM kit_base")
            }
        with world.db.read() as s:
            for asset in s.execute(select(Asset).where(Asset.id.in_(in_kit))).scalars():
                assert bases[asset.id] == json.loads(json.dumps(base_values(asset), default=str))
        assert bases[asset_id]["custom.colour"] == "grey"
        assert bases[asset_id]["last_audited_at"].startswith("2026-01-02T03:04:05.6")
    finally:
        kit.dispose()


def _schema(path: Path) -> list[tuple[str, str, str]]:
    connection = sqlite3.connect(path)
    try:
        return (
            connection.execute(
                "SELECT type, name, coalesce(sql, '') FROM sqlite_master ORDER BY type, name"
            ).fetchall()
            + connection.execute("SELECT 'head', version_num, '' FROM alembic_version").fetchall()
        )
    finally:
        connection.close()


def test_a_new_kit_file_is_a_copy_of_the_migrated_schema(tmp_path: Path) -> None:
    migrated = Database(f"sqlite:///{tmp_path / 'migrated.sqlite'}")
    migrated.upgrade()
    migrated.dispose()
    first = new_kit_database(tmp_path / "kit1.sqlite")  # makes the cached template
    first.dispose()
    templates = list(Path(os.environ["XDG_CACHE_HOME"]).glob("**/kit-schema-*.sqlite"))
    assert templates, "the migrated empty kit is kept in the cache folder"
    second = new_kit_database(tmp_path / "kit2.sqlite")  # copied from it
    second.dispose()
    expected = _schema(tmp_path / "migrated.sqlite")
    assert _schema(tmp_path / "kit1.sqlite") == expected
    assert _schema(tmp_path / "kit2.sqlite") == expected
