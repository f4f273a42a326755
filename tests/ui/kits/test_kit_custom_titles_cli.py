"""A field kit's sync names custom fields by the title their category gives them.

The laptops' "RAM (GB)" (key ``ram_gb``) was named "Ram gb" in a conflict's fields and
reasons (``kit sync``, ``kit conflicts``, the conflict queue screen) and in a merged
record's "the server changed Ram gb" (the sync's results and the history's note), while
the asset's details, the approvals and ``procedure`` say "RAM (GB)". Run as a person
runs it: ``procedure change`` in the kit and on the shared file, then ``kit sync``.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from desktop.storage.database import Database
from desktop.storage.models import Asset, Procedure
from tests.ui.kits.test_kit_cli import checked_out, ok, ok_json


def _change(database: Path, tag: str, *sets: str, by: str) -> None:
    argv: list[str | Path] = ["--database", database, "procedure", "change", tag, "--as", by]
    for value in sets:
        argv += ["--set", value]
    ok(*argv, "--answer", "change_type=Upgrade")


def test_sync_conflicts_and_merges_name_custom_fields_by_their_titles(
    tmp_path: Path, sqlite_db: Database
) -> None:
    kit = tmp_path / "kit.adkit"
    path = checked_out(sqlite_db, kit)

    # LAP-1003: the same custom field set to two values (a conflict); LAP-1002: the kit
    # moves it while the server sets its RAM (merged, rebased).
    _change(kit, "LAP-1003", "custom.ram_gb=32", by="tech")
    _change(path, "LAP-1003", "custom.ram_gb=16", by="tech2")
    _change(kit, "LAP-1002", "location=ROOM-A1", by="tech")
    _change(path, "LAP-1002", "custom.ram_gb=64", by="tech2")

    text = ok("kit", "sync", kit)
    assert "the server changed RAM (GB) to “16” meanwhile" in text, text
    (merged,) = [line for line in text.splitlines() if " merged " in line]
    assert merged.endswith("the server changed RAM (GB)"), merged
    assert "Ram gb" not in text and "ram_gb" not in text, text

    (conflict,) = ok_json("--database", path, "kit", "conflicts")
    (field,) = conflict["fields"]
    assert field["field"] == "custom.ram_gb" and field["label"] == "RAM (GB)"
    assert all("Ram gb" not in r and "ram_gb" not in r for r in conflict["reasons"])
    listing = ok("--database", path, "kit", "conflicts")
    assert "RAM (GB): base" in listing, listing
    assert "Ram gb" not in listing and "ram_gb" not in listing

    with sqlite_db.read() as session:
        note = session.execute(
            select(Procedure.note)
            .join(Asset, Asset.id == Procedure.asset_id)
            .where(Asset.tag == "LAP-1002", Procedure.note.like("Made offline%"))
        ).scalar_one()
    assert "the server changed RAM (GB) meanwhile" in note, note

    # The asset's history on the command line titles the custom field too.
    shown = ok("--database", path, "asset", "show", "LAP-1002")
    assert "RAM (GB): — → 64" in shown, shown
    assert "custom.ram_gb" not in shown
