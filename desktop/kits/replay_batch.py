"""One server transaction's per-record replay: what every record's replay shares.

:class:`ReplayBatch` holds the server and kit sessions of a batch, reads the batch's rows
in a few statements (:meth:`ReplayBatch.prefetch`), and gives the record handlers of
:class:`desktop.kits.replay._Replayer` their means: a savepoint per record, the result
line, and the conflict queue a refused record goes to (numbered on the server).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from desktop.domain.fields import custom_field_labels
from desktop.errors import DesktopError
from desktop.kits.model import (
    FieldDifference,
    KitInfo,
    Outcome,
    RecordResult,
)
from desktop.kits.replay_rules import Base, Entry, Replayed
from desktop.kits.schema import (
    chunks,
)
from desktop.services.audits import (
    lock_audits,
)
from desktop.storage.models import (
    Asset,
    AuditScan,
    Category,
    KitConflict,
    Procedure,
)
from desktop.storage.types import utcnow

CONFLICT_NUMBER_ATTEMPTS = 20


class ReplayBatch:
    def __init__(
        self,
        session: Session,
        kit_session: Session,
        info: KitInfo,
        by_user: str,
        bases: Mapping[uuid.UUID, Base],
        *,
        dry_run: bool = False,
    ) -> None:
        self.session = session
        self.kit = kit_session
        self.info = info
        self.by_user = by_user
        self.bases = bases
        self.dry_run = dry_run
        #: Ids of this batch's records the server already has (see :meth:`prefetch`).
        self.on_server: set[uuid.UUID] = set()
        self.queued: dict[uuid.UUID, tuple[uuid.UUID, int]] = {}
        self.prefetched = False
        self.held: list[object] = []
        self._titles: dict[uuid.UUID | None, dict[str, str]] = {}
        #: User names by person id, as this kit spells them: per sync, not per process (a
        #: login renamed on the server reaches the next kit; a process-wide cache kept the
        #: old name, which the server's check then looked for in vain).
        self._usernames: dict[uuid.UUID, str] = {}

    def prefetch(self, entries: list[Entry]) -> None:
        """Read a batch's rows in a few statements instead of several per record: the
        kit's procedures, scans and their assets (into the kit session), which of them
        the server already has or queued, and the server's assets they touch — locked
        for the batch's transaction (in id order), so that the three-way comparison and
        the record are made on the same server version."""
        # The sessions' identity maps hold objects weakly: keep them for the batch.
        held = self.held = []
        by_record: dict[str, list[uuid.UUID]] = {}
        for entry in entries:
            by_record.setdefault(entry.record, []).append(entry.row_id)
        procedure_ids = by_record.get("procedure", [])
        scan_ids = by_record.get("scan", [])
        asset_ids: set[uuid.UUID] = set()
        for part in chunks(procedure_ids):
            for procedure in self.kit.execute(
                select(Procedure).where(Procedure.id.in_(part))
            ).scalars():
                held.append(procedure)
                asset_ids.add(procedure.asset_id)
            self.on_server.update(
                self.session.execute(select(Procedure.id).where(Procedure.id.in_(part))).scalars()
            )
        for part in chunks(scan_ids):
            held.extend(self.kit.execute(select(AuditScan).where(AuditScan.id.in_(part))).scalars())
            self.on_server.update(
                self.session.execute(select(AuditScan.id).where(AuditScan.id.in_(part))).scalars()
            )
        for part in chunks(sorted(asset_ids)):
            held.extend(self.kit.execute(select(Asset).where(Asset.id.in_(part))).scalars())
        if not self.dry_run:
            audits = {scan.audit_id for scan in held if isinstance(scan, AuditScan)}
            held.extend(lock_audits(self.session, audits))
        if asset_ids and not self.dry_run:
            for part in chunks(sorted(asset_ids)):
                held.extend(
                    self.session.execute(
                        select(Asset)
                        .where(Asset.id.in_(part))
                        .order_by(Asset.id)
                        .with_for_update()
                        .execution_options(populate_existing=True)
                    ).scalars()
                )
        for part in chunks([e.entry_id for e in entries]):
            for row in self.session.execute(
                select(KitConflict.entry_id, KitConflict.id, KitConflict.number).where(
                    KitConflict.entry_id.in_(part)
                )
            ):
                self.queued[row.entry_id] = (row.id, row.number)
        self.prefetched = True

    # -- helpers

    def _username(self, person_id: uuid.UUID | None) -> str:
        if person_id is None:
            return ""
        known = self._usernames.get(person_id)
        if known is None:
            # The kit is SQLite (ids as hex text): a plain statement, not a select compiled
            # once per process (~1 ms of a command line's sync).
            driver = self.kit.connection().connection.driver_connection
            assert driver is not None
            row = driver.execute(
                "SELECT username FROM people WHERE id = ?", (person_id.hex,)
            ).fetchone()
            found = None if row is None else row[0]
            known = self._usernames[person_id] = found if found is not None else str(person_id)
        return known

    def custom_titles(self, category_id: uuid.UUID | None) -> dict[str, str]:
        """A category's custom field titles by key, as the server names them ("ram_gb" →
        "RAM (GB)"): what a conflict or a rebase calls a custom field."""
        titles = self._titles.get(category_id)
        if titles is None:
            definitions = None
            if category_id is not None:
                definitions = self.session.execute(
                    select(Category.custom_fields).where(Category.id == category_id)
                ).scalar_one_or_none()
            titles = self._titles[category_id] = custom_field_labels(definitions)
        return titles

    def _on_server(self, model: Any, row_id: uuid.UUID) -> bool:
        if self.prefetched:
            return row_id in self.on_server
        return self.session.get(model, row_id) is not None

    @contextmanager
    def _attempt(self) -> Iterator[None]:
        with self.session.begin_nested():
            yield

    def _replay(
        self, entry: Entry, apply: Callable[[], object], *, summary: str, **queue: Any
    ) -> Replayed:
        """Apply one record through its service in a savepoint: applied, or queued with
        the service's reason (``queue``: the rest of :meth:`_queue`'s arguments)."""
        try:
            with self._attempt():
                apply()
        except DesktopError as problem:
            return self._queue(entry, summary=summary, reasons=[problem.message], **queue)
        return Replayed(self._result(entry, summary, Outcome.APPLIED))

    def _result(
        self, entry: Entry, summary: str, outcome: Outcome, reason: str = "", **kw: Any
    ) -> RecordResult:
        if not kw:
            return RecordResult.made(
                entry.seq, entry.record, entry.row_id, summary, outcome, reason
            )
        return RecordResult(entry.seq, entry.record, entry.row_id, summary, outcome, reason, **kw)

    def _queue(
        self,
        entry: Entry,
        *,
        summary: str,
        reasons: list[str],
        performed_by_id: uuid.UUID | None,
        performed_at: dt.datetime,
        procedure_kind: str | None = None,
        asset_id: uuid.UUID | None = None,
        asset_tag: str = "",
        fields: list[FieldDifference] | None = None,
        payload: dict[str, Any] | None = None,
    ) -> Replayed:
        reason = "; ".join(reasons)
        if self.dry_run:
            return Replayed(self._result(entry, summary, Outcome.CONFLICT, reason))
        now = utcnow()
        for _attempt in range(CONFLICT_NUMBER_ATTEMPTS):
            number = (
                int(
                    self.session.execute(
                        select(func.coalesce(func.max(KitConflict.number), 0))
                    ).scalar_one()
                )
                + 1
            )
            conflict = KitConflict(
                id=uuid.uuid4(),
                number=number,
                kit_id=self.info.kit_id,
                entry_id=entry.entry_id,
                record=entry.record,
                record_id=entry.row_id,
                seq=entry.seq,
                procedure_kind=procedure_kind,
                asset_id=asset_id,
                asset_tag=asset_tag[:64],
                summary=summary[:500],
                performed_by_id=performed_by_id,
                performed_by=self._username(performed_by_id),
                performed_at=performed_at,
                reasons=reasons,
                fields=[f.as_json() for f in fields or []],
                payload=payload or {},
                detected_at=now,
                resolution_note="",
            )
            try:
                with self.session.begin_nested():
                    self.session.add(conflict)
                    self.session.flush()
            except IntegrityError:
                continue
            return Replayed(
                self._result(
                    entry,
                    summary,
                    Outcome.CONFLICT,
                    f"#{number}: {reason}",
                    conflict_id=conflict.id,
                )
            )
        raise DesktopError("could not number a conflict after several attempts; sync again")
