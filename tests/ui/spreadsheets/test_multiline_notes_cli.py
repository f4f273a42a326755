"""A change of multi-line notes in the command line's dry run: one line a row.

Re-importing an export after a wrong import listed each changed row's notes with their
own line breaks ("Changes:\\n  row 3 LAP-…: Notes: 2025-07-10: fan replaced\\n2026-06-14:
…\\nCost centre: CC-4100 → 2025-07-10: …"), so the rows ran into each other; the "Values"
list above them (and the wizard) already showed the lines joined by " / ".
"""

from __future__ import annotations

from pathlib import Path

from tests.factories import World
from tests.ui.spreadsheets.test_migration_files import cli, world  # noqa: F401 - a fixture


def test_each_changed_row_is_one_line_with_its_notes_lines_joined(
    world: World,  # noqa: F811 - the fixture imported above
    tmp_path: Path,
) -> None:
    first = tmp_path / "register.csv"
    first.write_text(
        "Asset tag,Name,Category,Location,Notes\r\nLAP-8001,Finance laptop,Laptop,Room A1,"
        '"2025-07-10: fan replaced\r\n2026-06-14: battery replaced"\r\n',
        encoding="utf-8",
    )
    done = cli(world.db, "import", str(first), "--as", "tech")
    assert done.returncode == 0, done.stdout + done.stderr
    second = tmp_path / "register-finance.csv"
    second.write_text(
        "Asset tag,Name,Category,Location,Notes\r\nLAP-8001,Finance laptop,Laptop,Room A1,"
        '"2025-07-10: fan replaced\r\n2026-06-14: battery replaced\r\nCost centre: CC-4100"\r\n',
        encoding="utf-8",
    )
    dry = cli(world.db, "import", str(second), "--dry-run")
    assert dry.returncode == 0, dry.stdout + dry.stderr
    changes = dry.stdout.split("Changes:\n", 1)[1].splitlines()
    assert changes[0] == (
        "  row 2 LAP-8001: Notes: 2025-07-10: fan replaced / 2026-06-14: battery replaced → "
        "2025-07-10: fan replaced / 2026-06-14: battery replaced / Cost centre: CC-4100"
    ), dry.stdout
    assert changes[1] == "Dry run: nothing was written."
