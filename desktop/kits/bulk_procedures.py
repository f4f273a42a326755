"""A run of a kit's procedures replayed set-wise on a SQLite server.

Most of what a day offline brings back is ordinary changes (a serial number, a name, a
note) on assets nobody touched on the server meanwhile. Deciding each through
:func:`desktop.services.procedures.decide_procedure` cost more than storing it; here the
common case of a run is decided once per distinct input of the rules, and written by one
statement per table:

- the run's kit rows are read by one plain statement (the kit is SQLite: the same ids,
  times and texts a SQLite server stores), their ids staged in a temporary table of the
  server's connection, and one join reads which the server already has and each asset
  as it is now;
- a record is **plain** when it is a change the kit applied at once (completed, no
  approval), of text fields (name, serial number, order number, notes: their values name
  nothing, their history texts are the values) or of the asset's place, assignee or
  owning group (moves and reassignments: each distinct value checked once as the field's
  coercion checks it — the row exists, the person is active — and named as history
  names it), on an asset that only it changes in the run, in the kit's base, whose
  server version is still the one the kit knew (the server changed nothing since), each
  field's value there still the one the kit saw;
- what the rules decide of a plain record depends only on its kind, performer, the
  asset's category and status, its answers, the fields it sets and whether each field
  the template requires (or names in a rule) is empty: each is checked once per distinct
  such input with the services' own functions — who may perform it
  (:func:`~desktop.services.permissions.require`), the template, answers, risk and
  approvals (:class:`~desktop.services.procedure_groups.ProcedureGroups`: the server's
  current template must be the one the kit recorded, no approval needed, the same risk),
  the fields the form sets, the decommissioned asset's rule, a waiting approval's rule,
  the template's required fields and rules
  (:func:`~desktop.services.procedures.required_and_rules_problems`); the values as the
  field's own coercion leaves them (:func:`~desktop.services.values.coerce_asset_value`,
  per distinct change of a field: the kit's value must be what it gives);
- the plain records' procedure rows (the same columns :func:`procedure_values` makes:
  the history note of a record not rebased, the changes' before and after as
  :func:`display_text` writes them) go in by one ``executemany``, the assets' new values
  by one ``UPDATE`` per set of fields, the search index kept once for all.

Every other record of the run — another kind, a rebase, a conflict, an approval, a
refusal, a field that names another kind of row (a model, a category), an asset changed twice in the run, a record in
the conflict queue — goes through the per-record replay in its place (the plain ones
before it are written first), in the same transaction. A record the server already has
is already applied, as elsewhere.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Callable, Sequence
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any, NamedTuple

from desktop.domain.fields import (
    ASSET_FIELDS,
    FIELDS_BY_KEY,
    REFERENCE_TYPES,
    AssetField,
    FieldType,
)
from desktop.domain.lifecycle import (
    AssetStatus,
    Origin,
    ProcedureKind,
    ProcedureState,
    decommissioned_change_problem,
    status_move_problem,
    waiting_procedure_conflicts,
)
from desktop.domain.permissions import work_for
from desktop.errors import DesktopError
from desktop.kits.bulk_scans import NotSetWise
from desktop.kits.model import KitError, Outcome, RecordResult
from desktop.kits.replay_rules import Base, Entry, Rebase, Replayed, split_answers
from desktop.kits.stored_values import sqlite_time_text, uuid_from_hex
from desktop.services.permissions import require
from desktop.services.procedure_groups import ProcedureGroup
from desktop.services.procedures import ProcedureRequest, required_and_rules_problems
from desktop.services.search import search_index_kept_in_bulk
from desktop.services.values import REFERENCE_MODELS, coerce_asset_value, display_text

if TYPE_CHECKING:
    from desktop.kits.bulk_replay import BulkReplayer

_CHANGE = ProcedureKind.CHANGE
_CHANGE_VALUE = _CHANGE.value
_COMPLETED = ProcedureState.COMPLETED.value
_FIELD_KIT = Origin.FIELD_KIT.value
#: The fields a plain record may set: text whose value names nothing (not the tag: the
#: scans' tags and the tag blocks hang on it), and the asset's place, assignee and owning
#: group (moves and reassignments: their value names a row, checked as the field's
#: coercion checks it, once per distinct value).
_PLAIN = {
    f.key: f
    for f in ASSET_FIELDS
    if (f.type in (FieldType.TEXT, FieldType.LONG_TEXT) and f.key != "tag")
    or f.type in (FieldType.LOCATION, FieldType.PERSON, FieldType.GROUP)
}
_NAMES_A_ROW = frozenset(k for k, f in _PLAIN.items() if f.type in REFERENCE_TYPES)
#: The asset columns the rules read (each field's), in the order of the join's columns.
_COLUMNS = tuple(dict.fromkeys(f.column for f in ASSET_FIELDS))
_AT = {column: n for n, column in enumerate(_COLUMNS, 4)}
_CATEGORY_AT, _STATUS_AT = _AT["category_id"], _AT["status"]
_STATUS_OF = {status.value: status for status in AssetStatus}

_KIT_ROWS = (
    "SELECT j.seq, p.id, p.asset_id, p.kind, p.state, p.approvals_required, p.template_id, "
    "p.template_version, p.performed_by_id, p.performed_at, p.answers, p.changes, "
    "p.ticket_ref, p.reason, p.origin, p.risk_level, a.tag FROM kit_journal j "
    "JOIN procedures p ON p.id = j.row_id LEFT JOIN assets a ON a.id = p.asset_id "
    "WHERE j.record = 'procedure' AND j.synced = 0 AND j.seq BETWEEN ? AND ? ORDER BY j.seq"
)
_TABLE = (
    "CREATE TEMP TABLE IF NOT EXISTS kit_sync_procedures (seq INTEGER PRIMARY KEY, id TEXT, "
    "asset_id TEXT)"
)
_SERVER = (
    "SELECT t.seq, EXISTS (SELECT 1 FROM procedures p WHERE p.id = t.id), a.id, a.version, "  # noqa: S608
    + ", ".join(f"a.{c}" for c in _COLUMNS)
    + " FROM temp.kit_sync_procedures t LEFT JOIN assets a ON a.id = t.asset_id ORDER BY t.seq"
)
#: The plain records' rows: what all of them share is written in the statement (the
#: sync's moment, :meth:`ProcedureRun._store`), the rest bound per row.
_INSERT = (
    "INSERT INTO procedures (id, asset_id, kind, state, template_id, template_version, "  # noqa: S608
    "performed_by_id, performed_at, ticket_ref, reason, answers, changes, origin, "
    "origin_detail, risk_level, approvals_required, asset_version, completed_at, note, "
    f"version, created_at, updated_at) VALUES (?, ?, '{_CHANGE_VALUE}', '{_COMPLETED}', ?, ?, "
    f"?, ?, ?, ?, ?, ?, '{_FIELD_KIT}', ?, ?, 0, NULL, {{now}}, ?, 1, {{now}}, {{now}})"
)
#: A moment as the sync's rows store it (``sqlite_time_text``), nothing else.
_MOMENT = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{6}")
_encode = json.JSONEncoder().encode  # what the JSON columns store (json.dumps)
_string = json.encoder.encode_basestring_ascii  # how it writes a string (ensure_ascii)
#: A plain change of a field: its value before and after as the server stores them, and
#: as history reads them.
_Values = tuple[Any, Any, str, str]
#: A plain change as history stores it: field, before, after and their texts.
_Change = tuple[str, Any, Any, str, str]


class _Checked(NamedTuple):
    """What a plain record's group was found to be: its performer's name and person id
    on the server, the group, the stored answers."""

    performer: str
    actor_hex: str
    group: ProcedureGroup
    answers_text: str


class _Plain(NamedTuple):
    entry: Entry
    row: tuple[Any, ...]
    asset_hex: str
    version: int
    new: dict[str, Any]
    changes_text: str
    checked: _Checked


class _Done(NamedTuple):
    """A record decided without a write (already applied), heard of in its place."""

    entry: Entry
    replayed: Replayed


class ProcedureRun:
    """One run of procedure entries, replayed set-wise but for those that go one by one."""

    def __init__(self, bulk: BulkReplayer) -> None:
        self.bulk = bulk
        self.session = bulk.session
        self.groups: dict[tuple[Any, ...], _Checked | None] = {}
        #: Whether the rules take a plain record, by what they read of it (see
        #: :meth:`_plain`; a group by its ``id``: the run holds each in ``groups``).
        self.plain_ok: dict[tuple[Any, ...], bool] = {}
        #: What each group's template's required fields and rules name (:func:`_named`).
        self.named: dict[int, tuple[tuple[str, int | None], ...]] = {}
        #: The kit's base of each asset it held when the transaction began, by its hex id
        #: (the same objects as the sync's: their server versions move on with it).
        self.bases: dict[str, Base] = bulk.bases_by_hex
        #: Each distinct move or reassignment, checked (see :meth:`_reference`).
        self.references: dict[tuple[Any, ...], _Values | None] = {}
        self.now_text = sqlite_time_text(bulk.now) or ""
        self.ids = bulk.ids
        #: The performers' user names by their kit id.
        self.names: dict[str | None, str] = {}
        # Changes are never refused while another procedure waits (only status moves).
        self.waiting_free = not any(waiting_procedure_conflicts(_CHANGE, k) for k in ProcedureKind)

    def replay(
        self,
        run: Sequence[Entry],
        remember_all: Callable[[list[tuple[Entry, Replayed]]], None],
        one_by_one: Callable[[Entry], None],
        queued: set[uuid.UUID],
    ) -> None:
        """Replay ``run`` (consecutive procedure entries) in order (``remember_all`` hears
        of the records decided together, in their order, in one call)."""
        session = self.session
        session.flush()
        driver = session.connection().connection.driver_connection
        kit = self.bulk.per_record.kit.connection().connection.driver_connection
        assert driver is not None and kit is not None
        rows = kit.execute(_KIT_ROWS, (run[0].seq, run[-1].seq)).fetchall()
        if [row[0] for row in rows] != [entry.seq for entry in run]:
            raise NotSetWise  # the kit lacks a row its journal names: one by one says so
        driver.execute(_TABLE)
        driver.execute("DELETE FROM temp.kit_sync_procedures")
        driver.executemany(
            "INSERT INTO temp.kit_sync_procedures VALUES (?, ?, ?)",
            [(row[0], row[1], row[2]) for row in rows],
        )
        server = driver.execute(_SERVER).fetchall()
        seen: set[str] = set()  # the assets of the records before (only the first plain)
        plain: list[_Plain | _Done] = []
        for entry, row, now in zip(run, rows, server, strict=True):
            first = row[2] not in seen
            seen.add(row[2])
            queued_here = bool(queued) and entry.entry_id in queued
            if now[1] and not queued_here:  # the server has it
                done = Replayed(self._result(entry, row, Outcome.ALREADY_APPLIED))
                plain.append(_Done(entry, done))
                continue
            found = (
                self._plain(entry, row, now) if first and not now[1] and not queued_here else None
            )
            if found is None:
                self._write(plain, driver, remember_all)
                one_by_one(entry)
                session.flush()
            else:
                plain.append(found)
        self._write(plain, driver, remember_all)

    # -- deciding

    def _plain(self, entry: Entry, row: tuple[Any, ...], now: tuple[Any, ...]) -> _Plain | None:
        """The record as a plain one, or None (it goes one by one)."""
        (
            _seq, _id, asset_hex, kind, state, approvals, template_hex, template_version,
            by_hex, _at, answers_text, changes_text, _ticket, _reason, _origin, risk, _tag,
        ) = row  # fmt: skip
        if kind != _CHANGE_VALUE or state != _COMPLETED or approvals or now[2] is None:
            return None
        version = now[3]
        base = self.bases.get(asset_hex)
        if base is None or base.server_version != version:
            return None  # a rebase, a merge or a conflict (or no base): decided per record
        try:
            changes = json.loads(changes_text) if changes_text else None
        except ValueError:
            return None
        if not changes or not isinstance(changes, list):
            return None
        new: dict[str, Any] = {}
        made: list[_Change] = []
        for change in changes:
            spec = _PLAIN.get(str(change.get("field"))) if isinstance(change, dict) else None
            if spec is None or spec.key in new:
                return None
            before, after = change.get("before"), change.get("after")
            if after == before:
                return None
            if spec.key in _NAMES_A_ROW:
                values = self._reference(spec, before, after)
            else:
                values = self._text(spec, before, after)
            if values is None or now[_AT[spec.column]] != values[0]:
                return None  # the server's value is not the one the kit saw: per record
            new[spec.key] = values[1]
            made.append((spec.key, before, after, values[2], values[3]))
        checked = self._group(
            by_hex, now[_CATEGORY_AT], answers_text or "", template_hex, template_version, risk
        )
        if checked is None:
            return None
        # What the rules read of it: the fields it sets, the status, and whether each
        # field the template's required fields and rules name is empty (checked once per
        # distinct such input, and group).
        named = self.named.get(id(checked))
        if named is None:
            named = self.named[id(checked)] = _named(checked.group.template)
        status = now[_STATUS_AT]
        key = (
            id(checked),
            tuple(new),
            status,
            tuple(
                (new[k] if k in new else None if at is None else now[at]) in (None, "")
                for k, at in named
            )
            if named
            else (),
        )
        ok = self.plain_ok.get(key)
        if ok is None:
            ok = self.plain_ok[key] = self._fields_ok(checked, new, status) and self._rules_ok(
                checked, new, now
            )
        if not ok:
            return None
        return _Plain(entry, row, asset_hex, version, new, _changes_json(made), checked)

    def _fields_ok(self, checked: _Checked, new: dict[str, Any], status: str) -> bool:
        """The fields the form of the group's template sets, the status move and the
        decommissioned asset's rule."""
        current = _STATUS_OF.get(status)
        return (
            current is not None
            and set(new) <= checked.group.template.definition.asset_field_keys()
            and status_move_problem(_CHANGE, current, None) is None
            and decommissioned_change_problem(_CHANGE, current, new) is None
        )

    def _text(self, spec: AssetField, before: Any, after: Any) -> _Values | None:
        """A text field's change (see :data:`_Values`): the kit's value must be what the
        field's coercion leaves of it."""
        session = self.session
        value, problem = coerce_asset_value(session, spec, after)
        if problem is not None or value != after or type(value) is not type(after):
            return None
        # (a text field's text reads as itself: display_text's for a string)
        return (
            before,
            after,
            before if type(before) is str else display_text(session, spec.key, before),
            after if type(after) is str else display_text(session, spec.key, after),
        )

    def _reference(self, spec: AssetField, before: Any, after: Any) -> _Values | None:
        """A move's or reassignment's change (see :data:`_Values`), each distinct one
        checked once in a run: the row it names exists (an active person), as the
        field's coercion checks it; the kit's JSON holds the ids as the service writes
        them (the UUID's text)."""
        if not isinstance(before, str | None) or not isinstance(after, str | None):
            return None
        key = (spec.key, before, after)
        if key in self.references:
            return self.references[key]
        found: _Values | None = None
        session = self.session
        value, problem = coerce_asset_value(session, spec, after)
        if problem is None and (None if value is None else str(value)) == after:
            try:
                ids = [None if v is None else uuid.UUID(v) for v in (before, after)]
            except ValueError:
                ids = []
            if ids and (None if ids[0] is None else str(ids[0])) == before:
                found = (
                    None if ids[0] is None else ids[0].hex,
                    None if ids[1] is None else ids[1].hex,
                    display_text(session, spec.key, ids[0]),
                    display_text(session, spec.key, ids[1]),
                )
                # Held for the run (the session holds what it looked up weakly).
                model = REFERENCE_MODELS[spec.type]
                self.bulk.held.extend(session.get(model, i) for i in ids if i is not None)
        self.references[key] = found
        return found

    def _group(
        self,
        by_hex: str | None,
        category_hex: str | None,
        answers_text: str,
        template_hex: str,
        template_version: int,
        risk: str | None,
    ) -> _Checked | None:
        """The group of a plain record's performer, category and answers, checked once:
        the performer may make changes, the server's template for them is the one the
        kit recorded, its answers are valid, need no approval and give the same risk."""
        key = (by_hex, category_hex, answers_text, template_hex, template_version, risk)
        if key in self.groups:
            return self.groups[key]
        checked = self.groups[key] = self._check_group(*key)
        return checked

    def _check_group(
        self,
        by_hex: str | None,
        category_hex: str | None,
        answers_text: str,
        template_hex: str,
        template_version: int,
        risk: str | None,
    ) -> _Checked | None:
        if by_hex is None or not self.waiting_free:
            return None
        bulk = self.bulk
        performer = bulk.per_record._username(self._id(by_hex))
        try:
            actor_id = bulk.actors.get((performer, _CHANGE))
            if actor_id is None:
                actor_id = bulk.actors[(performer, _CHANGE)] = require(
                    self.session, performer, work_for(_CHANGE)
                ).id
            answers, checklist, impact, likelihood = split_answers(
                json.loads(answers_text) if answers_text else {}
            )
            request = ProcedureRequest(
                kind=_CHANGE,
                performed_by=performer,
                answers=answers,
                checklist=checklist,
                impact=impact,
                likelihood=likelihood,
                origin=Origin.FIELD_KIT,
            )
            category_id = None if category_hex is None else uuid_from_hex(category_hex)
            group = bulk.groups.of(self.session, request, category_id, answers_text)
        except (DesktopError, ValueError):
            return None  # refused: the per-record replay says why
        bulk.held.append(group.category)
        template = group.template
        if (
            group.problems
            or group.approvals
            or group.risk != risk
            or template.id.hex != template_hex
            or template.version != template_version
        ):
            return None
        return _Checked(performer, actor_id.hex, group, _encode(group.answers))

    def _rules_ok(self, checked: _Checked, new: dict[str, Any], now: tuple[Any, ...]) -> bool:
        """The template's required fields and rules (all they read of the asset is whether
        each field they name is empty)."""
        asset = SimpleNamespace(**{c: now[_AT[c]] for c in _COLUMNS})
        return not required_and_rules_problems(
            checked.group.template, asset, dict(new), checked.group.answers
        )

    def _id(self, text: str) -> uuid.UUID:
        """The UUID of a hex id (each made once in a sync: ``bulk.ids``)."""
        made = self.ids.get(text)
        if made is None:
            made = self.ids[text] = uuid_from_hex(text)
        return made

    # -- writing

    def _write(
        self,
        pending: list[_Plain | _Done],
        driver: Any,
        remember_all: Callable[[list[tuple[Entry, Replayed]]], None],
    ) -> None:
        """The records decided so far: the plain ones stored (:meth:`_store`), then all
        heard of, each in its place; ``pending`` emptied."""
        if not pending:
            return
        plain = [p for p in pending if isinstance(p, _Plain)]
        if plain:
            self._store(plain, driver)
        result, of = self._result, self._id
        remember_all(
            [
                (item.entry, item.replayed)
                if isinstance(item, _Done)
                else (
                    item.entry,
                    Replayed(
                        result(item.entry, item.row, _APPLIED),
                        asset_id=of(item.asset_hex),
                        server_version=item.version + 1,
                    ),
                )
                for item in pending
            ]
        )
        pending.clear()

    def _store(self, plain: list[_Plain], driver: Any) -> None:
        """The plain records' procedure rows (one ``executemany``) and their assets' new
        values (one ``UPDATE`` per set of fields), the search index kept once for all."""
        bulk = self.bulk
        now = self.now_text
        if not _MOMENT.fullmatch(now):  # (written into the statements: only a moment)
            raise AssertionError(f"not a stored moment: {now!r}")
        origin_of = f"field kit {bulk.kit_id}; recorded by "
        # What the records of one group share (performer, answers, risk, history note),
        # and the ticket, reason and origin as stored, each made once.
        shared: dict[int, tuple[str, str, str | None, str]] = {}
        for checked in {id(p.checked): p.checked for p in plain}.values():
            shared[id(checked)] = (
                checked.actor_hex,
                checked.answers_text,
                checked.group.risk,
                bulk._note(checked.performer, _NOT_REBASED, 0),
            )
        cleaned: dict[tuple[Any, Any, Any], tuple[str, str, str]] = {}
        rows = []
        for p in plain:
            row = p.row
            actor_hex, answers_text, risk, note = shared[id(p.checked)]
            texts = (row[12], row[13], row[14])
            ticket, reason, origin_detail = cleaned.get(texts) or cleaned.setdefault(
                texts,
                (
                    str(row[12] or "").strip()[:100],
                    str(row[13] or "").strip(),
                    (origin_of + str(row[14]))[:500],
                ),
            )
            rows.append(
                (
                    row[1],
                    p.asset_hex,
                    row[6],
                    row[7],
                    actor_hex,
                    row[9],
                    ticket,
                    reason,
                    answers_text,
                    p.changes_text,
                    origin_detail,
                    risk,
                    note,
                )
            )
        moment = f"'{now}'"
        driver.executemany(_INSERT.format(now=moment), rows)
        by_fields: dict[tuple[str, ...], list[tuple[Any, ...]]] = {}
        for p in plain:
            by_fields.setdefault(tuple(p.new), []).append(
                (*p.new.values(), p.version + 1, p.asset_hex, p.version)
            )
        updated = [self._id(p.asset_hex) for p in plain]
        columns = sorted({_PLAIN[k].column for k in {k for p in plain for k in p.new}})
        connection = self.session.connection()
        with search_index_kept_in_bulk(connection, updated, columns):
            for fields, values in by_fields.items():
                sets = ", ".join(f"{_PLAIN[k].column} = ?" for k in fields)
                cursor = driver.executemany(
                    f"UPDATE assets SET {sets}, version = ?, updated_at = {moment} "  # noqa: S608
                    "WHERE id = ? AND version = ?",
                    values,
                )
                if cursor.rowcount != len(values):
                    raise KitError(
                        "an asset changed on the server while the sync held it; nothing of "
                        "this batch was recorded: sync again"
                    )
        bulk._forget_assets()

    def _result(self, entry: Entry, row: tuple[Any, ...], outcome: Outcome) -> RecordResult:
        kind = _KIND_LABEL.get(row[3]) or ProcedureKind(row[3]).label
        performer = self.names.get(row[8])
        if performer is None:
            performer = self.names[row[8]] = self.bulk.per_record._username(
                None if row[8] is None else self._id(row[8])
            )
        at = row[9]
        summary = f"{kind} {row[16] or ''} by {performer} at {at[:10]} {at[11:16]}"
        return RecordResult.made(entry.seq, "procedure", entry.row_id, summary, outcome, "")


_KIND_LABEL = {kind.value: kind.label for kind in ProcedureKind}
_APPLIED = Outcome.APPLIED
_NOT_REBASED = Rebase(None, [], ())
_NAMED: dict[tuple[uuid.UUID, int], tuple[tuple[str, int | None], ...]] = {}


def _named(template: Any) -> tuple[tuple[str, int | None], ...]:
    """The keys a template's required fields and rules name (what they read), each with
    its asset column's place in the join's row (None: not an asset field)."""
    key = (template.id, template.version)
    named = _NAMED.get(key)
    if named is None:
        definition = template.definition
        found = [spec.key for spec in definition.asset_fields if spec.required]
        for rule in definition.rules:
            found.extend(rule.one_of or ())
        named = _NAMED[key] = tuple(
            (k, _AT[FIELDS_BY_KEY[k].column] if k in FIELDS_BY_KEY else None)
            for k in dict.fromkeys(found)
        )
    return named


def _changes_json(made: list[_Change]) -> str:
    """``json.dumps`` of the changes as history stores them (a list of ``{"field",
    "before", "after", "before_text", "after_text"}``), written directly when every
    value is text or none (what the plain fields hold); otherwise by ``json.dumps``."""
    parts = []
    for key, before, after, before_text, after_text in made:
        if (before is not None and type(before) is not str) or (
            after is not None and type(after) is not str
        ):
            return _encode(
                [
                    {"field": k, "before": b, "after": a, "before_text": bt, "after_text": at}
                    for k, b, a, bt, at in made
                ]
            )
        parts.append(
            f'{{"field": {_string(key)}, "before": '
            f"{'null' if before is None else _string(before)}, "
            f'"after": {"null" if after is None else _string(after)}, '
            f'"before_text": {_string(before_text)}, "after_text": {_string(after_text)}}}'
        )
    return f"[{', '.join(parts)}]"
