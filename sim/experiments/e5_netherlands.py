"""E5 The Netherlands to 2040: the national scenario (scenarios/netherlands.yaml, the Dutch age structure and
its projection) on the calibrated ensemble with the three capacity rules after the last observed year (fixed
places, places per person 80+, places following demand), with uncertainty bands. The full mode runs the
country at 1:20 scale (840,000 inhabitants on its 20 x 20 grid) so that ten replicates per rule fit the time
budget; indicators are per inhabitant, and national totals are those rates times the CBS population."""
from __future__ import annotations

import pandas as pd

from sim.experiments.base import ExperimentOutput
from sim.experiments.common import (band_plot, figure_grid, fmt, interval, md_table, paired_contrasts,
                                    replicate_note, run_tables, scenario, workers_for, yearly_band)

NAME = "e5_netherlands"
TITLE = "E5 The Netherlands to 2040"
QUESTION = ("How do intramural places, the waiting list, care at home, unmet need and Wlz spending develop in the "
            "Netherlands to 2040 under each capacity policy, and how uncertain is that?")
RUNTIME = {"quick": "about 10 s", "full": "28.1 min alongside E2 (4 workers on 2 cores)"}

START, END, QUICK_END = 2013, 2040, 2018
SCALE, QUICK_INHABITANTS = 20, 20000          # full: 1:20 of the 16.8 million of 2013
REPLICATES, QUICK_REPLICATES = 10, 2
RULES = {"follow_demand": "places follow demand (4.5 %/year at most)", "fixed": "places fixed at 2023",
         "per_80plus": "VV places per person 80+ held"}
OUTCOMES = {
    "intramural_places_vv_per_80plus": "VV places per person 80+",
    "clients_institution_VV_per_1000": "VV clients in an institution per 1,000",
    "waiting_list_per_1000": "waiting list per 1,000",
    "clients_home_VV_per_1000": "VV clients at home per 1,000",
    "unmet_need_share": "unmet need (share of hours)",
    "mantelzorg_hours_per_1000": "informal care hours per 1,000",
    "cost_wlz_per_capita": "Wlz spending, EUR per inhabitant",
    "cost_total_per_capita": "total care spending, EUR per inhabitant",
    "pop_80plus_share": "share 80+",
}
NATIONAL_2040 = 19.0e6   # CBS projection, about 19 million inhabitants in 2040 (calibration/targets.csv, pop_75plus_share 2040)


def arms(quick: bool, replicates: int) -> list[dict]:
    from sim.analysis.compare import paired_scenarios
    base = scenario("netherlands.yaml", False)
    inhabitants = QUICK_INHABITANTS if quick else base["municipality"]["inhabitants"] // SCALE
    end = QUICK_END if quick else END
    out = [scenario("netherlands.yaml", quick, name=rule, start_year=START, end_year=end,
                    parameters={"calibrated": "ensemble"}, policy={"capacity": {"rule": rule}},
                    **({} if quick else {"municipality": {"inhabitants": inhabitants}})) for rule in RULES]
    return paired_scenarios(out, replicates, effect_priors=False)


def run(quick: bool, workers: int | None = None) -> ExperimentOutput:
    n = QUICK_REPLICATES if quick else REPLICATES
    scenarios = arms(quick, n)
    end = scenarios[0]["end_year"]
    table = run_tables(scenarios, workers_for(quick, workers))
    bands = yearly_band(table, OUTCOMES)
    last = table[(table.year == end) & table.indicator.isin(list(OUTCOMES))]
    per_rep = last.rename(columns={"indicator": "outcome"})[["scenario", "replicate", "outcome", "value"]]
    con = paired_contrasts(per_rep, {f"{r} vs follow_demand": (r, "follow_demand") for r in list(RULES)[1:]}, OUTCOMES)
    wl = bands[(bands.indicator == "waiting_list_per_1000") & (bands.year == end)].set_index("scenario")
    inhabitants = scenarios[0]["municipality"]["inhabitants"]
    fig = capacity_figure(bands, n, end)
    summary = _summary(quick, n, end, inhabitants, *_result_tables(bands, con, end), wl)
    return ExperimentOutput(
        summary=summary, conclusion=_conclusion(wl, n, end, quick), main_figure="netherlands",
        figures={"netherlands": fig},
        tables={"yearly": bands, "contrasts_end_year": con}, scenarios=scenarios, seeds=[scenarios[0]["seed"]],
        replicates=n, extra={"scale": 1 if quick else SCALE, "inhabitants": inhabitants})


def capacity_figure(bands: pd.DataFrame, n: int, end: int):
    """Six outcomes by year, one band per capacity rule."""
    fig, axes = figure_grid(6, ncols=3)
    for ax, ind in zip(axes, ("intramural_places_vv_per_80plus", "clients_institution_VV_per_1000",
                              "waiting_list_per_1000", "clients_home_VV_per_1000", "unmet_need_share",
                              "cost_wlz_per_capita")):
        for rule, color in zip(RULES, ("tab:blue", "tab:red", "tab:green")):
            band_plot(ax, bands, rule, ind, rule.replace("_", " "), color)
        ax.set_title(OUTCOMES[ind], fontsize=8)
        ax.tick_params(labelsize=7)
    axes[0].legend(fontsize=7)
    fig.suptitle(f"The Netherlands {START}-{end} by capacity rule: mean and 90 % band over {n} replicates", fontsize=9)
    fig.tight_layout()
    return fig


def _result_tables(bands: pd.DataFrame, con: pd.DataFrame, end: int) -> tuple[str, str]:
    """The summary's tables in markdown: levels by rule and year, paired differences in the end year."""
    def cell(rule, ind, year):
        b = bands[(bands.scenario == rule) & (bands.indicator == ind) & (bands.year == year)]
        return interval(*b[["mean", "p5", "p95"]].iloc[0]) if len(b) else "-"

    years = sorted({START + 2, 2025, 2030, end} & set(bands.year))
    rows = [{"outcome": OUTCOMES[i], "capacity rule": r, **{str(y): cell(r, i, y) for y in years}}
            for i in ("intramural_places_vv_per_80plus", "waiting_list_per_1000", "clients_home_VV_per_1000",
                      "unmet_need_share", "cost_wlz_per_capita") for r in RULES]
    levels_md = md_table(pd.DataFrame(rows))
    con_md = md_table(pd.DataFrame([{"contrast": c, **{OUTCOMES[o]: interval(*con[(con.contrast == c) & (con.outcome == o)][
        ["diff_mean", "diff_p5", "diff_p95"]].iloc[0]) for o in ("waiting_list_per_1000", "unmet_need_share",
                                                                  "cost_wlz_per_capita")}} for c in dict.fromkeys(con.contrast)]))
    return levels_md, con_md


def _summary(quick: bool, n: int, end: int, inhabitants: int, levels_md: str, con_md: str, wl: pd.DataFrame) -> str:
    """The summary: question, design (scale, rules), results (levels, differences, the waiting list), limitations."""
    return f"""## Question

{QUESTION}

## Design

scenarios/netherlands.yaml (the Dutch age structure, the enacted reform, the observed capacity path through
2023) {START}-{end}, with `policy.capacity.rule` = {', '.join(f'`{r}` ({t})' for r, t in RULES.items())}.
{n} paired replicates per rule (the same seed and replicate numbers; replicate r on particle r of the calibrated
ensemble). Scale: {inhabitants:,} inhabitants in {START} ({'the quick size' if quick else f'1:{SCALE} of the 16.8 million'}):
every indicator is per inhabitant, so national figures are the rates times the population (about
{NATIONAL_2040 / 1e6:.0f} million in 2040, CBS projection).

## Results

{replicate_note(n)} Mean and interval by year:

{levels_md}

Paired differences in {end} against places following demand:

{con_md}

In {end} the waiting list is {', '.join(f"{fmt(wl.loc[r, 'mean'])} per 1,000 ({r})" for r in RULES if r in wl.index)}: about
{', '.join(f"{fmt(wl.loc[r, 'mean'] * NATIONAL_2040 / 1000 / 1000, 2)} thousand people nationally ({r})" for r in RULES if r in wl.index)}
at {NATIONAL_2040 / 1e6:.0f} million inhabitants.

## Limitations

- {'Quick mode: 20,000 inhabitants, ' + str(end - START + 1) + ' years, 2 replicates: a smoke test, not a result.' if quick else f'Scale: the country at 1:{SCALE} ({inhabitants:,} inhabitants at the start, 400 cells of about {inhabitants // 400:,}) so that {n} replicates per rule fit 10 minutes on 2 cores (a full-scale run takes about 2 minutes). Rates per inhabitant do not depend on the scale except through the random variation, which the bands hold; the neighbourhood detail is coarser than a municipality run.'}
- After 2023 the capacity path is a rule, not an observation: `follow_demand` builds at most 4.5 % a year (the
  sector's planned expansion, ActiZ/TNO, approximate), `per_80plus` holds the places per person 80+ of the CBS
  projection. Which rule holds decides the waiting list and Wlz spending to 2040.
- The population projection is CBS's (sim/model/data/profile_nl.yaml), not simulated migration; the calibrated
  parameters were fitted to national figures up to 2015 and are held constant to 2040 (only the trends in the
  parameters file change).
"""


def _conclusion(wl: pd.DataFrame, n: int, end: int, quick: bool) -> str:
    """One sentence: the waiting list in the end year by capacity rule."""
    waits = ", ".join(f"{r} {interval(*wl.loc[r, ['mean', 'p5', 'p95']])}" for r in RULES if r in wl.index)
    return (f"To {end} the capacity rule decides the waiting list: {waits} "
            f"per 1,000 in {end} ({n} replicates"
            + ("" if quick else f", 1:{SCALE} scale") + ").")
