"""Sensitivity indices from a sweep folder: ``langerthuis sensitivity OUT [--method sobol|morris]``.

Sobol designs give first-order and total indices with confidence intervals (SALib ``sobol.analyze``);
Morris designs give mu, mu*, sigma (SALib ``morris.analyze``). The sample is analysed on the unit
cube the sweep drew it on, so Morris effects are per full range of each parameter (or per full
probability range of a distribution). Replicates of a design point are averaged first.
Writes ``sensitivity_METHOD.csv``, ``sensitivity_METHOD.png`` and ``sensitivity_METHOD.json`` (what was
analysed and how: the sweep's seed and hashes, versions, git commit) into the sweep folder (or ``--out``).
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import pandas as pd

import sim
from sim.errors import InputError
from sim.output import (add_to_marker, check_out, git_commit, library_versions, out_lock, read_marker, write_atomic,
                        write_marker)
from sim.analysis.sweep import read_outputs, read_sweep
from sim.analysis.sweep_design import salib_problem

METHODS = ("sobol", "morris")
# confidence intervals are bootstrapped: a fixed seed makes them the same on every run. Not 0: SALib's
# sobol.analyze treats a seed of 0 as "no seed" (`if seed:`) and draws fresh resamples each time
BOOTSTRAP_SEED = 20240601


def _pick(manifest, values, indicators, years):
    """The indicators and years to analyse: the arguments, else the sweep file's, else all / the last year."""
    indicators = indicators or manifest.get("indicators") or sorted(values["indicator"].unique())
    if not years:
        kept = manifest.get("years") or sorted(values["year"].unique())
        years = [max(kept)]
    return list(indicators), [int(y) for y in years]


def _point_means(design: pd.DataFrame, values: pd.DataFrame, out: Path, label: str) -> np.ndarray:
    """Y per design point (mean over replicates), in design order; refuses an incomplete sweep."""
    merged = design[["run", "point"]].merge(values[["run", "value"]], on="run", how="left", indicator=True)
    missing = merged.loc[merged["_merge"] == "left_only", "run"]
    if len(missing):
        raise InputError(f"{out}: {label}: expected a value for every run, found {len(missing)} of "
                         f"{len(design)} missing (e.g. run {int(missing.iloc[0])}); finish the sweep first")
    return merged.groupby("point")["value"].mean().sort_index().to_numpy()


def _indices(problem, method, manifest, points, names, y, out):
    """SALib's indices; a design that does not fit its method (a folder edited or mixed up) is an InputError."""
    try:
        if method == "sobol":
            from SALib.analyze import sobol
            return sobol.analyze(problem, y, calc_second_order=manifest["second_order"], seed=BOOTSTRAP_SEED)
        from SALib.analyze import morris
        x = points[[f"u:{n}" for n in names]].to_numpy()
        return morris.analyze(problem, x, y, num_levels=manifest["levels"], seed=BOOTSTRAP_SEED)
    except (ValueError, RuntimeError, IndexError, KeyError) as exc:
        raise InputError(f"{out}: design.parquet: expected a {method} design SALib can analyse "
                         f"({len(names)} parameters), found {' '.join(str(exc).split())[:200]}") from None


def analyze(out, method: str | None = None, indicators=None, years=None) -> pd.DataFrame:
    """Indices per indicator, year and parameter (one tidy table)."""
    out = Path(out)
    manifest, design = read_sweep(out)
    method = method or manifest["design"]
    if method not in METHODS:
        raise InputError(f"{out}: --method: expected one of {list(METHODS)}, found {method!r}")
    if manifest["design"] != method:
        raise InputError(f"{out}: --method {method}: expected a sweep with design: {method}, "
                         f"found design: {manifest['design']}")
    names = manifest["parameters"]
    problem = salib_problem(names)
    values = read_outputs(out, indicators, years)
    indicators, years = _pick(manifest, values, indicators, years)
    points = design.drop_duplicates("point").sort_values("point")
    keys = ("S1", "S1_conf", "ST", "ST_conf") if method == "sobol" else ("mu", "mu_star", "sigma", "mu_star_conf")
    rows = []
    for indicator in indicators:
        for year in years:
            label = f"{indicator} {year}"
            sel = values[(values["indicator"] == indicator) & (values["year"] == year)]
            if sel.empty:
                raise InputError(f"{out}: {label}: expected an indicator and year kept by the sweep, found no values")
            y = _point_means(design, sel, out, label)
            if not np.isfinite(y).all():  # e.g. a ratio with an empty denominator: no indices, say so
                print(f"sensitivity: {label}: {int((~np.isfinite(y)).sum())} design points not finite; "
                      "indices left empty", file=sys.stderr)
                rows += [{"indicator": indicator, "year": year, "parameter": name} | dict.fromkeys(keys, np.nan)
                         for name in names]
                continue
            res = _indices(problem, method, manifest, points, names, y, out)
            for i, name in enumerate(names):
                rows.append({"indicator": indicator, "year": year, "parameter": name}
                            | {k: float(res[k][i]) for k in keys})
    return pd.DataFrame(rows)


def plot(table: pd.DataFrame, method: str, path: Path) -> None:
    """One panel per indicator and year: S1/ST bars (sobol) or mu* against sigma (morris)."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    groups = list(table.groupby(["indicator", "year"], sort=False))
    ncols = min(3, len(groups))
    nrows = -(-len(groups) // ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(5 * ncols, 3.6 * nrows), squeeze=False)
    for ax, ((indicator, year), g) in zip(axes.flat, groups):
        labels = [p.removeprefix("parameters.") for p in g["parameter"]]
        if method == "sobol":
            x = np.arange(len(g))
            ax.bar(x - 0.2, g["S1"], 0.4, yerr=g["S1_conf"], label="first order S1", capsize=2)
            ax.bar(x + 0.2, g["ST"], 0.4, yerr=g["ST_conf"], label="total ST", capsize=2)
            ax.set_xticks(x, labels, rotation=30, ha="right", fontsize=8)
            ax.set_ylabel("Sobol index")
        else:
            ax.errorbar(g["mu_star"], g["sigma"], xerr=g["mu_star_conf"], fmt="o", capsize=2)
            for label, mx, sy in zip(labels, g["mu_star"], g["sigma"]):
                ax.annotate(label, (mx, sy), fontsize=8, xytext=(3, 3), textcoords="offset points")
            ax.set_xlabel("mu* (mean |elementary effect|)")
            ax.set_ylabel("sigma")
        ax.set_title(f"{indicator}, {year}", fontsize=9)
    for ax in list(axes.flat)[len(groups):]:
        ax.set_visible(False)
    if method == "sobol":
        axes.flat[0].legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=120, format="png")  # path may be a temporary name without .png
    plt.close(fig)


def run_sensitivity(sweep_out, method=None, indicators=None, years=None, out=None) -> tuple[Path, Path]:
    """Analyse a sweep folder; write CSV, PNG and their manifest (each atomically); return CSV and PNG."""
    sweep_out = Path(sweep_out)
    sweep_manifest = read_sweep(sweep_out)[0]
    method = method or sweep_manifest["design"]
    table = analyze(sweep_out, method, indicators, years)
    target = Path(out) if out else sweep_out
    if out:  # a folder of its own (new, or a previous analysis) or a sweep folder; never anything else
        check_out(target, "sensitivity", kind="addto", inputs=[sweep_out])
        target.parent.mkdir(parents=True, exist_ok=True)
        with out_lock(target):
            check_out(target, "sensitivity", kind="addto")
            target.mkdir(exist_ok=True)
            if read_marker(target) is None and not (target / "manifest.json").exists():
                write_marker(target, "sensitivity", wrote=[])
            return _write(table, method, sweep_out, sweep_manifest, target)
    return _write(table, method, sweep_out, sweep_manifest, target)


def _write(table, method, sweep_out, sweep_manifest, target) -> tuple[Path, Path]:
    csv, png = target / f"sensitivity_{method}.csv", target / f"sensitivity_{method}.png"
    write_atomic(csv, lambda p: table.to_csv(p, index=False))
    write_atomic(png, lambda p: plot(table, method, p))
    # the analysis's manifest: what was analysed (the sweep's seed, files and commit) and how
    analysis = {
        "method": method, "indicators": sorted(table["indicator"].unique()),
        "years": sorted(int(y) for y in table["year"].unique()), "bootstrap_seed": BOOTSTRAP_SEED,
        "sweep_folder": str(sweep_out.resolve()), "files": [csv.name, png.name],
        "sweep": {k: sweep_manifest.get(k) for k in ("name", "root_seed", "seeds", "sweep_sha256", "runs",
                                                   "replicates", "git_commit", "package_version")}
                 | {"base_scenario_sha256": sweep_manifest.get("fingerprint", {}).get("base scenario")},
        "package_version": sim.__version__, "git_commit": git_commit(), "versions": library_versions(),
    }
    write_atomic(target / f"sensitivity_{method}.json",
                 lambda p: p.write_text(json.dumps(analysis, indent=2, default=str) + "\n", encoding="utf-8"))
    add_to_marker(target, [csv.name, png.name, f"sensitivity_{method}.json"])  # what --force may remove
    return csv, png


def register(subparsers) -> None:
    p = subparsers.add_parser("sensitivity", help="Sobol or Morris indices from a sweep folder",
                              description=__doc__.splitlines()[0])
    p.add_argument("sweep_out", help="output folder of `langerthuis sweep`")
    p.add_argument("--method", choices=METHODS, help="default: the sweep's design")
    p.add_argument("--indicator", action="append", help="indicator to analyse (repeatable; default: the sweep's)")
    p.add_argument("--year", action="append", type=int, help="year to analyse (repeatable; default: last kept)")
    p.add_argument("--out", help="folder for the CSV and figure (default: the sweep folder)")
    p.set_defaults(func=_cli)


def _cli(args) -> int:
    csv, png = run_sensitivity(args.sweep_out, args.method, args.indicator, args.year, args.out)
    print(f"sensitivity: {csv}\nsensitivity: {png}", file=sys.stderr)
    return 0
