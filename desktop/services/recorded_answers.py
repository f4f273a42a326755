"""The answers a procedure recorded, as a history shows them: "Data sanitisation method:
Purge: cryptographic erase", "Certificate number: REC-88812".

The evidence a decommission or disposal captured belongs in the asset's timeline (window
and command line alike). Labels come from the shipped templates; a field an
administrator added is labelled from its key.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from desktop.services.templates import default_definitions

#: Answer keys that are not template fields (the checklist is shown as ticks elsewhere).
_CHECKLIST_PREFIX = "checklist."


@cache
def _labels() -> dict[tuple[str, str], str]:
    labels: dict[tuple[str, str], str] = {}
    for kind, data in default_definitions().items():
        for spec in data.get("fields", []):
            labels[(kind.value, spec["key"])] = str(spec.get("label", spec["key"]))
    return labels


def answer_label(kind: str, key: str) -> str:
    return _labels().get((kind, key)) or key.replace("_", " ").capitalize()


def recorded_answers(kind: str, answers: dict[str, Any]) -> list[tuple[str, str]]:
    """(label, text) for every template field answered, in the order recorded."""
    lines: list[tuple[str, str]] = []
    for key, value in answers.items():
        if key.startswith(_CHECKLIST_PREFIX) or value is None or value == "":
            continue
        if key in ("impact", "likelihood"):
            continue  # shown as the procedure's risk
        text = ("yes" if value else "no") if isinstance(value, bool) else str(value)
        lines.append((answer_label(kind, key), text))
    return lines
