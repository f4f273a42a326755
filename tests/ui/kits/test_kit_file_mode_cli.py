"""A kit made by an older version (0644 under umask 022, though it holds people's names)
is made 0600 the first time it is opened or synced, when this user owns it; another
user's kit is left as it is and the command says so once, on standard error. Through the
command line, as a subprocess; the old kit's mode is set as an older version left it."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from desktop.storage.database import Database
from tests.ui.kits.test_kit_cli import assetdesk, checked_out, ok

OLD_MODE = 0o644


def _kit(tmp_path: Path, sqlite_db: Database) -> Path:
    kit = tmp_path / "old visit.adkit"
    checked_out(sqlite_db, kit)
    return kit


def _files(kit: Path) -> list[Path]:
    return sorted(p for p in kit.parent.iterdir() if p.name.startswith(kit.name))


def _made_old(kit: Path) -> None:
    for part in _files(kit):
        part.chmod(OLD_MODE)


def _modes(kit: Path) -> dict[str, int]:
    return {p.name: stat.S_IMODE(p.stat().st_mode) for p in _files(kit)}


def test_an_old_kits_loose_mode_is_tightened_when_opened_or_synced(
    tmp_path: Path, sqlite_db: Database
) -> None:
    kit = _kit(tmp_path, sqlite_db)
    _made_old(kit)
    assert set(_modes(kit).values()) == {OLD_MODE}

    done = assetdesk("--database", kit, "kit", "status")  # opened
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""  # done, nothing to say
    assert set(_modes(kit).values()) == {0o600}, _modes(kit)

    _made_old(kit)
    ok("kit", "sync", kit)  # synced
    assert set(_modes(kit).values()) == {0o600}, _modes(kit)


@pytest.mark.skipif(os.name != "posix" or os.getuid() != 0, reason="needs root to chown")
def test_another_users_loose_kit_is_left_and_said_once(tmp_path: Path, sqlite_db: Database) -> None:
    kit = _kit(tmp_path, sqlite_db)
    _made_old(kit)
    nobody = 65534
    for part in _files(kit):
        os.chown(part, nobody, nobody)

    done = assetdesk("--database", kit, "kit", "status")
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    (line,) = done.stderr.strip().splitlines()  # once, though the kit is read many times
    assert line == (
        f"assetdesk: warning: the field kit {kit} is readable by other users (mode 644) and "
        f"could not be made private: it belongs to another user (uid {nobody}), who can "
        f"run: chmod 600 {kit}"
    )
    assert stat.S_IMODE(kit.stat().st_mode) == OLD_MODE  # not ours: left as it is
