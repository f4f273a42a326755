"""Status words as Snipe-IT's exports write them."""

from __future__ import annotations

import pytest

from desktop.domain.lifecycle import AssetStatus
from desktop.spreadsheets.columns import ColumnMapping
from desktop.spreadsheets.statuses import checked_out_note, ordinary_checkout_note, parse_status


@pytest.mark.parametrize(
    ("text", "status"),
    [
        ("Ready to Deploy (deployed)", AssetStatus.IN_STOCK),  # custom asset report
        ("Broken (undeployable)", AssetStatus.IN_REPAIR),
        ("Deployed (Lost/Stolen)", AssetStatus.MISSING),  # asset page: the label says more
        ("Kaputt (archived)", AssetStatus.DECOMMISSIONED),  # an own label: its type decides
        ("Kaputt (deployed)", AssetStatus.IN_SERVICE),
    ],
)
def test_a_label_with_its_snipe_it_type(text: str, status: AssetStatus) -> None:
    assert parse_status(text) is status


def test_an_unknown_word_in_brackets_is_still_an_error() -> None:
    with pytest.raises(ValueError, match="'Kaputt \\(sehr\\)' is not a status"):
        parse_status("Kaputt (sehr)")


def test_the_user_s_own_word_wins_over_the_type() -> None:
    assert parse_status("Kaputt (archived)", {"Kaputt": "in_repair"}) is AssetStatus.IN_REPAIR


MAPPING = ColumnMapping(("Status", "Username"), ("status", "assigned_to"))


@pytest.mark.parametrize(
    "given",
    [
        {"status": "Deployed", "assigned_to": "asmith"},
        {"status": "Ready to Deploy", "assigned_to": None},
        {"status": None, "assigned_to": "asmith"},
        {"status": "Kaputt", "assigned_to": "asmith"},  # the row's error says so
    ],
)
def test_nothing_to_say(given: dict[str, object]) -> None:
    assert checked_out_note(given, MAPPING) == ""


def test_a_missing_asset_stays_assigned() -> None:
    note = checked_out_note({"status": "Lost/Stolen", "assigned_to": "asmith"}, MAPPING)
    assert note.startswith(
        "Status 'Lost/Stolen' and Username 'asmith': imported as Missing: received, installed "
        "for asmith, then changed to Missing; it stays assigned to asmith."
    )


@pytest.mark.parametrize(
    ("status", "ordinary"),
    [
        ("Ready to Deploy", True),
        ("Ready to Deploy (deployed)", True),
        ("Deployable", True),
        ("Pending", False),  # Snipe-IT does not check a pending asset out: said per row
        ("In stock", False),  # not Snipe-IT's word: said per row
        ("Broken", False),
    ],
)
def test_only_a_deployable_label_with_a_person_is_said_once(status: str, ordinary: bool) -> None:
    given = {"status": status, "assigned_to": "asmith"}
    assert bool(ordinary_checkout_note(given, MAPPING)) is ordinary
    assert ordinary_checkout_note({"status": status, "assigned_to": None}, MAPPING) == ""
    assert "asmith" not in ordinary_checkout_note(given, MAPPING)  # the same for every row


@pytest.mark.parametrize(
    ("text", "status"),
    [
        ("Im Lager", AssetStatus.IN_STOCK),
        ("In Betrieb", AssetStatus.IN_SERVICE),
        ("Defekt", AssetStatus.IN_REPAIR),
        ("Ausgemustert", AssetStatus.DECOMMISSIONED),
        ("Außer Betrieb", AssetStatus.DECOMMISSIONED),
        ("En stock", AssetStatus.IN_STOCK),
        ("En service", AssetStatus.IN_SERVICE),
        ("En réparation", AssetStatus.IN_REPAIR),
        ("Mis au rebut", AssetStatus.DISPOSED),
        ("Volé", AssetStatus.MISSING),
        ("En almacén", AssetStatus.IN_STOCK),
        ("En reparación", AssetStatus.IN_REPAIR),
        ("In magazzino", AssetStatus.IN_STOCK),
        ("Dismesso", AssetStatus.DECOMMISSIONED),
    ],
)
def test_status_words_of_registers_kept_in_other_languages(text: str, status: AssetStatus) -> None:
    assert parse_status(text) is status


def test_hors_service_is_left_for_a_person_to_map() -> None:
    """Out of order or taken out of use: the word says either, so the user chooses."""
    with pytest.raises(ValueError, match="'Hors service' is not a status"):
        parse_status("Hors service")
