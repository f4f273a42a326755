"""A Ralph export's price and its currency, imported as a person imports them.

Ralph's export (its own sample, Apache-2.0, see ``tests/data/spreadsheets/README.md``)
writes ``price`` 0.00 for an asset nobody priced, beside ``price_currency``. The import
recorded a purchase cost of 0.00 — an asset said to have cost nothing — and listed the
currency as "not a known column". Now Ralph's 0.00 records no cost (a priced asset keeps
its own; a real price is taken), the dry run says so, and the currency column is said to
be the prices' currency, kept in the notes beside them. Another file's 0 stays a 0.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from sqlalchemy import select

from desktop.storage.database import Database
from desktop.storage.models import Asset
from tests.ui.spreadsheets.test_first_import_cli import assetdesk
from tests.ui.spreadsheets.test_import_texts_cli import RALPH

ZERO_SAID = "Price: 0.00 is how a Ralph export writes an asset without a price"


def _cost(database: Path, serial: str) -> Decimal | None:
    db = Database(f"sqlite:///{database}")
    try:
        with db.read() as session:
            return session.execute(
                select(Asset.purchase_cost).where(Asset.serial_number == serial)
            ).scalar_one()
    finally:
        db.dispose()


def test_ralphs_zero_price_is_no_price_and_its_currency_is_said(tmp_path: Path) -> None:
    database = tmp_path / "register.sqlite3"
    done = assetdesk(database, "import", str(RALPH), "--set", "owning_group=Datacenter team")
    assert done.returncode == 0, done.stdout + done.stderr
    assert ZERO_SAID in done.stdout, done.stdout
    (currency,) = [line for line in done.stdout.splitlines() if "price_currency:" in line[:18]]
    assert "the currency of the prices: kept in the notes" in currency, currency
    assert "Purchase cost: 0.00" not in done.stdout
    assert _cost(database, "M000000015L") is None
    shown = assetdesk(database, "asset", "show", "sto-000001")
    assert "price_currency: PLN" in shown.stdout


def test_a_real_ralph_price_is_kept_and_another_files_zero_too(tmp_path: Path) -> None:
    priced = tmp_path / "ralph_priced.csv"
    text = RALPH.read_text(encoding="utf-8")
    assert text.count(",0.00,,25.00,") == 1
    priced.write_text(text.replace(",0.00,,25.00,", ",1234.50,,25.00,"), encoding="utf-8")
    database = tmp_path / "register.sqlite3"
    done = assetdesk(database, "import", str(priced), "--set", "owning_group=Datacenter team")
    assert done.returncode == 0, done.stdout + done.stderr
    assert ZERO_SAID not in done.stdout
    assert _cost(database, "M000000015L") == Decimal("1234.50")

    plain = tmp_path / "donated.csv"
    plain.write_text(
        "Serial number,Name,Category,Location,Purchase cost\nDN-1,Donated PC,Laptop,Store,0\n"
    )
    other = tmp_path / "other.sqlite3"
    done = assetdesk(other, "import", str(plain))
    assert done.returncode == 0, done.stdout + done.stderr
    assert ZERO_SAID not in done.stdout
    assert _cost(other, "DN-1") == Decimal("0.00")
