"""E1 The reform, decomposed: ``python experiments/e1_reform.py [--quick] [--out DIR] [--workers N] [--force]``.

The same as ``langerthuis experiment e1_reform ...``:
the experiment is sim.experiments.e1_reform; the folder (default
results/e1_reform/: summary.md, figures as PNG and SVG, tables as CSV and Parquet, manifest.json) is written by
sim.experiments.writer.
"""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))   # this checkout's sim, not another installed one

from sim.cli import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main(["experiment", "e1_reform", *sys.argv[1:]]))
