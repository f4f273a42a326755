"""Passwords live in the keyring, keyed by the URL without its password."""

from __future__ import annotations

from collections.abc import Iterator

import keyring
import keyring.backend
import keyring.errors
import pytest
from keyring.backends.fail import Keyring as FailKeyring

from desktop import credentials
from tests.keyrings import MemoryKeyring


@pytest.fixture
def no_keyring() -> Iterator[None]:
    previous = keyring.get_keyring()
    keyring.set_keyring(FailKeyring())
    yield
    keyring.set_keyring(previous)


URL = "postgresql://assetdesk:s3cret@db.example.org:5433/assets"


def test_split_removes_the_password() -> None:
    bare, password = credentials.split_password(URL)
    assert password == "s3cret"
    assert "s3cret" not in bare
    assert bare == "postgresql+psycopg://assetdesk@db.example.org:5433/assets"


def test_store_and_compose_in_memory(memory_keyring: MemoryKeyring) -> None:
    bare, password = credentials.split_password(URL)
    assert password is not None
    credentials.store_password(bare, password)
    assert memory_keyring.passwords == {
        (
            credentials.KEYRING_SERVICE,
            "postgresql+psycopg://assetdesk@db.example.org:5433/assets",
        ): "s3cret"
    }
    composed = credentials.url_with_password(bare)
    assert composed == "postgresql+psycopg://assetdesk:s3cret@db.example.org:5433/assets"
    # another database on the same server has its own entry
    assert credentials.get_password(bare.replace("/assets", "/other")) is None
    credentials.delete_password(bare)
    credentials.delete_password(bare)  # forgetting twice is fine
    assert credentials.url_with_password(bare) == bare


def test_local_files_never_ask_the_keyring(no_keyring: None) -> None:
    assert credentials.url_with_password("sqlite:////tmp/a.sqlite3") == "sqlite:////tmp/a.sqlite3"


def test_no_keyring_is_a_clear_error(no_keyring: None) -> None:
    with pytest.raises(credentials.CredentialsError, match="no password store"):
        credentials.store_password(URL, "s3cret")
    with pytest.raises(credentials.CredentialsError, match="no password store"):
        credentials.get_password(URL)
    bare, _ = credentials.split_password(URL)
    assert credentials.url_with_password(bare) == bare  # tries without; the login says why
