"""A custom yes/no field reads "yes" or "no" in an asset's history, whichever way it was
set: the procedure command, an import making the asset, an import changing it. The
history said "Disk encrypted: — → True" (the stored value's Python spelling), where the
form, the register and every built-in field say yes and no. Run as a person runs it."""

from __future__ import annotations

from pathlib import Path

from desktop.storage.database import Database
from tests.cli_run import run_cli
from tests.factories import seed_world


def _ok(path: Path, *argv: str) -> str:
    done = run_cli(*argv, database=path, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def _history_lines(path: Path, tag: str) -> list[str]:
    """The field's line among the asset's fields, then its changes in the history."""
    shown = _ok(path, "asset", "show", tag, "--history", "all")
    return [line.strip() for line in shown.splitlines() if "Disk encrypted" in line]


def test_a_yes_no_field_reads_yes_and_no_in_the_history(
    tmp_path: Path, sqlite_db: Database
) -> None:
    world = seed_world(sqlite_db)
    world.receive(tag="LAP-1")
    path = sqlite_db.sqlite_path
    assert path is not None

    _ok(path, "procedure", "change", "LAP-1", "--set", "Disk encrypted=yes",
        "--answer", "change_type=Upgrade", "--as", "tech")  # fmt: skip
    assert _history_lines(path, "LAP-1") == ["Disk encrypted: yes", "Disk encrypted: — → yes"]

    sheet = tmp_path / "laptops.csv"
    sheet.write_text(
        "Asset tag,Name,Category,Status,Location,Disk encrypted\n"
        "LAP-1,Laptop one,Laptop,In stock,ROOM-A1,no\n"
        "LAP-2,Laptop two,Laptop,In stock,ROOM-A1,yes\n",
        encoding="utf-8",
    )
    out = _ok(path, "import", str(sheet), "--as", "admin")
    # The import's own summary titles the field as the form does (it said "Encrypted").
    assert "Name: ThinkPad T14 → Laptop one; Disk encrypted: yes → no" in out, out
    assert _history_lines(path, "LAP-1") == [
        "Disk encrypted: no",
        "Disk encrypted: yes → no",
        "Disk encrypted: — → yes",
    ]
    assert _history_lines(path, "LAP-2") == ["Disk encrypted: yes", "Disk encrypted: — → yes"]
    for line in _history_lines(path, "LAP-1") + _history_lines(path, "LAP-2"):
        assert "True" not in line and "False" not in line


def test_the_demo_data_reads_yes_and_no_too(tmp_path: Path) -> None:
    """The demo's laptops record "Disk encrypted" as the services do (it wrote "True")."""
    path = tmp_path / "demo.sqlite3"
    _ok(path, "demo", "--assets", "120", "--seed", "3")
    lines: list[str] = []
    for number in range(1, 5):
        lines += _history_lines(path, f"LAP-{number:06d}")
    changes = [line for line in lines if "→" in line]
    assert changes, lines
    assert {line.rsplit("→ ", 1)[1] for line in changes} <= {"yes", "no"}, changes
    assert {line.split(": ", 1)[1] for line in lines if "→" not in line} <= {"yes", "no"}
