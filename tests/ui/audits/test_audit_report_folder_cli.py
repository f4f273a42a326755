"""``assetdesk audit report -o`` into a folder that does not exist is refused in one line
naming the folder, as ``export``, ``db backup``, ``kit checkout`` and ``labels`` refuse it
(newuser6: it made the folder). Nothing is written; the report then goes where it may.
Through the command line, run as a subprocess."""

from __future__ import annotations

from pathlib import Path

from tests.ui.spreadsheets.test_first_import_cli import assetdesk


def test_a_report_into_a_missing_folder_is_refused_naming_it(tmp_path: Path) -> None:
    database = tmp_path / "register.sqlite3"
    made = assetdesk(database, "demo", "--assets", "30", "--seed", "1")
    assert made.returncode == 0, made.stdout + made.stderr
    started = assetdesk(
        database, "audit", "start", "--scope", "London head office", "--name", "Walk"
    )
    assert started.returncode == 0, started.stdout + started.stderr

    missing = tmp_path / "reports" / "march"
    refused = assetdesk(database, "audit", "report", "Walk", "-o", str(missing / "walk.xlsx"))
    assert refused.returncode != 0
    assert refused.stderr.strip() == (
        f"assetdesk: cannot write the audit report {missing / 'walk.xlsx'}: "
        f"the folder {missing} does not exist"
    )
    assert "Traceback" not in refused.stderr
    assert not (tmp_path / "reports").exists()  # no folder made

    written = assetdesk(database, "audit", "report", "Walk", "-o", str(tmp_path / "walk.xlsx"))
    assert written.returncode == 0, written.stdout + written.stderr
    assert (tmp_path / "walk.xlsx").is_file()
