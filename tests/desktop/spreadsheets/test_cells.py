"""Cell values as users type them: dates, amounts, yes/no; header names and mapping."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from desktop.spreadsheets.cells import (
    DateOrder,
    add_months,
    clean_text,
    parse_amount,
    parse_date,
    parse_yes_no,
)
from desktop.spreadsheets.columns import auto_mapping, find_header_row, header_names
from desktop.spreadsheets.preview import received


@pytest.mark.parametrize(
    ("value", "order", "expected"),
    [
        (dt.date(2025, 3, 4), DateOrder.DMY, dt.date(2025, 3, 4)),
        (dt.datetime(2025, 3, 4, 13, 5), DateOrder.DMY, dt.date(2025, 3, 4)),
        (45720, DateOrder.DMY, dt.date(2025, 3, 4)),  # an Excel serial number
        ("45720", DateOrder.MDY, dt.date(2025, 3, 4)),
        ("2025-03-04", DateOrder.MDY, dt.date(2025, 3, 4)),
        ("2025-03-04T10:00:00", DateOrder.DMY, dt.date(2025, 3, 4)),
        ("04/03/2025", DateOrder.DMY, dt.date(2025, 3, 4)),
        ("03/04/2025", DateOrder.MDY, dt.date(2025, 3, 4)),
        ("4.3.25", DateOrder.DMY, dt.date(2025, 3, 4)),
        ("2025/03/04", DateOrder.DMY, dt.date(2025, 3, 4)),
        ("25/03/04", DateOrder.YMD, dt.date(2025, 3, 4)),
    ],
)
def test_dates(value: object, order: DateOrder, expected: dt.date) -> None:
    assert parse_date(value, order) == expected


def test_impossible_dates_say_how_they_were_read() -> None:
    with pytest.raises(ValueError, match=r"'13/25/2025' is not a date \(read as day/month/year\)"):
        parse_date("13/25/2025", DateOrder.DMY)
    with pytest.raises(ValueError, match="'soon' is not a date"):
        parse_date("soon", DateOrder.DMY)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1,234.50", "1234.50"),
        ("1.234,50", "1234.50"),
        ("€ 1 234,50", "1234.50"),
        ("$1,234", "1234"),
        ("1234.5 EUR", "1234.5"),
        ("CHF 1'234.55", "1234.55"),
        ("12,5", "12.5"),
        ("1.234.567", "1234567"),
        (999, "999"),
        (12.25, "12.25"),
        ("1 299,00 kr", "1299.00"),
        ("€1.299,00", "1299.00"),
        ("1.099,- €", "1099"),
        ("899:-", "899"),
        ("GBP 450", "450"),
        ("KWD 1.250", "1.250"),
        ("1\u202f299,50\u00a0€", "1299.50"),
    ],
)
def test_amounts(text: object, expected: str) -> None:
    assert parse_amount(text) == Decimal(expected)


def test_text_and_yes_no() -> None:
    assert clean_text("  spaced  ") == "spaced"
    assert clean_text(12345.0) == "12345"
    assert clean_text("'=SUM(A1)") == "=SUM(A1)"  # our CSV export's neutralising apostrophe
    assert clean_text("'quoted") == "'quoted"
    assert clean_text("   ") is None
    assert (parse_yes_no("Ja"), parse_yes_no("no"), parse_yes_no(1)) == (True, False, True)
    assert add_months(dt.date(2024, 1, 31), 1) == dt.date(2024, 2, 29)


def test_header_row_below_titles_and_duplicate_or_blank_headers() -> None:
    rows = [
        ["Inventory 2025"],
        [],
        ["Asset Tag", "Serial Number", "", "Notes", "Notes"],
        ["A", "B"],
    ]
    assert find_header_row(rows, {}) == 2
    headers = header_names(rows[2])
    assert headers == ["Asset Tag", "Serial Number", "Column C", "Notes", "Notes (2)"]
    mapping = auto_mapping(headers, {})
    assert mapping.targets == ("tag", "serial_number", "", "notes", "")
    assert mapping.unmapped() == ["Column C", "Notes (2)"]


def test_other_tools_column_names() -> None:
    glpi = ["Name", "Inventory number", "Serial number", "Type", "Manufacturer", "Model", "Status",
            "Location", "User", "Group", "Supplier", "Date of purchase", "Value", "Comments"]  # fmt: skip
    assert auto_mapping(glpi, {}).unmapped() == []
    ralph = ["hostname", "sn", "barcode", "model_str", "order_no", "invoice_date", "price", "provider",
             "remarks", "status", "niw"]  # fmt: skip
    mapping = auto_mapping(ralph, {"ram_gb": "RAM (GB)"})
    assert mapping.unmapped() == ["niw"]
    assert mapping.mapped["tag"] == 2 and mapping.mapped["supplier"] == 7
    assert auto_mapping(["RAM (GB)"], {"ram_gb": "RAM (GB)"}).targets == ("custom.ram_gb",)


def test_an_import_names_a_few_new_tags_and_counts_many() -> None:
    assert received(()) == "0 assets received"
    assert received(("SRV-000043",)) == "1 asset received (SRV-000043)"
    assert received(("A-1", "A-2", "A-3")) == "3 assets received (A-1, A-2, A-3)"
    assert received(tuple(f"A-{n}" for n in range(250))) == "250 assets received"
