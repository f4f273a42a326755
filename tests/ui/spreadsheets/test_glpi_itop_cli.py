"""GLPI and iTop exports import their rows, through the command line as a subprocess.

Made-up files with the quirks of the real exports (neither project's sample data may be
copied here):

* GLPI's CSV export (``Search/Output/CSVSearchOutput.php``): a UTF-8 byte-order mark,
  ``;`` between cells, every cell quoted and *followed* by the delimiter (each line ends
  in ``;``), a ``"`` in a value written ``''``, the values of a multi-valued column
  joined with ``<br>``, and a financial column named with its group: "Financial and
  administrative information - Date of purchase".
* iTop's CSV export: a linked object's field as "Brand->Name" (user-friendly headers) or
  "brand_id->name" (field codes), statuses production / implementation / stock /
  obsolete, "Name" next to "Description".
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

from sqlalchemy import select

from desktop.storage.models import Asset, AssetModel, Category, Manufacturer, Supplier
from tests.ui.spreadsheets.test_first_import_cli import assetdesk, open_db

GLPI_HEADER = [
    "Name", "Entity", "Status", "Manufacturer", "Serial number", "Type", "Model",
    "Operating system - Name", "Location", "Last update", "Components - Processor",
    "Inventory number", "User",
    "Financial and administrative information - Date of purchase",
    "Financial and administrative information - Warranty expiration date",
    "Financial and administrative information - Supplier",
    "Financial and administrative information - Value", "Comments",
]  # fmt: skip
GLPI_ROWS = [
    ["PC-0042", "Root entity > Paris", "In use", "Dell Inc.", "5CG1234XYZ", "Laptop",
     "Latitude 5420", "Windows 10 Pro", "Paris > Bâtiment A > Bureau 12", "2024-05-03 10:12",
     "Intel(R) Core(TM) i5<br>Intel(R) Core(TM) i5", "INV-0042", "jdupont", "2021-03-15",
     "2024-03-15", "Bechtle", "1234.50", "Écran 24'' fourni"],
    ["PC-0043", "Root entity > Paris", "In stock", "Lenovo", "PF2ABCD", "Desktop",
     "ThinkCentre M70q", "", "Paris > Stock", "2024-05-03 10:12", "", "INV-0043", "",
     "2022-01-10", "", "", "", ""],
]  # fmt: skip


def glpi_file(path: Path) -> Path:
    def line(cells: list[str]) -> str:
        return "".join(f'"{c}";' for c in cells) + "\n"

    text = line(GLPI_HEADER) + "".join(line(r) for r in GLPI_ROWS)
    path.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    return path


def fresh(tmp_path: Path) -> Path:
    database = tmp_path / "register.sqlite3"
    assert assetdesk(database, "db", "upgrade").returncode == 0
    return database


def stored(database: Path) -> dict[str, tuple[object, ...]]:
    """tag → (name, status, maker, model, purchase date, cost, warranty end, supplier, notes)."""
    db = open_db(database)
    try:
        with db.read() as s:
            rows = s.execute(
                select(
                    Asset.tag, Asset.name, Asset.status, Manufacturer.name, AssetModel.name,
                    Asset.purchase_date, Asset.purchase_cost, Asset.warranty_end,
                    Supplier.name, Asset.notes,
                )
                .outerjoin(AssetModel, AssetModel.id == Asset.model_id)
                .outerjoin(Manufacturer, Manufacturer.id == AssetModel.manufacturer_id)
                .outerjoin(Supplier, Supplier.id == Asset.supplier_id)
            ).all()  # fmt: skip
    finally:
        db.dispose()
    return {r[0]: tuple(r[1:]) for r in rows}


def custom(database: Path, tag: str) -> dict[str, object]:
    db = open_db(database)
    try:
        with db.read() as s:
            found = s.execute(select(Asset.custom_fields).where(Asset.tag == tag)).scalar_one()
    finally:
        db.dispose()
    return dict(found or {})


def fields(database: Path, category: str) -> list[tuple[str, str, str]]:
    """(key, label, type) of a category's custom fields."""
    db = open_db(database)
    try:
        with db.read() as s:
            found = s.execute(
                select(Category.custom_fields).where(Category.name == category)
            ).scalar_one()
    finally:
        db.dispose()
    return [(d["key"], d["label"], d["type"]) for d in found or ()]


def test_a_glpi_computer_export_imports_its_rows(tmp_path: Path) -> None:
    database = fresh(tmp_path)
    path = glpi_file(tmp_path / "glpi.csv")
    dry = assetdesk(database, "import", str(path), "--dry-run")
    assert dry.returncode == 0, dry.stdout + dry.stderr
    assert "2 create, 0 update, 0 unchanged, 0 conflicts, 0 errors" in dry.stdout
    for header, fate in (
        ("Financial and administrative information - Date of purchase", "Purchase date"),
        ("Financial and administrative information - Warranty expiration date", "Warranty end"),
        ("Financial and administrative information - Supplier", "Supplier"),
        ("Financial and administrative information - Value", "Purchase cost"),
        ("Inventory number", "Asset tag"),
        ("Name", "Name"),
        ("User", "Assigned to"),
    ):
        assert f"  {header}: imported as {fate}\n" in dry.stdout
    assert "Operating system - Name: added to the notes" in dry.stdout
    # The ";" ending every line is no column: not listed, not "not imported".
    assert "Column " not in dry.stdout and "not imported" not in dry.stdout
    assert dry.stdout.count("\n  ") - dry.stdout.count("\n  row ") >= len(GLPI_HEADER)
    # What GLPI says about the record is kept as custom fields under clear names.
    for header, fate in (
        ("Entity", "a new custom field 'entity' of the categories of its rows, text"),
        (
            "Last update",
            "a new custom field 'previous_last_update' of the categories of its rows, text",
        ),
    ):
        assert f"  {header}: {fate}\n" in dry.stdout
    assert "; Entity: Root entity > Paris; Last update (previous tool): 2024-05-03 10:12" in (
        dry.stdout
    )

    done = assetdesk(database, "import", str(path), "--json")
    assert done.returncode == 0, done.stdout + done.stderr
    payload = json.loads(done.stdout)
    assert payload["counts"]["create"] == 2
    assert payload["unmapped_columns"] == [] and payload["warnings"] == []
    rows = stored(database)
    assert rows["INV-0042"][:8] == (
        "PC-0042", "in_service", "Dell Inc.", "Latitude 5420", dt.date(2021, 3, 15),
        Decimal("1234.50"), dt.date(2024, 3, 15), "Bechtle",
    )  # fmt: skip
    notes = str(rows["INV-0042"][8]).splitlines()
    assert notes[0] == "Écran 24'' fourni"
    assert not [line for line in notes if line.startswith(("Entity", "Last update"))]
    assert custom(database, "INV-0042") == {
        "entity": "Root entity > Paris",
        "previous_last_update": "2024-05-03 10:12",
    }
    assert fields(database, "Laptop") == [
        ("entity", "Entity", "text"),
        ("previous_last_update", "Last update (previous tool)", "text"),
    ]
    assert "Components - Processor: Intel(R) Core(TM) i5, Intel(R) Core(TM) i5" in notes
    assert rows["INV-0043"][:2] == ("PC-0043", "in_stock")


ITOP_LABELS = [
    ["id", "Name", "Organization->Name", "Status", "Business criticality", "Location->Name",
     "Brand->Name", "Model->Name", "Serial number", "Asset number", "Purchase date",
     "End of warranty", "Description", "Type", "Move to production date"],
    ["12", "PC-0042", "Demo", "production", "high", "Grenoble", "Dell", "Latitude 5420",
     "5CG1234XYZ", "A-00042", "2021-03-15", "2024-03-15", "Finance laptop", "laptop",
     "2021-04-01"],
    ["13", "PC-0043", "Demo", "stock", "low", "Grenoble", "Lenovo", "ThinkCentre M70q",
     "PF2ABCD", "A-00043", "2022-01-10", "", "", "desktop", ""],
    ["14", "PC-0044", "Demo", "implementation", "medium", "Paris", "HP", "EliteBook 840",
     "5CD0000", "A-00044", "", "", "", "", ""],
]  # fmt: skip
#: The same export with field codes for headers.
ITOP_CODES = [
    ["id", "name", "org_id->name", "status", "business_criticity", "location_id->name",
     "brand_id->name", "model_id->name", "serialnumber", "asset_number", "purchase_date",
     "end_of_warranty", "description", "type", "move2production"],
    *ITOP_LABELS[1:],
]  # fmt: skip


def itop_file(path: Path, rows: list[list[str]]) -> Path:
    path.write_text(
        "".join(",".join(f'"{c}"' for c in row) + "\r\n" for row in rows), encoding="utf-8"
    )
    return path


def test_itop_exports_with_labels_or_codes_import_their_rows(tmp_path: Path) -> None:
    for number, rows in enumerate((ITOP_LABELS, ITOP_CODES)):
        database = fresh(tmp_path / str(number))
        path = itop_file(tmp_path / f"itop-{number}.csv", rows)
        header = rows[0]
        dry = assetdesk(database, "import", str(path), "--dry-run")
        assert dry.returncode == 1, dry.stdout + dry.stderr  # two rows refused
        for column, fate in zip(
            header[1:10],
            ["Name", None, "Status", None, "Location", "Manufacturer", "Model",
             "Serial number", "Asset tag"],
            strict=True,
        ):  # fmt: skip
            if fate:
                assert f"  {column}: imported as {fate}\n" in dry.stdout, column
        assert f"  {header[12]}: imported as Notes\n" in dry.stdout  # not the name
        # The organization is kept as GLPI's entity is: a custom field of a clear label.
        assert (
            f"  {header[2]}: a new custom field 'organization' of the categories of "
            "its rows, text\n"
        ) in dry.stdout
        assert "; Organization: Demo" in dry.stdout
        assert (
            f"  {header[4]}: a new custom field 'business_criticality' of the categories of "
            "its rows, text\n"
        ) in dry.stdout
        # What a PC export lacks is said per row and column, then given for all rows.
        assert "row 2, Assigned to: an asset in service needs Assigned to or Owning group" in (
            dry.stdout
        )
        assert f"row 4, {header[13]}: Category is required for a new asset" in dry.stdout

        done = assetdesk(
            database, "import", str(path), "--json",
            "--set", "Owning group=Workplace IT", "--set", "category=Computer",
        )  # fmt: skip
        payload = json.loads(done.stdout)
        assert done.returncode == 0, (payload.get("errors"), done.stderr)
        assert payload["counts"]["create"] == 3
        found = stored(database)
        assert {tag: row[:4] for tag, row in found.items()} == {
            "A-00042": ("PC-0042", "in_service", "Dell", "Latitude 5420"),
            "A-00043": ("PC-0043", "in_stock", "Lenovo", "ThinkCentre M70q"),
            "A-00044": ("PC-0044", "in_stock", "HP", "EliteBook 840"),
        }
        assert found["A-00042"][4] == dt.date(2021, 3, 15)
        assert found["A-00042"][6] == dt.date(2024, 3, 15)
        notes = str(found["A-00042"][8]).splitlines()
        assert notes[0] == "Finance laptop"  # the description
        assert not [line for line in notes if "Demo" in line]  # not in the notes
        assert (
            f"  {header[14]}: a new custom field 'in_production_since' of the categories of "
            "its rows, date\n"
        ) in dry.stdout
        assert custom(database, "A-00042") == {
            "business_criticality": "high",
            "in_production_since": "2021-04-01",
            "organization": "Demo",
        }
        assert custom(database, "A-00044")["organization"] == "Demo"
        assert fields(database, "laptop") == [
            ("business_criticality", "Business criticality", "text"),
            ("in_production_since", "In production since", "date"),
            ("organization", "Organization", "text"),
        ]
