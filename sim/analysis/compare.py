"""Compare scenarios with paired replicates (the computation; ``langerthuis compare SCENARIO... --out DIR``
and the figures, labels and files are ``sim.workshop.comparison``'s).

Pairing. Replicate r of every scenario runs with the *first* scenario's seed and replicate number r.
Draws are counter-based per (seed, replicate, process, month, person), so two scenarios then share
every random number a person draws (common random numbers) and the neighbourhood map; a difference
between them is the policy's effect plus the divergence the policy itself sets off. Differences are
therefore taken per replicate (paired) and only then summarised.

Summaries cover a window of years: by default the investment years (the earliest investment start
year of any scenario to the end of the run; the whole run when no scenario invests), or
``--from-year/--to-year``. Per scenario and replicate an outcome's window value is the mean of its
yearly values, except ``months_independent_after_indication``: months at home summed over all spells
that ended in the window / the number of those spells (a yearly mean of means would weigh a year
with two spells like one with two hundred). Over replicates we report the mean and the 90 % interval
(5th-95th percentile); the difference from the first scenario is summarised the same way from the
per-replicate paired differences.

Cost per month of independent living gained, of scenario s against the first scenario 0, per replicate:

    extra cost   = sum over window years of (cost_total_per_capita_s - cost_total_per_capita_0) x inhabitants
    extra months = N_s x (M_s - M_0)

where N_s is the number of spells of living at home after a first package that ended (admission or death)
in the window in scenario s, and M the mean length of those spells in months (the window value of
``months_independent_after_indication``): the months the people concerned lived at home beyond what
they would have had at the first scenario's mean. The ratio (euros per month) is NaN where no months
are gained (extra months <= 0); a negative ratio means the scenario saves money while gaining months.
The summary's mean is mean(extra cost) / mean(extra months) over replicates; its 90 % interval comes
from the per-replicate ratios and is given only when every replicate gains months.

Inside an area (``Comparison.area``, ``area_outcomes``): the model's indicators are municipality-wide,
so area outcomes come from per-cell records: the model's cell maps (falls, hours needed and unmet,
residents 65+) and what ``TrackedModel`` reads off the residents each month (spells at home after
indication that ended, and in July the clients' well-being, informal care hours and well-being by
need). Hospital admissions are not recorded per cell by the model, so there is no area figure for them.
"""
from __future__ import annotations

import time

import numpy as np
import pandas as pd
from tqdm.auto import tqdm

from sim.errors import InputError
from sim.model.indicators import COST_PAYERS, cost_indicator
from sim.model.model import LangerThuisModel
from sim.model.mechanisms.common import need_score_array
from sim.model.state import HOME, PKG_IN_RUN
from sim.analysis.summary import band
from sim.analysis.survival import HORIZON_MONTHS, restricted_mean, window_spells

KEY_OUTCOMES = (
    "months_at_home_km", "months_independent_after_indication", "intramural_admissions_per_1000", "hospital_admissions_per_1000_65plus",
    "falls_per_1000_65plus", "unmet_need_share", "carers_overburdened_share", "carer_breakdowns_per_1000",
    "wellbeing_mean_clients", "mantelzorg_hours_per_1000",
)
COST_OUTCOMES = tuple(cost_indicator(p) for p in COST_PAYERS) + ("cost_total_per_capita",)
ACCESS_OUTCOMES = ("months_from_need_to_support", "wmo_waiting_per_1000", "wmo_need_unnoticed_per_1000", "wmo_budget_per_capita", "wmo_capped_spending_per_capita", "wmo_spending_over_budget_share", "cost_access_route_per_capita", "referrals_wlz_per_1000", "referrals_zvw_per_1000",
                   "referrals_kept_by_team_per_1000", "referrals_lost_per_1000", "wmo_adaptations_granted_per_1000",
                   "moves_arranged_by_mandate_per_1000", "hours_nursing_between_stools_per_1000")  # issue 14
OUTCOMES = KEY_OUTCOMES + COST_OUTCOMES + ACCESS_OUTCOMES
COST_PER_MONTH = "cost_per_month_independent_gained"
MONTHS = "months_independent_after_indication"
MONTHS_KM = "months_at_home_km"   # restricted mean months at home within 10 years, Kaplan-Meier (survival.py)
MIN_REPLICATES_90 = 10            # fewer runs than this give a range, not a 90 % interval

# what TrackedModel adds per cell and year (flows over the year; *_july: the July snapshot)
TRACKED = ("spells_ended", "spell_months", "clients_july", "wellbeing_clients_july", "home_65plus_july",
           "informal_hours_week_july", "need_sum_july", "need_sq_july", "wellbeing_sum_july", "need_wellbeing_july",
           "free_adapted_dwellings_dec")
COLUMN = {name: i for i, name in enumerate(TRACKED)}   # a tracked record's column, by name

AREA_OUTCOMES = ("months_at_home_km", "months_independent_after_indication", "falls_per_1000_65plus", "unmet_need_share",
                 "hours_needed_per_65plus", "wellbeing_mean_clients", "informal_hours_week_per_65plus",
                 "wellbeing_need_slope")


class CompareError(InputError):
    """Bad comparison input (window, area, scenario set): one line, exit status 2."""


# ----------------------------------------------------------------------------- the tracked model
class TrackedModel(LangerThuisModel):
    """The model plus per-cell yearly records read off the residents' state between months.

    Reading the state leaves the simulation untouched: results are identical to the plain model's.
    A spell at home after a first package ends in a month when a resident at home before the month
    (or new in it) is in an institution or dead after it while flagged PKG_IN_RUN; its length is the
    resident's ``months_home`` then, the value the kernel adds to ``spell_months``.
    """

    def __init__(self, scenario: dict, replicate: int = 0, seed: int | None = None):
        super().__init__(scenario, replicate, seed)
        self.tracked: dict[int, np.ndarray] = {}
        self._track = np.zeros((self.hood.n_cells, len(TRACKED)))
        self._ended: list[tuple] = []   # per month: (cells, start months, end month) of the spells that ended

    def step(self):
        year, month = divmod(self.month_abs, 12)
        r = self.residents
        pid_before, res_before = r.view("pid").copy(), r.view("residence").copy()
        super().step()
        pid, res, cell = r.view("pid"), r.view("residence"), r.view("cell").astype(np.int64)
        # the yearly compaction may have dropped the dead: match by pid (kept in ascending order)
        was_home = np.ones(len(pid), dtype=bool)                  # newcomers start at home
        if len(pid_before):
            at = np.minimum(np.searchsorted(pid_before, pid), len(pid_before) - 1)
            known = pid_before[at] == pid
            was_home[known] = res_before[at[known]] == HOME
        ended = was_home & (res != HOME) & ((r.view("flags") & PKG_IN_RUN) != 0)
        n = self.hood.n_cells
        t = self._track
        t[:, COLUMN["spells_ended"]] += np.bincount(cell[ended], minlength=n)
        t[:, COLUMN["spell_months"]] += np.bincount(cell[ended], weights=r.view("months_home")[ended].astype(float),
                                                    minlength=n)
        if ended.any():
            self._ended.append((cell[ended], self.month_abs - r.view("months_home")[ended].astype(np.int64),
                                self.month_abs))
        if month == 6:
            self._july(cell, res)
        if month == 11:
            t[:, COLUMN["free_adapted_dwellings_dec"]] = self.hood.stock.sum(axis=1)   # at the end of the year
            self.tracked[year] = t.copy()
            t[:] = 0.0

    def _july(self, cell, res):
        r, n, t = self.residents, self.hood.n_cells, self._track
        wb = r.view("wellbeing").astype(float)
        clients = (res != 2) & (r.view("level") > 0)
        t[:, COLUMN["clients_july"]] += np.bincount(cell[clients], minlength=n)
        t[:, COLUMN["wellbeing_clients_july"]] += np.bincount(cell[clients], weights=wb[clients], minlength=n)
        home65 = (res == HOME) & (r.view("age_months") >= 65 * 12)
        need = np.asarray(need_score_array(r.view("phys")[home65], r.view("cog")[home65]))
        c, w = cell[home65], wb[home65]
        t[:, COLUMN["home_65plus_july"]] += np.bincount(c, minlength=n)
        t[:, COLUMN["informal_hours_week_july"]] += np.bincount(c, weights=r.view("carer_hours")[home65].astype(float),
                                                                minlength=n)
        for name, v in (("need_sum_july", need), ("need_sq_july", need * need), ("wellbeing_sum_july", w),
                        ("need_wellbeing_july", need * w)):
            t[:, COLUMN[name]] += np.bincount(c, weights=v, minlength=n)

    def tracked_column(self, name: str, year: int) -> np.ndarray:
        """Per cell: the tracked record ``name`` (one of TRACKED) of ``year``."""
        return self.tracked[year][:, COLUMN[name]]

    def spells(self) -> pd.DataFrame:
        """Every spell at home after a first package in the run: cell, start, end (absolute months, end
        exclusive) and event (1: ended by admission or death; 0: still at home now, censored)."""
        r = self.residents
        open_ = (r.view("residence") == HOME) & ((r.view("flags") & PKG_IN_RUN) != 0)
        parts = [pd.DataFrame({"cell": c, "start": st, "end": np.full(len(c), e), "event": 1})
                 for c, st, e in self._ended]
        parts.append(pd.DataFrame({"cell": r.view("cell")[open_].astype(np.int64),
                                   "start": self.month_abs - r.view("months_home")[open_].astype(np.int64),
                                   "end": self.month_abs, "event": 0}))
        return pd.concat(parts, ignore_index=True)

    def cells_by_year(self) -> pd.DataFrame:
        """Per year and cell: the model's cell map plus the TRACKED columns."""
        frames = []
        for year, t in sorted(self.tracked.items()):
            frames.append(self.cell_map(year).assign(year=year, **{k: t[:, i] for i, k in enumerate(TRACKED)}))
        return pd.concat(frames, ignore_index=True)


# ----------------------------------------------------------------------------- scenarios and windows
def run_tracked(task: tuple) -> tuple:
    """A pool's task (sim.analysis.pool): ``(scenario, replicate)`` -> (indicators, cells by year, spells, areas)
    of one TrackedModel run, cells and spells labelled with the scenario's name and the replicate, areas per cell
    and named area (sim/model/areas.py)."""
    from sim.analysis.runner import run_model
    s, r = task
    model = run_model(s, r, engine=TrackedModel)
    return (model.indicators(), model.cells_by_year().assign(scenario=s["name"], replicate=r),
            model.spells().assign(scenario=s["name"], replicate=r), model.area_table())


def _load(item) -> dict:
    from sim.model.scenario import load_scenario
    return dict(item) if isinstance(item, dict) else load_scenario(item)


def paired_scenarios(scenarios: list, replicates: int | None = None, effect_priors: bool | None = True) -> list[dict]:
    """Load (or copy) the scenarios and give them all the first one's seed and one number of replicates
    (``replicates`` or the first scenario's). Names are made unique (``name#2``) so a scenario can be
    compared with itself. ``effect_priors`` (True by default) draws the effect sizes from their priors per
    replicate in every scenario alike (the same draw for replicate r of each: paired); None keeps the first
    scenario's setting for all."""
    from sim.model.scenario import resolve_scenario

    loaded = [_load(s) for s in scenarios]       # every scenario is checked before anything runs
    if not loaded:
        raise CompareError("compare: expected at least one scenario, found none")
    first = loaded[0]
    n = first["replicates"] if replicates is None else replicates   # 0 is an error, not the default
    if not 1 <= n <= 1000:
        raise CompareError(f"compare: --replicates: expected an integer from 1 to 1000, found {n}")
    out, seen = [], {}
    for s in loaded:
        if (s["start_year"], s["end_year"]) != (first["start_year"], first["end_year"]):
            raise CompareError(f"{s.get('_file', s['name'])}: start_year/end_year: expected the first scenario's "
                               f"{first['start_year']}-{first['end_year']} (paired years), found "
                               f"{s['start_year']}-{s['end_year']}")
        seen[s["name"]] = seen.get(s["name"], 0) + 1
        name = s["name"] if seen[s["name"]] == 1 else f"{s['name']}#{seen[s['name']]}"
        file = s.get("_file", "<dict>")
        priors = first.get("effect_priors", False) if effect_priors is None else bool(effect_priors)
        paired = resolve_scenario(dict(s, seed=first["seed"], replicates=n, name=name, effect_priors=priors),
                                  file=file)
        paired["_file"] = file
        out.append(paired)
    return out


def default_window(scenarios: list[dict]) -> tuple[int, int]:
    """Earliest investment start year of any scenario to the end year; the whole run without investments."""
    starts = [inv["start_year"] for s in scenarios for inv in s["investments"]]
    return (min(starts) if starts else scenarios[0]["start_year"]), scenarios[0]["end_year"]


# ----------------------------------------------------------------------------- summaries
def km_window(spells: pd.DataFrame, window, horizon: int = HORIZON_MONTHS) -> pd.DataFrame:
    """Per scenario and replicate: the Kaplan-Meier restricted mean months at home (``MONTHS_KM``) of the
    spells seen in the window (left-truncated at its start, censored at its end) and the number of spells
    that started in it (``spells_started``)."""
    rows = []
    for (scenario, replicate), g in spells.groupby(["scenario", "replicate"], sort=False):
        w = window_spells(g, window)
        rows.append({"scenario": scenario, "replicate": replicate,
                     MONTHS_KM: restricted_mean(w.entry, w.exit, w.event, horizon),
                     "spells_started": int((w.entry == 0).sum())})
    return pd.DataFrame(rows, columns=["scenario", "replicate", MONTHS_KM, "spells_started"]).set_index(
        ["scenario", "replicate"])


def window_values(table: pd.DataFrame, cells: pd.DataFrame, window, spells: pd.DataFrame | None = None) -> pd.DataFrame:
    """Per scenario, replicate and outcome: the window value (see the module docstring).

    ``table``: tidy indicators; ``cells``: cells_by_year (for the spells behind the months at home).
    Columns: scenario, replicate, outcome, value. Besides OUTCOMES two helper outcomes feed the cost per
    month gained: ``spells_ended`` (spells in the window) and ``cost_total_eur`` (total euros in the window).
    """
    lo, hi = window
    t = table[(table.year >= lo) & (table.year <= hi)]
    wide = t.pivot_table(index=["scenario", "replicate", "year"], columns="indicator", values="value",
                         dropna=False)
    per_rep = wide.groupby(level=["scenario", "replicate"]).mean()   # NaN-skipping mean of yearly values
    c = cells[(cells.year >= lo) & (cells.year <= hi)].groupby(["scenario", "replicate"])[
        ["spells_ended", "spell_months"]].sum()
    per_rep[MONTHS] = (c.spell_months / c.spells_ended.where(c.spells_ended > 0)).reindex(per_rep.index)
    per_rep["spells_ended"] = c.spells_ended.reindex(per_rep.index)
    helpers = ["spells_ended", "cost_total_eur"]
    if spells is not None:
        km = km_window(spells, window).reindex(per_rep.index)
        per_rep[MONTHS_KM], per_rep["spells_started"] = km[MONTHS_KM], km["spells_started"]
        helpers.append("spells_started")
    wide = wide.reset_index()
    per_rep["cost_total_eur"] = (wide.cost_total_per_capita * wide.inhabitants).groupby(
        [wide.scenario, wide.replicate]).sum()
    keep = [o for o in OUTCOMES if o in per_rep.columns] + helpers
    return per_rep[keep].rename_axis(columns="outcome").stack().rename("value").reset_index()


def paired_summary(per_rep: pd.DataFrame, order: list[str], outcomes=None) -> pd.DataFrame:
    """Mean and 90 % interval over replicates per scenario and outcome, and of the paired differences
    from the first scenario in ``order``. ``per_rep``: scenario, replicate, outcome, value."""
    wide = per_rep.pivot_table(index=["outcome", "replicate"], columns="scenario", values="value", dropna=False)
    outcomes = outcomes or list(dict.fromkeys(per_rep.outcome))
    rows = []
    for outcome in outcomes:
        if outcome not in wide.index.get_level_values(0):
            continue
        w = wide.loc[outcome]
        for s in order:
            m, p5, p95 = band(w[s])
            d, d5, d95 = band(w[s] - w[order[0]])   # paired: same replicate, same random numbers
            n = int(w[s].notna().sum())
            rows.append({"scenario": s, "outcome": outcome, "mean": m, "p5": p5, "p95": p95,
                         "diff_mean": d, "diff_p5": d5, "diff_p95": d95, "replicates": n,
                         "interval": interval_kind(n)})
    return pd.DataFrame(rows)


def interval_kind(n: int) -> str | None:
    """What p5-p95 of ``n`` replicates is: a 90 % interval from MIN_REPLICATES_90 runs on, else the range
    of a handful of runs (5th and 95th percentiles of 3 runs are nearly their minimum and maximum); None
    when no replicate has a value (an indicator that does not apply, e.g. a Wmo budget the scenario lacks)."""
    if n == 0:
        return None
    return "90%" if n >= MIN_REPLICATES_90 else f"range of {n} runs, not a 90% interval"


def cost_per_month_gained(per_rep: pd.DataFrame, order: list[str]) -> pd.DataFrame:
    """Extra cost, extra months at home and their ratio per scenario against the first (module docstring)."""
    w = per_rep.pivot_table(index="replicate", columns=["outcome", "scenario"], values="value", dropna=False)
    first, rows = order[0], []
    survival = (MONTHS_KM, first) in w.columns
    for s in order:
        cost = w["cost_total_eur", s] - w["cost_total_eur", first]
        if survival:   # the first scenario's new spells, each living the difference in expected months at home
            months = w["spells_started", first] * (w[MONTHS_KM, s] - w[MONTHS_KM, first])
        else:
            months = w["spells_ended", s] * (w[MONTHS, s] - w[MONTHS, first])
        ratio = cost / months
        mean_months = months.mean()
        # an interval only when every replicate gains months: otherwise the ratio is unbounded
        _, r5, r95 = band(ratio) if (months > 0).all() else (np.nan, np.nan, np.nan)
        _, c5, c95 = band(cost)
        _, m5, m95 = band(months)
        rows += [
            {"scenario": s, "outcome": "extra_cost_eur", "mean": cost.mean(), "p5": c5, "p95": c95},
            {"scenario": s, "outcome": "extra_months_at_home", "mean": mean_months, "p5": m5, "p95": m95},
            {"scenario": s, "outcome": COST_PER_MONTH,
             "mean": cost.mean() / mean_months if mean_months > 0 else np.nan, "p5": r5, "p95": r95},
        ]
    out = pd.DataFrame(rows)
    out["replicates"] = len(w)
    return out


# ----------------------------------------------------------------------------- inside an area
def area_cells(area, scenarios: list[dict]) -> list[list[int]]:
    """An area given as a name (looked up in the scenarios' ``areas``) or as a list of [x, y] cells."""
    if isinstance(area, str):
        for s in scenarios:
            if area in s["areas"]:
                return s["areas"][area]
        raise CompareError(f"compare: area: expected one of {sorted({a for s in scenarios for a in s['areas']})} "
                           f"or a list of cells, found {area!r}")
    return [[int(x), int(y)] for x, y in area]


def area_yearly(cells: pd.DataFrame, area: list) -> pd.DataFrame:
    """Per scenario, replicate and year: the area outcomes (tidy), from cells_by_year."""
    return _area_table(cells, area, ["scenario", "replicate", "year"])


def _area_table(cells, area, keys):
    inside = cells.set_index(["x", "y"]).index.isin([tuple(c) for c in area])
    s = cells[inside].groupby(keys)[["residents_65plus", "falls", "hours_needed", "hours_unmet", *TRACKED]].sum()
    n = s.home_65plus_july
    cov = s.need_wellbeing_july / n - (s.need_sum_july / n) * (s.wellbeing_sum_july / n)
    var = s.need_sq_july / n - (s.need_sum_july / n) ** 2
    out = pd.DataFrame({
        "months_independent_after_indication": s.spell_months / s.spells_ended.where(s.spells_ended > 0),
        "falls_per_1000_65plus": 1000.0 * s.falls / s.residents_65plus.where(s.residents_65plus > 0),
        "unmet_need_share": s.hours_unmet / s.hours_needed.where(s.hours_needed > 0),
        "hours_needed_per_65plus": s.hours_needed / s.residents_65plus.where(s.residents_65plus > 0),
        "wellbeing_mean_clients": s.wellbeing_clients_july / s.clients_july.where(s.clients_july > 0),
        "informal_hours_week_per_65plus": s.informal_hours_week_july / n.where(n > 0),
        "wellbeing_need_slope": cov / var.where(var > 0),
        "spells_ended": s.spells_ended, "residents_65plus": s.residents_65plus,
    })
    return out.rename_axis(columns="outcome").stack().rename("value").reset_index()


def area_window(cells: pd.DataFrame, area: list, window) -> pd.DataFrame:
    """Per scenario and replicate: area outcomes over the window, from sums over its years and cells
    (so months at home are per spell, falls per 65+ year; residents_65plus is summed over years)."""
    lo, hi = window
    return _area_table(cells[(cells.year >= lo) & (cells.year <= hi)], area, ["scenario", "replicate"])


def area_outcomes(scenarios: list, area, replicates: int | None = None, window=None, progress=False) -> pd.DataFrame:
    """Run the scenarios paired and summarise the outcomes restricted to residents of ``area`` (a name
    of a scenario area or a list of cells): mean, 90 % interval and paired difference from the first."""
    return Comparison(scenarios, replicates=replicates, window=window, progress=progress).run().area(area)


# ----------------------------------------------------------------------------- the comparison
class Comparison:
    """Paired comparison of scenarios (paths or resolved dicts); the first one is the reference.

    >>> c = Comparison(["scenarios/baseline.yaml", "scenarios/wsg_full.yaml"], replicates=5).run()
    >>> c.summary()            # DataFrame: scenario, outcome, mean, p5, p95, diff_mean, diff_p5, diff_p95
    >>> c.area("centrum")      # the same, restricted to the residents of an area

    Figures, the markdown table, labels and the output folder are the workshop's
    (``sim.workshop.comparison``: ``figures(c)``, ``markdown(c)``, ``save(c, "results/cmp")``).
    """

    def __init__(self, scenarios, replicates: int | None = None, window=None, from_year=None, to_year=None,
                 progress: bool = True, effect_priors: bool | None = True, workers: int = 1, pool=None):
        """``workers``: processes for the runs (1: in this process); ``pool``: a sim.analysis.pool pool to run
        on instead and leave open (many comparisons, one pool). The results are the same for any of them."""
        self.scenarios = paired_scenarios(list(scenarios), replicates, effect_priors)
        self.order = [s["name"] for s in self.scenarios]
        lo, hi = window or default_window(self.scenarios)
        lo, hi = int(from_year if from_year is not None else lo), int(to_year if to_year is not None else hi)
        first = self.scenarios[0]
        if not first["start_year"] <= lo <= hi <= first["end_year"]:
            raise CompareError(f"compare: window: expected years within {first['start_year']}-{first['end_year']} "
                               f"with from <= to, found {lo}-{hi}")
        self.window = (lo, hi)
        self.progress = progress
        self.workers, self.pool = int(workers), pool
        self.table = self.cells = self.spells = None
        self.wall_time = 0.0

    @property
    def replicates(self) -> int:
        return int(self.scenarios[0]["replicates"])

    def run(self):
        """Every scenario x replicate, replicate r of each with the same seed and replicate number. The pool
        hands the runs back in task order, so the tables do not depend on the number of workers."""
        from sim.analysis.pool import pool_or_open
        started = time.perf_counter()
        runs = [(s, r) for r in range(self.replicates) for s in self.scenarios]
        with tqdm(total=len(runs), desc="compare", unit="run", disable=not self.progress) as bar, \
                pool_or_open(self.pool, min(self.workers, len(runs))) as pool:
            results = pool.map(run_tracked, runs, done=lambda _: bar.update(1))
        self.table = pd.concat([t for t, _, _, _ in results], ignore_index=True)
        self.spells = pd.concat([sp for _, _, sp, _ in results], ignore_index=True)
        self.areas = pd.concat([a for _, _, _, a in results], ignore_index=True)   # per cell and area
        c = pd.concat([c for _, c, _, _ in results], ignore_index=True)
        self.cells = c[["scenario", "replicate", "year"] + [k for k in c.columns if k not in ("scenario", "replicate", "year")]]
        self._ledger_cache = None
        self.wall_time = time.perf_counter() - started
        return self

    def _need_run(self):
        if self.table is None:
            raise RuntimeError("call run() first")

    def window_values(self) -> pd.DataFrame:
        self._need_run()
        return window_values(self.table, self.cells, self.window, self.spells)

    def summary(self) -> pd.DataFrame:
        """The comparison table: key outcomes and costs, then extra cost, extra months, cost per month."""
        per_rep = self.window_values()
        route = self.route_breakeven().drop(columns="against")
        route["interval"] = [interval_kind(n) for n in route.replicates]
        out = pd.concat([paired_summary(per_rep, self.order, list(OUTCOMES)),
                         cost_per_month_gained(per_rep, self.order)] + ([route] if len(route) else []),
                        ignore_index=True)
        out["from_year"], out["to_year"] = self.window
        return out

    def route_breakeven(self) -> pd.DataFrame:
        """The access route's running cost, drawn from its prior, against its break-even value: the running
        cost at which the route costs the gemeente what the other scenario's does (sim.analysis.route_cost)."""
        from sim.analysis.route_cost import route_cost_breakeven
        self._need_run()
        return route_cost_breakeven(self.table, self.scenarios, self.window)

    # ---- who pays and who saves (sim.analysis.ledger)
    def _paired_ledger(self):
        from sim.analysis import ledger
        self._need_run()
        if getattr(self, "_ledger_cache", None) is None:
            spending = ledger.party_spending(self.table, self.cells, self.scenarios, self.window)
            self._ledger_cache = ledger.paired_ledger(spending, self.order)
        return self._ledger_cache

    def area_effects(self) -> tuple[pd.DataFrame, pd.DataFrame]:
        """(effects, ledger) per named area next to the municipal total (sim.analysis.area_effects)."""
        from sim.analysis import area_effects as ae
        self._need_run()
        shown = ae.shown_areas(self.scenarios)
        return (ae.area_effects(self.areas, self.order, self.window, shown, interval_kind),
                ae.area_ledger(self.areas, self.order, self.window, shown, interval_kind))

    def ledger(self) -> pd.DataFrame:
        """Per scenario after the first, party and year: paid, saved, net (mean; net 5-95 %), replicates;
        euros a year for the municipality, undiscounted, relative to the first scenario (``ledger.csv``)."""
        from sim.analysis.ledger import ledger_table
        return ledger_table(self._paired_ledger())

    def ledger_summary(self) -> pd.DataFrame:
        """Per scenario after the first and party: discounted NPV (mean, 5-95 %), break-even year, replicates
        (``ledger_summary.csv``)."""
        from sim.analysis.ledger import ledger_summary
        return ledger_summary(self._paired_ledger(), self.window[0])

    def evaluation(self) -> pd.DataFrame:
        """The economic evaluation (sim.analysis.ledger.evaluation): societal NPV, discounted months at home
        gained (Kaplan-Meier), cost per month gained, with unmet need and carer strain next to them."""
        from sim.model.parameters import make_params
        from sim.analysis import ledger
        rate = make_params(self.scenarios[0].get("parameters")).discount_rate_effects
        km = km_window(self.spells, self.window)
        months = ledger.discounted_months_gained(self.spells, km, self.order, self.window, rate)
        summary = paired_summary(self.window_values(), self.order, list(OUTCOMES))
        return ledger.evaluation(self._paired_ledger(), months, summary, self.order, self.window[0])

    def area(self, area, window=None) -> pd.DataFrame:
        """Area outcomes over the window (or ``window``), summarised like ``summary``."""
        self._need_run()
        cells = area_cells(area, self.scenarios)
        window = window or self.window
        per_rep = area_window(self.cells, cells, window)
        height = self.scenarios[0]["municipality"]["grid"]["height"]
        inside = self.spells.cell.isin([x * height + y for x, y in cells])
        km = km_window(self.spells[inside], window)[[MONTHS_KM]]
        km = km.rename_axis(columns="outcome").stack().rename("value").reset_index()
        return paired_summary(pd.concat([km, per_rep], ignore_index=True), self.order)

    def last_cells(self) -> pd.DataFrame:
        """Per scenario, replicate and cell: the last year's cell map (with the tracked columns)."""
        self._need_run()
        return self.cells[self.cells.year == self.cells.year.max()].reset_index(drop=True)

    def manifest(self, areas=(), **fields) -> dict:
        """The manifest of this comparison (``sim.output.manifest``): ``fields`` (e.g. figures, language), the
        window, the areas by their cells and how the replicates were paired."""
        from sim.output import manifest
        return manifest(
            self.scenarios, self.wall_time, **fields, command="compare",
            window={"from_year": self.window[0], "to_year": self.window[1]},
            areas={name: area_cells(name, self.scenarios) for name in areas},
            pairing={"seed": self.scenarios[0]["seed"], "replicates": self.replicates,
                     "note": "every scenario's seed was set to the first scenario's seed: replicate r of each "
                             "scenario uses that seed and replicate number r (common random numbers); "
                             "differences are paired per replicate"})
