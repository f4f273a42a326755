"""Start-up of the command line (issue 17 point 4): ``--version`` and ``--help`` import no
command, no database layer and no heavy library; a command imports only what it uses.

Each check runs ``assetdesk`` as a fresh process that lists, as it exits, every module it
loaded, and asserts on that list.
"""

from __future__ import annotations

import argparse
import importlib
import os
import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest

import desktop
from tests.factories import seed_world
from ui.cli import commands, parsers
from ui.cli.main import COMMANDS, build_parser, main
from ui.cli.parsers import Handler
from ui.cli.static_help import help_text, terminal_width

ROOT = Path(__file__).resolve().parents[3]

#: Never needed to print the version or the list of commands.
HEAVY = (
    "sqlalchemy",
    "alembic",
    "PySide6",
    "shiboken6",
    "openpyxl",
    "python_calamine",
    "barcode",
    "segno",
    "keyring",
    "psycopg",
    "pymysql",
    "platformdirs",
    "multiprocessing",
    "importlib.metadata",
    "desktop.storage",
    "desktop.services",
    "desktop.spreadsheets",
    "desktop.labels",
    "desktop.demo",
    "ui.cli.commands",
    "ui.cli.context",
    "ui.gui",
)

#: Not needed to show one asset.
NOT_FOR_ASSET_SHOW = (
    "PySide6",
    "shiboken6",
    "openpyxl",
    "python_calamine",
    "barcode",
    "segno",
    "alembic",
    "multiprocessing",
    "desktop.labels",
    "desktop.demo",
    "desktop.spreadsheets",
    "desktop.services.approvals",
    "desktop.services.audits",
    "desktop.services.incidents",
    "ui.gui",
    *(f"ui.cli.commands.{m.name}" for m in pkgutil.iter_modules(commands.__path__)),
)


#: ``assetdesk ARGS`` as the installed script runs it (``ui.cli.main:main``), printing
#: every module loaded when the process ends (after ``SystemExit`` too).
_PROGRAM = """
import atexit, sys
atexit.register(lambda: sys.stderr.write("MODULES " + " ".join(sorted(sys.modules)) + "\\n"))
from ui.cli.main import main
sys.argv[0] = "assetdesk"
sys.exit(main())
"""


def _imported(*argv: str) -> tuple[subprocess.CompletedProcess[str], set[str]]:
    env = dict(os.environ)
    env.pop("QT_QPA_PLATFORM", None)
    done = subprocess.run(
        [sys.executable, "-c", _PROGRAM, *argv],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        check=False,
    )
    reports = [line for line in done.stderr.splitlines() if line.startswith("MODULES ")]
    assert reports, done.stderr[-2000:]
    return done, set(reports[-1].split()[1:])


def _loaded(modules: set[str], forbidden: tuple[str, ...]) -> list[str]:
    return sorted(
        name for name in modules if any(name == f or name.startswith(f + ".") for f in forbidden)
    )


def test_version_imports_nothing_heavy() -> None:
    done, modules = _imported("--version")
    assert done.returncode == 0
    assert done.stdout.strip() == f"assetdesk {desktop.__version__}"
    assert _loaded(modules, (*HEAVY, "argparse")) == []
    assert len(modules) < 120, sorted(modules)


def test_help_lists_every_command_and_imports_nothing_heavy() -> None:
    done, modules = _imported("--help")
    assert done.returncode == 0
    listing = " ".join(done.stdout.split())
    for name, _, text in COMMANDS:
        assert f"{name} {' '.join(text.split())}" in listing
    assert _loaded(modules, (*HEAVY, "argparse")) == []


@pytest.mark.parametrize("columns", [76, 80, 100, 150, 240])
def test_the_help_without_argparse_is_argparse_s_own_text(
    monkeypatch: pytest.MonkeyPatch, columns: int
) -> None:
    monkeypatch.setenv("COLUMNS", str(columns))
    assert help_text(COMMANDS, terminal_width()) == build_parser().format_help()


def test_a_terminal_too_narrow_for_the_usage_line_gets_argparse_s_help(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("COLUMNS", "40")
    assert help_text(COMMANDS, terminal_width()) is None
    with pytest.raises(SystemExit):
        main(["--help"])
    assert capsys.readouterr().out == build_parser().format_help()


def test_asset_show_imports_only_what_it_uses(tmp_path: Path) -> None:
    from desktop.storage.database import open_database

    path = tmp_path / "a.sqlite3"
    database = open_database(f"sqlite:///{path}")
    seed_world(database).receive(tag="LAP-42", values={"serial_number": "SN-1"})
    database.dispose()
    done, modules = _imported("--database", str(path), "asset", "show", "lap-42")
    assert done.returncode == 0, done.stderr[-2000:]
    assert "LAP-42" in done.stdout and "SN-1" in done.stdout
    assert "ui.cli.commands.asset" in modules and "desktop.services.queries" in modules
    assert _loaded(modules, NOT_FOR_ASSET_SHOW) == ["ui.cli.commands.asset"]


def test_a_command_help_builds_only_that_command() -> None:
    done, modules = _imported("import", "--help")
    assert done.returncode == 0
    assert "--dry-run" in done.stdout
    assert _loaded(modules, ("ui.cli.parsers", "ui.cli.commands", "desktop.labels")) == [
        "ui.cli.parsers",
        "ui.cli.parsers.spreadsheets",
    ]


#: Not needed to print a command's help: its parser's definition only.
NOT_FOR_COMMAND_HELP = tuple(name for name in HEAVY if name != "argparse")


@pytest.mark.parametrize(
    "argv",
    [
        *([name, "--help"] for name, _, _ in COMMANDS),
        ["kit", "sync", "--help"],
        ["audit", "scan", "--help"],
        ["incidents", "log", "--help"],
        ["templates", "set-scan", "--help"],
    ],
    ids=" ".join,
)
def test_a_command_help_imports_no_handler_and_nothing_heavy(argv: list[str]) -> None:
    """Issue 17: ``assetdesk kit sync --help`` took a second, its parser's module importing
    SQLAlchemy and the rest of what the command's handlers use."""
    done, modules = _imported(*argv)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.startswith(f"usage: assetdesk {' '.join(argv[:-1])}")
    assert _loaded(modules, NOT_FOR_COMMAND_HELP) == []


def test_the_parsers_copies_are_equal_to_their_sources() -> None:
    """Choices and defaults that the parsers copy rather than import from a heavy module."""
    from desktop.labels.items import LABEL_FIELDS
    from desktop.services.audit_due import DEFAULT_WITHIN_DAYS, DueList
    from desktop.services.command_procedures import MAX_ALLOCATE
    from desktop.services.incidents import incident_template
    from desktop.services.queries import HISTORY_SHOWN
    from desktop.services.template_admin import APPROVABLE_KINDS
    from desktop.spreadsheets.cells import DateOrder
    from desktop.spreadsheets.mapping import UNKNOWN_COLUMNS
    from desktop.spreadsheets.model import MatchKey
    from desktop.storage.logins import DATABASE_ROLES
    from ui.cli.parsers import (
        asset,
        audit,
        incidents,
        labels,
        procedure,
        spreadsheets,
        templates,
        users,
    )

    assert asset.HISTORY_SHOWN == HISTORY_SHOWN
    assert tuple(d.value for d in DueList) == audit.DUE_LISTS
    assert audit.DUE_LISTS[0] == DueList.OVERDUE.value
    assert audit.DEFAULT_WITHIN_DAYS == DEFAULT_WITHIN_DAYS
    severity = next(f for f in incident_template().fields if f.key == "severity")
    assert tuple(severity.choices) == incidents.SEVERITIES
    assert tuple(LABEL_FIELDS) == labels.LABEL_FIELDS
    assert procedure.MAX_ALLOCATE == MAX_ALLOCATE
    assert tuple(m.value for m in MatchKey) == spreadsheets.MATCH_KEYS
    assert tuple(d.value for d in DateOrder) == spreadsheets.DATE_ORDERS
    assert tuple(UNKNOWN_COLUMNS) == spreadsheets.UNKNOWN_COLUMNS
    assert tuple(APPROVABLE_KINDS) == templates.APPROVABLE_KINDS
    assert tuple(DATABASE_ROLES) == users.DATABASE_ROLES


def test_the_command_table_matches_what_the_modules_register() -> None:
    """Every parser module's commands, with the help it gives them, are in COMMANDS; each
    names a module of ``ui.cli.commands`` of the same name."""
    registered: dict[str, tuple[str, str]] = {}
    assert {m.name for m in pkgutil.iter_modules(parsers.__path__)} == {
        m.name for m in pkgutil.iter_modules(commands.__path__)
    }
    for info in pkgutil.iter_modules(parsers.__path__):
        parser = argparse.ArgumentParser()
        subparsers = parser.add_subparsers()
        importlib.import_module(f"ui.cli.parsers.{info.name}").register(subparsers)
        for action in subparsers._choices_actions:
            registered[action.dest] = (info.name, str(action.help))
    assert {name: (module, text) for name, module, text in COMMANDS} == registered


def test_each_command_gets_its_own_parser_and_the_others_placeholders() -> None:
    for name, module, _ in COMMANDS:
        parser = build_parser(name)
        subparsers = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
        for other, other_module, _ in COMMANDS:
            own = len(subparsers.choices[other]._actions) > 1  # more than its --help
            assert own == (other_module == module), (name, other)


def test_every_command_s_handler_is_a_function_of_its_own_module() -> None:
    """Each runnable parser names, by module and name, a function that exists."""

    def handlers(parser: argparse.ArgumentParser) -> list[Handler]:
        found = [parser.get_default("handler")]
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for sub in action.choices.values():
                    found += handlers(sub)
        return found

    for name, module, _ in COMMANDS:
        parser = build_parser(name)
        subparsers = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
        found = [h for h in handlers(subparsers.choices[name]) if h is not None]
        assert found, name
        for handler in found:
            assert isinstance(handler, Handler) and handler.module == module, (name, handler)
            function = getattr(importlib.import_module(f"ui.cli.commands.{module}"), handler.name)
            assert callable(function), handler


def test_the_version_is_the_installed_one() -> None:
    from importlib.metadata import version

    import desktop

    assert desktop.__version__ == version("assetdesk")
