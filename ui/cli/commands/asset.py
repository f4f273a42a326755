"""``assetdesk asset show TAG``."""

from __future__ import annotations

from desktop.domain.fields import custom_field_labels, field_label, plain_text
from desktop.domain.lifecycle import AssetStatus
from desktop.errors import DesktopError
from desktop.local_time import local_minute, local_zones, shown_text
from desktop.services.queries import asset_detail
from desktop.services.recorded_answers import recorded_answers
from ui.cli.context import CliContext, print_json


def _show(ctx: CliContext) -> int:
    limit = _history_limit(ctx.args.history)
    with ctx.database().read() as session:
        detail = asset_detail(
            session, tag=ctx.args.tag, history_limit=None if ctx.args.json else limit
        )
    if ctx.args.json:
        payload = {
            "asset": detail.row,
            "custom_fields": detail.custom_fields,
            "history": detail.history,
        }
        print_json(payload)
        return 0
    row = detail.row
    fields = [
        ("Tag", row.tag),
        ("Name", row.name),
        ("Category", row.category),
        ("Model", f"{row.manufacturer} {row.model}".strip()),
        ("Serial number", row.serial_number),
        ("Status", AssetStatus(row.status).label),
        ("Location", row.location),
        ("Assigned to", row.assigned_to),
        ("Owning group", row.owning_group),
        ("Purchase date", row.purchase_date or ""),
        ("Purchase cost", row.purchase_cost if row.purchase_cost is not None else ""),
        ("Order number", row.order_number),
        ("Supplier", row.supplier),
        ("Warranty end", row.warranty_end or ""),
        (
            "Last audited",
            local_minute(row.last_audited_at) if row.last_audited_at else "never",
        ),
        ("Notes", row.notes),
        ("Version", row.version),
    ]
    labels = custom_field_labels(detail.custom_field_definitions)
    fields += [(labels.get(k, k), plain_text(v)) for k, v in detail.custom_fields.items()]
    # Right-aligned to the longest label: a custom field's title may be longer than ours.
    width = max(16, *(len(label) for label, _ in fields))
    for label, value in fields:
        print(f"{label:>{width}}: {_under(value, width + 2)}")
    shown, total = len(detail.history), detail.history_count
    counted = f"the newest {shown} of {total}" if shown < total else f"{total}"
    zones = local_zones(e.performed_at for e in detail.history)
    print(
        f"\nHistory ({counted} procedures, newest first"
        + (f"; times in {zones})" if zones else ")")
    )
    for entry in detail.history:
        when = entry.performed_at.astimezone().strftime("%Y-%m-%d %H:%M")
        ticket = f" [{entry.ticket_ref}]" if entry.ticket_ref else ""
        state = "" if entry.state == "completed" else f" ({entry.state.replace('_', ' ')})"
        print(f"  {when}  {entry.kind:<13} {entry.performed_by}{ticket}{state}")
        if entry.reason:
            print(f"      reason: {entry.reason}")
        if entry.note:
            print(f"      note: {_under(entry.note, 12)}")
        for label, text in recorded_answers(entry.kind, entry.answers):
            print(f"      {label}: {_under(text, 8)}")
        for change in entry.changes:
            before = shown_text(str(change.get("before_text") or "—"))
            after = shown_text(str(change.get("after_text") or "—"))
            name = field_label(str(change["field"]), labels)
            print(f"      {name}: {_under(f'{before} → {after}', 8)}")
    if shown < total:
        print(f"  … {total - shown} older: assetdesk asset show {row.tag} --history all")
    return 0


def _under(value: object, indent: int) -> str:
    """``value`` with each line after the first ``indent`` spaces in: under the value, not
    at the margin where it read as a field of its own (notes kept from another tool's
    columns hold one "Header: value" a line)."""
    return str(value).replace("\n", "\n" + " " * indent)


def _history_limit(text: str) -> int | None:
    if text.strip().lower() == "all":
        return None
    try:
        limit = int(text)
    except ValueError:
        limit = -1
    if limit < 0:
        raise DesktopError(f"--history takes a number of procedures or 'all', not '{text}'")
    return limit
