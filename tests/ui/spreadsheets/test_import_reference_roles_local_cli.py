"""On a local file a technician's import may not create reference data either.

Tess (technician) imported an iTop export into a local file shared by several people: the
import created a category, a group, locations, manufacturers and models; Data › Locations
then refused her a single location (newuser13). The import now checks the importer's
roles as the reference window does: the dry run says it will be refused, the import is
refused with nothing written, an administrator's import creates them. A file with one
person (its owner) is untouched: its owner may do everything.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select

from desktop.storage.database import Database
from desktop.storage.models import Asset, Location
from tests.cli_run import run_cli
from tests.factories import seed_world

ORDER = "Asset tag,Name,Category,Location\nLAP-901,On order,Laptop,Basement store\n"


def state(db: Database) -> tuple[int, bool]:
    with db.read() as session:
        assets = session.scalar(select(func.count()).select_from(Asset))
        store = session.scalar(select(Location.id).where(Location.name == "Basement store"))
    return assets or 0, store is not None


def test_a_technicians_import_creates_no_reference_data_on_a_local_file(
    sqlite_db: Database, tmp_path: Path
) -> None:
    seed_world(sqlite_db)
    path = tmp_path / "order.csv"
    path.write_text(ORDER, encoding="utf-8")
    before = state(sqlite_db)

    dry = run_cli("import", str(path), "--dry-run", "--as", "tech", database=sqlite_db)
    assert (
        "Import will be refused: the file needs new reference data (location 'Basement "
        "store'), and Tess Tech (tech) may not change reference data" in dry.stdout
    ), dry.stdout
    assert "or import with --no-create" in dry.stdout

    refused = run_cli("import", str(path), "--as", "tech", database=sqlite_db)
    assert refused.returncode != 0
    assert "may not change reference data" in refused.stderr + refused.stdout
    assert "Nothing was imported" in refused.stderr + refused.stdout
    assert state(sqlite_db) == before

    done = run_cli("import", str(path), "--as", "admin", database=sqlite_db)
    assert done.returncode == 0, done.stdout + done.stderr
    assert state(sqlite_db) == (before[0] + 1, True)
