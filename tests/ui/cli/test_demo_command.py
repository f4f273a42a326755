"""``assetdesk demo``: fills an empty database, refuses a full one unless told to add."""

from __future__ import annotations

from pathlib import Path

import pytest

from ui.cli.main import main


def test_demo_fills_then_refuses_then_adds(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    database = str(tmp_path / "demo.sqlite3")

    assert main(["--database", database, "demo", "--assets", "40", "--seed", "7"]) == 0
    out = capsys.readouterr().out
    assert "assets" in out and "40" in out
    assert "waiting for approval" in out and "open" in out
    assert "Done in" in out

    assert main(["--database", database, "demo", "--assets", "40"]) == 1
    err = capsys.readouterr().err
    assert "already holds 40 assets" in err and "--add" in err

    assert main(["--database", database, "demo", "--assets", "10", "--add"]) == 0
    capsys.readouterr()
    assert main(["--database", database, "db", "info", "--json"]) == 0
    assert '"assets": 50' in capsys.readouterr().out


def test_a_wrong_number_of_assets_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    database = str(tmp_path / "demo.sqlite3")

    assert main(["--database", database, "demo", "--assets", "0"]) == 2
    assert "number of demo assets must be 1 to" in capsys.readouterr().err
