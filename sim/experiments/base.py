"""What an experiment hands back, and the registry of experiments.

An experiment module (``sim/experiments/eN_name.py``) defines ``NAME``, ``TITLE``, ``QUESTION`` and
``run(quick: bool, workers: int | None = None) -> ExperimentOutput``. It computes; writing the folder (summary.md,
PNG and SVG figures, CSV and Parquet tables, manifest) is done once, for every experiment, by the writer.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

# name -> module path; the order is the order of the index (experiments/README.md, docs/experiments.md)
EXPERIMENTS = {
    "e1_reform": "sim.experiments.e1_reform",
    "e2_wsg_blocks": "sim.experiments.e2_wsg_blocks",
    "e3_vv3_at_home": "sim.experiments.e3_vv3_at_home",
    "e4_sensitivity": "sim.experiments.e4_sensitivity",
    "e5_netherlands": "sim.experiments.e5_netherlands",
    "e6_access": "sim.experiments.e6_access",
}


@dataclass
class ExperimentOutput:
    """A finished experiment. ``summary`` is the body of summary.md after the title (Markdown: question, design,
    results with intervals and replicate counts, limitations); ``main_figure`` names one key of ``figures``.
    ``scenarios`` are the resolved scenario dicts that ran (their hashes go into the manifest), ``seeds`` the
    seeds used, ``replicates`` the replicate count each interval rests on."""
    summary: str
    figures: dict = field(default_factory=dict)          # file stem -> matplotlib Figure
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)   # file stem -> table
    main_figure: str | None = None
    conclusion: str = ""                                 # one or two sentences with numbers, for docs/experiments.md
    scenarios: list[dict] = field(default_factory=list)
    seeds: list[int] = field(default_factory=list)
    replicates: int | None = None
    extra: dict = field(default_factory=dict)            # anything else the manifest should record
