"""Procedure templates: parsing, the shipped defaults, and answer validation."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import cached_property
from importlib import resources
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop.domain.fields import FIELDS_BY_KEY, FieldType
from desktop.domain.lifecycle import ProcedureKind
from desktop.errors import NotFoundError, Problem
from desktop.services.batch_cache import cached
from desktop.storage.folding import matching_choice
from desktop.storage.models import ProcedureTemplate

ANSWER_TYPES = frozenset(
    {
        FieldType.TEXT,
        FieldType.LONG_TEXT,
        FieldType.NUMBER,
        FieldType.DATE,
        FieldType.CHOICE,
        FieldType.YESNO,
        FieldType.PERSON,
        FieldType.LOCATION,
        FieldType.GROUP,
    }
)
RISK_LEVELS = ("low", "medium", "high")
PROCEDURE_KIND_VALUES = frozenset(kind.value for kind in ProcedureKind)


@dataclass(frozen=True)
class TemplateField:
    """A field a template adds to the form; ``accepts_scan`` (``"accepts_scan": true`` in
    the template, text fields only): a barcode scanned into it becomes its value (a wipe
    certificate's or an evidence label's number); other fields ignore scans."""

    key: str
    label: str
    type: FieldType
    required: bool = False
    help: str = ""
    choices: tuple[str, ...] = ()
    max_length: int | None = None
    accepts_scan: bool = False


@dataclass(frozen=True)
class FormAssetField:
    """An asset field the form shows (its label and type come from the asset field registry)."""

    key: str
    required: bool = False
    help: str = ""

    @property
    def label(self) -> str:
        return FIELDS_BY_KEY[self.key].label

    @property
    def type(self) -> FieldType:
        return FIELDS_BY_KEY[self.key].type

    @property
    def accepts_scan(self) -> bool:
        return FIELDS_BY_KEY[self.key].accepts_scan


@dataclass(frozen=True)
class ChecklistItem:
    key: str
    label: str
    required: bool = False


@dataclass(frozen=True)
class Rule:
    message: str
    one_of: tuple[str, ...] = ()
    changes_something: bool = False


@dataclass(frozen=True)
class ApprovalRule:
    """When a procedure of this template needs approval, and from how many people.

    ``mode`` is "never", "risk" (from ``min_risk`` up) or "always".
    """

    mode: str = "never"
    min_risk: str = "high"
    approvers: int = 1

    def required_approvals(self, risk: str | None) -> int:
        if self.mode == "always":
            return max(1, self.approvers)
        if (
            self.mode == "risk"
            and risk is not None
            and RISK_LEVELS.index(risk) >= RISK_LEVELS.index(self.min_risk)
        ):
            return max(1, self.approvers)
        return 0


@dataclass(frozen=True)
class TemplateDefinition:
    kind: ProcedureKind
    name: str
    description: str = ""
    asset_fields: tuple[FormAssetField, ...] = ()
    fields: tuple[TemplateField, ...] = ()
    checklist: tuple[ChecklistItem, ...] = ()
    rules: tuple[Rule, ...] = ()
    approval: ApprovalRule = field(default_factory=ApprovalRule)
    #: Whether the form asks for impact and likelihood (risk evaluation).
    assess_risk: bool = False

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> TemplateDefinition:
        return cls(
            kind=ProcedureKind(data["kind"]),
            name=str(data["name"]),
            description=str(data.get("description", "")),
            asset_fields=tuple(
                FormAssetField(
                    key=f["key"],
                    required=bool(f.get("required", False)),
                    help=str(f.get("help", "")),
                )
                for f in data.get("asset_fields", [])
            ),
            fields=tuple(
                TemplateField(
                    key=f["key"],
                    label=f["label"],
                    type=FieldType(f["type"]),
                    required=bool(f.get("required", False)),
                    help=str(f.get("help", "")),
                    choices=tuple(f.get("choices", ())),
                    max_length=f.get("max_length"),
                    accepts_scan=bool(f.get("accepts_scan", False))
                    and FieldType(f["type"]) is FieldType.TEXT,
                )
                for f in data.get("fields", [])
            ),
            checklist=tuple(
                ChecklistItem(
                    key=c["key"], label=c["label"], required=bool(c.get("required", False))
                )
                for c in data.get("checklist", [])
            ),
            rules=tuple(
                Rule(
                    message=r["message"],
                    one_of=tuple(r.get("one_of", ())),
                    changes_something=bool(r.get("changes_something", False)),
                )
                for r in data.get("rules", [])
            ),
            approval=ApprovalRule(**data.get("approval", {})),
            assess_risk=bool(data.get("assess_risk", False)),
        )

    def asset_field_keys(self) -> frozenset[str]:
        return self._asset_field_keys

    @cached_property
    def _asset_field_keys(self) -> frozenset[str]:
        return frozenset(f.key for f in self.asset_fields)

    @cached_property
    def answer_keys(self) -> frozenset[str]:
        """The keys its answers may have: its fields' and its checklist items'."""
        return frozenset(f.key for f in self.fields) | {c.key for c in self.checklist}


@dataclass(frozen=True)
class TemplateRef:
    """A template version as stored: what a procedure records it was filled against."""

    id: uuid.UUID
    version: int
    definition: TemplateDefinition


def default_definitions() -> dict[ProcedureKind, dict[str, Any]]:
    """The shipped templates from resources/templates, as JSON objects."""
    folder = resources.files("resources.templates")
    result: dict[ProcedureKind, dict[str, Any]] = {}
    for entry in folder.iterdir():
        if entry.name.endswith(".json"):
            data = json.loads(entry.read_text(encoding="utf-8"))
            if data.get("kind") not in PROCEDURE_KIND_VALUES:
                continue  # not a procedure form (e.g. incident.json, read by its own service)
            TemplateDefinition.from_json(data)  # fail early on a malformed shipped template
            result[ProcedureKind(data["kind"])] = data
    return result


def current_template(
    session: Session, kind: ProcedureKind, category_id: uuid.UUID | None = None
) -> TemplateRef:
    """The newest template for ``kind``: the category's own, else the general one."""
    return cached(
        session,
        ("current_template", kind, category_id),
        lambda: _current_template(session, kind, category_id),
    )


def _current_template(
    session: Session, kind: ProcedureKind, category_id: uuid.UUID | None
) -> TemplateRef:
    scopes = [str(category_id), ""] if category_id else [""]
    rows = (
        session.execute(
            select(ProcedureTemplate).where(
                ProcedureTemplate.kind == kind.value,
                ProcedureTemplate.is_current.is_(True),
                ProcedureTemplate.scope_key.in_(scopes),
            )
        )
        .scalars()
        .all()
    )
    if not rows:
        raise NotFoundError(f"there is no procedure template for '{kind.label}'")
    row = sorted(rows, key=lambda r: r.scope_key == "")[0]
    return TemplateRef(row.id, row.version_number, TemplateDefinition.from_json(row.definition))


class CurrentTemplates:
    """Every current template, read in one query: :func:`current_template` for many kinds
    and categories (a bulk writer's, an import's) without a query each.

    The same choice as :func:`current_template`: the category's own template for a kind,
    else the general one; a kind without either is refused the same way.
    """

    def __init__(self, session: Session) -> None:
        self._rows: dict[tuple[str, str], ProcedureTemplate] = {}
        for row in session.execute(
            select(ProcedureTemplate).where(ProcedureTemplate.is_current.is_(True))
        ).scalars():
            key = (row.kind, row.scope_key)
            kept = self._rows.get(key)
            if kept is None or row.version_number > kept.version_number:
                self._rows[key] = row
        self._refs: dict[tuple[str, str], TemplateRef] = {}

    def get(self, kind: ProcedureKind, category_id: uuid.UUID | None = None) -> TemplateRef:
        """The newest template for ``kind``: the category's own, else the general one."""
        for scope in (str(category_id), "") if category_id else ("",):
            key = (kind.value, scope)
            ref = self._refs.get(key)
            if ref is not None:
                return ref
            row = self._rows.get(key)
            if row is not None:
                ref = TemplateRef(
                    row.id, row.version_number, TemplateDefinition.from_json(row.definition)
                )
                self._refs[key] = ref
                return ref
        raise NotFoundError(f"there is no procedure template for '{kind.label}'")


def template_by_id(session: Session, template_id: uuid.UUID) -> TemplateRef:
    row = session.get(ProcedureTemplate, template_id)
    if row is None:
        raise NotFoundError(f"procedure template {template_id} does not exist")
    return TemplateRef(row.id, row.version_number, TemplateDefinition.from_json(row.definition))


def risk_level(impact: str | None, likelihood: str | None) -> str | None:
    """Impact × likelihood → low / medium / high (a 3 × 3 matrix)."""
    if impact not in RISK_LEVELS or likelihood not in RISK_LEVELS:
        return None
    score = (RISK_LEVELS.index(impact) + 1) * (RISK_LEVELS.index(likelihood) + 1)
    return "high" if score >= 6 else "medium" if score >= 3 else "low"


def _wrong(spec: TemplateField, value: object) -> Problem:
    return Problem(spec.key, f"{spec.label}: {value!r} is not a valid {spec.type.value}")


def coerce_answer(spec: TemplateField, value: object) -> tuple[object, Problem | None]:
    """Validate one answer; returns the JSON-storable value or a problem naming the field."""
    if value is None or (isinstance(value, str) and not value.strip()):
        if spec.required:
            return None, Problem(spec.key, f"{spec.label} is required")
        return None, None
    match spec.type:
        case FieldType.TEXT | FieldType.LONG_TEXT:
            if not isinstance(value, str):
                return None, _wrong(spec, value)
            text = value.strip()
            if spec.max_length and len(text) > spec.max_length:
                return None, Problem(
                    spec.key, f"{spec.label} is longer than {spec.max_length} characters"
                )
            return text, None
        case FieldType.NUMBER:
            if isinstance(value, bool):
                return None, _wrong(spec, value)
            try:
                number = Decimal(str(value).strip())
            except InvalidOperation:
                return None, _wrong(spec, value)
            if not number.is_finite():
                return None, _wrong(spec, value)
            return float(number) if number != number.to_integral_value() else int(number), None
        case FieldType.DATE:
            if isinstance(value, dt.datetime):
                return value.date().isoformat(), None
            if isinstance(value, dt.date):
                return value.isoformat(), None
            try:
                return dt.date.fromisoformat(str(value).strip()).isoformat(), None
            except ValueError:
                return None, Problem(
                    spec.key, f"{spec.label}: {value!r} is not a date (YYYY-MM-DD)"
                )
        case FieldType.CHOICE:
            choice = matching_choice(value, spec.choices)
            if choice is None:
                return None, Problem(
                    spec.key, f"{spec.label}: {value!r} is not one of {', '.join(spec.choices)}"
                )
            return choice, None
        case FieldType.YESNO:
            if not isinstance(value, bool):
                return None, _wrong(spec, value)
            return value, None
        case FieldType.PERSON | FieldType.LOCATION | FieldType.GROUP:
            try:
                return str(uuid.UUID(str(value))), None
            except ValueError:
                return None, _wrong(spec, value)
    return None, _wrong(spec, value)  # pragma: no cover - every answer type is handled above
