"""Writing a dry run's plan: one transaction, procedures for every change, batched.

Creates become *receive* procedures followed by the steps to the row's status
(:mod:`desktop.spreadsheets.history`: install, a change to in repair or missing,
decommission, dispose); updates become *change* procedures, and a row that retires an
asset adds a decommission (and a disposal). Origin is the file
(``Origin.IMPORT_FILE``, detail: file, sheet and row). The asset rows and procedure rows
are written with Core ``executemany`` in batches — the same columns and the same JSON
``record_in_session`` writes, validated by the plan with the same rules — because one ORM
round trip per row cannot import 100,000 rows in reasonable time.

Checklist items a template requires (receive: inspected, contents match; install:
powers on, handed over) are recorded as ticked *by the import*: the person who confirms
an import vouches for the goods the file lists, and the procedure's note says so.
"""

from __future__ import annotations

import threading
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from desktop.collector import collector_paused
from desktop.domain.fields import FIELDS_BY_KEY
from desktop.domain.lifecycle import AssetStatus, ProcedureKind
from desktop.domain.permissions import Work
from desktop.domain.tags import format_tag, normalize_tag
from desktop.errors import ConflictError, DesktopError, FieldConflict
from desktop.services.approval_rule import ApprovalRules
from desktop.services.permissions import require
from desktop.services.tags import UsedNumbers, locked_sequence, numbers_spelt
from desktop.spreadsheets.bulk_index import IndexUpkeep, index_upkeep_for, writes_in_bulk
from desktop.spreadsheets.change_json import ChangeFragments, CreationChanges
from desktop.spreadsheets.commit_rows import (
    ASSET_OWN,
    ASSETS,
    BATCH,
    OFTEN_ABSENT,
    PROCEDURE_BATCH,
    PROCEDURES,
    PROCEDURES_AHEAD,
    READY_ASSET,
    SHARED_LIMIT,
    Creation,
    ImportResult,
    faster,
    status_after,
    status_change,
)
from desktop.spreadsheets.create_references import ReferenceCreator
from desktop.spreadsheets.custom_columns import add_new_custom_fields
from desktop.spreadsheets.import_runs import record_import
from desktop.spreadsheets.model import (
    ImportPlan,
    Progress,
    RowAction,
    RowPlan,
    check_cancel,
)
from desktop.spreadsheets.procedure_rows import READY_PROCEDURE, ProcedureRows
from desktop.spreadsheets.reference_grants import refuse_new_references_without_grants
from desktop.spreadsheets.references import PendingReference
from desktop.spreadsheets.row_answers import answers_for
from desktop.spreadsheets.row_approvals import Decisions, RowApproval, decide_row
from desktop.spreadsheets.stale_plan import (
    AGAIN,
    PlanOutdatedError,
    refuse_new_serial_matches,
    taken_tag_message,
)
from desktop.storage.bulk import (
    InsertStatement,
    References,
    RowConverter,
    RowTemplate,
    insert_converted,
)
from desktop.storage.database import Database
from desktop.storage.models import (
    Category,
)
from desktop.storage.time_ordered_ids import time_ordered_hex, time_ordered_ids
from desktop.storage.types import utcnow
from desktop.wording import plural

#: Not (yet) among the references converted (see _stored_id).
_UNSEEN = object()


def commit_import(
    db: Database,
    plan: ImportPlan,
    *,
    performed_by: str,
    valid_only: bool = False,
    progress: Progress | None = None,
    cancel: threading.Event | None = None,
    alone: bool = False,
) -> ImportResult:
    """Write ``plan`` in one transaction. Any error or a cancel rolls everything back.

    Without ``valid_only`` a plan with any rejected row writes nothing. ``alone``: the
    caller's process reads nothing else from ``db`` while the import writes (the command
    line; not a window, whose views read meanwhile): a bulk import into a SQLite file
    that no other connection has open then writes with a rollback journal
    (:mod:`desktop.storage.bulk_journal`).
    """
    with collector_paused():  # from the start: a collection would walk the plan's every object
        return _commit(db, plan, performed_by, valid_only, progress, cancel, alone)


def _commit(
    db: Database,
    plan: ImportPlan,
    performed_by: str,
    valid_only: bool,
    progress: Progress | None,
    cancel: threading.Event | None,
    alone: bool,
) -> ImportResult:
    with db.read() as session:  # the role first: who may import at all
        person = require(session, performed_by, Work.IMPORT)
        actor = person.id  # the performer of every procedure written (see _Writer)
        refuse_new_references_without_grants(session, plan, person)
        rollback_journal = alone and db.is_sqlite and writes_in_bulk(session, plan)
    rejected = plan.rejected
    if rejected and not valid_only:
        first = rejected[0].problems[0] if rejected[0].problems else None
        detail = f" (first: row {first.row}, {first.column}: {first.message})" if first else ""
        raise DesktopError(
            f"{plan.where}: {plural(len(rejected), 'row was|rows were')} rejected{detail}. "
            f"Nothing was imported: fix {'it' if len(rejected) == 1 else 'them'}, or import the "
            "valid rows only"
        )
    try:
        # References are looked up once each before commit, not row by row (bulk_write).
        references = References()
        with (
            db.bulk_write(references, rollback_journal=rollback_journal) as session,
            index_upkeep_for(session, plan) as upkeep,
        ):
            writer = _Writer(session, plan, actor, progress, cancel, references)
            result = writer.run(tuple(rejected), upkeep)
            if result.created_tags or result.updated:
                record_import(
                    session,
                    file_name=plan.table.file_name,
                    sheet=plan.table.sheet or "",
                    sha256=plan.file_sha256,
                    imported_by=performed_by,
                    created=len(result.created_tags),
                    updated=result.updated,
                )
            return result
    except IntegrityError as exc:  # someone else took a tag or a name since the dry run
        raise PlanOutdatedError(
            taken_tag_message(db, plan)
            or f"{plan.where}: the database changed since the dry run ({_first_line(exc)}). "
            + AGAIN
        ) from exc


def _first_line(exc: IntegrityError) -> str:
    lines = str(exc.orig).strip().splitlines()
    return lines[0][:200] if lines else type(exc.orig).__name__


class _Writer:
    def __init__(
        self,
        session: Session,
        plan: ImportPlan,
        actor: uuid.UUID,
        progress: Progress | None,
        cancel: threading.Event | None,
        references: References,
    ) -> None:
        self.session = session
        self.references = references
        self.plan = plan
        self.progress = progress
        self.cancel = cancel
        #: The performer, as the role check before the write found them (_commit).
        self.actor = actor
        self.now = utcnow()
        self.rules = ApprovalRules(session)
        self.pending_rows = 0
        self.resolved: dict[PendingReference, uuid.UUID] = {}
        self.generated: dict[int, str] = {}
        self.created_tags: list[str] = []
        #: Procedure rows to insert, as the driver's parameters.
        self.procedures: list[Any] = []
        #: Where each run of those rows written by one statement starts, and the
        #: statement (templates write different columns as NULL: see RowTemplate).
        self.procedure_runs: list[tuple[int, RowConverter | InsertStatement]] = []
        #: The statement of the last run (None: no run yet).
        self.run_statement: RowConverter | InsertStatement | None = None
        self.procedure_count = 0
        self.connection: Connection = session.connection()
        # Rows go to the driver's executemany through the columns' own bind processors,
        # looked up once (desktop.storage.bulk): no per-row parameter building.
        # Values every row shares (times, the empty custom fields, a template's answers)
        # are converted once and passed ready.
        dialect = self.connection.dialect
        sqlite = dialect.name == "sqlite"
        self.asset_rows = RowConverter(
            ASSETS, dialect, ready=READY_ASSET, processors=faster(ASSETS, sqlite)
        )
        self.procedure_rows = RowConverter(
            PROCEDURES, dialect, ready=READY_PROCEDURE, processors=faster(PROCEDURES, sqlite)
        )
        #: New rows' ids as stored (SQLite: their 32 hex digits), time-ordered (version 7:
        #: each insert appends at the right edge of the id indexes, see
        #: desktop.storage.time_ordered_ids).
        self.new_ids: Callable[[int], Sequence[object]] = (
            time_ordered_hex if sqlite else self._converted_ids
        )
        self.id_pool: list[object] = []
        self.stored_now = self.asset_rows.convert("created_at", self.now)
        self.no_custom = self.asset_rows.convert("custom_fields", {})
        #: A new asset's dates and cost as stored (ready: converted in _new_asset).
        self.stored_date = self.asset_rows.processor("purchase_date")
        self.stored_cost = self.asset_rows.processor("purchase_cost")
        assert self.asset_rows.processor("warranty_end") is self.stored_date
        #: Every new asset's shared values (made by run(): see _asset_template).
        self.asset_template = self._asset_template(())
        #: The procedures' shared values, by kind, category, step and outcome.
        self.procedure_templates = ProcedureRows(
            self.rules,
            self.procedure_rows,
            self.actor,
            self.now,
            self.stored_now,
            plan.options.answers,
        )
        #: What a new asset records, by what decides it (see _creation).
        self.creations: dict[tuple[object, ...], tuple[object, Creation]] = {}
        self.id_texts: dict[uuid.UUID, str] = {}
        #: References as stored, by the object's id (see _stored_id), the objects kept.
        self.stored_ids: dict[int, object] = {id(None): None}
        self.stored_kept: list[object] = []
        self.names = plan.names.names if plan.names is not None else {}
        self.fragments = ChangeFragments(self.names, self._resolved_texts)
        #: A new asset's values as changes from empty (see CreationChanges).
        self.creation_changes = CreationChanges(self.fragments)
        #: A new asset's approval decision by what it depends on (see _decide).
        self.decisions: Decisions = {}
        #: The required questions of a kind's form (in a category) the import lacks.
        self.unanswered: dict[tuple[ProcedureKind, uuid.UUID | None], list[tuple[str, str]]] = {}
        self.origin = f"{plan.table.file_name}" + (
            f", sheet {plan.table.sheet}" if plan.table.sheet else ""
        )

    def run(self, rejected: tuple[RowPlan, ...], upkeep: IndexUpkeep) -> ImportResult:
        """Write the plan: the new assets, the updates, then (``upkeep``'s indexes built
        from the assets meanwhile) the new assets' procedures."""
        create, update = RowAction.CREATE, RowAction.UPDATE  # (read once: see plan._CREATE)
        creates = [r for r in self.plan.rows if r.action is create]
        updates = [r for r in self.plan.rows if r.action is update]
        # The new assets are counted twice: their rows, then their procedures.
        total = 2 * len(creates) + len(updates)
        check_cancel(self.cancel)
        current = self._lock_updated(updates)
        refuse_new_serial_matches(self.session, self.plan)
        created_refs = self._create_references()
        add_new_custom_fields(self.session, self.plan, self._category_id)  # new categories too
        self._allocate_tags(creates)
        self.asset_template = self._asset_template(creates)
        done = 0
        assets: list[Any] = []
        #: The new assets' ids as stored (made at once, before any procedure's: each id is
        #: greater than those made before it), and what each records, in the order of
        #: ``creates``.
        asset_ids = self.new_ids(len(creates)) if creates else []
        creations: list[Creation] = []
        for row, asset_id in zip(creates, asset_ids, strict=True):
            creation = self._creation(row, self._category_id(row))
            assets.append(self._new_asset(row, asset_id, creation))
            creations.append(creation)
            done += 1
            if len(assets) >= BATCH:
                self._flush_assets(assets, done, total)
        self._flush_assets(assets, done, total)
        by_columns: dict[tuple[str, ...], list[dict[str, Any]]] = defaultdict(list)
        for row in updates:
            params = self._update(row, current[row.asset_id])  # type: ignore[index]
            if params is not None:  # None: the row waits for approval, the asset unchanged
                by_columns[tuple(sorted(k for k in params if not k.startswith("b_")))].append(
                    params
                )
            done += 1
            if done % BATCH == 0:
                self._report(done, total)
        for columns, batch in by_columns.items():
            self._execute_updates(columns, batch)
        # Every asset is written: the indexes built from them are built now (see
        # IndexUpkeep.assets_written), the first procedures' rows made meanwhile in a
        # second thread; then the new assets' procedures are written.
        pending = zip(creates, asset_ids, self.created_tags, creations, strict=True)
        ahead: list[tuple[list[Any], list[tuple[int, Any]]]] = []
        made = 0

        def make_ahead() -> None:
            nonlocal made
            made = self._procedures_ahead(pending, ahead)

        upkeep.assets_written(make_ahead)
        for rows, runs in ahead:
            self._write_procedures(rows, runs)
        done += made
        if made:
            self._report(done, total)
        for row, asset_id, tag, creation in pending:
            self._new_procedures(row, asset_id, tag, creation)
            done += 1
            if len(self.procedures) >= PROCEDURE_BATCH:
                self._flush_procedures()
            if done % BATCH == 0:
                self._report(done, total)
        self._flush_procedures()
        self._report(total, total)
        unchanged = RowAction.UNCHANGED
        return ImportResult(
            created_tags=tuple(self.created_tags),
            updated=len(updates),
            unchanged=sum(1 for r in self.plan.rows if r.action is unchanged),
            procedures=self.procedure_count,
            created_references=tuple(created_refs),
            rejected=rejected,
            pending=self.pending_rows,
        )

    def _report(self, done: int, total: int) -> None:
        check_cancel(self.cancel)
        if self.progress:
            self.progress(done, total)

    # -- before writing: versions, reference data, tags ---------------------------------

    def _lock_updated(self, updates: Sequence[RowPlan]) -> dict[uuid.UUID, dict[str, Any]]:
        """Lock the rows to update and check nobody changed them since the dry run."""
        table = ASSETS
        ids = [r.asset_id for r in updates if r.asset_id is not None]
        current: dict[uuid.UUID, dict[str, Any]] = {}
        for start in range(0, len(ids), 500):
            query = select(table.c.id, table.c.tag, table.c.version, table.c.custom_fields).where(
                table.c.id.in_(ids[start : start + 500])
            )
            query = query.with_for_update()  # SQLite: BEGIN IMMEDIATE already serialises writers
            for row in self.connection.execute(query).mappings():
                current[row["id"]] = dict(row)
        for plan_row in updates:
            found = current.get(plan_row.asset_id) if plan_row.asset_id else None
            if found is None or found["version"] != plan_row.version:
                raise ConflictError(
                    subject=f"asset {plan_row.tag} (row {plan_row.row})",
                    expected_version=plan_row.version or 0,
                    current_version=found["version"] if found else 0,
                    conflicts=[
                        FieldConflict(c.label, c.after_text, c.before_text)
                        for c in plan_row.changes
                    ],
                )
        return current

    def _create_references(self) -> list[str]:
        creator = ReferenceCreator(self.session)
        created: list[str] = []
        for new in self.plan.new_references:
            self.resolved[new.reference] = creator.create(new.reference)
            created.append(f"{new.reference.kind} {new.reference.text}")
        return created

    def _category_id(self, row: RowPlan) -> uuid.UUID | None:
        """The row's category, a new one resolved (the plan itself is never changed)."""
        category = row.values.get("category")
        if isinstance(category, PendingReference):
            return self.resolved[category]
        return row.category_id

    def _allocate_tags(self, creates: Sequence[RowPlan]) -> None:
        """Generated tags for rows without one: per category prefix, the sequence locked."""
        untagged = [r for r in creates if not r.values.get("tag")]
        if not untagged:
            return
        wanted: dict[str, list[RowPlan]] = defaultdict(list)
        index_categories = {c for c in (self._category_id(r) for r in untagged) if c}
        prefixes: dict[uuid.UUID, str] = {}
        if index_categories:
            for category_id, prefix in self.session.execute(
                select(Category.id, Category.tag_prefix).where(Category.id.in_(index_categories))
            ):
                prefixes[category_id] = prefix
        for row in untagged:
            row_category = self._category_id(row)
            if row_category is not None:
                wanted[prefixes[row_category]].append(row)
        file_tags = [str(r.values["tag"]) for r in creates if r.values.get("tag")]
        for prefix, rows in wanted.items():
            # Numbers any spelling of which a tag in use or a row of this file holds are
            # skipped: read in windows past the counter, not per tag.
            sequence = locked_sequence(self.session, prefix)
            numbers = UsedNumbers(self.session, prefix).free_numbers(
                sequence.next_value, len(rows), numbers_spelt(prefix, file_tags)
            )
            for row, n in zip(rows, numbers, strict=True):
                self.generated[row.index] = format_tag(prefix, n)
            sequence.next_value = numbers[-1] + 1
            self.session.flush()

    # -- creates -----------------------------------------------------------------------------

    def _new_id(self) -> object:
        """A new row's id, as stored (made a batch at a time)."""
        if not self.id_pool:
            self.id_pool = list(reversed(self.new_ids(BATCH)))  # (popped: in order)
        return self.id_pool.pop()

    def _converted_ids(self, count: int) -> list[object]:
        convert = self.asset_rows.convert  # ids of assets and procedures: one type (asserted)
        return [convert("id", made) for made in time_ordered_ids(count)]

    def _id(self, value: object) -> object:
        return self.resolved[value] if isinstance(value, PendingReference) else value

    def _stored_id(self, value: object) -> object:
        """A reference as the database stores it (rows share a few: converted once; every
        reference column of an asset has the same type, see REFERENCE_TYPES). Looked up
        by the object's identity (the plan's rows share the objects of their references;
        a UUID's own hash is Python code), kept alive by the cache so that no id is reused:
        an object whose id it holds is the one it was made for."""
        found = self.stored_ids.get(id(value), _UNSEEN)
        if found is not _UNSEEN:
            return found
        stored = self.asset_rows.convert("category_id", self._id(value))
        if len(self.stored_ids) < SHARED_LIMIT:
            self.stored_ids[id(value)] = stored
            self.stored_kept.append(value)
        return stored

    def _asset_template(self, creates: Sequence[RowPlan]) -> RowTemplate:
        """Every new asset's shared values (see ASSET_OWN): version, times, last audit;
        the references that no row of ``creates`` gives are written as NULL, as the last
        audit is (see RowTemplate: a None parameter costs SQLite's driver more)."""
        absent = [
            column
            for key, column in OFTEN_ABSENT
            if not any(row.values.get(key) is not None for row in creates)
        ]
        return self.asset_rows.template(
            {
                "version": 1,
                "created_at": self.stored_now,
                "updated_at": self.stored_now,
                "last_audited_at": None,
            },
            ASSET_OWN,
            null_literals=True,
            always_none=absent,
        )

    def _new_asset(self, row: RowPlan, asset_id: object, creation: Creation) -> Any:
        """A new asset's row (the driver's parameters); its procedures come later
        (:meth:`_new_procedures`); ``creation``: what it records (:meth:`_creation`)."""
        values = row.values
        get = values.get
        stored_date, cached, resolve = self.stored_date, self.stored_ids.get, self._stored_id
        self.pending_rows += creation.waits
        tag = str(get("tag") or self.generated[row.index])
        self.created_tags.append(tag)
        # The references as stored: most found at once (_stored_id in place, one call less
        # each). The assignee goes with the first step (a pending one changes nothing).
        category, model, location, assignee, group, supplier = [
            found if (found := cached(id(value), _UNSEEN)) is not _UNSEEN else resolve(value)
            for value in (
                values["category"],
                get("model"),
                get("location"),
                get("assigned_to") if creation.assigns else None,
                get("owning_group"),
                get("supplier"),
            )
        ]
        asset = self.asset_template(
            (
                asset_id,
                tag,
                normalize_tag(tag),
                get("name") or "",
                category,
                model,
                get("serial_number"),
                creation.status,
                location,
                assignee,
                group,
                None if (bought := get("purchase_date")) is None else stored_date(bought),
                None if (cost := get("purchase_cost")) is None else self.stored_cost(cost),
                get("order_number"),
                supplier,
                None if (ends := get("warranty_end")) is None else stored_date(ends),
                (
                    self.asset_rows.convert("custom_fields", dict(row.custom))
                    if row.custom
                    else self.no_custom
                ),
                get("notes") or "",
            )
        )
        return asset

    def _new_procedures(self, row: RowPlan, asset_id: object, tag: str, creation: Creation) -> None:
        """A new asset's procedures (``asset_id`` as stored, ``tag`` as given or made;
        ``creation``: what it records, as for its row)."""
        receive, follow = self.creation_changes(row.values, row.custom, tag)
        where = f"{self.origin}, row {row.row}"  # (_where in place)
        reason, detail = f"Imported from {where}", where[:500]
        new_id, procedures = self._new_id, self.procedures
        # (Most rows: the statement of the run the last row's procedures went to.)
        check = creation.statement is None or creation.statement is not self.run_statement
        if check:
            self._run(creation.receive.statement)
        # (A template's rows are its own values then the shared ones, most: joined here,
        # the template not called; see RowTemplate.tail.)
        own = (new_id(), asset_id, reason, ", ".join(receive), detail)
        tail = creation.receive_tail
        procedures.append(own + tail if tail is not None else creation.receive(own))
        # Steps up to the first that needs approval (recorded pending); none after it.
        # The row's other values (the assignee) go with the first move out of stock.
        for number, (template, opening, alone, tail) in enumerate(creation.steps, start=1):
            changes = ", ".join([opening, *follow]) if number == 1 and follow else alone
            if check:
                self._run(template.statement)
            own = (new_id(), asset_id, reason, changes, detail)
            procedures.append(own + tail if tail is not None else template(own))
        self.procedure_count += 1 + len(creation.steps)

    def _creation(self, row: RowPlan, category: uuid.UUID | None) -> Creation:
        """What a new asset records: a file has few kinds (by final status, assignee and
        category, as decide_row remembers them), each worked out once."""
        key = (id(row.follow_up), bool(row.values.get("assigned_to")), id(category))
        found = self.creations.get(key)
        if found is not None and found[0] is category:
            return found[1]
        decided = decide_row(self.rules, row, category, self.decisions)
        steps: list[tuple[RowTemplate, str, str, tuple[Any, ...] | None]] = []
        before = AssetStatus.IN_STOCK
        for number, (kind, after) in enumerate(decided.recorded, start=1):
            assert after is not None  # a new asset's steps each move its status
            waits = decided.approvals if number == len(decided.recorded) else 0
            template = self.procedure_templates.template(kind, category, number, waits, 1)
            move = self.fragments.status(before, after)
            steps.append((template, f"[{move}", f"[{move}]", _tail(template)))
            before = after
        receive = self.procedure_templates.template(ProcedureKind.RECEIVE, category, 0, 0, None)
        statements = {id(t.statement) for t in (receive, *(step[0] for step in steps))}
        creation = Creation(
            # The asset is as the last completed step leaves it.
            status=status_after(decided.completed, AssetStatus.IN_STOCK).value,
            assigns=bool(decided.completed),
            waits=decided.approvals > 0,
            receive=receive,
            receive_tail=_tail(receive),
            steps=tuple(steps),
            statement=receive.statement if len(statements) == 1 else None,
        )
        self.creations[key] = (category, creation)
        return creation

    def _resolved_texts(self, value: PendingReference) -> tuple[str, str]:
        """A new reference's id (created by this commit) as text, and its name."""
        return str(self.resolved[value]), value.text

    def _resolved_change(self, change: Any, values: dict[str, object]) -> dict[str, Any]:
        data: dict[str, Any] = change.as_json()
        value = values.get(change.field)
        if isinstance(value, PendingReference):
            data["after"] = str(self.resolved[value])
            data["after_text"] = value.text
        return data

    def _flush_assets(self, assets: list[dict[str, Any]], done: int, total: int) -> None:
        if assets:
            statement = self.asset_template.statement
            insert_converted(self.connection, statement, assets, self.references)
            assets.clear()
        self._report(done, total)

    # -- updates -------------------------------------------------------------------------

    def _update(self, row: RowPlan, current: dict[str, Any]) -> dict[str, Any] | None:
        params: dict[str, Any] = {
            "b_id": row.asset_id,
            "b_version": row.version,
            "b_new_version": (row.version or 0) + 1,
        }
        for key, value in row.values.items():
            params[FIELDS_BY_KEY[key].column] = self._id(value)
            if key == "tag":
                params["tag_key"] = normalize_tag(str(value))
        if row.custom:
            merged = dict(current.get("custom_fields") or {})
            for name, value in row.custom.items():
                if value is None:
                    merged.pop(name, None)
                else:
                    merged[name] = value
            params["custom_fields"] = merged
        changes = [self._resolved_change(c, row.values) for c in row.changes]
        asset_id = self.procedure_rows.convert("asset_id", row.asset_id)
        moves = [c for c in changes if c["field"] == "status"] if row.follow_up else []
        category = self._category_id(row)
        where = self._where(row)
        decided = self._decide(row, category)  # a change, then decommission (+ dispose)
        self._refuse_unanswered(row, category, decided)
        before = AssetStatus(moves[0]["before"]) if moves else None
        version = row.version or 0
        for number, (kind, after) in enumerate(decided.recorded):
            waits = decided.approvals if number == len(decided.recorded) - 1 else 0
            if after is None:
                done = [c for c in changes if c["field"] != "status"] if moves else changes
            else:
                assert before is not None
                done, before = [status_change(before, after)], after
            # Steps before the pending one are applied by the one update below (version + 1).
            applied = version + (number > 0)
            text = self.procedure_rows.convert("changes", done)
            self._procedure(
                where, category, asset_id, kind, text, number, waits, asset_version=applied
            )
        if len(self.procedures) >= PROCEDURE_BATCH:
            self._flush_procedures()
        if decided.pending is not None:  # the pending step's fields stay as they are
            if decided.pending[1] is None:
                return None
            params.pop("status", None)
            if not any(k for k in params if not k.startswith("b_")):
                return None
        return params

    def _execute_updates(self, columns: tuple[str, ...], batch: list[dict[str, Any]]) -> None:
        table = ASSETS
        statement = (
            table.update()
            .where(table.c.id == bindparam("b_id"), table.c.version == bindparam("b_version"))
            .values(
                {c: bindparam(c) for c in columns}
                | {"version": bindparam("b_new_version"), "updated_at": self.now}
            )
        )
        self.references.add_updates(table, self.asset_rows.convert, batch)
        for start in range(0, len(batch), BATCH):
            part = batch[start : start + BATCH]
            result = self.connection.execute(statement, part)
            if result.rowcount not in (-1, len(part)):
                raise DesktopError(
                    f"{self.plan.where}: assets changed while importing; nothing was imported — run the import again"
                )

    # -- procedures ------------------------------------------------------------------------

    def _decide(self, row: RowPlan, category: uuid.UUID | None) -> RowApproval:
        """The approval rule for the row's steps, asked again at commit time."""
        decided = decide_row(self.rules, row, category, self.decisions)
        self.pending_rows += decided.approvals > 0
        return decided

    def _refuse_unanswered(
        self, row: RowPlan, category: uuid.UUID | None, decided: RowApproval
    ) -> None:
        """A template changed since the dry run may ask a question the import is not
        given: the row is refused as the dry run would (nothing is written)."""
        for kind, _after in decided.recorded:
            missing = self.unanswered.get((kind, category))
            if missing is None:
                given = self.plan.options.answers
                missing = self.unanswered[kind, category] = answers_for(
                    self.rules, kind, category, given
                )[1]
            if missing:
                message = missing[0][1]
                raise PlanOutdatedError(
                    f"{self.plan.where}: row {row.row}, asset {row.tag}: the {kind.value} "
                    f"{message}; the form changed since the dry run. " + AGAIN
                )

    def _where(self, row: RowPlan) -> str:
        """Where the row's procedures come from: file, sheet and row."""
        return f"{self.origin}, row {row.row}"

    def _procedure(
        self,
        where: str,
        category: uuid.UUID | None,
        asset_id: object,
        kind: ProcedureKind,
        changes: str,
        step: int,
        approvals: int = 0,
        *,
        asset_version: int | None = None,
    ) -> None:
        """One procedure row of a file's row (``where``: see :meth:`_where`) whose asset is
        in ``category``: ``asset_id`` and ``changes`` (JSON) as stored; ``step`` is its
        place after the row's first (a millisecond each, so that they sort in order);
        ``approvals`` it waits for (``asset_version``: the asset's version it was
        recorded against)."""
        template = self.procedure_templates.template(kind, category, step, approvals, asset_version)
        self._run(template.statement)
        self.procedures.append(
            template((self._new_id(), asset_id, f"Imported from {where}", changes, where[:500]))
        )
        self.procedure_count += 1

    def _run(self, statement: RowConverter | InsertStatement) -> None:
        """The next procedure row is written by ``statement``: a new run if the last
        row's was another."""
        if statement is not self.run_statement:
            self.procedure_runs.append((len(self.procedures), statement))
            self.run_statement = statement

    def _flush_procedures(self) -> None:
        if self.procedures:
            self._write_procedures(self.procedures, self.procedure_runs)
            self.procedures, self.procedure_runs, self.run_statement = [], [], None

    def _write_procedures(self, rows: list[Any], runs: list[tuple[int, Any]]) -> None:
        """Insert procedure ``rows``, each run of them by its statement."""
        ends = [start for start, _statement in runs[1:]] + [len(rows)]
        for (start, statement), end in zip(runs, ends, strict=True):
            part = rows if start == 0 and end == len(rows) else rows[start:end]
            insert_converted(self.connection, statement, part, self.references)

    def _procedures_ahead(
        self,
        pending: Iterator[tuple[RowPlan, object, str, Creation]],
        ahead: list[tuple[list[Any], list[tuple[int, Any]]]],
    ) -> int:
        """Make the procedures' rows of ``pending``'s first new assets, each full batch
        put in ``ahead`` to be written later, up to :data:`PROCEDURES_AHEAD` rows; the
        number of assets taken. Reads and writes nothing in the database (it runs in a
        second thread while the connection builds indexes: see IndexUpkeep.assets_written)."""
        taken = 0
        for row, asset_id, tag, creation in pending:
            self._new_procedures(row, asset_id, tag, creation)
            taken += 1
            if len(self.procedures) >= PROCEDURE_BATCH:
                ahead.append((self.procedures, self.procedure_runs))
                self.procedures, self.procedure_runs, self.run_statement = [], [], None
                if len(ahead) * PROCEDURE_BATCH >= PROCEDURES_AHEAD:
                    break
        return taken


def _tail(template: RowTemplate) -> tuple[Any, ...] | None:
    """What follows a row's own values in ``template``'s rows when the caller may join
    them itself (no value of its own to convert), else None (see RowTemplate.tail)."""
    return template.tail if not template.converted else None
