"""``assetdesk incidents list | show | log | move | link | report``."""

from __future__ import annotations

import argparse
import uuid
from typing import Any

from desktop.errors import Problem, ValidationError
from desktop.services.incidents import (
    IncidentRequest,
    IncidentRow,
    IncidentStatus,
    add_note,
    assets_by_incident_count,
    incident_detail,
    incident_template,
    link_fix,
    list_incidents,
    log_incident,
    move_incident,
    open_incidents_by_group,
)
from desktop.services.procedures import find_asset
from ui.cli.context import CliContext, print_json


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("incidents", help="incidents logged against assets")
    actions = parser.add_subparsers(dest="incidents_command", metavar="ACTION", required=True)

    listing = actions.add_parser("list", help="incidents, newest first")
    listing.add_argument("--open", action="store_true", help="only new, assigned, in progress")
    listing.add_argument("--asset", metavar="TAG", help="only those about this asset")
    listing.add_argument("--json", action="store_true", help="print JSON for scripts")
    listing.set_defaults(handler=_list, database_must_exist=True)

    show = actions.add_parser("show", help="one incident with its history")
    show.add_argument("number", type=int)
    show.add_argument("--json", action="store_true", help="print JSON for scripts")
    show.set_defaults(handler=_show, database_must_exist=True)

    severities = next(f.choices for f in incident_template().fields if f.key == "severity")
    log = actions.add_parser("log", help="log a new incident against one or more assets")
    _as_user(log)
    log.add_argument("--asset", metavar="TAG", action="append", default=[], required=True)
    log.add_argument("--title", required=True)
    log.add_argument("--description", default="")
    log.add_argument("--severity", required=True, choices=severities)
    log.add_argument("--group", required=True, help="the group it is routed to (name)")
    log.add_argument("--reported-by", metavar="USER", help="who reported it (default: you)")
    log.add_argument(
        "--answer", metavar="KEY=VALUE", action="append", default=[], help="other template fields"
    )
    log.add_argument("--json", action="store_true", help="print JSON for scripts")
    log.set_defaults(handler=_log)

    move = actions.add_parser("move", help="move an incident to its next status")
    move.add_argument("number", type=int)
    move.add_argument("status", choices=[s.value for s in IncidentStatus])
    _as_user(move)
    move.add_argument("--assignee", metavar="USER", help="to assign: who takes it")
    move.add_argument("--root-cause", default="", help="to resolve: why it happened")
    move.add_argument("--resolution", default="", help="to resolve: what was done")
    move.add_argument("--fixed-by", metavar="PROCEDURE_ID", help="the change that fixed it")
    move.add_argument("--note", default="")
    move.set_defaults(handler=_move)

    link = actions.add_parser("link", help="link an incident to the change that fixed it")
    link.add_argument("number", type=int)
    link.add_argument("procedure", metavar="PROCEDURE_ID")
    _as_user(link)
    link.set_defaults(handler=_link)

    note = actions.add_parser("note", help="add a note to an incident's history")
    note.add_argument("number", type=int)
    note.add_argument("text")
    _as_user(note)
    note.set_defaults(handler=_note)

    report = actions.add_parser("report", help="assets by incident count, open incidents by group")
    report.add_argument("--json", action="store_true", help="print JSON for scripts")
    report.set_defaults(handler=_report, database_must_exist=True)


def _as_user(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--as", dest="as_user", metavar="USER", help="who you are (user name)")


def _list(ctx: CliContext) -> int:
    with ctx.database().read() as session:
        asset_id = find_asset(session, tag=ctx.args.asset).id if ctx.args.asset else None
        rows = list_incidents(session, open_only=ctx.args.open, asset_id=asset_id)
    if ctx.args.json:
        print_json(rows)
        return 0
    if not rows:
        print("No open incidents." if ctx.args.open else "No incidents.")
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
