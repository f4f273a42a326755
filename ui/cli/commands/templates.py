"""``assetdesk templates list | set-approval | set-scan``: the procedure templates, their
approval rule and which of their fields take a barcode scan (administrators). Each edit
adds a template version; procedures keep theirs."""

from __future__ import annotations

from desktop.domain.lifecycle import ProcedureKind
from desktop.services.template_admin import (
    list_templates,
    parse_approvers,
    set_approval,
    set_field_scans,
)
from ui.cli.context import CliContext, print_json


def _list(ctx: CliContext) -> int:
    with ctx.database().read() as session:
        rows = list_templates(session)
    if ctx.args.json:
        print_json(rows)
        return 0
    for row in rows:
        scope = row.category or "all categories"
        fields = ", ".join(
            f"{key} (takes scans)" if key in row.scan_fields else key for key, _ in row.text_fields
        )
        text = f"  text fields: {fields}" if fields else ""
        print(f"{row.kind:<18} {scope:<20} v{row.version:<3} approval: {row.approval}{text}")
    return 0


def _set_approval(ctx: CliContext) -> int:
    approvers = parse_approvers(ctx.args.approvers)
    row = set_approval(
        ctx.database(),
        ctx.acting_user(),
        ProcedureKind(ctx.args.kind),
        approvers=approvers,
        category=ctx.args.category,
    )
    scope = f" for {row.category}" if row.category else ""
    print(f"{row.kind}{scope}: approval {row.approval} (template version {row.version})")
    return 0


def _set_scan(ctx: CliContext) -> int:
    row = set_field_scans(
        ctx.database(),
        ctx.acting_user(),
        ProcedureKind(ctx.args.kind),
        field=ctx.args.field,
        accepts_scan=not ctx.args.off,
        category=ctx.args.category,
    )
    scope = f" for {row.category}" if row.category else ""
    key = next(k for k, _ in row.text_fields if k.lower() == ctx.args.field.strip().lower())
    said = "takes a scan" if key in row.scan_fields else "ignores scans"
    print(f"{row.kind}{scope}: {key} {said} (template version {row.version})")
    return 0
