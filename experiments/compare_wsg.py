"""Regenerate the workshop comparison: baseline against the woonservicegebied scenarios.

    python experiments/compare_wsg.py                      # 10 paired replicates -> results/compare_wsg
    python experiments/compare_wsg.py --replicates 3 --lang nl --out results/compare_wsg_nl

Runs scenarios/baseline.yaml, wsg_hardware, wsg_software, wsg_full and wsg_citywide with the same
seed and replicate numbers (sim.analysis.compare pairs them), summarises the investment years (2016-2040) and
writes (sim.workshop.comparison), besides the standard comparison files, the outcomes inside the
woonservicegebied `centrum` (area_centrum.csv). A run of the 100,000-inhabitant municipality takes about 10-20 s.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from sim.analysis.compare import Comparison
from sim.workshop import comparison

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = ["baseline", "wsg_hardware", "wsg_software", "wsg_full", "wsg_citywide"]


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--replicates", type=int, default=10, help="paired replicates per scenario (default 10)")
    p.add_argument("--out", default=str(ROOT / "results" / "compare_wsg"), help="output folder")
    p.add_argument("--lang", choices=("en", "nl"), default="en")
    p.add_argument("--no-progress", action="store_true")
    args = p.parse_args(argv)
    files = [ROOT / "scenarios" / f"{name}.yaml" for name in SCENARIOS]
    c = Comparison(files, replicates=args.replicates, progress=not args.no_progress).run()
    comparison.save(c, args.out, lang=args.lang, areas=["centrum"])
    summary = c.summary()
    gained = summary[summary.outcome == "cost_per_month_independent_gained"].set_index("scenario")["mean"]
    print(f"wrote {args.out} ({c.replicates} replicates, years {c.window[0]}-{c.window[1]})")
    for name, value in gained.items():
        print(f"  {name}: cost per month at home gained {value:,.0f} EUR")
    return 0


if __name__ == "__main__":
    sys.exit(main())
