"""Sweep throughput: runs per minute of scenarios/baseline.yaml (100,000 inhabitants, 2010-2040).

    python benchmarks/bench_sweep.py [--runs 40] [--workers 1 2]
    python benchmarks/bench_sweep.py --runs 1000 --workers 2     # the 1,000-run sweep itself

Times a Latin hypercube sweep through the local process pool with each worker count (pool start-up
and writing the results included, as a researcher sees it), prints runs per minute, the scaling of the
largest worker count over the smallest, and an estimate for a 1,000-run sweep. Each worker is one core
(one Numba thread). Throughput is also given in resident-steps per second (living residents x months,
counted in a warm-up run of the same scenario) and against the pure-Mesa reference (sim/reference.py)
measured here on the same scenario for a few months. Last line: one JSON object. Reported, never
asserted: the numbers depend on the machine and on what else runs on it.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sim.analysis.sweep import run_sweep  # noqa: E402

BASELINE = ROOT / "scenarios" / "baseline.yaml"


def sweep_file(folder: Path, runs: int, seed: int) -> Path:
    spec = {"name": "bench", "base": str(BASELINE), "seed": seed, "design": "latin_hypercube", "runs": runs,
            "parameters": {"parameters.strain_per_hour": {"bounds": [0.004, 0.008]}}}
    path = folder / f"bench_{seed}.yaml"
    path.write_text(yaml.safe_dump(spec))
    return path


def runs_per_minute(folder: Path, runs: int, workers: int) -> float:
    path = sweep_file(folder, runs, seed=workers)  # own seeds per config: nothing is skipped
    start = time.perf_counter()
    counts = run_sweep(path, folder / f"out_{workers}", workers=workers, progress=False)
    elapsed = time.perf_counter() - start
    if counts["failed"]:
        raise SystemExit(f"bench: {counts['failed']} runs failed, see {folder}/out_{workers}/failed")
    return runs / elapsed * 60


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=40, help="runs per worker count (default 40)")
    ap.add_argument("--workers", type=int, nargs="+", default=[1, 2], help="worker counts (default 1 2)")
    args = ap.parse_args()
    from sim.analysis.bench import throughput
    from sim.model.model import LangerThuisModel
    from sim.model.model import ReferenceModel
    from sim.model.scenario import load_scenario
    scenario = load_scenario(BASELINE)
    t = time.perf_counter()
    model, steps_per_run = LangerThuisModel(scenario), 0   # warm-up: compiles / loads the Numba cache once
    while model.running:
        steps_per_run += model.count_alive()[0]
        model.step()
    print(f"one run in this process (warm-up, incl. compile): {time.perf_counter() - t:.1f} s, "
          f"{steps_per_run:,} resident-steps")
    reference = throughput(ReferenceModel, scenario, months=3, warmup=1)
    print(f"Mesa reference, one core: {reference:,.0f} resident-steps/s")
    rpm = {}
    with tempfile.TemporaryDirectory() as tmp:
        for w in args.workers:
            rpm[w] = runs_per_minute(Path(tmp), args.runs, w)
            print(f"{w} worker(s): {rpm[w]:.2f} runs/min ({args.runs} runs), "
                  f"{rpm[w] / 60 * steps_per_run:,.0f} resident-steps/s")
    low, high = min(rpm), max(rpm)
    scaling = rpm[high] / rpm[low]
    minutes_1000 = 1000 / rpm[high]
    print(f"scaling {low} -> {high} workers: {scaling:.2f}x (ideal {high / low:.0f}x)")
    print(f"estimate for a 1,000-run sweep: {minutes_1000:.1f} min with {high} workers "
          f"({minutes_1000 * high / 60:.1f} worker-hours)")
    per_core = rpm[low] / low / 60 * steps_per_run
    print(f"one worker (one core) against the Mesa reference (one core): {per_core / reference:.0f}x")
    print(json.dumps({"scenario": "baseline", "runs_per_config": args.runs, "cpu_count": os.cpu_count(),
                      "runs_per_minute": {str(w): round(v, 3) for w, v in rpm.items()},
                      "resident_steps_per_run": steps_per_run,
                      "resident_steps_per_s": {str(w): round(v / 60 * steps_per_run) for w, v in rpm.items()},
                      "reference_resident_steps_per_s": round(reference),
                      "ratio_per_core_vs_reference": round(per_core / reference, 1),
                      "scaling": round(scaling, 3), "estimate_1000_runs_minutes": round(minutes_1000, 1)}))


if __name__ == "__main__":
    main()
