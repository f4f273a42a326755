"""``assetdesk demo [--assets N] [--seed S] [--add]``: fill the database with demo data."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from typing import Any

from desktop.demo import DatabaseNotEmptyError, DemoSummary, fill_demo
from desktop.domain.lifecycle import AssetStatus
from ui.cli.context import CliContext

DEFAULT_ASSETS = 2_000


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "demo",
        help="fill the database with realistic demo data",
        description="Fill the database with a demo organisation: sites, buildings, rooms and "
        "racks, teams and people with roles, categories, real products, suppliers, and assets "
        "with years of procedure history, pending approvals and open incidents.",
    )
    parser.add_argument(
        "--assets",
        type=int,
        default=DEFAULT_ASSETS,
        metavar="N",
        help=f"how many assets to make (default {DEFAULT_ASSETS:,})",
    )
    parser.add_argument(
        "--seed",
        type=int,
        default=1,
        metavar="S",
        help="random seed: the same seed, number of assets and day make the same data "
        "(only the ids differ)",
    )
    parser.add_argument(
        "--today",
        type=_day,
        default=None,
        metavar="YYYY-MM-DD",
        help="the day the history leads up to (default: today, UTC). Dates move with it: "
        "on another day the same seed makes another history, unless this is given",
    )
    parser.add_argument(
        "--add",
        action="store_true",
        help="add demo assets to a database that already holds assets",
    )
    parser.set_defaults(handler=_demo)


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


def _day(text: str) -> dt.date:
    try:
        day = dt.date.fromisoformat(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a date like 2026-12-05") from None
    latest = dt.datetime.now(dt.UTC).date() + dt.timedelta(days=1)
    if not dt.date(2000, 1, 1) <= day <= latest:
        raise argparse.ArgumentTypeError(
            f"{day.isoformat()} is not a day from 2000-01-01 to {latest.isoformat()}: the "
            "history would be dated in the future"
            if day > latest
            else f"{day.isoformat()} is too early: the day must be 2000-01-01 or later"
        )
    return day


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
