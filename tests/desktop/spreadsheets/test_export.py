"""Export: a workbook finance can use and that comes back; CSV; formulas never executed."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import openpyxl
import pytest

from desktop.errors import DesktopError
from desktop.services.queries import AssetFilter, stream_stored_assets
from desktop.spreadsheets.export import export_assets
from desktop.spreadsheets.model import ImportCancelledError
from tests.factories import World


def test_xlsx_export_has_types_formats_validation_hidden_keys_and_about(
    register: World, tmp_path: Path
) -> None:
    path = tmp_path / "register.xlsx"
    result = export_assets(register.db, path, exported_by="Tess Tech (tech)")
    assert result.rows == 4

    workbook = openpyxl.load_workbook(path)
    assert workbook.sheetnames == ["Assets", "Lists", "About"]
    assert workbook["Lists"].sheet_state == "hidden"
    sheet = workbook["Assets"]
    headers = [c.value for c in sheet[1]]
    assert headers[:8] == [
        "Asset tag",
        "Name",
        "Category",
        "Manufacturer",
        "Model",
        "Serial number",
        "Status",
        "Location",
    ]
    assert headers[-4:] == ["RAM (GB)", "Disk encrypted", "Key", "Version"]
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == f"A1:{sheet.cell(1, len(headers)).column_letter}5"
    key_letter = sheet.cell(1, len(headers) - 1).column_letter
    assert sheet.column_dimensions[key_letter].hidden
    assert sheet.column_dimensions["B"].width == 28
    validations = {
        str(v.sqref).split(":")[0]: v.formula1 for v in sheet.data_validations.dataValidation
    }
    assert validations["G2"].startswith('"In stock,In service')
    assert validations["C2"] == "Lists!$A$2:$A$3" and validations["H2"].startswith("Lists!$B$2")

    rows = {r[0].value: r for r in sheet.iter_rows(min_row=2)}
    costly = rows["LAP-2"]
    cost = costly[headers.index("Purchase cost")]
    assert cost.value == 1234.5 and cost.number_format == "#,##0.00"
    assert rows["LAP-1"][headers.index("Status")].value == "In service"
    assert rows["LAP-1"][headers.index("Assigned to")].value == "Una User"
    formula_like = rows["LAP-3"][headers.index("Name")]
    assert formula_like.data_type == "s" and formula_like.value == '=HYPERLINK("http://evil")'
    assert rows["LAP-1"][headers.index("Version")].value == 2

    about = {r[0].value: r[1].value for r in workbook["About"].iter_rows()}
    assert about["Exported by"] == "Tess Tech (tech)"
    assert about["Rows"] == 4 and about["Filter"] == "all assets"
    assert "SQLite" in about["Database"] or "sqlite" in about["Database"] or about["Database"]
    dt.datetime.strptime(about["Exported at"][:16], "%Y-%m-%d %H:%M")


def test_no_formula_reaches_the_workbook_xml(register: World, tmp_path: Path) -> None:
    import zipfile

    path = tmp_path / "register.xlsx"
    export_assets(register.db, path, exported_by="tech")
    with zipfile.ZipFile(path) as package:
        xml = package.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in xml and "HYPERLINK" in xml


def test_csv_export_neutralises_formulas_and_filters(register: World, tmp_path: Path) -> None:
    path = tmp_path / "laptops.csv"
    result = export_assets(
        register.db,
        path,
        exported_by="tech",
        flt=AssetFilter(category_ids=(register.laptop_category,)),
    )
    assert result.rows == 3
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(raw.decode("utf-8-sig").splitlines()))
    assert rows[0][0] == "Asset tag" and len(rows) == 4
    by_tag = {r[0]: r for r in rows[1:]}
    assert by_tag["LAP-3"][1] == '\'=HYPERLINK("http://evil")'
    assert by_tag["LAP-2"][11] == "1234.50"


def test_cancel_leaves_no_file(register: World, tmp_path: Path) -> None:
    import threading

    cancel = threading.Event()
    cancel.set()
    folder = tmp_path / "out"
    folder.mkdir()
    with pytest.raises(ImportCancelledError):
        export_assets(register.db, folder / "never.xlsx", exported_by="tech", cancel=cancel)
    assert list(folder.iterdir()) == []
    with pytest.raises(DesktopError, match=r"export writes \.xlsx or \.csv"):
        export_assets(register.db, tmp_path / "x.ods", exported_by="tech")


def test_csv_rows_from_stored_values_equal_the_typed_rows_on_every_backend(
    register: World, tmp_path: Path
) -> None:
    """The CSV writes the driver's values itself (dates, cents, UUIDs, JSON, UTC times as
    each backend returns them): the file equals the one the typed rows make."""
    from sqlalchemy import update

    from desktop.domain.fields import CUSTOM_PREFIX
    from desktop.spreadsheets import export as module
    from desktop.storage.models import Asset

    register.receive(
        tag="LAP-4",
        name="+SUM(A1)",
        values={
            "purchase_date": dt.date(2024, 2, 29),
            "purchase_cost": "0.05",
            "notes": "-minus first",
            CUSTOM_PREFIX + "ram_gb": 16,
            CUSTOM_PREFIX + "encrypted": True,
        },
    )
    register.install("LAP-4")
    with register.db.write() as session:
        session.execute(
            update(Asset)
            .where(Asset.tag == "LAP-4")
            .values(last_audited_at=dt.datetime(2025, 3, 1, 23, 30, tzinfo=dt.UTC))
        )
    path = tmp_path / "fast.csv"
    export_assets(register.db, path, exported_by="tech")
    typed = tmp_path / "typed.csv"
    with register.db.read() as session:
        layout = module._layout(session)
        rows = module._rows(session, AssetFilter(), layout, 5, None, None)
        module._write_csv(typed, layout, ([module._csv_value(v) for v in r] for r in rows))
    assert path.read_text("utf-8-sig") == typed.read_text("utf-8-sig")
    lines = list(csv.reader(path.read_text("utf-8-sig").splitlines()))
    lap4 = next(r for r in lines if r[0] == "LAP-4")
    assert lap4[1] == "'+SUM(A1)" and lap4[11] == "0.05" and lap4[10] == "2024-02-29"
    assert lap4[16]  # last audited, in local time


def test_xlsx_rows_from_stored_values_equal_the_typed_rows_on_every_backend(
    register: World,
) -> None:
    """The workbook's rows come from the driver's values too: they equal the typed rows
    (Decimal cents, dates, local audit times, custom fields), with empty texts as no cell."""
    from sqlalchemy import update

    from desktop.domain.fields import CUSTOM_PREFIX
    from desktop.spreadsheets import export as module
    from desktop.storage.models import Asset

    register.receive(
        tag="LAP-4",
        name="=HYPERLINK(1)",
        values={
            "purchase_date": dt.date(2024, 2, 29),
            "purchase_cost": "1234.50",
            "warranty_end": dt.date(2027, 2, 28),
            CUSTOM_PREFIX + "ram_gb": 16,
        },
    )
    register.install("LAP-4")
    with register.db.write() as session:
        session.execute(
            update(Asset)
            .where(Asset.tag == "LAP-4")
            .values(last_audited_at=dt.datetime(2025, 3, 1, 23, 30, tzinfo=dt.UTC))
        )
    with register.db.read() as session:
        layout = module._layout(session)
        typed = list(module._rows(session, AssetFilter(), layout, 5, None, None))
        streamed = stream_stored_assets(session, AssetFilter())
        stored = list(module._xlsx_rows(streamed, layout, 5, None, None))
    assert stored == [[None if v == "" else v for v in row] for row in typed]
    lap4 = next(r for r in stored if r[0] == "LAP-4")
    assert lap4[1] == "=HYPERLINK(1)" and str(lap4[11]) == "1234.50"
    assert lap4[10] == dt.date(2024, 2, 29) and lap4[14] == dt.date(2027, 2, 28)
    assert isinstance(lap4[16], dt.datetime) and lap4[16].tzinfo is None
    assert lap4[-2] == str(lap4[-2]) and len(lap4[-2]) == 36


@pytest.mark.parametrize("descending", [False, True])
def test_export_lists_the_assets_in_the_register_views_order(
    register: World, tmp_path: Path, descending: bool
) -> None:
    """Every sort of the register view, on every backend: the file's rows in the order
    the view pages them (looked-up names in Python's order, no name first)."""
    from desktop.services.reference import create_location
    from desktop.services.register_pages import RegisterPager
    from desktop.services.register_rows import SORT_KEYS

    with register.db.write() as session:
        # Lower case and an accent: a server's own collation would put these elsewhere.
        annex = create_location(session, name="annex", kind="room").id
        zurich = create_location(session, name="Zürich", kind="room").id
    register.receive(tag="LAP-9", name="éclair", values={"location": annex})
    register.receive(tag="LAP-10", name="Zebra", values={"location": zurich})
    register.receive(tag="MON-2", name="apple", values={"location": annex})
    for sort in SORT_KEYS:
        with register.db.read() as session:
            pager = RegisterPager(AssetFilter(), sort=sort, descending=descending)
            shown = [row.tag for row in pager.page(session, 0, 100)]
        for suffix in ("csv", "xlsx"):
            path = tmp_path / f"{sort}.{suffix}"
            export_assets(register.db, path, exported_by="tech", sort=sort, descending=descending)
            assert _tags(path) == shown, (sort, suffix)


def _tags(path: Path) -> list[str]:
    if path.suffix == ".csv":
        with path.open(encoding="utf-8-sig", newline="") as handle:
            return [row["Asset tag"] for row in csv.DictReader(handle)]
    workbook = openpyxl.load_workbook(path, read_only=True)
    tags = [str(row[0]) for row in workbook["Assets"].iter_rows(min_row=2, values_only=True)]
    workbook.close()
    return tags


def test_chosen_columns_in_their_order_with_the_exported_categories_fields_on_every_backend(
    register: World, tmp_path: Path
) -> None:
    """The window's export of the columns the view shows: those, in the view's order, the
    tag first when the view hides it, the custom fields of the exported rows' categories
    only (a search for monitors writes no laptop field), Key and Version hidden at the end;
    amounts and audit times keep their formats where they land."""
    from desktop.services import reference

    with register.db.write() as session:
        reference.create_category(
            session,
            name="Phone",
            tag_prefix="PHN",
            custom_fields=[{"key": "imei", "label": "IMEI", "type": "text"}],
        )
    columns = ["purchase_cost", "name", "status", "last_audited_at", "location"]
    laptops = AssetFilter(search="ThinkPad")
    csv_path = tmp_path / "laptops.csv"
    export_assets(register.db, csv_path, exported_by="tech", flt=laptops, columns=columns)
    rows = list(csv.reader(csv_path.read_text("utf-8-sig").splitlines()))
    headers = ["Asset tag", "Purchase cost", "Name", "Status", "Last audited", "Location"]
    assert rows[0] == [*headers, "RAM (GB)", "Disk encrypted", "Key", "Version"]
    by_tag = {r[0]: r for r in rows[1:]}
    assert sorted(by_tag) == ["LAP-1", "LAP-2"]
    assert by_tag["LAP-2"][1:4] == ["1234.50", "ThinkPad X1", "In stock"]
    assert by_tag["LAP-1"][-1] == "2" and len(by_tag["LAP-1"][-2]) == 36

    xlsx_path = tmp_path / "monitors.xlsx"
    monitors = AssetFilter(category_ids=(register.monitor_category,))
    export_assets(register.db, xlsx_path, exported_by="tech", flt=monitors, columns=columns)
    workbook = openpyxl.load_workbook(xlsx_path)
    sheet = workbook["Assets"]
    assert [c.value for c in sheet[1]] == [*headers, "Key", "Version"]  # no custom field
    assert sheet.column_dimensions["G"].hidden and sheet.column_dimensions["H"].hidden
    assert not sheet.column_dimensions["F"].hidden
    assert sheet.column_dimensions["B"].width == 13  # Purchase cost's width, not Name's
    validations = {
        str(v.sqref).split(":")[0]: v.formula1 for v in sheet.data_validations.dataValidation
    }
    assert sorted(validations) == ["D2", "F2"]  # Status and Location; no Category column
    assert [c.value for c in sheet[2]][:3] == ["MON-1", None, "Dell U2720"]
    workbook.close()

    with_cost = tmp_path / "cost.xlsx"
    export_assets(register.db, with_cost, exported_by="tech", columns=["purchase_cost"])
    workbook = openpyxl.load_workbook(with_cost)
    cost = {r[0].value: r[1] for r in workbook["Assets"].iter_rows(min_row=2)}["LAP-2"]
    assert cost.value == 1234.5 and cost.number_format == "#,##0.00"
    workbook.close()
