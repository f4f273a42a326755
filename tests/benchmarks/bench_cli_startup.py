"""Command-line start-up benchmark (issue 17 point 4).

Times ``assetdesk --version`` and ``assetdesk --help`` (the installed ``assetdesk``
script, as a user runs it), a command's help (``kit sync --help``, ``import --help``) and,
for information, ``assetdesk asset show`` of a tag that does not exist on a new local
file, each as a fresh process. Floor: ``python -c pass`` with
the same interpreter, measured in the same run, interleaved with the others. Each figure
is the minimum of several runs (start-up noise is all upward). Target: ``--version`` and
``--help`` ≤ 3x the floor; a command's help (argparse's, building only that command's
parser and importing none of its handlers) ≤ 5x (it was 35-40x when building the parser
imported SQLAlchemy).

The sources are compiled first (``python -m compileall``): ``PYTHONDONTWRITEBYTECODE=1``
is set on the build machine, and without cached bytecode every start recompiles.

Run: ``uv run python tests/benchmarks/bench_cli_startup.py [RUNS]`` (default 15) or
``uv run pytest tests/benchmarks/bench_cli_startup.py -s``.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TARGET = 3.0
COMMAND_HELP_TARGET = 5.0


def _script() -> list[str]:
    found = shutil.which("assetdesk", path=str(Path(sys.executable).parent))
    return [found] if found else [sys.executable, "-m", "ui.cli.main"]


def _commands(database: Path) -> dict[str, list[str]]:
    script = _script()
    return {
        "python -c pass": [sys.executable, "-c", "pass"],
        "--version": [*script, "--version"],
        "--help": [*script, "--help"],
        "kit sync --help": [*script, "kit", "sync", "--help"],
        "import --help": [*script, "import", "--help"],
        "asset show": [*script, "--database", str(database), "asset", "show", "NONE-1"],
    }


def measure(runs: int = 15) -> dict[str, float]:
    """The best wall time of each command, in seconds."""
    subprocess.run(
        [sys.executable, "-m", "compileall", "-q", "desktop", "ui"], cwd=ROOT, check=True
    )
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    with tempfile.TemporaryDirectory() as folder:
        database = Path(folder) / "bench.sqlite3"
        commands = _commands(database)
        subprocess.run(commands["asset show"], env=env, capture_output=True, check=False)
        best = dict.fromkeys(commands, float("inf"))
        for _ in range(runs):
            for name, command in commands.items():
                started = time.perf_counter()
                subprocess.run(command, env=env, cwd=ROOT, capture_output=True, check=False)
                best[name] = min(best[name], time.perf_counter() - started)
    return best


def report(best: dict[str, float]) -> dict[str, float]:
    floor = best["python -c pass"]
    ratios = {name: seconds / floor for name, seconds in best.items()}
    for name, seconds in best.items():
        print(f"{name:>16}: {seconds * 1000:7.1f} ms  {ratios[name]:5.2f}x python -c pass")
    return ratios


def test_cli_startup() -> None:
    ratios = report(measure())
    assert ratios["--version"] <= TARGET
    assert ratios["--help"] <= TARGET
    assert ratios["kit sync --help"] <= COMMAND_HELP_TARGET
    assert ratios["import --help"] <= COMMAND_HELP_TARGET


if __name__ == "__main__":
    report(measure(int(sys.argv[1]) if len(sys.argv) > 1 else 15))
