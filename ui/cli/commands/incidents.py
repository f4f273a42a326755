"""``assetdesk incidents list | show | log | move | link | report``."""

from __future__ import annotations

import uuid

from desktop.errors import Problem, ValidationError
from desktop.local_time import local_zones
from desktop.services.incidents import (
    IncidentRequest,
    IncidentRow,
    IncidentStatus,
    add_note,
    assets_by_incident_count,
    incident_detail,
    link_fix,
    list_incidents,
    log_incident,
    move_incident,
    open_incidents_by_group,
)
from desktop.services.procedures import find_asset
from ui.cli.context import CliContext, print_json


def _list(ctx: CliContext) -> int:
    with ctx.database().read() as session:
        asset_id = find_asset(session, tag=ctx.args.asset).id if ctx.args.asset else None
        rows = list_incidents(session, open_only=ctx.args.open, asset_id=asset_id)
    if ctx.args.json:
        print_json(rows)
        return 0
    if not rows:
        print("No open incidents." if ctx.args.open else "No incidents.")
    else:
        print(f"Times in {local_zones(row.reported_at for row in rows)}.")
    for row in rows:
        _print_row(row)
    return 0


def _print_row(row: IncidentRow) -> None:
    when = row.reported_at.astimezone().strftime("%Y-%m-%d %H:%M")
    status = IncidentStatus(row.status).label
    print(
        f"{row.number_text:<6} {status:<12} {row.severity:<9} {when}  {row.title}  "
        f"[{', '.join(row.asset_tags)}]  → {row.routed_group or '—'}"
        + (f" ({row.assigned_to})" if row.assigned_to else "")
    )


def _show(ctx: CliContext) -> int:
    with ctx.database().read() as session:
        detail = incident_detail(session, ctx.args.number)
    if ctx.args.json:
        print_json(detail)
        return 0
    _print_row(detail.row)
    print(f"  reported by {detail.row.reported_by}")
    if detail.description:
        print(f"  {detail.description}")
    for key, value in detail.answers.items():
        print(f"  {key}: {value}")
    if detail.row.root_cause:
        print(f"  root cause: {detail.row.root_cause}")
        print(f"  resolution: {detail.row.resolution}")
    if detail.row.fixed_by_procedure_id:
        print(f"  fixed by the change procedure {detail.row.fixed_by_procedure_id}")
    print(f"  form: {detail.template_name} v{detail.template_version}")
    zones = local_zones([detail.row.reported_at, *(event.at for event in detail.events)])
    print(f"  times in {zones}")
    for event in detail.events:
        when = event.at.astimezone().strftime("%Y-%m-%d %H:%M")
        move = f"{event.from_status or '—'} → {event.to_status}" if event.to_status else ""
        print(f"    {when}  {event.person}  {move}  {event.note}".rstrip())
    return 0


def _log(ctx: CliContext) -> int:
    answers: dict[str, object] = {}
    for pair in ctx.args.answer:
        key, sep, value = pair.partition("=")
        if not sep:
            raise ValidationError(Problem("answer", f"'{pair}' is not KEY=VALUE"))
        answers[key.strip()] = value
    row = log_incident(
        ctx.database(),
        IncidentRequest(
            logged_by=ctx.acting_user(),
            asset_tags=ctx.args.asset,
            title=ctx.args.title,
            description=ctx.args.description,
            severity=ctx.args.severity,
            routed_group=ctx.args.group,
            reported_by=ctx.args.reported_by,
            answers=answers,
        ),
    )
    if ctx.args.json:
        print_json(row)
    else:
        print(f"Logged incident {row.number_text}: {row.title} [{', '.join(row.asset_tags)}]")
        if row.provisional:
            print("  Logged in a field kit: the database gives its final number at sync.")
    return 0


def _move(ctx: CliContext) -> int:
    row = move_incident(
        ctx.database(),
        number=ctx.args.number,
        to_status=ctx.args.status,
        by=ctx.acting_user(),
        assignee=ctx.args.assignee,
        root_cause=ctx.args.root_cause,
        resolution=ctx.args.resolution,
        note=ctx.args.note,
        fixed_by_procedure=_procedure_id(ctx.args.fixed_by) if ctx.args.fixed_by else None,
    )
    print(f"Incident #{row.number} is now {IncidentStatus(row.status).label.lower()}.")
    return 0


def _link(ctx: CliContext) -> int:
    row = link_fix(
        ctx.database(),
        number=ctx.args.number,
        procedure_id=_procedure_id(ctx.args.procedure),
        by=ctx.acting_user(),
    )
    print(f"Incident #{row.number} is linked to the change {row.fixed_by_procedure_id}.")
    return 0


def _note(ctx: CliContext) -> int:
    row = add_note(ctx.database(), number=ctx.args.number, by=ctx.acting_user(), note=ctx.args.text)
    print(f"Added a note to incident #{row.number}.")
    return 0


def _procedure_id(text: str) -> uuid.UUID:
    try:
        return uuid.UUID(text.strip())
    except ValueError:
        raise ValidationError(Problem("procedure", f"'{text}' is not a procedure id")) from None


def _report(ctx: CliContext) -> int:
    with ctx.database().read() as session:
        by_asset = assets_by_incident_count(session)
        by_group = open_incidents_by_group(session)
    if ctx.args.json:
        print_json(
            {
                "assets_by_incident_count": by_asset,
                "open_incidents_by_group": [
                    {
                        "group": g.group,
                        "new": g.new,
                        "assigned": g.assigned,
                        "in_progress": g.in_progress,
                        "total": g.total,
                    }
                    for g in by_group
                ],
            }
        )
        return 0
    print("Assets by incident count")
    for a in by_asset:
        print(f"  {a.tag:<14} {a.incidents:>4} incidents, {a.open_incidents} open  {a.name}")
    print("\nOpen incidents by group")
    for g in by_group:
        print(
            f"  {g.group:<20} {g.total:>4} open "
            f"(new {g.new}, assigned {g.assigned}, in progress {g.in_progress})"
        )
    return 0
