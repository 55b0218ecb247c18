"""What the experiments share: their scenarios (full and quick), runs on a worker pool, intervals as text.

An experiment's scenario is a shipped scenario file with a few keys changed (``scenario``): resolved and
validated like a file, its ``_file`` the shipped file (so the manifest records that file's hash next to the
resolved scenario's hash). ``--quick`` shrinks it to the small scenario's municipality (20,000 inhabitants
on 4 x 4 cells, the woonservicegebied ``centrum`` re-declared on 4 cells), so each experiment runs in seconds.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from sim.experiments.writer import ROOT
from sim.analysis.compare import MIN_REPLICATES_90

SCENARIOS = ROOT / "scenarios"
QUICK_MUNICIPALITY = {"inhabitants": 20000, "grid": {"width": 4, "height": 4}}
QUICK_AREAS = {"centrum": [[1, 1], [2, 1], [1, 2], [2, 2]]}   # as scenarios/small.yaml


def _merge(base: dict, child: dict) -> dict:
    out = dict(base)
    for key, value in child.items():
        out[key] = _merge(out[key], value) if isinstance(out.get(key), dict) and isinstance(value, dict) else value
    return out


def scenario(file: str, quick: bool, **changes) -> dict:
    """``scenarios/<file>`` with ``changes`` merged in (mappings key by key, as ``extends`` does), resolved;
    shrunk to the quick municipality with ``quick``."""
    from sim.model.scenario import resolve_scenario
    data = {"extends": file, **changes}
    if quick:
        data = _merge(data, {"municipality": QUICK_MUNICIPALITY, "areas": QUICK_AREAS})
    path = SCENARIOS / file
    resolved = resolve_scenario(data, file=str(path), base_dir=str(SCENARIOS))
    resolved["_file"] = str(path)
    return resolved


def workers_for(quick: bool, workers: int | None) -> int:
    return workers if workers is not None else (1 if quick else 2)


def run_tables(scenarios: list[dict], workers: int) -> pd.DataFrame:
    """Indicators of every replicate of each scenario (unpaired, each with its own seed), in task order."""
    from sim.analysis.pool import open_pool
    from sim.analysis.runner import run_indicators
    tasks = [(s, r) for s in scenarios for r in range(int(s["replicates"]))]
    with open_pool(min(workers, len(tasks))) as pool:
        tables = pool.map(run_indicators, tasks)
    return pd.concat(tables, ignore_index=True)


# ----------------------------------------------------------------------------- numbers as text
def fmt(x, digits: int = 3) -> str:
    """A number with ``digits`` significant digits, thousands separated; '-' for NaN."""
    if x is None or not np.isfinite(x):
        return "-"
    if isinstance(x, (int, np.integer)):
        return str(x)
    if abs(x) >= 10 ** digits:
        return f"{x:,.0f}"
    return f"{x:,.{digits}g}" if abs(x) >= 1 else f"{x:.{digits}g}"


def interval(mean, p5, p95, digits: int = 3) -> str:
    """'mean [p5, p95]'."""
    return f"{fmt(mean, digits)} [{fmt(p5, digits)}, {fmt(p95, digits)}]"


def replicate_note(n: int) -> str:
    """The sentence every summary carries about its intervals."""
    if n >= MIN_REPLICATES_90:
        return f"Intervals in brackets are 90 % intervals (5th-95th percentile) over {n} replicates."
    return (f"**Warning: the intervals rest on {n} replicates (fewer than {MIN_REPLICATES_90}):** the brackets give "
            f"the 5th-95th percentile of {n} runs, nearly their range, not a 90 % interval.")


def md_table(df: pd.DataFrame) -> str:
    """A DataFrame as a Markdown table (strings as they are, numbers through ``fmt``)."""
    cols = list(df.columns)
    lines = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    for row in df.itertuples(index=False):
        lines.append("| " + " | ".join(v if isinstance(v, str) else fmt(v) for v in row) + " |")
    return "\n".join(lines)


def diff_row(summary: pd.DataFrame, scenario: str, outcome: str) -> tuple:
    """(diff_mean, diff_p5, diff_p95, replicates) of one scenario and outcome of Comparison.summary()."""
    r = summary[(summary.scenario == scenario) & (summary.outcome == outcome)]
    if r.empty:
        return (np.nan, np.nan, np.nan, 0)
    r = r.iloc[0]
    return (r.diff_mean, r.diff_p5, r.diff_p95, int(r.replicates))


def level_row(summary: pd.DataFrame, scenario: str, outcome: str) -> tuple:
    r = summary[(summary.scenario == scenario) & (summary.outcome == outcome)]
    if r.empty:
        return (np.nan, np.nan, np.nan, 0)
    r = r.iloc[0]
    return (r["mean"], r.p5, r.p95, int(r.replicates) if "replicates" in r and np.isfinite(r.replicates) else 0)


def yearly_band(table: pd.DataFrame, indicators, scenarios=None) -> pd.DataFrame:
    """Per scenario, indicator and year: mean, p5, p95, n_replicates over replicates (sim.analysis.summary)."""
    from sim.analysis.summary import replicate_summary
    t = table[table.indicator.isin(list(indicators))]
    if scenarios is not None:
        t = t[t.scenario.isin(list(scenarios))]
    return replicate_summary(t, ["scenario", "indicator", "year"])


def figure_grid(n: int, ncols: int = 3, size=(4.2, 3.0)):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    nrows = int(np.ceil(n / ncols))
    fig, axes = plt.subplots(nrows, ncols, figsize=(size[0] * ncols, size[1] * nrows), squeeze=False)
    for ax in axes.flat[n:]:
        ax.set_visible(False)
    return fig, list(axes.flat[:n])


def band_plot(ax, band: pd.DataFrame, scenario: str, indicator: str, label: str, color=None, style="-"):
    b = band[(band.scenario == scenario) & (band.indicator == indicator)].sort_values("year")
    line, = ax.plot(b.year, b["mean"], style, color=color, label=label, lw=1.6)
    ax.fill_between(b.year, b.p5, b.p95, color=line.get_color(), alpha=0.15, lw=0)
    return line


def paired_contrasts(per_rep: pd.DataFrame, pairs: dict, outcomes, key: str = "outcome") -> pd.DataFrame:
    """Per contrast (name -> (arm, minus arm)) and outcome: the per-replicate difference summarised over
    replicates (mean, 5-95 %, replicates with a value). ``per_rep``: scenario, replicate, ``key``, value."""
    from sim.analysis.summary import band
    w = per_rep.pivot_table(index=[key, "replicate"], columns="scenario", values="value", dropna=False)
    rows = []
    for outcome in outcomes:
        if outcome not in w.index.get_level_values(0):
            continue
        v = w.loc[outcome]
        for name, (a, b) in pairs.items():
            if a not in v or b not in v:
                continue
            d = v[a] - v[b]
            m, p5, p95 = band(d)
            rows.append({"contrast": name, "outcome": outcome, "diff_mean": m, "diff_p5": p5, "diff_p95": p95,
                         "replicates": int(d.notna().sum())})
    return pd.DataFrame(rows, columns=["contrast", "outcome", "diff_mean", "diff_p5", "diff_p95", "replicates"])


def levels(per_rep: pd.DataFrame, outcomes, arms, key: str = "outcome") -> pd.DataFrame:
    """Per arm and outcome: mean, p5, p95, replicates of the per-replicate values."""
    from sim.analysis.summary import replicate_summary
    t = per_rep[per_rep[key].isin(list(outcomes)) & per_rep.scenario.isin(list(arms))]
    return replicate_summary(t, ["scenario", key], sort=False)
