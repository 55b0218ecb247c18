"""Running an experiment and writing its folder: ``results/NAME/`` (or ``--out DIR``), the same for each.

The folder is written under a temporary name and renamed when complete (sim.output.atomic_folder), with
the marker of the ``experiment`` command, so ``--out`` never replaces a folder the tool did not write:

    summary.md      the title, the experiment's own text (question, design, results, limitations), a run line
    NAME.png/.svg   each figure, both formats
    NAME.csv/.parquet  each table, both formats
    manifest.json   git commit, versions, seeds, scenario hashes, the calibrated ensemble's file hash,
                    quick/full, runtime, the figure and table names, the main figure and the conclusion

Tables depend only on the commit, the scenarios and the seeds (never on the clock or the number of workers),
so a second run of the same commit writes the same tables. Figures carry no date (PNG and SVG metadata
fixed, SVG ids salted with the experiment name), so they too are the same from run to run.
"""
from __future__ import annotations

import importlib
import os
import time
from pathlib import Path

from sim.errors import InputError
from sim.experiments.base import EXPERIMENTS, ExperimentOutput

ROOT = Path(__file__).resolve().parents[2]   # the repository
RESULTS = ROOT / "results"
COMMAND = "experiment"   # the marker's command: a folder any experiment run wrote may be replaced by another
SECTIONS = ("question", "design", "results", "limitations")   # the headings every summary.md has


class ExperimentError(InputError):
    """An unknown or unbuilt experiment, or bad experiment arguments: one line, exit status 2."""


def experiment_module(name: str):
    """The module of a registered experiment, or None when it is registered but not built (no module)."""
    if name not in EXPERIMENTS:
        raise ExperimentError(f"experiment: expected one of {', '.join(EXPERIMENTS)}, found {name!r}")
    try:
        return importlib.import_module(EXPERIMENTS[name])
    except ModuleNotFoundError as exc:
        if exc.name == EXPERIMENTS[name]:
            return None
        raise


def built(name: str):
    """The module of an experiment that can run; a one-line ExperimentError when it is unknown or not built."""
    module = experiment_module(name)
    if module is None:
        raise ExperimentError(f"experiment {name}: expected a built experiment, found it registered but not built "
                              f"on this branch (no module {EXPERIMENTS[name]})")
    return module


def default_out(name: str) -> Path:
    return RESULTS / name


def measured_runtime(name: str, folder=None) -> dict:
    """Runtime of the last run written to ``folder`` (default results/NAME), else the module's RUNTIME
    (minutes measured by its author: {"quick": s, "full": s}); {} when neither is known."""
    from sim.output import read_marker
    import json
    folder = Path(folder or default_out(name))
    found = {}
    module = experiment_module(name) if name in EXPERIMENTS else None
    stated = getattr(module, "RUNTIME", None) or {}
    found.update({k: f"{v}" for k, v in stated.items()})
    try:
        if read_marker(folder):
            m = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
            found[m["mode"]] = f"{m['runtime_s'] / 60:.1f} min measured (load average {m.get('load_average', '?')})"
    except (OSError, ValueError, KeyError):
        pass
    return found


def save_figure(fig, stem: Path, salt: str) -> list[str]:
    """``stem``.png and ``stem``.svg, without dates (the same bytes on every run)."""
    import matplotlib
    import sim
    with matplotlib.rc_context({"svg.hashsalt": salt}):
        fig.savefig(stem.with_suffix(".png"), dpi=100, metadata={"Software": f"langerthuis {sim.__version__}"})
        fig.savefig(stem.with_suffix(".svg"), metadata={"Date": None, "Creator": f"langerthuis {sim.__version__}"})
    return [stem.with_suffix(".png").name, stem.with_suffix(".svg").name]


def summary_text(title: str, output: ExperimentOutput, quick: bool, runtime: float, commit: str) -> str:
    reps = output.replicates if output.replicates is not None else "?"
    return (f"# {title}\n\n{output.summary.strip()}\n\n---\n"
            f"Run: {'quick' if quick else 'full'} mode, {reps} replicate(s) per scenario, "
            f"{runtime:.0f} s wall time, commit `{commit[:12]}`.\n")


def write_experiment(name: str, module, output: ExperimentOutput, out, quick: bool, runtime: float, workers,
                     force: bool = False, load_average: float | None = None) -> Path:
    """Write the experiment's folder (see the module docstring) atomically; returns its path."""
    import matplotlib.pyplot as plt
    from sim.model.ensemble import ENSEMBLE_FILE
    from sim.output import atomic_folder, file_hash, git_commit, library_versions, manifest, write_json

    if output.main_figure is not None and output.main_figure not in output.figures:
        raise ValueError(f"experiment {name}: main_figure {output.main_figure!r} is not one of its figures")
    commit = git_commit()
    with atomic_folder(out, command=COMMAND, force=force) as tmp:
        (tmp / "summary.md").write_text(summary_text(module.TITLE, output, quick, runtime, commit), encoding="utf-8")
        figures = []
        for stem, fig in output.figures.items():
            figures += save_figure(fig, tmp / stem, salt=f"{name}-{stem}")
            plt.close(fig)
        tables = []
        for stem, table in output.tables.items():
            table.to_csv(tmp / f"{stem}.csv", index=False)
            table.to_parquet(tmp / f"{stem}.parquet", index=False)
            tables += [f"{stem}.csv", f"{stem}.parquet"]
        scenarios = output.scenarios
        write_json(tmp / "manifest.json", manifest(
            scenarios, runtime, command=COMMAND, experiment=name, title=module.TITLE, question=module.QUESTION,
            mode="quick" if quick else "full", quick=quick, workers=workers, runtime_s=round(runtime, 1),
            load_average=load_average,
            replicates=output.replicates, seeds=sorted({int(s) for s in output.seeds}),
            scenario_hashes={s["name"]: s.get("_hash") for s in scenarios},
            ensemble={"file": str(ENSEMBLE_FILE.relative_to(ROOT)), "sha256": file_hash(ENSEMBLE_FILE)},
            libraries=library_versions(), figures=figures, tables=tables, main_figure=output.main_figure,
            conclusion=output.conclusion, extra=output.extra))
    return Path(out)


def run_experiment(name: str, quick: bool = False, out=None, workers: int | None = None, force: bool = False,
                 progress=print) -> Path:
    """Run one experiment and write its folder (default results/NAME, which a new run replaces)."""
    module = built(name)
    if workers is not None and workers < 1:
        raise ExperimentError(f"experiment {name}: --workers: expected an integer >= 1, found {workers}")
    folder = Path(out) if out is not None else default_out(name)
    load = round(os.getloadavg()[0], 1)   # the machine is shared: how busy it was when the experiment started
    started = time.perf_counter()
    output = module.run(quick=quick, workers=workers)
    runtime = time.perf_counter() - started
    write_experiment(name, module, output, folder, quick, runtime, workers, force=force or out is None,
                     load_average=load)
    if progress:
        progress(f"wrote {folder} ({'quick' if quick else 'full'}, {output.replicates} replicate(s), {runtime:.0f} s)")
    return folder
