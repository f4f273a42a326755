"""``assetdesk demo [--assets N] [--seed S] [--add]``: fill the database with demo data."""

from __future__ import annotations

import sys
import time
from typing import Any

from desktop.demo import DatabaseNotEmptyError, DemoSummary, fill_demo
from desktop.domain.lifecycle import AssetStatus
from ui.cli.context import CliContext


def _demo(ctx: CliContext) -> int:
    database = ctx.database()
    assets = int(ctx.args.assets)
    print(f"Making {assets:,} demo assets in {database.description} …", flush=True)
    show = _progress_printer() if sys.stderr.isatty() else None
    try:
        summary = fill_demo(
            database,
            assets=assets,
            seed=ctx.args.seed,
            progress=show,
            add=ctx.args.add,
            today=ctx.args.today,
        )
    except DatabaseNotEmptyError as exc:
        if show:
            print(file=sys.stderr)
        print(
            f"assetdesk: {database.display_url} already holds {exc.assets:,} assets; demo data "
            "goes into an empty database. Use --add to add demo assets to it anyway, or "
            "--database to choose another database.",
            file=sys.stderr,
        )
        return 1
    if show:
        print(file=sys.stderr)
    _print_summary(summary, add=bool(ctx.args.add))
    return 0


def _progress_printer() -> Any:
    started = time.monotonic()

    def show(done: int, total: int) -> None:
        elapsed = time.monotonic() - started
        rate = done / elapsed if elapsed > 0 else 0.0
        print(f"\r  {done:>12,} of {total:,} assets  ({rate:,.0f}/s)", end="", file=sys.stderr)

    return show


def _print_summary(summary: DemoSummary, *, add: bool = False) -> None:
    statuses = " · ".join(
        f"{AssetStatus(status).label.lower()} {summary.statuses.get(status, 0):,}"
        for status in (s.value for s in AssetStatus)
    )
    rows = [
        ("assets", f"{summary.assets:,}", statuses),
        (
            "procedures",
            f"{summary.procedures:,}",
            f"{summary.pending_approvals:,} waiting for approval; {summary.approvals:,} approvals given",
        ),
        ("incidents", f"{summary.incidents:,}", f"{summary.open_incidents:,} open"),
        ("people", f"{summary.people:,}", ""),
        ("locations", f"{summary.locations:,}", ""),
    ]
    for name, count, detail in rows:
        print(f"  {name:<11}{count:>12}  {detail}".rstrip())
    if summary.created:
        made = ", ".join(f"{n:,} {what}" for what, n in summary.created.items())
        print(f"  new reference data: {made}")
    print(
        f"Done in {summary.seconds:,.1f} s ({summary.assets_per_second:,.0f} assets/s, seed {summary.seed})."
    )
    if summary.today is not None:
        print(
            f"The same data again: {summary.same_again()}"
            + (" --add (into the same data as before)" if add else "")
        )
    if summary.first_tags:
        print(f"Look at one: assetdesk asset show {summary.first_tags[0]}")
