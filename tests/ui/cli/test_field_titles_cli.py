"""A field named by its title on the command line, as the form shows it.

``assetdesk kit resolve … --set "RAM (GB)=40"`` and ``assetdesk procedure change …
--set "RAM (GB)=40"`` were refused: only the key (``custom.ram_gb``) was taken, while the
form, ``asset show`` and ``kit conflicts`` title the field "RAM (GB)"; likewise
``--answer "Type of change=Upgrade"``. A title is taken like its key, accents and case
ignored as in every pick list; a title of several fields is refused listing them, and
nothing is recorded. Run as a person runs it.
"""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import select

from desktop.storage.database import Database
from desktop.storage.models import Asset, Category, KitConflict
from tests.ui.cli.test_procedure_cli import assetdesk as procedure
from tests.ui.cli.test_procedure_cli import snapshot, stored
from tests.ui.kits.test_kit_cli import (
    _fill,
    assetdesk,
    checked_out,
    ok,
    ok_json,
    one_line_failure,
)
from tests.ui.kits.test_kit_custom_titles_cli import _change


def _add_custom_field(db: Database, definition: dict[str, str]) -> None:
    """Set-up: one more custom field on the laptops (the admin's screen is tested elsewhere)."""
    with db.write() as session:
        laptops = session.execute(select(Category).where(Category.tag_prefix == "LAP")).scalar_one()
        laptops.custom_fields = [*laptops.custom_fields, definition]


def _custom(db: Database, tag: str) -> dict[str, object]:
    with db.read() as session:
        return dict(stored(session, tag).custom_fields)


def test_kit_resolve_takes_a_custom_field_by_its_title(tmp_path: Path, sqlite_db: Database) -> None:
    kit = tmp_path / "kit.adkit"
    path = checked_out(sqlite_db, kit)
    _change(kit, "LAP-1003", "custom.ram_gb=32", by="tech")
    _change(path, "LAP-1003", "custom.ram_gb=16", by="tech2")
    ok("kit", "sync", kit)
    (conflict,) = ok_json("--database", path, "kit", "conflicts")
    assert [f["label"] for f in conflict["fields"]] == ["RAM (GB)"]
    resolve = ("--database", path, "kit", "resolve", str(conflict["number"]), "--take", "edit",
               "--as", "tech2")  # fmt: skip

    # A title two fields share is refused, naming both, and the conflict stays open.
    _add_custom_field(sqlite_db, {"key": "ram_slots", "label": "Ram (GB)", "type": "number"})
    line = one_line_failure(assetdesk(*resolve, "--set", "ram (gb)=40"), "names several fields")
    assert "RAM (GB) (custom.ram_gb)" in line and "Ram (GB) (custom.ram_slots)" in line, line
    assert ok_json("--database", path, "kit", "conflicts")[0]["resolution"] is None
    with sqlite_db.write() as session:  # set-up: the second field goes again
        laptops = session.execute(select(Category).where(Category.tag_prefix == "LAP")).scalar_one()
        laptops.custom_fields = [d for d in laptops.custom_fields if d["key"] != "ram_slots"]

    out = ok(*resolve, "--set", "ram (gb)=40")
    assert "settled" in out, out
    assert _custom(sqlite_db, "LAP-1003")["ram_gb"] == 40
    with sqlite_db.read() as session:
        assert session.execute(select(KitConflict.resolution)).scalar_one() == "edit"


def test_procedure_takes_fields_and_questions_by_their_titles(sqlite_db: Database) -> None:
    world = _fill(sqlite_db)
    done = procedure(world.db, "change", "LAP-1001", "--set", "RAM (GB)=24",
                     "--set", "Dîsk ENCRYPTED=yes", "--answer", "type of change=upgrade",
                     "--as", "tech", "--json")  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    (recorded,) = json.loads(done.stdout)["procedures"]
    assert {c["field"] for c in recorded["changes"]} == {"custom.ram_gb", "custom.encrypted"}
    assert _custom(world.db, "LAP-1001") == {"ram_gb": 24, "encrypted": True}

    # A title two fields share is refused, naming both; nothing is recorded.
    _add_custom_field(world.db, {"key": "memory", "label": "Ram (gb)", "type": "number"})
    before = snapshot(world.db)
    done = procedure(world.db, "change", "LAP-1002", "--set", "RAM (GB)=8",
                     "--answer", "change_type=Upgrade", "--as", "tech")  # fmt: skip
    assert done.returncode == 2, done.stdout
    assert "Traceback" not in done.stderr
    assert "names several fields: Ram (gb) (custom.memory), RAM (GB) (custom.ram_gb)" in (
        done.stderr
    ), done.stderr
    assert snapshot(world.db) == before
    with world.db.read() as session:
        assert (
            session.execute(select(Asset.custom_fields).where(Asset.tag == "LAP-1002")).scalar_one()
            == {}
        )
