"""Benchmark: a search's first page on PostgreSQL and MariaDB (issue 17, point 7).

    uv run python tests/benchmarks/bench_server_search.py [--assets N] [--name DB]
        [--postgresql ADMIN_URL] [--mariadb ADMIN_URL] [--drop]

On each server a database ``DB`` (default ``assetdesk_bench_search``) holding at least N
demo assets (default 20,000: the CI size) is made once with ``assetdesk demo`` and kept
for the next run (``--drop`` drops it afterwards). A 1,000,000-asset run:
``--assets 1000000`` (making it takes a while; an existing database of that size is
reused as it is).

Prints, per server and search term (common, rare, absent; the register's default sort),
the first page of 100 rows through :class:`RegisterPager` in an open read session, a new
pager each run (as when a term is typed): minimum and median of several runs, against
the target of 100 ms; and the same page read the way it was before migration 0009 (the
search condition over pg_trgm or LIKE, then sorted), measured in the same run. Rows are
checked to be the same both ways.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import create_engine, text

from desktop.services import register_pages
from desktop.services.queries import AssetFilter
from desktop.services.register_pages import RegisterPager
from desktop.storage.database import Database
from desktop.storage.urls import parse_url

RUNS = 5
TARGET_MS = 100.0
SERVERS = {
    "postgresql": "postgresql://postgres@127.0.0.1:5432/postgres",
    "mariadb": "mariadb://root@127.0.0.1:3306/mysql",
}


def ensure_register(admin_url: str, name: str, assets: int) -> str:
    """The URL of database ``name`` on the server, made with ``assetdesk demo`` if it does
    not exist yet or holds fewer than ``assets`` assets."""
    admin = parse_url(admin_url)
    url = admin.set(database=name)
    engine = create_engine(admin, isolation_level="AUTOCOMMIT")
    quote = engine.dialect.identifier_preparer.quote
    with engine.connect() as connection:
        if admin.get_backend_name() == "postgresql":
            exists = connection.execute(
                text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}
            ).first()
        else:
            exists = connection.execute(
                text("SELECT 1 FROM information_schema.schemata WHERE schema_name = :n"),
                {"n": name},
            ).first()
        if not exists:
            connection.execute(text(f"CREATE DATABASE {quote(name)}"))
    engine.dispose()
    database = Database(url)
    with database.read() as session:
        try:
            have = int(session.execute(text("SELECT count(*) FROM assets")).scalar_one())
        except Exception:  # noqa: BLE001 - no schema yet
            have = -1
    database.dispose()
    rendered = url.render_as_string(hide_password=False)
    cli = [sys.executable, "-m", "ui.cli.main", "--database", rendered]
    subprocess.run([*cli, "db", "upgrade"], check=True)
    if have < assets:
        extra = ["--add"] if have > 0 else []
        subprocess.run([*cli, "demo", "--assets", str(assets - max(have, 0)), *extra], check=True)
    return rendered


@contextmanager
def before_0009() -> Iterator[None]:
    """Pages read as before migration 0009: the search condition, then sorted."""
    name = "server_search_available"
    original = getattr(register_pages, name)
    setattr(register_pages, name, lambda session: False)
    try:
        yield
    finally:
        setattr(register_pages, name, original)


def first_page_ms(database: Database, term: str) -> tuple[list[float], list[str]]:
    times: list[float] = []
    tags: list[str] = []
    with database.read() as session:
        for _ in range(RUNS):
            pager = RegisterPager(AssetFilter(search=term))
            start = time.perf_counter()
            rows = pager.page(session, 0, 100)
            times.append((time.perf_counter() - start) * 1000)
            tags = [r.tag for r in rows]
    return times, tags


def terms(database: Database) -> list[tuple[str, str]]:
    """Common words, a rare piece of one asset's serial number, text no asset holds."""
    with database.read() as session:
        serial = session.execute(
            text(
                "SELECT serial_number FROM assets WHERE serial_number IS NOT NULL "
                "ORDER BY tag_key DESC LIMIT 1"
            )
        ).scalar_one()
    return [
        ("common", "lap"),
        ("common", "dell"),
        ("absent", "room 2"),
        ("common", "office"),
        ("rare", serial[2:8]),
        ("absent", "zzzz"),
        ("absent", "qqxq"),
    ]


def bench(backend: str, url: str) -> bool:
    database = Database(parse_url(url))
    with database.read() as session:
        count = int(session.execute(text("SELECT count(*) FROM assets")).scalar_one())
    print(f"\n{backend}: {count:,} assets; load {os.getloadavg()}")
    met = True
    for kind, term in terms(database):
        first_page_ms(database, term)  # warm
        now, tags = first_page_ms(database, term)
        with before_0009():
            old, old_tags = first_page_ms(database, term)
        same = "same rows" if tags == old_tags else "ROWS DIFFER"
        ok = statistics.median(now) <= TARGET_MS
        met &= ok
        print(
            f"  {kind:<7} {term!r:<14} {len(tags):>3} rows  min {min(now):7.1f} ms  median "
            f"{statistics.median(now):7.1f} ms {'≤' if ok else '>'} {TARGET_MS:.0f} | before "
            f"0009: min {min(old):8.1f} ms median {statistics.median(old):8.1f} ms | {same}"
        )
    database.dispose()
    return met


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--assets", type=int, default=20_000)
    parser.add_argument("--name", default="assetdesk_bench_search")
    parser.add_argument("--postgresql", default=SERVERS["postgresql"])
    parser.add_argument("--mariadb", default=SERVERS["mariadb"])
    parser.add_argument("--only", choices=tuple(SERVERS))
    parser.add_argument("--drop", action="store_true", help="drop the databases afterwards")
    args = parser.parse_args(argv)
    met = True
    for backend in SERVERS:
        if args.only and backend != args.only:
            continue
        admin_url = getattr(args, backend)
        url = ensure_register(admin_url, args.name, args.assets)
        met &= bench(backend, url)
        if args.drop:
            engine = create_engine(parse_url(admin_url), isolation_level="AUTOCOMMIT")
            with engine.connect() as connection:
                quote = engine.dialect.identifier_preparer.quote
                connection.execute(text(f"DROP DATABASE {quote(args.name)}"))
            engine.dispose()
    print(f"\nload after: {os.getloadavg()}; target {'met' if met else 'NOT met'}")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
