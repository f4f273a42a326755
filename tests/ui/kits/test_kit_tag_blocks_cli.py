"""Tags reserved for a kit never collide with tags in use on the server (issue 16, point 2).

A new user checked out a kit from a register whose only laptop was LAP-000101, a tag
scanned at receipt rather than taken from the counter: the checkout said "new LAP tags
in the kit: 1 to 500" — the block followed the prefix's counter, not the tags in use, so
a laptop received in the kit could be given LAP-000101 and collide at sync. Here, through
the command line run as a subprocess, on each backend: the block starts past every tag in
use for its prefix (whatever its padding or separator), the server's own counter does not
hand out a kit's tags, and a tag that still collides at sync (typed by hand in the kit
while the server took it meanwhile) becomes a conflict — never a duplicate, never a
traceback.
"""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

from sqlalchemy import func, select

from desktop.domain.tags import normalize_tag
from desktop.storage.database import Database
from desktop.storage.models import Asset, KitCheckout, Person
from tests.factories import World
from tests.ui.kits.test_kit_cli import assetdesk, ok, ok_json

RECEIVE = ("--set", "category=Laptop", "--set", "location=ROOM-A2", "--set", "name=Loaner",
           "--check", "inspected", "--check", "contents_match", "--as", "tech")  # fmt: skip
#: Laptops outside the kit's scope (Room A1) whose tags were scanned or imported, not
#: taken from the counter: numbers 2, 3 and 101 in three spellings.
SCANNED = ("LAP-000002", "lap3", "LAP-00101")


def _url(db: Database) -> str:
    return db.url.render_as_string(hide_password=False)


def _holders(db: Database, tag: str) -> int:
    with db.read() as session:
        return int(
            session.execute(
                select(func.count()).select_from(Asset).where(Asset.tag_key == normalize_tag(tag))
            ).scalar_one()
        )


def _register(world: World) -> None:
    world.receive(tag="LAP-000050", values={"location": world.room_b})  # in the kit's scope
    for tag in SCANNED:
        world.receive(tag=tag)  # Room A1: outside it


def _check_out(world: World, kit: Path) -> tuple[int, int]:
    """The kit of Room A2 checked out from the server: its LAP block (first, last)."""
    out = ok("--database", _url(world.db), "kit", "checkout", "--scope", "ROOM-A2",
             "--as", "tech", "-o", kit)  # fmt: skip
    found = re.search(r"new LAP tags in the kit: (\d+) to (\d+)", out)
    assert found is not None, out
    return int(found[1]), int(found[2])


def test_the_block_starts_past_every_tag_in_use_and_the_kits_receipts_sync(
    world: World, tmp_path: Path
) -> None:
    _register(world)
    kit = tmp_path / "site.adkit"
    first, last = _check_out(world, kit)
    assert first > 101  # LAP-00101 is in use: no tag of the block may be
    assert last - first + 1 == 500

    # Offline: two laptops received with tags from the block.
    made = ok_json("--database", kit, "procedure", "receive", "--allocate", "2", *RECEIVE)
    offline = [p["tag"] for p in made["procedures"]]
    assert offline == [f"LAP-{first:06d}", f"LAP-{first + 1:06d}"]

    # Meanwhile on the server: its counter hands out neither a kit's tag nor one in use.
    online = ok_json("--database", _url(world.db), "procedure", "receive", "--allocate", "1",
                     *RECEIVE)["procedures"][0]["tag"]  # fmt: skip
    number = int(online.split("-")[1])
    assert not first <= number <= last, online
    assert online.casefold() not in {t.casefold() for t in SCANNED} and number not in (2, 3, 101)

    report = ok_json("kit", "sync", kit)
    assert [r["outcome"] for r in report["results"]] == ["applied", "applied"], report
    for tag in [*offline, online, *SCANNED]:
        assert _holders(world.db, tag) == 1, tag


def test_a_tag_the_server_took_meanwhile_becomes_a_conflict(world: World, tmp_path: Path) -> None:
    _register(world)
    kit = tmp_path / "site.adkit"
    ok("--database", _url(world.db), "kit", "checkout", "--scope", "ROOM-A2", "--as", "tech",
       "-o", kit)  # fmt: skip
    # Typed by hand in the kit, outside its block; the server receives the same tag meanwhile.
    ok("--database", kit, "procedure", "receive", "LAP-777777", *RECEIVE)
    ok("--database", _url(world.db), "procedure", "receive", "lap-777777", *RECEIVE)

    done = assetdesk("kit", "sync", kit, "--json")
    assert "Traceback" not in done.stderr, done.stderr
    report = json.loads(done.stdout)
    assert [r["outcome"] for r in report["results"]] == ["conflict"], report
    assert _holders(world.db, "LAP-777777") == 1  # the server's, not a duplicate
    (conflict,) = ok_json("--database", _url(world.db), "kit", "conflicts")
    assert conflict["asset_tag"] == "LAP-777777"
    assert conflict["procedure_kind"] == "receive"
    assert any("tag" in reason.lower() for reason in conflict["reasons"]), conflict
    # Settled by re-applying the kit's receipt under a new tag (the form's "edit").
    assert ok_json("kit", "sync", kit, "--dry-run")["results"] == []


def test_a_kit_whose_block_is_used_up_refuses_until_a_sync_renews_it(
    world: World, tmp_path: Path
) -> None:
    """Past its block the kit would take the server's next numbers (a conflict at sync):
    the receive is refused in one line instead, and the sync brings a new block."""
    _register(world)
    kit = tmp_path / "site.adkit"
    _first, last = _check_out(world, kit)
    kit_db = Database(f"sqlite:///{kit}")
    try:
        with kit_db.engine.begin() as connection:  # set-up: 499 receipts made already
            connection.exec_driver_sql(
                "UPDATE tag_sequences SET next_value = ? WHERE prefix = 'LAP'", (last,)
            )
    finally:
        kit_db.dispose()
    made = ok_json("--database", kit, "procedure", "receive", "--allocate", "1", *RECEIVE)
    assert made["procedures"][0]["tag"] == f"LAP-{last:06d}"
    refused = assetdesk("--database", kit, "procedure", "receive", "--allocate", "1", *RECEIVE)
    assert refused.returncode != 0 and "Traceback" not in refused.stderr, refused.stderr
    (line,) = refused.stderr.strip().splitlines()
    assert "LAP tags are used up" in line and "sync the kit" in line, line

    report = ok_json("kit", "sync", kit)
    assert [r["outcome"] for r in report["results"]] == ["applied"], report
    renewed = ok_json("--database", kit, "kit", "status")["tag_blocks"]
    fresh = max((b for b in renewed if b["prefix"] == "LAP"), key=lambda b: b["first"])
    assert fresh["first"] > last
    again = ok_json("--database", kit, "procedure", "receive", "--allocate", "1", *RECEIVE)
    assert again["procedures"][0]["tag"] == f"LAP-{fresh['first']:06d}"


def test_a_tag_typed_on_the_server_inside_an_open_kits_block_is_refused(
    world: World, tmp_path: Path
) -> None:
    """Typed on the server, a number of the kit's block would be taken twice: by the
    server now and by the kit's next receipt, a conflict at its sync. It is refused in one
    line naming the kit and who has it; the kit's receipts then sync as they were made."""
    _register(world)
    kit = tmp_path / "site.adkit"
    first, last = _check_out(world, kit)
    with world.db.read() as session:
        scope, who = session.execute(
            select(KitCheckout.scope_text, Person.name).join(
                Person, Person.id == KitCheckout.checked_out_by_id
            )
        ).one()

    typed = f"lap{first + 1}"  # the kit's second number, spelt otherwise
    refused = assetdesk("--database", _url(world.db), "procedure", "receive", typed, *RECEIVE)
    assert refused.returncode != 0 and "Traceback" not in refused.stderr, refused.stderr
    (line,) = refused.stderr.strip().splitlines()
    assert f"reserved for the field kit of {scope} that {who} has checked out" in line, line
    assert f"{first}-{last}" in line, line
    assert _holders(world.db, typed) == 0
    outside = f"LAP-{last + 1:06d}"  # past the block: the person's to type
    ok("--database", _url(world.db), "procedure", "receive", outside, *RECEIVE)

    made = ok_json("--database", kit, "procedure", "receive", "--allocate", "2", *RECEIVE)
    assert [p["tag"] for p in made["procedures"]] == [f"LAP-{first:06d}", f"LAP-{first + 1:06d}"]
    report = ok_json("kit", "sync", kit)
    assert [r["outcome"] for r in report["results"]] == ["applied", "applied"], report
    assert _holders(world.db, outside) == 1


def test_the_servers_counter_skips_numbers_spelt_with_any_padding(world: World) -> None:
    """A receive with no tag takes the counter's next number: like a kit's block, it skips
    a number spelt in any padding (here 16, 30 and 60 digits: the longest a tag allows)."""
    padded = ("lap-0000000000000001", "Lap_" + "2".zfill(30), "LAP/" + "3".zfill(60))
    for tag in padded:
        world.receive(tag=tag)
    made = ok_json("--database", _url(world.db), "procedure", "receive", "--allocate", "2",
                   *RECEIVE)  # fmt: skip
    assert [p["tag"] for p in made["procedures"]] == ["LAP-000004", "LAP-000005"]
    assert [_holders(world.db, tag) for tag in padded] == [1, 1, 1]


def test_a_tag_given_in_an_imported_file_inside_an_open_kits_block_is_refused(
    world: World, tmp_path: Path
) -> None:
    """An import is another way to give a tag on the server: a row whose tag spells a
    number of an open kit's block is refused like a typed one, naming its row, the kit
    and the block; nothing of the file is written, and the kit's receipts sync."""
    _register(world)
    kit = tmp_path / "site.adkit"
    first, last = _check_out(world, kit)
    inside, outside = f"Lap_{first + 1}", f"LAP-{last + 1:06d}"
    supplier = tmp_path / "supplier.csv"
    with supplier.open("w", newline="", encoding="utf-8-sig") as f:
        csv.writer(f, delimiter=";").writerows([
            ["Asset tag", "Name", "Category", "Location"],
            [outside, "Past the block", "Laptop", "ROOM-A1"],
            [inside, "Inside the block", "Laptop", "ROOM-A1"],
        ])  # fmt: skip
    done = assetdesk("--database", _url(world.db), "import", supplier, "--json")
    assert done.returncode != 0 and "Traceback" not in done.stderr, done.stderr
    (error,) = json.loads(done.stdout)["errors"]
    assert (error["row"], error["column"]) == (3, "Asset tag"), error
    message = error["message"]
    assert f"reserved for the field kit of {world_scope(world)}" in message, message
    assert f"{first}-{last}" in message and "give the row another tag" in message, message
    assert _holders(world.db, inside) == 0 and _holders(world.db, outside) == 0

    made = ok_json("--database", kit, "procedure", "receive", "--allocate", "2", *RECEIVE)
    assert [p["tag"] for p in made["procedures"]] == [f"LAP-{first:06d}", f"LAP-{first + 1:06d}"]
    report = ok_json("kit", "sync", kit)
    assert [r["outcome"] for r in report["results"]] == ["applied", "applied"], report


def world_scope(world: World) -> str:
    with world.db.read() as session:
        return str(session.execute(select(KitCheckout.scope_text)).scalar_one())
