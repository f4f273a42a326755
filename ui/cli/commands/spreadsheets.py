"""``assetdesk import FILE`` and ``assetdesk export OUT``: spreadsheets in and out.

``import`` always plans first (the dry run) and prints the classification; without
``--dry-run`` it then writes, all or nothing unless ``--valid-only``. The exit status is
1 when any row was rejected (an error or a conflict), 0 otherwise.
"""

from __future__ import annotations

import argparse
import getpass
import uuid
from pathlib import Path
from typing import Any

from desktop.errors import DesktopError
from desktop.output_files import refuse_existing_file
from desktop.services.register_rows import AssetFilter
from desktop.settings import signed_in_person
from desktop.spreadsheets.cells import DateOrder
from desktop.spreadsheets.commit import commit_import
from desktop.spreadsheets.commit_rows import ImportResult
from desktop.spreadsheets.counts_wording import counts_said
from desktop.spreadsheets.dates import chosen_date_order
from desktop.spreadsheets.error_workbook import check_error_workbook_path, write_error_workbook
from desktop.spreadsheets.import_choices import (
    defaults_description,
    parse_defaults,
    parse_status_words,
)
from desktop.spreadsheets.import_runs import again_refusal
from desktop.spreadsheets.model import ImportOptions, ImportPlan, MatchKey, RowAction
from desktop.spreadsheets.plan import dry_run
from desktop.spreadsheets.preview import detail_lines, plan_details, received, rows_waiting
from desktop.spreadsheets.profiles import load_profile, save_profile
from desktop.spreadsheets.references import ReferenceIndex
from desktop.spreadsheets.row_answers import parse_answers
from desktop.spreadsheets.statuses import parse_status
from desktop.spreadsheets.unmapped import unmapped_said
from desktop.storage.kitfile import database_is_kit
from desktop.wording import plural
from ui.cli.context import CliContext, print_json

#: How many changes and problems the text summary shows (``--json`` has them all).
SHOWN = 50


def _options(ctx: CliContext) -> tuple[ImportOptions, dict[str, Any] | None]:
    args = ctx.args
    profile = load_profile(ctx.database(), args.profile) if args.profile else None
    match = args.match or (profile or {}).get("match") or MatchKey.TAG.value
    order = args.date_order or (profile or {}).get("date_order") or chosen_date_order(ctx.settings)
    try:
        date_order = DateOrder(order)
    except ValueError:
        raise DesktopError(f"the date order setting '{order}' is not dmy, mdy or ymd") from None
    words = dict((profile or {}).get("statuses") or {})
    words.update(parse_status_words(args.status_words))
    options = ImportOptions(
        sheet=args.sheet,
        match=MatchKey(match),
        date_order=date_order,
        mapping=(profile or {}).get("columns"),
        profile_name=args.profile or "",
        unknown_columns=args.unknown_columns,
        status_words=words,
        defaults=parse_defaults(args.defaults),
        create_missing=not args.no_create,
        blank_clears=args.blank_clears,
        answers=parse_answers(args.answers),
        command_line=True,
        # Who imports, as said (never a person created for a dry run).
        importer=args.as_user or signed_in_person(ctx.settings, ctx.url) or "",
    )
    return options, profile


def _import(ctx: CliContext) -> int:
    """Plan, print and maybe write; with ``--json`` exactly one JSON object, refusals too."""
    try:
        return _import_file(ctx)
    except DesktopError as exc:
        if not ctx.args.json:
            raise
        print_json(refusal_payload(ctx.args.file, exc.message))
        return 2


def _import_file(ctx: CliContext) -> int:
    args = ctx.args
    if args.locations and args.people:
        raise DesktopError("a list is of --locations or of --people, not both")
    if args.locations or args.people:
        return _import_list(ctx)
    if args.valid_only and args.dry_run:
        raise DesktopError("--valid-only writes rows; it cannot be combined with --dry-run")
    db = ctx.database()
    if args.save_profile and database_is_kit(db):
        raise DesktopError(
            f"cannot save the mapping profile '{args.save_profile}' in a field kit: profiles "
            "are the server's and the next refresh would replace it. Nothing was imported; "
            "run the import again without --save-profile (and save the profile on the server "
            "the kit came from)"
        )
    if args.errors:
        check_error_workbook_path(args.errors)
    options, _ = _options(ctx)
    plan = dry_run(db, args.file, options)
    if args.save_profile:
        save_profile(
            db,
            args.save_profile,
            plan.mapping.as_profile(),
            match=options.match.value,
            date_order=options.date_order.value,
            statuses=options.status_words,
        )
    rejected = plan.rejected
    result: ImportResult | None = None
    refused = ""
    creates = plan.counts()["create"]
    if not args.dry_run:
        if plan.earlier is not None and creates and not args.again:
            refused = again_refusal(
                plan.table.file_name, plan.earlier, creates, plan.options.match.value
            )
        elif rejected and not args.valid_only:
            refused = (
                f"nothing was imported: {plural(len(rejected), 'row was|rows were')} rejected "
                f"(fix {'it' if len(rejected) == 1 else 'them'}, or use --valid-only to import "
                "the others)"
            )
        else:
            # A process of its own: nothing else reads the file while it writes.
            result = commit_import(
                db, plan, performed_by=ctx.acting_user(), valid_only=args.valid_only, alone=True
            )
    error_rows = 0
    if args.errors and rejected:
        error_rows = write_error_workbook(plan, rejected, args.errors)
    if args.json:
        payload = _payload(plan, result, refused, args.errors if error_rows else None)
        print_json({**payload, **plan_details(plan)})
    else:
        _print_summary(plan, result, refused, args.errors if error_rows else None)
    return 1 if rejected or refused else 0


def refusal_payload(path: Path, message: str) -> dict[str, Any]:
    """The one JSON object printed when a file is refused as a whole."""
    return {
        "file": path.name,
        "sheet": None,
        "counts": {a.value: 0 for a in RowAction},
        "errors": [{"sheet": None, "row": None, "column": None, "message": message}],
        "committed": False,
        "refused": message,
        "error": message,
    }


def _payload(
    plan: ImportPlan, result: ImportResult | None, refused: str, errors: Path | None
) -> dict[str, Any]:
    return {
        "file": plan.table.file_name,
        "sheet": plan.table.sheet,
        "header_row": plan.table.row_numbers[plan.header_index],
        "counts": plan.counts(),
        "errors": [
            {"sheet": plan.table.sheet, "row": p.row, "column": p.column, "message": p.message}
            for p in plan.problems()
        ],
        "unmapped_columns": plan.mapping.unmapped(),
        "mapping": {h: t for h, t in plan.mapping.as_profile().items() if t},
        "new_references": [
            {
                "kind": n.reference.kind,
                "name": n.reference.text,
                "rows": list(n.rows),
                "tag_prefix": n.reference.tag_prefix or None,
                "looks_like": n.looks_like or None,
                "description": n.description,
            }
            for n in plan.new_references
        ],
        "values_for_all_rows": plan.options.defaults,
        "answers_for_all_rows": plan.options.answers,
        "status_words": plan.options.status_words,
        "changes": [
            {
                "row": r.row,
                "tag": r.tag,
                "action": r.action.value,
                "changes": [c.as_json() for c in r.changes],
            }
            for r in plan.rows
            if r.action in (RowAction.UPDATE, RowAction.CONFLICT)
        ],
        "committed": result is not None,
        "refused": refused,
        "error": refused or None,
        "created_tags": list(result.created_tags) if result else [],
        "procedures": result.procedures if result else 0,
        "pending_rows": result.pending if result else len(plan.pending),
        "error_workbook": str(errors) if errors else None,
    }


def _one_line(text: str) -> str:
    return " / ".join(text.splitlines())


def _print_summary(
    plan: ImportPlan, result: ImportResult | None, refused: str, errors: Path | None
) -> None:
    counts = plan.counts()
    header_row = plan.table.row_numbers[plan.header_index]
    rows = len({r.row for r in plan.rows})  # a line of 3 items is planned as 3 assets
    print(f"{plan.where}: {plural(rows, 'row')} below the header in row {header_row}")
    print("  " + counts_said(counts))
    for line in detail_lines(plan):
        print(line)
    first, unread = plan.header_index + 1, plan.table.unread_formulas
    if unmapped := unmapped_said(plan.mapping, plan.table.rows, first, unread):
        print(f"Columns not imported: {', '.join(unmapped)}")
    if plan.new_references:
        print("New reference data to create:")
        for new in plan.new_references[:SHOWN]:
            print(f"  {new.description}, rows {_rows(new.rows)}")
        if len(plan.new_references) > SHOWN:
            print(f"  … and {len(plan.new_references) - SHOWN:,} more (--json lists them all)")
        if plan.references_refused:
            print(plan.references_refused)
    if plan.options.defaults:
        print(
            f"Values for new assets whose row gives none: {defaults_description(plan.options.defaults)}"
        )
    updates = [r for r in plan.rows if r.action is RowAction.UPDATE]
    if updates:
        print("Changes:")
        for row in updates[:SHOWN]:
            details = "; ".join(  # one line a row: notes' lines as the wizard shows them
                f"{c.label}: {_one_line(c.before_text) or '—'} → {_one_line(c.after_text) or '—'}"
                for c in row.changes
            )
            print(f"  row {row.row} {row.tag}: {details}")
        if len(updates) > SHOWN:
            print(f"  … and {len(updates) - SHOWN:,} more (--json lists them all)")
    problems = plan.problems()
    if problems:
        print("Rejected:")
        for problem in problems[:SHOWN]:
            print(f"  row {problem.row}, {problem.column}: {problem.message}")
        if len(problems) > SHOWN:
            print(f"  … and {len(problems) - SHOWN:,} more (--json lists them all)")
    if errors:
        print(f"Rejected rows with their reasons: {errors}")
    if refused:
        print(refused[:1].upper() + refused[1:])
    elif result is None:
        print("Dry run: nothing was written.")
    else:
        print(
            f"Imported: {received(result.created_tags)}, "
            f"{result.updated:,} changed, {plural(result.procedures, 'procedure')} recorded"
            + (f", {plural(len(result.rejected), 'row')} left out" if result.rejected else "")
            + (
                f"; {rows_waiting(result.pending)} for approval (assetdesk approvals list)"
                if result.pending
                else ""
            )
        )


def _import_list(ctx: CliContext) -> int:
    """``import --locations`` or ``--people``: a list of places or of people."""
    from desktop.spreadsheets import location_lists, people_lists

    args = ctx.args
    db = ctx.database()
    plan: location_lists.LocationListPlan | people_lists.PeopleListPlan
    if args.locations:
        plan = (
            location_lists.plan_location_list(db, args.file, args.sheet)
            if args.dry_run
            else location_lists.import_location_list(
                db, args.file, ctx.acting_user(), sheet=args.sheet
            )
        )
        data: list[dict[str, object]] = [
            {"path": list(p.path), "kind": p.kind, "code": p.code} for p in plan.new
        ]
        shown = [
            f"{' › '.join(p.path)} ({p.kind}{', code ' + p.code if p.code else ''})"
            for p in plan.new
        ]
    else:
        plan = (
            people_lists.plan_people_list(db, args.file, args.sheet)
            if args.dry_run
            else people_lists.import_people_list(db, args.file, ctx.acting_user(), sheet=args.sheet)
        )
        data = [
            {
                "name": p.name,
                "username": p.username,
                "email": p.email,
                "group": p.group,
                "active": p.active,
            }
            for p in plan.new
        ]
        shown = [
            p.name
            + "".join(f", {t}" for t in (p.username, p.email) if t)
            + (f" (group {p.group})" if p.group else "")
            + ("" if p.active else " (inactive)")
            for p in plan.new
        ]
    if args.json:
        print_json(
            {
                "file": str(args.file),
                "dry_run": bool(args.dry_run),
                "new": data,
                "existing": plan.existing,
                "problems": plan.problems,
            }
        )
        return 2 if plan.problems else 0
    for line in shown:
        print(f"  new  {line}")
    for text in plan.existing:
        print(f"  has  {text}")
    if plan.problems:
        raise DesktopError(plan.summary())
    print(plan.summary() + (" (dry run: nothing was written)" if args.dry_run else ": imported"))
    return 0


def _rows(rows: tuple[int, ...]) -> str:
    shown = ", ".join(str(r) for r in rows[:5])
    return shown + (f" and {len(rows) - 5} more" if len(rows) > 5 else "")


def _export(ctx: CliContext) -> int:
    # (not imported for an import: the exporter and the register's queries)
    from desktop.spreadsheets.export import columns_by_title, custom_field_titles, export_assets

    args = ctx.args
    out = _export_file(args.out, args.output)
    db = ctx.database()
    chosen = (
        columns_by_title(args.columns, custom_field_titles(db))
        if args.columns is not None
        else None
    )
    flt = _filter(ctx, args)
    # The About sheet names who exported: --as, this computer's user, else the login name.
    who = args.as_user or signed_in_person(ctx.settings, ctx.url) or getpass.getuser()
    refuse_existing_file(out, overwrite=args.overwrite)
    result = export_assets(
        db,
        out,
        exported_by=who,
        flt=flt,
        columns=chosen.register if chosen else None,
        custom=chosen.custom if chosen else None,
    )
    print(result.message())
    return 0


def _export_file(named: Path | None, output: Path | None) -> Path:
    """The file to write: named alone or after -o/--output (labels and kit take -o)."""
    if named is not None and output is not None and named != output:
        raise DesktopError(f"export: two files named ({named} and -o {output}); name one")
    out = named or output
    if out is None:
        raise DesktopError("export: name the file to write, e.g. assetdesk export assets.xlsx")
    return out


def _existing(found: object) -> uuid.UUID:
    assert isinstance(found, uuid.UUID)  # lookups with create = False never return new data
    return found


def _filter(ctx: CliContext, args: argparse.Namespace) -> AssetFilter:
    statuses = []
    for text in args.status:
        try:
            statuses.append(parse_status(text).value)
        except ValueError as exc:
            raise DesktopError(f"--status: {exc}") from None
    with ctx.database().read() as session:
        index = ReferenceIndex(session)
        index.create = False  # a filter names what exists
        try:
            categories = tuple(_existing(index.category(c)) for c in args.category)
        except ValueError as exc:
            raise DesktopError(f"--category: {exc}") from None
        location = None
        if args.location:
            try:
                found = index.location(args.location, None)
            except ValueError as exc:
                raise DesktopError(f"--location: {exc}") from None
            if not isinstance(found, uuid.UUID):
                raise DesktopError(f"--location: there is no location '{args.location}'")
            location = found
    return AssetFilter(
        search=args.search,
        statuses=tuple(statuses),
        category_ids=categories,
        location_id=location,
    )
