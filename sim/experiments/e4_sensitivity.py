"""E4 What drives the answers: Sobol indices of the headline outputs of E1 and E2.

A sweep (sim/analysis/sweep.py, design ``sobol``, ``seeds: common``) over every uncertain parameter with a
stated range: the effect sizes with a ``prior`` in parameters.yaml and the free parameters of the
calibration (their prior ranges in calibration/config.yaml), plus a dummy that enters nothing. Each design
point runs the reform, no_reform and wsg_full arms with common random numbers (sim/experiments/e4_arms.py);
the indices come from sim/analysis/sensitivity.py (SALib). The sweep runs in a temporary folder; nothing is
written by ``run``.
"""
from __future__ import annotations

import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from sim.experiments.base import ExperimentOutput
from sim.experiments.e4_arms import OUTPUTS
from sim.model.loader import read_yaml
from sim.model.parameters import footing, parameter_records
from sim.model.scenario import load_scenario, resolve_scenario
from sim.analysis.sensitivity import analyze
from sim.analysis.sweep import run_sweep

NAME = "e4_sensitivity"
TITLE = "E4 What drives the answers"
QUESTION = ("Which uncertain parameters decide the reform's net saving and unmet need (E1) and the "
            "woonservicegebied's net cost and months at home (E2), and where would collecting data help most?")

ROOT = Path(__file__).resolve().parents[2]
CALIBRATION_CONFIG = ROOT / "calibration" / "config.yaml"
WSG_FULL = ROOT / "scenarios" / "wsg_full.yaml"
SEED = 20240601
DUMMY = "dummy"
RUNNER = "sim.experiments.e4_arms:run_headline"
OUTPUT_LABELS = {
    "e1_net_saving_per_inhabitant_year": "E1 net saving, EUR per inhabitant-year",
    "e1_unmet_need_change_pp": "E1 change in unmet need, percentage points",
    "e2_net_cost_per_inhabitant_year": "E2 wsg_full net cost, EUR per inhabitant-year",
    "e2_months_at_home_gain": "E2 months at home gained (KM)",
}
# full: the small municipality (20,000 inhabitants, 4 x 4) 2010-2025, base N 16 (352 points, 1,056 model runs:
# about 12 minutes on 2 idle cores); quick: 1,000 inhabitants 2013-2016, three parameters and the dummy, N 2
FULL = {"n": 16, "start_year": 2010, "end_year": 2025, "inhabitants": 20000, "grid": None, "subset": None}
QUICK = {"n": 2, "start_year": 2013, "end_year": 2016, "inhabitants": 1000, "grid": 2,
         "subset": ("parameters.capacity_vv_per_80plus", "parameters.decline_dwelling_adapted",
                    "parameters.admit_request_month")}
E1_FROM, E2_FROM = 2013, 2016
MATERIAL = 0.05   # smallest total index (lower bound of its interval) that makes a parameter worth a data collection


def source_kind(name: str) -> str:
    """'source', 'set' (by hand, to a figure) or 'assumption' for a model parameter; the calibration's derived
    ones by what they move."""
    derived = {"mort_gompertz_a_scale": "mort_gompertz_a_male", "need_threshold_shift": "need_threshold_vv1"}
    return footing(parameter_records()[derived.get(name, name)])


def uncertain_parameters() -> dict[str, dict]:
    """Sweep spec per varied key: every ``prior`` of parameters.yaml (uniform or triangular) and every free
    parameter of calibration/config.yaml (its prior: uniform bounds or a normal truncated to its range)."""
    specs, origin = {}, {}
    for name, r in parameter_records().items():
        if "prior" in r:
            pr = [float(x) for x in r["prior"]]
            specs[f"parameters.{name}"] = ({"bounds": pr} if len(pr) == 2 else
                                           {"distribution": "triangular", "low": pr[0], "mode": pr[1], "high": pr[2]})
            origin[f"parameters.{name}"] = "effect prior"
    config = read_yaml(str(CALIBRATION_CONFIG), "calibration config")[0]
    for name, c in config["parameters"].items():
        specs[f"parameters.{name}"] = ({"bounds": [c["low"], c["high"]]} if c["prior"] == "uniform" else
                                       {"distribution": "truncnormal", "mean": c["mean"], "sd": c["sd"],
                                        "low": c["low"], "high": c["high"]})
        origin[f"parameters.{name}"] = "calibrated (prior)"
    return {k: dict(spec=v, origin=origin[k]) for k, v in specs.items()}


def base_scenario(settings: dict) -> dict:
    """The design points' base: small.yaml (calibrated posterior mean, effect priors off: E4 varies them
    itself), the years and size of ``settings``, and the headline settings the runner reads."""
    s = load_scenario(ROOT / "scenarios" / "small.yaml")
    data = {k: v for k, v in s.items() if not k.startswith("_")}
    data.update(name="e4_base", start_year=settings["start_year"], end_year=settings["end_year"], effect_priors=False,
                municipality=dict(data["municipality"], inhabitants=settings["inhabitants"]))
    if settings["grid"]:
        g = settings["grid"]
        data["municipality"]["grid"] = {"width": g, "height": g}
        data["areas"] = {"centrum": [[0, 0], [0, 1]]}
    resolved = {k: v for k, v in resolve_scenario(data).items() if not k.startswith("_")}
    wsg = read_yaml(str(WSG_FULL), "scenario file")[0]["investments"]
    resolved["headline"] = {"wsg_investments": wsg, "e1_from": E1_FROM, "e2_from": E2_FROM}
    return resolved


def sweep_document(settings: dict, base_file: str, params: dict) -> dict:
    varied = {k: v["spec"] for k, v in params.items()}
    varied[DUMMY] = {"bounds": [0.0, 1.0]}
    return {"name": "e4_sensitivity", "base": base_file, "seed": SEED, "seeds": "common", "design": "sobol",
            "runs": settings["n"], "replicates": 1, "runner": RUNNER, "parameters": varied,
            "outputs": {"indicators": list(OUTPUTS), "years": [settings["end_year"]]}}


def _design_values(folder: Path) -> pd.DataFrame:
    from sim.analysis.sweep import load_results
    return load_results(folder)


def _uncertainty(values: pd.DataFrame, d: int) -> pd.DataFrame:
    """The headline outputs over the parameter sample: the A and B rows of the Saltelli design (independent
    draws from the ranges), mean and 5th-95th percentile."""
    from sim.analysis.summary import band
    block = d + 2
    ab = values[(values.point % block == 0) | (values.point % block == block - 1)]
    rows = []
    for o in OUTPUTS:
        m, lo, hi = band(ab.loc[ab.indicator == o, "value"])
        rows.append({"output": o, "label": OUTPUT_LABELS[o], "mean": m, "p5": lo, "p95": hi,
                     "points": int((ab.indicator == o).sum())})
    return pd.DataFrame(rows)


def sign_robustness(p5: float, p95: float) -> str:
    """Whether an output's sign holds over the parameter ranges: its 90 % interval on one side of 0, or not."""
    if p5 > 0 or p95 < 0:
        return "the sign holds over the ranges (the 90 % interval excludes 0)"
    return "its sign is not robust (the 90 % interval spans 0)"


def data_collection(indices: pd.DataFrame, params: dict) -> pd.DataFrame:
    """Per parameter: its largest total index over the four outputs (and which), its source kind and whether
    a data collection would most improve the answers: ST above the dummy's noise floor and no source."""
    noise = indices[indices.parameter == DUMMY]
    # the dummy is exactly 0 with common random numbers; a total index counts only when its lower bound is
    # above the dummy's and above MATERIAL (a parameter moving less than 5 % of the variance is not worth data)
    floor = max(MATERIAL, float((noise.ST + noise.ST_conf).max()) if len(noise) else 0.0)
    rows = []
    for name, g in indices[indices.parameter != DUMMY].groupby("parameter", sort=False):
        top = g.loc[g.ST.fillna(-1).idxmax()]
        short = name.removeprefix("parameters.")
        kind = source_kind(short)
        rows.append({"parameter": short, "origin": params[name]["origin"], "source_kind": kind,
                     "ST_max": float(top.ST), "ST_conf": float(top.ST_conf), "S1": float(top.S1),
                     "output": top.indicator, "above_noise": bool(top.ST - top.ST_conf > floor),
                     "collect_data": bool(top.ST - top.ST_conf > floor and kind != "source")})
    t = pd.DataFrame(rows).sort_values("ST_max", ascending=False, ignore_index=True)
    t.insert(0, "rank", np.arange(1, len(t) + 1))
    t.attrs["noise_floor"] = floor
    return t


def _figures(indices: pd.DataFrame):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, axes = plt.subplots(1, len(OUTPUTS), figsize=(4.6 * len(OUTPUTS), 0.3 * indices.parameter.nunique() + 2),
                             sharey=False, squeeze=False)
    for ax, o in zip(axes.flat, OUTPUTS):
        g = indices[indices.indicator == o].sort_values("ST", na_position="first")
        y = np.arange(len(g))
        ax.barh(y + 0.2, g.ST, 0.4, xerr=g.ST_conf, color="#0072B2", label="total ST", capsize=2)
        ax.barh(y - 0.2, g.S1, 0.4, xerr=g.S1_conf, color="#E69F00", label="first order S1", capsize=2)
        ax.set_yticks(y, [p.removeprefix("parameters.") for p in g.parameter], fontsize=7)
        ax.set_title(OUTPUT_LABELS[o], fontsize=9)
        ax.set_xlabel("Sobol index (95 % bootstrap interval)")
        ax.axvline(0, color="grey", lw=0.5)
    axes.flat[0].legend(fontsize=7, loc="lower right")
    fig.tight_layout()
    return {"e4_sobol": fig}


def _summary(indices, collect, uncertainty, settings, d, points, seconds):
    floor = collect.attrs.get("noise_floor", 0.0)
    quick_note = (" (quick mode: only " + ", ".join(p.removeprefix("parameters.") for p in settings["subset"]) +
                  " and the dummy are varied)") if settings["subset"] else ""
    lines = ["## Question", "", QUESTION, "",
             "## Design", "", f"Sobol/Saltelli design (SALib, base N = {settings['n']}, {d} varied keys, {points} design "
             f"points, 3 model runs each: reform, no_reform, wsg_full with common random numbers; `seeds: common` across "
             f"points) on the small municipality ({settings['inhabitants']:,} inhabitants), {settings['start_year']}-"
             f"{settings['end_year']}, one replicate per point{quick_note}. Varied: every effect size with a `prior` "
             "in sim/model/parameters.yaml (uniform or triangular) and every free parameter of the calibration "
             "(calibration/config.yaml priors; the other parameters at the calibrated posterior mean), and a dummy "
             "that enters nothing (its indices are the estimator's noise). The remaining assumption parameters have "
             "validity bounds, not priors, in parameters.yaml and are held at their values. Outputs: E1 the reform's "
             f"net public saving per inhabitant-year vs no_reform and its change in unmet need (mean over {E1_FROM}-"
             f"end), E2 wsg_full's net public cost per inhabitant-year vs the baseline (investments included) and "
             f"the months at home gained (Kaplan-Meier, spells seen {E2_FROM}-end). Indices with 95 % bootstrap "
             "intervals (SALib).", "",
             "## Results", "", "The headline outputs over the parameter ranges (A and B rows of the design, "
             "independent draws):", "",
             "| output | mean | 90 % interval | points | sign |", "|---|---|---|---|---|"]
    for _, r in uncertainty.iterrows():
        lines.append(f"| {r.label} | {r['mean']:.3g} | {r.p5:.3g} to {r.p95:.3g} | {r.points} | "
                     f"{sign_robustness(r.p5, r.p95)} |")
    lines += ["", "The E1 outputs compare the reform with its no-reform arm on the base scenario's capacity path "
              "(the access rules only); E1 gives the reform's effect over the named no-reform capacity paths "
              "(sim/experiments/e1_paths.py)."]
    lines += ["", "The three largest total indices per output:", "", "| output | parameter | ST | S1 |", "|---|---|---|---|"]
    for o in OUTPUTS:
        g = indices[(indices.indicator == o) & (indices.parameter != DUMMY)].sort_values("ST", ascending=False).head(3)
        for _, r in g.iterrows():
            lines.append(f"| {OUTPUT_LABELS[o]} | {r.parameter.removeprefix('parameters.')} | "
                         f"{r.ST:.2f} +- {r.ST_conf:.2f} | {r.S1:.2f} +- {r.S1_conf:.2f} |")
    want = collect[collect.collect_data]
    dummy = indices[indices.parameter == DUMMY]
    lines += ["", f"The dummy's total index is {dummy.ST.abs().max():.3f} for every output: with common random numbers a "
              "parameter that enters nothing moves nothing, so the design itself is sound; the estimator's noise for the "
              "real parameters is their bootstrap interval. Several total indices exceed 1 with intervals about as wide: "
              "at this N the ranking of the first few is the finding.",
              f"Where a data collection would most improve the answers (lower bound of the total index above {floor:.2f} "
              "and no source, only an assumption): " +
              (", ".join(f"`{r.parameter}` (ST {r.ST_max:.2f} +- {r.ST_conf:.2f} on {OUTPUT_LABELS[r.output]})" for _, r in want.iterrows())
               if len(want) else "none above the noise floor at this sample size") + ".", "",
             "## Limitations", "", "The base N is small (full mode must fit 15 minutes on 2 cores): the intervals are wide and "
             "indices below about their interval are not distinguishable from zero; the ranking of the top parameters "
             "is the finding, not the third decimal. One municipality of 20,000 (4 x 4 cells) stands for the "
             "baseline's 100,000; one replicate per point with common random numbers, so the indices are for that "
             "population draw. Assumption parameters without a prior are not varied (see the design)."]
    if seconds is not None:
        lines += ["", f"Runtime: {seconds:.0f} s for {points * 3} model runs."]
    return "\n".join(lines)


def run(quick: bool, workers: int | None = None) -> ExperimentOutput:
    started = time.perf_counter()
    settings = QUICK if quick else FULL
    params = uncertain_parameters()
    if settings["subset"]:
        params = {k: params[k] for k in settings["subset"]}
    base = base_scenario(settings)
    document = None
    with tempfile.TemporaryDirectory(prefix="langerthuis-e4-") as tmp:
        tmp = Path(tmp)
        (tmp / "base.yaml").write_text(yaml.safe_dump(base, sort_keys=False), encoding="utf-8")
        document = sweep_document(settings, "base.yaml", params)
        (tmp / "sweep.yaml").write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
        folder = tmp / "sweep"
        counts = run_sweep(tmp / "sweep.yaml", folder, workers=0 if quick and workers is None else workers,
                           progress=False)
        if counts["failed"]:
            first = sorted((folder / "failed").glob("*.json"))[0]
            raise RuntimeError(f"e4: {counts['failed']} of {counts['total']} runs failed; the first: "
                               f"{first.read_text(encoding='utf-8')[-2000:]}")
        indices = analyze(folder, "sobol", list(OUTPUTS), [settings["end_year"]])
        values = _design_values(folder)
    d = len(params) + 1
    points = int(values.point.nunique())
    uncertainty = _uncertainty(values, d)
    collect = data_collection(indices, params)
    seconds = time.perf_counter() - started
    top = {o: indices[(indices.indicator == o) & (indices.parameter != DUMMY)].sort_values("ST").iloc[-1]
           for o in OUTPUTS}
    u = uncertainty.set_index("output")
    conclusion = (f"Over the parameter ranges the reform's net saving is {u.loc[OUTPUTS[0], 'mean']:.0f} EUR per inhabitant-year "
                  f"(90 % {u.loc[OUTPUTS[0], 'p5']:.0f} to {u.loc[OUTPUTS[0], 'p95']:.0f}): "
                  f"{sign_robustness(u.loc[OUTPUTS[0], 'p5'], u.loc[OUTPUTS[0], 'p95'])}; driven most by "
                  f"{top[OUTPUTS[0]].parameter.removeprefix('parameters.')} (ST {top[OUTPUTS[0]].ST:.2f}); "
                  f"wsg_full's net cost ({u.loc[OUTPUTS[2], 'mean']:.1f} EUR, 90 % {u.loc[OUTPUTS[2], 'p5']:.1f} to "
                  f"{u.loc[OUTPUTS[2], 'p95']:.1f}: {sign_robustness(u.loc[OUTPUTS[2], 'p5'], u.loc[OUTPUTS[2], 'p95'])}) "
                  f"by {top[OUTPUTS[2]].parameter.removeprefix('parameters.')} "
                  f"(ST {top[OUTPUTS[2]].ST:.2f}); Sobol N = {settings['n']}, {points} points.")
    return ExperimentOutput(
        summary=_summary(indices, collect, uncertainty, settings, d, points, seconds),
        figures=_figures(indices), main_figure="e4_sobol",
        tables={"e4_indices": indices, "e4_data_collection": collect, "e4_uncertainty": uncertainty,
                "e4_design_values": values},
        conclusion=conclusion, scenarios=[resolve_scenario({k: v for k, v in base.items() if k != "headline"})],
        seeds=[SEED], replicates=1,
        extra={"sobol_base_n": settings["n"], "design_points": points, "model_runs": points * 3,
               "varied": sorted(params) + [DUMMY], "sweep": document, "seconds": round(seconds, 1)})
