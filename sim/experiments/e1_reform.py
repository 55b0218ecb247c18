"""E1 The reform, decomposed (2010-2025): the enacted reform against its counterfactual (no_reform), and its
parts one at a time on the counterfactual (the access rules, the capacity path, each wave of access rules),
plus the transitional right (the enacted reform with and without it), and the reform against no reform on each
named no-reform capacity path (sim/experiments/e1_paths.py: no source gives that path, so the reform's effect is
reported as a range over the paths, with which answers hold on every path). All arms run paired (the same seed,
replicate r on particle r of the calibrated ensemble: the intervals include parameter uncertainty); the
enacted arm is validated against the held-out observed figures of 2016 on (calibration/targets.csv rows
with role ``validate``)."""
from __future__ import annotations

import numpy as np
import pandas as pd

from sim.experiments import e1_paths
from sim.experiments.base import ExperimentOutput
from sim.experiments.common import (fmt, interval, md_table, replicate_note, run_tables, scenario, workers_for,
                                    yearly_band, figure_grid, band_plot)
from sim.analysis.summary import band

NAME = "e1_reform"
TITLE = "E1 The reform, decomposed"
QUESTION = ("What did the 2013-2016 long-term-care reform change (admissions, clients at home by sector, Wlz/Wmo/Zvw "
            "spending, informal care, unmet need), and which of its parts - the access rules per package and year, "
            "the capacity path, the transitional right - did it?")
RUNTIME = {"quick": "18 s at load average 5.0 (12 arms)",
           "full": "24.2 min at load average 12.8 (2 workers) with 8 arms; 12 arms since issue 25 (not measured)"}

START, END, FROM = 2010, 2025, 2013          # run years; the summary window is the reform years FROM-END
QUICK_END = 2016   # quick: still two held-out validation years (2016) and the whole schedule
REPLICATES, QUICK_REPLICATES = 20, 2
NO_REFORM_CAPACITY = e1_paths.PATHS[e1_paths.REFERENCE][0]   # as scenarios/no_reform.yaml
WAVES = {   # the enacted schedule (sim/model/mechanisms/policy.py ENACTED_CUTS) by the year its cuts start
    "wave_2013": {"VV1": 2013, "VV2": 2013, "VG1": 2013, "VG2": 2013, "GGZ1": 2013, "GGZ2": 2013},
    "wave_2014": {"VV3": 2014},
    "wave_2015_16": {"VG3": 2015, "VV4": 2016, "LG1": 2016, "LG3": 2016, "ZG1": 2016},
}
# arm -> (scenario file, keys changed); the first is the reference of the pairing
ARMS = {
    "no_reform": ("no_reform.yaml", {}),
    "enacted": ("baseline.yaml", {}),
    "access_rules_only": ("baseline.yaml", {"policy": {"capacity": NO_REFORM_CAPACITY}}),
    "capacity_only": ("no_reform.yaml", {"policy": {"capacity": {"observed_until": 2023}}}),
    **{f"{w}_only": ("no_reform.yaml", {"policy": {"cuts": cuts}}) for w, cuts in WAVES.items()},
    "no_transitional_right": ("baseline.yaml", {"policy": {"transitional_right": False}}),
    **e1_paths.arms(),   # no reform on the other named capacity paths
}
# contrast -> (arm, minus arm, what it is)
CONTRASTS = {
    "reform": ("enacted", "no_reform", "the enacted reform against no reform"),
    "access_rules": ("access_rules_only", "no_reform", "the enacted access rules alone (capacity as without the reform)"),
    "capacity_path": ("capacity_only", "no_reform", "the observed capacity path alone (pre-2013 access rules)"),
    "wave_2013": ("wave_2013_only", "no_reform", "VV1-2, VG1-2, GGZ1-2 cut from 2013, alone"),
    "wave_2014": ("wave_2014_only", "no_reform", "VV3 cut from 2014, alone"),
    "wave_2015_16": ("wave_2015_16_only", "no_reform", "VG3 (half) 2015, VV4 (a quarter), LG1, LG3, ZG1 2016, alone"),
    "transitional_right": ("enacted", "no_transitional_right",
                           "the transitional right: the enacted reform with it against without it"),
    **e1_paths.contrasts(),
}
OUTCOMES = {   # indicator -> label
    "intramural_admissions_per_1000": "intramural admissions per 1,000",
    "clients_institution_VV_per_1000": "VV clients in an institution per 1,000",
    "clients_home_VV_per_1000": "VV clients at home per 1,000",
    "clients_home_VG_per_1000": "VG clients at home per 1,000",
    "clients_home_GGZ_per_1000": "GGZ clients at home per 1,000",
    "clients_home_LG_per_1000": "LG clients at home per 1,000",
    "clients_home_ZG_per_1000": "ZG clients at home per 1,000",
    "cost_wlz_per_capita": "Wlz spending, EUR per inhabitant",
    "cost_wmo_per_capita": "Wmo spending, EUR per inhabitant",
    "cost_zvw_per_capita": "Zvw spending, EUR per inhabitant",
    "cost_total_per_capita": "total care spending, EUR per inhabitant",
    "mantelzorg_hours_per_1000": "informal care hours per 1,000",
    "unmet_need_share": "unmet need (share of hours needed)",
    "waiting_list_per_1000": "waiting list per 1,000",
}
MAIN_OUTCOMES = ("intramural_admissions_per_1000", "clients_home_VV_per_1000", "cost_wlz_per_capita",
                 "cost_wmo_per_capita", "cost_zvw_per_capita", "mantelzorg_hours_per_1000", "unmet_need_share",
                 "waiting_list_per_1000", "clients_institution_VV_per_1000")


def arms(quick: bool, replicates: int) -> list[dict]:
    """The paired arms: the same seed and replicates, the calibrated ensemble (particle r for replicate r)."""
    from sim.analysis.compare import paired_scenarios
    end = QUICK_END if quick else END
    out = [scenario(file, quick, name=name, start_year=START, end_year=end,
                    parameters={"calibrated": "ensemble"}, **changes) for name, (file, changes) in ARMS.items()]
    return paired_scenarios(out, replicates, effect_priors=False)


def window_means(table: pd.DataFrame, lo: int, hi: int) -> pd.DataFrame:
    """Per scenario, replicate and indicator: the mean of its yearly values in lo-hi (NaN years left out)."""
    t = table[(table.year >= lo) & (table.year <= hi) & table.indicator.isin(list(OUTCOMES))]
    return t.groupby(["scenario", "replicate", "indicator"], sort=False).value.mean().reset_index()


def contrasts(per_rep: pd.DataFrame) -> pd.DataFrame:
    """Per contrast and outcome: paired difference (mean, 5-95 %) over replicates; plus the interaction
    (reform minus the access rules alone minus the capacity path alone)."""
    w = per_rep.pivot_table(index=["indicator", "replicate"], columns="scenario", values="value", dropna=False)
    rows = []
    for outcome in OUTCOMES:
        if outcome not in w.index.get_level_values(0):
            continue
        v = w.loc[outcome]
        diffs = {c: v[a] - v[b] for c, (a, b, _) in CONTRASTS.items()}
        diffs["interaction"] = diffs["reform"] - diffs["access_rules"] - diffs["capacity_path"]
        for c, d in diffs.items():
            m, p5, p95 = band(d)
            rows.append({"contrast": c, "outcome": outcome, "diff_mean": m, "diff_p5": p5, "diff_p95": p95,
                         "replicates": int(d.notna().sum())})
    return pd.DataFrame(rows)


def validation(table: pd.DataFrame) -> pd.DataFrame:
    """The enacted arm against the held-out observed rows (role validate) from 2016 that the run covers."""
    from sim.model.indicators import INDICATORS
    from sim.analysis.calibrate_config import read_targets
    from sim.analysis.validate import compare
    from sim.experiments.writer import ROOT
    targets = read_targets(ROOT / "calibration" / "targets.csv", INDICATORS)
    lo, hi = int(table.year.min()), int(table.year.max())
    rows = targets[(targets.role == "validate") & (targets.year >= 2016) & (targets.year >= lo) & (targets.year <= hi)]
    return compare(rows.reset_index(drop=True), table[table.scenario == "enacted"])


# ----------------------------------------------------------------------------- figures
def forest(con: pd.DataFrame):
    order = list(CONTRASTS) + ["interaction"]
    fig, axes = figure_grid(len(MAIN_OUTCOMES), ncols=3, size=(4.4, 3.2))
    for ax, outcome in zip(axes, MAIN_OUTCOMES):
        c = con[con.outcome == outcome].set_index("contrast").reindex(order)
        y = np.arange(len(order))[::-1]
        ax.axvline(0, color="k", lw=0.7)
        ax.hlines(y, c.diff_p5, c.diff_p95, color="0.45", lw=2)
        ax.plot(c.diff_mean, y, "o", color="tab:blue")
        ax.set_yticks(y, [o.replace("_", " ") for o in order], fontsize=7)
        ax.set_title(OUTCOMES[outcome], fontsize=8)
        ax.tick_params(axis="x", labelsize=7)
    fig.suptitle(f"The reform and its parts: paired difference, mean {FROM}-end (90 % interval)", fontsize=9)
    fig.tight_layout()
    return fig


def timeseries(bands: pd.DataFrame):
    shown = ("intramural_admissions_per_1000", "clients_home_VV_per_1000", "cost_wlz_per_capita",
             "cost_wmo_per_capita", "mantelzorg_hours_per_1000", "unmet_need_share")
    fig, axes = figure_grid(len(shown), ncols=3)
    for ax, ind in zip(axes, shown):
        for arm, color in (("no_reform", "tab:gray"), ("enacted", "tab:red"), ("access_rules_only", "tab:blue"),
                           ("capacity_only", "tab:green")):
            band_plot(ax, bands, arm, ind, arm.replace("_", " "), color)
        ax.set_title(OUTCOMES[ind], fontsize=8)
        ax.tick_params(labelsize=7)
        ax.axvline(FROM - 0.5, color="k", lw=0.5, ls=":")
    axes[0].legend(fontsize=7)
    fig.tight_layout()
    return fig


def validation_figure(val: pd.DataFrame):
    import matplotlib.pyplot as plt
    fig, ax = plt.subplots(figsize=(7, 0.4 * max(len(val), 1) + 1.4))
    y = np.arange(len(val))[::-1]
    z = (val.simulated_mean - val.observed) / val.tolerance
    lo = (val.simulated_p05 - val.observed) / val.tolerance
    hi = (val.simulated_p95 - val.observed) / val.tolerance
    ax.axvspan(-1, 1, color="tab:green", alpha=0.15, label="within tolerance")
    ax.hlines(y, lo, hi, color="0.4", lw=2)
    ax.plot(z, y, "o", color="tab:blue", label="enacted, simulated mean (90 % interval)")
    ax.set_yticks(y, [f"{r.indicator} {r.year}" for r in val.itertuples()], fontsize=7)
    ax.axvline(0, color="k", lw=0.7)
    ax.set_xlabel("(simulated - observed) / tolerance")
    ax.legend(fontsize=7)
    fig.tight_layout()
    return fig


# ----------------------------------------------------------------------------- the experiment
def run(quick: bool, workers: int | None = None) -> ExperimentOutput:
    replicates = QUICK_REPLICATES if quick else REPLICATES
    scenarios = arms(quick, replicates)
    table = run_tables(scenarios, workers_for(quick, workers))
    end = scenarios[0]["end_year"]
    per_rep = window_means(table, FROM, end)
    con = contrasts(per_rep)
    bands = yearly_band(table, OUTCOMES)
    val = validation(table)
    from sim.analysis.validate import score
    sc = score(val)
    n = replicates
    paths = path_table(con)
    summary = _summary(quick, scenarios, end, n, *_result_tables(con, per_rep, val), sc, paths)
    return ExperimentOutput(
        summary=summary, conclusion=_conclusion(con, end, n, sc, paths), main_figure="reform_parts",
        figures={"reform_parts": forest(con), "timeseries": timeseries(bands), "validation": validation_figure(val)},
        tables={"contrasts": con, "yearly": bands, "window_values": per_rep, "validation": val,
                "reform_by_path": paths},
        scenarios=scenarios, seeds=[scenarios[0]["seed"]], replicates=n,
        extra={"window": [FROM, end], "arms": {k: v[0] for k, v in ARMS.items()},
               "validation_score": sc})


def path_table(con: pd.DataFrame) -> pd.DataFrame:
    """Per main outcome: the reform's effect (mean, 5-95 %) on every named no-reform path, the range of the
    means and whether it holds on every path (sim/experiments/e1_paths.py)."""
    wide = e1_paths.by_path(con, {o: OUTCOMES[o] for o in MAIN_OUTCOMES})
    return wide.assign(**{p: [interval(*v) for v in wide[p]] for p in e1_paths.PATHS}) if len(wide) else wide


def _result_tables(con: pd.DataFrame, per_rep: pd.DataFrame, val: pd.DataFrame) -> tuple[str, str, str]:
    """The summary's tables in markdown: the contrasts, the two arms' levels, the validation rows."""
    def row(contrast, outcome, digits=3):
        r = con[(con.contrast == contrast) & (con.outcome == outcome)].iloc[0]
        return interval(r.diff_mean, r.diff_p5, r.diff_p95, digits)

    key = ("intramural_admissions_per_1000", "clients_home_VV_per_1000", "cost_wlz_per_capita", "cost_wmo_per_capita",
           "cost_zvw_per_capita", "mantelzorg_hours_per_1000", "unmet_need_share")
    results_table = pd.DataFrame([{"contrast": c, **{OUTCOMES[o]: row(c, o) for o in key}}
                                  for c in list(CONTRASTS) + ["interaction"]])
    level = per_rep[per_rep.scenario.isin(["no_reform", "enacted"])].groupby(["scenario", "indicator"]).value.apply(
        lambda v: interval(*band(v))).unstack("scenario").reindex(list(OUTCOMES))
    levels = pd.DataFrame({"outcome": [OUTCOMES[o] for o in level.index], "no reform": level["no_reform"].tolist(),
                           "enacted": level["enacted"].tolist()})
    val_rows = val.assign(simulated=[interval(m, a, b) for m, a, b in zip(val.simulated_mean, val.simulated_p05,
                                                                             val.simulated_p95)])
    val_md = md_table(val_rows[["indicator", "year", "observed", "tolerance", "simulated", "within_tolerance",
                                "in_interval"]])
    return md_table(results_table), md_table(levels), val_md


def _summary(quick: bool, scenarios: list[dict], end: int, n: int, results_md: str, levels_md: str, val_md: str,
             sc: dict, paths: pd.DataFrame) -> str:
    """The summary: question, design (the arms), results with the validation, limitations."""
    return f"""## Question

{QUESTION}

## Design

{len(ARMS)} arms, {START}-{end}, paired: every arm runs with the same seed and replicate numbers (common random numbers),
and replicate r of every arm runs particle r of a weighted resample of the calibrated ensemble
(`parameters: {{calibrated: ensemble}}`, calibration/ensemble.parquet), so each interval includes parameter
uncertainty. {n} replicates per arm; the municipality of scenarios/baseline.yaml
({scenarios[0]['municipality']['inhabitants']:,} inhabitants{', the quick size' if quick else ''}); no investments;
fixed effect sizes.

| arm | scenario | what differs |
|---|---|---|
| no_reform | no_reform.yaml | pre-2013 access rules; capacity observed through 2012, then following demand |
| enacted | baseline.yaml | the enacted access rules 2013-2016 and the observed capacity path through 2023 |
| access_rules_only | baseline.yaml | enacted access rules, capacity as no_reform |
| capacity_only | no_reform.yaml | pre-2013 access rules, the observed capacity path through 2023 |
| wave_2013_only, wave_2014_only, wave_2015_16_only | no_reform.yaml | one year's package cuts (`policy.cuts`) |
| no_transitional_right | baseline.yaml | `policy.transitional_right: false`: packages indicated before a cut lose access too |
{_path_arm_rows()}

A contrast is a per-replicate difference of the outcome's mean over {FROM}-{end} between two arms, then
summarised over replicates. The interaction is the reform minus the access rules alone minus the capacity path
alone: what the two parts do only together.

## Results

{replicate_note(n)} Differences, mean {FROM}-{end}:

{results_md}

**The reform over the no-reform capacity paths.** No source gives the capacity path without the reform, so the
reform (the enacted arm) is compared with no reform on each named path: the observed places through
{e1_paths.OBSERVED_UNTIL}, then

{_path_list()}

The reform's effect, mean {FROM}-{end}, on each path, and whether it holds on every path (every path's 90 %
interval on the same side of 0) or turns on the path:

{_path_md(paths)}

Levels, mean {FROM}-{end}:

{levels_md}

**Validation** of the enacted arm against the observed figures from 2016 that the calibration never saw
(calibration/targets.csv, role `validate`, years within the run): {sc['within']} of {sc['n']} within tolerance,
{sc['in_interval']} of {sc['n_interval']} with the observed figure in the 90 % interval, RMS score {fmt(sc['rms_z'])}
(root mean square of (simulated - observed) / tolerance).

{val_md}

## Limitations

- The counterfactual's capacity path has no source: the reform's effect is therefore given over
  {len(e1_paths.PATHS)} named paths (above), of which only the TNO growth rate and the 2000-2010 trend are
  published figures, and neither is a plan for the years without the reform. The parts of the reform (access
  rules, capacity path, waves, interaction) are measured on the first path (follow_demand, scenarios/no_reform.yaml)
  only. On the paths that build little the no-reform waiting list grows (with the 2000-2010 trend to about 20 per
  1,000 by 2040, outside calibration/plausibility.csv: scenarios/no_reform.yaml), a counterfactual the AWBZ,
  which kept waiting lists short, would hardly have kept; the range is wide on purpose.
- The parts do not add up: the access rules and the capacity path interact (the interaction row), so a part's
  effect is its effect alone on the counterfactual, not its share of the reform.
- The transitional right is modelled by the month of indication: packages indicated before a cut keep access;
  without it a package loses access from the cut's January. Nobody already inside is moved out in either case.
- Spending is at the model's tariffs (sim/model/parameters.yaml), not observed budgets; the Wmo line includes the
  beschermd wonen moved to the municipalities in 2015.
{'- Quick mode: a 20,000-inhabitant municipality, ' + str(end - START + 1) + ' years, 2 replicates: a smoke test, not a result.' if quick else ''}
"""


def _path_arm_rows() -> str:
    return "\n".join(f"| {e1_paths.arm(p)} | no_reform.yaml | capacity path `{p}`: places {what} |"
                     for p, (_, what, _) in e1_paths.PATHS.items() if p != e1_paths.REFERENCE)


def _path_list() -> str:
    return "\n".join(f"- `{p}`: places {what} ({footing})" for p, (_, what, footing) in e1_paths.PATHS.items())


def _path_md(paths: pd.DataFrame) -> str:
    if not len(paths):
        return "(no outcome with a value on every path)"
    shown = paths.assign(range=[f"{fmt(lo)} to {fmt(hi)}" for lo, hi in zip(paths.low, paths.high)])
    return md_table(shown[["label", *e1_paths.PATHS, "range", "verdict"]].rename(columns={"label": "outcome"}))


def _conclusion(con: pd.DataFrame, end: int, n: int, sc: dict, paths: pd.DataFrame) -> str:
    """One paragraph: the reform's effect on admissions and Wlz spending, its parts alone, the validation."""
    r_adm = con[(con.contrast == "reform") & (con.outcome == "intramural_admissions_per_1000")].iloc[0]
    r_wlz = con[(con.contrast == "reform") & (con.outcome == "cost_wlz_per_capita")].iloc[0]
    a_adm = con[(con.contrast == "access_rules") & (con.outcome == "intramural_admissions_per_1000")].iloc[0]
    c_adm = con[(con.contrast == "capacity_path") & (con.outcome == "intramural_admissions_per_1000")].iloc[0]
    return (f"Over {FROM}-{end} the reform changed intramural admissions by "
            f"{interval(r_adm.diff_mean, r_adm.diff_p5, r_adm.diff_p95)} per 1,000 a year and Wlz spending by "
            f"EUR {interval(r_wlz.diff_mean, r_wlz.diff_p5, r_wlz.diff_p95)} per inhabitant; the access rules "
            f"alone {fmt(a_adm.diff_mean)}, the capacity path alone {fmt(c_adm.diff_mean)} admissions per 1,000 "
            f"({n} replicates), all against no reform with places that {e1_paths.PATHS[e1_paths.REFERENCE][1]} "
            f"(an assumption). " + (e1_paths.conclusion_sentence(paths, fmt) + " " if len(paths) else "") +
            f"Validation: {sc['within']} of {sc['n']} held-out figures within tolerance, "
            f"{sc['in_interval']} of {sc['n_interval']} in the 90 % interval.")
