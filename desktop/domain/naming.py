"""What a new asset is called when nobody gave it a name.

Snipe-IT's, GLPI's and home-made registers leave the name empty; so may a technician who
receives a delivery. The asset is then named after its model, with the maker: the one
rule of the command line, the import and the Receive form.
"""

from __future__ import annotations


def name_after_model(manufacturer: str | None, model: str) -> str:
    """The model's name with its maker ("HP EliteBook 840 G10"); the maker is not said
    twice when the model's own name starts with it (Snipe-IT's "HP EliteBook 840")."""
    maker, name = (manufacturer or "").strip(), model.strip()
    if maker and not name.casefold().startswith(maker.casefold()):
        return f"{maker} {name}"
    return name
