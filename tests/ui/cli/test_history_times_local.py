"""An audit's "Last audited" change reads in local time, with its zone, in the history.

A new user (newuser13) read "Last audited: — → 2026-12-06T18:12+00:00" in the asset's
history: the stored text of a time (UTC, ISO), where every other time the window and the
command line show is local with its zone. ``asset show`` in Berlin's zone now says
"2026-12-06 19:12 CET (UTC+01:00)". Run as a subprocess on a local file.
"""

from __future__ import annotations

import re

from desktop.services.audit_actions import AuditAction, apply_audit_actions
from desktop.services.audit_scans import record_scan
from desktop.services.audits import close_audit, start_audit
from desktop.storage.database import Database
from tests.cli_run import run_cli
from tests.factories import seed_world


def test_the_last_audited_change_is_shown_in_local_time(sqlite_db: Database) -> None:
    world = seed_world(sqlite_db)
    world.receive(tag="LAP-1")  # in Room A1
    audit = start_audit(sqlite_db, scope_location_id=world.room_a, started_by="auditor").id
    room = record_scan(sqlite_db, audit_id=audit, raw="ROOM-A1", scanned_by="auditor").room_id
    record_scan(sqlite_db, audit_id=audit, raw="LAP-1", scanned_by="auditor", room_id=room)
    close_audit(sqlite_db, audit_id=audit, closed_by="auditor")
    apply_audit_actions(
        sqlite_db, audit_id=audit, actions=[AuditAction.AUDITED], performed_by="auditor"
    )

    shown = run_cli("asset", "show", "LAP-1", database=sqlite_db, env={"TZ": "Europe/Berlin"})
    assert shown.returncode == 0, shown.stderr
    (line,) = [line for line in shown.stdout.splitlines() if "Last audited: — →" in line]
    assert re.search(r"→ \d{4}-\d{2}-\d{2} \d{2}:\d{2} CET \(UTC\+01:00\)", line), line
    assert not re.search(r"\dT\d", line), line
