"""Demo data on a shared server, asked for by a person's own login (found by a new user).

A team lead connected to a new, empty shared database as her own administrator login and
chose "Try it with demo data" (or ran ``assetdesk demo``): the crash dialog showed the
server's refusal of the first procedure with its SQL ("work is recorded only in the name
of the person whose database login records it"). Demo data records years of work by
made-up people, which only the owner login may do: the refusal now says so before
anything is written, and names the command to run as the owner.
"""

from __future__ import annotations

from sqlalchemy import text

from desktop.storage.database import Database
from tests.ui.cli.test_users_cli import SECRET, _assetdesk, _url, server

__all__ = ["server"]


def test_demo_as_a_person_s_login_is_refused_in_plain_words(server: tuple[Database, str]) -> None:
    db, prefix = server
    admin = f"{prefix}_ada"
    added = _assetdesk(
        _url(db), "users", "add", admin, "--role", "administrator", "--password-stdin",
        stdin=SECRET + "\n",
    )  # fmt: skip
    assert added.returncode == 0, added.stderr
    refused = _assetdesk(_url(db, admin, SECRET), "demo", "--assets", "20")
    assert refused.returncode != 0
    assert f"Demo data cannot be made as {admin} in " in refused.stderr
    assert "Make it as the database's owner login (assetdesk --database " in refused.stderr
    assert "//OWNER@" in refused.stderr and SECRET not in refused.stderr
    assert "internal error" not in refused.stderr and "INSERT INTO" not in refused.stderr
    with db.connect() as connection:
        assert connection.execute(text("SELECT COUNT(*) FROM assets")).scalar_one() == 0
    # The owner login makes it, as the message says.
    made = _assetdesk(_url(db), "demo", "--assets", "20")
    assert made.returncode == 0, made.stderr
