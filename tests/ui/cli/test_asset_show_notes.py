"""``assetdesk asset show`` of an asset whose notes hold several lines: each line after the
first stays under the value. A new user imported Ralph's export (its other columns kept in
the notes, a line each) and read "model: 1", "created: …" at the left margin, below the
fields and inside the history, as if they were fields and changes of their own.

Ralph's own export (Apache-2.0, see ``tests/data/spreadsheets/README.md``); the command
line as a subprocess."""

from __future__ import annotations

from pathlib import Path

from tests.ui.spreadsheets.test_first_import_cli import assetdesk
from tests.ui.spreadsheets.test_import_texts_cli import RALPH


def test_notes_lines_stay_under_the_value(tmp_path: Path) -> None:
    database = tmp_path / "register.sqlite3"
    imported = assetdesk(database, "import", str(RALPH), "--set", "owning_group=Datacenter team")
    assert imported.returncode == 0, imported.stdout + imported.stderr
    shown = assetdesk(database, "asset", "show", "sto-000001")
    assert shown.returncode == 0, shown.stderr
    lines = shown.stdout.splitlines()
    fields = lines[: lines.index("")]
    notes = fields.index("           Notes: budget_info_str: Institute Bdg")
    assert fields[notes + 1] == " " * 18 + "service_env: Rocks Cluster System|Production"
    assert fields[notes + 14] == " " * 18 + "price_currency: PLN"
    assert fields[notes + 15].startswith("         Version: ")
    # Every line of the fields is a field or a value's next line; none at the margin.
    assert all(line.startswith(" ") for line in fields), fields
    history = lines[lines.index("") + 2 :]
    assert all(line.startswith("  ") for line in history), history
    receive = history.index("      Notes: — → budget_info_str: Institute Bdg")
    assert history[receive + 1] == " " * 8 + "service_env: Rocks Cluster System|Production"
