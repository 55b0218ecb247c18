"""``langerthuis run SCENARIO --out DIR``: simulate one scenario (all its replicates) and write
indicators (Parquet and CSV), neighbourhood maps, a manifest and the standard figures."""
from __future__ import annotations

import time

from sim.output import atomic_folder, manifest, write_json


def register(sub):
    p = sub.add_parser("run", help="simulate a scenario and write its indicators, figures and manifest")
    p.add_argument("scenario", help="scenario YAML file (see scenarios/README.md)")
    p.add_argument("--out", required=True, help="output folder (replaced atomically when complete)")
    p.add_argument("--replicates", type=int, help="override the scenario's number of replicates")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    p.set_defaults(func=main)


def main(args) -> int:
    from sim.workshop.plots import standard_figures
    from sim.studies.runner import run_replicates
    from sim.model.scenario import load_scenario

    scenario = load_scenario(args.scenario)     # bad input stops here: nothing written
    if args.replicates:
        scenario["replicates"] = int(args.replicates)
    started = time.perf_counter()
    table, cells = run_replicates(scenario, progress=not args.no_progress)
    with atomic_folder(args.out) as tmp:
        table.to_parquet(tmp / "indicators.parquet", index=False)
        table.to_csv(tmp / "indicators.csv", index=False)
        cells.to_parquet(tmp / "neighbourhoods.parquet", index=False)
        figures = standard_figures(table, cells, tmp)
        write_json(tmp / "manifest.json", manifest([scenario], time.perf_counter() - started, figures=figures))
    print(f"wrote {args.out}: {table.year.nunique()} years x {table.indicator.nunique()} indicators x "
          f"{scenario['replicates']} replicate(s) in {time.perf_counter() - started:.1f} s")
    return 0
