"""Snipe-IT rows checked out to someone under a status label that is not "Deployed".

Snipe-IT keeps an asset's label ("Ready to Deploy") when it checks the asset out and
shows it as "Deployed" (a non-deployable label as "Deployed (Broken)"); its custom asset
report writes the label with its type: "Ready to Deploy (deployed)". The dry run says per
row, naming both columns, what the import makes of such a row; the commit does it.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

from sqlalchemy import select

from desktop.storage.models import Asset, Person, Procedure
from tests.ui.spreadsheets.test_first_import_cli import assetdesk, open_db

# Columns of Snipe-IT's custom asset report (Reports › Custom Asset Report), in its order.
REPORT_HEADER = [
    "Asset Name", "Asset Tag", "Model", "Category", "Manufacturer", "Serial", "Location",
    "Checked Out", "Type", "Username", "Status",
]  # fmt: skip
REPORT_ROWS = [
    ["Anna's laptop", "LT-1", "T14", "Laptop", "Lenovo", "S1", "HQ",
     "Anna Smith", "user", "asmith", "Ready to Deploy (deployed)"],
    ["Bob's laptop", "LT-2", "T14", "Laptop", "Lenovo", "S2", "HQ",
     "Bob Jones", "user", "bjones", "Pending (deployed)"],
    ["Cracked", "LT-3", "T14", "Laptop", "Lenovo", "S3", "HQ",
     "Anna Smith", "user", "asmith", "Broken (deployed)"],
    ["Old laptop", "LT-4", "T14", "Laptop", "Lenovo", "S4", "HQ",
     "Bob Jones", "user", "bjones", "Archived (deployed)"],
    ["Spare laptop", "LT-5", "T14", "Laptop", "Lenovo", "S5", "HQ",
     "", "", "", "Ready to Deploy (deployable)"],
    ["Carl's laptop", "LT-6", "T14", "Laptop", "Lenovo", "S6", "HQ",
     "Carl Cole", "user", "ccole", "Ready to Deploy (deployed)"],
]  # fmt: skip


def report_file(path: Path) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows([REPORT_HEADER, *REPORT_ROWS])
    return path


def assets(path: Path) -> dict[str, tuple[str, str | None, list[str]]]:
    """tag → (status, assignee's user name, procedure kinds in order)."""
    db = open_db(path)
    try:
        with db.read() as session:
            result: dict[str, tuple[str, str | None, list[str]]] = {}
            rows = session.execute(
                select(Asset.id, Asset.tag, Asset.status, Person.username).outerjoin(
                    Person, Person.id == Asset.assigned_to_id
                )
            )
            for asset_id, tag, status, username in rows:
                kinds = session.execute(
                    select(Procedure.kind)
                    .where(Procedure.asset_id == asset_id)
                    .order_by(Procedure.performed_at)
                ).scalars()
                result[tag] = (status, username, list(kinds))
            return result
    finally:
        db.dispose()


def test_dry_run_says_per_row_what_a_checked_out_label_becomes(tmp_path: Path) -> None:
    database = tmp_path / "register.sqlite3"
    assert assetdesk(database, "db", "upgrade").returncode == 0
    path = report_file(tmp_path / "custom-asset-report.csv")

    dry = assetdesk(database, "import", str(path), "--dry-run")
    assert dry.returncode == 0, dry.stdout + dry.stderr
    out = dry.stdout
    # The ordinary case (most of a Snipe-IT export) is said once, naming its rows.
    assert (
        "Note: Status 'Ready to Deploy (deployed)' with a person in Username: imported as In "
        "service — received, then installed for that person (Snipe-IT shows a checked-out "
        "asset with a deployable label as 'Deployed'): 2 rows (rows 2, 7)\n"
    ) in out
    assert (
        "    warning: Status 'Pending (deployed)' and Username 'bjones': imported as In "
        "service: received, then installed for bjones ('Pending' is not a status Snipe-IT "
        "checks assets out under: if it is not with them yet, leave the assignee out). "
        "Snipe-IT shows a checked-out asset like this one as 'Deployed (Pending)'"
    ) in out
    assert (
        "    warning: Status 'Broken (deployed)' and Username 'asmith': imported as In repair: "
        "received, installed for asmith, then changed to In repair; it stays assigned to asmith."
    ) in out
    assert (
        "    warning: Status 'Archived (deployed)' and Username 'bjones': imported as "
        "Decommissioned: received, installed for bjones, then decommissioned, which ends the "
        "assignment (bjones stays in its history)."
    ) in out
    # Each warning sits under its row; a row in stock with nobody says nothing.
    lines = out.splitlines()
    lines = lines[next(i for i, line in enumerate(lines) if line.startswith("Values (")) :]
    for number, tag in ((3, "LT-2"), (4, "LT-3"), (5, "LT-4")):
        at = next(i for i, line in enumerate(lines) if line.startswith(f"  row {number} {tag}:"))
        assert lines[at + 1].startswith("    warning: Status '"), lines[at : at + 2]
    for number, tag in ((2, "LT-1"), (6, "LT-5"), (7, "LT-6")):
        (shown,) = [line for line in lines if line.startswith(f"  row {number} {tag}:")]
        assert not lines[lines.index(shown) + 1].startswith("    warning:")
    assert assets(database) == {}

    done = assetdesk(database, "import", str(path), "--json")
    assert done.returncode == 0, done.stdout + done.stderr
    payload = json.loads(done.stdout)
    warned = {w["row"]: w["message"] for w in payload["warnings"]}
    assert sorted(warned) == [3, 4, 5]
    assert any(n.endswith(": 2 rows (rows 2, 7)") for n in payload["notes"])
    assert assets(database) == {
        "LT-1": ("in_service", "asmith", ["receive", "install"]),
        "LT-2": ("in_service", "bjones", ["receive", "install"]),
        "LT-3": ("in_repair", "asmith", ["receive", "install", "change"]),
        # The shipped decommission template asks for 2 approvals: it waits, the asset stays.
        "LT-4": ("in_service", "bjones", ["receive", "install", "decommission"]),
        "LT-5": ("in_stock", None, ["receive"]),
        "LT-6": ("in_service", "ccole", ["receive", "install"]),
    }


def test_the_same_export_again_keeps_checked_out_assets_in_service(tmp_path: Path) -> None:
    """Rows matched to assets already here are read as new rows are: "Ready to Deploy"
    with a person is a checked-out asset, said once; a spare handed over since is
    installed for its person."""
    database = tmp_path / "register.sqlite3"
    assert assetdesk(database, "db", "upgrade").returncode == 0
    path = report_file(tmp_path / "custom-asset-report.csv")
    first = assetdesk(database, "import", str(path), "--json")
    assert first.returncode == 0, first.stdout + first.stderr

    again = assetdesk(database, "import", str(path), "--dry-run", "--json")
    payload = json.loads(again.stdout)
    assert payload["counts"]["update"] == 0, payload["changes"]
    assert (
        "Status 'Ready to Deploy (deployed)' with a person in Username on an asset already "
        "here: read as In service, assigned to that person (Snipe-IT keeps the label of an "
        "asset it checks out and shows it as 'Deployed'): 2 rows (rows 2, 7)"
    ) in payload["notes"]
    warned = {w["row"]: w["message"] for w in payload["warnings"]}
    assert warned[3] == (
        "Status 'Pending (deployed)' and Username 'bjones': read as In service, assigned to "
        "bjones ('Pending' is not a status Snipe-IT checks assets out under: if it is not "
        "with them yet, leave the assignee out). Snipe-IT shows a checked-out asset like "
        "this one as 'Deployed (Pending)'"
    )
    assert warned[4].startswith("Status 'Broken (deployed)' and Username 'asmith': read as ")
    # The plain-text dry run says them too, under the rows they are about.
    plain = assetdesk(database, "import", str(path), "--dry-run")
    # LT-4's decommission waits for approval, as its row asks: unchanged, said.
    assert plain.returncode == 0, plain.stdout + plain.stderr
    assert "  0 create, 0 update, 6 unchanged, 0 conflicts, 0 errors" in plain.stdout
    assert "Warnings on unchanged and refused rows:\n" in plain.stdout
    assert f"  row 3 LT-2: unchanged\n    warning: {warned[3]}\n" in plain.stdout
    assert f"  row 4 LT-3: unchanged\n    warning: {warned[4]}\n" in plain.stdout
    assert "  row 5 LT-4: unchanged\n    warning: Status 'Archived (deployed)'" in plain.stdout
    assert "a decommission of LT-4 already waits for approval, as this row asks" in plain.stdout

    # The spare was checked out to Carl in Snipe-IT since the first export.
    rows = [REPORT_HEADER, *REPORT_ROWS]
    rows[5] = [*rows[5][:7], "Carl Cole", "user", "ccole", "Ready to Deploy (deployable)"]
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(rows)
    dry = assetdesk(database, "import", str(path), "--dry-run")
    assert "  row 6 LT-5: Status: In stock → In service; Assigned to: — → ccole;" in dry.stdout
    assert "  0 create, 1 update, 5 unchanged, 0 conflicts, 0 errors" in dry.stdout  # LT-4 waits
    done = assetdesk(database, "import", str(path), "--valid-only")
    assert "Imported: 0 assets received, 1 changed," in done.stdout, done.stdout + done.stderr
    found = assets(database)
    assert found["LT-5"][:2] == ("in_service", "ccole")
    assert found["LT-1"] == ("in_service", "asmith", ["receive", "install"])
