"""A kit procedure that builds on an earlier one of the kit that was not applied.

The kit sets LAP-1003's RAM to 32 and its disk encryption on; the server meanwhile sets
the encryption off: that procedure is a conflict. The kit's next procedure sets the RAM
from 32 to 48 — the server never got the 32 and still has the value of the checkout, so
this one conflicts too. Its reason said "the server changed RAM (GB) to “” meanwhile",
which the server had not done; it now says the earlier procedure of the kit set the
value and was not applied, and that the server still has the checkout's. Run as a
person runs it: ``assetdesk kit sync`` and ``kit conflicts`` as subprocesses.
"""

from __future__ import annotations

from pathlib import Path

from desktop.storage.database import Database
from tests.ui.kits.test_kit_cli import checked_out, ok, ok_json
from tests.ui.kits.test_kit_custom_titles_cli import _change


def test_a_conflict_the_kit_made_itself_does_not_blame_the_server(
    tmp_path: Path, sqlite_db: Database
) -> None:
    kit = tmp_path / "kit.adkit"
    path = checked_out(sqlite_db, kit)
    _change(kit, "LAP-1003", "custom.ram_gb=32", "custom.encrypted=yes", by="tech")
    _change(path, "LAP-1003", "custom.encrypted=no", by="tech2")
    _change(kit, "LAP-1003", "custom.ram_gb=48", by="tech")

    text = ok("kit", "sync", kit)
    # A yes/no field reads as the history reads it ("yes", not "True"); nothing, "empty".
    assert (
        "the server changed Disk encrypted to “no” meanwhile (it was empty; the kit set “yes”)"
        in text
    ), text
    assert "the server changed RAM (GB)" not in text, text
    assert (
        "an earlier procedure of the kit set RAM (GB) to “32”, which the server does not "
        "have (it was not applied: see the conflict queue); the server still has empty, as at "
        "checkout (the kit set “48”)"
    ) in text, text
    first, second = ok_json("--database", path, "kit", "conflicts")
    assert [f["label"] for f in first["fields"]] == ["Disk encrypted"]
    assert [(f["label"], f["base"], f["server"], f["kit"]) for f in second["fields"]] == [
        ("RAM (GB)", None, None, 48)
    ]
    assert "an earlier procedure of the kit set RAM (GB)" in " ".join(second["reasons"])
