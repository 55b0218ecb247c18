"""The running cost of an access route decides the routes' cost comparison: its break-even value.

The running costs of the routes (``access_cost_neighbourhood_team`` EUR 15, ``access_cost_intake_voucher`` EUR 5 per
inhabitant a year) are assumptions with wide priors (sim/model/parameters.yaml), so ``compare`` draws them per
replicate, and this module says how far the comparison rests on them. Per scenario s after the first (the
reference 0; and for the first, against the second) and replicate, over the window's years from s's route start:

    care_s     = cost_wmo_per_capita_s - cost_access_route_per_capita_s     (the gemeente's spending besides its
                                                                           route; a route it does not pay: 0)
    breakeven  = cost_wmo_per_capita_0 - care_s

the running cost per inhabitant at which s's route would cost the gemeente what the reference does. Without a
binding Wmo budget the running cost does not change the residents' path (it only enters the budget), so this is
exact: s's route costs the gemeente less when its running cost is below the break-even
(``route_cheaper_for_municipality_share``: the share of replicates where the drawn cost is). When the budget
binds (``route_budget_binding_share``: the share of years whose spending reaches the budget) the gemeente spends
its budget on either route and the running cost is paid out of care: then the break-even equals the drawn
running cost plus the difference in budgets, and the routes differ in who gets care, not in the gemeente's cost.
"""
from __future__ import annotations

import pandas as pd

from sim.analysis.summary import band

OUTCOMES = ("route_running_cost_per_capita", "route_breakeven_running_cost_per_capita",
            "route_cheaper_for_municipality_share", "route_budget_binding_share")
BINDING = -0.005   # spending within 0.5 % of the budget: the budget binds that year


def route_cost_breakeven(table: pd.DataFrame, scenarios: list[dict], window) -> pd.DataFrame:
    """Rows (scenario, against, outcome, mean, p5, p95, replicates) of OUTCOMES for each scenario whose access
    route the municipality pays, against the first (the first: against the second); ``table``: the comparison's
    tidy indicators."""
    lo, hi = window
    wide = table[(table.year >= lo) & (table.year <= hi)].pivot_table(
        index=["scenario", "replicate", "year"], columns="indicator", values="value", dropna=False)
    first = scenarios[0]["name"]
    rows = []
    # each scenario against the first; the first against the second (both routes of a pair get their break-even)
    pairs = [(s, first) for s in scenarios[1:]] + ([(scenarios[0], scenarios[1]["name"])] if len(scenarios) > 1 else [])
    for s, against in pairs:
        access = s.get("access")
        if access is None or access.get("payer", "municipality") != "municipality":
            continue
        years = (wide.index.get_level_values("year") >= max(lo, int(access["from_year"])))
        w = wide[years]
        own, ref = w.xs(s["name"], level="scenario"), w.xs(against, level="scenario")
        by_rep = lambda frame, col: frame[col].groupby(level="replicate").mean()
        running = by_rep(own, "cost_access_route_per_capita")
        care = by_rep(own, "cost_wmo_per_capita") - running
        breakeven = by_rep(ref, "cost_wmo_per_capita") - care
        over = own["wmo_spending_over_budget_share"]
        binding = (over >= BINDING).groupby(level="replicate").mean().where(over.notna().groupby(level="replicate").any(), 0.0)
        for outcome, values in zip(OUTCOMES, (running, breakeven, (running < breakeven).astype(float), binding)):
            m, p5, p95 = band(values)
            rows.append({"scenario": s["name"], "against": against, "outcome": outcome, "mean": m, "p5": p5, "p95": p95,
                         "replicates": int(values.notna().sum())})
    return pd.DataFrame(rows, columns=["scenario", "against", "outcome", "mean", "p5", "p95", "replicates"])
