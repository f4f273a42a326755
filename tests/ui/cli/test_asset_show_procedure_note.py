"""``assetdesk asset show``: each procedure's note is in the history.

The note recorded with a procedure (a field kit's replay says where and by whom it was
made offline, a settled conflict which one, a service's caller what it wants kept) was
in the database and the JSON-less text never showed it. It is printed under the
procedure, lines after the first indented under the value as the asset's notes are;
``--json`` carries it too. On all three backends (the history is one prepared statement
per backend, MariaDB's in two).
"""

from __future__ import annotations

import json
import subprocess

from desktop.domain.lifecycle import ProcedureKind
from desktop.services.approvals import approve
from desktop.services.procedures import ProcedureRequest, record_procedure
from desktop.storage.database import Database
from tests.approval_templates import set_approval_rule
from tests.cli_run import run_cli
from tests.factories import seed_world

NOTE = "Battery swapped under warranty.\nOld battery: recycling bin B"


def _assetdesk(db: Database, *argv: str) -> subprocess.CompletedProcess[str]:
    return run_cli(*argv, database=db, timeout=120)


def test_the_history_shows_each_procedures_note(db: Database) -> None:
    world = seed_world(db)
    world.receive(tag="LAP-7")
    set_approval_rule(db, ProcedureKind.CHANGE, approvers=1)
    outcome = record_procedure(
        db,
        ProcedureRequest(
            kind=ProcedureKind.CHANGE,
            performed_by="tech",
            asset_tag="LAP-7",
            values={"serial_number": "SN-7"},
            answers={"change_type": "Repair"},
            reason="battery failed",
            note=NOTE,
        ),
    )
    approve(db, procedure_id=outcome.procedure_id, approver="approver", comment="ok")

    shown = _assetdesk(db, "asset", "show", "LAP-7")
    assert shown.returncode == 0, shown.stderr
    history = shown.stdout.splitlines()
    at = history.index("      note: Battery swapped under warranty.")
    assert history[at + 1] == " " * 12 + "Old battery: recycling bin B"
    assert history[at - 1] == "      reason: battery failed"
    assert sum(line.lstrip().startswith("note:") for line in history) == 1  # receive: none

    as_json = _assetdesk(db, "asset", "show", "LAP-7", "--json")
    assert as_json.returncode == 0, as_json.stderr
    change, receive = json.loads(as_json.stdout)["history"]
    assert change["note"] == NOTE and change["approvals"][0]["comment"] == "ok"
    assert receive["note"] == ""
