"""Incidents logged against in-service demo assets, in every status, with their events."""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass, field
from typing import Any

from desktop.demo import values as v
from desktop.demo.life import ServiceAsset
from desktop.demo.world import DemoWorld
from desktop.domain.incidents import TEMPLATE_KEY

STATUSES = ("new", "assigned", "in_progress", "resolved", "closed")
OPEN_STATUSES = frozenset({"new", "assigned", "in_progress"})
_STATUS_WEIGHTS = (0.2, 0.2, 0.25, 0.2, 0.15)
_SEVERITIES = ("low", "medium", "high", "critical")

#: category → (title, severity, root cause, resolution)
TITLES: dict[str, tuple[tuple[str, str, str, str], ...]] = {
    "Laptop": (
        (
            "Laptop does not power on",
            "high",
            "Failed system board",
            "System board replaced under warranty",
        ),
        (
            "Battery drains within an hour",
            "medium",
            "Worn battery (cycle count over 1,000)",
            "Battery replaced",
        ),
        (
            "Screen flickers when docked",
            "low",
            "Outdated graphics driver",
            "Driver updated through device management",
        ),
        (
            "BitLocker asks for the recovery key at every start",
            "medium",
            "TPM cleared by a firmware update",
            "TPM re-provisioned, key escrowed again",
        ),
    ),
    "Desktop": (
        (
            "PC very slow since the last update",
            "low",
            "Indexing stuck on a corrupt profile",
            "Profile rebuilt",
        ),
        ("No signal on the second monitor", "low", "Faulty DisplayPort cable", "Cable replaced"),
    ),
    "Monitor": (
        ("Monitor shows no signal", "low", "Loose USB-C cable", "Cable reseated and secured"),
        (
            "Dead pixels in the centre of the screen",
            "low",
            "Panel defect",
            "Monitor swapped under warranty",
        ),
    ),
    "Docking station": (
        (
            "Dock does not charge the laptop",
            "medium",
            "Dock firmware too old for the laptop",
            "Dock firmware updated",
        ),
        (
            "USB devices on the dock keep disconnecting",
            "low",
            "Power-saving setting on the USB hub",
            "Setting changed by policy",
        ),
    ),
    "Mobile phone": (
        ("Cracked screen", "medium", "Dropped", "Screen replaced by the carrier"),
        (
            "Phone no longer receives e-mail",
            "medium",
            "Expired device certificate",
            "Device re-enrolled",
        ),
    ),
    "Tablet": (
        (
            "Tablet stuck on the start-up logo",
            "medium",
            "Failed OS update",
            "Restored and re-enrolled",
        ),
    ),
    "Printer": (
        (
            "Paper jams keep recurring in tray 2",
            "low",
            "Worn pick-up roller",
            "Roller kit replaced",
        ),
        (
            "Printer offline for the whole floor",
            "high",
            "DHCP reservation lost",
            "Static address configured",
        ),
    ),
    "Network switch": (
        ("Port Gi1/0/24 flapping", "medium", "Faulty patch cable", "Patch cable replaced"),
        (
            "Switch unreachable from monitoring",
            "high",
            "Management VLAN misconfigured after a change",
            "Configuration restored",
        ),
        (
            "PoE budget exceeded: desk phones rebooting",
            "high",
            "Too many PoE devices on one switch",
            "Load spread over two switches",
        ),
    ),
    "Wireless access point": (
        (
            "Wi-Fi drops in the meeting rooms",
            "medium",
            "Channel overlap with a neighbour's network",
            "Channel plan changed",
        ),
        (
            "Access point offline after a power cut",
            "medium",
            "PoE port disabled by error",
            "Port re-enabled",
        ),
    ),
    "Firewall": (
        (
            "VPN tunnel to Leeds drops every few hours",
            "critical",
            "Mismatched IKE lifetimes",
            "Lifetimes aligned on both ends",
        ),
    ),
    "Server": (
        (
            "Predictive disk failure on the RAID array",
            "high",
            "Ageing disk",
            "Disk hot-swapped, array rebuilt",
        ),
        (
            "Fan failure alert from the management controller",
            "high",
            "Failed fan module",
            "Fan module replaced",
        ),
        ("Power supply redundancy lost", "critical", "Failed power supply unit", "PSU replaced"),
    ),
    "UPS": (
        (
            "UPS battery self-test failed",
            "high",
            "Battery end of life",
            "Battery cartridge replaced",
        ),
    ),
}
_DEFAULT = (("Device fault reported by the user", "medium", "Hardware fault", "Repaired"),)


@dataclass
class IncidentRows:
    incidents: list[dict[str, Any]] = field(default_factory=list)
    assets: list[dict[str, Any]] = field(default_factory=list)
    events: list[dict[str, Any]] = field(default_factory=list)

    @property
    def open(self) -> int:
        return sum(1 for i in self.incidents if i["status"] in OPEN_STATUSES)


def incident_count(assets: int) -> int:
    return max(8, min(2000, assets // 100))


def make_incidents(
    world: DemoWorld,
    rng: random.Random,
    *,
    now_ts: float,
    samples: list[ServiceAsset],
    count: int,
    first_number: int,
    template: dict[str, Any],
) -> IncidentRows:
    """``count`` incidents on assets from ``samples``; numbered from ``first_number`` in the
    order they were reported. The first five cover every status. ``template`` is the
    incident template's name and version, kept in each incident's answers like the
    incident service does."""
    rows = IncidentRows()
    if not samples:
        return rows
    drafts = []
    for index in range(count):
        status = (
            STATUSES[index]
            if index < len(STATUSES)
            else rng.choices(STATUSES, weights=_STATUS_WEIGHTS)[0]
        )
        drafts.append(_incident(world, rng, now_ts, samples, status, template))
    drafts.sort(key=lambda d: d[0]["reported_at"])
    for number, (incident, asset_ids, events) in enumerate(drafts, start=first_number):
        incident["number"] = number
        rows.incidents.append(incident)
        rows.assets.extend(
            {"incident_id": incident["id"], "asset_id": uuid.UUID(hex=a)} for a in asset_ids
        )
        rows.events.extend(events)
    return rows


def _incident(
    world: DemoWorld,
    rng: random.Random,
    now_ts: float,
    samples: list[ServiceAsset],
    status: str,
    template: dict[str, Any],
) -> tuple[dict[str, Any], list[str], list[dict[str, Any]]]:
    asset = rng.choice(samples)
    title, severity, cause, fix = rng.choice(TITLES.get(asset.category, _DEFAULT))
    if rng.random() < 0.25:
        severity = rng.choice(_SEVERITIES)
    technicians = world.technicians[asset.team]
    if asset.assigned_to is not None:
        reporter = uuid.UUID(hex=asset.assigned_to)
    elif rng.random() < 0.6:
        reporter = rng.choice(technicians)  # raised by monitoring, logged by the team
    else:
        reporter = rng.choice(world.reporters)
    asset_ids = [asset.id]
    if rng.random() < 0.15:  # the same fault on a few more of the team's assets
        candidates = rng.sample(samples, min(12, len(samples)))
        others = [s.id for s in candidates if s.team == asset.team and s.id != asset.id]
        asset_ids += others[: rng.randint(1, 2)]
    age_days = {"closed": (20, 200), "resolved": (2, 60)}.get(status, (0.05, 30))
    reported = now_ts - (age_days[0] + (age_days[1] - age_days[0]) * rng.random()) * v.DAY
    reported = min(v.working_time(rng, reported), now_ts - 600)
    incident_id = uuid.uuid4()
    assignee = rng.choice(technicians) if status != "new" else None
    logger = rng.choice(world.technicians["Service desk"])
    events = [_event(incident_id, logger, reported, None, "new", "Logged")]
    clock = reported
    steps = STATUSES[1 : STATUSES.index(status) + 1]
    resolved_at = closed_at = None
    for to_status in steps:
        gap = {"assigned": 4 * 3600, "in_progress": v.DAY, "resolved": 5 * v.DAY}.get(
            to_status, 7 * v.DAY
        )
        clock = min(clock + 300 + gap * rng.random(), now_ts - 60)
        person = assignee if to_status != "closed" else reporter
        assert person is not None
        note = {
            "assigned": f"Routed to {_team_name(world, asset.team)}",
            "in_progress": "Investigating",
            "resolved": fix,
            "closed": "Confirmed fixed by the reporter",
        }[to_status]
        events.append(_event(incident_id, person, clock, events[-1]["to_status"], to_status, note))
        if to_status == "resolved":
            resolved_at = v.as_datetime(clock)
        if to_status == "closed":
            closed_at = v.as_datetime(clock)
    done = status in ("resolved", "closed")
    incident = {
        "id": incident_id,
        "number": 0,
        "title": title,
        "description": f"{title}. Reported by phone to the service desk.",
        "severity": severity,
        "status": status,
        "reported_by_id": reporter,
        "routed_group_id": world.groups[asset.team],
        "assigned_to_id": assignee,
        "template_id": None,
        "answers": {"users_affected": _affected(asset), TEMPLATE_KEY: dict(template)},
        "root_cause": cause if done else "",
        "resolution": fix if done else "",
        "fixed_by_procedure_id": None,
        "reported_at": v.as_datetime(reported),
        "resolved_at": resolved_at,
        "closed_at": closed_at,
        "version": len(events),
        "created_at": v.as_datetime(reported),
        "updated_at": v.as_datetime(clock),
    }
    return incident, asset_ids, events


def _event(
    incident_id: uuid.UUID,
    person: uuid.UUID,
    ts: float,
    from_status: str | None,
    to_status: str,
    note: str,
) -> dict[str, Any]:
    return {
        "id": uuid.uuid4(),
        "incident_id": incident_id,
        "person_id": person,
        "at": v.as_datetime(ts),
        "from_status": from_status,
        "to_status": to_status,
        "note": note,
    }


def _affected(asset: ServiceAsset) -> str:
    if asset.assigned_to is not None:
        return "One person"
    return "A site" if asset.category in ("Firewall", "Server", "Network switch") else "A team"


def _team_name(world: DemoWorld, team: str) -> str:
    return world.names.get(world.groups[team], team)
