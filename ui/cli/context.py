"""What every command gets: parsed arguments, the chosen database, output helpers."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import uuid
from dataclasses import asdict, is_dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from desktop.errors import DesktopError
from desktop.services.local_user import acting_username
from desktop.settings import DATABASE_URL, Settings, signed_in_person
from desktop.storage.database import Database, open_database
from desktop.storage.urls import choose_url, parse_url


class CliContext:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.settings = Settings()
        self._database: Database | None = None
        self._url: str | None = None

    @property
    def url(self) -> str:
        """The chosen URL with the keyring's password filled in (in memory only); the
        keyring is asked once per command."""
        if self._url is None:
            from desktop.credentials import url_with_password  # loads keyring when needed

            self._url = url_with_password(
                choose_url(getattr(self.args, "database", None), self.settings.get(DATABASE_URL))
            )
        return self._url

    def database(self, *, check_schema: bool = True, must_exist: bool | None = None) -> Database:
        """The database, opened once; a local file is created and migrated on first use —
        except by a command that only reads it (``database_must_exist`` in its parser's
        defaults, or ``must_exist``): a path mistyped must not become an empty register."""
        if self._database is None:
            if (
                getattr(self.args, "database_must_exist", False)
                if must_exist is None
                else must_exist
            ):
                refuse_missing_file(self.url)
            if check_schema:
                self._database = open_database(
                    self.url, log_sql_timing=bool(getattr(self.args, "debug", False))
                )
            else:
                self._database = Database(
                    self.url, log_sql_timing=bool(getattr(self.args, "debug", False))
                )
        return self._database

    def acting_user(self, explicit: str | None = None) -> str:
        """``--as USER``, else the person configured for this computer, else (on a local
        file) the operating-system user, created on first use."""
        user = (
            explicit
            or getattr(self.args, "as_user", None)
            or signed_in_person(self.settings, self.database().url)
        )
        user = acting_username(self.database(), user or None)
        if not user:
            raise DesktopError(
                "say who you are with --as USER (or set the user in the settings): "
                "on a shared database the user is never guessed"
            )
        return str(user)

    def close(self) -> None:
        if self._database is not None:
            self._database.dispose()


def refuse_missing_file(url: str) -> None:
    """Raise when ``url`` is a local file that does not exist (nothing is created)."""
    parsed = parse_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return
    path = Path(str(parsed.database)).expanduser().absolute()
    if path.exists():
        return
    raise DesktopError(
        f"there is no database at {path}: no such file (nothing was created). Check the path, "
        f"or create a new register there with: assetdesk --database {path} db upgrade"
    )


def to_jsonable(value: Any) -> Any:
    if is_dataclass(value) and not isinstance(value, type):
        return {k: to_jsonable(v) for k, v in asdict(value).items()}
    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [to_jsonable(v) for v in value]
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def print_json(value: Any) -> None:
    json.dump(to_jsonable(value), sys.stdout, indent=2, ensure_ascii=False)
    sys.stdout.write("\n")
