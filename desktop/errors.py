"""Errors a user can act on.

Everything raised from ``desktop`` that a person can do something about is a
:class:`DesktopError` whose message names the thing (file, sheet, row, column, asset
tag, field). Anything else escaping the core is a bug and reaches the crash dialog.
"""

from __future__ import annotations

from dataclasses import dataclass

from desktop.redaction import redact_secrets


class DesktopError(Exception):
    """An error with a message meant for the user."""

    def __init__(self, message: str) -> None:
        # Whatever a message quotes (a URL, a driver's words), a password never shows.
        message = redact_secrets(message)
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message

    @property
    def sentence(self) -> str:
        """The message as a window shows it: a sentence with a capital. The command line
        prints ``assetdesk: message`` and keeps the small letter; quoted names (a tag, a
        file) are left as they are."""
        return capitalised(self.message)


def capitalised(text: str) -> str:
    """``text`` with its first letter made a capital, unless it starts with our command's
    name or a quoted or code-like word (``'x'``, ``--set``, ``LAP-1``)."""
    if not text or not text[0].islower() or text.split(" ", 1)[0].startswith("assetdesk"):
        return text
    return text[0].upper() + text[1:]


class NotFoundError(DesktopError):
    """A named thing (asset tag, person, location, ...) does not exist."""


class PermissionDeniedError(DesktopError):
    """The person may not do this (role or segregation-of-duties rule)."""


class DatabaseUnavailableError(DesktopError):
    """The database cannot be reached, opened or written."""


class DatabaseBusyError(DatabaseUnavailableError):
    """The database answers but another program is writing to it and held it longer than
    the busy timeout (SQLite's "database is locked"): not lost, try again in a moment."""


class SchemaMismatchError(DesktopError):
    """The database schema is older or newer than this program knows."""


@dataclass(frozen=True)
class Problem:
    """One reason a form or a row was refused.

    Attributes:
        field: the field or rule the problem is about ("location", "status", ...).
        message: what is wrong, in words a user understands.
    """

    field: str
    message: str


class ValidationError(DesktopError):
    """A form, row or request was refused; nothing was written."""

    def __init__(self, problems: list[Problem] | Problem, *, subject: str = "") -> None:
        self.problems = [problems] if isinstance(problems, Problem) else list(problems)
        self.subject = subject
        lines = [f"{p.field}: {p.message}" for p in self.problems]
        prefix = f"{subject}: " if subject else ""
        super().__init__(prefix + "; ".join(lines))

    def fields(self) -> set[str]:
        return {p.field for p in self.problems}


@dataclass(frozen=True)
class FieldConflict:
    """One field whose database value moved on while the user was editing."""

    field: str
    yours: object
    theirs: object


class ConflictError(DesktopError):
    """Someone else changed the record since it was read: both values are shown."""

    def __init__(
        self,
        *,
        subject: str,
        expected_version: int,
        current_version: int,
        conflicts: list[FieldConflict],
    ) -> None:
        self.subject = subject
        self.expected_version = expected_version
        self.current_version = current_version
        self.conflicts = conflicts
        details = "; ".join(
            f"{c.field}: yours {c.yours!r}, in the database {c.theirs!r}" for c in conflicts
        )
        message = (
            f"{subject} was changed by someone else since you opened it "
            f"(version {expected_version}, now {current_version})"
        )
        super().__init__(message + (f". {details}" if details else ""))
