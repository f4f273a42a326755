"""The ``assetdesk`` parser of :mod:`ui.cli.commands.spreadsheets`: its arguments and help,
light to import (issue 17); each handler is imported when its command runs."""

from __future__ import annotations

from pathlib import Path

from ui.cli.parsers import Handler

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

#: ``MatchKey``'s and ``DateOrder``'s values and ``UNKNOWN_COLUMNS`` of
#: ``desktop.spreadsheets`` (a test keeps them equal).
MATCH_KEYS = ("tag", "serial", "key")
DATE_ORDERS = ("dmy", "mdy", "ymd")
UNKNOWN_COLUMNS = ("notes", "custom-fields", "skip")


def register(subparsers: Any) -> None:
    importer = subparsers.add_parser(
        "import",
        help="import assets from a spreadsheet (.xlsx, .xlsm, .xls, .ods, .csv)",
        description="Plan the import (every row: create, update, unchanged, conflict or error), "
        "then record it as procedures in one transaction. Exit status 1 when a row is rejected.",
    )
    importer.add_argument("file", type=Path, metavar="FILE")
    importer.add_argument("--sheet", help="the sheet to read (default: the first visible one)")
    importer.add_argument(
        "--match",
        choices=MATCH_KEYS,
        help="find existing assets by tag, serial number or our key column (default: tag)",
    )
    importer.add_argument("--profile", metavar="NAME", help="use a saved column mapping")
    importer.add_argument("--save-profile", metavar="NAME", help="save the mapping used under NAME")
    importer.add_argument(
        "--date-order",
        choices=DATE_ORDERS,
        help="how text dates like 03/04/2025 are read (default: the setting)",
    )
    importer.add_argument(
        "--unknown-columns",
        choices=UNKNOWN_COLUMNS,
        default="notes",
        help="what columns that name no field become: added to the notes as 'Header: value' "
        "(default), new custom fields typed from their values, or skipped",
    )
    importer.add_argument("--dry-run", action="store_true", help="plan only; write nothing")
    importer.add_argument(
        "--locations",
        action="store_true",
        help="the file lists locations, not assets: a Name a row, with a Parent column or "
        "a path (Site > Building > Room; GLPI's Complete name), and Kind and Code when "
        "given (administrators; all or nothing)",
    )
    importer.add_argument(
        "--people",
        action="store_true",
        help="the file lists people, not assets: Name (or First and Last name), User name, "
        "E-mail, and Group or Department when given; nobody gets a role (administrators; "
        "all or nothing)",
    )
    importer.add_argument(
        "--valid-only",
        action="store_true",
        help="import the valid rows and leave out the rejected ones (default: all or nothing)",
    )
    importer.add_argument(
        "--again",
        action="store_true",
        help="import a file imported before even though its rows that find no asset "
        "become new assets a second time (without it, refused)",
    )
    importer.add_argument(
        "--errors", type=Path, metavar="OUT.xlsx", help="write the rejected rows with their reasons"
    )
    importer.add_argument(
        "--set",
        dest="defaults",
        action="append",
        default=[],
        metavar="FIELD=VALUE",
        help='a value for every new asset whose row gives none, e.g. location="Site › Store" '
        "(repeatable)",
    )
    importer.add_argument(
        "--answer",
        dest="answers",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="an answer for the form every row's procedure records, e.g. a decommission's "
        'sanitisation_method="No data-bearing media" and evidence_reference=WIPE-114 '
        "(repeatable; a row that retires an asset without them is refused)",
    )
    importer.add_argument(
        "--status-map",
        dest="status_words",
        action="append",
        default=[],
        metavar="WORD=STATUS",
        help='read your own status word as one of ours, e.g. "Spare=in_stock" (repeatable; '
        "saved with --save-profile)",
    )
    importer.add_argument(
        "--no-create",
        action="store_true",
        help="refuse rows that name unknown categories, locations, people... (default: create them)",
    )
    importer.add_argument(
        "--blank-clears",
        action="store_true",
        help="a blank cell clears the stored value (default: a blank cell keeps it)",
    )
    importer.add_argument("--json", action="store_true", help="print JSON for scripts")
    importer.add_argument(
        "--as",
        dest="as_user",
        metavar="USER",
        help="who imports (user name; default: the settings' user, on a local file the OS user)",
    )
    importer.set_defaults(handler=Handler("spreadsheets", "_import"))

    exporter = subparsers.add_parser(
        "export",
        help="export assets to .xlsx or .csv",
        description="Write the register, or the assets the filters select, to a workbook that "
        "can be edited and imported back.",
    )
    exporter.add_argument("out", type=Path, nargs="?", metavar="OUT.xlsx|OUT.csv")
    exporter.add_argument(
        "-o",
        "--output",
        type=Path,
        metavar="OUT.xlsx|OUT.csv",
        help="the file to write (the same as naming it without -o, as labels and kit take it)",
    )
    exporter.add_argument("--search", default="", help="only assets matching this text")
    exporter.add_argument(
        "--status", action="append", default=[], help="only this status (repeatable)"
    )
    exporter.add_argument(
        "--category", action="append", default=[], help="only this category (repeatable)"
    )
    exporter.add_argument(
        "--location", help="only this location and everything below it (name or code)"
    )
    exporter.add_argument(
        "--columns",
        metavar="TITLE,TITLE,...",
        help="only these columns, titled as the register shows them, and custom fields "
        'by their label (e.g. "Asset tag,Name,Location,Cost,IMEI"; accents and case '
        "ignored); the asset tag, Key and Version are always written (an edited copy "
        "imports back by them). Default: every column and every custom field",
    )
    exporter.add_argument(
        "--as", dest="as_user", metavar="USER", help="who exports (for the About sheet)"
    )
    exporter.add_argument("--overwrite", action="store_true", help="replace OUT if it exists")
    exporter.set_defaults(handler=Handler("spreadsheets", "_export"), database_must_exist=True)
