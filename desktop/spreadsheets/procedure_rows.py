"""The values an import's procedures share, worked out and converted once.

An import records one or more procedures per row, and nearly all of their columns are
the same for every procedure of one kind, category, step and outcome: the template and
its version, the performer, the checklist's answers, the note, the times, the state. A
:class:`ProcedureRows` makes each such set once, as a
:class:`~desktop.storage.bulk.RowTemplate` that takes a procedure's own values (see
:data:`PROCEDURE_OWN`) and gives the driver's parameters for its row.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping
from typing import Any

from desktop.domain.lifecycle import Origin, ProcedureKind
from desktop.services.approval_rule import ApprovalRules, initial_state
from desktop.spreadsheets.row_answers import answers_for
from desktop.storage.bulk import RowConverter, RowTemplate

#: Procedure columns whose values are given as stored (converted once, or made so).
READY_PROCEDURE = (
    "id",
    "asset_id",
    "template_id",
    "performed_by_id",
    "created_at",
    "updated_at",
    "performed_at",
    "completed_at",
    "answers",
    "changes",
)
#: A procedure's own values, in the order a template takes them (the rest the procedures
#: of one kind, category, step and outcome share).
PROCEDURE_OWN = ("id", "asset_id", "reason", "changes", "origin_detail")
IMPORT_NOTE = (
    "Recorded by a spreadsheet import: the required checklist items are ticked on behalf of "
    "the person who confirmed the import."
)


class ProcedureRows:
    """The shared values of an import's procedures (see the module's docstring).

    Args:
        rules: the approval rules and current templates, asked at commit time.
        converter: the procedures' row converter (the driver's parameters).
        actor: the person who confirms the import (the performer).
        now: the commit's time; the ``n``-th step after a row's first is a millisecond
            later each, so that a row's procedures sort in order.
        stored_now: ``now`` as stored.
        given: the answers the user gave for all rows (``ImportOptions.answers``).
    """

    def __init__(
        self,
        rules: ApprovalRules,
        converter: RowConverter,
        actor: uuid.UUID,
        now: dt.datetime,
        stored_now: object,
        given: Mapping[str, str] | None = None,
    ) -> None:
        self.given: Mapping[str, str] = given or {}
        self.rules = rules
        self.converter = converter
        self.actor = actor
        self.now = now
        self.stored_now = stored_now
        self.stored_times: dict[int, Any] = {0: stored_now}
        self.templates: dict[tuple[object, ...], tuple[object, RowTemplate]] = {}
        self.bases: dict[tuple[ProcedureKind, uuid.UUID | None], dict[str, Any]] = {}
        self.completed = {
            "state": initial_state(0).value,
            "approvals_required": 0,
            "asset_version": None,
            "completed_at": stored_now,
        }

    def template(
        self,
        kind: ProcedureKind,
        category: uuid.UUID | None,
        step: int,
        approvals: int,
        asset_version: int | None,
    ) -> RowTemplate:
        """The values procedures of ``kind`` in ``category`` at ``step`` (after the row's
        first) with this outcome share: ``approvals`` they wait for, ``asset_version`` the
        asset's version they were recorded against (kept only when they wait)."""
        version = asset_version if approvals else None  # completed: not recorded
        key = (kind, id(category), step, approvals, version)
        found = self.templates.get(key)
        if found is not None and found[0] is category:
            return found[1]
        when = self.stored_times.get(step)
        if when is None:
            when = self.converter.convert(
                "performed_at", self.now + dt.timedelta(milliseconds=step)
            )
            self.stored_times[step] = when
        shared = {
            **self._base(kind, category),
            **self._completion(approvals, asset_version),
            "performed_at": when,
        }
        # Its None values (risk level, the asset version of a completed one) as NULL.
        template = self.converter.template(shared, PROCEDURE_OWN, null_literals=True)
        self.templates[key] = (category, template)
        return template

    def _base(self, kind: ProcedureKind, category_id: uuid.UUID | None) -> dict[str, Any]:
        """The columns every procedure of ``kind`` in ``category_id`` shares (converted)."""
        key = (kind, category_id)
        base = self.bases.get(key)
        if base is None:
            template = self.rules.template(kind, category_id)
            definition = template.definition
            # The form's answers the user gave (a retirement without its required ones
            # was refused: desktop.spreadsheets.row_answers), and the change's own.
            answers, _missing = answers_for(self.rules, kind, category_id, self.given)
            for item in definition.checklist:
                answers[f"checklist.{item.key}"] = item.required
            required = any(i.required for i in definition.checklist)
            convert = self.converter.convert
            base = self.bases[key] = {
                "version": 1,
                "created_at": self.stored_now,
                "updated_at": self.stored_now,
                "kind": kind.value,
                "template_id": convert("template_id", template.id),
                "template_version": template.version,
                "performed_by_id": convert("performed_by_id", self.actor),
                "ticket_ref": "",
                "answers": convert("answers", answers),
                "origin": Origin.IMPORT_FILE.value,
                "risk_level": None,
                "note": IMPORT_NOTE if required else "",
            }
        return base

    def _completion(self, approvals: int, asset_version: int | None) -> dict[str, Any]:
        """The columns that say how a procedure ends — state, approvals required, the
        asset version it waits on, completion — in one place (converted): completed at once
        without approvals, else pending."""
        if not approvals:
            return self.completed
        return {
            "state": initial_state(approvals).value,
            "approvals_required": approvals,
            "asset_version": asset_version,
            "completed_at": None,
        }
