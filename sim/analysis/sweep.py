"""Parameter sweeps: ``langerthuis sweep SWEEP.yaml --out DIR [--workers N | --scheduler ADDRESS]``.

A sweep file names a base scenario, the scenario keys to vary and a design (full factorial, Latin
hypercube, Sobol/Saltelli or Morris). Every run gets its own seed, derived from the root seed and the
run index only, so results never depend on the number of workers, the backend or the completion order.

Runs execute in a local process pool (default) or on an existing Dask cluster (``--scheduler``):
sim.analysis.pool. Reading the sweep file and building its design is sim.analysis.sweep_design's.
The driver writes each finished run at once to ``OUT/runs/run_NNNNN.parquet`` and keeps only counts,
so memory does not grow with the number of runs; re-running the same command skips finished runs
and retries failed ones. See experiments/sweeps/README.md for the sweep file format.
"""
from __future__ import annotations

import copy
import hashlib
import importlib
import json
import shutil
import sys
import time
import traceback
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

import numpy as np
import pandas as pd

from sim.errors import InputError
from sim.model.loader import read_text, short
from sim.output import check_out, git_commit, library_versions, out_lock, remove_stale, write_atomic
from sim.analysis.pool import DaskPool, InProcess, LocalPool, default_workers
from sim.analysis.sweep_design import (DEFAULT_RUNNER, DESIGNS, Sweep, SweepError, missing_key, build_design,
                                      current_runner, load_base, load_sweep, set_path)

RUN_NAME = "run_{:05d}"


# --------------------------------------------------------------------------- one run (in a worker)
def run_one(scenario: dict, replicate: int, file: str) -> pd.DataFrame:
    """Default runner: validate the changed scenario (resolving is idempotent) and run the model once."""
    from sim.analysis.runner import run_scenario
    from sim.model.scenario import resolve_scenario
    return run_scenario(resolve_scenario(scenario, file=file), replicate=replicate)


def _import(spec: str):
    module, _, name = spec.partition(":")
    return getattr(importlib.import_module(module), name)


class OutputsMissing(Exception):
    """The model does not produce a requested indicator or year: a sweep-file error."""


def _select(df: pd.DataFrame, indicators, years) -> pd.DataFrame:
    for column, wanted in (("indicator", indicators), ("year", years)):
        if wanted is not None:
            missing = sorted(set(wanted) - set(df[column].unique()))
            if missing:
                have = sorted(df[column].unique())
                raise OutputsMissing(f"outputs.{column}s: expected {column}s the model produces ({len(have)}: "
                                     f"{', '.join(map(str, have[:6]))}, ...), found {missing}")
            df = df[df[column].isin(wanted)]
    return df


def execute(task: dict):
    """Run one design point (in a worker). Returns ("ok", table), ("error", text) or ("outputs", text)."""
    try:
        if task.get("numba_threads"):  # runs are the parallelism: one core each (thread-local setting)
            import numba
            numba.set_num_threads(task["numba_threads"])
        scenario = copy.deepcopy(task["base"])
        for path, value in task["overrides"].items():
            set_path(scenario, path, value)
        scenario["seed"] = task["seed"]
        df = _import(task["runner"])(scenario, task["replicate"], task["file"])
        df = _select(df, task["indicators"], task["years"]).reset_index(drop=True)
        df.insert(0, "run", np.int64(task["run"]))
        return "ok", df
    except OutputsMissing as exc:
        return "outputs", str(exc)
    except Exception:  # noqa: BLE001 - any model error is recorded, the sweep goes on
        return "error", traceback.format_exc()


# --------------------------------------------------------------------------- output folder
def _fingerprint(sweep: Sweep, design: pd.DataFrame) -> dict:
    """What must not change for a resume to be valid (each part named in the refusal)."""
    return {
        "design": hashlib.sha256(design.to_csv(index=False).encode()).hexdigest(),
        "base scenario": hashlib.sha256(sweep.base.read_bytes()).hexdigest(),
        "outputs": [sweep.indicators and list(sweep.indicators), sweep.years and list(sweep.years)],
        "runner": sweep.runner,
    }


def prepare_out(sweep: Sweep, out: Path, design: pd.DataFrame) -> None:
    """Create OUT (design.parquet, manifest.json, sweep.yaml) or check that a resume matches it."""
    manifest_file = out / "manifest.json"
    fingerprint = _fingerprint(sweep, design)
    if manifest_file.exists():
        old = dict(read_manifest(out).get("fingerprint", {}))
        old["runner"] = current_runner(old.get("runner"))
        for part, value in fingerprint.items():
            if old.get(part) != value:
                raise SweepError(out, "resume", f"the {part} this folder was started with (use a new --out)",
                                 f"a different {part} in {sweep.file}")
    elif (out / "runs").is_dir() and any((out / "runs").glob("run_*.parquet")):
        raise SweepError(out, "resume", "a sweep folder with manifest.json", "runs but no manifest")
    for sub in ("runs", "failed"):
        (out / sub).mkdir(parents=True, exist_ok=True)
    from sim.analysis.resume import manifest_checksums, mark_sweep
    mark_sweep(out)   # the marker lists what a sweep writes: --force removes exactly that
    for stale in (out / "runs").glob("*.tmp-*"):  # left by a killed driver
        stale.unlink()
    write_atomic(out / "design.parquet", lambda p: design.to_parquet(p, index=False))
    write_atomic(out / "sweep.yaml", lambda p: p.write_bytes(Path(sweep.file).read_bytes()))
    import sim
    manifest = {
        "name": sweep.name, "sweep_file": str(Path(sweep.file).resolve()), "sweep_sha256": sweep.sha256,
        "base": str(sweep.base), "root_seed": sweep.seed, "design": sweep.design, "runs": len(design),
        "base_n": sweep.runs, "replicates": sweep.replicates, "seeds": sweep.seeds, "second_order": sweep.second_order,
        "levels": sweep.levels, "parameters": [p.path for p in sweep.params],
        "indicators": sweep.indicators and list(sweep.indicators), "years": sweep.years and list(sweep.years),
        "package_version": getattr(sim, "__version__", "unknown"), "git_commit": git_commit(),
        "versions": library_versions(), "started": time.strftime("%Y-%m-%dT%H:%M:%S"), "fingerprint": fingerprint,
        "run_sha256": manifest_checksums(out),   # kept across resumes (sim.analysis.resume)
    }
    write_atomic(manifest_file, lambda p: p.write_text(json.dumps(manifest, indent=2, default=str)))


def run_file(out: Path, run: int) -> Path:
    return out / "runs" / f"{RUN_NAME.format(run)}.parquet"


def failed_file(out: Path, run: int) -> Path:
    return out / "failed" / f"{RUN_NAME.format(run)}.json"


MANIFEST_KEYS = {"design": str, "parameters": list, "second_order": bool, "levels": int, "replicates": int}
MAX_MANIFEST_BYTES = 100_000_000


def read_manifest(out) -> dict:
    """manifest.json of a sweep folder, checked for the keys the sweep and its analyses use."""
    out = Path(out)
    file = out / "manifest.json"
    expected = "a sweep folder (manifest.json, design.parquet)"
    if not out.is_dir():
        raise SweepError(out, "", expected, "a file" if out.exists() else "nothing")
    if not file.exists():
        raise SweepError(out, "", expected, "no manifest.json")
    try:
        manifest = json.loads(read_text(file, "manifest", max_bytes=MAX_MANIFEST_BYTES))
    except ValueError as exc:  # JSONDecodeError, or an integer of thousands of digits
        raise SweepError(file, "", "a JSON manifest", getattr(exc, "msg", str(exc)), getattr(exc, "lineno", None)) from None
    if not isinstance(manifest, dict):
        raise SweepError(file, "", "a JSON object (a sweep manifest)", type(manifest).__name__)
    for key, kind in MANIFEST_KEYS.items():
        if not isinstance(manifest.get(key), kind) or (kind is int and isinstance(manifest[key], bool)):
            what = "a run or compare folder's manifest" if "scenarios" in manifest else f"{short(manifest.get(key))}"
            raise SweepError(file, key, f"a sweep manifest with {key} ({kind.__name__})", what)
    if manifest["design"] not in DESIGNS or not all(isinstance(p, str) for p in manifest["parameters"]):
        raise SweepError(file, "design", f"a sweep manifest of a design in {list(DESIGNS)} with parameter names",
                         short(manifest["design"]))
    for key, kind in (("indicators", str), ("years", int)):
        value = manifest.get(key)
        if value is not None and not (isinstance(value, list) and value and all(
                isinstance(v, kind) and not isinstance(v, bool) for v in value)):
            raise SweepError(file, key, f"null or a non-empty list of {kind.__name__}", short(value))
    if not isinstance(manifest.get("fingerprint", {}), dict):
        raise SweepError(file, "fingerprint", "a mapping", short(manifest["fingerprint"]))
    return manifest


def read_sweep(out) -> tuple[dict, pd.DataFrame]:
    """(manifest, design) of a sweep folder; a missing or corrupt file is a one-line InputError naming it."""
    out = Path(out)
    manifest = read_manifest(out)
    file = out / "design.parquet"
    if not file.is_file():
        raise SweepError(out, "", "a sweep folder (manifest.json, design.parquet)", "no design.parquet")
    try:
        design = pd.read_parquet(file)
    except Exception as exc:  # noqa: BLE001 - pyarrow raises many kinds for a corrupt file
        raise SweepError(file, "", "a Parquet design table", f"{type(exc).__name__}: {exc}") from None
    needed = ["run", "point", "replicate", "seed", *manifest["parameters"]]
    if manifest["design"] == "morris":
        needed += [f"u:{p}" for p in manifest["parameters"]]
    missing = [c for c in needed if c not in design.columns]
    if missing:
        raise SweepError(file, "", f"the columns {', '.join(needed)}", "no column " + ", ".join(missing))
    for column in ("run", "point", "replicate"):
        if not pd.api.types.is_integer_dtype(design[column]):
            raise SweepError(file, column, "integers", str(design[column].dtype))
    return manifest, design


OUTPUT_COLUMNS = {"run": "integer", "indicator": "string", "year": "integer", "value": "floating"}


def _check_run_file(file: str, data: bool = False) -> None:
    """Raise a SweepError naming ``file`` if it is not a readable run table (``data``: read it whole)."""
    import pyarrow.parquet as pq
    try:
        schema = pq.read_table(file).schema if data else pq.read_schema(file)
    except Exception as exc:  # noqa: BLE001 - pyarrow raises many kinds for a corrupt file
        raise SweepError(file, "", "a Parquet run table", f"{type(exc).__name__}: {exc}") from None
    for name, kind in OUTPUT_COLUMNS.items():
        field = schema.field(name) if name in schema.names else None
        if field is None:
            raise SweepError(file, "", "the columns run, indicator, year, value", f"no column {name}")
        ok = {"integer": pa_is_integer, "string": pa_is_string, "floating": pa_is_number}[kind](field.type)
        if not ok:
            raise SweepError(file, name, f"a column of {kind} values", str(field.type))


def pa_is_integer(t) -> bool:
    import pyarrow.types as pt
    return pt.is_integer(t)


def pa_is_string(t) -> bool:
    import pyarrow.types as pt
    return pt.is_string(t) or pt.is_large_string(t) or pt.is_dictionary(t)


def pa_is_number(t) -> bool:
    import pyarrow.types as pt
    return pt.is_floating(t) or pt.is_integer(t)


def read_outputs(out, indicators=None, years=None) -> pd.DataFrame:
    """run, indicator, year, value of the finished runs, filtered while reading (no full load).
    A corrupt run file is a one-line InputError naming it."""
    out = Path(out)
    import pyarrow.dataset as ds
    files = sorted(str(p) for p in (out / "runs").glob("run_*.parquet"))
    if not files:
        raise InputError(f"{out}: expected finished runs in runs/, found none")
    try:
        data = ds.dataset(files, format="parquet")
        where = None
        if indicators:
            where = ds.field("indicator").isin(list(indicators))
        if years:
            cond = ds.field("year").isin([int(y) for y in years])
            where = cond if where is None else where & cond
        table = data.to_table(columns=["run", "indicator", "year", "value"], filter=where).to_pandas()
    except Exception as exc:  # noqa: BLE001 - pyarrow raises many kinds: find the file to blame
        for file in files:
            _check_run_file(file, data=True)
        raise SweepError(out / "runs", "", "run tables (Parquet) that read together",
                         f"{type(exc).__name__}: {exc}") from None
    # the dataset takes its columns from the first file: a file without one gives nulls
    if table[["run", "indicator", "year"]].isna().to_numpy().any() or (len(table) and table["value"].isna().all()):
        for file in files:
            _check_run_file(file)
    return table


def load_results(out, indicators=None, years=None) -> pd.DataFrame:
    """The finished runs of a sweep folder joined with their design: run, point, replicate, seed, each
    varied key, indicator, year, value. ``indicators`` / ``years`` filter while reading."""
    _, design = read_sweep(out)
    values = read_outputs(out, indicators, years)
    keys = [c for c in design.columns if not c.startswith("u:")]
    return design[keys].merge(values, on="run", how="inner").sort_values(["run", "indicator", "year"],
                                                                         ignore_index=True)


# --------------------------------------------------------------------------- driver
def _py(value):
    """NumPy scalar -> plain Python value (scenario validation expects int/float/str)."""
    return value.item() if hasattr(value, "item") else value


def _tasks(sweep: Sweep, design: pd.DataFrame, out: Path, base: dict, numba_threads: int | None):
    """Tasks for the runs without a result file, built lazily (one at a time)."""
    paths = [p.path for p in sweep.params]
    for run, replicate, seed, *values in design[["run", "replicate", "seed", *paths]].itertuples(index=False, name=None):
        if run_file(out, run).exists():
            continue
        yield {"run": int(run), "replicate": int(replicate), "seed": int(seed),
               "overrides": {path: _py(v) for path, v in zip(paths, values)},
               "base": base, "file": str(sweep.base), "runner": sweep.runner,
               "indicators": sweep.indicators, "years": sweep.years, "numba_threads": numba_threads}


def _record(out: Path, task: dict, status: str, payload) -> bool:
    """Write a finished run (or its failure) to disk; True if the run succeeded."""
    if status == "ok":
        from sim.analysis.resume import record_run
        write_atomic(run_file(out, task["run"]), lambda p: payload.to_parquet(p, index=False))
        record_run(run_file(out, task["run"]))   # its checksum: a resume trusts only an unchanged file
        failed_file(out, task["run"]).unlink(missing_ok=True)
        return True
    info = {k: task[k] for k in ("run", "replicate", "seed", "overrides")} | {"error": payload}
    write_atomic(failed_file(out, task["run"]), lambda p: p.write_text(json.dumps(info, indent=2, default=str)))
    return False


MAX_CRASHES = 3  # a run in flight in this many dead local pools is recorded as failed (it may be the cause)


def _outcome(future) -> tuple[str, object]:
    """(status, payload) of a finished future; status "crashed" if its worker process died."""
    try:
        return future.result()
    except BrokenProcessPool:
        return "crashed", None
    except Exception as exc:  # noqa: BLE001 - e.g. Dask gave up on a run (KilledWorker)
        return "error", f"{type(exc).__name__}: {exc}"


def run_sweep(sweep_file, out, workers: int | None = None, scheduler: str | None = None,
              progress: bool = True, force: bool = False) -> dict:
    """Run (or resume) a sweep; returns counts {total, skipped, done, failed}. Keeps no results.
    ``out`` is this sweep's own folder (resumed) or a new one; ``force`` deletes a previous sweep there first.
    The sweep holds ``out``'s lock while it runs: a second driver on the same folder is refused."""
    sweep = load_sweep(sweep_file)
    out = Path(out)
    check_out(out, "sweep", force, kind="sweep", inputs=[sweep.file, sweep.base])
    design = build_design(sweep)
    check_scenario(sweep, design)
    check_outputs(sweep)
    workers = default_workers() if workers is None else workers
    out.parent.mkdir(parents=True, exist_ok=True)
    with out_lock(out):
        backend = DaskPool(scheduler) if scheduler else None  # connect first: a wrong address writes nothing
        created = not out.exists() or force
        try:
            remove_stale(out)
            check_out(out, "sweep", force, kind="sweep")  # again, under the lock
            if force and out.exists():
                shutil.rmtree(out)
            prepare_out(sweep, out, design)
        except BaseException:
            if backend:
                backend.close(False)
            raise
        from sim.analysis.resume import damaged_note, fold_checksums, verify_runs
        try:
            damaged = verify_runs(out, design["run"], run_file)   # a damaged run file is run again
            if damaged:
                print(damaged_note(damaged), file=sys.stderr)
            counts = _run(sweep, out, design, workers, scheduler, backend, progress)
            return counts | {"redone": len(damaged)} if damaged else counts
        except InputError:
            # a sweep-file error found by the first run (a custom runner's outputs): a folder this call
            # created holds nothing worth keeping
            if created and not any((out / "runs").glob("run_*.parquet")):
                shutil.rmtree(out, ignore_errors=True)
            raise
        finally:
            if out.exists():
                fold_checksums(out)


def check_outputs(sweep: Sweep) -> None:
    """With the model runner: the requested indicators and years exist (before anything is written)."""
    if sweep.runner != DEFAULT_RUNNER:
        return
    from sim.model.indicators import INDICATORS
    missing = sorted(set(sweep.indicators or ()) - set(INDICATORS))
    if missing:
        raise SweepError(sweep.file, "outputs.indicators", f"indicators the model produces ({len(INDICATORS)}: "
                         f"{', '.join(INDICATORS[:6])}, ...)", missing)
    if sweep.years and not {p.path for p in sweep.params} & {"start_year", "end_year"}:
        base = load_base(sweep)
        have = range(int(base["start_year"]), int(base["end_year"]) + 1)
        missing = sorted(set(sweep.years) - set(have))
        if missing:
            raise SweepError(sweep.file, "outputs.years", f"years the model produces ({have.start}-{have.stop - 1})",
                             missing)


def _run(sweep, out, design, workers, scheduler, backend, progress) -> dict:
    from tqdm import tqdm
    skipped = sum(run_file(out, r).exists() for r in design["run"])
    counts = {"total": len(design), "skipped": skipped, "done": 0, "failed": 0}
    if skipped == len(design):
        if backend:
            backend.close(True)
        return counts
    backend = backend or (LocalPool(workers) if workers > 0 else InProcess())
    # a worker (process or Dask thread) is one core: its runs use one Numba thread, so N workers fill
    # N cores without oversubscription; only in-process runs (--workers 0) use Numba's threads
    todo = _tasks(sweep, design, out, load_base(sweep), numba_threads=1 if scheduler or workers > 0 else None)
    retry: list[dict] = []   # runs whose worker process died, sent again before new ones
    crashes: dict[int, int] = {}
    bar = tqdm(total=len(design), initial=skipped, unit="run", desc=sweep.name, disable=not progress,
               dynamic_ncols=True)
    pending = {}  # future -> (task, pool generation); at most 2 per worker slot, so memory stays flat

    def refill():
        while len(pending) < 2 * backend.slots:
            task = retry.pop(0) if retry else next(todo, None)
            if task is None:
                return
            pending[backend.submit(execute, task, key=f"langerthuis-run-{task['run']}")] = (task, backend.generation)

    ok = False
    try:
        refill()
        while pending:
            restart = False
            for future in backend.wait_first(pending):
                task, generation = pending.pop(future)
                status, payload = _outcome(future)
                del future
                if status == "crashed":  # a worker process died: this run did not finish; run it again
                    restart |= generation == backend.generation
                    crashes[task["run"]] = crashes.get(task["run"], 0) + 1
                    if crashes[task["run"]] < MAX_CRASHES:
                        retry.append(task)
                        continue
                    status, payload = "error", (f"a worker process died {MAX_CRASHES} times while this run was "
                                                "in flight (killed, or out of memory?)")
                if status == "outputs":  # a sweep-file error, the same for every run: stop
                    raise InputError(f"{sweep.file}: {payload}")
                counts["done" if _record(out, task, status, payload) else "failed"] += 1
                bar.update(1)
                bar.set_postfix(failed=counts["failed"], refresh=False)
            if restart:
                backend.restart()
                bar.write("sweep: a worker process died; a new pool runs the unfinished runs again "
                          "(finished runs are kept)", file=sys.stderr)
            refill()
        ok = True
    finally:
        bar.close()
        backend.close(ok)
    return counts


def check_scenario(sweep: Sweep, design: pd.DataFrame) -> None:
    """With the model runner: every varied key exists, and every design point resolves."""
    if sweep.runner != DEFAULT_RUNNER:
        return
    from sim.model.parameters import ParameterError, check_name
    from sim.model.scenario import resolve_scenario
    resolved = load_base(sweep)
    for p in sweep.params:
        head, _, rest = p.path.partition(".")
        if head == "parameters":
            try:
                check_name(rest)
            except ParameterError as exc:
                raise SweepError(sweep.file, f"parameters.{p.path}", exc.expected, exc.found) from None
            continue
        missing = missing_key(resolved, p.path)
        if missing:
            raise SweepError(sweep.file, f"parameters.{p.path}", "a scenario key (dotted path; a number "
                             "indexes a list)", f"{missing} in {sweep.base.name}")
    paths = [p.path for p in sweep.params]
    for point, *values in design.loc[design["replicate"] == 0, ["point", *paths]].itertuples(index=False, name=None):
        scenario = copy.deepcopy(resolved)
        for path, value in zip(paths, values):
            set_path(scenario, path, _py(value))
        try:  # fail before the sweep starts, not in every run
            resolve_scenario(scenario, file=str(sweep.base))
        except InputError as exc:
            raise SweepError(sweep.file, "parameters", f"values the scenario accepts (design point {point})",
                             str(exc)) from None


# --------------------------------------------------------------------------- command line
def register(subparsers) -> None:
    p = subparsers.add_parser("sweep", help="run a parameter sweep (local cores or a Dask cluster)",
                              description="Run or resume a parameter sweep; see experiments/sweeps/README.md.")
    p.add_argument("sweep_file", help="sweep YAML file")
    p.add_argument("--out", help="output folder (default: results/NAME)")
    p.add_argument("--workers", type=int, default=None,
                   help="local worker processes (default: all cores; 0 = run in this process)")
    p.add_argument("--scheduler", help="address of a running Dask scheduler, e.g. tcp://HOST:8786")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    p.set_defaults(func=_cli)


def _cli(args) -> int:
    if args.workers is not None and args.workers < 0:
        raise InputError(f"--workers: expected an integer >= 0, found {args.workers}")
    if args.scheduler and args.workers is not None:
        print("langerthuis: note: --workers is ignored with --scheduler (the cluster's workers run)", file=sys.stderr)
    out = args.out or str(Path("results") / load_sweep(args.sweep_file).name)
    counts = run_sweep(args.sweep_file, out, workers=args.workers, scheduler=args.scheduler,
                       progress=not args.no_progress, force=getattr(args, "force", False))
    print(f"sweep: {counts['total']} runs: {counts['skipped']} already done, {counts['done']} done now, "
          f"{counts['failed']} failed -> {out}", file=sys.stderr)
    if counts["failed"]:
        print(f"langerthuis: {counts['failed']} runs failed (see {out}/failed/); "
              "re-run the same command to retry them", file=sys.stderr)
        return 1
    return 0
