"""``assetdesk db upgrade | info | backup | reindex``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from desktop.services.queries import database_counts
from desktop.services.search import rebuild_search_index, sqlite_unranked
from desktop.storage.backup import backup_database
from desktop.storage.migrate import known_revisions
from ui.cli.context import CliContext, print_json


def _upgrade(ctx: CliContext) -> int:
    database = ctx.database(check_schema=False)
    if database.sqlite_path is not None:  # a new local file: its folder first
        database.sqlite_path.expanduser().parent.mkdir(parents=True, exist_ok=True)
    before = database.schema_state()
    after = database.upgrade()
    if before.current == after.current:
        print(f"{database.typed_url}: schema is up to date ({after.current})")
    else:
        print(
            f"{database.typed_url}: schema upgraded from {before.current or 'empty'} to {after.current}"
        )
    return 0


def _info(ctx: CliContext) -> int:
    database = ctx.database(check_schema=False)
    path = database.sqlite_path
    if path is not None and not path.expanduser().exists():
        return _no_database_yet(ctx, database.display_url, path)
    state = database.schema_state()
    if (
        database.is_sqlite
        and not state.up_to_date
        and (state.current is None or state.current in known_revisions())
    ):
        database.ensure_schema()  # a local file is created and migrated on first use
        state = database.schema_state()
    info: dict[str, Any] = {
        "url": database.display_url,
        "backend": database.backend,
        "location": database.description,
        "schema_version": state.current,
        "schema_head": state.head,
        "schema_up_to_date": state.up_to_date,
        "schema_known": state.current is None or state.current in known_revisions(),
    }
    if state.up_to_date:
        with database.read() as session:
            info["counts"] = database_counts(session)
            if database.is_sqlite:
                info["search_index_out_of_order"] = sqlite_unranked(session.connection())
    if ctx.args.json:
        print_json(info)
        return 0
    for key in ("url", "location", "schema_version", "schema_head"):
        print(f"{key.replace('_', ' '):>16}: {info[key]}")
    if "counts" in info:
        for name, value in vars(info["counts"]).items():
            print(f"{name:>16}: {value}")
        unranked = info.get("search_index_out_of_order")
        if unranked:
            print(
                f"{'search index':>16}: {unranked} assets out of tag order "
                "(searches are slower: run 'assetdesk db reindex')"
            )
    else:
        print(f"{'':>16}  the schema is not this version's: run 'assetdesk db upgrade'")
    return 0


def _no_database_yet(ctx: CliContext, url: str, path: Path) -> int:
    """``db info`` on a computer where Assetdesk has not made its local file yet."""
    if ctx.args.json:
        print_json(
            {"url": url, "backend": "sqlite", "location": f"local file {path}", "exists": False}
        )
        return 0
    print(f"{'url':>16}: {url}")
    print(f"{'location':>16}: local file {path}")
    print(
        f"{'':>16}  there is no database here yet: Assetdesk creates it when it first starts "
        "(or run 'assetdesk db upgrade', or choose another with --database)"
    )
    return 0


def _backup(ctx: CliContext) -> int:
    database = ctx.database(check_schema=False)
    result = backup_database(database, ctx.args.out, overwrite=ctx.args.overwrite)
    size_mb = result.size_bytes / 1_000_000
    print(
        f"backed up {result.source} to {result.target} ({size_mb:.1f} MB, "
        f"{result.asset_count} assets, schema {result.schema_version or 'none'})"
    )
    return 0


def _reindex(ctx: CliContext) -> int:
    database = ctx.database()
    if not database.is_sqlite:
        print(f"{database.display_url}: the server keeps its own search indexes; nothing to do")
        return 0
    with database.write() as session:
        indexed = rebuild_search_index(session.connection())
    print(f"{database.display_url}: search index rebuilt, {indexed} assets in tag order")
    return 0
