"""``assetdesk selftest``: every check passes on a working installation, and a broken
step makes it fail loudly (non-zero, a FAIL line, dependents skipped)."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

from ui.cli import selftest_checks
from ui.cli.commands.selftest import run_selftest

ROOT = Path(__file__).resolve().parents[1]
CHECK_NAMES = [check.name for check in selftest_checks.CHECKS]


@pytest.fixture(autouse=True)
def _qt_application(qapp: object) -> None:
    """The label check paints with Qt: make sure the QApplication the ui tests need
    exists first (the command line would otherwise create a bare QGuiApplication)."""


def test_all_checks_pass_in_process(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("tempfile.tempdir", str(tmp_path))
    out = io.StringIO()
    assert run_selftest(out=out) == 0
    lines = out.getvalue().splitlines()
    assert lines[0].startswith("assetdesk ")
    assert "(Python environment)" in lines[0]
    results = lines[1:-1]
    assert [line.split(maxsplit=1)[0] for line in results] == ["ok"] * len(CHECK_NAMES)
    for name, line in zip(CHECK_NAMES, results, strict=True):
        assert line[5:].startswith(name)
    text = out.getvalue()
    assert "received LAP-000001" in text
    assert "installed LAP-000001 in Room 2 for Una User" in text
    assert "re-opens with LAP-000001" in text
    assert "labels.pdf" in text
    assert "1 page(s) of Avery L7160, 3 labels, 210 x 297 mm" in text
    assert lines[-1] == f"selftest passed: {len(CHECK_NAMES)} checks"
    assert list(tmp_path.iterdir()) == []  # the scratch folder is removed


def test_a_failing_step_fails_the_selftest_and_skips_what_needs_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr("tempfile.tempdir", str(tmp_path))

    def broken_record(*args: object, **kwargs: object) -> None:
        raise RuntimeError("the procedure service is broken")

    monkeypatch.setattr(selftest_checks, "record_procedure", broken_record)
    out = io.StringIO()
    assert run_selftest(out=out) == 1
    text = out.getvalue()
    assert "FAIL receive          RuntimeError: the procedure service is broken" in text
    assert "skip install          skipped: needs receive" in text
    assert "skip export           skipped: needs install" in text
    assert "skip label pdf        skipped: needs receive" in text
    assert "ok   database" in text
    assert "skip backup           skipped: needs install" in text
    assert text.splitlines()[-1] == f"selftest FAILED: 5 of {len(CHECK_NAMES)} checks"
    assert "Traceback" in capsys.readouterr().err  # the cause, for CI logs


def test_a_wrong_result_is_a_failure(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("tempfile.tempdir", str(tmp_path))
    from ui.cli import selftest_outputs

    def export_without_assets(database: object, path: Path, *, exported_by: str) -> object:
        from openpyxl import Workbook

        from desktop.spreadsheets.export import ExportResult

        Workbook().save(path)
        return ExportResult(path, 1)

    monkeypatch.setattr(selftest_outputs, "export_workbook", export_without_assets)
    out = io.StringIO()
    assert run_selftest(out=out) == 1
    assert "FAIL export           SelftestFailure: register.xlsx does not contain the tag" in (
        out.getvalue()
    )


def test_a_broken_pdf_is_a_failure(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("tempfile.tempdir", str(tmp_path))
    from ui.cli import selftest_outputs

    def truncated_pdf(database: object, tags: object, rooms: object, path: Path) -> object:
        path.write_bytes(b"%PDF-1.4\n1 0 obj << /Type /Page >>\n")  # no end, no MediaBox
        return selftest_outputs.LabelPdf("Avery L7160", 3, 1, 210.0, 297.0)

    monkeypatch.setattr(selftest_outputs, "render_label_pdf", truncated_pdf)
    out = io.StringIO()
    assert run_selftest(out=out) == 1
    assert "FAIL label pdf        SelftestFailure: labels.pdf is truncated (no %%EOF)" in (
        out.getvalue()
    )


def test_command_runs_as_a_subprocess_outside_the_source_tree(tmp_path: Path) -> None:
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(tmp_path),
        "XDG_DATA_HOME": str(tmp_path / "data"),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "XDG_STATE_HOME": str(tmp_path / "state"),
        "TMPDIR": str(tmp_path),
    }
    completed = subprocess.run(
        [sys.executable, "-m", "ui.cli.main", "selftest"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert completed.stdout.splitlines()[-1].startswith("selftest passed")
    # The user's own database was never created.
    assert not (tmp_path / "data" / "Assetdesk").exists()


def test_the_command_line_does_not_load_qt_until_a_label_is_rendered() -> None:
    code = (
        "import sys; from ui.cli.main import build_parser; build_parser(); "
        "print('PySide6' in sys.modules)"
    )
    completed = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.strip() == "False"
