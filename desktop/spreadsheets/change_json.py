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
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from json.encoder import encode_basestring_ascii as _quote

from desktop.domain.fields import CUSTOM_PREFIX, plain_text
from desktop.domain.lifecycle import AssetStatus
from desktop.spreadsheets.commit_rows import RECEIVE_KEYS, SHARED_KINDS, SHARED_LIMIT
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


class CreationChanges:
    """A new asset's values as changes from empty (JSON fragments): the receive's, and the
    rest (for the first move out of stock). Each list joined by ", " is its procedure's
    JSON list: the receive's first fragment opens it and its last closes it; the rest's
    last closes it (the move's fragment before them opens it, see the commit's
    ``_creation``). Joined as they are, the text is made once (brackets added after
    copied it twice more)."""

    def __init__(self, fragments: ChangeFragments) -> None:
        self.fragments = fragments
        #: Fragments of shared values, by the value's identity: the value, its field, the
        #: fragment (a value in two fields keeps the first).
        self.shared: dict[int, tuple[object, str, str]] = {}
        #: A new asset's status set (the receive's last change): the same for every row,
        #: with the bracket that closes the receive's list.
        self.received_closing = fragments.status(None, AssetStatus.IN_STOCK) + "]"

    def __call__(
        self, values: Mapping[str, object], custom: Mapping[str, object], tag: str
    ) -> tuple[list[str], list[str]]:
        """``values`` and ``custom``: a new asset's plan (``tag``: as given or made)."""
        receive: list[str] = []
        follow: list[str] = []
        fragments = self.fragments
        shared = self.shared
        if not values.get("tag"):
            receive.append(fragments.created("tag", tag))
        add, add_follow, quote, receive_keys = receive.append, follow.append, _quote, RECEIVE_KEYS
        for key, value in values.items():
            kind = value.__class__
            if kind is str or kind is Decimal:  # the row's own text or amount: in place
                quoted = quote(value if kind is str else str(value))  # type: ignore[arg-type]
                text = (
                    f'{{"field": "{key}", "before": null, "after": {quoted}, '
                    f'"before_text": "", "after_text": {quoted}}}'
                )
            else:  # references and dates many rows share: one fragment per object
                found = shared.get(id(value))
                if found is not None and found[0] is value and found[1] == key:
                    text = found[2]
                else:
                    text = fragments.created(key, value)
                    if kind in SHARED_KINDS and len(shared) < SHARED_LIMIT:
                        shared[id(value)] = (value, key, text)
            if key in receive_keys:
                add(text)
            else:
                add_follow(text)
        for name, value in custom.items():
            receive.append(any_change(CUSTOM_PREFIX + name, None, value, "", plain_text(value)))
        receive.append(self.received_closing)
        receive[0] = "[" + receive[0]
        if follow:
            follow[-1] += "]"
        return receive, follow
