"""``assetdesk export`` (xlsx and csv) and ``import --errors`` into a folder that does not
exist are refused in one line that says so, naming the file and the folder, as ``audit
report -o`` and ``db backup`` say it. The export said "cannot write …/file.xlsx: No such
file or directory" (which reads as if the file were missing); an import with ``--errors``
into a missing folder was written, then the workbook failed (with a traceback). Nothing
is made, no folder created, nothing imported. Through the command line, as a subprocess."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.ui.spreadsheets.test_first_import_cli import assetdesk


@pytest.fixture(scope="module")
def register(tmp_path_factory: pytest.TempPathFactory) -> Path:
    database = tmp_path_factory.mktemp("register") / "register.sqlite3"
    made = assetdesk(database, "demo", "--assets", "30", "--seed", "1")
    assert made.returncode == 0, made.stdout + made.stderr
    return database


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_an_export_into_a_missing_folder_says_the_folder_does_not_exist(
    register: Path, tmp_path: Path, suffix: str
) -> None:
    missing = tmp_path / "exports" / "march"
    target = missing / f"register{suffix}"
    refused = assetdesk(register, "export", str(target))
    assert refused.returncode != 0
    assert "Traceback" not in refused.stderr
    assert refused.stderr.strip() == (
        f"assetdesk: cannot write the export {target}: the folder {missing} does not exist"
    )
    assert not (tmp_path / "exports").exists()

    folder = tmp_path / f"a folder{suffix}"
    folder.mkdir()
    refused = assetdesk(register, "export", str(folder))
    assert refused.returncode != 0
    assert refused.stderr.strip() == (
        f"assetdesk: cannot write the export to {folder}: it is a folder; give a file name"
    )

    written = assetdesk(register, "export", str(tmp_path / f"register{suffix}"))
    assert written.returncode == 0, written.stdout + written.stderr
    assert (tmp_path / f"register{suffix}").is_file()


def test_an_import_whose_error_workbook_has_no_folder_is_refused_before_it_imports(
    register: Path, tmp_path: Path
) -> None:
    source = tmp_path / "new.csv"
    source.write_text(
        "Asset tag,Name,Category,Location\r\n"
        "NEW-1,Spare dock,Docking station,LON-A0.10\r\n"
        "NEW-2,No category,,LON-A0.10\r\n",
        encoding="utf-8",
    )
    missing = tmp_path / "errors"
    refused = assetdesk(
        register, "import", str(source), "--valid-only", "--errors", str(missing / "bad.xlsx")
    )
    assert refused.returncode != 0
    assert refused.stderr.strip() == (
        f"assetdesk: cannot write the error workbook {missing / 'bad.xlsx'}: "
        f"the folder {missing} does not exist"
    )
    assert "Traceback" not in refused.stderr
    shown = assetdesk(register, "asset", "show", "NEW-1")
    assert shown.returncode != 0  # nothing was imported (NEW-1 was, before the workbook failed)
    assert not missing.exists()
