"""The ``assetdesk`` entry point: a subcommand runs the command line, none opens the GUI.

Subcommands live in ``ui.cli.commands``; their parsers in ``ui.cli.parsers``, a module of
the same name each, whose ``register(subparsers)`` adds the parsers and sets ``handler``,
which imports the command's module only when it runs. :data:`COMMANDS` names every
command with its module and one-line help, so that ``--version`` and ``--help`` import no
parser module at all, ``COMMAND --help`` imports only that command's parser and no handler,
and a command imports only its own modules (issue 17: start-up was 60x ``python -c pass``
when every module was imported to build the parser, and a command's ``--help`` took a
second while its parser's module imported SQLAlchemy).
"""

from __future__ import annotations

import sys

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: importing typing costs start-up time
if TYPE_CHECKING:
    import argparse
    from collections.abc import Sequence
    from typing import NoReturn

VERSION_TEXT = "assetdesk {version}"

#: Every command: name, its module under ``ui.cli.commands`` (and ``ui.cli.parsers``), its
#: one-line help (the help the module gives the same command; a test keeps the two equal).
COMMANDS: tuple[tuple[str, str, str], ...] = (
    ("approvals", "approvals", "procedures waiting for approval"),
    ("approve", "approvals", "approve a pending procedure (completes it at the last approval)"),
    ("reject", "approvals", "reject a pending procedure (a comment saying why is required)"),
    ("withdraw", "approvals", "take back a procedure you requested"),
    ("asset", "asset", "look at one asset"),
    ("audit", "audit", "inventory audits: start, scan, close, report"),
    ("db", "db", "create, upgrade and inspect the database"),
    ("demo", "demo", "fill the database with realistic demo data"),
    ("incidents", "incidents", "incidents logged against assets"),
    ("kit", "kit", "field kits: check out part of the register, work offline, sync back"),
    ("labels", "labels", "print asset or location labels to a PDF"),
    (
        "selftest",
        "selftest",
        "check this installation: database, procedures, export, labels (headless)",
    ),
    (
        "procedure",
        "procedure",
        "record a procedure (receive, install, change, decommission, dispose) for assets",
    ),
    ("import", "spreadsheets", "import assets from a spreadsheet (.xlsx, .xlsm, .xls, .ods, .csv)"),
    ("export", "spreadsheets", "export assets to .xlsx or .csv"),
    (
        "templates",
        "templates",
        "procedure templates: list them, set how many approvals a kind needs and which fields "
        "take a scan (administrators)",
    ),
    ("users", "users", "people and their database logins on a shared server (administrators)"),
)


def _global_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--database",
        metavar="URL",
        help="database URL or SQLite file path (default: ASSETDESK_DATABASE, the saved setting, "
        "then the local file in your data folder)",
    )
    parser.add_argument("--debug", action="store_true", help="log SQL statements with their timing")


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The parser; only ``command``'s parser module is imported (``None``: none at all).

    Every other command gets a placeholder parser with its help from :data:`COMMANDS`, so
    ``--help`` lists them all; ``assetdesk X --help`` for a command X builds X's own parser.
    """
    import argparse

    import desktop

    parser = argparse.ArgumentParser(
        prog="assetdesk",
        description="Track IT assets through their whole life. With no command, opens the window.",
    )
    parser.add_argument(
        "--version",
        action="version",
        version=VERSION_TEXT.format(version=desktop.__version__),
        help="show the version and exit",
    )
    _global_options(parser)
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    chosen = next((module for name, module, _ in COMMANDS if name == command), None)
    registered = False
    for name, module, help_text in COMMANDS:
        if module != chosen:
            subparsers.add_parser(name, help=help_text)
        elif not registered:
            __import__(f"ui.cli.parsers.{module}", fromlist=["register"]).register(subparsers)
            registered = True
    return parser


def command_of(argv: Sequence[str]) -> str | None:
    """The command ``argv`` asks for (None for none, or when the real parser must say why).

    Found by a parser with the same options, so abbreviations and ``--database=URL`` count
    as the real parser would count them.
    """
    import argparse

    class ProbeError(Exception):
        pass

    class Probe(argparse.ArgumentParser):
        def error(self, message: str) -> NoReturn:
            raise ProbeError(message)

    probe = Probe(prog="assetdesk", add_help=False)
    _global_options(probe)
    probe.add_argument("command", nargs="?")
    try:
        known, _ = probe.parse_known_args(list(argv))
    except ProbeError:
        return None
    return known.command if isinstance(known.command, str) else None


def main(argv: Sequence[str] | None = None) -> int:
    arguments = list(sys.argv[1:] if argv is None else argv)
    if arguments == ["--version"]:  # scripts' usual probe: answered before argparse loads
        import desktop

        print(VERSION_TEXT.format(version=desktop.__version__))
        raise SystemExit(0)
    if arguments in (["--help"], ["-h"]):  # the same text argparse prints, without argparse
        from ui.cli.static_help import help_text, terminal_width

        text = help_text(COMMANDS, terminal_width())
        if text is not None:
            sys.stdout.write(text)
            raise SystemExit(0)
    parser = build_parser(command_of(arguments))
    args = parser.parse_args(arguments)
    if args.database and "://" not in args.database:
        args.database = f"sqlite:///{args.database}"
    if args.command is None:
        from ui.gui.app import run_gui  # Qt is loaded only for the window

        return run_gui(args)
    from desktop.errors import DesktopError
    from desktop.logging_setup import configure_logging
    from ui.cli.context import CliContext

    configure_logging(debug=args.debug, console=sys.stderr if args.debug else None)
    context = CliContext(args)
    try:
        status = int(args.handler(context) or 0)
        sys.stdout.flush()  # a reader gone away (| head) is noticed here, not at exit
        return status
    except BrokenPipeError:
        # The reader of standard output stopped reading (`assetdesk asset show X | head`):
        # not a bug, and nothing to say, as for any command-line tool. What was committed
        # stays committed; the rest of the output is dropped (also at exit's flush).
        _drop_standard_output()
        return 141  # 128 + SIGPIPE, what the shell reports for such a writer
    except DesktopError as exc:
        print(f"assetdesk: {exc.message}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("assetdesk: interrupted; nothing was written", file=sys.stderr)
        return 130
    except Exception as exc:
        # A bug: one line naming it and the log file; the traceback goes to the log (and,
        # with --debug, to standard error through the log), passwords masked.
        import logging

        from desktop.logging_setup import log_file_path
        from desktop.redaction import redact_secrets

        logging.getLogger("assetdesk.cli").error("Unhandled exception", exc_info=True)
        words = redact_secrets(" ".join(str(exc).split()))[:300]
        print(
            f"assetdesk: an internal error stopped this command ({type(exc).__name__}: {words}); "
            f"its unfinished changes were not saved. The details are in {log_file_path()}: "
            "please send that file with a bug report.",
            file=sys.stderr,
        )
        return 1
    finally:
        context.close()
        _say_kit_file_notes()


def _say_kit_file_notes() -> None:
    """A kit whose loose mode could not be tightened (another user's file) is said once,
    on standard error (the module is loaded only once a kit was looked at)."""
    kitfile = sys.modules.get("desktop.storage.kitfile")
    if kitfile is not None:
        for note in kitfile.take_file_notes():
            print(f"assetdesk: warning: {note}", file=sys.stderr)


def _drop_standard_output() -> None:
    import os

    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
