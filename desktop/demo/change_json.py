"""Change entries of the demo's procedures as the JSON text ``json.dumps`` writes.

A procedure's ``changes`` hold one ``{"field", "before", "after", "before_text",
"after_text"}`` entry per field it changed (:func:`desktop.demo.values.field_change`);
the life generator (:mod:`desktop.demo.life`) puts those texts together from pieces
encoded once instead of dumping a dictionary per change: a text's or date's value, a custom
field's change, and each status with its label (the receive's text fields, a location's,
an assignee's and the notes' entries are filled in :mod:`desktop.demo.life`).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from desktop.demo.stored import encode, quote
from desktop.domain.fields import plain_text
from desktop.domain.lifecycle import STATUS_LABELS


def _plain_json(value: Any) -> tuple[str, str] | None:
    """A text's or a date's (JSON value, display text as JSON) in a change entry, as
    :func:`desktop.demo.values.field_change` gives them; ``None`` for other values."""
    if value is None:
        return _NO_REF
    kind = value.__class__
    if kind is str:
        text = quote(value)
        return text, text
    if kind is dt.date:
        text = f'"{value.isoformat()}"'
        return text, text
    return None


def _json_scalar(value: Any) -> str:
    if value is None:
        return "null"
    if value.__class__ is str:
        return quote(value)
    if value.__class__ is bool:
        return _JSON_BOOL[value]
    if value.__class__ is int:
        return str(value)
    return encode(value)


def _custom_change(name: str, before: Any, after: Any) -> str:
    """:func:`desktop.demo.values.custom_change` as JSON."""
    b = '""' if before is None else quote(plain_text(before))  # a yes/no: "yes", not "True"
    a = '""' if after is None else quote(plain_text(after))
    return (
        f'{{"field": {quote("custom." + name)}, "before": {_json_scalar(before)}, '
        f'"after": {_json_scalar(after)}, "before_text": {b}, "after_text": {a}}}'
    )


_JSON_BOOL = ("false", "true")
_NO_REF = ("null", '""')
#: status → (its JSON value, its label as JSON); ``None`` for a new asset's.
_STATUS_JSON: dict[str | None, tuple[str, str]] = {
    None: _NO_REF,
    **{s.value: (quote(s.value), quote(label)) for s, label in STATUS_LABELS.items()},
}
