"""A kit file whose loose mode could not be tightened is said by the window that opened
it. The notes were one list for the whole process: another window's banner read (two
windows open, or one still closing under load) took the note of a kit it did not open,
and the window on that kit never said it (CI, 2026-12-07: the loose-kit banner test
failed under load with the warning logged). Each window now takes its own kit's notes."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from desktop.storage import kitfile
from desktop.storage.database import Database
from tests.ui.kits.test_kit_cli import _checkout, _fill


@pytest.mark.skipif(os.name != "posix" or os.getuid() != 0, reason="needs root to chown")
def test_a_kits_note_is_taken_by_the_window_on_that_kit_only(
    tmp_path: Path, sqlite_db: Database
) -> None:
    _fill(sqlite_db)
    source = sqlite_db.sqlite_path
    assert source is not None
    kitfile.take_file_notes()  # none left from before
    kits = [tmp_path / "one.adkit", tmp_path / "two.adkit"]
    for kit in kits:
        _checkout(source, kit)
        for part in tmp_path.iterdir():
            if part.name.startswith(kit.name):
                part.chmod(0o644)
                os.chown(part, 65534, 65534)
    opened = [Database(f"sqlite:///{kit}") for kit in kits]
    try:
        for database in opened:
            assert kitfile.database_is_kit(database)
        # The second kit's reader asks first: it gets its own note, not the first kit's.
        (second,) = kitfile.take_file_notes(kits[1])
        assert str(kits[1]) in second and str(kits[0]) not in second
        (first,) = kitfile.take_file_notes(kits[0])
        assert str(kits[0]) in first
        assert kitfile.take_file_notes() == []
        assert stat.S_IMODE(kits[0].stat().st_mode) == 0o644
    finally:
        for database in opened:
            database.dispose()
