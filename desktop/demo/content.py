"""What the demo's procedures say: faults, reasons, evidence, and custom field values."""

from __future__ import annotations

import random
from typing import Any

from desktop.demo.orders import Order
from desktop.demo.values import FIRMWARE, digits, imei

FAULTS = (
    ("Keyboard keys not responding", "keyboard replaced"),
    ("Cracked screen", "display panel replaced"),
    ("Battery swelling, lifts the touchpad", "battery replaced"),
    ("Does not power on", "system board replaced"),
    ("Loud fan and overheating", "fan replaced and heatsink cleaned"),
    ("Intermittent Wi-Fi drop-outs", "wireless card replaced"),
    ("Disk reports SMART errors", "SSD replaced and image restored"),
)
MOVE_REASONS = (
    "Desk move",
    "Team relocated to another floor",
    "Office reorganisation",
    "Moved closer to the team it serves",
    "Room refurbishment",
)
REASSIGN_REASONS = (
    "New starter",
    "Reissued after a leaver returned it",
    "Replacement for a broken device",
    "Role change",
)
RETURN_REASONS = ("Leaver: device returned", "Replaced by a newer device", "No longer needed")
DECOMMISSION_REASONS = (
    "End of life",
    "Beyond economical repair",
    "Replaced in the hardware refresh",
)
SANITISATION = {
    "Laptop": "Purge: cryptographic erase (NIST SP 800-88)",
    "Mobile phone": "Purge: cryptographic erase (NIST SP 800-88)",
    "Tablet": "Purge: cryptographic erase (NIST SP 800-88)",
    "Desktop": "Clear: overwrite (NIST SP 800-88)",
    "Server": "Destroy: shred or degauss (NIST SP 800-88)",
    "Printer": "Purge: firmware secure erase (NIST SP 800-88)",
    "Firewall": "Purge: firmware secure erase (NIST SP 800-88)",
}
DISPOSALS = (
    ("Certified recycling (WEEE / R2 / e-Stewards)", "Stone Group ITAD", "WEEE"),
    ("Certified recycling (WEEE / R2 / e-Stewards)", "Restore Technology", "WEEE"),
    ("Resale", "Bechtle Remarketing", "RS"),
    ("Donation", "Computer Aid International", "DON"),
    ("Physical destruction", "Shred Station", "DST"),
)


HOST_KINDS = {
    "Network switch": "sw",
    "Wireless access point": "ap",
    "Firewall": "fw",
    "Server": "srv",
    "UPS": "ups",
    "Printer": "prn",
}
APPROVAL_COMMENTS = (
    "",
    "",
    "Evidence checked.",
    "OK to proceed.",
    "Approved: matches the refresh plan.",
)


def custom_values(order: Order, rng: random.Random) -> dict[str, Any]:
    """Values for the custom fields of ``order``'s category (an existing category's own
    definitions included): realistic where the key is known, else only what is required."""
    return custom_values_of(custom_plan(order), order, rng)


#: Per custom field: (key, its value maker, the model's own value or :data:`NO_SPEC`,
#: the value a required field gets when none is made, the allowed choices or ``None``).
CustomPlan = tuple[tuple[str, Any, Any, Any, "list[Any] | None"], ...]
NO_SPEC = object()


def custom_plan(order: Order) -> CustomPlan:
    """What :func:`custom_values_of` needs for the assets of ``order``, looked up once."""
    specs = order.model.spec.specs
    plan = []
    for definition in order.category.custom_fields:
        key, type_ = definition["key"], definition.get("type", "text")
        required = (
            {"number": 1, "yesno": False, "date": "2024-01-01"}.get(type_, "demo")
            if definition.get("required")
            else None
        )
        choices = definition.get("choices", []) if type_ == "choice" else None
        plan.append(
            (key, CUSTOM_VALUES.get(key, _no_value), specs.get(key, NO_SPEC), required, choices)
        )
    return tuple(plan)


def custom_values_of(plan: CustomPlan, order: Order, rng: random.Random) -> dict[str, Any]:
    """:func:`custom_values` from its :func:`custom_plan` (the same draws, the same values)."""
    result: dict[str, Any] = {}
    for key, make, spec, required, choices in plan:
        # (the model's own value makes none: no draw)
        value = make(order, rng) if spec is NO_SPEC else spec
        if value is None:
            value = required
        if choices is not None and value not in choices:
            value = choices[0] if choices else None
        if value is not None:
            result[key] = value
    return result


def _no_value(order: Order, rng: random.Random) -> Any:
    return None


def _ram(order: Order, rng: random.Random) -> int:
    sizes = _SERVER_RAM if order.category.spec.name == "Server" else _RAM
    return sizes[int(rng.random() * 5)]  # (rng.choice's exact sampling is not needed)


_SERVER_RAM = (128, 256, 256, 512, 768)
_RAM = (8, 16, 16, 16, 32)


def _os(order: Order, rng: random.Random) -> str:
    if order.model.spec.manufacturer == "Apple":
        return "macOS"
    if rng.random() < 0.05:
        return "Ubuntu 22.04 LTS"
    return "Windows 10 Enterprise" if order.purchase_date.year < 2022 else "Windows 11 Enterprise"


def _ip(order: Order, rng: random.Random) -> str:
    site = {"LON": 10, "LDS": 20, "SLO": 30}.get(order.site.code, 40)
    return f"10.{site}.{rng.randrange(1, 60)}.{rng.randrange(2, 250)}"


def _firmware(order: Order, rng: random.Random) -> str | None:
    choices = FIRMWARE.get(order.model.spec.manufacturer)
    return rng.choice(choices) if choices else None


CUSTOM_VALUES: dict[str, Any] = {
    "ram_gb": _ram,
    "disk_encrypted": lambda order, rng: (
        order.model.spec.manufacturer == "Apple" or rng.random() < 0.92
    ),
    "operating_system": _os,
    "imei": lambda order, rng: imei(rng),
    "phone_number": lambda order, rng: f"+44 7{digits(rng, 3)} {digits(rng, 6)}",
    "ip_address": _ip,
    "firmware": _firmware,
}
