"""Ralph's numeric status codes import without a ``--status-map``, through the command
line as a subprocess.

Ralph writes a status as the number it stores, and a data-center asset's numbers are
not a back-office asset's (5 is "liquidated" for one, "loan" for the other): the file's
columns say which kind it holds. The data-center file is the corpus sample
``management_ip_existing.csv`` (allegro/ralph, Apache-2.0); the back-office export is
made up here with Ralph's field codes (no such export of Ralph's is in the corpus).
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

from sqlalchemy import select

from desktop.storage.models import Asset, Person
from tests.ui.spreadsheets.test_first_import_cli import assetdesk, open_db

DATA = Path(__file__).parents[2] / "data" / "spreadsheets"
RALPH_DC = DATA / "management_ip_existing.csv"
OWNED = ["--set", "owning_group=Service desk"]

BACK_OFFICE = [
    ["id", "barcode", "sn", "imei", "model_str", "hostname", "user", "owner",
     "warehouse_str", "region", "status", "remarks", "property_of"],
    ["101", "BO-0101", "PF1AAA", "", "[Laptop] Lenovo ThinkPad T14", "wro-lt-101", "", "",
     "Wrocław", "PL", "1", "", "Allegro"],
    ["102", "BO-0102", "PF1AAB", "", "[Laptop] Lenovo ThinkPad T14", "wro-lt-102", "jdoe",
     "jdoe", "Wrocław", "PL", "4", "", "Allegro"],
    ["103", "BO-0103", "PF1AAC", "", "[Laptop] Lenovo ThinkPad T14", "wro-lt-103", "", "",
     "Wrocław", "PL", "8", "keyboard", "Allegro"],
    ["104", "BO-0104", "", "356938035643809", "[Mobile phone] Apple iPhone 13", "", "", "",
     "Poznań", "PL", "15", "", "Allegro"],
]  # fmt: skip


def statuses(database: Path) -> dict[str, tuple[str, str | None]]:
    """tag → (status, assignee's user name)."""
    db = open_db(database)
    try:
        with db.read() as session:
            rows = session.execute(
                select(Asset.tag, Asset.status, Person.username).outerjoin(
                    Person, Person.id == Asset.assigned_to_id
                )
            ).all()
    finally:
        db.dispose()
    return {tag: (status, user) for tag, status, user in rows}


def test_a_data_center_export_reads_code_2_as_in_use(tmp_path: Path) -> None:
    database = tmp_path / "demo.sqlite3"
    assert assetdesk(database, "demo", "--assets", "20").returncode == 0
    dry = assetdesk(database, "import", str(RALPH_DC), *OWNED, "--dry-run")
    assert dry.returncode == 0, dry.stdout + dry.stderr
    assert (
        "Note: Status: Ralph's data-center asset codes read as Ralph names them: 2 'in use' → "
        "In service (a status word of your own for a code reads it otherwise)\n"
    ) in dry.stdout
    done = assetdesk(database, "import", str(RALPH_DC), *OWNED, "--json")
    assert done.returncode == 0, done.stdout + done.stderr
    tag = json.loads(done.stdout)["created_tags"][0]
    assert statuses(database)[tag][0] == "in_service"

    # The person's own reading of a code wins, and the note no longer claims it.
    other = tmp_path / "other.sqlite3"
    assert assetdesk(other, "demo", "--assets", "20").returncode == 0
    mine = assetdesk(other, "import", str(RALPH_DC), "--status-map", "2=in_stock", "--json")
    payload = json.loads(mine.stdout)
    assert mine.returncode == 0, payload
    assert not [n for n in payload["notes"] if "Ralph's" in n]
    assert statuses(other)[payload["created_tags"][0]][0] == "in_stock"


def test_a_back_office_export_reads_its_own_codes(tmp_path: Path) -> None:
    database = tmp_path / "register.sqlite3"
    assert assetdesk(database, "db", "upgrade").returncode == 0
    path = tmp_path / "back_office_assets.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(BACK_OFFICE)
    dry = assetdesk(database, "import", str(path), *OWNED, "--dry-run")
    assert dry.returncode == 0, dry.stdout + dry.stderr
    assert (
        "Note: Status: Ralph's back-office asset codes read as Ralph names them: 1 'new' → In "
        "stock, 4 'in use' → In service, 8 'in service' → In repair, 15 'to find' → Missing "
    ) in dry.stdout
    done = assetdesk(database, "import", str(path), *OWNED)
    assert done.returncode == 0, done.stdout + done.stderr
    assert statuses(database) == {
        "BO-0101": ("in_stock", None),
        "BO-0102": ("in_service", "jdoe"),
        "BO-0103": ("in_repair", None),
        "BO-0104": ("missing", None),
    }


def test_codes_in_a_file_that_is_not_ralphs_are_still_refused(tmp_path: Path) -> None:
    """A register's own "2" means nothing we know: the row says so, as before."""
    database = tmp_path / "register.sqlite3"
    assert assetdesk(database, "db", "upgrade").returncode == 0
    path = tmp_path / "register.csv"
    path.write_text(
        "Asset Tag,Name,Category,Location,Status\nLAP-1,Laptop,Laptop,Room 1,2\n",
        encoding="utf-8",
    )
    dry = assetdesk(database, "import", str(path), "--dry-run")
    assert dry.returncode == 1
    assert "row 2, Status: '2' is not a status" in dry.stdout
