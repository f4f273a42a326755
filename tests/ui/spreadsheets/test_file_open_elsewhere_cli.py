"""An edited export still open in LibreOffice or Excel, imported through the command line
as a subprocess: the dry run says whose program has it open, as its unsaved edits are not
in the file (nothing stops reading it on Linux or macOS, so nothing else said so).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.desktop.spreadsheets.conftest import write_workbook
from tests.factories import World
from tests.ui.spreadsheets.test_migration_files import cli, world  # noqa: F401 - a fixture


@pytest.mark.parametrize(
    ("owner_name", "content", "said"),
    [
        (
            ".~lock.prices.xlsx#",
            b"Fiona Finance,fin-pc-07,fiona,06.12.2026 11:30,file:///home/fiona/.config/"
            b"libreoffice/4;",
            "prices.xlsx is open in LibreOffice (by Fiona Finance since 06.12.2026 11:30)",
        ),
        (
            # Excel's owner file: a length byte, the user name, padding (the name's first
            # two characters dropped for a long file name).
            "~$ices.xlsx",
            bytes([13]) + b"Fiona Finance" + b" " * 40 + b"\x00" * 8,
            "prices.xlsx is open in Excel (by Fiona Finance)",
        ),
    ],
)
def test_the_dry_run_says_the_file_is_open_in_an_office_program(
    world: World,  # noqa: F811 - the fixture imported above
    tmp_path: Path,
    owner_name: str,
    content: bytes,
    said: str,
) -> None:
    prices = write_workbook(
        tmp_path / "prices.xlsx",
        [["Asset tag", "Name", "Category", "Location", "Purchase cost"],
         ["LAP-7001", "Finance laptop", "Laptop", "Room A1", "1,249.50"]],
    )  # fmt: skip
    quiet = json.loads(cli(world.db, "import", str(prices), "--dry-run", "--json").stdout)
    assert not any("is open in" in note for note in quiet["notes"]), quiet["notes"]

    (tmp_path / owner_name).write_bytes(content)
    dry = cli(world.db, "import", str(prices), "--dry-run")
    assert dry.returncode == 0, dry.stdout + dry.stderr
    assert (
        f"Note: {said}: changes not saved there are not in this import. Save the file in"
    ) in dry.stdout, dry.stdout
    payload = json.loads(cli(world.db, "import", str(prices), "--dry-run", "--json").stdout)
    assert any(note.startswith(said) for note in payload["notes"]), payload["notes"]
    assert payload["counts"]["create"] == 1
