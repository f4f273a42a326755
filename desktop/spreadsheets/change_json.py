"""A procedure's ``changes`` as JSON text, written straight from the values (the commit).

The commit records every value of every new asset as a change from empty: a list of
``{"field", "before", "after", "before_text", "after_text"}`` objects per procedure,
100,000s of them in a large import. Building those dictionaries only for ``json.dumps``
to take them apart again was a third of the commit's Python time. Here each change is
one JSON fragment, and the fragments of values many rows share (a category, a model, a
location, a date, a status move) are made once (:class:`ChangeFragments`).

The text is exactly what ``json.dumps`` (the JSON column's serialiser) writes for the
same list: the same key order, the separators ``", "`` and ``": "``, ASCII escapes;
``tests/desktop/spreadsheets/test_change_json.py`` compares the two.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Callable, Sequence
from json.encoder import encode_basestring_ascii as _quote

from desktop.domain.lifecycle import AssetStatus
from desktop.spreadsheets.references import PendingReference


def as_json_list(fragments: Sequence[str]) -> str:
    """The JSON text of a list whose items' texts are ``fragments``."""
    return "[" + ", ".join(fragments) + "]"


def created(field: str, after: str, after_text: str) -> str:
    """A change from empty to text ``after`` (shown as ``after_text``)."""
    return (
        f'{{"field": {_quote(field)}, "before": null, "after": {_quote(after)}, '
        f'"before_text": "", "after_text": {_quote(after_text)}}}'
    )


def any_change(field: str, before: object, after: object, before_text: str, after_text: str) -> str:
    """Any change, through ``json.dumps`` (values of any JSON type)."""
    return json.dumps(
        {
            "field": field,
            "before": before,
            "after": after,
            "before_text": before_text,
            "after_text": after_text,
        }
    )


class ChangeFragments:
    """The fragments of one import's changes, those of shared values made once.

    ``resolve`` turns a new reference (which the commit created) into its stored id text
    and its display text. Ids, dates and new references are remembered: a file has few
    distinct ones.
    """

    def __init__(
        self, names: dict[uuid.UUID, str], resolve: Callable[[PendingReference], tuple[str, str]]
    ) -> None:
        self.names = names
        self.resolve = resolve
        self.shared: dict[tuple[str, object], str] = {}
        self.moves: dict[tuple[AssetStatus | None, AssetStatus], str] = {}

    def created(self, field: str, value: object) -> str:
        """A new asset's ``field`` set to ``value``: ``after`` is the stored text (an id
        as text, a date in ISO form), ``after_text`` what people see."""
        kind = value.__class__
        if kind is str:
            text = _quote(value)  # type: ignore[arg-type]
            return (
                f'{{"field": "{field}", "before": null, "after": {text}, '
                f'"before_text": "", "after_text": {text}}}'
            )
        if not isinstance(value, uuid.UUID | dt.date | PendingReference):
            text = str(value)  # an amount: each row's own
            return created(field, text, text)
        key = (field, value)
        found = self.shared.get(key)
        if found is None:
            if isinstance(value, uuid.UUID):
                found = created(field, str(value), self.names.get(value, ""))
            elif isinstance(value, dt.date):
                text = value.isoformat()
                found = created(field, text, text)
            else:
                found = created(field, *self.resolve(value))
            self.shared[key] = found
        return found

    def status(self, before: AssetStatus | None, after: AssetStatus) -> str:
        """A move of the status from ``before`` (None: a new asset) to ``after``."""
        key = (before, after)
        found = self.moves.get(key)
        if found is None:
            found = self.moves[key] = any_change(
                "status",
                before.value if before else None,
                after.value,
                before.label if before else "",
                after.label,
            )
        return found
