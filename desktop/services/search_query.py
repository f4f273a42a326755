"""Searching with the register's search index: the condition a search puts on assets.

:func:`search_condition` is what the search box adds to a query of assets, on each
backend (the index itself, its triggers and its upkeep: :mod:`desktop.services.search`):
on SQLite a trigram ``MATCH`` of the index, a probe of its folded copy of the fields
while a sort index is walked, or the ``rowid``\\ s of hits already read; on the servers
a ``UNION`` of ``LIKE`` matches ignoring case and accents, names looked up first. The
SQLite helpers here read the index in tag order, count or bound its hits, and fold the
typed text as the index holds its fields.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from sqlalchemy import (
    Connection,
    Select,
    false,
    func,
    literal_column,
    or_,
    select,
    union,
)
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from desktop.services.search import (
    _INDEX,
    _INDEX_CONTENT,
    _RANKS,
    LOOKUP_LIMIT,
    SEARCH_TABLE,
    TRIGRAM_MIN_LENGTH,
    UNRANKED,
)
from desktop.storage.folding import SQL_FUNCTION, fold
from desktop.storage.models import Asset, AssetModel, Location, Manufacturer, Person


def search_condition(
    dialect_name: str,
    text_: str,
    *,
    walk_sort_index: bool = False,
    scan: bool = False,
    session: Session | None = None,
    hits: Sequence[int] | None = None,
) -> ColumnElement[bool]:
    """A condition on ``assets`` that is true where any searched field contains ``text_``.

    The caller's query need not join the looked-up tables: names are matched through
    sub-selects, so that each one can use its own index.

    ``walk_sort_index`` (SQLite, for a page of a search with many hits): the matches are
    only probed, so that SQLite walks the page's sort index and stops after one page,
    instead of sorting every hit. ``scan`` (SQLite, when
    most assets match): no index at all; a page is the first rows of the sort order that
    match, found after reading barely more than a page. ``session`` (server backends):
    matching people, locations and models are looked up first, so the server plans with
    exact ids instead of guesses. ``hits`` (SQLite): the ``rowid``\\ s of the matches,
    already read from the index (:func:`sqlite_hits_below`): not matched again.
    """
    if not text_.strip():
        return ~false()
    needle = typed_needle(dialect_name, text_)
    if dialect_name == "sqlite" and hits is not None and not scan:
        listed: Any = select(literal_column("value")).select_from(func.json_each(json.dumps(hits)))
        rowids: Any = literal_column("assets.rowid")
        return rowids.in_(listed)  # type: ignore[no-any-return]
    if dialect_name == "sqlite" and len(needle) >= TRIGRAM_MIN_LENGTH and not scan:
        if walk_sort_index:
            # Each asset the walk meets looks up its rank and probes the index's hits (the
            # hits are read once; only the assets walked are looked up, not every hit).
            rank = (
                select(_RANKS.c.rank)
                .where(_RANKS.c.asset_rowid == literal_column("assets.rowid"))
                .scalar_subquery()
            )
            hit_ranks = select(_INDEX.c.rowid).where(_match(needle))
            return rank.in_(hit_ranks)
        matches: Any = (
            select(_RANKS.c.asset_rowid)
            .select_from(_INDEX)
            .join(_RANKS, _RANKS.c.rank == _INDEX.c.rowid)
            .where(_match(needle))
        )
        condition: ColumnElement[bool] = literal_column("assets.rowid").in_(matches)
        return condition
    pattern = "%" + _escape_like(needle) + "%"
    if dialect_name == "sqlite":
        # Short or very common text: most rows match, so a scan in the page's sort order
        # stops early. Each asset walked is looked up in the index's folded copy of its
        # six fields (its rank, then its row: two probes).
        return _content_probe(pattern)
    postgresql = dialect_name == "postgresql"
    branches: list[Any] = [
        select(Asset.id).where(server_contains(Asset.tag, pattern, postgresql)),
        select(Asset.id).where(server_contains(Asset.serial_number, pattern, postgresql)),
        select(Asset.id).where(server_contains(Asset.name, pattern, postgresql)),
    ]
    for column, names in (
        (Asset.model_id, model_ids(pattern, postgresql)),
        (Asset.assigned_to_id, people_ids(pattern, postgresql)),
        (Asset.location_id, location_ids(pattern, postgresql)),
    ):
        if session is None:
            branches.append(select(Asset.id).where(column.in_(names)))
            continue
        # The names are looked up first (small tables, own indexes): the planner then
        # knows exactly which assets' foreign keys to read, and skips the branch if none.
        found = list(session.execute(names.limit(LOOKUP_LIMIT + 1)).scalars())
        if len(found) > LOOKUP_LIMIT:
            branches.append(select(Asset.id).where(column.in_(names)))
        elif found:
            branches.append(select(Asset.id).where(column.in_(found)))
    return Asset.id.in_(union(*branches))


def sqlite_matches_at_least(connection: Connection, text_: str, share: float) -> bool:
    """Whether a search matches at least ``share`` of the assets (SQLite, from the index).

    Counting stops at that many hits, so a very common word costs no more than a rare
    one; the number of assets is estimated by the largest rowid. Text too short for the
    trigram index counts as matching everything.
    """
    bounded = _sqlite_bounded_match(connection, text_, share)
    if bounded is None:
        return True
    phrase, wanted = bounded
    hits = connection.exec_driver_sql(
        "SELECT count(*) FROM (SELECT 1 FROM asset_search WHERE asset_search MATCH ? LIMIT ?)",
        (phrase, wanted),
    ).scalar_one()
    return int(hits) >= wanted


def sqlite_hits_below(connection: Connection, text_: str, share: float) -> list[int] | None:
    """The ``rowid``\\ s of a search's matches if they are fewer than ``share`` of the
    assets (SQLite, from the index), else None: :func:`sqlite_matches_at_least` that keeps
    what it read, so that a page of a rare word matches it once, not twice (the index's
    lists of common trigrams cost 10-20 ms a match on a million assets)."""
    bounded = _sqlite_bounded_match(connection, text_, share)
    if bounded is None:
        return None
    phrase, wanted = bounded
    found = connection.exec_driver_sql(
        "SELECT r.asset_rowid FROM asset_search JOIN asset_search_rank r "
        "ON r.rank = asset_search.rowid WHERE asset_search MATCH ? LIMIT ?",
        (phrase, wanted),
    )
    rowids = [int(r) for r in found.scalars()]
    return rowids if len(rowids) < wanted else None


def sqlite_in_tag_order(query: Select[Any], text_: str, *, descending: bool) -> Select[Any]:
    """``query`` (of assets' columns, without a FROM) over the matches of ``text_`` in tag
    order (SQLite): the index hands out its hits by rank, so a page is the next hits, not a
    sort of all of them. Text too short for the trigram index is matched against the
    index's own copy of the six fields, in rank order: most assets match such text, so a
    page is found after reading barely more than a page. Only right if
    :func:`sqlite_all_ranked` says so."""
    needle = sqlite_needle(text_)
    if len(needle) >= TRIGRAM_MIN_LENGTH:
        source: Any = _INDEX
        rank = _INDEX.c.rowid
        matches = _match(needle)
    else:
        # The index's copy of the fields is the table FTS5 keeps them in (its documented
        # "%_content" shadow table, columns c0..c5): scanned directly it is three times
        # as fast as through the index's own column reads.
        source = _INDEX_CONTENT
        rank = _INDEX_CONTENT.c.id
        matches = _content_contains(needle)
    return (
        query.select_from(source)
        .join(_RANKS, _RANKS.c.rank == rank)
        .join(Asset, literal_column("assets.rowid") == _RANKS.c.asset_rowid)
        .where(matches, rank < UNRANKED)
        .order_by(rank.desc() if descending else rank.asc())
    )


def sqlite_count_matches(connection: Connection, text_: str) -> int:
    """How many assets match ``text_`` (SQLite): the index holds one row per asset."""
    needle = sqlite_needle(text_)
    if len(needle) >= TRIGRAM_MIN_LENGTH:
        counted = connection.exec_driver_sql(
            "SELECT count(*) FROM asset_search WHERE asset_search MATCH ?", (_fts_phrase(needle),)
        )
    else:
        query = select(func.count()).select_from(_INDEX_CONTENT)
        counted = connection.execute(query.where(_content_contains(needle)))
    return int(counted.scalar_one())


def sqlite_all_ranked(connection: Connection, text_: str) -> bool:
    """Whether every match of ``text_`` is ranked in tag order (no asset inserted out of
    order since the index was last rebuilt matches it; for text too short for the index:
    none at all)."""
    needle = sqlite_needle(text_)
    if len(needle) >= TRIGRAM_MIN_LENGTH:
        unranked = connection.exec_driver_sql(
            "SELECT 1 FROM asset_search WHERE asset_search MATCH ? AND rowid >= ? LIMIT 1",
            (_fts_phrase(needle), UNRANKED),
        ).first()
    else:
        unranked = connection.exec_driver_sql(
            "SELECT 1 FROM asset_search WHERE rowid >= ? LIMIT 1", (UNRANKED,)
        ).first()
    return unranked is None


def _content_contains(needle: str) -> ColumnElement[bool]:
    """Any of the index's own copy of the six fields contains ``needle`` (a LIKE)."""
    pattern = "%" + _escape_like(needle) + "%"
    fields = list(_INDEX_CONTENT.c)[1:]
    return or_(*(field.like(pattern, escape="\\") for field in fields))


def _match(needle: str) -> ColumnElement[bool]:
    return literal_column(SEARCH_TABLE).op("MATCH")(_fts_phrase(needle))


def _sqlite_bounded_match(
    connection: Connection, text_: str, share: float
) -> tuple[str, int] | None:
    """The index phrase of a search and ``share`` of the assets as a number of hits (the
    number of assets estimated by the largest rowid); None for text too short for the
    trigram index."""
    needle = sqlite_needle(text_)
    if len(needle) < TRIGRAM_MIN_LENGTH:
        return None
    largest = connection.exec_driver_sql("SELECT max(rowid) FROM assets").scalar_one()
    return _fts_phrase(needle), max(int(share * int(largest or 0)), 1)


def sqlite_needle(text_: str) -> str:
    """The search text as SQLite's index holds its fields: trimmed and folded
    (:func:`desktop.storage.folding.fold`: "Zürich" → "zurich")."""
    return fold(text_.strip())


def typed_needle(dialect_name: str, text_: str) -> str:
    """The search text as the backend's query takes it: folded on SQLite and MariaDB
    (there the collation ignores accents and case, but not an accent typed as a separate
    combining mark), as it is on PostgreSQL (folded in the query by the server's
    ``asset_search_fold``, the function that folded the index)."""
    return text_.strip() if dialect_name == "postgresql" else sqlite_needle(text_)


def sqlite_phrase(text_: str) -> str:
    """The search text as one phrase of the index (SQLite): folded, quoted."""
    return _fts_phrase(sqlite_needle(text_))


def _fts_phrase(needle: str) -> str:
    """``needle`` as one FTS5 phrase (its double quotes doubled)."""
    return '"' + needle.replace('"', '""') + '"'


def _content_probe(pattern: str) -> ColumnElement[bool]:
    """The asset's row in the index (its folded copy of the six fields) matches the
    ``LIKE`` pattern (SQLite): probed per asset, for a walk along a sort order."""
    fields = list(_INDEX_CONTENT.c)[1:]
    probe: Select[Any] = (
        select(literal_column("1"))
        .select_from(_RANKS)
        .join(_INDEX_CONTENT, _INDEX_CONTENT.c.id == _RANKS.c.rank)
        .where(
            _RANKS.c.asset_rowid == literal_column("assets.rowid"),
            or_(*(field.like(pattern, escape="\\") for field in fields)),
        )
    )
    return probe.exists()


def model_ids(pattern: str, postgresql: bool) -> Select[Any]:
    """Models whose "manufacturer model" (as the SQLite index holds it) contains the
    ``LIKE`` pattern, ignoring case and accents (PostgreSQL, MariaDB)."""
    label = func.trim(func.coalesce(Manufacturer.name, "") + " " + AssetModel.name)
    return (
        select(AssetModel.id)
        .outerjoin(Manufacturer, Manufacturer.id == AssetModel.manufacturer_id)
        .where(server_contains(label, pattern, postgresql))
    )


def people_ids(pattern: str, postgresql: bool) -> Select[Any]:
    return select(Person.id).where(server_contains(Person.name, pattern, postgresql))


def location_ids(pattern: str, postgresql: bool) -> Select[Any]:
    return select(Location.id).where(server_contains(Location.name, pattern, postgresql))


def server_contains(column: Any, pattern: str, postgresql: bool) -> ColumnElement[bool]:
    """``column`` matches the ``LIKE`` pattern ignoring case and accents on a server.

    PostgreSQL: both folded (lower case too) by its ``asset_search_fold`` (migration 0017;
    the folded columns have pg_trgm indexes); the pattern's fold is a constant when the
    query is planned. MariaDB: its accent- and case-insensitive collation compares them
    (the pattern comes folded by :func:`typed_needle`).
    """
    if postgresql:
        folded = getattr(func, SQL_FUNCTION)
        return folded(column).like(folded(pattern), escape="\\")  # type: ignore[no-any-return]
    return column.ilike(pattern, escape="\\")  # type: ignore[no-any-return]


def _escape_like(text_: str) -> str:
    return text_.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
