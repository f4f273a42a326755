"""Ralph's back-office export names its model and warehouse by their ids ("model": 1,
"warehouse": 1), with no text beside them: the corpus sample ``back_office_assets.csv``
(allegro/ralph, Apache-2.0). Imported through the command line as a subprocess, the ids
go to the notes; they made a location "1" and a model "Unknown manufacturer 1"."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from desktop.storage.models import Asset, AssetModel, Location
from tests.ui.spreadsheets.test_first_import_cli import assetdesk, open_db

BACK_OFFICE = Path(__file__).parents[2] / "data" / "spreadsheets" / "back_office_assets.csv"
VALUES = [
    *("--set", "category=Laptop"),
    *("--set", "name=Ralph laptop"),
    *("--set", "location=Main store"),
    *("--set", "owning_group=Service desk"),
]


def test_ralphs_id_columns_go_to_the_notes_not_to_new_references(tmp_path: Path) -> None:
    database = tmp_path / "register.sqlite3"
    assert assetdesk(database, "db", "upgrade").returncode == 0
    dry = assetdesk(database, "import", str(BACK_OFFICE), *VALUES, "--dry-run")
    assert dry.returncode == 0, dry.stdout + dry.stderr
    # Known columns holding Ralph's ids, said so (they read "(not a known column)").
    assert "  model: Ralph record ids: kept in the notes as 'model: …'" in dry.stdout
    assert "  warehouse: Ralph record ids: kept in the notes as 'warehouse: …'" in dry.stdout
    assert "  id: Ralph record ids: kept in the notes as 'id: …'" in dry.stdout
    assert "  region: added to the notes as 'region: …' (not a known column)" in dry.stdout
    assert "location 1 (new)" not in dry.stdout
    done = assetdesk(database, "import", str(BACK_OFFICE), *VALUES)
    assert done.returncode == 0, done.stdout + done.stderr
    db = open_db(database)
    try:
        with db.read() as session:
            assert session.execute(select(Location.name)).scalars().all() == ["Main store"]
            assert session.execute(select(AssetModel.name)).scalars().all() == []
            notes = session.execute(select(Asset.serial_number, Asset.notes)).all()
    finally:
        db.dispose()
    assert sorted(str(serial) for serial, _ in notes) == ["bo_asset_sn", "bo_asset_sn2"]
    for _serial, text in notes:
        lines = (text or "").splitlines()
        assert "model: 1" in lines and "warehouse: 1" in lines, text
