"""A message a window shows is a sentence: it starts with a capital (a new user saw
"this field kit was returned …" and "cannot reach the database the kit came from …")."""

from __future__ import annotations

import pytest

from desktop.errors import DesktopError, NotFoundError, capitalised


@pytest.mark.parametrize(
    ("message", "shown"),
    [
        (
            "cannot reach the database the kit came from",
            "Cannot reach the database the kit came from",
        ),
        ("there is no asset with the tag 'lap-1'", "There is no asset with the tag 'lap-1'"),
        ("LAP-1: status: already in service", "LAP-1: status: already in service"),
        ("'x' is not a status", "'x' is not a status"),
        ("assetdesk db upgrade first", "assetdesk db upgrade first"),
        ("", ""),
    ],
)
def test_a_message_is_shown_with_a_capital(message: str, shown: str) -> None:
    assert capitalised(message) == shown
    assert DesktopError(message).sentence == shown
    assert NotFoundError(message).message == message  # the command line keeps its words
