"""The ``assetdesk`` parser of :mod:`ui.cli.commands.demo`: its arguments and help,
light to import (issue 17); each handler is imported when its command runs."""

from __future__ import annotations

import argparse
import datetime as dt

from ui.cli.parsers import Handler

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


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
    parser.set_defaults(handler=Handler("demo", "_demo"))


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
