"""The Langer Thuis model: a ``mesa.Model`` whose ``step()`` simulates one month.

Step order (written once, in ``sim.model.month`` beside the resident's month; ``python -m sim.docs`` renders
``STEP_ORDER`` into docs/ODD.md):
"""
from __future__ import annotations

from collections import namedtuple

import mesa
import numpy as np
import pandas as pd

from sim.model import areas, state as S
from sim.model.engines.kernel import KernelEngine
from sim.model.engines.reference import ReferenceEngine
from sim.model.indicators import yearly_indicators
from sim.model.mechanisms import access, care, decline, events, mortality
from sim.model.mechanisms.common import need_score_array
from sim.model.mechanisms.mortality import improvement_factor
from sim.model.neighbourhoods import Neighbourhoods, team_extra
from sim.model.ensemble import run_parameters
from sim.model.parameters import make_params
from sim.model.capacity import CapacityPath, home_care_unfilled_share
from sim.model.mechanisms.policy import ENACTED_CUTS, cut_table, initial_capacity, without_transitional_right
from sim.model.population import YearInflow, cohort_population, initial_population, national_inhabitants
from sim.model.month import STEP_ORDER, World
from sim.model.state import INSTITUTION, Residents
from sim.model.rng import month_key, named_seed_sequence, run_key

__doc__ += "\n".join(f"  {n:>2}. {name}: {what}" for n, name, what in STEP_ORDER)

UNBOUNDED_PLACES = 2 ** 40   # places per sector of a cohort run: never full

# the mechanisms with tables (each ``tables(p)`` gives a dict of named arrays)
TABLE_MECHANISMS = (mortality, decline, events, care)
Tables = namedtuple("Tables", ["death_annual", "decline_phys", "decline_cog", "fall_annual", "hospital_annual", "tariff_day"])


def build_tables(p) -> Tables:
    """The mechanisms' tables, gathered into the one ``Tables`` the engines pass on."""
    tables = {}
    for mechanism in TABLE_MECHANISMS:
        tables.update(mechanism.tables(p))
    return Tables(**tables)


def cut_pairs_table() -> np.ndarray:
    """[sector, level] -> 1 for the packages the enacted reform cut for all their clients (VV1-3,
    VG1-2, GGZ1-2, LG1, LG3, ZG1), for the indicator of admissions of cut packages."""
    t = np.zeros((6, 11), dtype=np.int8)
    for sector, level, share, _ in ENACTED_CUTS:
        if share == 1.0:
            t[sector, level] = 1
    return t


class LangerThuisModel(mesa.Model):
    """One municipality, one replicate. ``step()`` = one month; ``run()`` to the end year.

    ``seed`` (Mesa's convention) defaults to the scenario's seed; every random process draws from its
    own counter-based stream keyed by (seed, replicate, process), see ``sim.model.rng``.
    """

    engine_class = KernelEngine   # ReferenceModel (below) runs the same model on Mesa agents

    def __init__(self, scenario: dict, replicate: int = 0, seed: int | None = None):
        seed = int(scenario["seed"] if seed is None else seed)
        super().__init__(seed=seed)
        self.scenario, self.replicate, self.seed = scenario, int(replicate), seed
        self.params = make_params(run_parameters(scenario, self.replicate))  # the ensemble particle, if any
        self.tables = build_tables(self.params)
        self.key = run_key(seed, replicate)
        self.split_key = np.uint64(month_key(self.key, -1))
        self.schedule_cuts = cut_table(scenario["policy"]["schedule"], scenario["policy"].get("cuts"))
        self.transitional_right = scenario["policy"].get("transitional_right", True)
        self.cuts = self.schedule_cuts
        self.cut_pairs = cut_pairs_table()
        self.start_year, self.end_year = int(scenario["start_year"]), int(scenario["end_year"])
        self.month_abs = self.start_year * 12
        self.hood = Neighbourhoods(scenario, self.params, random=self.random)
        self.cell_weights = self._cell_weights()
        self.scale = scenario["municipality"]["inhabitants"] / national_inhabitants(self.start_year)
        self.budget = access.WmoBudget(scenario, self.params, self.hood.layer("inhabitants"))   # the access route and the Wmo budget
        self.intake_queue = 0   # residents at the intake last month (mechanisms/access.py)
        self.next_pid = 0
        self.people_in = 0   # initial residents + inflow (for the conservation invariant)
        self.engine = self.engine_class(self)
        # a study cohort (scenario key ``cohort``) replaces the population: no inflow, everyone at home,
        # and neither places nor team hours bind, so outcomes follow from the person's situation alone
        self.cohort = scenario.get("cohort")
        populate = cohort_population if self.cohort else initial_population
        people = populate(self._rng_for("initial"), self.params, scenario, self.cell_weights)
        self.capacity0 = initial_capacity(self.params, scenario["municipality"]["inhabitants"],
                                          float(np.sum(people["age_months"] >= 80 * 12)))
        self.capacity_path = CapacityPath(self.capacity0, scenario["policy"]["capacity"], self.start_year,
                                          lambda y: self.scale * national_inhabitants(y))
        if not self.cohort:
            self._place_in_institutions(people)
        n65 = np.bincount(people["cell"][people["age_months"] >= 65 * 12], minlength=self.hood.n_cells)
        self.hood.set_team_capacity(n65.astype(float))
        self._add_people(people)
        self.team_extra_c = np.zeros(self.hood.n_cells)     # home-care hours hired beyond the workforce path
        self.unfilled = 0.0   # share of the home-care hours asked that cannot be staffed this year
        self.team_demand_sum = np.zeros(self.hood.n_cells)  # this year's demand per cell, summed over months
        self.year_totals = np.zeros(S.N_ACC, dtype=np.int64)
        self.cell_totals = np.zeros((self.hood.n_cells, S.N_CELL), dtype=np.int64)
        self.full_supply = np.ones(self.hood.n_cells)   # pass A's supply ratio (pass B gets the month's)
        self.records: list[tuple] = []     # (year, indicator, value)
        self.cell_records: dict[int, np.ndarray] = {}
        self.running = True

    # --- set-up -------------------------------------------------------------------------------------
    def _rng_for(self, name: str) -> np.random.Generator:
        return np.random.default_rng(named_seed_sequence(self.seed, self.replicate, name))

    def _cell_weights(self):
        inh = self.hood.layer("inhabitants")
        return inh, inh * self.hood.layer("old_age_factor")

    def _place_in_institutions(self, people: dict):
        """Fill each sector's places with its neediest package holders (the pre-reform situation)."""
        score = need_score_array(people["phys"], people["cog"])
        for s in range(5):
            idx = np.flatnonzero((people["sector"] == s + 1) & (people["level"] > 0))
            idx = idx[np.argsort(-score[idx], kind="mergesort")][: int(self.capacity0[s])]
            people["residence"][idx] = INSTITUTION
            people["inst_history"][idx] = np.uint32(0xFFFFFFFF)

    def _add_people(self, people: dict):
        """New residents: those with a package were indicated this month (before the run at the start)."""
        k = len(people["pid"])
        people["indicated_month"] = np.full(k, self.month_abs - (0 if self.people_in else 1), dtype=np.int16)
        people["pid"] = np.arange(self.next_pid, self.next_pid + k, dtype=np.int32)
        self.next_pid += k
        self.people_in += k
        self.engine.add_residents(people)

    # --- the engine: who holds the residents and runs the passes -------------------------------------
    def state(self) -> S.State:
        """The residents as a ``State`` of arrays (pid order), whatever the engine."""
        return self.engine.state()

    def count_alive(self) -> tuple[int, int]:
        """(living residents, residents who died since the start): their sum is ``people_in``."""
        return self.engine.count_alive()

    @property
    def residents(self) -> Residents:
        """The kernel engine's struct of arrays (read by analyses such as ``studies.compare``)."""
        return self.engine.residents

    def _team_capacity(self, path_c: np.ndarray) -> np.ndarray:
        """The year's home-care capacity per cell (centi-hours a month): the workforce path (with the
        investments) plus the hours providers hired because demand exceeded it (``team_follow_demand``)."""
        self.team_extra_c = team_extra(self.params.team_follow_demand, path_c, self.team_extra_c,
                                       self.team_demand_sum / 12.0)
        self.team_demand_sum[:] = 0.0
        return path_c + np.round(self.team_extra_c)

    # --- the month ------------------------------------------------------------------------------------
    @property
    def year(self) -> int:
        return self.month_abs // 12

    def step(self):
        """One month, in the order of STEP_ORDER."""
        year, month = divmod(self.month_abs, 12)
        if month == 0:                                                    # 0. year start
            self.hood.set_year(year)
            self.hood.add_dwellings_starting(year)
            if not self.transitional_right:   # cuts start in January: from then nobody keeps the right
                self.cuts = without_transitional_right(self.schedule_cuts, self.month_abs)
            self.capacity = self.capacity_path.places(year, self._capacity_demand())
            self.layers = self.hood.kernel_layers()
            self.team_capacity_c = self._team_capacity(np.round(self.hood.layer("team_hours_month") * 100.0))
            self.unfilled = home_care_unfilled_share(year, self.params.home_care_vacancy_effect)
            if self.cohort:
                self.capacity = np.full(5, UNBOUNDED_PLACES, dtype=np.int64)
                self.team_capacity_c = np.full(self.hood.n_cells, np.inf)
                self.unfilled = 0.0
            self.engine.start_of_year()
            self.inflow = None if self.cohort else YearInflow(self._rng_for(f"inflow-{year}"), self.params,
                                                              self.scenario, year, self.cell_weights)
            self.budget.start_year(year, self.scale * national_inhabitants(year + 0.5))
        if self.inflow is not None:
            self._add_people(self.inflow.month(month))                    # 1. inflow
        intake = access.intake_ratio(self.budget.access, self.budget.inhabitants, self.intake_queue)
        world = World(self.params, self.tables, self.layers, self.cuts, np.uint64(month_key(self.key, self.month_abs)),
                      self.split_key, improvement_factor(self.params, year), self.month_abs,
                      access.settings(self.budget, self.month_abs, intake, 1.0, self.budget.binding), False,
                      self.full_supply)
        acc_a, cell_a = self.engine.pass_a(world)                          # 2-6a
        self.intake_queue = int(acc_a[S.A["access_intake_queue"]])
        ax = access.settings(self.budget, self.month_abs, intake, self.budget.ratio(month, int(acc_a[S.A["wmo_request_cents"]])),
                             self.budget.binding)   # 6a: the Wmo budget's share of the asked hours
        demand = cell_a[:, S.C_DEMAND].astype(np.float64)
        self.team_demand_sum += demand
        ratio = np.where(demand > self.team_capacity_c, self.team_capacity_c / np.maximum(demand, 1.0), 1.0)  # 7
        acc_b, cell_b = self.engine.pass_b(world._replace(ax=ax, snapshot=month == 6, supply_ratio=ratio,
                                                          unfilled=self.unfilled))   # 7-11
        occupancy = acc_b[care.A_OCC0:care.A_OCC0 + 5]
        free = np.maximum(self.capacity - occupancy, 0).astype(np.int64)
        released = cell_a[:, S.C_REL_SF:S.C_REL_WC + 1]
        self.hood.stock += released
        acc_c, cell_c = self.engine.pass_c(free)                        # 12-13
        month_totals = acc_a + acc_b + acc_c
        self.budget.add_month({name: int(month_totals[S.A[name]]) for name in access.ENVELOPE})
        self.year_totals += month_totals                                  # 14. bookkeeping
        self.cell_totals += cell_a + cell_b + cell_c
        self.last_month_totals = month_totals
        if month == 6:
            self.places_mid_year = self.capacity.copy()
        if month == 11:
            self._close_year(year)
        self.month_abs += 1
        if self.month_abs >= (self.end_year + 1) * 12:
            self.running = False

    def _capacity_demand(self):
        """Occupied places + people waiting per sector last December (None in the first year)."""
        if not hasattr(self, "last_month_totals"):
            return None
        t = self.last_month_totals
        return (t[care.A_OCC0:care.A_OCC0 + 5] + t[S.A["waiting_VV"]:S.A["waiting_VV"] + 5]).astype(np.float64)

    def _close_year(self, year: int):
        totals = dict(zip(S.ACC_NAMES, self.year_totals.tolist()))
        inhabitants = self.scale * national_inhabitants(year + 0.5)
        investment = sum(self.hood.investment_cost(year).values())
        values = yearly_indicators(totals, year, self.params, inhabitants, float(self.places_mid_year.sum()),
                                   float(self.places_mid_year[0]), investment,
                                   access=self.budget.close_year(year, totals, inhabitants))
        self.records.extend((year, name, value) for name, value in values.items())
        self.cell_records[year] = self.cell_totals.copy()
        self.year_totals[:] = 0
        self.cell_totals[:] = 0

    def run(self, progress=None):
        """Step to the end year; ``progress`` is called with each finished year."""
        while self.running:
            self.step()
            if progress is not None and self.month_abs % 12 == 0:
                progress(self.month_abs // 12 - 1)
        return self

    def indicators(self) -> pd.DataFrame:
        """The tidy table: scenario, replicate, year, indicator, value."""
        df = pd.DataFrame(self.records, columns=["year", "indicator", "value"])
        df.insert(0, "replicate", self.replicate)
        df.insert(0, "scenario", self.scenario["name"])
        return df

    def area_table(self) -> pd.DataFrame:
        """Per cell and area, per year: the tidy table of areas.parquet (sim/model/areas.py)."""
        return areas.area_table(self)

    def cell_map(self, year: int) -> pd.DataFrame:
        """Per neighbourhood: x, y, people 65+ (July), falls, hours needed and unmet, wsg."""
        t = self.cell_records[year]
        x, y = np.divmod(np.arange(self.hood.n_cells), self.hood.height)
        needed = t[:, S.C_NEEDED] / 100.0
        return pd.DataFrame({"x": x, "y": y, "residents_65plus": t[:, S.C_N65], "falls": t[:, S.C_FALLS],
                             "hours_needed": needed, "hours_unmet": t[:, S.C_UNMET] / 100.0,
                             "unmet_need_share": np.where(needed > 0, t[:, S.C_UNMET] / 100.0 / np.maximum(needed, 1e-9), 0.0),
                             "wsg": self.hood.layer("wsg")})


class ReferenceModel(LangerThuisModel):
    """The same model with one ``mesa.Agent`` per resident (``engines/reference.py``): slow, plain
    Python, and bit-identical to the kernel (tests/test_reference.py)."""

    engine_class = ReferenceEngine

    @property
    def resident_list(self):
        """The agents in pid order (the dead stay until January, like the kernel's arrays)."""
        return self.engine.resident_list
