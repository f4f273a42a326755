"""The command line's searches (``export --search``, ``kit checkout --search``), run as a
subprocess: "zurich" finds the asset in "Zürich", and the kit it makes searches alike."""

from __future__ import annotations

from pathlib import Path

from openpyxl import load_workbook

from desktop.services import reference
from desktop.services.queries import AssetFilter, list_assets
from desktop.storage.database import Database
from tests.cli_run import run_cli
from tests.factories import seed_world


def _assetdesk(*argv: str | Path) -> str:
    done = run_cli(*map(str, argv), timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "Traceback" not in done.stderr
    return done.stdout


def _register(sqlite_db: Database) -> Path:
    world = seed_world(sqlite_db)
    with sqlite_db.write() as session:
        zurich = reference.create_location(session, name="Zürich", kind="site").id
        sao_paulo = reference.create_location(session, name="São Paulo", kind="site").id
    world.receive(tag="ZRH-0001", name="Drucker", values={"location": zurich})
    world.receive(tag="GRU-0001", name="Impressora", values={"location": sao_paulo})
    world.receive(tag="LAP-0001", name="Plain laptop")
    path = sqlite_db.sqlite_path
    assert path is not None
    return path


def _exported_tags(workbook: Path) -> list[str]:
    book = load_workbook(workbook, read_only=True)
    try:
        rows = book.worksheets[0].iter_rows(values_only=True)
        header = list(next(rows))
        column = header.index("Asset tag")
        return sorted(str(r[column]) for r in rows if r[column])
    finally:
        book.close()


def test_export_search_ignores_accents_and_case(sqlite_db: Database, tmp_path: Path) -> None:
    path = _register(sqlite_db)
    out = tmp_path / "zurich.xlsx"
    _assetdesk("--database", path, "export", out, "--search", "zurich")
    assert _exported_tags(out) == ["ZRH-0001"]
    out = tmp_path / "sao.xlsx"
    _assetdesk("--database", path, "export", out, "--search", "SAO PAULO")
    assert _exported_tags(out) == ["GRU-0001"]


def test_a_kit_checked_out_by_a_search_holds_its_hits_and_searches_alike(
    sqlite_db: Database, tmp_path: Path
) -> None:
    path = _register(sqlite_db)
    kit = tmp_path / "zurich.adkit"
    out = _assetdesk(
        "--database", path, "kit", "checkout", "--search", "zurich", "--as", "tech", "-o", kit
    )
    assert "Checked out 1 assets" in out or "Checked out 1 asset" in out
    kit_db = Database(f"sqlite:///{kit}")
    try:
        with kit_db.read() as session:
            for typed in ("zurich", "ZÜRICH", "zü"):
                found = list_assets(session, AssetFilter(search=typed), limit=None)
                assert [r.tag for r in found] == ["ZRH-0001"], typed
    finally:
        kit_db.dispose()
