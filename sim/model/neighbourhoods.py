"""The municipality's neighbourhoods: a ``mesa.discrete_space`` grid whose property layers hold the
facilities and services of each cell, and the woonservicegebied investments that change them.

Cells differ (seeded by the scenario seed, not the replicate: the map is the same municipality in
every replicate). The kernel reads the layers as flat arrays (cell index = x * height + y).
"""
from __future__ import annotations

from collections import namedtuple

import numpy as np
from mesa.discrete_space import OrthogonalMooreGrid

from sim.model.blocks import BLOCKS, FAR, NEAR, WALKING, WSG_GROUPS, block, block_layers, dose
from sim.model.capacity import people_80plus
from sim.model.rng import named_seed_sequence

# the map's own layers; the layers only investments change are declared with their block (sim.model.blocks)
BASE_LAYERS = {  # name: (dtype, meaning)
    "inhabitants": (float, "people living in the cell at the start (all ages)"),
    "old_age_factor": (float, "relative share of people 65+ compared to the municipality"),
    "shops_distance": (int, "daily shops: 0 within 100 m, 1 within 1,000 m, 2 further"),
    "meeting_distance": (int, "meeting place / activities: 0 within 100 m, 1 within 1,000 m, 2 further"),
    "health_centre": (int, "a health centre (GP, pharmacy, care team) in the cell"),
    "public_space": (int, "public space usable with 0 neither, 1 a rollator, 2 a wheelchair"),
    "transport_service": (int, "a transport service for older people"),
    "alarm_response_minutes": (float, "time to follow up a personal alarm"),
    "team_hours_month": (float, "formal home-care capacity of the neighbourhood team, hours per month"),
    "respite_access": (float, "chance that a strained carer can get respite (0..1)"),
}
LAYERS = {**BASE_LAYERS, **{layer.name: (layer.dtype, layer.meaning) for layer in block_layers()},
          "wsg": (float, "map only, read by no mechanism: share of the six building blocks present at a positive "
                         "dose")}
# type: (dose key, no-effect value) of the types with a dose (read by sim.workshop.report, sim.experiments.e2)
DOSE = {b.type: (b.dose, b.no_effect) for b in BLOCKS if b.dose is not None}

# The layers the kernel reads (flat float arrays over cells). The first eleven keep their names and order (the
# engines and tests rely on them); a block's layer with a new ``kernel`` field is appended after them.
KERNEL_FIELDS = ("facilities", "meeting_near", "alarm_minutes", "respite_access", "carer_support", "broker",
                 "visits", "signalling", "advice", "uptake", "activities")
KernelLayers = namedtuple("KernelLayers", KERNEL_FIELDS + tuple(
    layer.kernel for layer in block_layers() if layer.kernel and layer.kernel not in KERNEL_FIELDS))


def annuity_factor(rate: float, years: int) -> float:
    """Equivalent annual cost of 1 euro of capital over ``years`` at ``rate``, paid at the start of each year
    (an annuity due: the ``years`` payments discounted at ``rate`` are worth exactly the capital)."""
    if years <= 1:
        return 1.0
    return rate / ((1.0 + rate) * (1.0 - (1.0 + rate) ** -years)) if rate > 0 else 1.0 / years


def investment_cost(inv: dict, year: int, rate: float) -> dict:
    """Euros of one investment in ``year``: {"capital": annualised one-off cost, "running": yearly cost}.

    Both follow the dose: ``one_off``/``yearly`` are fixed amounts, ``*_per_unit`` are euros per unit of dose
    per cell (times the dose and the cells). Capital is spread over ``lifetime_years`` from the start year
    as an annuity at ``rate`` (the guideline's discount rate for costs): a capital good is paid for over
    the years it is used, not in the year it is bought. Nothing at zero dose, nothing before the start."""
    c, start = inv["cost"], inv["start_year"]
    n = float(len(inv.get("cells") or ())) * dose(inv)   # units of dose over all cells
    if year < start or n <= 0.0:
        return {"capital": 0.0, "running": 0.0}
    lifetime = int(c.get("lifetime_years", 1))
    capital = float(c.get("one_off", 0.0)) + float(c.get("one_off_per_unit", 0.0)) * n
    capital = capital * annuity_factor(rate, lifetime) if year < start + lifetime else 0.0
    running = float(c.get("yearly", 0.0)) + float(c.get("yearly_per_unit", 0.0)) * n
    return {"capital": capital, "running": running}


def investment_cost_by_payer(investments: list, year: int, rate: float) -> dict:
    """Investment euros in ``year`` by payer (capital annualised, running costs), all investments."""
    cost = {}
    for inv in investments:
        c = investment_cost(inv, year, rate)
        payer = inv["cost"].get("payer", "municipality")
        cost[payer] = cost.get(payer, 0.0) + c["capital"] + c["running"]
    return cost


class Neighbourhoods:
    """Grid of cells with facility layers, the base state plus the investments active in a year."""

    def __init__(self, scenario: dict, params, random=None):
        grid = scenario["municipality"]["grid"]
        self.width, self.height = int(grid["width"]), int(grid["height"])
        self.n_cells = self.width * self.height
        self.grid = OrthogonalMooreGrid((self.width, self.height), torus=False, random=random)
        for name, (dtype, _) in LAYERS.items():
            self.grid.create_property_layer(name, default_value=dtype(0), dtype=dtype)
        self.params = params
        self.investments = scenario.get("investments", [])
        self._base = self._base_layers(scenario)
        self.first_year = int(scenario["start_year"])
        self.set_year(self.first_year)
        # free adapted dwellings per cell: [step-free, wheelchair]; changed by moves and investments
        total = params.adapted_stock_per_1000 * self._base["inhabitants"] / 1000.0
        self.stock = np.stack([np.round(0.8 * total), np.round(0.2 * total)], axis=1).astype(np.int64)

    def layer(self, name: str) -> np.ndarray:
        """A layer as a flat array over cells."""
        return getattr(self.grid, name).data.ravel()

    def _base_layers(self, scenario: dict) -> dict:
        h = float(scenario["municipality"]["heterogeneity"])
        rng = np.random.default_rng(named_seed_sequence(scenario["seed"], 0, "neighbourhoods"))
        n = self.n_cells
        inhabitants = float(scenario["municipality"]["inhabitants"])

        def classes(p):  # heterogeneity mixes a typical cell with random draws
            typical = int(np.argmax(p))
            drawn = rng.choice(len(p), size=n, p=p)
            return np.where(rng.random(n) < h, drawn, typical)

        weight = np.exp(h * rng.normal(0.0, 0.5, n))
        base = {
            "inhabitants": inhabitants * weight / weight.sum(),
            "old_age_factor": np.exp(h * rng.normal(0.0, 0.3, n)),
            "shops_distance": classes([0.25, 0.55, 0.20]),
            "meeting_distance": classes([0.20, 0.55, 0.25]),
            "health_centre": (rng.random(n) < 0.3).astype(int),
            "public_space": classes([0.30, 0.50, 0.20]),
            "transport_service": np.zeros(n, dtype=int),
            "alarm_response_minutes": 30.0 + h * rng.uniform(-10.0, 15.0, n),
            "team_hours_month": np.zeros(n),  # set by the model from the residents it places
            "respite_access": 0.35 + h * rng.uniform(-0.2, 0.2, n),
            # the blocks' own layers: their value where no investment is
            **{layer.name: np.full(n, layer.base, dtype=layer.dtype) for layer in block_layers()},
            "wsg": np.zeros(n),
        }
        # a study cohort may set every cell's alarm follow-up (after the draws: the map's other layers stay)
        alarm = (scenario.get("cohort") or {}).get("alarm_response", "neighbourhood")
        if alarm != "neighbourhood":
            base["alarm_response_minutes"] = np.full(n, np.inf if alarm == "none" else float(alarm))
        return base

    def set_team_capacity(self, people_65plus_per_cell: np.ndarray):
        """Team capacity at the start follows the number of people 65+ the model placed in each cell."""
        self._base["team_hours_month"] = self.params.team_hours_per_65plus_month * people_65plus_per_cell
        self.set_year(self.year)

    def cell_index(self, cell) -> int:
        return int(cell[0]) * self.height + int(cell[1])

    def set_year(self, year: int):
        """Layers = base state + every investment active in ``year``; team capacity follows the workforce
        (``team_capacity_factor``)."""
        self.year = year
        layers = {k: np.array(v, copy=True) for k, v in self._base.items()}
        layers["team_hours_month"] = layers["team_hours_month"] * team_capacity_factor(self.params, self.first_year, year)
        present = [np.zeros(self.n_cells, dtype=bool) for _ in WSG_GROUPS]   # the six building blocks of the map
        for inv in self.investments:
            if inv["start_year"] > year or dose(inv) <= 0.0:
                continue   # a block at zero dose changes nothing (not even the map)
            idx = np.array([self.cell_index(c) for c in inv["cells"]], dtype=np.int64)
            b = block(inv["type"])
            b.rule(inv, layers, idx, self.params)   # its effect on its cells' layers (sim.model.blocks)
            if b.wsg_group is not None:
                present[b.wsg_group][idx] = True
        layers["wsg"] = np.mean(present, axis=0)
        for name, values in layers.items():
            getattr(self.grid, name).data = np.asarray(values).reshape(self.width, self.height).astype(
                getattr(self.grid, name).data.dtype)

    def add_dwellings_starting(self, year: int):
        """Adapted dwellings built by investments starting this year join the free stock."""
        for inv in self.investments:
            if inv["type"] == "adapted_dwellings" and inv["start_year"] == year:
                kind = 1 if inv.get("kind") == "wheelchair" else 0
                for c in inv["cells"]:
                    self.stock[self.cell_index(c), kind] += int(inv["number"])

    def kernel_layers(self) -> KernelLayers:
        L = self.layer
        score = {NEAR: 1.0, WALKING: 0.5, FAR: 0.0}
        shops = np.vectorize(score.get)(L("shops_distance")).astype(float)
        meeting = np.vectorize(score.get)(L("meeting_distance")).astype(float)
        facilities = (shops + meeting + L("health_centre") + L("public_space") / 2.0 + L("transport_service")) / 5.0
        signalling = np.minimum(1.0, L("visits_per_year") / 4.0 + 0.5 * L("team_signalling"))
        f = lambda a: np.ascontiguousarray(a, dtype=np.float64)
        derived = {"facilities": f(facilities), "meeting_near": f(L("meeting_distance") == NEAR),
                   "alarm_minutes": f(L("alarm_response_minutes")), "respite_access": f(L("respite_access")),
                   "signalling": f(signalling)}
        owned = {layer.kernel: f(L(layer.name)) for layer in block_layers() if layer.kernel}
        return KernelLayers(**derived, **owned)

    def investment_cost(self, year: int) -> dict:
        """Investment spending in ``year`` by payer: capital annualised over its lifetime, running costs
        yearly, both following the dose (``investment_cost``)."""
        return investment_cost_by_payer(self.investments, year, self.params.discount_rate_costs)


def team_capacity_factor(p, first_year: int, year: int) -> float:
    """Formal home-care capacity in ``year`` relative to the start (issue 12, workforce figures): the
    workforce grows with the people 80+ (CBS, ``capacity.people_80plus``; the VVT workforce kept pace with
    the ageing 2010-2022), times a yearly change per person 80+ (``team_capacity_growth``), less the
    projected labour shortage: 0 until ``team_shortage_from_year``, rising linearly to ``team_shortage_2032``
    in 2032 (VWS/PZW: about 135,000 of about 1.4 M workers in care and welfare short by 2032), held after."""
    ageing = people_80plus(year + 0.5) / people_80plus(first_year + 0.5)
    own = (1.0 + p.team_capacity_growth) ** max(0, year - first_year)
    span = max(1.0, 2032.0 - p.team_shortage_from_year)
    shortage = p.team_shortage_2032 * min(1.0, max(0.0, (year - p.team_shortage_from_year) / span))
    start_shortage = p.team_shortage_2032 * min(1.0, max(0.0, (first_year - p.team_shortage_from_year) / span))
    return float(ageing * own * (1.0 - shortage) / (1.0 - start_shortage))


def team_extra(rate: float, path_c, extra_c, mean_demand_c):
    """Hours hired beyond the workforce path: towards last year's unmet demand per cell (demand above the
    path), by at most ``rate`` x last year's capacity a year; they go again when demand falls back.
    In the first year (no demand yet) and with ``rate`` 0 nothing is hired."""
    target = np.maximum(0.0, mean_demand_c - path_c)
    return np.minimum(target, extra_c + rate * (path_c + extra_c))
