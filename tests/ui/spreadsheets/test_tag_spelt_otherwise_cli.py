"""A finance user's sheet found each asset by its tag, some typed by hand ("dck-000008 ",
lower case with a trailing space): the dry run listed "Asset tag: DCK-000008 → dck-000008"
and the import rewrote the tag as typed. The cell that finds the asset is not a relabel
(tags are compared ignoring case and surrounding spaces); matched by Key, a tag typed
otherwise still renames the asset."""

from __future__ import annotations

from pathlib import Path

from desktop.services.queries import asset_detail
from desktop.storage.database import Database
from tests.cli_run import run_cli
from tests.factories import seed_world


def test_a_tag_typed_in_another_case_finds_the_asset_and_keeps_its_tag(
    sqlite_db: Database, tmp_path: Path
) -> None:
    world = seed_world(sqlite_db)
    world.receive(tag="LAP-000008", name="Old name")
    sheet = tmp_path / "finance.csv"
    sheet.write_text("Asset tag;Name\r\n lap-000008 ;New name\r\n", encoding="utf-8")

    dry = run_cli("import", str(sheet), "--dry-run", database=sqlite_db)
    assert dry.returncode == 0, dry.stderr
    assert "Asset tag: LAP-000008 →" not in dry.stdout
    assert ": Name: Old name → New name" in dry.stdout

    done = run_cli("import", str(sheet), "--as", "tech", database=sqlite_db)
    assert done.returncode == 0, done.stdout + done.stderr
    with sqlite_db.read() as session:
        detail = asset_detail(session, tag="LAP-000008")
    assert detail.row.tag == "LAP-000008" and detail.row.name == "New name"
