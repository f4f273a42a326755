"""``assetdesk audit start|scan|close|report|list|due``: inventory audits from the command line.

``scan`` reads tags from its arguments, or line by line from standard input when no tag
or ``-`` is given (a scanner log, or a scanner typing into a terminal). A location label
in the stream sets the current room, as on the scan screen; with none (and no ``--room``)
the scans of an audit of one room are made in that room, as the scan screen opens in it. Each scan is stored before
its line is printed, so every printed line is a stored scan.
"""

from __future__ import annotations

import json
import sys
import uuid
from collections.abc import Iterator
from typing import Any

from desktop.errors import DesktopError, PermissionDeniedError
from desktop.output_files import refuse_existing_file
from desktop.services.audit_actions import ActionOutcome, apply_audit_actions, parse_actions
from desktop.services.audit_due import DueList, count_due, list_due
from desktop.services.audit_scan_state import current_room
from desktop.services.audit_scans import ScanResult, record_scan
from desktop.services.audit_tally import reconcile
from desktop.services.audits import (
    AuditSummary,
    close_audit,
    find_audit,
    find_category,
    find_location,
    list_audits,
    single_room,
    start_audit,
)
from desktop.services.people import person_by_username
from desktop.storage.kitfile import database_returned_note
from desktop.storage.models import Location
from ui.cli.context import CliContext, print_json, to_jsonable


def _audit_id(ctx: CliContext, text: str) -> uuid.UUID:
    with ctx.database().read() as session:
        return find_audit(session, text).id


def _start(ctx: CliContext) -> int:
    db = ctx.database()
    with db.read() as session:
        scope = find_location(session, ctx.args.scope).id
        categories = [find_category(session, c).id for c in ctx.args.category]
    summary = start_audit(
        db,
        scope_location_id=scope,
        category_ids=categories,
        name=ctx.args.name,
        started_by=ctx.acting_user(),
    )
    if ctx.args.json:
        print_json(summary)
    else:
        print(f"Audit {summary.id} started: {summary.name}")
        print(f"  scope {summary.scope}; {summary.expected} assets expected")
    return 0


def _stream(tags: list[str]) -> Iterator[str]:
    if tags and tags != ["-"]:
        yield from tags
        return
    for line in iter(sys.stdin.readline, ""):
        if line.strip():
            yield line.strip()


def _scan(ctx: CliContext) -> int:
    db = ctx.database()
    returned = database_returned_note(db)
    if returned is not None:  # one sentence, not one refusal per tag
        raise PermissionDeniedError(returned)
    user = ctx.acting_user()
    audit_id = _audit_id(ctx, ctx.args.audit)
    room: uuid.UUID | None = None
    with db.read() as session:
        if ctx.args.room:
            room = find_location(session, ctx.args.room).id
        else:
            room = _resumed_room(ctx, session, audit_id, user)
    refused = 0
    for raw in _stream(ctx.args.tags):
        try:
            result = record_scan(db, audit_id=audit_id, raw=raw, scanned_by=user, room_id=room)
        except DesktopError as exc:
            refused += 1
            if ctx.args.json:
                _json_line({"audit_id": audit_id, "raw": raw, "error": exc.message})
            else:
                print(f"{raw}: refused: {exc.message}", file=sys.stderr, flush=True)
            continue
        if result.classification.value in ("room", "undo"):
            room = result.room_id
        _print_scan(ctx, audit_id, result)
    return 1 if refused else 0


def _resumed_room(
    ctx: CliContext, session: Any, audit_id: uuid.UUID, user: str
) -> uuid.UUID | None:
    """The room the scans start in without --room, as on the scan screen: the room this
    person last scanned a label of in this audit (a second ``audit scan`` goes on there),
    else the scope itself when it is one room. Each call started with no room: an asset
    of another room scanned in a second call was "found (…; no room scanned)", counted
    found, never misplaced (newuser6)."""
    person = person_by_username(session, user)
    room = current_room(session, audit_id, person.id)
    why = "the room you last scanned in"
    if room is None:
        only = single_room(session, audit_id)
        room, why = (only.id, "the audit's only room") if only is not None else (None, "")
    if room is not None and not ctx.args.json:
        location = session.get(Location, room)
        print(f"Scanning in {location.name if location else room} ({why}).", flush=True)
    return room


def _print_scan(ctx: CliContext, audit_id: uuid.UUID, result: ScanResult) -> None:
    if ctx.args.json:
        _json_line(
            {
                "audit_id": audit_id,
                "sequence": result.sequence,
                "raw": result.raw,
                "kind": result.kind.value,
                "classification": result.classification.value,
                "asset_tag": result.asset_tag,
                "room": result.room,
                "expected_location": result.expected_location,
                "message": result.message,
            }
        )
    else:
        print(
            f"{result.sequence:>5}  {result.classification.label:<22} {result.message}", flush=True
        )


def _json_line(value: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(to_jsonable(value), ensure_ascii=False) + "\n")
    sys.stdout.flush()


def _close(ctx: CliContext) -> int:
    db = ctx.database()
    user = ctx.acting_user()
    actions = parse_actions(ctx.args.apply)
    audit_id = _audit_id(ctx, ctx.args.audit)
    with db.read() as session:
        already_closed = find_audit(session, str(audit_id)).status == "closed"
    if not already_closed:
        close_audit(db, audit_id=audit_id, closed_by=user)
    elif not actions:
        raise DesktopError("the audit is closed already; give --apply to apply actions to it")
    outcomes = (
        apply_audit_actions(db, audit_id=audit_id, actions=actions, performed_by=user)
        if actions
        else []
    )
    with db.read() as session:
        result = reconcile(session, audit_id)
    if ctx.args.json:
        print_json(
            {
                "audit_id": audit_id,
                "status": result.audit.status,
                "counts": result.counts(),
                "actions": [_outcome_json(o) for o in outcomes],
            }
        )
        return 0
    _print_summary(result.audit)
    for key, value in result.counts().items():
        print(f"{key:>12}: {value}")
    for outcome in outcomes:
        pending = (
            f", {outcome.pending_approval} waiting for approval" if outcome.pending_approval else ""
        )
        print(
            f"{outcome.action.label}: {outcome.recorded} recorded{pending}, {len(outcome.skipped)} skipped"
        )
    return 0


def _outcome_json(outcome: ActionOutcome) -> dict[str, Any]:
    return {
        "action": outcome.action.value,
        "recorded": outcome.recorded,
        "pending_approval": outcome.pending_approval,
        "skipped": list(outcome.skipped),
    }


def _print_summary(audit: AuditSummary) -> None:
    closed = f", closed by {audit.closed_by}" if audit.closed_at else ""
    print(f"Audit {audit.id}: {audit.name} ({audit.status}{closed})")


def _report(ctx: CliContext) -> int:
    from desktop.services.audit_report import write_audit_report  # openpyxl: only when needed

    db = ctx.database()
    audit_id = _audit_id(ctx, ctx.args.audit)
    refuse_existing_file(ctx.args.output, overwrite=ctx.args.overwrite)
    result = write_audit_report(db, audit_id=audit_id, path=ctx.args.output)
    counts = ", ".join(f"{v} {k}" for k, v in result.counts().items())
    print(f"Wrote {ctx.args.output}: {counts}")
    return 0


def _list(ctx: CliContext) -> int:
    with ctx.database().read() as session:
        audits = list_audits(session, open_only=ctx.args.open)
    if ctx.args.json:
        print_json(audits)
        return 0
    for audit in audits:
        when = audit.started_at.astimezone().strftime("%Y-%m-%d %H:%M %Z")
        print(
            f"{audit.id}  {audit.status:<6} {when}  {audit.name}  "
            f"({audit.scope}; {audit.expected} expected, {audit.scans} scans)"
        )
    return 0


def _due(ctx: CliContext) -> int:
    which = DueList(ctx.args.due_list)
    with ctx.database().read() as session:
        location = find_location(session, ctx.args.location).id if ctx.args.location else None
        counts = count_due(session, within_days=ctx.args.within, location_id=location)
        rows = list_due(
            session,
            which,
            within_days=ctx.args.within,
            location_id=location,
            limit=ctx.args.limit,
        )
    if ctx.args.json:
        print_json(
            {
                "list": which.value,
                "counts": {k.value: v for k, v in counts.items()},
                "assets": rows,
            }
        )
        return 0
    print(" · ".join(f"{k.label}: {v}" for k, v in counts.items()))
    for row in rows:
        last = row.last_audited_at.date().isoformat() if row.last_audited_at else "never"
        next_ = row.next_audit.isoformat() if row.next_audit else "now"
        print(
            f"{row.tag:<16} {row.name[:30]:<30} {row.location[:24]:<24} last {last}  next {next_}"
        )
    return 0
