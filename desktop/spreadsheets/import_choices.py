"""Choices given for a whole import: values for all rows and the user's status words.

The command line writes them ``--set location="Main site › Store"`` and
``--status-map "In Lager=in_stock"``; the wizard has a field per target and a status
table. Both end up in :class:`desktop.spreadsheets.model.ImportOptions`.
"""

from __future__ import annotations

from collections.abc import Iterable

from desktop.errors import DesktopError
from desktop.spreadsheets.columns import (
    KEY,
    PROBLEMS,
    QUANTITY,
    RACK,
    READ_ONLY,
    TARGETS,
    VERSION,
    normalize_header,
    target_label,
)
from desktop.spreadsheets.statuses import parse_status

#: Targets a value for all rows makes no sense for (they identify one asset).
#: A rack is made from each row's own location: not a value for all rows either.
_NOT_FOR_ALL_ROWS = frozenset(
    {"tag", "serial_number", KEY, VERSION, READ_ONLY, PROBLEMS, RACK, QUANTITY}
)
#: The targets the wizard offers a "value for all rows" for, in this order.
WIZARD_DEFAULTS = ("category", "location", "status", "supplier", "owning_group", "order_number")


def default_target(name: str) -> str:
    """The target ``name`` means (a key, our header or a known synonym)."""
    wanted = normalize_header(name)
    for target in TARGETS:
        if target.key in _NOT_FOR_ALL_ROWS:
            continue
        if wanted in {normalize_header(n) for n in (target.key, target.header, *target.synonyms)}:
            return target.key
    allowed = ", ".join(t.key for t in TARGETS if t.key not in _NOT_FOR_ALL_ROWS)
    raise DesktopError(f"--set: '{name}' is not a field a value can be given for ({allowed})")


def parse_defaults(items: Iterable[str]) -> dict[str, str]:
    """``["location=Store", "category=Laptop"]`` → {"location": "Store", ...}."""
    result: dict[str, str] = {}
    for item in items:
        name, sep, value = item.partition("=")
        if not sep or not value.strip():
            raise DesktopError(f"--set '{item}': write FIELD=VALUE, e.g. location=\"Main store\"")
        result[default_target(name)] = value.strip()
    return result


def parse_status_words(items: Iterable[str]) -> dict[str, str]:
    """``["In Lager=in_stock", "Kaputt=In repair"]`` → {word: status value}."""
    result: dict[str, str] = {}
    for item in items:
        word, sep, status = item.rpartition("=")
        if not sep or not word.strip():
            raise DesktopError(f"--status-map '{item}': write WORD=STATUS, e.g. \"Spare=in_stock\"")
        try:
            result[word.strip()] = parse_status(status.strip()).value
        except ValueError as exc:
            raise DesktopError(f"--status-map '{item}': {exc}") from None
    return result


def for_all_rows(keys: Iterable[str], *, command_line: bool) -> str:
    """How to give every new row one of ``keys`` ("" when none can be): the wizard's
    "Value for all rows" box, or the command line's ``--set``."""
    key = next((k for k in keys if k in WIZARD_DEFAULTS), None)
    if key is None:
        return ""
    if command_line:
        return f"a column, or --set {key}=NAME for every new row"
    return f"a column, or {target_label(key)} under 'Value for all rows' for every new row"


def defaults_description(defaults: dict[str, str]) -> str:
    return ", ".join(f"{target_label(k)} = {v}" for k, v in defaults.items())
