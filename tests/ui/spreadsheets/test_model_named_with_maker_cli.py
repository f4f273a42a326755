"""A Snipe-IT export whose Model column repeats the Manufacturer column ("Dell Latitude
7440" made by "Dell"), as many Snipe-IT registers name their models: the import creates
one model, "Latitude 7440" by Dell, shown as "Dell Latitude 7440" — never "Dell Dell
Latitude 7440" — and the rows that write the model without its maker get the same one.

Found by a new user importing their Snipe-IT export (newuser13): the dry run listed
"model Dell Dell Latitude 7440 (new; 'Dell Dell Latitude 7440' looks like …)".
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

from sqlalchemy import select

from desktop.storage.database import Database
from desktop.storage.models import AssetModel
from tests.cli_run import run_cli

HEADER = ["Asset Tag", "Asset Name", "Model", "Category", "Status", "Serial", "Location"]
HEADER += ["Manufacturer"]
ROWS = [
    [
        "00102",
        "",
        "Dell Latitude 7440",
        "Laptops",
        "Ready to Deploy",
        "9XK2LM3",
        "NY Office",
        "Dell",
    ],
    [
        "00105",
        "Spare",
        "Latitude 7440",
        "Laptops",
        "Ready to Deploy",
        "9XK2LM9",
        "NY Office",
        "Dell",
    ],
    ["00103", "TV", "Samsung QM55", "Displays", "Ready to Deploy", "R5AB1", "NY Office", "Samsung"],
]


def test_a_model_named_with_its_maker_is_not_named_twice(tmp_path: Path) -> None:
    export = tmp_path / "snipeit_assets.csv"
    with export.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows([HEADER, *ROWS])
    database = tmp_path / "register.sqlite3"

    dry = run_cli("import", str(export), "--dry-run", database=database, home=tmp_path)
    assert dry.returncode == 0, dry.stderr
    assert "Dell Dell" not in dry.stdout and "Samsung Samsung" not in dry.stdout, dry.stdout
    assert "model Dell Latitude 7440 (new)" in dry.stdout, dry.stdout

    done = run_cli("import", str(export), database=database, home=tmp_path)
    assert done.returncode == 0, done.stderr
    shown = run_cli("asset", "show", "00102", "--json", database=database, home=tmp_path)
    assert shown.returncode == 0, shown.stderr
    fields = json.loads(shown.stdout)
    assert "Dell Latitude 7440" in json.dumps(fields), shown.stdout
    assert "Dell Dell" not in shown.stdout

    db = Database(f"sqlite:///{database}")
    try:
        with db.read() as session:
            names = sorted(session.execute(select(AssetModel.name)).scalars())
    finally:
        db.dispose()
    # One model for both spellings of the Dell, named without its maker.
    assert names == ["Latitude 7440", "QM55"]
