"""``langerthuis bench [--json]``: throughput of the Numba kernel against the pure-Mesa reference,
measured in the same run, plus memory per resident and (optionally) the national run.

Resident-steps = living residents x simulated months. Compile time is excluded: every engine
first runs a short warm-up. The last line with --json is one JSON object.
"""
from __future__ import annotations

import json
import resource
import subprocess
import sys
import time

import numba


def register(sub):
    p = sub.add_parser("bench", help="measure kernel and reference throughput (resident-steps per second)")
    p.add_argument("--json", action="store_true", help="print one JSON object as the last line")
    p.add_argument("--inhabitants", type=int, default=1_000_000, help="municipality size for the kernel (default 1,000,000)")
    p.add_argument("--months", type=int, default=24, help="months measured for the kernel")
    p.add_argument("--reference-inhabitants", type=int, default=10_000)
    p.add_argument("--reference-months", type=int, default=6)
    p.add_argument("--national", action="store_true", help="also run scenarios/netherlands.yaml (wall time, peak memory)")
    p.set_defaults(func=main)


def _scenario(inhabitants: int, start=2013, end=2040):
    from sim.model.scenario import resolve_scenario
    return resolve_scenario({"name": f"bench-{inhabitants}", "start_year": start, "end_year": end,
                             "municipality": {"inhabitants": inhabitants, "grid": {"width": 20, "height": 20}}})


def throughput(engine, scenario, months: int, warmup: int = 2) -> float:
    """Resident-steps per second over ``months`` steps after ``warmup`` steps."""
    model = engine(scenario)
    for _ in range(warmup):
        model.step()
    steps, seconds = 0, 0.0
    for _ in range(months):
        alive = model.count_alive()[0]
        t0 = time.perf_counter()
        model.step()
        seconds += time.perf_counter() - t0
        steps += alive
    return steps / seconds


def national_run() -> dict:
    """Run the national scenario in a fresh process: wall time and peak resident memory."""
    code = ("import time,resource,sim.analysis.runner as r; from sim.model.scenario import load_scenario;"
            "s=load_scenario('scenarios/netherlands.yaml'); t=time.perf_counter(); m=r.run_model(s,0);"
            "print(time.perf_counter()-t, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, m.residents.n)")
    # a first run compiles and fills the cache; the second is the measurement
    subprocess.run([sys.executable, "-c", "import sim.model.engines.kernel"], check=True)
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True).stdout.split()
    return {"national_wall_s": round(float(out[0]), 2), "national_peak_rss_mb": round(int(out[1]) / 1024, 1),
            "national_residents_at_end": int(out[2])}


def main(args) -> int:
    from sim.model.model import LangerThuisModel
    from sim.model.population import bytes_per_resident
    from sim.model.model import ReferenceModel

    threads = numba.config.NUMBA_NUM_THREADS
    big = _scenario(args.inhabitants)
    half = _scenario(args.inhabitants // 2)
    numba.set_num_threads(threads)
    kernel = throughput(LangerThuisModel, big, args.months)
    kernel_half = throughput(LangerThuisModel, half, args.months)
    numba.set_num_threads(1)
    kernel_1 = throughput(LangerThuisModel, big, args.months)
    numba.set_num_threads(threads)
    reference = throughput(ReferenceModel, _scenario(args.reference_inhabitants), args.reference_months, warmup=1)
    result = {
        "kernel_resident_steps_per_s": round(kernel),
        "kernel_1thread_resident_steps_per_s": round(kernel_1),
        "reference_resident_steps_per_s": round(reference),
        "ratio": round(kernel / reference, 1),
        "bytes_per_resident": bytes_per_resident(),
        "threads": threads,
        "kernel_inhabitants": args.inhabitants,
        "linearity_half_size_ratio": round(kernel_half / kernel, 3),  # ~1 when cost is linear in residents
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }
    if args.national:
        result.update(national_run())
    if not args.json:
        for k, v in result.items():
            print(f"{k:40s} {v}")
    print(json.dumps(result) if args.json else "")
    return 0
