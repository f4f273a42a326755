"""A field named as a person names it: by its key or by the title the form shows.

``--set "RAM (GB)=40"`` (``kit resolve``, ``procedure``) was refused: only a custom
field's key (``custom.ram_gb``) was taken, while the form, ``asset show`` and ``kit
conflicts`` all title it "RAM (GB)". A title is compared as every pick list compares a
choice, accents and case ignored (:func:`desktop.storage.folding.fold`); a title that
names several fields (a custom field titled like a standard one, two custom fields titled
alike) is refused listing them, so that the person can give the key instead.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from desktop.domain.fields import ASSET_FIELDS, CUSTOM_PREFIX, FIELDS_BY_KEY
from desktop.errors import Problem, ValidationError
from desktop.storage.folding import fold


def field_key(text: str, custom_fields: Iterable[Mapping[str, Any]] | None = None) -> str:
    """The key of the field ``text`` names among the standard fields and ``custom_fields``
    (a category's custom field definitions). A key passes as given; a text that names no
    field is returned as it is (the procedure service names it as unknown).

    Raises:
        ValidationError: ``text`` is the title of several fields (they are listed).
    """
    wanted = text.strip()
    if wanted in FIELDS_BY_KEY or wanted.startswith(CUSTOM_PREFIX):
        return wanted
    folded = _folded(wanted)
    found: dict[str, str] = {}
    for spec in ASSET_FIELDS:
        if folded in (_folded(spec.label), _folded(spec.key)):
            found[spec.key] = spec.label
    for definition in custom_fields or ():
        name = str(definition.get("key") or "")
        title = str(definition.get("label") or name)
        if name and folded in (_folded(title), _folded(name)):
            found[CUSTOM_PREFIX + name] = title
    return _the_one(wanted, found)


def answer_key(text: str, titles: Mapping[str, str]) -> str:
    """The key of the template question ``text`` names, by its key or its title
    (``titles``: key → title, as the form shows them; "Type of change" is
    ``change_type``). A text that names no question is returned as it is.

    Raises:
        ValidationError: ``text`` is the title of several questions (they are listed).
    """
    wanted = text.strip()
    if wanted in titles:
        return wanted
    folded = _folded(wanted)
    found = {
        key: title for key, title in titles.items() if folded in (_folded(title), _folded(key))
    }
    return _the_one(wanted, found)


def _the_one(wanted: str, found: Mapping[str, str]) -> str:
    if len(found) == 1:
        return next(iter(found))
    if found:
        listed = ", ".join(f"{title} ({key})" for key, title in sorted(found.items()))
        raise ValidationError(
            [Problem(wanted, f"names several fields: {listed}; give the one you mean by its key")]
        )
    return wanted


def keyed(
    values: Mapping[str, object], custom_fields: Iterable[Mapping[str, Any]] | None = None
) -> dict[str, object]:
    """``values`` by field key (:func:`field_key` of each name); every ambiguous name is
    refused at once."""
    definitions = list(custom_fields or ())
    result: dict[str, object] = {}
    problems: list[Problem] = []
    for name, value in values.items():
        try:
            result[field_key(name, definitions)] = value
        except ValidationError as exc:
            problems.extend(exc.problems)
    if problems:
        raise ValidationError(problems)
    return result


def _folded(text: str) -> str:
    """Case and accents ignored, and ``_`` read as a space (``assigned_to`` = "Assigned to")."""
    return " ".join(fold(text).replace("_", " ").split())
