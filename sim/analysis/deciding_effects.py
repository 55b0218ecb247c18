"""Which uncertain effect decides a comparison's answer: each effect size with a prior, one at a time.

The joint break-even (sim.analysis.breakeven) scales every uncertain effect together, so it cannot say which one
the answer rests on. Here each effect size with a prior in sim/model/parameters.yaml is set, alone, to the low
and to the high end of its prior, the others staying at their defaults (fixed effects, paired replicates), and
every party's NPV and the societal NPV are taken from the ledger (sim.analysis.ledger). Per effect:

- ``swing``: the societal NPV at the high end less that at the low end (the bar of a tornado chart);
- ``decides``: the societal NPV is at or above 0 at one end of the prior and below 0 at the other, so whether
  the investment pays back for society depends on this number alone;
- ``breakeven_value``: where the societal NPV crosses 0 as the effect goes from the low end through the default
  to the high end (linear interpolation; empty when it does not cross within the prior).

Every effect with a prior has no source for its size (the priors include no effect where the evidence is weak
or null), so an effect that decides is an unsourced number deciding a headline result: the report names it.
The access routes' running costs (``access_cost_*``) are priors on a cost, with their own break-even
(sim.analysis.route_cost).
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from sim.model.parameters import default_parameters, parameter_records
from sim.analysis.breakeven import RUNNING_COSTS, SOCIETY, fixed_effects_comparison
from sim.analysis.ledger import ledger_summary, society_npv
from sim.analysis.summary import band

LEVELS = ("low", "default", "high")
COLUMNS = ("scenario", "effect", "level", "value", "party", "npv_mean", "npv_p5", "npv_p95", "replicates")
DECIDING_COLUMNS = ("scenario", "effect", "low", "default", "high", "npv_low", "npv_default", "npv_high", "swing",
                    "decides", "breakeven_value", "replicates")


def uncertain_effects() -> dict[str, tuple[float, float, float]]:
    """Every effect size with a prior: (low end of the prior, default, high end of the prior)."""
    defaults = default_parameters()
    return {name: (float(r["prior"][0]), float(defaults[name]), float(r["prior"][-1]))
            for name, r in parameter_records().items()
            if "prior" in r and not name.startswith(RUNNING_COSTS)}


def _npv_rows(scenarios, replicates, window, parameters, progress, pool):
    runs = [dict(s, parameters={**parameters, **(s.get("parameters") or {})}, effect_priors=False)
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
    """NPV per scenario after the first, effect, level (``LEVELS``) and party (and ``society``): ``COLUMNS``.

    ``effects``: names of effects with a prior (default: all of them); an explicit value in a scenario's
    ``parameters`` is kept (that scenario then does not vary the effect). The runs go to ``pool`` (a
    sim.analysis.pool pool: a study's or compare's workers; None: in this process)."""
    table = uncertain_effects()
    names = list(table) if effects is None else list(effects)
    unknown = sorted(set(names) - set(table))
    if unknown:
        raise ValueError(f"not an effect with a prior: {', '.join(unknown)}")
    defaults = {n: v[1] for n, v in table.items()}
    rows = []
    at_default = _npv_rows(scenarios, replicates, window, defaults, progress, pool)
    for name in names:
        low, default, high = table[name]
        for level, value in zip(LEVELS, (low, default, high)):
            got = at_default if level == "default" else _npv_rows(
                scenarios, replicates, window, {**defaults, name: value}, progress, pool)
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
                     int(g.replicates.min())))
    out = pd.DataFrame(rows, columns=list(DECIDING_COLUMNS))
    first = {s: i for i, s in enumerate(dict.fromkeys(out.scenario))}
    return (out.assign(_s=out.scenario.map(first), _abs=-out.swing.abs())
            .sort_values(["_s", "_abs"], kind="stable").drop(columns=["_s", "_abs"]).reset_index(drop=True))
