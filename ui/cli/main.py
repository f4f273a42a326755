"""The ``assetdesk`` entry point: a subcommand runs the command line, none opens the GUI.

Subcommands live in ``ui.cli.commands``: each module there has
``register(subparsers)`` that adds its parser and sets ``handler(ctx) -> int``.
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys
from collections.abc import Sequence

import desktop
from desktop.errors import DesktopError
from desktop.logging_setup import configure_logging
from ui.cli import commands
from ui.cli.context import CliContext


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="assetdesk",
        description="Track IT assets through their whole life. With no command, opens the window.",
    )
    parser.add_argument("--version", action="version", version=f"assetdesk {desktop.__version__}")
    parser.add_argument(
        "--database",
        metavar="URL",
        help="database URL or SQLite file path (default: ASSETDESK_DATABASE, the saved setting, "
        "then the local file in your data folder)",
    )
    parser.add_argument("--debug", action="store_true", help="log SQL statements with their timing")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module_info in sorted(pkgutil.iter_modules(commands.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{commands.__name__}.{module_info.name}")
        module.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.database and "://" not in args.database:
        args.database = f"sqlite:///{args.database}"
    if args.command is None:
        from ui.gui.app import run_gui  # Qt is loaded only for the window

        return run_gui(args)
    configure_logging(debug=args.debug, console=sys.stderr if args.debug else None)
    context = CliContext(args)
    try:
        return int(args.handler(context) or 0)
    except DesktopError as exc:
        print(f"assetdesk: {exc.message}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("assetdesk: interrupted; nothing was written", file=sys.stderr)
        return 130
    finally:
        context.close()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
