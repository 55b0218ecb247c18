"""E5 The Netherlands to 2040: ``python experiments/e5_netherlands.py [--quick] [--out DIR] [--workers N] [--force]``.

The same as ``langerthuis experiment e5_netherlands ...``:
the experiment is sim.experiments.e5_netherlands; the folder (default
results/e5_netherlands/: summary.md, figures as PNG and SVG, tables as CSV and Parquet, manifest.json) is written by
sim.experiments.writer.
"""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))   # this checkout's sim, not another installed one

from sim.cli import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main(["experiment", "e5_netherlands", *sys.argv[1:]]))
