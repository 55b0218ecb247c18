"""E3 A VV3 client at home: ``python experiments/e3_vv3_at_home.py [--quick] [--out DIR] [--workers N] [--force]``.

The same as ``langerthuis experiment e3_vv3_at_home ...``:
the experiment is sim.experiments.e3_vv3_at_home; the folder (default
results/e3_vv3_at_home/: summary.md, figures as PNG and SVG, tables as CSV and Parquet, manifest.json) is written by
sim.experiments.writer.
"""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))   # this checkout's sim, not another installed one

from sim.cli import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main(["experiment", "e3_vv3_at_home", *sys.argv[1:]]))
