"""The dry run's look-ups of the register: the assets a file's rows match, the tags in use.

Each is one query per :data:`CHUNK` keys (or one read of a column when the register holds
fewer assets than the file has keys); an empty register is not asked at all, and the
file's keys are then not worked out either (a pass over every row saved).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from desktop.domain.tags import normalize_tag
from desktop.spreadsheets import cells as parse
from desktop.spreadsheets.model import MatchKey
from desktop.storage.models import Asset

CHUNK = 500


class RegisterLookup:
    """The register's assets as the dry run of one file asks for them."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self._held: int | None = None

    def held(self) -> int:
        """How many assets the register holds (counted once)."""
        if self._held is None:
            table = Asset.__table__
            self._held = int(
                self.session.execute(select(func.count()).select_from(table)).scalar_one()
            )
        return self._held

    def existing_assets(
        self, match: MatchKey, cells: Iterable[object]
    ) -> dict[str, dict[str, Any]]:
        """The assets the match ``cells`` name, by match key (tag key, serial, or id text)."""
        if not self.held():
            return {}
        table = Asset.__table__
        raw = [parse.clean_text(c) for c in cells]
        keys = {k for k in raw if k}
        result: dict[str, dict[str, Any]] = {}
        lookup: list[Any]
        if match is MatchKey.TAG:
            column, lookup = table.c.tag_key, sorted({normalize_tag(k) for k in keys})
        elif match is MatchKey.SERIAL:
            column, lookup = table.c.serial_number, sorted(keys)
        else:
            column = table.c.id
            lookup = sorted(uuids(keys))
        lookup = self._present(column, lookup)
        for start in range(0, len(lookup), CHUNK):
            chunk = lookup[start : start + CHUNK]
            for row in self.session.execute(select(table).where(column.in_(chunk))).mappings():
                found = dict(row)
                key = (
                    found["tag_key"]
                    if match is MatchKey.TAG
                    else (found["serial_number"] if match is MatchKey.SERIAL else str(found["id"]))
                )
                if key in result:
                    found["ambiguous"] = True
                result[key] = found
        return result

    def tags_in_use(self, cells: Iterable[object]) -> dict[str, uuid.UUID]:
        """The assets holding the tags the ``cells`` give, by tag key."""
        if not self.held():
            return {}
        keys = sorted({normalize_tag(t) for c in cells if (t := parse.clean_text(c))})
        table = Asset.__table__
        found: dict[str, uuid.UUID] = {}
        keys = self._present(table.c.tag_key, keys)
        for start in range(0, len(keys), CHUNK):
            chunk = keys[start : start + CHUNK]
            for tag_key, asset_id in self.session.execute(
                select(table.c.tag_key, table.c.id).where(table.c.tag_key.in_(chunk))
            ):
                found[tag_key] = asset_id
        return found

    def serials_in_use(self, serials: Iterable[str]) -> dict[str, list[str]]:
        """The tags of the assets holding each of ``serials`` (exact text), sorted."""
        if not self.held():
            return {}
        table = Asset.__table__
        keys = self._present(table.c.serial_number, sorted(set(serials)))
        found: dict[str, list[str]] = {}
        for start in range(0, len(keys), CHUNK):
            chunk = keys[start : start + CHUNK]
            for serial, tag in self.session.execute(
                select(table.c.serial_number, table.c.tag)
                .where(table.c.serial_number.in_(chunk))
                .order_by(table.c.tag)
            ):
                found.setdefault(serial, []).append(tag)
        return found

    def _present(self, column: Any, keys: list[Any]) -> list[Any]:
        """``keys`` (sorted) that may be in the assets' ``column``: all of them, or when
        the register holds fewer assets than there are keys, those among its values (one
        read of the column instead of a lookup per key)."""
        if not keys or self.held() >= len(keys):
            return keys
        wanted = set(keys)
        return sorted({v for (v,) in self.session.execute(select(column)) if v in wanted})


def uuids(texts: Iterable[str]) -> list[uuid.UUID]:
    """The texts that are UUIDs, as UUIDs."""
    result = []
    for text in texts:
        try:
            result.append(uuid.UUID(text.strip()))
        except ValueError:
            continue
    return result
