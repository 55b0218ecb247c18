"""What the result cards compute from finished runs: key outcomes over the window with paired differences,
the headline numbers, the ledger, the Kaplan-Meier months and variant A against variant B."""
from __future__ import annotations

from collections import namedtuple

import numpy as np
import pandas as pd

from sim.workshop import appcache
from sim.workshop.app.choices import DIRECTION, MONTHS_KM, MONTHS_SPELLS
from sim.workshop.outcomes import (KEY_INDICATORS, km_differences, km_months, ledger_tables, paired_ledger, result_window,
                                   window_differences)
from sim.workshop.labels import app_text as t

# a finished run on the page; spells and yearly (the Kaplan-Meier months at home and the ledger) are None in a
# variant saved before them
Result = namedtuple("Result", ["scenario", "table", "cells", "spells", "yearly"], defaults=(None, None))


def window_outcomes(table: pd.DataFrame, base: str, window, indicators=KEY_INDICATORS, km=None) -> pd.DataFrame:
    """Per scenario and indicator: mean over the window (5-95 % over replicates) and the paired difference.

    With ``km`` (``outcomes.km_months``: per scenario and replicate) the months at home are the Kaplan-Meier
    restricted mean of compare and the report (``months_at_home_km``), in place of the mean of the spells
    that happened to end in the window (biased by censoring and truncation: sim/analysis/survival.py)."""
    lo, hi = window
    t_ = table[(table.year >= lo) & (table.year <= hi)]

    def rows_of(indicator, per_replicate, d):
        """One row per scenario: the mean and 5-95 % over its replicates, and its paired difference ``d``."""
        for name, v in per_replicate:
            values = v.to_numpy(dtype=float)
            has = name in d.index
            yield {"indicator": indicator, "scenario": name, "from_year": lo, "to_year": hi,
                   "mean": float(np.mean(values)), "low": float(np.percentile(values, 5)),
                   "high": float(np.percentile(values, 95)),
                   "diff_mean": d.loc[name, "mean"] if has else np.nan,
                   "diff_low": d.loc[name, "low"] if has else np.nan,
                   "diff_high": d.loc[name, "high"] if has else np.nan}
    rows = []
    if km is not None and len(km):
        indicators = [i for i in indicators if i != MONTHS_SPELLS]
        rows += rows_of(MONTHS_KM, km.groupby("scenario", sort=False)[MONTHS_KM],
                        km_differences(km, base).set_index("scenario"))
    for ind in indicators:
        per_rep = t_[t_.indicator == ind].groupby(["scenario", "replicate"], sort=False)["value"].mean()
        rows += rows_of(ind, per_rep.groupby(level="scenario", sort=False),
                        window_differences(table, ind, base, window).set_index("scenario"))
    return pd.DataFrame(rows)


def cue(indicator: str, low, high, lang: str) -> str:
    """'better' / 'worse' when the whole interval of the difference lies on one side of zero."""
    sign = DIRECTION.get(indicator)
    if sign is None or not np.isfinite(low) or not np.isfinite(high):
        return ""
    if low > 0 or high < 0:
        good = (low > 0) == (sign > 0)
        return f"{'▲' if low > 0 else '▼'} {t('better' if good else 'worse', lang)}"
    return t("unclear", lang)


def ledger_of(results: dict, order: list[str], window):
    """The ledger tables (``outcomes.ledger_tables``) of the scenarios in ``order`` against the first, or
    None when a run has no ledger records (an old variant) or only one scenario is shown."""
    paired = paired_ledger({n: results[n].scenario for n in order}, {n: results[n].table for n in order},
                           {n: results[n].yearly for n in order}, order, window)
    return None if paired is None else ledger_tables(paired, window)


def km_of(results: dict, window) -> pd.DataFrame:
    """Per scenario and replicate the Kaplan-Meier months at home (empty for an old variant without spells)."""
    if any(r.spells is None for r in results.values()):
        return km_months({}, window)
    return km_months({n: r.spells for n, r in results.items()}, window)


def headline(table: pd.DataFrame, costs: pd.DataFrame, name: str, base: str, window, km=None) -> dict:
    """The three numbers that matter for one comparison, each (mean, low, high) of the paired difference from
    ``base`` over the window: months at home (Kaplan-Meier with ``km``, as compare and the report), unmet need
    share, public cost a year (all parties, euros)."""
    def diff(ind):
        if ind == MONTHS_KM:
            d = km_differences(km, base).set_index("scenario")
        else:
            d = window_differences(table, ind, base, window).set_index("scenario")
        return tuple(float(d.loc[name, c]) for c in ("mean", "low", "high")) if name in d.index else (np.nan,) * 3
    total = costs.groupby(["scenario", "replicate"], sort=False)["eur"].sum().unstack("scenario")
    if name in total and base in total:    # the interval of a sum: from the per-replicate totals
        d = (total[name] - total[base]).to_numpy()
        cost = (float(d.mean()), float(np.percentile(d, 5)), float(np.percentile(d, 95)))
    else:
        cost = (np.nan,) * 3
    months = diff(MONTHS_KM) if km is not None and len(km) else diff(MONTHS_SPELLS)
    return {"months": months, "unmet": diff("unmet_need_share"), "cost": cost}


def ab_data(rec_a: dict, rec_b: dict) -> dict:
    """B − A of the first scenario with levers of each variant (else its first), paired by replicate: the key
    outcomes (Kaplan-Meier months when both have spells), the table of both runs (for the figure of the yearly
    differences), the ledger of B against A (None for a variant saved without it), the window and whether the
    pair shares seed and replicates."""
    def main(record):
        runs = appcache.variant_runs(record)
        name = next((n for n in runs if n.endswith(" + levers")), next(iter(runs)))
        return Result(*runs[name])
    a, b = main(rec_a), main(rec_b)
    results = {"A": a._replace(table=a.table.assign(scenario="A")), "B": b._replace(table=b.table.assign(scenario="B"))}
    table = pd.concat([results["A"].table, results["B"].table], ignore_index=True)
    window = result_window({"A": a.scenario, "B": b.scenario})
    paired = a.scenario["seed"] == b.scenario["seed"] and a.scenario["replicates"] == b.scenario["replicates"]
    km = km_of(results, window)
    return {"outcomes": window_outcomes(table, "A", window, km=km), "table": table, "window": window,
            "paired": paired, "ledger": ledger_of(results, ["A", "B"], window) if paired else None}


def investment_cells(scenario: dict) -> list[tuple[int, int]]:
    """The neighbourhoods of the scenario's investments that are not town-wide (the place a group built on)."""
    grid = scenario["municipality"]["grid"]
    everywhere = grid["width"] * grid["height"]
    return sorted({tuple(c) for inv in scenario["investments"] if len(inv["cells"]) < everywhere
                   for c in inv["cells"]})


def area_effect(results: dict, name: str, base: str) -> dict | None:
    """The effect where it is built: in the neighbourhoods of ``name``'s local investments and in the whole town,
    in the last simulated year, paired by replicate against ``base`` (mean, lowest and highest over the
    replicates): unmet care need (share of hours) and falls per 1,000 residents 65+; and what the local
    investments cost (one-off and a year, all payers). None when ``name`` has no local investment."""
    cells = investment_cells(results[name].scenario)
    if not cells or results[name].cells is None or results[base].cells is None:
        return None

    def per_replicate(frame, inside):
        f = frame[frame.set_index(["x", "y"]).index.isin(cells)] if inside else frame
        s = f.groupby("replicate")[["hours_unmet", "hours_needed", "falls", "residents_65plus"]].sum()
        return pd.DataFrame({"unmet_need_share": s.hours_unmet / s.hours_needed.where(s.hours_needed > 0),
                             "falls_per_1000_65plus": 1000 * s.falls / s.residents_65plus.where(s.residents_65plus > 0)})
    out = {"cells": cells, "year": int(results[name].scenario["end_year"]), "rows": []}
    for indicator in ("unmet_need_share", "falls_per_1000_65plus"):
        row = {"indicator": indicator}
        for where, inside in (("area", True), ("town", False)):
            d = (per_replicate(results[name].cells, inside)[indicator]
                 - per_replicate(results[base].cells, inside)[indicator]).dropna()
            row[where] = (float(d.mean()), float(d.min()), float(d.max())) if len(d) else (np.nan,) * 3
        out["rows"].append(row)
    from sim.model.parameters import make_params
    from sim.workshop.appcache import investment_preview
    scenario = results[name].scenario
    params = make_params(scenario.get("parameters") or {})
    local = [investment_preview(inv, params) for inv in scenario["investments"] if set(map(tuple, inv["cells"])) <= set(cells)]
    out["one_off"] = sum(c["one_off"] for c in local)
    out["yearly"] = sum(c["yearly"] + c["by_use"] for c in local)
    return out
