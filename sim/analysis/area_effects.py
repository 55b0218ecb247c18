"""The paired effect inside each named area next to the municipal total, and the ledger per party within the
area (issue 26), from the per-area tables of a comparison's runs (sim/model/areas.py).

Each outcome is averaged over the years of the window per scenario and replicate; the effect is the paired
difference from the first scenario (replicate r of both with the same random numbers), with its mean and
5th-95th percentiles over the replicates (a 90 % interval from MIN_REPLICATES_90 replicates on, else the
range of the runs: ``interval`` says which, ``replicates`` how many). Areas: each named area, ``outside:<area>``
(the rest of the municipality) and ``all`` (the municipal total, the sum of the cells).
"""
from __future__ import annotations

import pandas as pd

from sim.model.indicators import INVESTMENT_PAYERS
from sim.analysis.summary import band

OUTCOMES = ("months_independent_after_indication", "unmet_need_share", "intramural_admissions_per_1000",
            "admissions", "informal_care_hours", "carers_overburdened_share", "falls_per_1000_65plus",
            "cost_wlz", "cost_wmo", "cost_zvw", "cost_total", "cost_total_per_capita", "cost_total_complete",
            "cost_total_complete_per_capita", "wsg", "inhabitants", "inhabitants_65plus")
# who pays what (euros a year): the care payers' lines, respite, Wmo home adaptations and the access route's
# running cost with the payer the town's indicators give them, and the investments by the payer the scenario
# names (sim/model/areas.py)
PARTIES = {"municipality": ("cost_wmo", "cost_respite_wmo", "cost_adaptations_wmo", "cost_access_route_municipality",
                            "cost_investment_municipality"),
           "care_office": ("cost_wlz", "cost_respite_wlz", "cost_access_route_care_office",
                           "cost_investment_care_office"),
           "care_insurer": ("cost_zvw", "cost_access_route_care_insurer", "cost_investment_care_insurer"),
           "housing_association": ("cost_access_route_housing_association", "cost_investment_housing_association")}
assert set(INVESTMENT_PAYERS) == set(PARTIES)


def shown_areas(scenarios: list[dict]) -> list[str]:
    """The named areas of the first scenario, each with the rest of the municipality, then ``all``."""
    names = list(scenarios[0]["areas"])
    return [a for name in names for a in (name, f"outside:{name}")] + ["all"]


MONTHS = "months_independent_after_indication"


def _window_means(areas: pd.DataFrame, window, shown) -> pd.DataFrame:
    """Per scenario, replicate, area and indicator: the mean of the window's yearly values; the months at home
    after indication as compare's town value: the spells' months summed over the window per spell ended."""
    lo, hi = window
    t = areas[(areas.year >= lo) & (areas.year <= hi) & areas.area.isin(shown)]
    keys = ["scenario", "replicate", "area"]
    means = t.groupby(keys + ["indicator"], as_index=False).value.mean()
    sums = t[t.indicator.isin(["spells_ended", "spell_months"])].pivot_table(
        index=keys, columns="indicator", values="value", aggfunc="sum")
    if len(sums):
        months = (sums.spell_months / sums.spells_ended.where(sums.spells_ended > 0)).rename("value").reset_index()
        means = pd.concat([means[means.indicator != MONTHS], months.assign(indicator=MONTHS)], ignore_index=True)
    return means


def _paired(means: pd.DataFrame, order: list[str], rows_of) -> list[dict]:
    wide = means.pivot_table(index=["area", "outcome", "replicate"], columns="scenario", values="value",
                             dropna=False)
    rows = []
    for (area, outcome), w in wide.groupby(level=[0, 1], sort=False):
        for s in order[1:]:
            if s not in w or order[0] not in w:
                continue
            m, p5, p95 = band(w[s])
            d, d5, d95 = band(w[s] - w[order[0]])
            n = int((w[s] - w[order[0]]).notna().sum())
            rows.append(rows_of(area, outcome, s, m, d, d5, d95, n))
    return rows


def area_effects(areas: pd.DataFrame, order: list[str], window, shown, interval_kind) -> pd.DataFrame:
    """Per area, outcome and scenario after the first: its mean, the paired effect and its interval
    (``interval_kind(n)`` names the interval of n replicates: compare.interval_kind)."""
    means = _window_means(areas, window, shown)
    means = means[means.indicator.isin(OUTCOMES)].rename(columns={"indicator": "outcome"})
    rows = _paired(means, order, lambda a, o, s, m, d, d5, d95, n: {
        "area": a, "outcome": o, "scenario": s, "mean": m, "effect_mean": d, "effect_p5": d5, "effect_p95": d95,
        "replicates": n, "interval": interval_kind(n)})
    out = pd.DataFrame(rows)
    if len(out):
        out["area"] = pd.Categorical(out.area, shown, ordered=True)
        out["outcome"] = pd.Categorical(out.outcome, OUTCOMES, ordered=True)
        out = out.sort_values(["area", "outcome", "scenario"]).astype({"area": str, "outcome": str})
    out["from_year"], out["to_year"] = window
    return out.reset_index(drop=True)


def area_ledger(areas: pd.DataFrame, order: list[str], window, shown, interval_kind) -> pd.DataFrame:
    """Per area, party and scenario after the first: euros a year (window mean) more (+) or less (-) than the
    first scenario, paired over replicates, with the interval (``interval_kind`` as in area_effects)."""
    means = _window_means(areas, window, shown)
    parts = []
    for party, indicators in PARTIES.items():
        p = means[means.indicator.isin(indicators)].groupby(["scenario", "replicate", "area"], as_index=False).value.sum()
        parts.append(p.assign(outcome=party))
    rows = _paired(pd.concat(parts, ignore_index=True), order, lambda a, o, s, m, d, d5, d95, n: {
        "area": a, "party": o, "scenario": s, "euros_a_year": m, "difference_mean": d, "difference_p5": d5,
        "difference_p95": d95, "replicates": n, "interval": interval_kind(n)})
    out = pd.DataFrame(rows)
    if len(out):
        out["area"] = pd.Categorical(out.area, shown, ordered=True)
        out = out.sort_values(["area", "party", "scenario"], kind="stable").astype({"area": str})
    out["from_year"], out["to_year"] = window
    return out.reset_index(drop=True)


def _num(x: float) -> str:
    if pd.isna(x):
        return "–"
    return f"{x:,.0f}" if abs(x) >= 100 else f"{x:.3g}"


def markdown(effects: pd.DataFrame, ledger: pd.DataFrame, first: str, replicates: int, note: str = "") -> str:
    """The two tables as a markdown section of comparison.md."""
    if not len(effects):
        return ""
    (lo, hi), kind = (int(effects.from_year.iloc[0]), int(effects.to_year.iloc[0])), effects.interval.iloc[0]
    lines = ["## Effect per area", "",
             f"Paired effect against `{first}`, mean over {lo}-{hi}, per named area (`outside:` = the rest of the "
             f"municipality, `all` = the municipal total), {replicates} replicate(s), interval: {kind} "
             "(areas.csv-style data: `areas_comparison.csv`; costs in euros a year; `cost_total` is the care lines "
             "and the investments, `cost_total_complete` adds respite, Wmo home adaptations and the access route's "
             "running cost, as the ledger per party does; sim/model/areas.py).", ""]
    lines += ["| area | outcome | scenario | mean | effect | interval |", "|---|---|---|---|---|---|"]
    for r in effects.itertuples():
        lines.append(f"| {r.area} | {r.outcome} | {r.scenario} | {_num(r.mean)} | {_num(r.effect_mean)} | "
                     f"{_num(r.effect_p5)} … {_num(r.effect_p95)} |")
    lines += ["", "### Who pays within the area (euros a year, paired difference; `ledger_areas.csv`)", "",
              "| area | party | scenario | euros a year | difference | interval |", "|---|---|---|---|---|---|"]
    for r in ledger.itertuples():
        lines.append(f"| {r.area} | {r.party} | {r.scenario} | {_num(r.euros_a_year)} | {_num(r.difference_mean)} | "
                     f"{_num(r.difference_p5)} … {_num(r.difference_p95)} |")
    if note:
        lines += ["", note]
    return "\n".join(lines) + "\n"
