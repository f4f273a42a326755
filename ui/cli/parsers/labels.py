"""The ``assetdesk`` parser of :mod:`ui.cli.commands.labels`: its arguments and help,
light to import (issue 17); each handler is imported when its command runs."""

from __future__ import annotations

from pathlib import Path

from ui.cli.parsers import Handler

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

#: ``desktop.labels.items.LABEL_FIELDS``'s keys (a test keeps them equal).
LABEL_FIELDS = (
    "name",
    "model",
    "serial_number",
    "location",
    "assigned_to",
    "owning_group",
    "category",
    "purchase_date",
    "warranty_end",
)


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "labels",
        help="print asset or location labels to a PDF",
        description="Lay out barcode labels on a template and write them to a PDF at the "
        "template's exact paper size.",
    )
    parser.add_argument("--list-templates", action="store_true", help="list the label templates")
    parser.add_argument(
        "--save-template",
        type=Path,
        metavar="FILE.json",
        help="save (or replace) a template of your own, defined in a JSON file",
    )
    parser.add_argument("--delete-template", metavar="NAME", help="delete a template of your own")
    parser.add_argument("--json", action="store_true", help="with --list-templates: print JSON")
    parser.add_argument("--template", metavar="NAME", help="template name (see --list-templates)")
    which = parser.add_mutually_exclusive_group()
    which.add_argument("--tags", metavar="A,B", help="comma-separated asset tags")
    which.add_argument("--query", metavar="TEXT", help="assets matching this search text")
    which.add_argument("--all", action="store_true", help="every asset")
    which.add_argument("--locations", metavar="CODE,CODE", help="location labels, by location code")
    which.add_argument("--calibration", action="store_true", help="a calibration test page")
    parser.add_argument("--start", type=int, default=1, metavar="N", help="start at label N")
    parser.add_argument("--code39", action="store_true", help="Code 39 instead of Code 128")
    parser.add_argument(
        "--qr",
        action="store_true",
        help="add a QR code of the tag (alone where the bars have no room beside it)",
    )
    parser.add_argument(
        "--fields",
        default="name,serial_number",
        metavar="F,F",
        help=f"up to three fields under the tag, from: {', '.join(LABEL_FIELDS)} (default: %(default)s)",
    )
    parser.add_argument(
        "--organisation", metavar="TEXT", help="organisation line (default: setting)"
    )
    parser.add_argument(
        "--logo", type=Path, metavar="IMAGE", help="a logo beside the organisation line"
    )
    parser.add_argument("-o", "--output", type=Path, metavar="FILE.pdf", help="the PDF to write")
    parser.add_argument("--overwrite", action="store_true", help="replace FILE if it exists")
    parser.set_defaults(handler=Handler("labels", "_labels"), database_must_exist=True)
