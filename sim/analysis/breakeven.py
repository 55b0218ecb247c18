"""Break-even analysis: how large the uncertain effects must be for an investment to pay back.

Every effect size with a prior in sim/model/parameters.yaml is set to

    no_effect + k x (default - no_effect)

with one effect scale ``k`` for all of them (0: none of the uncertain effects, 1: their default sizes,
2: twice those), in every scenario of the comparison alike (paired replicates, fixed effects, no draws).
For each scale the ledger gives every party's NPV (sim.analysis.ledger); the break-even scale of a party is
where its mean NPV crosses 0 (linear interpolation between the scales run; empty when it does not cross
within them). Where the evidence is weak this is the answer a municipality can act on: "it pays back for
the municipality only if the effects are at least k times what we assumed".

The mechanical effects of an investment (more team hours supply more care, a shorter alarm response time
answers more calls in time, more respite places give more access) are not scaled: they are what the
investment buys, not an uncertain effect size. Nor are the access routes' running costs (``access_cost_*``,
priors on a cost, not an effect): their break-even is ``sim.analysis.route_cost``.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from sim.model.parameters import default_parameters, parameter_records
from sim.analysis.ledger import PARTIES, ledger_summary, society_npv
from sim.analysis.summary import band

SCALES = (0.0, 0.5, 1.0, 1.5, 2.0)
# priors on costs, not effects: held at their defaults here (their own break-even: sim.analysis.route_cost)
RUNNING_COSTS = ("access_cost_",)
SOCIETY = "society"
COLUMNS = ("scenario", "party", "scale", "npv_mean", "npv_p5", "npv_p95", "replicates")


def scaled_effects(scale: float) -> dict[str, float]:
    """Every parameter with a prior at ``no_effect + scale x (default - no_effect)``, clipped to its range."""
    defaults, out = default_parameters(), {}
    for name, r in parameter_records().items():
        if "prior" not in r or name.startswith(RUNNING_COSTS):
            continue
        none = float(r.get("no_effect", 0.0))
        out[name] = float(np.clip(none + scale * (defaults[name] - none), r["min"], r["max"]))
    return out


def _with_effects(scenario: dict, scale: float) -> dict:
    explicit = scenario.get("parameters") or {}
    return dict(scenario, parameters={**scaled_effects(scale), **explicit}, effect_priors=False)


def fixed_effects_comparison(runs, replicates, window, progress, pool=None):
    """A run comparison with fixed effects (sim.analysis.compare.Comparison), on ``pool`` (a sim.analysis.pool
    pool; None: one run after the other in this process). ``run`` and sim.analysis.deciding_effects.run use it."""
    from sim.analysis.compare import Comparison
    return Comparison(runs, replicates=replicates, window=window, progress=progress, effect_priors=False,
                      pool=pool).run()


def run(scenarios: list, replicates: int, window, scales=SCALES, progress: bool = False, pool=None) -> pd.DataFrame:
    """NPV per scenario after the first, party (and ``society``) and effect scale (``COLUMNS``); the runs on
    ``pool`` (a sim.analysis.pool pool: a study's or compare's workers; None: in this process)."""
    rows = []
    for k in scales:
        c = fixed_effects_comparison([_with_effects(s, k) for s in scenarios], replicates, window, progress, pool)
        paired = c._paired_ledger()
        summary = ledger_summary(paired, c.window[0])
        for r in summary.itertuples():
            rows.append((r.scenario, r.party, k, r.npv_mean, r.npv_p5, r.npv_p95, r.replicates))
        for s, g in society_npv(paired, c.window[0]).groupby("scenario", sort=False):
            m, p5, p95 = band(g.npv)
            rows.append((s, SOCIETY, k, m, p5, p95, int(g.npv.notna().sum())))
    return pd.DataFrame(rows, columns=list(COLUMNS))


def breakeven_scales(table: pd.DataFrame) -> pd.DataFrame:
    """Per scenario and party: the effect scale at which the mean NPV first reaches 0 from below (linear
    interpolation), 0 when it is at or above 0 without any uncertain effect, NaN when it stays below."""
    rows = []
    for (s, party), g in table.groupby(["scenario", "party"], sort=False):
        g = g.sort_values("scale")
        x, y = g.scale.to_numpy(), g.npv_mean.to_numpy()
        k = np.nan
        if y[0] >= 0:
            k = float(x[0])
        else:
            up = np.flatnonzero((y[:-1] < 0) & (y[1:] >= 0))
            if len(up):
                i = up[0]
                k = float(x[i] + (x[i + 1] - x[i]) * (-y[i]) / (y[i + 1] - y[i]))
        rows.append({"scenario": s, "party": party, "breakeven_scale": k})
    order = {p: i for i, p in enumerate(PARTIES + (SOCIETY,))}
    return pd.DataFrame(rows).sort_values(["scenario", "party"], key=lambda c: c.map(order) if c.name == "party"
                                          else pd.factorize(c)[0]).reset_index(drop=True)
