"""Two administrators editing one procedure template at the same moment.

A new template version took "the highest version + 1" read before it wrote: two edits at
once both read version N. Then either both wrote N + 1 (the second failed on the unique
version: a crash), or the second read the number after the first committed and wrote
N + 2 made from N — the first edit lost, and two versions current, which every later
procedure of that kind then failed on. Now the second waits for the first and edits its
version. Two clients (own engines), forced to read at the same moment, on both servers.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import select

from desktop.domain.lifecycle import ProcedureKind
from desktop.services import template_admin
from desktop.storage.database import Database
from desktop.storage.models import ProcedureTemplate
from tests.desktop.services.test_concurrency import own_client
from tests.factories import seed_world

KIND = ProcedureKind.DECOMMISSION


@pytest.mark.parametrize("db", ["postgresql", "mariadb"], indirect=True)
def test_two_edits_at_once_make_two_versions_and_keep_both(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    seed_world(db)
    together = threading.Barrier(2)
    real_current = template_admin._current
    arrived: set[int] = set()

    def read_together(*args: Any) -> ProcedureTemplate | None:
        found = real_current(*args)
        if threading.get_ident() not in arrived:  # each client's first read, at once
            arrived.add(threading.get_ident())
            # A client that waits for the other's lock never comes: go on alone.
            with contextlib.suppress(threading.BrokenBarrierError):
                together.wait(timeout=3)
        return found

    monkeypatch.setattr(template_admin, "_current", read_together)
    clients = [own_client(db), own_client(db)]
    edits: list[Callable[[Database], object]] = [
        lambda c: template_admin.set_approval(c, "admin", KIND, approvers=2),
        lambda c: template_admin.set_field_scans(
            c, "admin", KIND, field="storage_serials", accepts_scan=True
        ),
    ]
    failures: list[BaseException] = []

    def run(edit: Callable[[Database], object], client: Database) -> None:
        try:
            edit(client)
        except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
            failures.append(exc)

    threads = [threading.Thread(target=run, args=pair) for pair in zip(edits, clients, strict=True)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    for client in clients:
        client.dispose()
    assert not failures, failures

    with db.read() as session:
        versions = session.execute(
            select(ProcedureTemplate.version_number, ProcedureTemplate.is_current)
            .where(ProcedureTemplate.kind == KIND.value, ProcedureTemplate.scope_key == "")
            .order_by(ProcedureTemplate.version_number)
        ).all()
        current = session.execute(
            select(ProcedureTemplate.definition).where(
                ProcedureTemplate.kind == KIND.value,
                ProcedureTemplate.scope_key == "",
                ProcedureTemplate.is_current.is_(True),
            )
        ).scalar_one()
    numbers = [v for v, _ in versions]
    assert numbers == list(range(1, len(numbers) + 1)), numbers
    assert [is_current for _, is_current in versions].count(True) == 1
    assert current["approval"]["approvers"] == 2  # neither edit is lost
    (serials,) = [f for f in current["fields"] if f["key"] == "storage_serials"]
    assert serials.get("accepts_scan") is True
