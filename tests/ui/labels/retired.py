"""Test helpers for label jobs: a decommissioned asset, and PDFs rendered back to bitmaps."""

from __future__ import annotations

import shutil
import subprocess
from collections import Counter
from pathlib import Path

import pytest
import zxingcpp

from PySide6.QtGui import QImage

from desktop.domain.lifecycle import ProcedureKind
from desktop.services.approvals import approve
from desktop.services.procedures import ProcedureRequest, record_procedure
from tests.factories import World

DECOMMISSION_ANSWERS = {
    "sanitisation_method": "Purge: cryptographic erase (NIST SP 800-88)",
    "evidence_reference": "WIPE-2026-0042",
}


def decommission(world: World, tag: str) -> None:
    """Install, decommission and approve (twice) the asset: it ends decommissioned."""
    world.install(tag)
    pending = record_procedure(
        world.db,
        ProcedureRequest(
            kind=ProcedureKind.DECOMMISSION,
            performed_by="tech",
            asset_tag=tag,
            values={"location": world.other_site_room},
            answers=DECOMMISSION_ANSWERS,
            checklist={"accounts_removed": True},
            reason="end of life",
        ),
    )
    for approver in ("approver", "approver2"):
        approve(world.db, procedure_id=pending.procedure_id, approver=approver)


def decoded_pdf(path: Path, tmp_path: Path, dpi: int = 300) -> Counter[str]:
    """Every barcode in the PDF, rendered by Ghostscript at ``dpi`` and read by zxing-cpp."""
    gs = shutil.which("gs")
    if gs is None:
        pytest.skip("Ghostscript (gs) renders the PDF for decoding; it is not installed")
    folder = tmp_path / f"rendered-{path.stem}"
    folder.mkdir()
    subprocess.run(
        [gs, "-q", "-dNOPAUSE", "-dBATCH", "-dSAFER", "-sDEVICE=pnggray", f"-r{dpi}",
         f"-sOutputFile={folder}/page-%03d.png", str(path)],
        check=True,
        timeout=120,
    )  # fmt: skip
    found: Counter[str] = Counter()
    for page in sorted(folder.glob("page-*.png")):
        image = QImage(str(page))
        assert not image.isNull(), page
        found += Counter(r.text for r in zxingcpp.read_barcodes(image))
    return found
