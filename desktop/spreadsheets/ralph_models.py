"""Ralph's model text: ``model_str`` is written "[Category] Manufacturer Model" (for
example "[Storage] EMC VNX5300"), with no manufacturer column beside it.

The category in brackets becomes the row's category when the file has no category
column; the first word(s) of the rest are the manufacturer when they name a manufacturer
the register knows (or the row's manufacturer column says so); otherwise the model is
kept whole under "Unknown manufacturer" and the row gets a warning saying what to do.
"""

from __future__ import annotations

import re
from collections.abc import Container
from dataclasses import dataclass

_BRACKETED = re.compile(r"^\[([^\[\]]+)\]\s*(.*)$")


@dataclass(frozen=True)
class RalphModel:
    category: str
    name: str
    manufacturer: str  # "" when no known manufacturer was found
    warning: str = ""


def split_ralph_model(text: str, manufacturer: str, known: Container[str]) -> RalphModel | None:
    """``text`` read as Ralph's "[Category] Manufacturer Model"; None when it is not in
    that form. ``known``: the register's manufacturer names, case-folded."""
    found = _BRACKETED.match(text.strip())
    if found is None:
        return None
    category, rest = found.group(1).strip(), found.group(2).strip()
    if not rest:
        return RalphModel(category, "", manufacturer)
    if manufacturer:
        if rest.casefold().startswith(manufacturer.casefold() + " "):
            rest = rest[len(manufacturer) + 1 :].strip()
        return RalphModel(category, rest, manufacturer)
    if rest.casefold() in known:  # "[Storage] EMC": a model named as its maker
        return RalphModel(category, rest, rest)
    words = rest.split()
    for count in range(len(words) - 1, 0, -1):  # the longest known name first
        maker = " ".join(words[:count])
        if maker.casefold() in known:
            return RalphModel(category, " ".join(words[count:]), maker)
    return RalphModel(
        category,
        rest,
        "",
        f"the model '{text.strip()}' is read as Ralph's \"[category] manufacturer model\", "
        f"but no manufacturer this register knows begins '{rest}': the model '{rest}' is "
        "filed under 'Unknown manufacturer'. Map a Manufacturer column, or add the "
        "manufacturer (Data › Manufacturers and models) and import again",
    )
