"""What the demo organisation owns: categories, real products, suppliers, sites and teams.

Plain data, no database: :mod:`desktop.demo.world` turns it into reference rows.
Prices are list prices in the organisation's currency, rounded; serial numbers follow the
manufacturers' usual shapes (Dell service tags, Lenovo ``PF…``, HP ``5CG…``, Cisco ``FOC…``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class CategorySpec:
    """A category of the demo and how its assets live.

    Attributes:
        weight: share of all demo assets.
        personal: installed for one person (else owned by a team, e.g. a switch).
        team: the group that receives, installs and looks after these assets.
        placement: the kind of room they are installed in (see :class:`SiteSpec`).
        life_years: usual years in service before decommissioning.
        warranty_years: warranty lengths bought with them.
        data_bearing: holds data that must be sanitised on decommissioning.
    """

    name: str
    prefix: str
    audit_interval_days: int
    weight: float
    personal: bool
    team: str
    placement: str
    life_years: float
    warranty_years: tuple[int, ...]
    data_bearing: bool
    custom_fields: tuple[dict[str, Any], ...] = ()


@dataclass(frozen=True)
class ModelSpec:
    category: str
    manufacturer: str
    name: str
    model_number: str
    price: tuple[int, int]
    serial_prefix: str
    serial_length: int
    suppliers: tuple[str, ...]
    #: Fixed custom field values of the product (screen size, rack units, ...).
    specs: dict[str, Any] = field(default_factory=dict)
    #: The year the product came out: older purchases choose older products.
    year: int = 2020


_LAPTOP_FIELDS = (
    {"key": "ram_gb", "label": "RAM (GB)", "type": "number"},
    {"key": "disk_encrypted", "label": "Disk encrypted", "type": "yesno"},
    {
        "key": "operating_system",
        "label": "Operating system",
        "type": "choice",
        "choices": ["Windows 11 Enterprise", "Windows 10 Enterprise", "macOS", "Ubuntu 22.04 LTS"],
    },
)
_NETWORK_FIELDS = (
    {"key": "ip_address", "label": "Management IP address", "type": "text"},
    {"key": "firmware", "label": "Firmware version", "type": "text"},
)

# fmt: off
CATEGORIES: tuple[CategorySpec, ...] = (
    CategorySpec("Laptop", "LAP", 365, 0.30, True, "Service desk", "office", 4, (3, 3, 4), True, _LAPTOP_FIELDS),
    CategorySpec("Desktop", "DSK", 365, 0.08, True, "Service desk", "office", 5, (3, 5), True, _LAPTOP_FIELDS[:2]),
    CategorySpec(
        "Monitor", "MON", 730, 0.22, True, "Service desk", "office", 6, (3, 5), False,
        ({"key": "screen_size_in", "label": "Screen size (in)", "type": "number"},),
    ),
    CategorySpec("Docking station", "DCK", 730, 0.10, True, "Service desk", "office", 5, (3,), False),
    CategorySpec(
        "Mobile phone", "PHN", 365, 0.14, True, "Service desk", "office", 3, (1, 2), True,
        (
            {"key": "imei", "label": "IMEI", "type": "text"},
            {"key": "phone_number", "label": "Phone number", "type": "text"},
        ),
    ),
    CategorySpec("Tablet", "TAB", 365, 0.04, True, "Service desk", "meeting", 4, (1, 2), True),
    CategorySpec(
        "Printer", "PRN", 365, 0.02, False, "Service desk", "print", 6, (1, 3), True,
        ({"key": "ip_address", "label": "IP address", "type": "text"},),
    ),
    CategorySpec("Network switch", "SWI", 180, 0.03, False, "Network", "comms", 7, (5,), False, _NETWORK_FIELDS),
    CategorySpec("Wireless access point", "WAP", 365, 0.03, False, "Network", "ceiling", 6, (5,), False, _NETWORK_FIELDS),
    CategorySpec("Firewall", "FWL", 180, 0.005, False, "Network", "rack", 5, (3, 5), True, _NETWORK_FIELDS),
    CategorySpec(
        "Server", "SRV", 180, 0.02, False, "Infrastructure", "rack", 6, (3, 5), True,
        (
            {"key": "rack_units", "label": "Rack units", "type": "number"},
            {"key": "ip_address", "label": "iLO / iDRAC IP address", "type": "text"},
            {"key": "ram_gb", "label": "RAM (GB)", "type": "number"},
        ),
    ),
    CategorySpec("UPS", "UPS", 365, 0.005, False, "Infrastructure", "rack", 8, (2, 3), False),
)
# fmt: on

_RESELLERS = ("Computacenter", "Softcat", "CDW UK", "Insight Direct", "Bechtle")
_PHONES = ("Vodafone Business", "Apple Business")

# fmt: off
MODELS: tuple[ModelSpec, ...] = (
    ModelSpec("Laptop", "Lenovo", "ThinkPad T14 Gen 4", "21HD", (1150, 1450), "PF", 6, _RESELLERS, year=2023),
    ModelSpec("Laptop", "Lenovo", "ThinkPad X1 Carbon Gen 11", "21HM", (1750, 2150), "PF", 6, _RESELLERS, year=2023),
    ModelSpec("Laptop", "Dell", "Latitude 5440", "N012L544014", (980, 1240), "", 7, ("Dell Technologies", *_RESELLERS[:3]), year=2023),
    ModelSpec("Laptop", "Dell", "Latitude 7440", "N003L744014", (1420, 1780), "", 7, ("Dell Technologies", "Computacenter"), year=2023),
    ModelSpec("Laptop", "HP", "EliteBook 840 G10", "818N0EA", (1190, 1490), "5CG", 7, _RESELLERS, year=2023),
    ModelSpec("Laptop", "HP", "ProBook 450 G10", "85B05EA", (760, 920), "5CD", 7, _RESELLERS[2:], year=2023),
    ModelSpec("Laptop", "Apple", "MacBook Pro 14 (M3, 2023)", "A2918", (1899, 2399), "", 10, ("Apple Business", "Softcat"), year=2023),
    ModelSpec("Laptop", "Apple", "MacBook Air 13 (M2, 2022)", "A2681", (1149, 1399), "", 10, ("Apple Business",), year=2022),
    ModelSpec("Desktop", "Dell", "OptiPlex 7010 Micro", "DTM7010", (720, 890), "", 7, ("Dell Technologies", "Computacenter"), year=2023),
    ModelSpec("Desktop", "HP", "Elite Mini 800 G9", "6B1Y5EA", (780, 960), "CZC", 7, _RESELLERS, year=2022),
    ModelSpec("Desktop", "Lenovo", "ThinkCentre M70q Gen 4", "12E3", (640, 820), "MJ", 6, _RESELLERS, year=2023),
    ModelSpec("Desktop", "Apple", "Mac mini (M2, 2023)", "A2686", (699, 899), "", 10, ("Apple Business",), year=2023),
    ModelSpec("Monitor", "Dell", "P2723DE", "DELL-P2723DE", (310, 380), "CN0", 9, ("Dell Technologies", *_RESELLERS[:2]), {"screen_size_in": 27}, year=2022),
    ModelSpec("Monitor", "Dell", "U2723QE", "DELL-U2723QE", (520, 640), "CN0", 9, ("Dell Technologies", "CDW UK"), {"screen_size_in": 27}, year=2022),
    ModelSpec("Monitor", "HP", "E24 G5", "6N6E9AA", (170, 220), "CN4", 7, _RESELLERS, {"screen_size_in": 24}, year=2022),
    ModelSpec("Monitor", "Lenovo", "ThinkVision T24i-30", "63CFMAT3UK", (160, 210), "V9", 6, _RESELLERS, {"screen_size_in": 24}, year=2022),
    ModelSpec("Monitor", "LG", "27UP850N-W", "27UP850N-W.AEK", (330, 410), "3", 9, _RESELLERS[2:], {"screen_size_in": 27}, year=2021),
    ModelSpec("Docking station", "Dell", "WD19S 130W", "DELL-WD19S130W", (190, 240), "CN0", 9, ("Dell Technologies", "Computacenter"), year=2021),
    ModelSpec("Docking station", "Lenovo", "ThinkPad Universal USB-C Dock", "40AY0090UK", (170, 220), "ZK", 8, _RESELLERS, year=2019),
    ModelSpec("Docking station", "HP", "USB-C Dock G5", "5TW10AA", (160, 210), "CN", 8, _RESELLERS, year=2019),
    ModelSpec("Mobile phone", "Apple", "iPhone 15", "A3090", (799, 899), "", 10, _PHONES, year=2023),
    ModelSpec("Mobile phone", "Apple", "iPhone 14", "A2882", (649, 749), "", 10, _PHONES, year=2022),
    ModelSpec("Mobile phone", "Samsung", "Galaxy S23", "SM-S911B", (649, 769), "R5C", 8, ("Vodafone Business",), year=2023),
    ModelSpec("Mobile phone", "Samsung", "Galaxy A54 5G", "SM-A546B", (329, 399), "R5C", 8, ("Vodafone Business",), year=2023),
    ModelSpec("Mobile phone", "Google", "Pixel 8", "GKWS6", (599, 699), "3", 10, ("Vodafone Business",), year=2023),
    ModelSpec("Tablet", "Apple", "iPad (10th generation)", "A2696", (349, 449), "", 10, ("Apple Business", "Softcat"), year=2022),
    ModelSpec("Tablet", "Apple", "iPad Air 11 (M2)", "A2902", (599, 749), "", 10, ("Apple Business",), year=2024),
    ModelSpec("Tablet", "Samsung", "Galaxy Tab S9", "SM-X710", (699, 829), "R52", 8, ("Vodafone Business", "CDW UK"), year=2023),
    ModelSpec("Printer", "HP", "LaserJet Enterprise M507dn", "1PV87A", (430, 540), "PHB", 7, _RESELLERS, year=2018),
    ModelSpec("Printer", "HP", "Color LaserJet Pro MFP M479fdw", "W1A80A", (520, 640), "VNB", 7, _RESELLERS, year=2019),
    ModelSpec("Printer", "Brother", "HL-L6400DW", "HLL6400DWZU1", (390, 470), "E7", 8, _RESELLERS[2:], year=2017),
    ModelSpec("Printer", "Kyocera", "ECOSYS M3655idn", "1102TB3NL0", (890, 1090), "W4", 8, ("Bechtle", "Insight Direct"), year=2018),
    ModelSpec("Network switch", "Cisco", "Catalyst 9200L 48-port PoE+", "C9200L-48P-4G-E", (3900, 4700), "JAE", 8, ("Computacenter", "Softcat"), year=2019),
    ModelSpec("Network switch", "Cisco", "Catalyst 9300 48-port PoE+", "C9300-48P-E", (7800, 9400), "FOC", 8, ("Computacenter",), year=2017),
    ModelSpec("Network switch", "HPE Aruba Networking", "2930F 48G PoE+ 4SFP+", "JL256A", (3100, 3700), "CN", 8, ("Softcat", "Bechtle"), year=2016),
    ModelSpec("Network switch", "Juniper Networks", "EX2300-48P", "EX2300-48P", (2900, 3500), "JW", 10, ("Computacenter",), year=2016),
    ModelSpec("Wireless access point", "Cisco", "Catalyst 9120AXI", "C9120AXI-E", (780, 940), "FJC", 8, ("Computacenter", "Softcat"), year=2019),
    ModelSpec("Wireless access point", "HPE Aruba Networking", "AP-515", "Q9H62A", (640, 780), "CNK", 7, ("Softcat", "Bechtle"), year=2019),
    ModelSpec("Wireless access point", "Ubiquiti", "UniFi U6 Pro", "U6-PRO", (150, 180), "", 12, ("CDW UK",), year=2021),
    ModelSpec("Firewall", "Fortinet", "FortiGate 100F", "FG-100F", (2800, 3400), "FG100F", 10, ("Softcat",), year=2020),
    ModelSpec("Firewall", "Palo Alto Networks", "PA-440", "PAN-PA-440", (1900, 2400), "0260", 11, ("Computacenter",), year=2022),
    ModelSpec("Server", "HPE", "ProLiant DL380 Gen11", "P52534-B21", (11500, 18500), "CZJ", 7, ("Computacenter", "Softcat"), {"rack_units": 2}, year=2023),
    ModelSpec("Server", "HPE", "ProLiant DL360 Gen10 Plus", "P39882-B21", (7200, 11800), "CZJ", 7, ("Computacenter",), {"rack_units": 1}, year=2021),
    ModelSpec("Server", "Dell", "PowerEdge R760", "PER760", (12800, 19900), "", 7, ("Dell Technologies",), {"rack_units": 2}, year=2023),
    ModelSpec("Server", "Dell", "PowerEdge R650", "PER650", (8400, 12600), "", 7, ("Dell Technologies", "Computacenter"), {"rack_units": 1}, year=2021),
    ModelSpec("Server", "Lenovo", "ThinkSystem SR650 V3", "7D76", (10900, 16800), "J90", 5, ("Bechtle",), {"rack_units": 2}, year=2023),
    ModelSpec("UPS", "APC", "Smart-UPS SRT 3000VA RM", "SRT3000RMXLI", (2300, 2800), "AS", 10, ("Insight Direct", "CDW UK"), year=2015),
    ModelSpec("UPS", "Eaton", "9PX 3000i RT2U", "9PX3000IRT2U", (2100, 2600), "G", 10, ("Computacenter",), year=2014),
    ModelSpec("Laptop", "Lenovo", "ThinkPad T14 Gen 1", "20S0", (1050, 1350), "PF", 6, _RESELLERS, year=2020),
    ModelSpec("Laptop", "Lenovo", "ThinkPad T14 Gen 2", "20W0", (1080, 1380), "PF", 6, _RESELLERS, year=2021),
    ModelSpec("Laptop", "Dell", "Latitude 5420", "N005L542014", (940, 1190), "", 7, ("Dell Technologies", *_RESELLERS[:3]), year=2021),
    ModelSpec("Laptop", "Dell", "Latitude 5430", "N008L543014", (960, 1220), "", 7, ("Dell Technologies", *_RESELLERS[:3]), year=2022),
    ModelSpec("Laptop", "HP", "EliteBook 840 G7", "1J6E8EA", (1090, 1390), "5CG", 7, _RESELLERS, year=2020),
    ModelSpec("Laptop", "HP", "EliteBook 840 G8", "336D8EA", (1120, 1420), "5CG", 7, _RESELLERS, year=2021),
    ModelSpec("Laptop", "Apple", "MacBook Pro 13 (M1, 2020)", "A2338", (1299, 1599), "", 10, ("Apple Business", "Softcat"), year=2020),
    ModelSpec("Laptop", "Apple", "MacBook Pro 14 (M1 Pro, 2021)", "A2442", (1899, 2299), "", 10, ("Apple Business",), year=2021),
    ModelSpec("Desktop", "Dell", "OptiPlex 7080 Micro", "DTM7080", (690, 860), "", 7, ("Dell Technologies", "Computacenter"), year=2020),
    ModelSpec("Desktop", "HP", "EliteDesk 800 G6 Mini", "1D2F6EA", (720, 900), "CZC", 7, _RESELLERS, year=2020),
    ModelSpec("Desktop", "Lenovo", "ThinkCentre M70q Gen 2", "11MY", (610, 790), "MJ", 6, _RESELLERS, year=2021),
    ModelSpec("Monitor", "Dell", "P2720D", "DELL-P2720D", (280, 350), "CN0", 9, ("Dell Technologies", *_RESELLERS[:2]), {"screen_size_in": 27}, year=2019),
    ModelSpec("Monitor", "Dell", "P2419H", "DELL-P2419H", (170, 230), "CN0", 9, ("Dell Technologies", *_RESELLERS[:2]), {"screen_size_in": 24}, year=2018),
    ModelSpec("Monitor", "HP", "E24 G4", "9VF99AA", (160, 210), "CN4", 7, _RESELLERS, {"screen_size_in": 24}, year=2019),
    ModelSpec("Docking station", "Dell", "WD19 130W", "DELL-WD19-130W", (180, 230), "CN0", 9, ("Dell Technologies", "Computacenter"), year=2019),
    ModelSpec("Mobile phone", "Apple", "iPhone 12", "A2403", (699, 799), "", 10, _PHONES, year=2020),
    ModelSpec("Mobile phone", "Apple", "iPhone 13", "A2633", (679, 779), "", 10, _PHONES, year=2021),
    ModelSpec("Mobile phone", "Samsung", "Galaxy S21 5G", "SM-G991B", (629, 769), "R5C", 8, ("Vodafone Business",), year=2021),
    ModelSpec("Mobile phone", "Samsung", "Galaxy A52", "SM-A525F", (299, 349), "R5C", 8, ("Vodafone Business",), year=2021),
    ModelSpec("Tablet", "Apple", "iPad (8th generation)", "A2270", (299, 379), "", 10, ("Apple Business", "Softcat"), year=2020),
    ModelSpec("Tablet", "Apple", "iPad (9th generation)", "A2602", (319, 399), "", 10, ("Apple Business", "Softcat"), year=2021),
    ModelSpec("Tablet", "Samsung", "Galaxy Tab S7", "SM-T870", (579, 649), "R52", 8, ("Vodafone Business", "CDW UK"), year=2020),
    ModelSpec("Network switch", "Cisco", "Catalyst 2960-X 48-port PoE+", "WS-C2960X-48FPD-L", (3300, 4100), "FOC", 8, ("Computacenter",), year=2013),
    ModelSpec("Firewall", "Fortinet", "FortiGate 100E", "FG-100E", (2500, 3100), "FG100E", 10, ("Softcat",), year=2017),
    ModelSpec("Server", "HPE", "ProLiant DL380 Gen10", "868703-B21", (9800, 15900), "CZJ", 7, ("Computacenter", "Softcat"), {"rack_units": 2}, year=2017),
    ModelSpec("Server", "Dell", "PowerEdge R740", "PER740", (9900, 16500), "", 7, ("Dell Technologies",), {"rack_units": 2}, year=2017),
    ModelSpec("Server", "Dell", "PowerEdge R640", "PER640", (7400, 11200), "", 7, ("Dell Technologies", "Computacenter"), {"rack_units": 1}, year=2017),
)
# fmt: on

SUPPLIERS: tuple[tuple[str, str], ...] = (
    ("Computacenter", "orders@computacenter.example · +44 1707 631000"),
    ("Softcat", "accounts@softcat.example · +44 1628 403403"),
    ("CDW UK", "sales@cdw.example · +44 20 7791 6000"),
    ("Insight Direct", "uk.orders@insight.example"),
    ("Bechtle", "direct@bechtle.example"),
    ("Dell Technologies", "Premier account 4512-0093"),
    ("Apple Business", "Apple Business Manager · customer 88310042"),
    ("Vodafone Business", "Corporate account 7732 1180 · +44 333 304 0191"),
)


@dataclass(frozen=True)
class BuildingSpec:
    name: str
    code: str
    floors: int
    server_racks: int = 0


@dataclass(frozen=True)
class SiteSpec:
    name: str
    code: str
    buildings: tuple[BuildingSpec, ...]
    #: A data centre hall instead of offices: racks only.
    data_centre: bool = False


SITES: tuple[SiteSpec, ...] = (
    SiteSpec(
        "London head office",
        "LON",
        (BuildingSpec("Building A", "A", 5, server_racks=6), BuildingSpec("Building B", "B", 3)),
    ),
    SiteSpec("Leeds office", "LDS", (BuildingSpec("Wellington House", "W", 3, server_racks=2),)),
    SiteSpec(
        "Slough data centre",
        "SLO",
        (BuildingSpec("Data hall 1", "DH1", 1, server_racks=16),),
        data_centre=True,
    ),
)

#: Rooms on every office floor: (number, purpose, placement).
OFFICE_ROOMS: tuple[tuple[int, str, str], ...] = (
    (1, "Comms room", "comms"),
    (2, "Open office", "office"),
    (3, "Open office", "office"),
    (4, "Open office", "office"),
    (5, "Meeting room", "meeting"),
    (6, "Meeting room", "meeting"),
    (7, "Print and copy", "print"),
)

#: Meeting rooms are named after places, as offices often name them — written as the places
#: write themselves, so that the search's accent folding ("zurich" finds "Zürich") has
#: something to find: the n-th meeting room of the organisation gets the n-th name, round.
MEETING_ROOM_NAMES = (
    "Zürich",
    "São Paulo",
    "Øresund",
    "Kraków",
    "Malmö",
    "Genève",
    "Łódź",
    "Reykjavík",
    "Curaçao",
    "Córdoba",
    "Gdańsk",
    "Besançon",
    "Tromsø",
    "Düsseldorf",
    "Bogotá",
    "Nîmes",
)

#: Teams (groups) of the organisation. Technicians work in the IT teams; approvers on the
#: change board share no group with them, so every procedure can be approved.
IT_TEAMS = ("Service desk", "Infrastructure", "Network")
DEPARTMENTS = (
    "Finance",
    "HR",
    "Sales",
    "Marketing",
    "Engineering",
    "Operations",
    "Legal",
    "Customer support",
)
GROUPS = (*IT_TEAMS, "Change board", "Inventory audit", *DEPARTMENTS)

#: The named staff who use Assetdesk: (name, username, groups, roles).
# fmt: off
STAFF: tuple[tuple[str, str, tuple[str, ...], tuple[str, ...]], ...] = (
    ("Priya Natarajan", "pnatarajan", ("Service desk",), ("technician", "approver")),
    ("Tom Hargreaves", "thargreaves", ("Service desk",), ("technician",)),
    ("Aisha Bello", "abello", ("Service desk",), ("technician",)),
    ("Marek Nowak", "mnowak", ("Service desk",), ("technician",)),
    ("Chloé Dubois", "cdubois", ("Service desk",), ("technician",)),
    ("Sam Okafor", "sokafor", ("Service desk",), ("technician",)),
    ("Lucy Brennan", "lbrennan", ("Service desk",), ("technician",)),
    ("Daniel Kowalski", "dkowalski", ("Service desk",), ("technician", "auditor")),
    ("Hannah Schmidt", "hschmidt", ("Service desk",), ("technician",)),
    ("Ravi Menon", "rmenon", ("Service desk",), ("technician",)),
    ("Grace Whitfield", "gwhitfield", ("Infrastructure",), ("technician", "approver")),
    ("Oliver Brandt", "obrandt", ("Infrastructure",), ("technician", "administrator")),
    ("Fatima Rahman", "frahman", ("Infrastructure",), ("technician",)),
    ("Jonas Lindqvist", "jlindqvist", ("Infrastructure",), ("technician",)),
    ("Emily Carter", "ecarter", ("Infrastructure",), ("technician",)),
    ("Kwame Mensah", "kmensah", ("Infrastructure",), ("technician", "administrator")),
    ("Isabel Ferreira", "iferreira", ("Network",), ("technician", "approver")),
    ("Nikolai Petrov", "npetrov", ("Network",), ("technician",)),
    ("Zoë Lambert", "zlambert", ("Network",), ("technician",)),
    ("Ahmed Haddad", "ahaddad", ("Network",), ("technician",)),
    ("Margaret Ellison", "mellison", ("Change board",), ("approver",)),
    ("David Achebe", "dachebe", ("Change board",), ("approver",)),
    ("Sofia Romano", "sromano", ("Change board",), ("approver",)),
    ("Henrik Larsen", "hlarsen", ("Change board", "Finance"), ("approver",)),
    ("Rebecca Stone", "rstone", ("Change board", "Legal"), ("approver",)),
    ("Yusuf Demir", "ydemir", ("Inventory audit",), ("auditor",)),
    ("Claire Fontaine", "cfontaine", ("Inventory audit",), ("auditor",)),
    ("Patrick Doyle", "pdoyle", ("Inventory audit", "Finance"), ("auditor",)),
    ("Helen Marsh", "hmarsh", ("Finance",), ("approver",)),
    ("Ian McAllister", "imcallister", ("Infrastructure", "Change board"), ("administrator",)),
)

FIRST_NAMES = (
    "Adam", "Alice", "Amelia", "Ana", "Andrew", "Anna", "Arjun", "Ben", "Beatriz", "Carlos",
    "Charlotte", "Chen", "Chris", "Clara", "Connor", "Daniela", "Dev", "Diana", "Dmitri", "Eleanor",
    "Elena", "Eli", "Emma", "Erik", "Ethan", "Eva", "Farah", "Felix", "Finn", "Freya",
    "Gabriel", "George", "Hana", "Harry", "Hugo", "Ibrahim", "Inês", "Isla", "Jack", "Jade",
    "Jakub", "James", "Jasmine", "Javier", "Jess", "João", "Julia", "Kai", "Karim", "Kate",
    "Laila", "Leo", "Liam", "Lina", "Louis", "Maya", "Mei", "Mohammed", "Nadia", "Nathan",
    "Nina", "Noah", "Olga", "Omar", "Paul", "Petra", "Rachel", "Rosa", "Ruby", "Ryan",
    "Sara", "Sean", "Sophie", "Stefan", "Tariq", "Theo", "Uma", "Victor", "Wei", "Zara",
)
LAST_NAMES = (
    "Abbott", "Adeyemi", "Ahmed", "Andersen", "Bailey", "Banerjee", "Barnes", "Becker", "Bianchi",
    "Campbell", "Chan", "Clarke", "Costa", "Das", "Davies", "Edwards", "Evans", "Fischer", "Fletcher",
    "García", "González", "Gray", "Green", "Gupta", "Hall", "Hansen", "Harris", "Hughes", "Iqbal",
    "Jackson", "Jensen", "Johansson", "Jones", "Kaur", "Kelly", "Khan", "Kim", "King", "Kumar",
    "Lee", "Lewis", "Li", "López", "Martin", "Martins", "Müller", "Miller", "Moore", "Morris",
    "Murphy", "Nguyen", "Novak", "O'Brien", "Olsen", "Osei", "Parker", "Patel", "Pérez", "Phillips",
    "Price", "Quinn", "Reid", "Roberts", "Rossi", "Russo", "Santos", "Scott", "Shah", "Silva",
    "Singh", "Smith", "Gonçalves", "Taylor", "Thomas", "Turner", "Walker", "Wang", "Ward", "Watson",
    "White", "Williams", "Wilson", "Wood", "Wright", "Yılmaz", "Young", "Zhang", "Zieliński",
)
# fmt: on
