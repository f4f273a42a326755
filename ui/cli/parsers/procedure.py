"""The ``assetdesk`` parser of :mod:`ui.cli.commands.procedure`: its arguments and help,
light to import (issue 17); each handler is imported when its command runs."""

from __future__ import annotations

from desktop.domain.lifecycle import ProcedureKind
from ui.cli.parsers import Handler

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

#: ``desktop.services.command_procedures.MAX_ALLOCATE`` (a test keeps the two equal).
MAX_ALLOCATE = 1000


KINDS = (
    ProcedureKind.RECEIVE,
    ProcedureKind.INSTALL,
    ProcedureKind.CHANGE,
    ProcedureKind.DECOMMISSION,
    ProcedureKind.DISPOSE,
)


HELP = "record a procedure (receive, install, change, decommission, dispose) for assets"


DESCRIPTION = (
    "Record the KIND procedure for each TAG under exactly the rules of the procedure form: "
    "the template's required fields, answers and checklist, the lifecycle, the role it "
    "needs, and its approval rule (a procedure that needs approval is recorded as pending "
    "and the asset changes when the last approval arrives). ALL OR NOTHING: every TAG is "
    "recorded in one transaction; if any TAG is refused, nothing is recorded and each "
    "refused TAG is named with its reasons (exit status 2). For receive, each TAG is the "
    "tag of a NEW asset (as on its label); --allocate N receives N new assets whose tags "
    "come from their category's sequence instead."
)


EPILOG = (
    "examples:\n"
    "  assetdesk procedure install LAP-000012 --set location=ROOM-A2 --set assigned_to=jdoe \\\n"
    "      --check powers_on --check handover --ticket INC-42 --reason 'new starter'\n"
    "  assetdesk procedure receive --allocate 3 --set category=Laptop --set location='Room A1' \\\n"
    "      --check inspected --check contents_match --json\n"
    "FIELD is an asset field's key or title (location, assigned_to, 'Serial number', "
    "custom.ram_gb); references are given by name (a location by code or name, a person by "
    "user name, e-mail or name). KEY is a question of the template's form; yes/no answers "
    "take yes or no."
)


def register(subparsers: Any) -> None:
    import argparse
    import textwrap

    examples, _, notes = EPILOG.rpartition("\n")
    parser = subparsers.add_parser(
        "procedure",
        help=HELP,
        description=textwrap.fill(DESCRIPTION, 79),
        epilog=examples + "\n" + textwrap.fill(notes, 79),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "kind",
        choices=[k.value for k in KINDS],
        metavar="KIND",
        help="|".join(k.value for k in KINDS),
    )
    parser.add_argument(
        "tags", nargs="*", metavar="TAG", help="the assets (receive: the new assets' tags)"
    )
    parser.add_argument(
        "--set",
        dest="values",
        action="append",
        default=[],
        metavar="FIELD=VALUE",
        help="a new value of an asset field (repeat for more; an empty VALUE clears it)",
    )
    parser.add_argument(
        "--answer",
        dest="answers",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="an answer to a question of the template's form (repeat for more)",
    )
    parser.add_argument(
        "--check",
        dest="checked",
        action="append",
        default=[],
        metavar="ITEM",
        help="tick a checklist item (repeat for more)",
    )
    parser.add_argument("--reason", default="", help="why the procedure is done")
    parser.add_argument("--ticket", default="", help="ticket reference")
    parser.add_argument("--impact", choices=("low", "medium", "high"), help="risk: impact")
    parser.add_argument("--likelihood", choices=("low", "medium", "high"), help="risk: likelihood")
    parser.add_argument(
        "--allocate",
        type=int,
        default=0,
        metavar="N",
        help=f"receive only: N new assets with generated tags (1 to {MAX_ALLOCATE})",
    )
    parser.add_argument(
        "--as",
        dest="as_user",
        metavar="USER",
        help="who performs it (user name; default: the settings' user, on a local file the "
        "OS user)",
    )
    parser.add_argument("--json", action="store_true", help="print JSON for scripts")
    parser.set_defaults(handler=Handler("procedure", "_record"))
