"""The ``assetdesk`` parser of :mod:`ui.cli.commands.db`: its arguments and help,
light to import (issue 17); each handler is imported when its command runs."""

from __future__ import annotations

from pathlib import Path

from ui.cli.parsers import Handler

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("db", help="create, upgrade and inspect the database")
    db_commands = parser.add_subparsers(dest="db_command", metavar="ACTION", required=True)

    upgrade = db_commands.add_parser(
        "upgrade", help="create or migrate the schema to this version's"
    )
    upgrade.set_defaults(handler=Handler("db", "_upgrade"))

    info = db_commands.add_parser(
        "info", help="where the database is, its schema version and counts"
    )
    info.add_argument("--json", action="store_true", help="print JSON for scripts")
    info.set_defaults(handler=Handler("db", "_info"))

    backup = db_commands.add_parser(
        "backup",
        help="copy the local database file safely, even while the app is using it",
        description="Copy the local SQLite database with SQLite's online backup, safe while "
        "Assetdesk runs. A shared server is backed up with pg_dump or mariadb-dump instead.",
    )
    backup.add_argument("out", metavar="OUT", type=Path, help="the backup file to write")
    backup.add_argument("--overwrite", action="store_true", help="replace OUT if it exists")
    backup.set_defaults(handler=Handler("db", "_backup"), database_must_exist=True)

    reindex = db_commands.add_parser(
        "reindex",
        help="rebuild the local file's search index",
        description="Rebuild the search index of a local SQLite file, ranking every asset in "
        "tag order again: needed when 'db info' reports assets out of tag order (tags "
        "inserted one by one in descending order between two others), or after a VACUUM. "
        "A shared server keeps its own indexes.",
    )
    reindex.set_defaults(handler=Handler("db", "_reindex"), database_must_exist=True)
