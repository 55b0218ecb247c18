"""E2 Woonservicegebied building blocks: ``python experiments/e2_wsg_blocks.py [--quick] [--out DIR] [--workers N] [--force]``.

The same as ``langerthuis experiment e2_wsg_blocks ...``:
the experiment is sim.experiments.e2_wsg_blocks; the folder (default
results/e2_wsg_blocks/: summary.md, figures as PNG and SVG, tables as CSV and Parquet, manifest.json) is written by
sim.experiments.writer.
"""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))   # this checkout's sim, not another installed one

from sim.cli import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main(["experiment", "e2_wsg_blocks", *sys.argv[1:]]))
