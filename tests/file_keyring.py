"""A keyring in a JSON file, for command-line subprocesses in tests.

Select it with ``PYTHON_KEYRING_BACKEND=tests.file_keyring.FileKeyring`` and name the file
in ``ASSETDESK_TEST_KEYRING_FILE``: the test and the ``assetdesk`` process it starts then
share the passwords, and the user's real keyring is never touched.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import keyring.backend
import keyring.errors

FILE_VAR = "ASSETDESK_TEST_KEYRING_FILE"
BACKEND = "tests.file_keyring.FileKeyring"


class FileKeyring(keyring.backend.KeyringBackend):
    """Once imported, keyring's chainer finds this class among every backend in the process
    (it looks at KeyringBackend's subclasses): without its file variable it holds nothing
    and stores nothing, so tests that run later in the same worker are not affected."""

    priority = 1

    def _path(self) -> Path:
        where = os.environ.get(FILE_VAR)
        if not where:
            raise keyring.errors.PasswordSetError(f"{FILE_VAR} is not set")
        return Path(where)

    def _load(self) -> dict[str, str]:
        if not os.environ.get(FILE_VAR):
            return {}
        path = self._path()
        if not path.exists():
            return {}
        return dict(json.loads(path.read_text(encoding="utf-8")))

    def get_password(self, service: str, username: str) -> str | None:
        return self._load().get(f"{service}\n{username}")

    def set_password(self, service: str, username: str, password: str) -> None:
        stored = self._load()
        stored[f"{service}\n{username}"] = password
        self._path().write_text(json.dumps(stored), encoding="utf-8")

    def delete_password(self, service: str, username: str) -> None:
        stored = self._load()
        if stored.pop(f"{service}\n{username}", None) is None:
            raise keyring.errors.PasswordDeleteError(username)
        self._path().write_text(json.dumps(stored), encoding="utf-8")
