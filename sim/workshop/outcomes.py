"""The tables behind the workshop's figures and money tables, computed from cached runs without any user
interface: bands over replicates, differences against a base, costs by payer, the paired ledger per party.
"""
from __future__ import annotations

import pandas as pd

from sim.model.neighbourhoods import investment_cost_by_payer
from sim.model.parameters import make_params
from sim.analysis.summary import replicate_summary
from sim.workshop.labels import ORGANISATIONS, PAYERS as PAYER_TABLE

BAND_COLUMNS = ["scenario", "year", "mean", "low", "high"]


def _low_high(summary: pd.DataFrame) -> pd.DataFrame:
    """A replicate summary (sim.analysis.summary) in the app's columns: scenario, year, mean, low, high."""
    return summary.rename(columns={"p5": "low", "p95": "high"})[BAND_COLUMNS]


def bands(table: pd.DataFrame, indicator: str) -> pd.DataFrame:
    """scenario, year, mean, low, high: mean and 5-95 % interval over replicates."""
    return _low_high(replicate_summary(table[table.indicator == indicator], ["scenario", "year"], sort=False))


def differences(table: pd.DataFrame, indicator: str, base: str) -> pd.DataFrame:
    """scenario, year, mean, low, high of (scenario - base), paired by replicate.

    Replicate r of every scenario draws from the same random streams (common random numbers), so the
    paired difference shows the effect with far less noise than two separate intervals would.
    """
    d = table[table.indicator == indicator].pivot_table(index=["replicate", "year"], columns="scenario",
                                                         values="value")
    if base not in d:
        return pd.DataFrame(columns=BAND_COLUMNS)
    rows = []
    for name in [c for c in table.scenario.unique() if c != base and c in d]:
        diff = (d[name] - d[base]).dropna().rename("value").reset_index()
        rows.append(replicate_summary(diff, "year").assign(scenario=name))
    if not rows:
        return pd.DataFrame(columns=BAND_COLUMNS)
    return _low_high(pd.concat(rows, ignore_index=True))


# the payers of the app's cost table: the organisations, each paying its scheme's care (sim.workshop.labels)
PAYERS = ORGANISATIONS
CARE_COST_PAYER = {PAYER_TABLE[p].indicator: p for p in PAYERS if PAYER_TABLE[p].indicator}


def investment_by_payer(scenario: dict, year: int) -> dict:
    """Euros spent on the scenario's investments in ``year`` by payer, booked as the model books them
    (capital annualised over its lifetime, costs following the dose: ``neighbourhoods.investment_cost``)."""
    rate = make_params(scenario.get("parameters") or {}).discount_rate_costs
    return investment_cost_by_payer(scenario["investments"], year, rate)


def costs_by_payer(table: pd.DataFrame, scenarios: dict) -> pd.DataFrame:
    """scenario, payer, care, investment, total: mean yearly euros per inhabitant over the run.

    ``scenarios`` maps the scenario names in ``table`` to resolved scenarios (for the investments).
    """
    mean = table.groupby(["scenario", "year", "indicator"])["value"].mean().unstack("indicator")
    rows = []
    for name in table.scenario.unique():
        m = mean.loc[name]
        for payer in PAYERS:
            care = sum((m[col] for col, p in CARE_COST_PAYER.items() if p == payer), 0.0 * m["inhabitants"])
            spent = [investment_by_payer(scenarios[name], y).get(payer, 0.0) if name in scenarios else 0.0
                     for y in m.index]
            invest = pd.Series(spent, index=m.index) / m["inhabitants"]
            rows.append({"scenario": name, "payer": payer, "care": float(care.mean()),
                         "investment": float(invest.mean()), "total": float((care + invest).mean())})
    return pd.DataFrame(rows)


KEY_INDICATORS = ("months_independent_after_indication", "share_75plus_independent", "unmet_need_share",
                  "intramural_admissions_per_1000", "falls_per_1000_65plus", "hospital_admissions_per_1000_65plus",
                  "carers_overburdened_share", "alarm_response_within_target_share", "cost_total_per_capita")


def key_outcomes(table: pd.DataFrame, base: str | None, indicators=KEY_INDICATORS) -> pd.DataFrame:
    """Last year: per scenario and indicator the mean with its 5-95 % interval and the paired difference
    from ``base``."""
    year = int(table.year.max())
    rows = []
    for ind in indicators:
        b = bands(table, ind)
        b = b[b.year == year]
        d = differences(table, ind, base) if base else pd.DataFrame(columns=["scenario", "year"])
        d = d[d.year == year].set_index("scenario")
        for _, r in b.iterrows():
            has = r.scenario in d.index
            rows.append({"scenario": r.scenario, "indicator": ind, "year": year, "mean": r["mean"],
                         "low": r["low"], "high": r["high"],
                         "diff_mean": d.loc[r.scenario, "mean"] if has else float("nan"),
                         "diff_low": d.loc[r.scenario, "low"] if has else float("nan"),
                         "diff_high": d.loc[r.scenario, "high"] if has else float("nan")})
    return pd.DataFrame(rows)



# ---- the room's units: lever costs, euros million per year over one window (issue 15) ------------------

def result_window(scenarios: dict) -> tuple[int, int]:
    """The one window of years of every cost and outcome summary in the app, its downloads and the headline
    (as `langerthuis compare`: the earliest investment start to the end year)."""
    from sim.analysis.compare import default_window
    return default_window(list(scenarios.values()))


def party_costs(table: pd.DataFrame, scenarios: dict, window) -> pd.DataFrame:
    """scenario, replicate, payer, eur: yearly euros of the whole municipality, mean over ``window``, of each
    organisation's care plus its investments (euros per inhabitant x inhabitants, per replicate)."""
    lo, hi = window
    t = table[(table.year >= lo) & (table.year <= hi)]
    wide = t.pivot_table(index=["scenario", "replicate", "year"], columns="indicator", values="value").reset_index()
    rows = []
    for (name, rep), g in wide.groupby(["scenario", "replicate"], sort=False):
        for payer in PAYERS:
            care = sum((g[col] for col, p in CARE_COST_PAYER.items() if p == payer), 0.0 * g["inhabitants"])
            care_eur = (care * g["inhabitants"]).to_numpy()
            spent = [investment_by_payer(scenarios[name], int(y)).get(payer, 0.0) if name in scenarios else 0.0
                     for y in g.year]
            rows.append({"scenario": name, "replicate": int(rep), "payer": payer,
                         "eur": float((care_eur + pd.Series(spent).to_numpy()).mean())})
    return pd.DataFrame(rows, columns=["scenario", "replicate", "payer", "eur"])


def party_summary(costs: pd.DataFrame, base: str | None) -> pd.DataFrame:
    """scenario, payer, mean, low, high (yearly euros, 5-95 % over replicates) and the paired difference from
    ``base`` (diff_mean, diff_low, diff_high; positive: this payer pays more than in the base)."""
    s = replicate_summary(costs, ["scenario", "payer"], value="eur", sort=False).rename(
        columns={"p5": "low", "p95": "high"})
    if base is None or base not in set(costs.scenario):
        return s.assign(diff_mean=float("nan"), diff_low=float("nan"), diff_high=float("nan"))
    b = costs[costs.scenario == base].set_index(["replicate", "payer"]).eur
    d = costs.assign(eur=costs.eur - b.reindex(pd.MultiIndex.from_frame(costs[["replicate", "payer"]])).to_numpy())
    ds = replicate_summary(d, ["scenario", "payer"], value="eur", sort=False).rename(
        columns={"mean": "diff_mean", "p5": "diff_low", "p95": "diff_high"})
    return s.merge(ds[["scenario", "payer", "diff_mean", "diff_low", "diff_high"]], on=["scenario", "payer"])


def window_differences(table: pd.DataFrame, indicator: str, base: str, window) -> pd.DataFrame:
    """scenario, mean, low, high of the paired difference from ``base`` in the window's mean of ``indicator``."""
    lo, hi = window
    t = table[(table.indicator == indicator) & (table.year >= lo) & (table.year <= hi)]
    per_rep = t.groupby(["scenario", "replicate"], sort=False)["value"].mean().unstack("scenario")
    if base not in per_rep:
        return pd.DataFrame(columns=["scenario", "mean", "low", "high"])
    diff = per_rep.sub(per_rep[base], axis=0).drop(columns=base)
    tidy = diff.reset_index().melt(id_vars="replicate", var_name="scenario", value_name="value").dropna()
    return replicate_summary(tidy, "scenario", sort=False).rename(columns={"p5": "low", "p95": "high"})


# ---- the ledger and the months at home, from the app's runs (issues 13, 12 item 8) -------------------

def km_months(spells: dict, window) -> pd.DataFrame:
    """scenario, replicate, months_at_home_km: the Kaplan-Meier restricted mean months at home of each run's
    spells seen in the window (``sim.analysis.compare.km_window``, the number compare and the report show).
    ``spells``: scenario name -> the spells of a Run (None: that scenario has none)."""
    from sim.analysis.compare import MONTHS_KM, km_window
    frames = [sp.assign(scenario=name) for name, sp in spells.items() if sp is not None and len(sp)]
    if not frames:
        return pd.DataFrame(columns=["scenario", "replicate", MONTHS_KM])
    return km_window(pd.concat(frames, ignore_index=True), window).reset_index()[["scenario", "replicate", MONTHS_KM]]


def km_differences(km: pd.DataFrame, base: str) -> pd.DataFrame:
    """scenario, mean, low, high of the paired (same replicate) difference of the months at home from ``base``."""
    from sim.analysis.compare import MONTHS_KM
    wide = km.pivot(index="replicate", columns="scenario", values=MONTHS_KM) if len(km) else pd.DataFrame()
    if base not in wide:
        return pd.DataFrame(columns=["scenario", "mean", "low", "high"])
    diff = wide.sub(wide[base], axis=0).drop(columns=base)
    tidy = diff.reset_index().melt(id_vars="replicate", var_name="scenario", value_name="value").dropna()
    return replicate_summary(tidy, "scenario", sort=False).rename(columns={"p5": "low", "p95": "high"})


def paired_ledger(scenarios: dict, tables: dict, yearly: dict, order: list[str], window) -> pd.DataFrame | None:
    """The ledger's paired rows (sim.analysis.ledger.paired_ledger) of the scenarios in ``order`` against the
    first, from the app's runs; None when a run lacks its yearly dwelling records (a variant saved before
    the ledger was in the app) or fewer than two scenarios are given."""
    from sim.analysis import ledger
    if len(order) < 2 or any(yearly.get(n) is None for n in order):
        return None
    table = pd.concat([tables[n] for n in order], ignore_index=True)
    cells = pd.concat([yearly[n].assign(scenario=n) for n in order], ignore_index=True)
    named = [dict(scenarios[n], name=n) for n in order]
    return ledger.paired_ledger(ledger.party_spending(table, cells, named, window), order)


def ledger_tables(paired: pd.DataFrame, window) -> dict:
    """The ledger per party as the app and the report show it, from the paired rows: ``ledger`` (per year,
    ledger.csv), ``summary`` (NPV, break-even year: ledger_summary.csv) and ``yearly`` (the window's mean a
    year: ``ledger_window``)."""
    from sim.analysis.ledger import ledger_summary, ledger_table
    table = ledger_table(paired)
    return {"ledger": table, "summary": ledger_summary(paired, window[0]), "yearly": ledger_window(table, window)}


def ledger_window(ledger: pd.DataFrame, window) -> pd.DataFrame:
    """scenario, party, net_mean, net_p5, net_p95, replicates: the net a year (euros, positive: the party is
    better off) over the window, from a ledger table (ledger.csv): the mean of the yearly means (the mean of
    the replicates' window means) with the yearly 5 % and 95 % bounds averaged over the years. The report's
    summary and the app take it from here, so both show the same numbers."""
    lo, hi = window
    d = ledger[(ledger.year >= lo) & (ledger.year <= hi)]
    columns = ["net_mean", "net_p5", "net_p95"] + (["replicates"] if "replicates" in d else [])
    out = d.groupby(["scenario", "party"], sort=False)[columns].mean().reset_index()
    if "replicates" in out:
        out["replicates"] = out.replicates.round().astype(int)
    return out




def money_table(ledger: pd.DataFrame, summary: pd.DataFrame, window) -> pd.DataFrame:
    """The one money table of who pays and who saves (issue 27): per scenario and party the window's mean a
    year of ``paid`` (investments), ``saved`` (the fall in all else it spends) and the ``net`` (saved - paid,
    with net_p5, net_p95: the numbers of ``ledger_window``), the NPV with its band and the break-even year
    (``summary``: ledger_summary.csv). One sign everywhere: positive = the party is better off than the base."""
    lo, hi = window
    d = ledger[(ledger.year >= lo) & (ledger.year <= hi)]
    yearly = d.groupby(["scenario", "party"], sort=False)[["paid_mean", "saved_mean"]].mean().reset_index()
    out = ledger_window(ledger, window).merge(yearly, on=["scenario", "party"], how="left")
    keep = ["scenario", "party", "npv_mean", "npv_p5", "npv_p95", "breakeven_year"]
    return out.merge(summary[keep], on=["scenario", "party"], how="left")
