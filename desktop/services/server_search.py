"""A search's pages in tag order on PostgreSQL and MariaDB (the register's default order).

The search box matches text anywhere in an asset's tag, serial number, name, model
("manufacturer model"), assignee or location, ignoring case and accents: the fields and
the meaning of SQLite's index (:mod:`desktop.services.search`). On the servers:

* **The asset's own fields** (tag, serial number, name) are found through
  ``asset_search_trigrams`` (migration 0009): each three-character piece of them, folded
  (PostgreSQL: by ``asset_search_fold``, migration 0017; MariaDB: compared by its accent-
  and case-insensitive collation), with the asset's tag key, keyed by (trigram, tag key),
  kept by triggers. The searched text's trigrams (folded by the same function) are
  counted first, each up to :data:`ESTIMATE_LIMIT`; the rarest one's assets are then
  walked *in tag order*, each checked with ``LIKE``, until the page is full. A common word fills the page after about a page of assets; a rare one
  reads its few; text with a trigram no asset has reads nothing.
* **Looked-up names** (models, people, locations: small tables) are matched first; the
  assets that bear them are read along the (foreign key, tag) sort indexes in tag order,
  each with a ``LIMIT``.

A page is the first ``offset + limit`` hits of each of these, merged in tag order: the
first hits of a union are among the first hits of its parts. Text shorter than a trigram
is matched by walking the tag order (most assets match such text).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from sqlalchemy import (
    Integer,
    Select,
    String,
    func,
    literal,
    literal_column,
    or_,
    select,
    table,
    true,
    union,
    union_all,
)
from sqlalchemy import column as sql_column
from sqlalchemy.orm import Session

from desktop.services.register_rows import AssetFilter
from desktop.services.search_query import (
    location_ids,
    model_ids,
    people_ids,
    server_contains,
    typed_needle,
)
from desktop.storage.folding import SQL_FUNCTION
from desktop.storage.models import Asset

#: Each trigram's assets are counted up to this many: the rarest is walked.
ESTIMATE_LIMIT = 5000
#: At most this many of the text's trigrams are counted (spread over it).
ESTIMATE_TRIGRAMS = 6
#: Up to this many matching people/locations/models are listed in the query by id.
LOOKUP_LIMIT = 500

_TRIGRAMS = table(
    "asset_search_trigrams", sql_column("trigram", String), sql_column("tag_key", String)
)

__all__ = ["ESTIMATE_LIMIT", "search_page_ids", "server_search_available", "text_trigrams"]


def server_search_available(session: Session) -> bool:
    """Whether this database has the trigram table (PostgreSQL and MariaDB from 0009)."""
    return session.get_bind().dialect.name in ("postgresql", "mysql", "mariadb")


def text_trigrams(text_: str) -> list[str]:
    """The distinct lower-case trigrams of ``text_``, in the order they occur."""
    lowered = text_.lower()
    seen: dict[str, None] = {}
    for start in range(len(lowered) - 2):
        seen.setdefault(lowered[start : start + 3], None)
    return list(seen)


def search_page_ids(
    session: Session, flt: AssetFilter, *, offset: int, limit: int, descending: bool
) -> tuple[Select[Any], Any] | None:
    """A query of the ids of rows ``offset`` to ``offset + limit`` of ``flt`` in tag order
    (ordered and limited), and the column it is ordered by; None if nothing matches.

    ``flt.search`` must not be blank; its other conditions are applied to every part.
    """
    dialect_name = session.get_bind().dialect.name
    needle = typed_needle(dialect_name, flt.search)
    pattern = "%" + _escape_like(needle) + "%"
    wanted = offset + limit
    rest = replace(flt, search="")
    parts: list[Select[Any]] = []

    postgresql = dialect_name == "postgresql"
    own_match = or_(
        server_contains(Asset.tag, pattern, postgresql),
        server_contains(Asset.serial_number, pattern, postgresql),
        server_contains(Asset.name, pattern, postgresql),
    )
    if postgresql:
        # The trigram table holds folded trigrams: fold the text by the same function.
        needle = session.execute(select(getattr(func, SQL_FUNCTION)(needle))).scalar_one()
    trigrams = text_trigrams(needle)
    if not trigrams:
        # Too short for a trigram: almost every asset matches; walk the tag order.
        walked = _filtered(session, _ids().where(own_match), rest)
        parts.append(walked.order_by(_tag_order(descending)))
    else:
        rarest = _rarest_trigram(session, trigrams)
        if rarest is not None:
            posting_key = _TRIGRAMS.c.tag_key
            checked = _filtered(
                session,
                _ids().where(Asset.tag_key == posting_key, own_match),
                rest,
            )
            if postgresql:
                # Each posting looks its asset up. Joined plainly, PostgreSQL merges the two
                # tag orders instead, reading every asset up to the first hit; a lateral
                # subquery with an OFFSET is planned on its own (a nested loop).
                hit = checked.offset(0).lateral("hit")
                own: Select[Any] = (
                    select(hit.c.id, hit.c.tag_key).select_from(_TRIGRAMS).join(hit, true())
                )
            else:
                own = (
                    checked.add_columns()
                    .select_from(_TRIGRAMS)
                    .join(Asset, Asset.tag_key == posting_key)
                )
            own = own.where(_TRIGRAMS.c.trigram == rarest)
            parts.append(own.order_by(posting_key.desc() if descending else posting_key.asc()))

    lookups = (
        (Asset.model_id, model_ids(pattern, postgresql)),
        (Asset.assigned_to_id, people_ids(pattern, postgresql)),
        (Asset.location_id, location_ids(pattern, postgresql)),
    )
    # The matching names of the three tables, by one statement (each up to the limit).
    each = [
        select(literal(n).label("part"), limited.c.id)
        for n, (_column, names) in enumerate(lookups)
        for limited in [names.limit(LOOKUP_LIMIT + 1).subquery()]
    ]
    found: dict[int, list[Any]] = {}
    for n, key in session.execute(union_all(*each)):
        found.setdefault(int(n), []).append(key)
    for n, (column, names) in enumerate(lookups):
        keys = found.get(n)
        if not keys:
            continue
        condition = column.in_(names) if len(keys) > LOOKUP_LIMIT else column.in_(keys)
        part = _filtered(session, _ids().where(condition), rest)
        parts.append(part.order_by(_tag_order(descending)))

    if not parts:
        return None
    limited = [select(*p.limit(wanted).subquery().c) for p in parts]
    # UNION, not UNION ALL: an asset found by two parts is listed once.
    merged = (limited[0] if len(limited) == 1 else union(*limited)).subquery("hits")
    key = merged.c.tag_key
    query = (
        select(merged.c.id)
        .order_by(key.desc() if descending else key.asc())
        .offset(offset)
        .limit(limit)
    )
    return query, key


def _ids() -> Select[Any]:
    query: Any = select(Asset.id, Asset.tag_key)
    return query  # type: ignore[no-any-return]


def _rarest_trigram(session: Session, trigrams: list[str]) -> str | None:
    """The trigram with the fewest assets (counted up to :data:`ESTIMATE_LIMIT`), or None
    if one of them has none (no asset's own fields contain the text)."""
    if len(trigrams) > ESTIMATE_TRIGRAMS:
        step = (len(trigrams) - 1) / (ESTIMATE_TRIGRAMS - 1)
        trigrams = [trigrams[round(i * step)] for i in range(ESTIMATE_TRIGRAMS)]
    counts = []
    for trigram in trigrams:
        bounded = (
            select(literal_column("1", Integer))
            .select_from(_TRIGRAMS)
            .where(_TRIGRAMS.c.trigram == trigram)
            .limit(ESTIMATE_LIMIT)
            .subquery()
        )
        counts.append(select(func.count()).select_from(bounded).scalar_subquery())
    found = session.execute(select(*counts)).one()
    fewest = min(range(len(trigrams)), key=lambda i: int(found[i]))
    return None if int(found[fewest]) == 0 else trigrams[fewest]


def _filtered(session: Session, query: Select[Any], flt: AssetFilter) -> Select[Any]:
    if flt == AssetFilter():
        return query
    from desktop.services.queries import apply_filter  # queries imports this module

    return apply_filter(session, query, flt)


def _tag_order(descending: bool) -> Any:
    return Asset.tag_key.desc() if descending else Asset.tag_key.asc()


def _escape_like(text_: str) -> str:
    return text_.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
