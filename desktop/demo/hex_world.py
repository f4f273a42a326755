"""The demo world's ids and names as the life generator writes them, made once.

The life generator (:mod:`desktop.demo.life`) writes hex ids and JSON texts: the
world's people, approvers and their groups, every named id with its name, and each
order's places (category, model, supplier, group, store, workshop and rooms) are
encoded once per world and shared by every chunk's writer (:class:`_HexWorld`), until
the demo ends (:func:`forget_world`).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from desktop.demo.change_json import _NO_REF
from desktop.demo.orders import (
    Order,
)
from desktop.demo.stored import encode, quote
from desktop.demo.world import PLACEMENT_ROOMS, DemoWorld


@dataclass(frozen=True)
class _OrderPlaces:
    """The hex ids an order's assets use: its category, model, supplier, owning group,
    its site's IT store and workshop, and the rooms its category is placed in."""

    category: str
    model: str
    supplier: str
    group: str
    store: str
    workshop: str
    rooms: tuple[str, ...]


class _Refs(dict[str | None, tuple[str, str]]):
    """Reference id (hex) → (its JSON value, its name as JSON); one met for the first
    time (a name added to the world since) is encoded then and kept. Read with ``[]``:
    a C lookup, where ``.get`` and a fallback cost a method call each."""

    def __init__(self, names: dict[uuid.UUID, str]) -> None:
        super().__init__()
        self.names = names

    def __missing__(self, value: str) -> tuple[str, str]:
        id_ = uuid.UUID(hex=value)
        found = self[value] = (quote(str(id_)), quote(self.names[id_]))
        return found


class _HexWorld:
    """The world's ids the generator picks from, as hex (made once per world)."""

    _last: tuple[DemoWorld, _HexWorld] | None = None

    def __init__(self, world: DemoWorld) -> None:
        self.world = world
        self.employees = tuple(e.hex for e in world.employees)
        self.technicians = {
            team: tuple(t.hex for t in techs) for team, techs in world.technicians.items()
        }
        self.approvers_for = {
            tech.hex: tuple(a.hex for a in approvers)
            for tech, approvers in world.approvers_for.items()
        }
        #: approver → their groups as an approval records them (JSON).
        self.group_docs = {
            person.hex: encode([{"id": gid, "name": name} for gid, name in groups])
            for person, groups in world.group_names_of.items()
        }
        self.rooms: dict[tuple[str, str], tuple[str, ...]] = {}
        #: reference id (hex) → (its JSON value, its name as JSON): what a change shows;
        #: ``None`` → none. Every named id of the world, encoded once.
        self.refs = _Refs(world.names)
        self.refs.update({id_.hex: (f'"{id_}"', quote(name)) for id_, name in world.names.items()})
        self.refs[None] = _NO_REF

    @classmethod
    def of(cls, world: DemoWorld) -> _HexWorld:
        """The one of ``world``: each chunk's writer shares it (kept until another world)."""
        last = cls._last
        if last is None or last[0] is not world:
            last = cls._last = (world, cls(world))
        return last[1]

    @classmethod
    def forget(cls) -> None:
        """Let the last world go (a GUI process lives on after its demo)."""
        cls._last = None

    def places(self, order: Order) -> _OrderPlaces:
        site, spec = order.site, order.category.spec
        rooms = self.rooms.get((site.code, spec.placement))
        if rooms is None:
            found = [
                r.hex for kind in PLACEMENT_ROOMS[spec.placement] for r in site.rooms.get(kind, ())
            ]
            rooms = self.rooms[site.code, spec.placement] = tuple(found or [site.store.hex])
        return _OrderPlaces(
            order.category.id.hex,
            order.model.id.hex,
            order.supplier.hex,
            self.world.groups[spec.team].hex,
            site.store.hex,
            site.workshop.hex,
            rooms,
        )


def forget_world() -> None:
    """Drop what the writers of the last demo shared (called when a demo ends)."""
    _HexWorld.forget()
