"""The command line: version, database commands, asset show — and no Qt."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

import desktop
from tests.backends import drop_logins, server_for
from tests.factories import seed_world
from ui.cli.main import main


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["--version"])
    assert exit_.value.code == 0
    assert capsys.readouterr().out.strip() == f"assetdesk {desktop.__version__}"


def test_the_command_line_never_loads_qt(tmp_path: Path) -> None:
    code = (
        "import sys; from ui.cli.main import main; "
        f"main(['--database', {str(tmp_path / 'x.sqlite3')!r}, 'db', 'info', '--json']); "
        "assert not any(m.startswith('PySide6') for m in sys.modules), 'PySide6 loaded'"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr


def test_db_info_json_on_a_new_local_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "new.sqlite3"
    code, out, _ = run(capsys, "--database", str(path), "db", "info", "--json")
    assert code == 0
    info = json.loads(out)
    assert (info["backend"], info["exists"]) == ("sqlite", False)  # a question creates nothing
    assert not path.exists()
    code, out, _ = run(capsys, "--database", str(path), "db", "upgrade")
    code, out, _ = run(capsys, "--database", str(path), "db", "info", "--json")
    info = json.loads(out)
    assert info["schema_up_to_date"] is True
    assert info["counts"]["assets"] == 0


def test_db_upgrade_creates_a_shared_schema_and_info_hides_the_password(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from sqlalchemy import create_engine, text

    server = server_for("postgresql")
    name = f"adtest_cli_upgrade_{os.getpid()}"
    admin = create_engine(server.admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        c.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        url = (
            server.database_url(name)
            .set(password="not-needed-here")
            .render_as_string(hide_password=False)
        )
        code, _, err = run(capsys, "--database", url, "asset", "show", "X")
        assert code == 2
        # The command to copy names the database, without its password (nor '***').
        typed = server.database_url(name).set(drivername="postgresql")._replace(password=None)
        assert f"assetdesk --database {typed.render_as_string()} db upgrade" in err, err
        assert "***" not in err
        code, out, _ = run(capsys, "--database", url, "db", "upgrade")
        assert code == 0 and "upgraded from empty" in out
        code, out, _ = run(capsys, "--database", url, "db", "info", "--json")
        info = json.loads(out)
        assert info["schema_up_to_date"] is True
        assert "not-needed-here" not in out
    finally:
        with admin.connect() as c:
            c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
        drop_logins(server, name)  # db upgrade made this database's roles


def test_asset_show(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from desktop.storage.database import open_database

    path = tmp_path / "a.sqlite3"
    database = open_database(f"sqlite:///{path}")
    world = seed_world(database)
    world.receive(tag="LAP-42", values={"serial_number": "SN-1"})
    world.install("LAP-42")
    database.dispose()
    code, out, _ = run(capsys, "--database", str(path), "asset", "show", " lap-42 ")
    assert code == 0
    assert (
        "LAP-42" in out and "In service" in out and "install" in out and "Room A1 → Room A2" in out
    )
    code, out, _ = run(capsys, "--database", str(path), "asset", "show", "LAP-42", "--json")
    payload = json.loads(out)
    assert payload["asset"]["serial_number"] == "SN-1"
    assert [h["kind"] for h in payload["history"]] == ["install", "receive"]
    code, _, err = run(capsys, "--database", str(path), "asset", "show", "NOPE-1")
    assert code == 2 and "NOPE-1" in err


def test_connection_failure_is_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "--database", "postgresql://postgres@127.0.0.1:1/x", "db", "info")
    assert code == 2
    assert err.count("\n") == 1 and "Connection refused" in err and "Traceback" not in err


def test_db_reindex_puts_assets_inserted_out_of_order_back_in_tag_order(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from sqlalchemy import Table

    from desktop.storage.database import Database
    from desktop.storage.models import Asset

    path = tmp_path / "register.sqlite3"
    assert run(capsys, "--database", str(path), "db", "upgrade")[0] == 0
    db = Database(f"sqlite:///{path}")
    world = seed_world(db)
    world.receive(tag="LAP-0001")
    world.receive(tag="LAP-0002")
    table = Asset.__table__
    assert isinstance(table, Table)
    with db.write() as session:  # tags inserted one by one, each before the last
        # ... where no free rank is left (as if 2**62 ranks were used up): ranks packed
        # just below UNRANKED, so that the index cannot re-spread them.
        session.connection().exec_driver_sql("DELETE FROM asset_search")
        session.connection().exec_driver_sql("UPDATE asset_search_rank SET rank = -rank")
        session.connection().exec_driver_sql(
            "UPDATE asset_search_rank SET rank = 4611686018427387904 - moved.position "
            "FROM (SELECT rank AS old_rank, row_number() OVER (ORDER BY rank) AS position "
            "FROM asset_search_rank) AS moved WHERE asset_search_rank.rank = moved.old_rank"
        )
        session.connection().exec_driver_sql(
            "INSERT INTO asset_search(rowid, tag, serial_number, name, model, assignee, "
            "location) SELECT search_rank, tag, serial_number, name, model, assignee, location "
            "FROM asset_search_source"
        )
        row = dict(session.execute(table.select()).mappings().first() or {})
        for n in range(40, 0, -1):
            tag = f"LAP-0001-{n:02d}"
            row.update(id=uuid.uuid4(), tag=tag, tag_key=tag.lower(), serial_number=None)
            session.execute(table.insert().values(**row))
    db.dispose()
    info = json.loads(run(capsys, "--database", str(path), "db", "info", "--json")[1])
    assert info["search_index_out_of_order"] == 40
    _code, out, _err = run(capsys, "--database", str(path), "db", "info")
    assert "40 assets out of tag order" in out
    assert "assetdesk db reindex" in out
    code, out, _err = run(capsys, "--database", str(path), "db", "reindex")
    assert code == 0
    assert "search index rebuilt, 42 assets in tag order" in out
    info = json.loads(run(capsys, "--database", str(path), "db", "info", "--json")[1])
    assert info["search_index_out_of_order"] == 0
