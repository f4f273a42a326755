"""Files people bring when they leave Snipe-IT, Shelf, GLPI or an Excel register, imported
through the command line as a subprocess: the dry run's JSON, then a real import, then
what the database holds (dates above all).

The files are made up in ``tests/data/spreadsheets/migration/make_files.py`` with the
quirks of real ones; see that module's docstring.
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from desktop.services import reference
from desktop.services.approvals import pending_approvals
from desktop.storage.database import Database
from desktop.storage.models import Asset, Category, Person
from tests.cli_run import run_cli
from tests.data.spreadsheets.migration.make_files import write_register_with_totals
from tests.desktop.spreadsheets.conftest import counts
from tests.factories import World, seed_world

FILES = Path(__file__).parents[2] / "data" / "spreadsheets" / "migration"


@pytest.fixture
def world(sqlite_db: Database) -> World:
    """Our test world plus the categories the files name (creating missing categories is
    another part of issue 14)."""
    world = seed_world(sqlite_db)
    with sqlite_db.write() as s:
        reference.create_category(s, name="Phone", tag_prefix="PHN")
        reference.create_category(s, name="Desktop", tag_prefix="DSK")
        reference.create_category(s, name="Camera", tag_prefix="CAM")
    return world


def cli(db: Database, *argv: str, locale: str = "C.UTF-8") -> subprocess.CompletedProcess[str]:
    """The command line in a locale that says nothing about dates (day first) unless given."""
    return run_cli(*argv, database=db, env={"LC_ALL": locale, "LANG": locale}, timeout=120)


def dry_run(db: Database, name: str, *extra: str) -> dict[str, Any]:
    result = cli(db, "import", str(FILES / name), "--dry-run", "--json", *extra)
    assert "Traceback" not in result.stderr, result.stderr
    payload: dict[str, Any] = json.loads(result.stdout)
    return payload


def imported(db: Database, name: str, *extra: str) -> subprocess.CompletedProcess[str]:
    result = cli(db, "import", str(FILES / name), "--as", "admin", *extra)
    assert "Traceback" not in result.stderr, result.stderr
    return result


def assets(db: Database) -> dict[str, Asset]:
    with db.read() as s:
        rows = s.execute(select(Asset)).scalars().all()
        s.expunge_all()
    return {a.tag: a for a in rows}


def people(db: Database) -> dict[str, str]:
    with db.read() as s:
        return {p.username: p.name for p in s.execute(select(Person)).scalars()}


def emails(db: Database) -> dict[str, str | None]:
    with db.read() as s:
        return {p.username: p.email for p in s.execute(select(Person)).scalars()}


def person_id(db: Database, username: str) -> object:
    with db.read() as s:
        return s.execute(select(Person.id).where(Person.username == username)).scalar_one()


def test_old_snipeit_headers_mac_roman_cr_lines_month_first(world: World) -> None:
    payload = dry_run(world.db, "snipeit_old_macroman_cr.csv")
    mapping = payload["mapping"]
    # The person's "Name" does not overwrite the asset's name: it is the assignee's full
    # name, next to their user name and e-mail.
    assert mapping["item Name"] == "name"
    assert mapping["item Category"] == "category"
    assert mapping["Username"] == "assigned_to"
    assert mapping["Name"] == "person_name"
    assert mapping["Email"] == "person_email"
    assert mapping["Company"] == "extra_notes"
    assert payload["unmapped_columns"] == []
    (dates,) = [d for d in payload["dates"] if d["column"] == "Purchase Date"]
    assert dates["order"] == "mdy" and dates["decided_by"] == "values"
    assert dates["evidence"] == "row 2: '1/23/23'"
    values = {v["tag"]: v["values"] for v in payload["values"]}
    assert values["LAP-1002"]["Purchase date"] == "2023-03-01"
    assert values["LAP-1001"]["Name"] == "MacBook Air 13"
    assert values["LAP-1001"]["Notes"] == "Lid scratched\nCompany: Acme"
    before = counts(world.db)

    result = imported(world.db, "snipeit_old_macroman_cr.csv")
    assert result.returncode == 0, result.stdout
    found = assets(world.db)
    assert {
        t: found[t].purchase_date for t in ("LAP-1001", "LAP-1002", "MON-1001", "LAP-1003")
    } == {
        "LAP-1001": dt.date(2023, 1, 23),
        "LAP-1002": dt.date(2023, 3, 1),
        "MON-1001": dt.date(2022, 12, 5),
        "LAP-1003": dt.date(2022, 11, 30),
    }
    assert found["LAP-1001"].name == "MacBook Air 13"
    assert found["LAP-1001"].warranty_end == dt.date(2026, 1, 23)
    assert found["LAP-1001"].status == "in_service"
    assert "Lid scratched" in (found["LAP-1001"].notes or "")
    assert "Company: Acme" in (found["LAP-1001"].notes or "")
    assert people(world.db)["zmuller"] == "Zoë Müller"
    assert emails(world.db)["zmuller"] == "zoe@example.org"
    assert found["LAP-1001"].assigned_to_id == person_id(world.db, "zmuller")
    # Snipe-IT's "Archived" is a decommission, which the shipped template has wait for two
    # approvers: received, and the decommission pending.
    assert found["LAP-1004"].status == "in_stock"
    with world.db.read() as session:
        assert [(p.asset_tag, p.kind) for p in pending_approvals(session)] == [
            ("LAP-1004", "decommission")
        ]
    assert counts(world.db)[0] == before[0] + 5


def test_new_snipeit_headers_bom_crlf_duplicate_and_blank_headers(world: World) -> None:
    payload = dry_run(world.db, "snipeit_new_bom_crlf.csv")
    mapping = payload["mapping"]
    assert mapping["Asset Name"] == "name"
    assert mapping["Username"] == "assigned_to"
    assert mapping["Warranty Expires"] == "warranty_end"
    assert mapping["Notes"] == "notes"
    fates = {c["header"]: c["fate"] for c in payload["columns"]}
    assert fates["Email"] == "imported as Assignee e-mail"
    assert fates["Full Name"] == "imported as Assignee full name"
    for header in ("Checked Out To", "EOL Date", "Column W", "Notes (2)"):
        assert fates[header].startswith("added to the notes"), header
    assert payload["counts"]["error"] == 0

    assert imported(world.db, "snipeit_new_bom_crlf.csv").returncode == 0
    found = assets(world.db)
    laptop = found["LAP-3001"]
    assert (laptop.purchase_date, laptop.warranty_end) == (
        dt.date(2023, 1, 23),
        dt.date(2026, 1, 23),
    )
    assert laptop.purchase_cost == Decimal("2499.00")
    assert laptop.notes == (
        "Sticker on lid\nChecked Out To: Zoë Müller\nEOL Date: 2027-01-23\nCompany: Acme\n"
        "Column W: Rack 4\nNotes (2): second note"
    )
    assert laptop.assigned_to_id == person_id(world.db, "zmuller")
    assert (people(world.db)["zmuller"], emails(world.db)["zmuller"]) == (
        "Zoë Müller",
        "zoe@example.org",
    )
    assert found["MON-3001"].purchase_date == dt.date(2022, 12, 5)


def test_snipeit_asset_list_empty_names_shown_dates_months(world: World) -> None:
    payload = dry_run(world.db, "snipeit_asset_list.csv")
    mapping = payload["mapping"]
    assert mapping["Location"] == "location" and mapping["Default Location"] == "extra_notes"
    assert mapping["Last Audit"] == mapping["EOL"] == mapping["ID"] == "extra_notes"
    assert mapping["Checked Out To"] == "assigned_to"
    assert payload["warnings"] == [
        {
            "row": 2,
            "message": "the asset has no name: named after its model, 'Apple MacBook Air M2'",
        }
    ]
    assert imported(world.db, "snipeit_asset_list.csv").returncode == 0
    found = assets(world.db)
    laptop, desktop = found["LAP-5001"], found["DSK-5002"]
    assert laptop.name == "Apple MacBook Air M2"
    assert (laptop.purchase_date, laptop.warranty_end) == (
        dt.date(2023, 1, 23),
        dt.date(2026, 1, 23),
    )
    assert laptop.purchase_cost == Decimal("1299.00")
    assert (desktop.purchase_date, desktop.warranty_end) == (
        dt.date(2023, 3, 1),
        dt.date(2026, 3, 1),
    )
    assert desktop.status == "in_service"
    assert "Last Audit: Jun 1, 2024" in (desktop.notes or "")


def test_shelf_export_title_barcode_custody_valuation(world: World) -> None:
    payload = dry_run(world.db, "shelf_assets.csv")
    mapping = payload["mapping"]
    assert mapping["title"] == "name"
    assert mapping["barcode_Code128"] == "tag"
    assert mapping["custody"] == "assigned_to"
    assert mapping["valuation"] == "purchase_cost"
    assert mapping["category"] == "category" and mapping["location"] == "location"
    assert mapping["kit"] == mapping["barcode_QR"] == mapping["id"] == "extra_notes"


def test_glpi_list_semicolons_windows_1252(world: World) -> None:
    payload = dry_run(world.db, "glpi_computers.csv")
    mapping = payload["mapping"]
    assert mapping["Inventory number"] == "tag" and mapping["Name"] == "name"
    assert mapping["Type"] == "category" and mapping["User"] == "assigned_to"
    assert imported(world.db, "glpi_computers.csv").returncode == 0
    found = assets(world.db)
    assert found["DSK-0101"].name == "PC-ACCT-01" and found["DSK-0101"].status == "in_service"
    assert "Operating system - Name: Windows 11" in (found["DSK-0101"].notes or "")


def test_register_month_first_column_and_an_ambiguous_one(world: World) -> None:
    payload = dry_run(world.db, "register_month_first.csv")
    by_column = {d["column"]: d for d in payload["dates"]}
    assert by_column["Purchase Date"]["order"] == "mdy"
    warranty = by_column["Warranty Expiry Date"]
    assert warranty["decided_by"] == "setting" and warranty["order"] == "dmy"
    assert warranty["examples"][0] == {"row": 2, "text": "3/4/25", "read": "2025-04-03"}
    notes = "\n".join(payload["notes"])
    assert (
        "Warranty Expiry Date: nothing in the column says whether dates are day or month" in notes
    )
    assert {w["row"] for w in payload["warnings"]} == {2, 3, 4}

    # In a month-first locale the ambiguous column is read month first.
    result = cli(
        world.db,
        "import",
        str(FILES / "register_month_first.csv"),
        "--dry-run",
        "--json",
        locale="en_US.UTF-8",
    )
    in_us = {d["column"]: d for d in json.loads(result.stdout)["dates"]}
    assert in_us["Warranty Expiry Date"]["order"] == "mdy"
    assert in_us["Warranty Expiry Date"]["examples"][0]["read"] == "2025-03-04"

    # The user says the file is month-first: the ambiguous column follows.
    assert imported(world.db, "register_month_first.csv", "--date-order", "mdy").returncode == 0
    found = assets(world.db)
    assert found["PHN-0002"].purchase_date == dt.date(2023, 3, 1)
    assert found["PHN-0002"].warranty_end == dt.date(2025, 5, 6)
    assert found["PHN-0001"].name == "iPhone 14"
    # Excel serial numbers written into a CSV date column.
    assert found["PHN-0004"].purchase_date == dt.date(2023, 3, 1)
    assert found["PHN-0004"].warranty_end == dt.date(2025, 3, 1)


def test_a_script_written_register_with_float_numbers(world: World) -> None:
    payload = dry_run(world.db, "register_from_script.csv")
    assert "serial_number: numbers written as '1234.0' are read as '1234'" in payload["notes"]
    assert imported(world.db, "register_from_script.csv").returncode == 0
    found = assets(world.db)
    assert found["LAP-4001"].serial_number == "12345678"
    assert found["LAP-4001"].order_number == "4711"
    assert found["LAP-4001"].purchase_date == dt.date(2023, 1, 23)
    assert found["LAP-4001"].purchase_cost == Decimal("1299.00")
    assert found["LAP-4002"].serial_number == "87654321"


def test_a_column_with_both_orders_is_an_error_for_that_column(world: World) -> None:
    payload = dry_run(world.db, "register_mixed_orders.csv")
    errors = {e["row"]: e for e in payload["errors"]}
    assert set(errors) == {2, 3}
    assert errors[2]["column"] == "Purchase Date"
    assert errors[2]["message"] == (
        "column 'Purchase Date' mixes month-first dates (row 2: '1/23/23') and day-first "
        "dates (row 3: '23/1/23'): write its dates one way (or as real dates) and import again"
    )
    before = counts(world.db)
    assert imported(world.db, "register_mixed_orders.csv").returncode == 1
    assert counts(world.db) == before
    assert imported(world.db, "register_mixed_orders.csv", "--valid-only").returncode == 1
    assert assets(world.db)["PHN-0103"].purchase_date == dt.date(2023, 2, 1)


def test_home_made_register_summary_sheet_table_formula_rows(world: World) -> None:
    payload = dry_run(world.db, "register_summary_first.xlsx")
    assert payload["sheet"] == "Register"
    assert payload["sheet_choice"].startswith(
        "Imported Excel Table 'Assets' on sheet 'Register' (its header in row 3 names"
    )
    assert "sheet 'Summary'" in payload["sheet_choice"]
    assert payload["formula_only_rows"] == [8, 9, 10, 11, 12, 13]
    assert payload["header_row"] == 3
    mapping = payload["mapping"]
    assert mapping["Asset ID"] == "tag" and mapping["Device Type"] == "category"
    assert mapping["Assigned_User"] == "assigned_to"
    assert mapping["Purchase Cost (AUD)"] == "purchase_cost"
    assert mapping["Warranty Expiry Date"] == "warranty_end"
    assert mapping["Asset Notes"] == "notes"
    assert payload["counts"] == {
        "create": 4,
        "update": 0,
        "unchanged": 0,
        "conflict": 0,
        "error": 0,
    }

    assert imported(world.db, "register_summary_first.xlsx").returncode == 0
    found = assets(world.db)
    assert sorted(found) == sorted(["LAP-2001", "LAP-2002", "LAP-2003", "MON-2001"])
    assert found["LAP-2001"].serial_number == "12345678"
    assert found["LAP-2003"].serial_number == "1"
    assert found["LAP-2002"].name == "Sales laptop"
    assert [found[t].purchase_date for t in ("LAP-2001", "LAP-2002", "MON-2001", "LAP-2003")] == [
        dt.date(2023, 1, 23),
        dt.date(2023, 3, 1),
        dt.date(2022, 12, 5),
        dt.date(2022, 11, 30),
    ]
    assert found["LAP-2001"].purchase_cost == Decimal("1299.50")
    assert found["LAP-2001"].notes == (
        "Finance team\nModel Notes: 14 inch\nEOL Date: 2027-01-23\nWarranty status: OK"
    )
    assert people(world.db)["jsmith"] == "jsmith"


def test_unknown_columns_become_typed_custom_fields_when_asked(world: World) -> None:
    payload = dry_run(world.db, "register_summary_first.xlsx", "--unknown-columns", "custom-fields")
    fates = {c["header"]: c["fate"] for c in payload["columns"]}
    assert fates["EOL Date"] == "a new custom field 'eol_date' of the categories of its rows, date"
    assert (
        fates["Model Notes"]
        == "a new custom field 'model_notes' of the categories of its rows, text"
    )
    values = {v["tag"]: v["values"] for v in payload["values"]}
    assert values["LAP-2001"]["EOL Date"] == "2027-01-23"  # the new field's label

    result = imported(world.db, "register_summary_first.xlsx", "--unknown-columns", "custom-fields")
    assert result.returncode == 0, result.stdout
    found = assets(world.db)
    assert found["LAP-2001"].custom_fields == {
        "eol_date": "2027-01-23",
        "model_notes": "14 inch",
        "warranty_status": "OK",
    }
    assert found["LAP-2001"].notes == "Finance team"
    assert found["MON-2001"].custom_fields == {"model_notes": "27 inch", "warranty_status": "OK"}
    with world.db.read() as s:
        laptop = s.get(Category, world.laptop_category)
        monitor = s.get(Category, world.monitor_category)
        assert laptop is not None and monitor is not None
        assert [(d["key"], d["label"], d["type"]) for d in laptop.custom_fields][-3:] == [
            ("eol_date", "EOL Date", "date"),
            ("model_notes", "Model Notes", "text"),
            ("warranty_status", "Warranty status", "text"),
        ]
        assert "eol_date" not in {d["key"] for d in monitor.custom_fields}


def test_a_new_category_takes_the_tag_prefix_its_tags_show(sqlite_db: Database) -> None:
    """Snipe-IT's "Desktop" rows are tagged DSK-…: the category the import creates gets the
    prefix DSK (not DES from its name), so the tags the app makes next follow the file's."""
    seed_world(sqlite_db)  # Laptop (LAP) and Monitor: no Desktop yet
    payload = dry_run(sqlite_db, "snipeit_asset_list.csv")
    new = {n["name"]: n for n in payload["new_references"] if n["kind"] == "category"}
    assert new["Desktop"]["tag_prefix"] == "DSK"
    assert "tag prefix DSK" in new["Desktop"]["description"]
    assert imported(sqlite_db, "snipeit_asset_list.csv").returncode == 0
    with sqlite_db.read() as s:
        prefixes = {c.name: c.tag_prefix for c in s.execute(select(Category)).scalars()}
    assert prefixes["Desktop"] == "DSK"


def test_tags_that_disagree_leave_the_prefix_to_the_category_name(
    sqlite_db: Database, tmp_path: Path
) -> None:
    seed_world(sqlite_db)
    path = tmp_path / "mixed.csv"
    path.write_text(
        "Asset Tag,Asset Name,Category,Location\n"
        "DSK-1,Reception PC,Desktop,Head office\n"
        "PC-2,Back office PC,Desktop,Head office\n"
        "ROUTER,Core router,Network,Head office\n",
        encoding="utf-8",
    )
    result = cli(sqlite_db, "import", str(path), "--dry-run", "--json")
    assert "Traceback" not in result.stderr, result.stderr
    new = {n["name"]: n["tag_prefix"] for n in json.loads(result.stdout)["new_references"]}
    assert new == {"Desktop": "DES", "Network": "NET"}


def test_an_excel_table_note_names_the_table_once_in_plain_words(world: World) -> None:
    """calamine's inventory-table.xlsx: one Excel Table 'Table1' filling Sheet1. The note
    names the Table it read, counts "2 known columns" (Type, Quantity) and lists no other
    choice (the sheet the Table sits on is not one)."""
    path = FILES.parent / "inventory-table.xlsx"
    result = cli(
        world.db, "import", str(path), "--dry-run", "--set", "name=Fruit", "--set", "location=Store"
    )
    assert "Traceback" not in result.stderr, result.stderr
    note = (
        "Note: Imported Excel Table 'Table1' on sheet 'Sheet1' "
        "(its header in row 1 names 2 known columns)\n"
    )
    assert note in result.stdout
    assert "also in the file" not in result.stdout


def test_a_registers_totals_rows_are_left_out_not_refused(world: World, tmp_path: Path) -> None:
    """'Total' beside =SUM(…) and 'Grand total:' beside =SUBTOTAL(…) at the foot of a
    register are no assets: they were refused ("Category is required for a new asset"),
    which stopped the whole import."""
    register = tmp_path / "register_with_totals.xlsx"
    write_register_with_totals(register)
    result = cli(world.db, "import", str(register), "--dry-run", "--json")
    assert "Traceback" not in result.stderr, result.stderr
    payload = json.loads(result.stdout)
    assert payload["formula_only_rows"] == [6, 8]
    assert payload["counts"]["create"] == 3 and payload["counts"]["error"] == 0
    assert any("totals label" in n and "(rows 6, 8)" in n for n in payload["notes"]), payload[
        "notes"
    ]

    result = cli(world.db, "import", str(register), "--as", "admin")
    assert result.returncode == 0, result.stdout
    found = assets(world.db)
    new = {t: a for t, a in found.items() if t.startswith(("LAP-4", "MON-4"))}
    assert sorted(new) == ["LAP-4001", "LAP-4002", "MON-4001"]
    assert new["LAP-4001"].purchase_cost == Decimal("1234.56")
    assert not any(a.name in ("Total", "Grand total:") for a in found.values())


def test_a_manufacturer_without_a_model_column_goes_to_the_notes(
    world: World, tmp_path: Path
) -> None:
    """A home-made register names the maker but no model: 'Lenovo' was 'imported as
    Manufacturer' in the dry run, then lost (an asset keeps its maker only through its
    model). It is kept in the notes, as an unknown column would be."""
    register = tmp_path / "register.csv"
    register.write_text(
        "Asset tag,Name,Category,Manufacturer,Serial number,Location,Notes\r\n"
        "LAP-5001,Finance laptop,Laptop,Lenovo,PF3ABC12,Zürich Office,\r\n"
        "LAP-5002,Sales laptop,Laptop,Lenovo,PF3ABC13,Zürich Office,spare charger\r\n"
        "MON-5001,Desk screen,Monitor,,CN0ABC,Zürich Office,\r\n",
        encoding="utf-8",
    )
    result = cli(world.db, "import", str(register), "--dry-run", "--json")
    payload = json.loads(result.stdout)
    fates = {c["header"]: c["fate"] for c in payload["columns"]}
    assert fates["Manufacturer"].startswith("added to the notes as 'Manufacturer: …'")
    assert payload["counts"]["create"] == 3

    result = cli(world.db, "import", str(register), "--as", "admin")
    assert result.returncode == 0, result.stdout + result.stderr
    found = assets(world.db)
    assert found["LAP-5001"].notes == "Manufacturer: Lenovo"
    assert found["LAP-5002"].notes == "spare charger\nManufacturer: Lenovo"
    assert not found["MON-5001"].notes
    # Importing the same file again changes nothing.
    again = json.loads(cli(world.db, "import", str(register), "--dry-run", "--json").stdout)
    assert again["counts"]["unchanged"] == 3, again["counts"]


@pytest.mark.parametrize(
    ("name", "text", "encoding"),
    [
        (
            # The register above saved as CSV by Excel (UTF-8 with a BOM, CRLF): the
            # formulas' results as numbers, formatted as the cells show them.
            "register_with_totals.csv",
            "IT inventory — as of 1 December 2024,,,,\r\n"
            "Asset tag,Name,Category,Location,Purchase cost\r\n"
            'LAP-4001,Finance laptop,Laptop,Zürich Office,"1,234.56"\r\n'
            'LAP-4002,Sales laptop,Laptop,Zürich Office,"1,099.00"\r\n'
            "MON-4001,Desk screen,Monitor,Genève Büro,489.90\r\n"
            ',Total,,,"2,823.46"\r\n'
            ",,,,\r\n"
            'TOTAL:,,,,"$2,823.46"\r\n',
            "utf-8-sig",
        ),
        (
            # A German Excel's CSV: semicolons, decimal commas, the euro sign, Windows-1252.
            "inventar_summe.csv",
            "Asset tag;Name;Category;Location;Purchase cost\r\n"
            "LAP-4001;Finance laptop;Laptop;Zürich Office;1.234,56 €\r\n"
            "LAP-4002;Sales laptop;Laptop;Zürich Office;1.099,00 €\r\n"
            "MON-4001;Desk screen;Monitor;Genève Büro;489,90 €\r\n"
            "Summe:;;;;2.823,46 €\r\n",
            "cp1252",
        ),
    ],
)
def test_a_csv_registers_totals_rows_are_left_out_as_in_a_workbook(
    world: World, tmp_path: Path, name: str, text: str, encoding: str
) -> None:
    """A CSV has no formulas: its 'Total' row (a totals label in its first filled cell
    and only sums beside it) was refused ("Category is required for a new asset") and
    stopped the import, while the same register as xlsx leaves it out with a note."""
    register = tmp_path / name
    register.write_bytes(text.encode(encoding))
    result = cli(world.db, "import", str(register), "--dry-run", "--json")
    assert "Traceback" not in result.stderr, result.stderr
    payload = json.loads(result.stdout)
    totals = [6, 8] if name.endswith("totals.csv") else [5]
    assert payload["totals_rows"] == totals
    assert payload["counts"]["create"] == 3 and payload["counts"]["error"] == 0, payload
    rows = "rows 6, 8" if len(totals) == 2 else "row 5"
    assert any("totals row" in n and f"({rows})" in n for n in payload["notes"]), payload["notes"]

    result = cli(world.db, "import", str(register), "--as", "admin")
    assert result.returncode == 0, result.stdout + result.stderr
    new = {t: a for t, a in assets(world.db).items() if t.startswith(("LAP-4", "MON-4"))}
    assert sorted(new) == ["LAP-4001", "LAP-4002", "MON-4001"]
    assert new["LAP-4001"].purchase_cost == Decimal("1234.56")
