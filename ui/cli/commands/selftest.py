"""``assetdesk selftest``: prove that this installation works, headless, in a scratch folder.

It is what the bundle's smoke test runs: a new database in a temporary folder, created and
migrated (the migrations are package data), minimal reference data, a receive and an
install procedure, a workbook export that re-opens with the asset in it, and a label PDF
rendered offscreen. One line per check; the exit status is non-zero if any check failed.
Nothing outside the temporary folder is read or written (not even the user's database).
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import TextIO

import desktop
from ui.cli.context import CliContext
from ui.cli.selftest_checks import CHECKS, SelftestState


def _selftest(ctx: CliContext) -> int:
    if "PySide6.QtGui" not in sys.modules:
        # Headless, even where a display is configured: the label check paints offscreen.
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    return run_selftest(keep=bool(ctx.args.keep), debug=bool(ctx.args.debug))


@dataclass
class CheckResult:
    name: str
    passed: bool
    detail: str
    seconds: float = 0.0
    skipped: bool = False


@dataclass
class SelftestReport:
    results: list[CheckResult] = field(default_factory=list)

    @property
    def failed(self) -> list[CheckResult]:
        return [r for r in self.results if not r.passed]


def run_selftest(*, keep: bool = False, debug: bool = False, out: TextIO | None = None) -> int:
    """Run every check, print one line each; return 0 if all passed, else 1."""
    stream = out or sys.stdout
    report = run_checks(keep=keep, debug=debug, out=stream)
    failed = report.failed
    if failed:
        print(f"selftest FAILED: {len(failed)} of {len(report.results)} checks", file=stream)
        return 1
    print(f"selftest passed: {len(report.results)} checks", file=stream)
    return 0


def run_checks(*, keep: bool = False, debug: bool = False, out: TextIO) -> SelftestReport:
    """Run the checks in a fresh temporary folder; a check whose prerequisite failed is
    reported as failed (skipped), never silently left out."""
    report = SelftestReport()
    print(_program_line(), file=out)
    folder = Path(tempfile.mkdtemp(prefix="assetdesk-selftest-"))
    state = SelftestState(folder=folder, debug=debug)
    passed: set[str] = set()
    try:
        for check in CHECKS:
            missing = [n for n in check.needs if n not in passed]
            if missing:
                result = CheckResult(
                    check.name, False, f"skipped: needs {', '.join(missing)}", skipped=True
                )
            else:
                result = _run_one(check.name, check.run, state)
            if result.passed:
                passed.add(check.name)
            report.results.append(result)
            status = "ok  " if result.passed else ("skip" if result.skipped else "FAIL")
            print(f"{status} {result.name:<16} {result.detail}", file=out, flush=True)
    finally:
        state.close()
        if keep:
            print(f"kept the selftest folder {folder}", file=out)
        else:
            _remove_tree(folder)
    return report


def _run_one(name: str, run: Callable[[SelftestState], str], state: SelftestState) -> CheckResult:
    started = time.perf_counter()
    try:
        detail = run(state)
    # A self-test reports every failure as a line and goes on; the traceback goes to
    # standard error so that CI logs show the cause.
    except Exception as exc:  # noqa: BLE001
        traceback.print_exc(file=sys.stderr)
        return CheckResult(name, False, f"{type(exc).__name__}: {exc}")
    seconds = time.perf_counter() - started
    return CheckResult(name, True, f"{detail} ({seconds * 1000:.0f} ms)", seconds)


def _program_line() -> str:
    where = Path(str(resources.files("desktop"))).parent
    kind = "bundle" if getattr(sys, "frozen", False) else "Python environment"
    return f"assetdesk {desktop.__version__} from {where} ({kind}), Python {sys.version.split()[0]}"


def _remove_tree(folder: Path) -> None:
    shutil.rmtree(folder, ignore_errors=True)
