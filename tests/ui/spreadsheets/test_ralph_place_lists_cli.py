"""A Ralph user brings every file of their export, its lists of places too: Ralph's
warehouses (id, name) are not assets. The refusal asked for a category for all rows —
given, the import made assets called "London", "Zakopane" and "Berlin". It now says that
only a name describes each row and where places and people are added instead. Run as a
person runs it, on Ralph's own file (tests/data/spreadsheets, see its README)."""

from __future__ import annotations

from pathlib import Path

from tests.ui.spreadsheets.test_first_import_cli import assetdesk, fresh  # noqa: F401

DATA = Path(__file__).parents[2] / "data" / "spreadsheets"


def test_ralph_s_warehouse_list_is_said_to_be_places(fresh: Path) -> None:  # noqa: F811
    done = assetdesk(fresh, "import", str(DATA / "warehouses_semicolon.csv"), "--dry-run")
    assert done.returncode != 0
    assert (
        "Only a name describes each row: if the file lists places (Ralph's warehouses), "
        "import it as locations (assetdesk import --locations, or Import list… in Data › "
        "Locations); a list of people likewise (--people, Data › People); not as assets "
        "(columns: id, name)"
    ) in done.stderr, done.stderr


def test_an_asset_file_without_tags_is_not_told_so(fresh: Path) -> None:  # noqa: F811
    done = assetdesk(fresh, "import", str(DATA / "back_office_assets.csv"), "--dry-run")
    assert done.returncode != 0
    assert "missing: Name, Category" in done.stderr, done.stderr
    assert "Only a name describes each row" not in done.stderr


def test_ralph_s_warehouse_list_imports_as_locations(fresh: Path) -> None:  # noqa: F811
    """Following that advice: the warehouses become places at the top of the tree, once."""
    for name in ("warehouses_semicolon.csv", "warehouses_tab.csv"):
        done = assetdesk(fresh, "import", "--locations", str(DATA / name))
        assert done.returncode == 0, done.stderr
    assert "London (site)" in done.stdout or "Warsaw (site)" in done.stdout
    again = assetdesk(fresh, "import", "--locations", str(DATA / "warehouses_tab.csv"))
    assert again.returncode == 0, again.stderr
    assert "warehouses_tab.csv: nothing new, 3 already in the register: imported" in again.stdout
    listed = assetdesk(fresh, "import", "--locations", "--dry-run", "--json",
                       str(DATA / "warehouses_semicolon.csv"))  # fmt: skip
    assert '"existing": [' in listed.stdout and "Zakopane" in listed.stdout
