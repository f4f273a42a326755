"""Writes the migration test files in this folder (run: ``python -m
tests.data.spreadsheets.migration.make_files``).

Every file is made up here, with the quirks of real exports and registers (no file of
Snipe-IT's, Shelf's or GLPI's is copied): old and new Snipe-IT header sets, Mac Roman
and CR-only lines, a UTF-8 BOM with CRLF, duplicate and blank headers, a Shelf-like
export, a GLPI-like semicolon list, and home-made registers — a transposed summary sheet
before the data sheet, an Excel Table with formula-only rows, trailing spaces, serial
numbers stored as floats, ISO text dates mixed with real dates, month-first text dates.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import tempfile
import zipfile
from pathlib import Path

import openpyxl
from openpyxl.worksheet.table import Table, TableStyleInfo

HERE = Path(__file__).parent


def _csv(rows: list[list[str]], *, delimiter: str = ",") -> str:
    def quote(cell: str) -> str:
        if any(c in cell for c in (delimiter, '"', "\n", "\r")):
            return '"' + cell.replace('"', '""') + '"'
        return cell

    return [delimiter.join(quote(c) for c in row) for row in rows]  # type: ignore[return-value]


# fmt: off
SNIPEIT_OLD = [
    [
        "Name",
        "Email",
        "Username",
        "item Name",
        "item Category",
        "Model",
        "Model No.",
        "Manufacturer",
        "Serial",
        "Asset Tag",
        "Location",
        "Notes",
        "Purchase Date",
        "Purchase Cost",
        "Company",
        "Status",
        "Warranty",
        "Supplier",
    ],
    ["Zoë Müller", "zoe@example.org", "zmuller", "MacBook Air 13", "Laptop", "MacBook Air M2",
     "MLY33", "Apple", "C02XK1", "LAP-1001", "Zürich Office", "Lid scratched", "1/23/23",
     "1299.00", "Acme", "Deployed", "36", "Apple Store"],
    ["", "", "", "ThinkPad T14", "Laptop", "ThinkPad T14 Gen 3", "21AH", "Lenovo", "PF3ABC",
     "LAP-1002", "Zürich Office", "", "3/1/23", "1099.00", "Acme", "Ready to Deploy", "36",
     "Bechtle"],
    ["René Côté", "rene@example.org", "rcote", "Dell U2723QE", "Monitor", "U2723QE", "",
     "Dell", "CN0ABC", "MON-1001", "Genève Büro", "Café corner", "12/5/22", "599.00", "Acme",
     "Deployed", "", "Dell"],
    ["", "", "", "Spare laptop", "Laptop", "ThinkPad T14 Gen 3", "21AH", "Lenovo", "PF3ABD",
     "LAP-1003", "Zürich Office", "", "11/30/22", "1099.00", "Acme", "Pending", "36", "Bechtle"],
    ["", "", "", "Old laptop", "Laptop", "ThinkPad T480", "", "Lenovo", "PF0OLD", "LAP-1004",
     "Zürich Office", "", "4/2/18", "899.00", "Acme", "Archived", "", "Bechtle"],
]

SNIPEIT_NEW = [
    ["Asset Tag", "Asset Name", "Category", "Model", "Model No.", "Manufacturer", "Serial",
     "Status", "Location", "Checked Out To", "Username", "Email", "Full Name", "Purchase Date",
     "Purchase Cost", "Order Number", "Supplier", "Warranty", "Warranty Expires", "Notes",
     "EOL Date", "Company", "", "Notes"],
    ["LAP-3001", "Design laptop", "Laptop", "MacBook Pro 14", "MRX33", "Apple", "C02PRO1",
     "Deployed", "Zürich Office", "Zoë Müller", "zmuller", "zoe@example.org", "Zoë Müller",
     "2023-01-23", "2,499.00", "PO-7781", "Apple Store", "36 months", "2026-01-23",
     "Sticker on lid", "2027-01-23", "Acme", "Rack 4", "second note"],
    ["LAP-3002", "Loaner", "Laptop", "ThinkPad X1", "21HM", "Lenovo", "PFX1A", "Ready to Deploy",
     "Zürich Office", "", "", "", "", "2023-02-14", "1,899.00", "PO-7782", "Bechtle",
     "36 months", "2026-02-14", "", "2027-02-14", "Acme", "", ""],
    ["MON-3001", "Meeting room screen", "Monitor", "U2723QE", "", "Dell", "CN0NEW",
     "Ready to Deploy", "Genève Büro", "", "", "", "", "2022-12-05", "599.00", "", "Dell",
     "", "", "", "", "Acme", "", ""],
]

#: What Snipe-IT's asset list exports from its web page: display headers, dates as shown,
#: names left empty (optional in Snipe-IT), warranty as "36 months".
SNIPEIT_LIST = [
    ["ID", "Company", "Asset Name", "Image", "Asset Tag", "Serial", "Model", "Model No.",
     "Category", "Status", "Checked Out To", "Location", "Default Location", "Manufacturer",
     "Supplier", "Purchase Date", "Age", "Purchase Cost", "Order Number", "EOL", "Warranty",
     "Warranty Expires", "Notes", "Checkouts", "Created At", "Last Audit"],
    ["14", "Acme", "", "", "LAP-5001", "C02LST1", "MacBook Air M2", "MLY33", "Laptop",
     "Ready to Deploy", "", "Zürich Office", "Zürich Office", "Apple", "Apple Store",
     "Mon Jan 23, 2023", "2 years", "$1,299.00", "PO-1", "Jan 23, 2027", "36 months", "",
     "", "0", "Jan 24, 2023 9:12AM", ""],
    ["15", "Acme", "Reception PC", "", "DSK-5002", "CZC9999", "EliteDesk 800 G6", "", "Desktop",
     "Deployed", "Tess Tech", "Zürich Office", "", "HP", "", "Mar 1, 2023", "1 year",
     "$899.00", "", "", "3 years", "Mar 1, 2026", "front desk", "3", "Mar 2, 2023 10:00AM",
     "Jun 1, 2024"],
]

SHELF = [
    ["id", "title", "description", "category", "location", "kit", "custody", "tags",
     "valuation", "availableToBook", "status", "createdAt", "updatedAt", "qrId",
     "barcode_Code128", "barcode_QR"],
    ["clx1a2b3c0001", "Canon EOS R6", "Body only", "Camera", "Studio", "Shoot kit A", "",
     "photo, video", "2199", "true", "AVAILABLE", "2024-03-05T10:22:31.000Z",
     "2024-04-01T08:00:00.000Z", "qr0001", "CAM-0001", ""],
    ["clx1a2b3c0002", "Rode mic", "", "Camera", "Studio", "Shoot kit A", "Zoë Müller", "audio",
     "299", "false", "IN_CUSTODY", "2024-03-05T10:25:00.000Z", "2024-04-02T09:00:00.000Z",
     "qr0002", "CAM-0002", "https://example.org/qr/0002"],
]

GLPI = [
    ["Name", "Entity", "Status", "Manufacturer", "Serial number", "Type", "Model",
     "Operating system - Name", "Location", "Last update", "Inventory number", "User",
     "Comments"],
    ["PC-ACCT-01", "Root entity", "In use", "HP", "CZC1234", "Desktop", "EliteDesk 800 G6",
     "Windows 11", "Zürich Office", "2024-05-04 10:22", "DSK-0101", "tech", "Accounting"],
    ["PC-ACCT-02", "Root entity", "In stock", "HP", "CZC1235", "Desktop", "EliteDesk 800 G6",
     "Windows 11", "Zürich Office", "2024-05-04 10:23", "DSK-0102", "", ""],
]

REGISTER_MDY = [
    ["TAG Id", "Description", "Category", "Location", "Purchase Date", "Warranty Expiry Date"],
    ["PHN-0001", "iPhone 14", "Phone", "Zürich Office", "1/23/23", "3/4/25"],
    ["PHN-0002", "iPhone 14", "Phone", "Zürich Office", "3/1/23", "5/6/25"],
    ["PHN-0003", "Pixel 7", "Phone", "Zürich Office", "12/5/22", "7/8/24"],
    ["PHN-0004", "Pixel 8", "Phone", "Zürich Office", "44986", "45717.0"],
]

#: Written by a script (pandas): numbers with a gap became floats, dates carry a time.
REGISTER_SCRIPT = [
    ["asset_tag", "name", "category", "location", "serial_number", "purchase_date", "purchase_cost", "order_number"],
    ["LAP-4001", "Build server", "Laptop", "Zürich Office", "12345678.0", "2023-01-23 00:00:00", "1299.0", "4711.0"],
    ["LAP-4002", "Test laptop", "Laptop", "Zürich Office", "87654321.0", "2023-03-01 00:00:00", "", ""],
]

REGISTER_CONFLICT = [
    ["Asset ID", "Asset Name", "Category", "Location", "Purchase Date"],
    ["PHN-0101", "Phone A", "Phone", "Zürich Office", "1/23/23"],
    ["PHN-0102", "Phone B", "Phone", "Zürich Office", "23/1/23"],
    ["PHN-0103", "Phone C", "Phone", "Zürich Office", "2023-02-01"],
]

# fmt: on


def write_text_files(folder: Path) -> None:
    (folder / "snipeit_old_macroman_cr.csv").write_bytes(
        "\r".join(_csv(SNIPEIT_OLD)).encode("mac_roman") + b"\r"
    )
    (folder / "snipeit_new_bom_crlf.csv").write_bytes(
        b"\xef\xbb\xbf" + ("\r\n".join(_csv(SNIPEIT_NEW)) + "\r\n").encode("utf-8")
    )
    (folder / "snipeit_asset_list.csv").write_text(
        "\n".join(_csv(SNIPEIT_LIST)) + "\n", encoding="utf-8"
    )
    (folder / "shelf_assets.csv").write_text("\n".join(_csv(SHELF)) + "\n", encoding="utf-8")
    (folder / "glpi_computers.csv").write_bytes(
        ("\r\n".join(_csv(GLPI, delimiter=";")) + "\r\n").encode("cp1252")
    )
    (folder / "register_month_first.csv").write_text(
        "\n".join(_csv(REGISTER_MDY)) + "\n", encoding="utf-8"
    )
    (folder / "register_from_script.csv").write_text(
        "\n".join(_csv(REGISTER_SCRIPT)) + "\n", encoding="utf-8"
    )
    (folder / "register_mixed_orders.csv").write_text(
        "\n".join(_csv(REGISTER_CONFLICT)) + "\n", encoding="utf-8"
    )


REGISTER_HEADERS = [
    "Asset ID ",
    "Asset Name",
    "Device Type ",
    "Serial Number",
    "Assigned_User",
    "Location",
    "Purchase Date",
    "Purchase Cost (AUD)",
    "Warranty Expiry Date",
    "Asset Notes",
    "Model Notes",
    "EOL Date",
    "Warranty status",
]
# fmt: off
REGISTER_ROWS: list[list[object]] = [
    ["LAP-2001", "Finance laptop", "Laptop ", 12345678.0, "tech", "Zürich Office ",
     dt.datetime(2023, 1, 23), 1299.5, dt.datetime(2026, 1, 23), "Finance team", "14 inch", "2027-01-23"],
    ["LAP-2002", "Sales laptop ", "Laptop", 87654321.0, "jsmith", "Zürich Office",
     "2023-03-01", 1099.0, "2026-03-01", "", "14 inch", "2027-03-01"],
    ["MON-2001", "Desk screen", "Monitor", 55555.0, "", "Genève Büro", dt.datetime(2022, 12, 5),
     599.0, dt.datetime(2025, 12, 5), "", "27 inch", ""],
    ["LAP-2003", "Spare laptop", "Laptop", 1.0, "", "Zürich Office", "2022-11-30", 999.0,
     "2025-11-30", "spare", "", ""],
]
# fmt: on
#: Rows of the Excel Table that only its formula column fills.
FORMULA_ONLY_ROWS = 6


def write_register(path: Path) -> None:
    """A home-made register: a transposed summary sheet first, then the data sheet with a
    title, the header in row 3, an Excel Table made longer than the data with a calculated
    column whose cached value shows on every row."""
    workbook = openpyxl.Workbook()
    summary = workbook.active
    assert summary is not None
    summary.title = "Summary"
    summary.append(["Asset register — summary"])
    summary.append(["Asset ID", "LAP-2001", "LAP-2002", "MON-2001", "LAP-2003"])
    summary.append(["Device Type", "Laptop", "Laptop", "Monitor", "Laptop"])
    summary.append(["Total", 4])
    data = workbook.create_sheet("Register")
    data.append(["IT asset register 2023"])
    data.append([])
    data.append(REGISTER_HEADERS)
    first = 4
    last = first + len(REGISTER_ROWS) + FORMULA_ONLY_ROWS - 1
    for number in range(first, last + 1):
        values = REGISTER_ROWS[number - first] if number - first < len(REGISTER_ROWS) else []
        for column, value in enumerate(values, start=1):
            data.cell(number, column, value)
        data.cell(number, 13, f'=IF(I{number}<TODAY(),"Expired","OK")')
    data.add_table(
        Table(
            displayName="Assets",
            ref=f"A3:M{last}",
            tableStyleInfo=TableStyleInfo(name="TableStyleMedium2", showRowStripes=True),
        )
    )
    workbook.save(path)
    # openpyxl writes formulas without a cached value; Excel always saves one.
    cached = {
        f"M{n}": ("OK" if n - first < len(REGISTER_ROWS) else "Expired")
        for n in range(first, last + 1)
    }
    _set_cached_values(path, "xl/worksheets/sheet2.xml", cached)


#: The rows of the register with a totals row: tag, name, category, location, cost.
TOTALS_ROWS: list[list[object]] = [
    ["LAP-4001", "Finance laptop", "Laptop", "Zürich Office", 1234.56],
    ["LAP-4002", "Sales laptop", "Laptop", "Zürich Office", 1099.0],
    ["MON-4001", "Desk screen", "Monitor", "Genève Büro", 489.9],
]


def write_register_with_totals(path: Path) -> None:
    """A home-made register with a title row and, at its foot, a totals row: "Total" in
    the name column and ``=SUM(…)`` under the costs (with the cached value Excel saves),
    then a blank row and "Grand total:" in the tag column beside a ``=SUBTOTAL(…)``.
    Written by the test into its own folder: this folder's files make the README's
    migration figure."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "Inventory"
    sheet.append(["IT inventory — as of 1 December 2024"])
    sheet.merge_cells("A1:E1")
    sheet.append(["Asset tag", "Name", "Category", "Location", "Purchase cost"])
    for row in TOTALS_ROWS:
        sheet.append(row)
    last = 2 + len(TOTALS_ROWS)
    sheet.append(["", "Total", "", "", f"=SUM(E3:E{last})"])
    sheet.append([])
    sheet.append(["Grand total:", "", "", "", f"=SUBTOTAL(9,E3:E{last})"])
    workbook.save(path)
    total = sum(float(str(r[4])) for r in TOTALS_ROWS)
    _set_cached_values(
        path,
        "xl/worksheets/sheet1.xml",
        {f"E{last + 1}": f"{total:g}", f"E{last + 3}": f"{total:g}"},
        numeric=True,
    )


def _set_cached_values(
    path: Path, part: str, values: dict[str, str], *, numeric: bool = False
) -> None:
    kind = "" if numeric else ' t="str"'
    with tempfile.TemporaryDirectory() as temp:
        copy = Path(temp) / "copy.xlsx"
        shutil.copy(path, copy)
        with (
            zipfile.ZipFile(copy) as source,
            zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out,
        ):
            for item in source.infolist():
                data = source.read(item.filename)
                if item.filename == part:
                    text = data.decode("utf-8")
                    for ref, value in values.items():
                        text = re.sub(
                            rf'<c r="{ref}"([^>]*)>(<f>.*?</f>)<v\s*/>',
                            rf'<c r="{ref}"\1{kind}>\2<v>{value}</v>',
                            text,
                        )
                    data = text.encode("utf-8")
                out.writestr(item, data)


def main() -> None:
    write_text_files(HERE)
    write_register(HERE / "register_summary_first.xlsx")


if __name__ == "__main__":
    main()
