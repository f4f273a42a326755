"""A new asset without a name is named after its model: one rule for every door."""

from __future__ import annotations

import pytest

from desktop.domain.naming import name_after_model


@pytest.mark.parametrize(
    ("maker", "model", "name"),
    [
        ("Lenovo", "ThinkPad T14 Gen 5", "Lenovo ThinkPad T14 Gen 5"),
        ("HP", "HP EliteBook 840 G10", "HP EliteBook 840 G10"),  # Snipe-IT's model names
        ("hp", "HP EliteBook 840 G10", "HP EliteBook 840 G10"),
        (None, " Dell P2422H ", "Dell P2422H"),
        ("  ", "Dell P2422H", "Dell P2422H"),
    ],
)
def test_the_model_names_the_asset_with_its_maker_said_once(
    maker: str | None, model: str, name: str
) -> None:
    assert name_after_model(maker, model) == name
