"""``assetdesk kit checkout`` needs a role that may work in the kit.

A person with no role at all (or only the approver's, who records nothing in a kit) could
check out a field kit of the shared database: a copy of the register on their laptop and
500 tag numbers per prefix reserved in their name. A kit is taken to record procedures or
walk an audit, so the checkout needs the technician, auditor or administrator role; the
service refuses anybody else in one sentence naming the role, before any file is made.
Run as a person runs it, on all three backends (a local file of several people, a server).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from desktop.storage.database import Database
from desktop.storage.models import KitCheckout
from tests.factories import seed_world
from tests.ui.kits.test_kit_cli import IN_SCOPE, assetdesk, ok_json, one_line_failure


def _target(db: Database) -> str:
    if db.is_sqlite:
        assert db.sqlite_path is not None
        return str(db.sqlite_path)
    return db.url.render_as_string(hide_password=False)


def _checkouts(db: Database) -> int:
    with db.read() as session:
        return int(session.execute(select(func.count()).select_from(KitCheckout)).scalar_one())


@pytest.mark.parametrize(
    ("username", "holds"), [("user", "they hold no role"), ("approver", "they hold approver")]
)
def test_a_person_without_a_working_role_is_refused_and_no_kit_is_made(
    db: Database, tmp_path: Path, username: str, holds: str
) -> None:
    world = seed_world(db)
    world.receive(tag=IN_SCOPE[0], values={"location": world.room_b})
    kit = tmp_path / "refused.adkit"
    done = assetdesk(
        "--database", _target(db), "kit", "checkout", "--scope", "ROOM-A2",
        "--as", username, "-o", kit,
    )  # fmt: skip
    line = one_line_failure(done, "may not check out a field kit", holds)
    assert "technician" in line and "auditor" in line and "administrator" in line, line
    assert not kit.exists()
    assert _checkouts(db) == 0


def test_an_auditor_checks_a_kit_out(db: Database, tmp_path: Path) -> None:
    world = seed_world(db)
    world.receive(tag=IN_SCOPE[0], values={"location": world.room_b})
    kit = tmp_path / "audit walk.adkit"
    out = ok_json(
        "--database", _target(db), "kit", "checkout", "--scope", "ROOM-A2",
        "--as", "auditor", "-o", kit,
    )  # fmt: skip
    assert out["asset_count"] == 1 and out["checked_out_by"] == "auditor", out
    assert _checkouts(db) == 1
