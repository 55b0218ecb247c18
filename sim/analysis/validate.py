"""``langerthuis validate --targets FILE.csv --out DIR [--scenario S] [--replicates N]``.

Runs the (calibrated) model and compares it with every row of a targets file of the INDICATORS.md form
(``indicator, year, value, tolerance, source``, optionally ``role``): observed, simulated mean and 90 %
interval over the replicates, absolute error, and each row scored two ways: whether |simulated mean -
observed| <= tolerance, and (when more than one replicate or ensemble draw gave a value) whether the published
figure lies in the replicates' 90 % interval. With a ``role`` column the summary gives the fit rows (what
calibration fitted), the set rows (a parameter was set to them by hand) and the validate rows (held out)
separately, each as "K of N within tolerance, J of M in the 90 % interval" and an RMS score.

The targets file is checked before anything runs: an unknown indicator, a missing column or a value that
is not a number is a one-line error naming the file and line, and nothing is written. A row whose year
lies outside the run is reported as "not simulated" (it is not counted in "K of N within tolerance").

By default the scenario runs with the calibrated ensemble (``--parameters ensemble``: replicate r uses
particle r of a weighted resample, so the interval includes parameter uncertainty); ``mean`` uses the
posterior mean, ``scenario`` the scenario file exactly as written.
"""
from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pandas as pd

from sim.analysis.calibrate_config import ROLES
from sim.analysis.summary import band

ROOT = Path(__file__).resolve().parents[2]  # the repository
DEFAULT_SCENARIO = ROOT / "scenarios" / "baseline.yaml"


def register(sub):
    p = sub.add_parser("validate", help="compare the model with a targets CSV (observed vs simulated)")
    p.add_argument("--targets", required=True, help="CSV with indicator, year, value, tolerance, source")
    p.add_argument("--out", required=True, help="output folder (written when complete; a previous result is replaced only with --force)")
    p.add_argument("--scenario", default=str(DEFAULT_SCENARIO), help="scenario YAML (default: the baseline)")
    p.add_argument("--replicates", type=int, default=10, help="replicates (default 10)")
    p.add_argument("--parameters", choices=("ensemble", "mean", "scenario"), default="ensemble",
                   help="calibrated ensemble (default), its posterior mean, or the scenario's own parameters")
    p.add_argument("--workers", type=int, default=2, help="processes for the replicates (default 2)")
    p.set_defaults(func=main)


def prepare_scenario(path, parameters: str, replicates: int) -> dict:
    """The scenario to validate: calibrated as asked (explicit values of the file stay on top)."""
    from sim.model.scenario import load_scenario, resolve_scenario, with_replicates
    scenario = with_replicates(load_scenario(path), replicates)  # checks 1 <= replicates <= 1000 first
    if parameters != "scenario":
        data = {k: v for k, v in scenario.items() if not k.startswith("_") and k != "calibration"}
        explicit = {k: v for k, v in scenario["parameters"].items()
                    if not scenario.get("calibration") or k in scenario["calibration"].get("fixed", ())}
        data["parameters"] = {"calibrated": parameters, **explicit}
        scenario = {**resolve_scenario(data, file=scenario["_file"]), "_file": scenario["_file"]}
    return with_replicates(scenario, replicates)


def run(scenario: dict, workers: int) -> pd.DataFrame:
    """Every replicate's indicators, on ``workers`` processes (the tables in replicate order)."""
    from sim.analysis.pool import open_pool
    from sim.analysis.runner import run_indicators
    with open_pool(min(workers, scenario["replicates"])) as pool:
        tables = pool.map(run_indicators, [(scenario, r) for r in range(scenario["replicates"])])
    return pd.concat(tables, ignore_index=True)


def compare(targets: pd.DataFrame, table: pd.DataFrame) -> pd.DataFrame:
    """Per target row: observed, simulated mean, 5 % and 95 % over replicates, error, within tolerance, and
    whether the observed figure lies in the 90 % interval (``in_interval``; only with two or more values)."""
    out = []
    years = set(table.year.unique())
    for row in targets.itertuples():
        values = table.loc[(table.indicator == row.indicator) & (table.year == row.year), "value"]
        mean, p05, p95 = band(values)
        rec = {"indicator": row.indicator, "year": row.year, "observed": row.value, "tolerance": row.tolerance,
               "simulated_mean": np.nan, "simulated_p05": np.nan, "simulated_p95": np.nan, "abs_error": np.nan}
        if row.year not in years:
            rec["within_tolerance"] = rec["in_interval"] = "not simulated (year outside the run)"
        elif np.isnan(mean):
            rec["within_tolerance"] = rec["in_interval"] = "not simulated (no value: empty denominator)"
        else:
            rec.update(simulated_mean=mean, simulated_p05=p05, simulated_p95=p95, abs_error=abs(mean - row.value))
            rec["within_tolerance"] = "yes" if abs(mean - row.value) <= row.tolerance else "no"
            rec["in_interval"] = (("yes" if p05 <= row.value <= p95 else "no") if np.isfinite(values).sum() > 1
                                  else "one value (no interval)")
        rec["role"] = row.role
        rec["source"] = row.source
        out.append(rec)
    return pd.DataFrame(out)


def score(result: pd.DataFrame) -> dict:
    """Of the simulated rows: how many, how many within tolerance, of those with an interval (two or more
    values) how many hold the observed figure in it, and the root mean square of (simulated mean - observed) /
    tolerance (0 is a perfect fit; 1 is off by one tolerance on average)."""
    compared = result[result.within_tolerance.isin(["yes", "no"])]
    z = (compared.simulated_mean - compared.observed) / compared.tolerance
    with_interval = compared[compared.in_interval.isin(["yes", "no"])] if "in_interval" in compared else compared[:0]
    return {"n": len(compared), "within": int((compared.within_tolerance == "yes").sum()),
            "n_interval": len(with_interval), "in_interval": int((with_interval.in_interval == "yes").sum()),
            "rms_z": float(np.sqrt(np.mean(z ** 2))) if len(compared) else float("nan"),
            "not_simulated": len(result) - len(compared)}


def summary(result: pd.DataFrame) -> str:
    """'K of N within tolerance, J of M in the 90 % interval', per role when the file has more than fit rows
    (fit: the rows calibration fitted; set: rows a parameter was set to by hand; validate: rows neither saw),
    each with its RMS score. The interval count is left out when no row has two or more values."""
    def line(part, prefix=""):
        s = score(part)
        text = f"{prefix}{s['within']} of {s['n']} within tolerance"
        text += f" ({s['not_simulated']} row(s) not simulated)" if s["not_simulated"] else ""
        text += f", {s['in_interval']} of {s['n_interval']} in the 90 % interval" if s["n_interval"] else ""
        return text + (f", RMS score {s['rms_z']:.2f}" if s["n"] else "")
    roles = [r for r in ROLES if (result.role == r).any()]
    if roles == ["fit"]:
        return line(result)
    return "; ".join(line(result[result.role == r], f"{r}: ") for r in roles)


def markdown(result: pd.DataFrame, line: str, scenario: dict, targets_file: str, parameters: str) -> str:
    def fmt(x):
        return "" if pd.isna(x) else f"{x:.4g}"
    head = ["# Validation", "",
            f"Targets: `{targets_file}`; scenario: `{scenario['_file']}` ({scenario['name']}, "
            f"{scenario['start_year']}-{scenario['end_year']}, {scenario['municipality']['inhabitants']:,} "
            f"inhabitants); {scenario['replicates']} replicate(s); parameters: {parameters}.", "",
            f"**{line}**", "",
            "Each row is scored two ways: *within* says whether the simulated mean lies within the tolerance of "
            "the published figure; *in interval* whether the published figure lies in the replicates' 90 % "
            "interval (with two or more replicates or ensemble draws). "
            "RMS score: root mean square of (simulated mean - observed) / tolerance over the simulated rows "
            "(fit: rows the calibration fitted, up to 2015; set: rows a parameter was set to by hand, named in the "
            "row's source; validate: rows neither saw).", "",
            "| indicator | year | role | observed | tolerance | simulated mean | 90 % interval | abs. error | within "
            "| in interval |",
            "|---|---|---|---|---|---|---|---|---|---|"]
    rows = [f"| {r.indicator} | {r.year} | {r.role} | {fmt(r.observed)} | {fmt(r.tolerance)} | {fmt(r.simulated_mean)} | "
            f"{'' if pd.isna(r.simulated_p05) else fmt(r.simulated_p05) + ' - ' + fmt(r.simulated_p95)} | "
            f"{fmt(r.abs_error)} | {r.within_tolerance} | {r.in_interval} |" for r in result.itertuples()]
    return "\n".join(head + rows) + "\n"


def figure(result: pd.DataFrame, path):
    """Per row: (simulated - observed) / tolerance with the 90 % interval; the band |z| <= 1 is 'within'."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import sim
    n = len(result)
    fig, ax = plt.subplots(figsize=(8, 0.35 * n + 1.5))
    y = np.arange(n)[::-1]
    z = (result.simulated_mean - result.observed) / result.tolerance
    lo = (result.simulated_p05 - result.observed) / result.tolerance
    hi = (result.simulated_p95 - result.observed) / result.tolerance
    ax.axvspan(-1, 1, color="tab:green", alpha=0.15, label="within tolerance")
    ax.axvline(0, color="k", lw=0.8)
    ok = result.within_tolerance == "yes"
    ax.hlines(y, lo, hi, color="0.4", lw=2, label="simulated 90 % interval")
    ax.plot(z[ok], y[ok.to_numpy()], "o", color="tab:green", label="simulated mean (within)")
    ax.plot(z[~ok], y[~ok.to_numpy()], "o", color="tab:red", label="simulated mean (outside)")
    ax.set_yticks(y, [f"{r.indicator} {r.year}" + ("" if r.within_tolerance in ("yes", "no") else " (not simulated)")
                      for r in result.itertuples()], fontsize=8)
    ax.set_xlabel("(simulated - observed) / tolerance")
    span = np.nanmax(np.abs(np.r_[lo, hi, z, 3.0]))
    ax.set_xlim(-min(span, 20) * 1.05, min(span, 20) * 1.05)  # far misfits sit at the edge
    ax.legend(fontsize=7, loc="lower right")
    ax.set_title("observed vs simulated (observed = 0)")
    fig.tight_layout()
    fig.savefig(path, dpi=100, metadata={"Software": f"langerthuis {sim.__version__}"})
    plt.close(fig)


def main(args) -> int:
    from sim.analysis.calibrate_config import read_targets
    from sim.model.indicators import INDICATORS
    from sim.output import atomic_folder, file_hash, manifest, write_json
    targets = read_targets(args.targets, INDICATORS)          # bad input stops here: nothing written
    scenario = prepare_scenario(args.scenario, args.parameters, args.replicates)
    started = time.perf_counter()
    table = run(scenario, args.workers)
    result = compare(targets, table)
    line = summary(result)
    with atomic_folder(args.out, command="validate", force=getattr(args, "force", False)) as tmp:
        result.to_csv(tmp / "validation.csv", index=False)
        (tmp / "validation.md").write_text(markdown(result, line, scenario, args.targets, args.parameters),
                                           encoding="utf-8")
        figure(result, tmp / "validation.png")
        write_json(tmp / "manifest.json", manifest(
            [scenario], time.perf_counter() - started, command="validate", targets=args.targets,
            targets_sha256=file_hash(args.targets), parameters=args.parameters, summary=line,
            scores={r: score(result[result.role == r]) for r in ROLES if (result.role == r).any()}))
    print(f"{line}; wrote {args.out}")
    return 0
