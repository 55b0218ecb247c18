"""E6 Access routes under a budget cut: ``python experiments/e6_access.py [--quick] [--out DIR] [--workers N] [--force]``.

The same as ``langerthuis experiment e6_access ...``:
the experiment is sim.experiments.e6_access; the folder (default
results/e6_access/: summary.md, figures as PNG and SVG, tables as CSV and Parquet, manifest.json) is written by
sim.experiments.writer.
"""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))   # this checkout's sim, not another installed one

from sim.cli import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main(["experiment", "e6_access", *sys.argv[1:]]))
