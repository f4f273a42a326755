"""Label templates as data: page, grid of labels, printer resolution.

A template is a JSON object (shipped ones in ``resources/labels``, user-defined ones in the
``label_templates`` table). Lengths are given in the template's ``unit`` (``mm`` or
``in``) so that published inch dimensions stay exact; they are held here in millimetres::

    {"name": "Avery 5160", "kind": "sheet", "unit": "in",
     "page_width": 8.5, "page_height": 11, "label_width": 2.625, "label_height": 1,
     "columns": 3, "rows": 10, "left": 0.1875, "top": 0.5, "pitch_x": 2.75, "pitch_y": 1,
     "dpi": 300, "padding": 0.06, "corner_radius": 0.06}

``kind`` is ``sheet`` (a page of labels) or ``roll`` (a label printer: one label per page,
the page is the label).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from importlib import resources
from typing import Any

from desktop.errors import DesktopError, Problem, ValidationError

MM_PER_INCH = 25.4
UNITS = {"mm": 1.0, "in": MM_PER_INCH}
KINDS = ("sheet", "roll")
#: How far a grid may stick out of the page (rounding in published dimensions).
PAGE_TOLERANCE_MM = 0.5
_LENGTHS = (
    "page_width",
    "page_height",
    "label_width",
    "label_height",
    "left",
    "top",
    "pitch_x",
    "pitch_y",
    "padding",
    "corner_radius",
)


@dataclass(frozen=True)
class Template:
    """A label template; every length in millimetres."""

    name: str
    description: str
    kind: str
    page_width: float
    page_height: float
    label_width: float
    label_height: float
    columns: int
    rows: int
    left: float
    top: float
    pitch_x: float
    pitch_y: float
    dpi: int
    padding: float
    corner_radius: float
    user_defined: bool = False

    @property
    def per_page(self) -> int:
        return self.columns * self.rows

    @property
    def dot_mm(self) -> float:
        """The size of one printer dot in millimetres."""
        return MM_PER_INCH / self.dpi

    def cell_origin(self, index: int) -> tuple[float, float]:
        """Top-left corner (mm, on the page) of the label at ``index`` (row-major, 0-based)."""
        row, column = divmod(index % self.per_page, self.columns)
        return self.left + column * self.pitch_x, self.top + row * self.pitch_y

    def describe_size(self) -> str:
        return f"{self.label_width:g} × {self.label_height:g} mm"


def parse_template(definition: dict[str, Any], *, user_defined: bool = False) -> Template:
    """Check a template definition and turn it into a :class:`Template`.

    Raises:
        ValidationError: naming every field that is missing or wrong.
    """
    problems: list[Problem] = []
    name = definition.get("name")
    if not isinstance(name, str) or not name.strip():
        problems.append(Problem("name", "a template needs a name"))
        name = ""
    elif len(name.strip()) > 100:
        problems.append(Problem("name", "the name is longer than 100 characters"))
    name = name.strip()
    unit = definition.get("unit", "mm")
    if unit not in UNITS:
        problems.append(Problem("unit", f"{unit!r} is not one of mm, in"))
        unit = "mm"
    kind = definition.get("kind", "sheet")
    if kind not in KINDS:
        problems.append(Problem("kind", f"{kind!r} is not one of {', '.join(KINDS)}"))
    values: dict[str, float] = {}
    for key in _LENGTHS:
        raw = definition.get(key, 0 if key in ("corner_radius", "left", "top") else None)
        if key in ("pitch_x", "pitch_y") and raw is None:
            raw = definition.get("label_width" if key == "pitch_x" else "label_height")
        if key in ("page_width", "page_height") and raw is None and kind == "roll":
            raw = definition.get("label_width" if key == "page_width" else "label_height")
        if key == "padding" and raw is None:
            raw = 1.5 / UNITS[unit]
        if isinstance(raw, bool) or not isinstance(raw, int | float):
            problems.append(Problem(key, f"must be a number in {unit}"))
            continue
        if raw < 0 or (raw == 0 and key not in ("left", "top", "padding", "corner_radius")):
            problems.append(Problem(key, f"must be more than 0 {unit}"))
            continue
        values[key] = float(raw) * UNITS[unit]
    counts: dict[str, int] = {}
    for key in ("columns", "rows", "dpi"):
        raw = definition.get(key, 1 if key in ("columns", "rows") else None)
        if isinstance(raw, bool) or not isinstance(raw, int) or raw < 1:
            problems.append(Problem(key, "must be a whole number of at least 1"))
            continue
        counts[key] = raw
    if "dpi" in counts and not 100 <= counts["dpi"] <= 2400:
        problems.append(Problem("dpi", "the printer resolution must be 100 to 2400 dots per inch"))
    if not problems:
        problems.extend(_geometry_problems(values, counts, unit))
    if problems:
        raise ValidationError(problems, subject=f"label template '{name or '?'}'")
    return Template(
        name=name,
        description=str(definition.get("description", "")),
        kind=str(kind),
        columns=counts["columns"],
        rows=counts["rows"],
        dpi=counts["dpi"],
        user_defined=user_defined,
        **values,
    )


def _geometry_problems(
    values: dict[str, float], counts: dict[str, int], unit: str
) -> list[Problem]:
    problems = []
    if values["pitch_x"] + 1e-6 < values["label_width"]:
        problems.append(Problem("pitch_x", "the labels of a row overlap: pitch is less than width"))
    if values["pitch_y"] + 1e-6 < values["label_height"]:
        problems.append(Problem("pitch_y", "the rows overlap: pitch is less than label height"))
    right = values["left"] + (counts["columns"] - 1) * values["pitch_x"] + values["label_width"]
    bottom = values["top"] + (counts["rows"] - 1) * values["pitch_y"] + values["label_height"]
    factor = UNITS[unit]
    if right > values["page_width"] + PAGE_TOLERANCE_MM:
        problems.append(
            Problem(
                "columns",
                f"the labels reach {right / factor:g} {unit} across a page "
                f"{values['page_width'] / factor:g} {unit} wide",
            )
        )
    if bottom > values["page_height"] + PAGE_TOLERANCE_MM:
        problems.append(
            Problem(
                "rows",
                f"the labels reach {bottom / factor:g} {unit} down a page "
                f"{values['page_height'] / factor:g} {unit} high",
            )
        )
    smallest = min(values["label_width"], values["label_height"])
    if values["padding"] * 2 >= smallest:
        problems.append(Problem("padding", "the padding leaves no room on the label"))
    return problems


def load_shipped_templates() -> list[Template]:
    """The templates shipped in ``resources/labels``, sorted by name."""
    folder = resources.files("resources.labels")
    templates = []
    for entry in folder.iterdir():
        if not entry.name.endswith(".json"):
            continue
        try:
            definition = json.loads(entry.read_text(encoding="utf-8"))
        except json.JSONDecodeError as exc:  # a broken shipped file is a packaging bug
            raise DesktopError(
                f"label template file {entry.name} is not valid JSON: {exc}"
            ) from exc
        templates.append(parse_template(definition))
    return sorted(templates, key=lambda t: t.name.casefold())
