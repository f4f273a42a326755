"""``assetdesk kit sync KIT --check-in`` as a subprocess, on SQLite, PostgreSQL and
MariaDB sources: offline work made with the command line in the kit (an audit started,
scanned and closed; an incident assigned) is replayed, the checkout ends on the source
(no more "checked out by" marks), and the kit refuses further work and sync in one line.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from desktop import kits
from desktop.services.audits import audit_summary
from desktop.services.incidents import IncidentRequest, log_incident
from desktop.storage.database import Database
from desktop.storage.models import Asset, Audit, Incident, KitCheckout
from tests.ui.kits.test_kit_cli import _fill, assetdesk, ok, ok_json, one_line_failure


def test_check_in_replays_offline_audits_and_moves_then_ends_the_checkout(
    db: Database, tmp_path: Path
) -> None:
    world = _fill(db)
    number = log_incident(
        db,
        IncidentRequest(
            logged_by="tech",
            asset_tags=["LAP-1001"],
            title="Fan noise",
            description="Loud fan.",
            severity="low",
            routed_group="Infrastructure",
        ),
    ).number
    url = db.url.render_as_string(hide_password=False)
    kit = tmp_path / "visit.adkit"
    ok("--database", url, "kit", "checkout", "--scope", "ROOM-A2", "--as", "tech", "-o", kit)
    with db.read() as s:
        lap = s.execute(select(Asset.id).where(Asset.tag == "LAP-1001")).scalar_one()
        assert lap in kits.checkouts_for_assets(s, [lap])

    # Offline, through the command line in the kit.
    ok("--database", kit, "audit", "start", "--scope", "ROOM-A2", "--name", "Basement",
       "--as", "auditor")  # fmt: skip
    ok("--database", kit, "audit", "scan", "Basement", "LAP-1001", "LAP-1002", "--as", "auditor")
    ok("--database", kit, "audit", "close", "Basement", "--as", "auditor")
    ok("--database", kit, "incidents", "move", str(number), "assigned", "--assignee", "infra",
       "--as", "infra")  # fmt: skip

    report = ok_json("kit", "sync", kit, "--check-in", "--as", "tech")
    assert report["returned"] is True and report["refreshed"] is False
    assert [(r["record"], r["outcome"]) for r in report["results"]] == [
        ("audit", "applied"),
        ("scan", "applied"),
        ("scan", "applied"),
        ("audit close", "applied"),
        ("incident event", "applied"),
    ]
    with db.read() as s:
        audit = s.execute(select(Audit).where(Audit.name == "Basement")).scalar_one()
        summary = audit_summary(s, audit.id)
        assert (summary.is_open, summary.scans) == (False, 2)
        incident = s.execute(select(Incident).where(Incident.number == number)).scalar_one()
        assert (incident.status, incident.assigned_to_id) == ("assigned", world.people["infra"])
        assert kits.checkouts_for_assets(s, [lap]) == {}
        assert kits.active_checkouts(s) == []
        (checkout,) = s.execute(select(KitCheckout)).scalars()
        assert checkout.returned_at is not None

    status = ok_json("--database", kit, "kit", "status")
    assert status["returned_at"] is not None and status["waiting"] == 0
    assert "checked in (returned)" in ok("--database", kit, "kit", "status")
    # The returned kit takes no more work and is not synced again: one line each.
    one_line_failure(
        assetdesk("--database", kit, "incidents", "note", str(number), "again", "--as", "tech"),
        "This field kit was returned",
    )
    one_line_failure(assetdesk("kit", "sync", kit), "was returned", "check out a new kit")
    one_line_failure(assetdesk("kit", "sync", kit, "--check-in"), "was returned")
