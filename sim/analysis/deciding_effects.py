"""Which number decides a comparison's answer: every assumption on the NPV channel, one at a time.

The joint break-even (sim.analysis.breakeven) scales every uncertain effect together, so it cannot say which one
the answer rests on. Here each assumption is set, alone, to the low and to the high end of its stated range, the
others staying at their defaults (fixed effects, paired replicates), and every party's NPV and the societal NPV
are taken from the ledger (sim.analysis.ledger). The assumptions (``assumptions``):

- every effect size with a prior in sim/model/parameters.yaml, at the ends of its prior;
- every parameter with a ``scan: [low, high]`` in its record (no prior: a stated range, e.g. an effect without a
  prior, or the discount rate), at the ends of that range;
- ``investment_cost_scale``: every investment's costs (one-off and yearly) at ``COST_SCALE`` times the scenario's;
- ``horizon_end_year``: the last year of the evaluation window at ``HORIZON_LOW`` (the default and the high end
  are the window's end; left out when the window ends by then).

Per assumption:

- ``swing``: the societal NPV at the high end less that at the low end (the bar of a tornado chart);
- ``decides``: the societal NPV is at or above 0 at one end of the prior and below 0 at the other, so whether
  the investment pays back for society depends on this number alone;
- ``breakeven_value``: where the societal NPV crosses 0 as the effect goes from the low end through the default
  to the high end (linear interpolation; empty when it does not cross within the prior).

``basis`` says whether the number has a source (``source``), is an assumption (``assumption``) or is the
scan's own choice (``set``: the cost scale and the horizon), so a number that decides is named with its footing.
The access routes' running costs (``access_cost_*``) are priors on a cost, with their own break-even
(sim.analysis.route_cost).
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from sim.model.parameters import default_parameters, footing, parameter_records
from sim.analysis.breakeven import RUNNING_COSTS, SOCIETY, fixed_effects_comparison
from sim.analysis.ledger import ledger_summary, society_npv
from sim.analysis.summary import band

LEVELS = ("low", "default", "high")
COLUMNS = ("scenario", "effect", "level", "value", "party", "npv_mean", "npv_p5", "npv_p95", "replicates")
DECIDING_COLUMNS = ("scenario", "effect", "low", "default", "high", "npv_low", "npv_default", "npv_high", "swing",
                    "decides", "breakeven_value", "replicates", "basis")
COST_SCALE = (0.5, 1.0, 2.0)       # investment costs at half and twice the scenario's
COST_KEYS = ("one_off", "yearly", "one_off_per_unit", "yearly_per_unit")
HORIZON_LOW = 2030                 # the evaluation window's end at 2030 against the scenario's
COST, HORIZON = "investment_cost_scale", "horizon_end_year"


def uncertain_effects() -> dict[str, tuple[float, float, float]]:
    """Every effect size with a prior: (low end of the prior, default, high end of the prior)."""
    defaults = default_parameters()
    return {name: (float(r["prior"][0]), float(defaults[name]), float(r["prior"][-1]))
            for name, r in parameter_records().items()
            if "prior" in r and not name.startswith(RUNNING_COSTS)}


def stated_ranges() -> dict[str, tuple[float, float, float]]:
    """Every parameter with a ``scan`` range and no prior: (low end, default, high end)."""
    defaults = default_parameters()
    return {name: (float(r["scan"][0]), float(defaults[name]), float(r["scan"][-1]))
            for name, r in parameter_records().items() if "scan" in r and "prior" not in r}


def assumptions(window) -> dict[str, tuple[float, float, float]]:
    """Every assumption the scan varies, for an evaluation ``window``: (low, default, high)."""
    out = {**uncertain_effects(), **stated_ranges(), COST: COST_SCALE}
    if window[1] > HORIZON_LOW >= window[0]:
        out[HORIZON] = (float(HORIZON_LOW), float(window[1]), float(window[1]))
    return out


def basis(name: str) -> str:
    """``source``, ``assumption`` or ``set`` (the scan's cost scale and horizon, or a parameter set by hand)."""
    record = parameter_records().get(name)
    return "set" if record is None else footing(record)


def scaled_costs(scenario: dict, scale: float) -> dict:
    """``scenario`` with every investment's one-off and yearly costs times ``scale``."""
    invs = [dict(inv, cost={k: v * scale if k in COST_KEYS else v for k, v in inv["cost"].items()})
            if inv.get("cost") else inv for inv in scenario.get("investments") or []]
    return dict(scenario, investments=invs)


def _npv_rows(scenarios, replicates, window, parameters, progress, pool, cost_scale=1.0):
    runs = [dict(scaled_costs(s, cost_scale) if cost_scale != 1.0 else s,
                 parameters={**parameters, **(s.get("parameters") or {})}, effect_priors=False)
            for s in scenarios]
    c = fixed_effects_comparison(runs, replicates, window, progress, pool)
    paired = c._paired_ledger()
    out = [(r.scenario, r.party, r.npv_mean, r.npv_p5, r.npv_p95, r.replicates)
           for r in ledger_summary(paired, c.window[0]).itertuples()]
    for s, g in society_npv(paired, c.window[0]).groupby("scenario", sort=False):
        m, p5, p95 = band(g.npv)
        out.append((s, SOCIETY, m, p5, p95, int(g.npv.notna().sum())))
    return out


def run(scenarios: list, replicates: int, window, effects=None, progress: bool = False, pool=None) -> pd.DataFrame:
    """NPV per scenario after the first, assumption, level (``LEVELS``) and party (and ``society``): ``COLUMNS``.

    ``effects``: names of assumptions (``assumptions``; default: all of them); an explicit value in a
    scenario's ``parameters`` is kept (that scenario then does not vary the effect). The runs go to ``pool`` (a
    sim.analysis.pool pool: an experiment's or compare's workers; None: in this process)."""
    table = assumptions(window)
    names = list(table) if effects is None else list(effects)
    unknown = sorted(set(names) - set(table))
    if unknown:
        raise ValueError(f"not an assumption the scan varies (a prior or a scan range): {', '.join(unknown)}")
    defaults = {n: v[1] for n, v in table.items() if n not in (COST, HORIZON)}
    rows = []
    at_default = _npv_rows(scenarios, replicates, window, defaults, progress, pool)
    for name in names:
        for level, value in zip(LEVELS, table[name]):
            if level == "default" or (name == HORIZON and value == window[1]):
                got = at_default
            elif name == COST:
                got = _npv_rows(scenarios, replicates, window, defaults, progress, pool, cost_scale=value)
            elif name == HORIZON:
                got = _npv_rows(scenarios, replicates, (window[0], int(value)), defaults, progress, pool)
            else:
                got = _npv_rows(scenarios, replicates, window, {**defaults, name: value}, progress, pool)
            rows += [(s, name, level, value, party, m, p5, p95, n) for s, party, m, p5, p95, n in got]
    return pd.DataFrame(rows, columns=list(COLUMNS))


def _crossing(x, y) -> float:
    """The first x where the piecewise-linear y(x) reaches 0 (x in the given order), NaN when it does not."""
    for i in range(len(x) - 1):
        if y[i] == 0:
            return float(x[i])
        if y[i] * y[i + 1] < 0:
            return float(x[i] + (x[i + 1] - x[i]) * (-y[i]) / (y[i + 1] - y[i]))
    return float(x[-1]) if y[-1] == 0 else np.nan


def deciding(table: pd.DataFrame) -> pd.DataFrame:
    """Per scenario and effect, the societal NPV at the prior's ends and the default, its swing, whether the
    effect alone decides its sign, and the effect's break-even value (``DECIDING_COLUMNS``), largest swing
    first within a scenario."""
    rows = []
    soc = table[table.party == SOCIETY]
    for (s, name), g in soc.groupby(["scenario", "effect"], sort=False):
        g = g.set_index("level").reindex(list(LEVELS))
        x, y = g.value.to_numpy(float), g.npv_mean.to_numpy(float)
        # it decides when the investment pays back for society (NPV >= 0) at one end of the prior only
        rows.append((s, name, *x, *y, y[2] - y[0], bool((y[0] >= 0) != (y[2] >= 0)), _crossing(x, y),
                     int(g.replicates.min()), basis(name)))
    out = pd.DataFrame(rows, columns=list(DECIDING_COLUMNS))
    first = {s: i for i, s in enumerate(dict.fromkeys(out.scenario))}
    return (out.assign(_s=out.scenario.map(first), _abs=-out.swing.abs())
            .sort_values(["_s", "_abs"], kind="stable").drop(columns=["_s", "_abs"]).reset_index(drop=True))
