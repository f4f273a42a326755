"""The demo organisation's reference data, found or created in the database.

Everything is looked up by its natural key first (category name, location code, user
name, …) so that ``assetdesk demo --add`` reuses what an earlier run made. Everything
new is inserted in bulk, a statement per table — the rows the reference services write,
with their checks made here: teams, the IT staff, the many employees who receive
devices, locations, categories (with their tag sequences), manufacturers, models and
suppliers. One service call and flush per object cost more than all of them together
(10,000 assets: the world took 0.31 s CPU, then 0.085 with teams, categories and
suppliers still made one at a time through the services).
"""

from __future__ import annotations

import math
import unicodedata
import uuid
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Table, func, insert, select
from sqlalchemy.orm import Session

from desktop.demo import catalog
from desktop.demo.catalog import CategorySpec, ModelSpec
from desktop.demo.duties import Duties
from desktop.domain.lifecycle import ProcedureKind
from desktop.domain.tags import normalize_tag
from desktop.errors import NotFoundError, Problem, ValidationError
from desktop.services import reference
from desktop.services.templates import current_template
from desktop.storage.bulk import RowConverter, insert_converted, sqlite_processors
from desktop.storage.models import (
    AssetModel,
    Category,
    Group,
    Location,
    Manufacturer,
    Person,
    Role,
    Supplier,
    TagSequence,
    group_memberships,
    person_roles,
)
from desktop.storage.types import utcnow

#: Placements served by office rooms of each kind; "rack" and "comms" also use racks.
PLACEMENT_ROOMS = {
    "office": ("office",),
    "meeting": ("meeting", "office"),
    "print": ("print",),
    "ceiling": ("office", "meeting"),
    "comms": ("comms", "rack"),
    "rack": ("rack",),
}
#: Which sites get how much of each placement.
SITE_WEIGHTS = {"LON": 0.62, "LDS": 0.28, "SLO": 0.10}


@dataclass(frozen=True)
class DemoCategory:
    id: uuid.UUID
    name: str
    prefix: str
    spec: CategorySpec
    #: The category's custom field definitions as stored (an existing category's own).
    custom_fields: tuple[dict[str, Any], ...]


@dataclass(frozen=True)
class DemoModel:
    id: uuid.UUID
    text: str  # "Lenovo ThinkPad T14 Gen 4", as history shows it
    spec: ModelSpec


@dataclass(frozen=True)
class SitePools:
    """The rooms of one site by what they are used for."""

    code: str
    store: uuid.UUID
    workshop: uuid.UUID
    rooms: dict[str, tuple[uuid.UUID, ...]]


@dataclass
class DemoWorld:
    """Ids and display names the life generator needs; no ORM objects."""

    categories: list[DemoCategory] = field(default_factory=list)
    models: dict[str, list[DemoModel]] = field(default_factory=dict)
    suppliers: dict[str, uuid.UUID] = field(default_factory=dict)
    sites: dict[str, SitePools] = field(default_factory=dict)
    groups: dict[str, uuid.UUID] = field(default_factory=dict)
    technicians: dict[str, tuple[uuid.UUID, ...]] = field(default_factory=dict)
    #: Per technician: approvers who share no group with them.
    approvers_for: dict[uuid.UUID, tuple[uuid.UUID, ...]] = field(default_factory=dict)
    group_names_of: dict[uuid.UUID, tuple[tuple[str, str], ...]] = field(default_factory=dict)
    employees: tuple[uuid.UUID, ...] = ()
    reporters: tuple[uuid.UUID, ...] = ()
    #: id → name for every location, person, group, supplier, category and model.
    names: dict[uuid.UUID, str] = field(default_factory=dict)
    templates: dict[ProcedureKind, tuple[uuid.UUID, int]] = field(default_factory=dict)
    created: dict[str, int] = field(default_factory=dict)
    #: Referenced table → the ids of its rows as SQLite stores them (32 hex digits):
    #: what the generated rows may refer to (:func:`desktop.demo.stored.check_references`).
    stored_ids: dict[str, frozenset[str]] = field(default_factory=dict)
    #: Where the writers make the search index's rows too (:mod:`desktop.demo.search_build`):
    #: each model's, person's and location's id (32 hex digits) → the text the index holds
    #: for it (:func:`desktop.services.search.indexed_names`); ``None`` elsewhere.
    indexed_names: dict[str | None, str] | None = None
    #: Where the demo checks the segregation of duties as it makes the approvals instead
    #: of SQLite's triggers (:mod:`desktop.demo.duties`): what the rules read; else ``None``.
    duties: Duties | None = None

    def count_created(self, what: str, n: int = 1) -> None:
        self.created[what] = self.created.get(what, 0) + n


def employee_count(assets: int) -> int:
    """People who receive devices: about one per five assets, 40 to 50,000."""
    return max(40, min(50_000, assets // 5))


def build_world(session: Session, *, assets: int) -> DemoWorld:
    world = DemoWorld()
    _groups(session, world)
    _staff(session, world)
    _employees(session, world, employee_count(assets))
    _sites(session, world)
    _categories(session, world)
    _products(session, world)
    for kind in ProcedureKind:
        if kind in (ProcedureKind.IMPORT,):
            continue
        template = current_template(session, kind)
        world.templates[kind] = (template.id, template.version)
    return world


def _groups(session: Session, world: DemoWorld) -> None:
    """The catalog's groups, found by name or made together: the rows
    :func:`desktop.services.reference.create_group` writes (the names are valid and
    unique; those in use are looked up first)."""
    existing = {
        name.lower(): (group_id, name)
        for group_id, name in session.execute(select(Group.id, Group.name))
    }
    new: list[dict[str, Any]] = []
    for name in catalog.GROUPS:
        found = existing.get(name.lower())
        if found is None:
            found = existing[name.lower()] = (uuid.uuid4(), _checked(name, 100))
            new.append({"id": found[0], "name": found[1]})
            world.count_created("groups")
        world.groups[name] = found[0]
        world.names[found[0]] = found[1]
    if new:
        session.connection().execute(insert(Group), new)


@dataclass(frozen=True)
class _Staff:
    """A member of staff as the world needs them: their groups (id, name) and roles."""

    id: uuid.UUID
    name: str
    groups: tuple[tuple[uuid.UUID, str], ...]
    roles: frozenset[str]


def _staff(session: Session, world: DemoWorld) -> None:
    """The IT staff, found by user name or made together: the rows
    :func:`desktop.services.reference.create_person` writes (person, memberships, roles),
    with its checks made here — the catalog's names are valid, the user names are looked
    up first, and an unknown role is refused as it refuses it."""
    group_ids = {name: group_id for group_id, name in session.execute(select(Group.id, Group.name))}
    usernames = [username for _name, username, _groups, _roles in catalog.STAFF]
    found: dict[str, tuple[uuid.UUID, str]] = {
        username.lower(): (person_id, name)
        for person_id, name, username in session.execute(
            select(Person.id, Person.name, Person.username).where(
                func.lower(Person.username).in_(usernames)
            )
        )
    }
    known = [person_id for person_id, _name in found.values()]
    their_groups: dict[uuid.UUID, list[tuple[uuid.UUID, str]]] = {}
    for person_id, group_id, name in session.execute(
        select(group_memberships.c.person_id, Group.id, Group.name)
        .join(Group, Group.id == group_memberships.c.group_id)
        .where(group_memberships.c.person_id.in_(known))
    ):
        their_groups.setdefault(person_id, []).append((group_id, name))
    their_roles: dict[uuid.UUID, set[str]] = {}
    for person_id, name in session.execute(
        select(person_roles.c.person_id, Role.name)
        .join(Role, Role.id == person_roles.c.role_id)
        .where(person_roles.c.person_id.in_(known))
    ):
        their_roles.setdefault(person_id, set()).add(name)
    role_ids = {name: role_id for role_id, name in session.execute(select(Role.id, Role.name))}
    people: list[_Staff] = []
    rows: list[dict[str, Any]] = []
    memberships: list[dict[str, Any]] = []
    roles_given: list[dict[str, Any]] = []
    for name, username, group_names, roles in catalog.STAFF:
        existing = found.get(username)
        if existing is not None:
            person_id = existing[0]
            people.append(
                _Staff(
                    person_id,
                    existing[1],
                    tuple(their_groups.get(person_id, ())),
                    frozenset(their_roles.get(person_id, ())),
                )
            )
            continue
        missing = [r for r in roles if r not in role_ids]
        if missing:
            raise NotFoundError(
                f"there is no role '{missing[0]}' (roles: {', '.join(reference.ROLE_NAMES)})"
            )
        person_id = uuid.uuid4()
        name = _checked(name, 150)
        rows.append(
            {
                "id": person_id,
                "name": name,
                "username": _checked(username, 100),
                "email": f"{username}@example.org",
                "active": True,
            }
        )
        memberships += [{"person_id": person_id, "group_id": group_ids[g]} for g in group_names]
        roles_given += [{"person_id": person_id, "role_id": role_ids[r]} for r in roles]
        people.append(
            _Staff(person_id, name, tuple((group_ids[g], g) for g in group_names), frozenset(roles))
        )
        world.count_created("people")
    connection = session.connection()
    if rows:
        connection.execute(insert(Person), rows)
    if memberships:
        connection.execute(insert(group_memberships), memberships)
    if roles_given:
        connection.execute(insert(person_roles), roles_given)
    for person in people:
        world.names[person.id] = person.name
        world.group_names_of[person.id] = tuple(
            (str(gid), name) for gid, name in sorted(person.groups, key=lambda g: g[1])
        )
    approvers = [p for p in people if "approver" in p.roles]
    for team in catalog.IT_TEAMS:
        techs = [
            p
            for p in people
            if "technician" in p.roles and team in {name for _gid, name in p.groups}
        ]
        world.technicians[team] = tuple(p.id for p in techs)
        for tech in techs:
            mine = {gid for gid, _name in tech.groups}
            world.approvers_for[tech.id] = tuple(
                a.id
                for a in approvers
                if a.id != tech.id and not mine & {gid for gid, _name in a.groups}
            )


def employee_identity(index: int) -> tuple[str, str]:
    """The ``index``-th employee's name and user name: the same on every run."""
    firsts, lasts = catalog.FIRST_NAMES, catalog.LAST_NAMES
    combos = len(firsts) * len(lasts)
    step = next(s for s in range(4001, combos + 4001) if math.gcd(s, combos) == 1)
    j = (index * step) % combos
    first, last = firsts[j % len(firsts)], lasts[j // len(firsts)]
    suffix = "" if index < combos else str(index // combos + 1)
    username = ascii_name(f"{first}.{last}{suffix}").lower().replace("'", "")
    return f"{first} {last}", username


#: Letters without a combining accent, as user names spell them.
_PLAIN_LETTERS = str.maketrans({"ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "ı": "i", "ß": "ss"})


def ascii_name(name: str) -> str:
    """``name`` in plain letters for a user name: "Zieliński" → "Zielinski"."""
    if name.isascii():
        return name
    plain = unicodedata.normalize("NFKD", name.translate(_PLAIN_LETTERS))
    return "".join(c for c in plain if not unicodedata.combining(c))


def _table(model: Any) -> Table:
    table = model.__table__
    assert isinstance(table, Table)
    return table


def _employees(session: Session, world: DemoWorld, count: int) -> None:
    identities = [employee_identity(i) for i in range(count)]
    existing: dict[str, uuid.UUID] = dict(
        session.execute(
            select(func.lower(Person.username), Person.id).where(Person.active.is_(True))
        ).all()
    )
    now = utcnow()
    rows: list[dict[str, Any]] = []
    memberships: list[dict[str, Any]] = []
    ids: list[uuid.UUID] = []
    for index, (name, username) in enumerate(identities):
        person_id = existing.get(username)
        if person_id is None:
            person_id = uuid.uuid4()
            rows.append(
                {
                    "id": person_id,
                    "name": name,
                    "username": username,
                    "email": f"{username}@example.org",
                    "active": True,
                    "version": 1,
                    "created_at": now,
                    "updated_at": now,
                }
            )
            department = catalog.DEPARTMENTS[index % len(catalog.DEPARTMENTS)]
            memberships.append({"person_id": person_id, "group_id": world.groups[department]})
        ids.append(person_id)
        world.names[person_id] = name
    # Through the columns' own bind processors looked up once (desktop.storage.bulk), not
    # a parameter dictionary built and processed per row.
    connection = session.connection()
    dialect = connection.dialect
    for table, found in ((_table(Person), rows), (group_memberships, memberships)):
        faster = sqlite_processors(table) if dialect.name == "sqlite" else None
        converter = RowConverter(table, dialect, processors=faster)
        for start in range(0, len(found), 5000):
            insert_converted(connection, converter, converter(found[start : start + 5000]))
    world.count_created("people", len(rows))
    world.employees = tuple(ids)
    world.reporters = tuple(ids[: max(20, len(ids) // 10)])


class _Places:
    """Finds locations by code or makes new ones, remembering their names for history
    texts. The new ones are inserted together by :meth:`insert` (parents first, as they
    were made): the rows :func:`desktop.services.reference.create_location` writes, with
    its checks made here — the catalog's names and kinds are valid, and a code in use or
    made twice is refused as it refuses it."""

    def __init__(self, session: Session, world: DemoWorld) -> None:
        self.session, self.world = session, world
        self.existing: dict[str, uuid.UUID] = {}
        self.names: dict[uuid.UUID, str] = {}
        for location_id, name, key in session.execute(
            select(Location.id, Location.name, Location.code_key)
        ):
            self.existing[key], self.names[location_id] = location_id, name
        self.new: list[dict[str, Any]] = []

    def __call__(self, name: str, kind: str, code: str, parent: uuid.UUID | None) -> uuid.UUID:
        key = normalize_tag(code)
        found = self.existing.get(key)
        if found is None:
            found = self._new(name, kind, code, key, parent)
        self.world.names[found] = self.names[found]
        return found

    def _new(
        self, name: str, kind: str, code: str, key: str, parent: uuid.UUID | None
    ) -> uuid.UUID:
        name = name.strip()
        if not name or len(name) > 150 or kind not in reference.LOCATION_KINDS:
            raise ValidationError(Problem("name", f"demo location {name!r} ({kind}) is invalid"))
        if parent is not None and parent not in self.names:
            raise NotFoundError(f"there is no location with id {parent}")
        if key in self.existing:  # pragma: no cover - looked up by the caller
            raise ValidationError(Problem("code", f"the location code '{code}' is already used"))
        location_id = uuid.uuid4()
        self.new.append(
            {
                "id": location_id,
                "name": name,
                "kind": kind,
                "parent_id": parent,
                "code": code.strip(),
                "code_key": key,
            }
        )
        self.existing[key] = location_id
        self.names[location_id] = name
        self.world.count_created("locations")
        return location_id

    def insert(self) -> None:
        if self.new:
            self.session.connection().execute(insert(Location), self.new)
            self.new = []


def _sites(session: Session, world: DemoWorld) -> None:
    """Sites › buildings › floors › rooms (and racks), coded ``LON-A2.04`` for room labels."""
    place = _Places(session, world)
    meeting_rooms = 0
    for site in catalog.SITES:
        site_id = place(site.name, "site", site.code, None)
        rooms: dict[str, list[uuid.UUID]] = {}
        stores: list[tuple[uuid.UUID, uuid.UUID]] = []
        for building in site.buildings:
            b_code = f"{site.code}-{building.code}"
            b_id = place(building.name, "building", b_code, site_id)
            for floor in range(building.floors):
                name = "Ground floor" if floor == 0 else f"Floor {floor}"
                f_id = place(name, "floor", f"{b_code}{floor}", b_id)
                room = f"{building.code}{floor}"  # A2 → rooms A2.01, A2.02 …
                if floor == 0:
                    store = place(f"{room}.10 IT store", "room", f"{site.code}-{room}.10", f_id)
                    shop = place(f"{room}.11 IT workshop", "room", f"{site.code}-{room}.11", f_id)
                    stores.append((store, shop))
                    _racks(place, rooms, site.code, room, building.server_racks, f_id)
                if not site.data_centre:
                    for number, purpose, placement in catalog.OFFICE_ROOMS:
                        code = f"{site.code}-{room}.{number:02d}"
                        name = f"{room}.{number:02d} {purpose}"
                        if placement == "meeting":
                            names = catalog.MEETING_ROOM_NAMES
                            name += f" {names[meeting_rooms % len(names)]}"
                            meeting_rooms += 1
                        rooms.setdefault(placement, []).append(place(name, "room", code, f_id))
        store, workshop = stores[0]
        world.sites[site.code] = SitePools(
            site.code, store, workshop, {k: tuple(v) for k, v in rooms.items()}
        )
    place.insert()


def _racks(
    place: _Places,
    rooms: dict[str, list[uuid.UUID]],
    site_code: str,
    room: str,
    racks: int,
    floor_id: uuid.UUID,
) -> None:
    if not racks:
        return
    code = f"{site_code}-{room}.12"
    server_room = place(f"{room}.12 Server room", "room", code, floor_id)
    for rack in range(1, racks + 1):
        name = f"Rack {chr(ord('A') + (rack - 1) // 8)}{(rack - 1) % 8 + 1:02d}"
        rooms.setdefault("rack", []).append(place(name, "rack", f"{code}-R{rack:02d}", server_room))


def _categories(session: Session, world: DemoWorld) -> None:
    """The catalog's categories, found by name or made together: the rows
    :func:`desktop.services.reference.create_category` writes (category, tag sequence),
    each custom field checked as it checks them."""
    existing = {
        name.lower(): (category_id, name, prefix, custom)
        for category_id, name, prefix, custom in session.execute(
            select(Category.id, Category.name, Category.tag_prefix, Category.custom_fields)
        )
    }
    prefixes = {found[2] for found in existing.values()}
    sequences = set(session.execute(select(TagSequence.prefix)).scalars())
    new: list[dict[str, Any]] = []
    new_sequences: list[dict[str, Any]] = []
    for spec in catalog.CATEGORIES:
        found = existing.get(spec.name.lower())
        if found is None:
            prefix, n = spec.prefix, 2
            while prefix in prefixes:
                prefix, n = f"{spec.prefix}{n}", n + 1
            fields = [reference.validate_custom_field(dict(d)) for d in spec.custom_fields]
            found = (uuid.uuid4(), _checked(spec.name, 100), prefix, fields)
            new.append(
                {
                    "id": found[0],
                    "name": found[1],
                    "tag_prefix": prefix,
                    "audit_interval_days": spec.audit_interval_days,
                    "custom_fields": fields,
                }
            )
            if prefix not in sequences:
                new_sequences.append({"prefix": prefix, "next_value": 1})
            prefixes.add(prefix)
            world.count_created("categories")
        category_id, name, prefix, custom = found
        world.names[category_id] = name
        world.categories.append(DemoCategory(category_id, name, prefix, spec, tuple(custom or ())))
    connection = session.connection()
    if new:
        connection.execute(insert(Category), new)
    if new_sequences:
        connection.execute(insert(TagSequence), new_sequences)


def _products(session: Session, world: DemoWorld) -> None:
    """Manufacturers and models found by name or made together: the rows
    :func:`desktop.services.reference.create_manufacturer` and ``create_model`` write
    (the catalog's names are valid and unique; those in use are looked up first)."""
    manufacturers: dict[str, tuple[uuid.UUID, str]] = {
        name.lower(): (manufacturer_id, name)
        for manufacturer_id, name in session.execute(select(Manufacturer.id, Manufacturer.name))
    }
    models = {
        (manufacturer_id, name.lower()): model_id
        for model_id, manufacturer_id, name in session.execute(
            select(AssetModel.id, AssetModel.manufacturer_id, AssetModel.name)
        )
    }
    category_ids = {c.spec.name: c.id for c in world.categories}
    new_manufacturers: list[dict[str, Any]] = []
    new_models: list[dict[str, Any]] = []
    for spec in catalog.MODELS:
        manufacturer = manufacturers.get(spec.manufacturer.lower())
        if manufacturer is None:
            manufacturer = (uuid.uuid4(), _checked(spec.manufacturer, 100))
            manufacturers[spec.manufacturer.lower()] = manufacturer
            new_manufacturers.append({"id": manufacturer[0], "name": manufacturer[1]})
            world.count_created("manufacturers")
        name = _checked(spec.name, 150)
        model_id = models.get((manufacturer[0], name.lower()))
        if model_id is None:
            model_id = models[manufacturer[0], name.lower()] = uuid.uuid4()
            new_models.append(
                {
                    "id": model_id,
                    "manufacturer_id": manufacturer[0],
                    "name": name,
                    "model_number": spec.model_number,
                    "category_id": category_ids[spec.category],
                }
            )
            world.count_created("models")
        text = f"{manufacturer[1]} {name}".strip()
        world.names[model_id] = text
        world.models.setdefault(spec.category, []).append(DemoModel(model_id, text, spec))
    connection = session.connection()
    if new_manufacturers:
        connection.execute(insert(Manufacturer), new_manufacturers)
    if new_models:
        connection.execute(insert(AssetModel), new_models)
    suppliers = {
        name.lower(): (supplier_id, name)
        for supplier_id, name in session.execute(select(Supplier.id, Supplier.name))
    }
    new_suppliers: list[dict[str, Any]] = []
    for name, contact in catalog.SUPPLIERS:  # as create_supplier writes them
        supplier = suppliers.get(name.lower())
        if supplier is None:
            supplier = suppliers[name.lower()] = (uuid.uuid4(), _checked(name, 150))
            new_suppliers.append({"id": supplier[0], "name": supplier[1], "contact": contact})
            world.count_created("suppliers")
        world.suppliers[name] = supplier[0]
        world.names[supplier[0]] = supplier[1]
    if new_suppliers:
        connection.execute(insert(Supplier), new_suppliers)


def _checked(name: str, max_length: int) -> str:
    """A catalog name as the reference services take it: trimmed, not empty, not too long."""
    text = name.strip()
    if not text or len(text) > max_length:
        raise ValidationError(Problem("name", f"demo name {name!r} is empty or too long"))
    return text
