"""E6 Access routes under a budget cut: the three routes to Wmo support of 2015 (neighbourhood team, intake desk
with vouchers, kitchen-table conversation) and the indication route of the calibrated baseline, each with and
without the decentralisation's 25 % cut of the Wmo budget, paired on the calibrated ensemble."""
from __future__ import annotations

import numpy as np
import pandas as pd

from sim.experiments.base import ExperimentOutput
from sim.experiments.common import (figure_grid, fmt, interval, levels, md_table, paired_contrasts,
                                    replicate_note, scenario, workers_for)
from sim.analysis.compare import Comparison

NAME = "e6_access"
TITLE = "E6 Access routes under a budget cut"
QUESTION = ("How do the neighbourhood team, the intake desk with vouchers and the kitchen-table conversation compare "
            "in who gets Wmo support, how soon, at what cost, and what a 25 % cut of the Wmo budget does to each?")
RUNTIME = {"quick": "24 s at load average 6", "full": "18.5 min at load average 16.7 (2 workers)"}

START, END, FROM = 2010, 2025, 2015   # routes and the budget start in 2015
QUICK_START, QUICK_END = 2013, 2017
REPLICATES, QUICK_REPLICATES = 20, 2
ROUTES = {"indication": "indication (baseline)", "neighbourhood_team": "neighbourhood team",
          "intake_voucher": "intake desk + voucher", "kitchen_table": "kitchen table"}
OUTCOMES = {
    "months_from_need_to_support": "months from need to support",
    "wmo_need_unnoticed_per_1000": "Wmo need unnoticed per 1,000",
    "wmo_waiting_per_1000": "waiting for Wmo support per 1,000",
    "unmet_need_share": "unmet need (share of hours needed)",
    "carers_overburdened_share": "carers overburdened (share)",
    "months_at_home_km": "months at home (Kaplan-Meier, 10 y)",
    "intramural_admissions_per_1000": "intramural admissions per 1,000",
    "referrals_wlz_per_1000": "referrals to the Wlz per 1,000",
    "cost_wmo_per_capita": "Wmo spending, EUR per inhabitant",
    "cost_access_route_per_capita": "route running cost, EUR per inhabitant",
    "cost_total_per_capita": "total care spending, EUR per inhabitant",
    "wmo_spending_over_budget_share": "Wmo asked over the budget (share)",
}
MAIN = ("months_from_need_to_support", "wmo_need_unnoticed_per_1000", "unmet_need_share",
        "cost_wmo_per_capita", "cost_total_per_capita", "months_at_home_km")


def arms(quick: bool, replicates: int) -> list[dict]:
    end = QUICK_END if quick else END
    common = dict(start_year=QUICK_START if quick else START, end_year=end, parameters={"calibrated": "ensemble"})
    out = [scenario("baseline.yaml", quick, name="indication", **common),
           scenario("wmo_cut_25.yaml", quick, name="indication_cut", **common)]
    for route in list(ROUTES)[1:]:
        out.append(scenario(f"access_{route}.yaml", quick, name=route, budget=None, **common))
        out.append(scenario(f"access_{route}.yaml", quick, name=f"{route}_cut", **common))
    return out


def pairs() -> dict:
    out = {}
    for route in ROUTES:
        out[f"{route}: the cut"] = (f"{route}_cut", route)
    for route in list(ROUTES)[1:]:
        out[f"{route} vs indication"] = (route, "indication")
        out[f"{route} vs indication, with the cut"] = (f"{route}_cut", "indication_cut")
    return out


def level_figure(lev: pd.DataFrame):
    fig, axes = figure_grid(len(MAIN), ncols=3, size=(4.2, 3.0))
    x = np.arange(len(ROUTES))
    for ax, outcome in zip(axes, MAIN):
        for k, (suffix, label, color) in enumerate((("", "no cut", "tab:blue"), ("_cut", "25 % Wmo cut", "tab:red"))):
            rows = lev[lev.outcome == outcome].set_index("scenario").reindex([f"{r}{suffix}" for r in ROUTES])
            xs = x + (k - 0.5) * 0.25
            ax.vlines(xs, rows.p5, rows.p95, color=color, lw=2, alpha=0.6)
            ax.plot(xs, rows["mean"], "o", color=color, label=label)
        ax.set_xticks(x, [ROUTES[r].replace(" (baseline)", "").replace(" + ", "\n+ ") for r in ROUTES], fontsize=7)
        ax.set_title(OUTCOMES[outcome], fontsize=8)
        ax.tick_params(axis="y", labelsize=7)
    axes[0].legend(fontsize=7)
    fig.suptitle(f"Access routes with and without a 25 % Wmo cut: mean {FROM}-end (90 % interval)", fontsize=9)
    fig.tight_layout()
    return fig


def run(quick: bool, workers: int | None = None) -> ExperimentOutput:
    n = QUICK_REPLICATES if quick else REPLICATES
    end = QUICK_END if quick else END
    c = Comparison(arms(quick, n), workers=workers_for(quick, workers), replicates=n,
                   window=(FROM, end), effect_priors=False, progress=False).run()
    per_rep = c.window_values()
    lev = levels(per_rep, OUTCOMES, c.order)
    con = paired_contrasts(per_rep, pairs(), OUTCOMES)
    level_md, con_md = _result_tables(lev, con)
    team_cost, team_vs_voucher, breakeven_team_cost = _team_breakeven(c, con)
    summary = _summary(quick, c, n, end, level_md, con_md, team_cost, team_vs_voucher, breakeven_team_cost)
    return ExperimentOutput(
        summary=summary, conclusion=_conclusion(con, n, end, team_vs_voucher, breakeven_team_cost),
        main_figure="routes",
        figures={"routes": level_figure(lev)},
        tables={"levels": lev, "contrasts": con, "window_values": per_rep, "comparison": c.summary()},
        scenarios=c.scenarios, seeds=[c.scenarios[0]["seed"]], replicates=n,
        extra={"window": [FROM, end], "breakeven_team_cost_eur_per_inhabitant": breakeven_team_cost})


def _result_tables(lev: pd.DataFrame, con: pd.DataFrame) -> tuple[str, str]:
    """The summary's tables in markdown: levels per route (with and without the cut), paired differences."""
    def cell(scen, outcome):
        r = lev[(lev.scenario == scen) & (lev.outcome == outcome)]
        return interval(*r[["mean", "p5", "p95"]].iloc[0]) if len(r) else "-"

    level_md = md_table(pd.DataFrame([{"outcome": OUTCOMES[o], **{
        f"{ROUTES[r]}{' (cut)' if cut else ''}": cell(f"{r}{'_cut' if cut else ''}", o)
        for r in ROUTES for cut in (False, True)}} for o in OUTCOMES]))
    key = ("months_from_need_to_support", "unmet_need_share", "cost_total_per_capita", "months_at_home_km")

    def dcell(name, outcome):
        r = con[(con.contrast == name) & (con.outcome == outcome)]
        return interval(*r[["diff_mean", "diff_p5", "diff_p95"]].iloc[0]) if len(r) else "-"

    con_md = md_table(pd.DataFrame([{"contrast": name, **{OUTCOMES[o]: dcell(name, o) for o in key}} for name in pairs()]))
    return level_md, con_md


def _team_breakeven(c: Comparison, con: pd.DataFrame) -> tuple[float, float, float]:
    """Break-even running cost of the team against the voucher desk (no cut): the team cost at which the total
    spending per inhabitant would be equal; the route cost enters the total one for one without a budget.
    (the team's assumed cost, its total spending above the desk's, the break-even cost), EUR per inhabitant."""
    from sim.model.parameters import make_params
    p = make_params(c.scenarios[0].get("parameters"))
    gap = con[(con.contrast == "neighbourhood_team vs indication") & (con.outcome == "cost_total_per_capita")]
    gap_v = con[(con.contrast == "intake_voucher vs indication") & (con.outcome == "cost_total_per_capita")]
    team_vs_voucher = float(gap.diff_mean.iloc[0] - gap_v.diff_mean.iloc[0]) if len(gap) and len(gap_v) else np.nan
    return p.access_cost_neighbourhood_team, team_vs_voucher, p.access_cost_neighbourhood_team - team_vs_voucher


def _summary(quick: bool, c: Comparison, n: int, end: int, level_md: str, con_md: str, team_cost: float,
             team_vs_voucher: float, breakeven_team_cost: float) -> str:
    """The summary: question, design (the eight arms), results with the team's break-even cost, limitations."""
    return f"""## Question

{QUESTION}

## Design

Eight arms, {c.scenarios[0]['start_year']}-{end}: the four routes (`access.route`, from {FROM}) x with or without the 25 % Wmo cut
(`budget.cut: 0.25` from {FROM}; each route's own response when the budget binds, scenarios/README.md). The
route files are scenarios/access_neighbourhood_team.yaml, access_intake_voucher.yaml, access_kitchen_table.yaml
(with the cut as shipped; without it `budget: null`), the indication route is baseline.yaml and wmo_cut_25.yaml.
Paired replicates (sim.analysis.compare: same seed and replicate numbers), replicate r on particle r of the
calibrated ensemble; {n} replicates per arm; {c.scenarios[0]['municipality']['inhabitants']:,} inhabitants.
Outcomes are means over {FROM}-{end} (months at home: Kaplan-Meier restricted mean of the spells in the window).

## Results

{replicate_note(n)}

Levels, mean {FROM}-{end}:

{level_md}

Paired differences:

{con_md}

The team's running cost (`access_cost_neighbourhood_team`, EUR {fmt(team_cost)} per inhabitant a
year, an assumption) decides whether the team costs more in total than the voucher desk: without the cut the team's
total spending is EUR {fmt(team_vs_voucher)} per inhabitant a year above the desk's, so the two break even at a team
cost of about EUR {fmt(breakeven_team_cost)} per inhabitant a year (the route cost enters the total one for one
without a budget; with the cut it also counts against the budget).

## Limitations

- Unsourced assumptions decide the ranking (sim/model/parameters.yaml, group "access route"): how often a team
  notices need itself (`access_team_notice_month`) and a resident comes forward (`access_self_report_month`), the
  share asked of the network at the kitchen table (`access_network_first`), the voucher's value
  (`access_voucher_value_share`), the need threshold of stricter access (`access_strict_need`) and the routes'
  running costs (`access_cost_*`, the team's above all). None has a prior yet, so the intervals hold the
  calibrated parameters' and the random variation only, not these assumptions' uncertainty.
- The 25 % cut is taken on the same care's 2014 spending in the same run (the AWBZ volume the municipality took
  over), not on an observed budget.
- The indication route is the calibrated baseline (need met from the month it arises): an upper bound on access.
{'- Quick mode: a 20,000-inhabitant municipality, ' + str(end - QUICK_START + 1) + ' years, 2 replicates: a smoke test, not a result.' if quick else ''}
"""


def _conclusion(con: pd.DataFrame, n: int, end: int, team_vs_voucher: float, breakeven_team_cost: float) -> str:
    """One paragraph: what the cut does to unmet need per route, and the team's cost against the desk."""
    d_unmet = {r: con[(con.contrast == f"{r}: the cut") & (con.outcome == "unmet_need_share")] for r in ROUTES}
    return (f"With {n} replicates ({FROM}-{end}), the 25 % Wmo cut raised the unmet share of hours by "
            + "; ".join(f"{ROUTES[r]} {interval(*d.iloc[0][['diff_mean', 'diff_p5', 'diff_p95']])}"
                        for r, d in d_unmet.items() if len(d))
            + f". The team costs EUR {fmt(team_vs_voucher)} per inhabitant a year more than the voucher desk "
              f"(break-even team cost EUR {fmt(breakeven_team_cost)}, an assumption-driven number).")
