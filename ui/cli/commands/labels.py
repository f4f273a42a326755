"""``assetdesk labels``: asset or location labels to a PDF, and the list of templates.

PySide6 is imported only inside the handler that paints (the command line starts without
Qt); painting needs no display: Qt's offscreen platform is used when there is none.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

from desktop.errors import DesktopError
from desktop.labels.calibration import PDF_PRINTER, calibration_page, load_offsets
from desktop.labels.geometry import LabelItem, PageLayout
from desktop.labels.items import asset_items, assets_by_tags, location_items
from desktop.labels.layout import LabelOptions, layout_pages
from desktop.labels.report import job_notes, retired_notice
from desktop.labels.store import (
    all_templates,
    delete_user_template,
    find_template,
    save_user_template,
)
from desktop.labels.symbols import Symbology
from desktop.output_files import refuse_existing_file
from desktop.services.queries import AssetFilter, list_assets
from desktop.settings import LABEL_TEMPLATE, ORGANISATION
from desktop.storage.models import Location
from ui.cli.context import CliContext, print_json


def _labels(ctx: CliContext) -> int:
    args = ctx.args
    if args.list_templates:
        return _list_templates(ctx)
    if args.save_template:
        return _save_template(ctx, args.save_template)
    if args.delete_template:
        delete_user_template(ctx.database(must_exist=False), args.delete_template)
        print(f"deleted label template '{args.delete_template}'")
        return 0
    if args.output is None:
        raise DesktopError("say where to write the labels with -o FILE.pdf")
    if not (args.tags or args.query or args.all or args.locations or args.calibration):
        raise DesktopError("choose the labels: --tags A,B, --query TEXT, --all or --locations")
    with ctx.database().read() as session:
        template = find_template(session, args.template or ctx.settings.get(LABEL_TEMPLATE))
        items, retired = ([], "") if args.calibration else _items(ctx, session)
    if retired:
        print(f"warning: {retired}", file=sys.stderr)
    offset = load_offsets(ctx.settings, PDF_PRINTER)
    pages: list[Any]
    if args.calibration:
        pages = [calibration_page(template, offset)]
    else:
        if not items:
            raise DesktopError("no assets match: there are no labels to print")
        organisation = (
            ctx.settings.get(ORGANISATION) if args.organisation is None else args.organisation
        )
        options = LabelOptions(
            symbology=Symbology.CODE39 if args.code39 else Symbology.CODE128,
            qr=args.qr,
            organisation=organisation,
            logo=args.logo is not None,
        )
        pages = layout_pages(template, items, options, start_at=args.start, offset=offset)
    _write(args.output, pages, template.name, args.logo, overwrite=args.overwrite)
    for note in job_notes(pages):
        print(f"warning: {note}", file=sys.stderr)
    count = sum(len(p.labels) for p in pages if isinstance(p, PageLayout))
    what = "a calibration page" if args.calibration else f"{count} label{'s' * (count != 1)}"
    print(
        f"{what} on {len(pages)} page{'s' * (len(pages) != 1)} of {template.name} → {args.output}"
    )
    return 0


def _items(ctx: CliContext, session: Any) -> tuple[list[LabelItem], str]:
    """The labels asked for, and a warning when some assets are no longer in use."""
    args = ctx.args
    if args.locations:
        from sqlalchemy import select

        from desktop.domain.tags import normalize_tag

        codes = [c.strip() for c in args.locations.split(",") if c.strip()]
        found = dict(
            session.execute(
                select(Location.code_key, Location.id).where(
                    Location.code_key.in_([normalize_tag(c) for c in codes])
                )
            ).all()
        )
        missing = [c for c in codes if normalize_tag(c) not in found]
        if missing:
            raise DesktopError(f"there is no location with the code {', '.join(missing)}")
        return location_items(session, [found[normalize_tag(c)] for c in codes]), ""
    fields = [f.strip() for f in args.fields.split(",") if f.strip()]
    if args.tags:
        rows = assets_by_tags(session, args.tags.split(","))
    else:
        rows = list_assets(session, AssetFilter(search=args.query or ""), limit=None)
    return asset_items(rows, fields), retired_notice(rows)


def _write(
    output: Path, pages: list[Any], title: str, logo_path: Path | None, *, overwrite: bool
) -> None:
    """The PDF written to ``output``; an existing file only with ``overwrite``, refused
    once everything else was found right (an unknown tag or logo is said first)."""
    headless = not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
    if sys.platform.startswith("linux") and headless:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtGui import QGuiApplication, QImage

    from ui.gui.labels.painter import write_pdf

    _app = QGuiApplication.instance() or QGuiApplication(["assetdesk"])
    logo = None
    if logo_path is not None:
        logo = QImage(str(logo_path))
        if logo.isNull():
            raise DesktopError(f"{logo_path} is not an image this program can read")
    refuse_existing_file(output, overwrite=overwrite)
    write_pdf(output, pages, title=f"Labels — {title}", logo=logo)


def _save_template(ctx: CliContext, path: Path) -> int:
    try:
        definition = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise DesktopError(f"cannot read {path}: {exc.strerror}") from exc
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise DesktopError(f"{path} is not a JSON template definition: {exc}") from exc
    if not isinstance(definition, dict):
        raise DesktopError(f"{path} must hold one JSON object (the template definition)")
    template = save_user_template(ctx.database(must_exist=False), definition)
    print(
        f"saved label template '{template.name}': {template.per_page} label"
        f"{'s' * (template.per_page != 1)} of {template.describe_size()} a page, {template.dpi} dpi"
    )
    return 0


def _list_templates(ctx: CliContext) -> int:
    with ctx.database().read() as session:
        templates = all_templates(session)
    if ctx.args.json:
        print_json(
            [
                {
                    "name": t.name,
                    "description": t.description,
                    "kind": t.kind,
                    "page_mm": [round(t.page_width, 3), round(t.page_height, 3)],
                    "label_mm": [round(t.label_width, 3), round(t.label_height, 3)],
                    "columns": t.columns,
                    "rows": t.rows,
                    "dpi": t.dpi,
                    "user_defined": t.user_defined,
                }
                for t in templates
            ]
        )
        return 0
    for t in templates:
        where = "yours" if t.user_defined else t.kind
        size = f"{t.label_width:.1f} × {t.label_height:.1f} mm"
        print(
            f"{t.name:<24} {size:<18} {t.per_page:>3}/page {t.dpi:>4} dpi  {where:<5}  {t.description}"
        )
    return 0
