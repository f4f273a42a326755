"""The README's migration figure is the one the files give today."""

from __future__ import annotations

import re
from pathlib import Path

from tests.data.spreadsheets.migration.figure import measure, seeded_database

README = Path(__file__).parents[3] / "README.md"


def test_the_readme_figure_is_measured(tmp_path: Path) -> None:
    database = seeded_database(tmp_path)
    try:
        figures = measure(database)
    finally:
        database.dispose()
    match = re.search(
        r"\| \*\*all (\d+) rows\*\* \| \*\*(\d+)\*\* \| \*\*(\d+)\*\* \| \*\*(\d+)\*\* \|",
        README.read_text(encoding="utf-8"),
    )
    assert match is not None
    claimed = tuple(int(g) for g in match.groups())
    measured = (
        sum(f.as_they_are + f.need_a_choice + f.refused for f in figures),
        sum(f.as_they_are for f in figures),
        sum(f.need_a_choice for f in figures),
        sum(f.refused for f in figures),
    )
    assert measured == claimed
    assert all(len(f.reasons) >= f.refused for f in figures)
