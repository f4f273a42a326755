"""Label templates: the shipped ones carry the published dimensions; user ones are validated."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from desktop.errors import NotFoundError, ValidationError
from desktop.labels.store import (
    all_templates,
    delete_user_template,
    find_template,
    save_user_template,
    shipped_templates,
)
from desktop.labels.templates import PAGE_TOLERANCE_MM, parse_template
from desktop.storage.database import Database
from desktop.storage.models import LabelTemplate

IN = 25.4

#: name → (page w, h, label w, h, columns, rows, left, top, pitch x, pitch y, dpi), in mm.
PUBLISHED = {
    "Avery L7160": (210, 297, 63.5, 38.1, 3, 7, 7.25, 15.15, 66.04, 38.1, 300),
    "Avery L7163": (210, 297, 99.1, 38.1, 2, 7, 4.65, 15.15, 101.6, 38.1, 300),
    "Avery L7651": (210, 297, 38.1, 21.2, 5, 13, 4.75, 10.7, 40.6, 21.2, 300),
    "Avery 5160": (8.5 * IN, 11 * IN, 2.625 * IN, 1 * IN, 3, 10, 0.1875 * IN, 0.5 * IN, 2.75 * IN, 1 * IN, 300),
    "Avery 5163": (8.5 * IN, 11 * IN, 4 * IN, 2 * IN, 2, 5, 0.15625 * IN, 0.5 * IN, 4.1875 * IN, 2 * IN, 300),
    "Avery 5267": (8.5 * IN, 11 * IN, 1.75 * IN, 0.5 * IN, 4, 20, 0.28125 * IN, 0.5 * IN, 2.0625 * IN, 0.5 * IN, 300),
    "Brother DK 62 × 29 mm": (62, 29, 62, 29, 1, 1, 0, 0, 62, 29, 300),
    "Dymo 99012": (89, 36, 89, 36, 1, 1, 0, 0, 89, 36, 300),
    "Dymo 30252": (3.5 * IN, 1.125 * IN, 3.5 * IN, 1.125 * IN, 1, 1, 0, 0, 3.5 * IN, 1.125 * IN, 300),
    "Zebra 2 × 1 in": (2 * IN, 1 * IN, 2 * IN, 1 * IN, 1, 1, 0, 0, 2 * IN, 1 * IN, 203),
    "Zebra 2.25 × 1.25 in": (2.25 * IN, 1.25 * IN, 2.25 * IN, 1.25 * IN, 1, 1, 0, 0, 2.25 * IN, 1.25 * IN, 203),
}  # fmt: skip


def _user_definition(**changes: object) -> dict[str, object]:
    definition: dict[str, object] = {
        "name": "Asset tags 40 × 20",
        "kind": "sheet",
        "unit": "mm",
        "page_width": 210,
        "page_height": 297,
        "label_width": 40,
        "label_height": 20,
        "columns": 4,
        "rows": 12,
        "left": 10,
        "top": 15,
        "pitch_x": 48,
        "pitch_y": 22,
        "dpi": 600,
        "padding": 1.5,
    }
    definition.update(changes)
    return definition


@pytest.mark.parametrize("name", sorted(PUBLISHED))
def test_shipped_template_has_the_published_dimensions(name: str) -> None:
    template = next(t for t in shipped_templates() if t.name == name)
    actual = (
        template.page_width, template.page_height, template.label_width, template.label_height,
        template.columns, template.rows, template.left, template.top,
        template.pitch_x, template.pitch_y, template.dpi,
    )  # fmt: skip
    assert actual == pytest.approx(PUBLISHED[name], abs=1e-9)
    last_x, last_y = template.cell_origin(template.per_page - 1)
    assert last_x + template.label_width <= template.page_width + PAGE_TOLERANCE_MM
    assert last_y + template.label_height <= template.page_height + PAGE_TOLERANCE_MM


def test_every_shipped_template_is_listed() -> None:
    assert {t.name for t in shipped_templates()} == set(PUBLISHED)


def test_names_are_found_ignoring_case_spaces_and_times_sign(sqlite_db: Database) -> None:
    with sqlite_db.read() as session:
        assert find_template(session, "zebra 2x1in").name == "Zebra 2 × 1 in"
        assert find_template(session, "L7651").name == "Avery L7651"
        with pytest.raises(NotFoundError, match=r"no label template 'Avery 9999'.*Avery L7160"):
            find_template(session, "Avery 9999")


def test_user_template_is_saved_listed_and_replaced(db: Database) -> None:
    saved = save_user_template(db, _user_definition())
    assert saved.user_defined and saved.per_page == 48
    save_user_template(db, _user_definition(name="asset TAGS 40 × 20", dpi=300))
    with db.read() as session:
        templates = all_templates(session)
        found = find_template(session, "Asset tags 40 x 20")
        rows = session.execute(select(func.count()).select_from(LabelTemplate)).scalar_one()
    assert rows == 1
    assert found.dpi == 300 and found.user_defined
    assert [t.name for t in templates if t.user_defined] == ["asset TAGS 40 × 20"]
    delete_user_template(db, "Asset tags 40 × 20")
    with db.read() as session:
        assert not [t for t in all_templates(session) if t.user_defined]


@pytest.mark.parametrize(
    ("changes", "fields"),
    [
        ({"label_width": None}, {"label_width"}),
        ({"pitch_x": 30}, {"pitch_x"}),
        ({"columns": 5}, {"columns"}),
        ({"rows": 14}, {"rows"}),
        ({"dpi": 50}, {"dpi"}),
        ({"columns": 0, "unit": "cm"}, {"columns", "unit"}),
        ({"padding": 10}, {"padding"}),
        ({"name": " "}, {"name"}),
    ],
)
def test_invalid_user_template_is_refused_naming_the_field(
    sqlite_db: Database, changes: dict[str, object], fields: set[str]
) -> None:
    definition = {k: v for k, v in _user_definition(**changes).items() if v is not None}
    with pytest.raises(ValidationError) as raised:
        save_user_template(sqlite_db, definition)
    assert raised.value.fields() == fields
    with sqlite_db.read() as session:
        assert session.execute(select(func.count()).select_from(LabelTemplate)).scalar_one() == 0


def test_user_template_cannot_take_a_shipped_name(sqlite_db: Database) -> None:
    with pytest.raises(ValidationError, match="shipped template has this name"):
        save_user_template(sqlite_db, _user_definition(name="avery l7160"))


def test_inch_templates_are_converted_exactly() -> None:
    template = parse_template(
        {
            "name": "Roll",
            "kind": "roll",
            "unit": "in",
            "label_width": 4,
            "label_height": 6,
            "dpi": 203,
        }
    )
    assert (template.page_width, template.page_height) == pytest.approx((101.6, 152.4), abs=1e-9)
    assert template.padding == pytest.approx(1.5)
