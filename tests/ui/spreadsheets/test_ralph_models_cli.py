"""Ralph's model text "[Category] Manufacturer Model" (its ``model_str`` column, e.g.
"[Storage] EMC VNX5300") is split on import: the category in brackets, the manufacturer
the register knows, the model — never a model "EMC VNX5300" under "Unknown
manufacturer" without a word. A maker the register does not know is a warning saying
what to do. The header is Ralph's own (the corpus sample ``management_ip_existing.csv``);
the command line runs as a subprocess."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from sqlalchemy import select

from desktop.services.reference import administer, create_manufacturer
from desktop.storage.models import Asset, AssetModel, Category, Manufacturer
from tests.ui.spreadsheets.test_first_import_cli import assetdesk, open_db

CORPUS = Path("/work/shared/corpus/allegro+ralph/src/ralph/data_importer/tests/samples")
RALPH_HEADER = [
    "rack",
    "rack_str",
    "budget_info",
    "budget_info_str",
    "parent",
    "parent_str",
    "service_env",
    "service_env_str",
    "management_ip",
    "model",
    "id",
    "model_str",
    "created",
    "modified",
    "remarks",
    "configuration_path",
    "configuration_path_str",
    "hostname",
    "sn",
    "barcode",
    "niw",
    "required_support",
    "order_no",
    "invoice_no",
    "invoice_date",
    "price",
    "provider",
    "depreciation_rate",
    "force_depreciation",
    "depreciation_end_date",
    "task_url",
    "property_of",
    "property_of_str",
    "status",
    "position",
    "orientation",
    "slot_no",
    "firmware_version",
    "bios_version",
    "source",
    "delivery_date",
    "production_year",
    "production_use_date",
    "tags",
    "tags_str",
    "price_currency",
]


def _ralph_file(path: Path, rows: list[tuple[str, str, str]]) -> None:
    """(barcode, hostname, model_str) rows in Ralph's data-center export layout."""
    sample = CORPUS / "management_ip_existing.csv"
    if sample.exists():  # the same header as Ralph's own sample, column for column
        with sample.open(newline="", encoding="utf-8") as f:
            assert next(csv.reader(f)) == RALPH_HEADER
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(RALPH_HEADER)
        for barcode, hostname, model in rows:
            cells = dict.fromkeys(RALPH_HEADER, "")
            cells.update(barcode=barcode, hostname=hostname, model_str=model, sn=f"SN-{barcode}")
            cells.update(model="1", status="in use", price_currency="PLN")
            writer.writerow([cells[h] for h in RALPH_HEADER])


def test_ralph_model_text_gives_category_manufacturer_and_model(tmp_path: Path) -> None:
    database = tmp_path / "register.sqlite3"
    assert assetdesk(database, "db", "upgrade").returncode == 0
    db = open_db(database)
    try:
        with administer(db, "admin") as s:
            create_manufacturer(s, name="EMC")
            create_manufacturer(s, name="Hewlett Packard Enterprise")
    finally:
        db.dispose()
    sheet = tmp_path / "ralph.csv"
    _ralph_file(
        sheet,
        [
            ("DC-0001", "san-1", "[Storage] EMC VNX5300"),
            ("DC-0002", "blade-1", "[Blade server] Hewlett Packard Enterprise BL460c Gen9"),
            ("DC-0003", "san-2", "[Storage] EMC"),
            ("DC-0004", "odd-1", "[Switch] Acme Widget 9000"),
        ],
    )
    done = assetdesk(
        database, "import", str(sheet), "--json", "--set", "location=Server room",
        "--status-map", "in use=in_stock",
    )  # fmt: skip
    payload = json.loads(done.stdout)
    assert done.returncode == 0, (payload.get("errors"), done.stderr)
    assert payload["counts"]["create"] == 4
    warnings = {w["row"]: w["message"] for w in payload["warnings"]}
    assert set(warnings) == {5}, warnings  # only the maker nobody knows
    assert "[Switch] Acme Widget 9000" in warnings[5]
    assert "Map a Manufacturer column, or add the manufacturer" in warnings[5]

    db = open_db(database)
    try:
        with db.read() as s:
            rows = s.execute(
                select(Asset.tag, Category.name, Manufacturer.name, AssetModel.name)
                .join(Category, Category.id == Asset.category_id)
                .join(AssetModel, AssetModel.id == Asset.model_id)
                .join(Manufacturer, Manufacturer.id == AssetModel.manufacturer_id)
                .order_by(Asset.tag)
            ).all()
    finally:
        db.dispose()
    assert [tuple(r) for r in rows] == [
        ("DC-0001", "Storage", "EMC", "VNX5300"),
        ("DC-0002", "Blade server", "Hewlett Packard Enterprise", "BL460c Gen9"),
        ("DC-0003", "Storage", "EMC", "EMC"),
        ("DC-0004", "Switch", "Unknown manufacturer", "Acme Widget 9000"),
    ]
