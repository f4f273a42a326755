"""A new user's first import, through the command line run as a subprocess.

Fresh databases (``db upgrade``), files written here with openpyxl or csv, no ``--as``
and no user in the settings: the operating-system user acts. What the database holds
afterwards is checked: statuses, the procedures each asset went through (kinds in
order), the people, locations and categories created, stored values kept.
"""

from __future__ import annotations

import csv
import json
import subprocess
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from desktop.storage.database import Database
from desktop.storage.models import Asset, Category, Location, Person, Procedure
from tests.cli_run import run_cli
from tests.desktop.spreadsheets.conftest import write_workbook

OS_USER = "mkowalski"
SNIPE_HEADER = [
    "Asset Tag",
    "Asset Name",
    "Category",
    "Manufacturer",
    "Model Name",
    "Serial Number",
    "Status Label",
    "Location",
    "Checked Out To: Username",
    "Checked Out To: Email",
    "Checked Out To: Full Name",
    "Supplier",
]


def assetdesk(database: Path, *argv: str, user: str = OS_USER) -> subprocess.CompletedProcess[str]:
    env = {"USER": user, "LOGNAME": user, "LNAME": user, "USERNAME": user}
    return run_cli(*argv, database=database, env=env, timeout=300)


@pytest.fixture
def fresh(tmp_path: Path) -> Path:
    """An empty database: only what the migrations put there."""
    path = tmp_path / "first.sqlite3"
    done = assetdesk(path, "db", "upgrade")
    assert done.returncode == 0, done.stderr
    return path


def open_db(path: Path) -> Database:
    return Database(f"sqlite:///{path}")


def history(path: Path) -> dict[str, tuple[str, list[str]]]:
    """tag → (status, procedure kinds in the order they were performed)."""
    db = open_db(path)
    try:
        with db.read() as session:
            result: dict[str, tuple[str, list[str]]] = {}
            for asset in session.execute(select(Asset)).scalars():
                kinds = session.execute(
                    select(Procedure.kind)
                    .where(Procedure.asset_id == asset.id)
                    .order_by(Procedure.performed_at)
                ).scalars()
                result[asset.tag] = (asset.status, list(kinds))
            return result
    finally:
        db.dispose()


def query(path: Path, statement: Any) -> list[Any]:
    db = open_db(path)
    try:
        with db.read() as session:
            return list(session.execute(statement).all())
    finally:
        db.dispose()


def snipe_file(path: Path, rows: Sequence[Sequence[object]]) -> Path:
    return write_workbook(path, [SNIPE_HEADER, *rows], sheet="Assets")


def test_snipe_it_statuses_become_recorded_history_in_an_empty_database(
    fresh: Path, tmp_path: Path
) -> None:
    path = snipe_file(
        tmp_path / "snipe.xlsx",
        [
            ["LT-1", "Spare laptop", "Laptop", "Lenovo", "T14", "S1", "Ready to Deploy",
             "HQ › Building A › Room 101", None, None, None, "Bechtle"],
            ["LT-2", "Anna's laptop", "Laptop", "Lenovo", "T14", "S2", "Ready to Deploy",
             "HQ › Building A › Room 101", "asmith", "anna.smith@example.org", "Anna Smith", None],
            ["LT-3", "Old laptop", "Laptop", "Lenovo", "T14", "S3", "Archived",
             "HQ > Building A > Store", None, None, None, None],
            ["LT-4", "Cracked", "Laptop", "Lenovo", "T14", "S4", "Broken",
             "HQ › Building A › Room 101", None, None, None, None],
            ["LT-5", "Gone", "Laptop", "Lenovo", "T14", "S5", "Lost/Stolen",
             "HQ › Building A › Room 101", None, None, None, None],
            ["LT-6", "Scrap", "Laptop", "Lenovo", "T14", "S6", "Disposed",
             "HQ › Building A › Store", None, None, None, None],
            ["MN-1", "Monitor", "Monitor", "Dell", "U2720", "S7", "Kaputt",
             "Warehouse/Shelf 3", None, None, None, None],
            ["MN-2", "Anna's monitor", "Monitor", "Dell", "U2720", "S8", "Deployed",
             "HQ › Building A › Room 101", "asmith", "anna.smith@example.org", "Anna Smith", None],
            ["MN-3", "Retired monitor", "Monitor", "Dell", "U2720", "S9", "Retired",
             "HQ › Building A › Room 101", "bjones", None, "Bob Jones", None],
            ["MN-4", "Anna's second monitor", "Monitor", "Dell", "U2720", "S10", "Deployed",
             "HQ › Building A › Room 101", "asmith", None, None, None],
        ],
    )  # fmt: skip
    dry = assetdesk(
        fresh,
        "import",
        str(path),
        "--dry-run",
        "--status-map",
        "Kaputt=In repair",
        "--save-profile",
        "Snipe-IT",
    )
    assert dry.returncode == 0, dry.stdout + dry.stderr
    # The prefixes the file's tags show (LT-…, MN-…), not the names' LAP and MON.
    assert "category Laptop (new; tag prefix LT)" in dry.stdout
    assert "category Monitor (new; tag prefix MN)" in dry.stdout
    assert "location HQ › Building A › Room 101 (new)" in dry.stdout
    assert "location Warehouse › Shelf 3 (new)" in dry.stdout
    assert "person Anna Smith (new; user name asmith; anna.smith@example.org)" in dry.stdout
    assert "manufacturer Lenovo (new)" in dry.stdout
    assert "Dry run: nothing was written." in dry.stdout
    # The shipped decommission template says "always, 2 approvers": an import obeys it.
    assert "3 rows wait for approval: their procedure is recorded as pending" in dry.stdout
    assert (
        "row 7 LT-6: pending: the decommission waits for 2 approvals; the asset stays as it "
        "is (dispose not recorded: record it once approved)"
    ) in dry.stdout
    assert history(fresh) == {}

    done = assetdesk(fresh, "import", str(path), "--profile", "Snipe-IT", "--json")  # the word too
    assert done.returncode == 0, done.stdout + done.stderr
    payload = json.loads(done.stdout)
    assert payload["committed"] is True and payload["counts"]["create"] == 10
    assert payload["pending_rows"] == 3
    assert [(p["tag"], p["kind"], p["not_recorded"]) for p in payload["pending_approval"]] == [
        ("LT-3", "decommission", []),
        ("LT-6", "decommission", ["dispose"]),
        ("MN-3", "decommission", []),
    ]

    # Retired rows wait in the approvals inbox: the decommission is pending, the asset
    # stays where the steps before it left it (received; installed for MN-3).
    assert history(fresh) == {
        "LT-1": ("in_stock", ["receive"]),
        "LT-2": ("in_service", ["receive", "install"]),
        "LT-3": ("in_stock", ["receive", "decommission"]),
        "LT-4": ("in_repair", ["receive", "change"]),
        "LT-5": ("missing", ["receive", "change"]),
        "LT-6": ("in_stock", ["receive", "decommission"]),
        "MN-1": ("in_repair", ["receive", "change"]),
        "MN-2": ("in_service", ["receive", "install"]),
        "MN-3": ("in_service", ["receive", "install", "decommission"]),
        "MN-4": ("in_service", ["receive", "install"]),
    }
    states = query(fresh, select(Procedure.state, Procedure.approvals_required).distinct())
    assert sorted(states) == [("completed", 0), ("pending_approval", 2)]
    people = {
        row.username: (row.name, row.email)
        for row in query(fresh, select(Person.username, Person.name, Person.email))
    }
    assert people == {
        OS_USER: (OS_USER, None),
        "asmith": ("Anna Smith", "anna.smith@example.org"),
        "bjones": ("Bob Jones", None),
    }
    performers = query(fresh, select(Procedure.performed_by_id, Procedure.origin).distinct())
    (me,) = query(fresh, select(Person.id).where(Person.username == OS_USER))
    assert performers == [(me[0], "import_file")]
    locations = {
        row.id: (row.name, row.kind, row.parent_id)
        for row in query(
            fresh, select(Location.id, Location.name, Location.kind, Location.parent_id)
        )
    }

    def path_of(location_id: Any) -> str:
        name, kind, parent = locations[location_id]
        return (path_of(parent) + " › " if parent else "") + f"{name} ({kind})"

    assert sorted(path_of(i) for i in locations) == [
        "HQ (site)",
        "HQ (site) › Building A (building)",
        "HQ (site) › Building A (building) › Room 101 (room)",
        "HQ (site) › Building A (building) › Store (room)",
        "Warehouse (building)",
        "Warehouse (building) › Shelf 3 (room)",
    ]
    categories = set(query(fresh, select(Category.name, Category.tag_prefix)))
    assert categories == {("Laptop", "LT"), ("Monitor", "MN")}


def test_no_create_refuses_rows_naming_unknown_reference_data(fresh: Path, tmp_path: Path) -> None:
    path = snipe_file(
        tmp_path / "snipe.xlsx",
        [["LT-1", "Laptop", "Laptop", "", "", "S1", "Ready to Deploy", "Room 9",
          None, None, None, None]],
    )  # fmt: skip
    done = assetdesk(fresh, "import", str(path), "--no-create", "--json")
    payload = json.loads(done.stdout)
    assert done.returncode == 1
    assert payload["committed"] is False and payload["counts"]["error"] == 1
    messages = {(e["row"], e["column"]): e["message"] for e in payload["errors"]}
    assert messages[(2, "Category")].startswith("there is no category 'Laptop'")
    assert messages[(2, "Location")] == (
        "there is no location 'Room 9' (missing reference data is not created in this import)"
    )
    assert history(fresh) == {}
    assert query(fresh, select(Location.id)) == []


def test_values_for_all_rows_fill_what_a_register_lacks(fresh: Path, tmp_path: Path) -> None:
    path = tmp_path / "register.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["Device name", "Serial No.", "Status", "Site"])
        writer.writerow(["Reception PC", "PC-9", "Active", ""])
        writer.writerow(["Spare PC", "PC-10", "Spare", "Annex/Store"])
        writer.writerow(["Old PC", "PC-11", "In use", ""])
    done = assetdesk(
        fresh,
        "import",
        str(path),
        "--set",
        "category=Desktop computer",
        "--set",
        "location=Main site › Office",
        "--set",
        "Assigned to=frontdesk",
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "category Desktop computer (new; tag prefix DES)" in done.stdout
    assert "Values for new assets whose row gives none: Category = Desktop computer" in done.stdout
    rows = query(
        fresh,
        select(Asset.tag, Asset.name, Asset.status, Location.name, Person.username)
        .join(Location, Location.id == Asset.location_id)
        .outerjoin(Person, Person.id == Asset.assigned_to_id)
        .order_by(Asset.tag),
    )
    assert [tuple(r) for r in rows] == [
        ("DES-000001", "Reception PC", "in_service", "Office", "frontdesk"),
        ("DES-000002", "Spare PC", "in_service", "Store", "frontdesk"),
        ("DES-000003", "Old PC", "in_service", "Office", "frontdesk"),
    ]


def test_a_sheet_with_names_and_no_tags_says_what_else_it_needs(
    fresh: Path, tmp_path: Path
) -> None:
    """A 'Name, Value' sheet was told only that no column is the asset tag, as if the tag
    were the only way; it is not: new assets with a name and a category get tags."""
    names = write_workbook(tmp_path / "names.xlsx", [["Name", "Value"], ["Projector", 3]])
    done = assetdesk(fresh, "import", str(names))
    assert done.returncode != 0
    out = done.stdout + done.stderr
    assert "no column is mapped to Asset tag" in out
    assert "generated tag, which needs a name and a category" in out
    assert "missing: Category)" in out
    assert "Traceback" not in out
    assert history(fresh) == {}


def test_a_suppliers_list_without_names_is_named_after_its_models(
    fresh: Path, tmp_path: Path
) -> None:
    """A supplier's delivery list (Category, Manufacturer, Model, Serial number: no tags,
    no names) was refused as a whole, "needs a name … missing: Name", while the same file
    with an empty Name column imported, each asset named after its model (newuser6). A
    row without a model then is refused on its own, naming its row and column."""
    delivery = tmp_path / "delivery note 4471.csv"
    delivery.write_text(
        "Category,Manufacturer,Model,Serial number\r\n"
        "Laptop,Lenovo,ThinkPad T14 Gen 4,PF3ABC01\r\n"
        "Laptop,Lenovo,ThinkPad T14 Gen 4,PF3ABC02\r\n",
        encoding="utf-8",
    )
    done = assetdesk(fresh, "import", str(delivery), "--set", "location=Main store")
    assert done.returncode == 0, done.stdout + done.stderr
    rows = query(fresh, select(Asset.tag, Asset.name, Asset.serial_number).order_by(Asset.tag))
    assert [tuple(r) for r in rows] == [
        ("LAP-000001", "Lenovo ThinkPad T14 Gen 4", "PF3ABC01"),
        ("LAP-000002", "Lenovo ThinkPad T14 Gen 4", "PF3ABC02"),
    ]

    unnamed = tmp_path / "no model.csv"
    unnamed.write_text("Category,Serial number\nLaptop,PF3ABC03\n", encoding="utf-8")
    refused = assetdesk(fresh, "import", str(unnamed), "--dry-run")
    assert refused.returncode != 0
    assert "missing: Name; a Model column gives the names too)" in refused.stderr


def test_a_near_duplicate_name_is_flagged_in_the_dry_run(fresh: Path, tmp_path: Path) -> None:
    first = write_workbook(
        tmp_path / "one.xlsx",
        [["Asset tag", "Name", "Category", "Location"], ["LAP-1", "A", "Laptop", "Room 1"]],
    )
    assert assetdesk(fresh, "import", str(first)).returncode == 0
    second = write_workbook(
        tmp_path / "two.xlsx",
        [["Asset tag", "Name", "Category", "Location"], ["LAP-2", "B", "Laptpo", "Room 1"]],
    )
    done = assetdesk(fresh, "import", str(second), "--dry-run")
    assert "category Laptpo (new; tag prefix LAPT; 'Laptpo' looks like 'Laptop')" in done.stdout
    done = assetdesk(fresh, "import", str(second), "--dry-run", "--json")
    (new,) = json.loads(done.stdout)["new_references"]
    assert new["looks_like"] == "Laptop" and new["tag_prefix"] == "LAPT"


def test_json_is_one_object_for_a_missing_a_corrupt_and_a_refused_file(
    fresh: Path, tmp_path: Path
) -> None:
    corrupt = tmp_path / "corrupt.xlsx"
    corrupt.write_bytes(b"PK\x03\x04 this is not a workbook")
    no_columns = write_workbook(tmp_path / "nothing.xlsx", [["Colour", "Weight"], ["red", 3]])
    rejected = write_workbook(
        tmp_path / "rejected.xlsx",
        [["Asset tag", "Name", "Category", "Location", "Purchase cost"],
         ["LAP-1", "A", "Laptop", "Room 1", "lots"]],
    )  # fmt: skip
    cases = {
        tmp_path / "missing.xlsx": "there is no such file",
        corrupt: "corrupt.xlsx",
        no_columns: "no column is mapped to Asset tag",
        rejected: "nothing was imported: 1 row was rejected",
    }
    for path, message in cases.items():
        done = assetdesk(fresh, "import", str(path), "--json")
        payload = json.loads(done.stdout)  # exactly one JSON document, nothing else
        assert isinstance(payload, dict), path
        assert message in payload["refused"], (path, payload)
        assert payload["committed"] is False
        assert done.returncode in (1, 2)
    assert history(fresh) == {}


def test_a_blank_cell_keeps_the_stored_value_unless_blank_clears(
    fresh: Path, tmp_path: Path
) -> None:
    first = write_workbook(
        tmp_path / "one.xlsx",
        [["Asset tag", "Name", "Category", "Location", "Serial number", "Notes"],
         ["LAP-1", "Laptop", "Laptop", "Room 1", "SN-1", "keep me"]],
    )  # fmt: skip
    assert assetdesk(fresh, "import", str(first)).returncode == 0
    update = write_workbook(
        tmp_path / "two.xlsx",
        [["Asset tag", "Name", "Category", "Location", "Serial number", "Notes"],
         ["LAP-1", "Renamed", None, None, None, None]],
    )  # fmt: skip
    done = assetdesk(fresh, "import", str(update))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "row 2 LAP-1: Name: Laptop → Renamed" in done.stdout
    stored = query(fresh, select(Asset.name, Asset.serial_number, Asset.notes))
    assert [tuple(r) for r in stored] == [("Renamed", "SN-1", "keep me")]

    done = assetdesk(fresh, "import", str(update), "--blank-clears")
    assert done.returncode == 1
    assert "an asset's category cannot be removed" in done.stdout
    only_clearable = write_workbook(
        tmp_path / "three.xlsx",
        [["Asset tag", "Serial number", "Notes"], ["LAP-1", None, None]],
    )
    done = assetdesk(fresh, "import", str(only_clearable), "--blank-clears")
    assert done.returncode == 0, done.stdout + done.stderr
    stored = query(fresh, select(Asset.name, Asset.serial_number, Asset.notes))
    assert [tuple(r) for r in stored] == [("Renamed", None, "")]


def test_other_writes_act_as_the_os_user_too(fresh: Path, tmp_path: Path) -> None:
    from desktop.services.incidents import incident_template
    from desktop.storage.models import Incident

    path = write_workbook(
        tmp_path / "one.xlsx",
        [["Asset tag", "Name", "Category", "Location", "Owning group"],
         ["LAP-1", "Laptop", "Laptop", "Room 1", "Service desk"]],
    )  # fmt: skip
    assert assetdesk(fresh, "import", str(path), user="rpatel").returncode == 0
    severity = next(f.choices for f in incident_template().fields if f.key == "severity")[0]
    done = assetdesk(
        fresh,
        "incidents",
        "log",
        "--asset",
        "LAP-1",
        "--title",
        "Screen flickers",
        "--description",
        "Since this morning",
        "--severity",
        severity,
        "--group",
        "Service desk",
        user="rpatel",
    )
    assert done.returncode == 0, done.stderr
    (reporter,) = query(
        fresh, select(Person.username).join(Incident, Incident.reported_by_id == Person.id)
    )
    assert reporter[0] == "rpatel"
    assert [r[0] for r in query(fresh, select(Person.username))] == ["rpatel"]


def test_a_dry_run_counts_thousands_as_it_counts_the_rows(fresh: Path, tmp_path: Path) -> None:
    """ "1,200 rows below the header" was followed by "1200 create" (newuser18: an
    auditor's round trip of 2,000 assets read "2,000 rows — … 2000 unchanged")."""
    rows = [
        [f"LAP-{n:05}", "T14", "Laptop", "", "", "", "", "Depot", "", "", "", ""]
        for n in range(1200)
    ]
    done = assetdesk(fresh, "import", str(snipe_file(tmp_path / "many.xlsx", rows)), "--dry-run")
    assert done.returncode == 0, done.stderr
    assert "1,200 rows below the header in row 1" in done.stdout
    assert "  1,200 create, 0 update, 0 unchanged, 0 conflicts, 0 errors" in done.stdout
