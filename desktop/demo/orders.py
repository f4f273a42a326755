"""Purchase orders and how each demo asset's life ends, planned in order before the
lives are written (so that tags stay consecutive and the data follow the seed)."""

from __future__ import annotations

import bisect
import datetime as dt
import itertools
import random
import uuid
from dataclasses import dataclass
from decimal import Decimal

from desktop.demo import values as v
from desktop.demo.world import (
    PLACEMENT_ROOMS,
    SITE_WEIGHTS,
    DemoCategory,
    DemoModel,
    DemoWorld,
    SitePools,
)

IN_STOCK, IN_SERVICE, IN_REPAIR = "in_stock", "in_service", "in_repair"
MISSING, DECOMMISSIONED, DISPOSED = "missing", "decommissioned", "disposed"
#: Mean number of assets per purchase order.
PERSONAL_ORDER_SIZE, INFRA_ORDER_SIZE = 9, 2
#: How far back the oldest demo asset was received.
HISTORY_YEARS = 6.5
#: The first assets of every run end in each status, so that even a tiny demo shows them all.
FORCED_FINAL = (DISPOSED, DECOMMISSIONED, MISSING, IN_REPAIR, IN_STOCK, IN_SERVICE)
#: An order whose warranty can end within this many days gets that warranty (the
#: register's "warranty ends soon" filter has something to find).
SOON_DAYS = 90
#: Pending procedures in turn: (what, the status the asset must be in).
PENDING_KINDS = (
    ("decommission_half", IN_SERVICE),
    ("decommission", IN_SERVICE),
    ("change", IN_SERVICE),
    ("dispose", DECOMMISSIONED),
)


@dataclass(frozen=True)
class Order:
    """One purchase order: a number of identical assets delivered together."""

    category: DemoCategory
    model: DemoModel
    site: SitePools
    supplier: uuid.UUID
    number: str
    delivery_note: str
    purchase_date: dt.date
    cost: Decimal
    warranty_end: dt.date
    received_ts: float


def planned_finals(assets: int) -> dict[int, tuple[str | None, str]]:
    """Asset index → (pending kind, final status) for the assets whose end is fixed."""
    planned: dict[int, tuple[str | None, str]] = {
        i: (None, status) for i, status in enumerate(FORCED_FINAL[:assets])
    }
    count = max(4, min(60, assets // 500))
    low, high = int(assets * 0.05), int(assets * 0.85)
    for k in range(count):
        index = low + (high - low) * k // count
        while index in planned and index < assets - 1:
            index += 1
        if index not in planned:
            planned[index] = PENDING_KINDS[k % len(PENDING_KINDS)]
    return planned


class OrderPlanner:
    """Purchase orders in the order they arrived, more of them in recent years."""

    def __init__(self, world: DemoWorld, rng: random.Random, now_ts: float, assets: int) -> None:
        self.world, self.rng, self.now_ts, self.assets = world, rng, now_ts, assets
        self.start_ts = now_ts - HISTORY_YEARS * v.YEAR
        self.today = v.as_datetime(now_ts).date()
        self.categories = [c for c in world.categories if world.models.get(c.spec.name)]
        # Orders are drawn, not assets: weigh by share of assets over the usual order size.
        self.cumulative = list(
            itertools.accumulate(
                c.spec.weight / (PERSONAL_ORDER_SIZE if c.spec.personal else INFRA_ORDER_SIZE)
                for c in self.categories
            )
        )
        self.sites = {c.id: self._site_weights(c) for c in self.categories}
        self.order_seq = rng.randrange(1000, 9000)

    def _site_weights(self, category: DemoCategory) -> tuple[list[str], list[float]]:
        kinds = PLACEMENT_ROOMS[category.spec.placement]
        codes = [
            code
            for code, pools in self.world.sites.items()
            if any(pools.rooms.get(kind) for kind in kinds)
        ]
        return codes, [SITE_WEIGHTS.get(code, 0.1) for code in codes]

    def next_order(self, index: int) -> tuple[Order, int]:
        rng = self.rng
        pick = rng.random() * self.cumulative[-1]
        category = self.categories[bisect.bisect_left(self.cumulative, pick)]
        spec = category.spec
        fraction = (index / self.assets) ** 0.8
        received = self.start_ts + fraction * (self.now_ts - 2 * v.DAY - self.start_ts)
        received = min(received + rng.random() * 3 * v.DAY, self.now_ts - v.DAY)
        received = v.working_time(rng, received, keep=False)
        purchased = v.as_datetime(received - (2 + 18 * rng.random()) * v.DAY).date()
        model = self._model(category, purchased.year)
        codes, weights = self.sites[category.id]
        site = self.world.sites[
            rng.choices(codes, weights)[0] if codes else next(iter(self.world.sites))
        ]
        quantity = self._quantity(category)
        low, high = model.spec.price
        cost = Decimal(rng.randint(low, high)) - (Decimal("0.01") if rng.random() < 0.4 else 0)
        years = rng.choice(spec.warranty_years)
        for option in spec.warranty_years:  # warranties do run out: show some running out
            if 0 < (add_years(purchased, option) - self.today).days <= SOON_DAYS:
                years = option
        self.order_seq += 1
        order = Order(
            category=category,
            model=model,
            site=site,
            supplier=self.world.suppliers[rng.choice(model.spec.suppliers)],
            number=f"PO-{purchased.year}-{self.order_seq:06d}",
            delivery_note=f"DN{v.digits(rng, 8)}",
            purchase_date=purchased,
            cost=cost.quantize(Decimal("0.01")),
            warranty_end=add_years(purchased, years),
            received_ts=received,
        )
        return order, quantity

    def _quantity(self, category: DemoCategory) -> int:
        if category.spec.personal:
            return 1 + int(self.rng.expovariate(1 / (PERSONAL_ORDER_SIZE - 1)))
        return self.rng.randint(1, 2 * INFRA_ORDER_SIZE - 1)

    def _model(self, category: DemoCategory, year: int) -> DemoModel:
        """A product on sale in ``year``: out at most four years before (eight for network
        and server gear), else the closest one."""
        models = self.world.models[category.spec.name]
        span = 4 if category.spec.personal else 8
        current = [m for m in models if year - span <= m.spec.year <= year]
        if not current:
            best = min(abs(m.spec.year - year) for m in models)
            current = [m for m in models if abs(m.spec.year - year) == best]
        return self.rng.choice(current)

    def final_status(self, order: Order) -> str:
        rng = self.rng
        age = (self.now_ts - order.received_ts) / v.YEAR
        ratio = age / order.category.spec.life_years
        retire = 0.92 if ratio > 1.15 else 0.45 if ratio > 0.85 else 0.03
        if rng.random() < retire:
            return DISPOSED if rng.random() < (0.75 if ratio > 1.3 else 0.4) else DECOMMISSIONED
        roll = rng.random()
        if roll < (0.6 if age < 0.08 else 0.07):
            return IN_STOCK
        if roll > 0.945:
            return IN_REPAIR if roll < 0.975 else MISSING
        return IN_SERVICE


def add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)
