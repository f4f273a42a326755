"""The migration figure in the README: over the files in this folder, how many rows import
as they are, how many need a choice in the dry run, how many are refused.

Run: ``uv run python -m tests.data.spreadsheets.migration.figure`` (a fresh local database
with our test world, plus the categories the files name). Rows are classified by the dry
run with the default options, exactly as the commit would write them:

- *as they are*: created or updated, no warning;
- *need a choice*: created or updated, but the dry run asks the user to check a choice
  (a date column that does not say whether it is day or month first);
- *refused*: rejected, with the reason named.
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from desktop.services import reference
from desktop.spreadsheets.model import ImportOptions, RowAction
from desktop.spreadsheets.plan import dry_run
from desktop.storage.database import Database
from tests.backends import _sqlite_migrated
from tests.factories import seed_world

HERE = Path(__file__).parent
EXTRA_CATEGORIES = (("Phone", "PHN"), ("Desktop", "DSK"), ("Camera", "CAM"))


@dataclass(frozen=True)
class FileFigure:
    name: str
    as_they_are: int
    need_a_choice: int
    refused: int
    reasons: tuple[str, ...]


def seeded_database(folder: Path) -> Database:
    path = folder / "figure.sqlite3"
    shutil.copyfile(_sqlite_migrated(folder), path)
    database = Database(f"sqlite:///{path}")
    seed_world(database)
    with database.write() as session:
        for name, prefix in EXTRA_CATEGORIES:
            reference.create_category(session, name=name, tag_prefix=prefix)
    return database


def measure(database: Database) -> list[FileFigure]:
    result = []
    for path in sorted(HERE.glob("*.csv")) + sorted(HERE.glob("*.xlsx")):
        plan = dry_run(database, path, ImportOptions())
        undecided = {
            row
            for column in plan.report.dates.values()
            if column.decided_by == "setting"
            for row in column.ambiguous_rows
        }
        landing = [r for r in plan.rows if r.action in (RowAction.CREATE, RowAction.UPDATE)]
        choice = [r for r in landing if r.row in undecided]
        refused = plan.rejected
        reasons = tuple(
            f"row {p.row}, {p.column}: {p.message}" for r in refused for p in r.problems
        )
        result.append(
            FileFigure(path.name, len(landing) - len(choice), len(choice), len(refused), reasons)
        )
    return result


def main() -> None:
    with tempfile.TemporaryDirectory() as temp:
        database = seeded_database(Path(temp))
        figures = measure(database)
        database.dispose()
    print("| file | as they are | need a choice | refused |")
    print("|---|---|---|---|")
    for f in figures:
        print(f"| {f.name} | {f.as_they_are} | {f.need_a_choice} | {f.refused} |")
    totals = [
        sum(getattr(f, k) for f in figures) for k in ("as_they_are", "need_a_choice", "refused")
    ]
    print(f"| **all {sum(totals)} rows** | **{totals[0]}** | **{totals[1]}** | **{totals[2]}** |")
    for f in figures:
        for reason in f.reasons:
            print(f"refused in {f.name}: {reason}")


if __name__ == "__main__":
    main()
