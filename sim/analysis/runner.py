"""Running scenarios: one replicate, all replicates, and the task a worker pool runs (sim.analysis.pool)."""
from __future__ import annotations

import sys

import pandas as pd
from tqdm.auto import tqdm

from sim.model.model import LangerThuisModel


def run_model(scenario: dict, replicate: int = 0, progress: bool = False, engine=LangerThuisModel):
    """Build and run one replicate; returns the finished model (indicators, maps, state). The model applies
    its own parameters (an ensemble scenario's particle too: sim.model.ensemble.run_parameters)."""
    if progress and engine is LangerThuisModel:
        announce_compiling()
    model = engine(scenario, replicate=replicate)
    years = scenario["end_year"] - scenario["start_year"] + 1
    with tqdm(total=years, unit="year", desc=f"{scenario['name']} #{replicate}", disable=not progress,
              leave=False) as bar:
        model.run(progress=lambda year: bar.update(1))
    return model


def announce_compiling() -> None:
    """One line before a run that will first compile the kernel (a fresh install: 30-60 s without a bar moving)."""
    from sim.model.engines.kernel import is_compiled

    if not is_compiled():
        tqdm.write("compiling the simulation kernel (once per installation, about 30-60 s) ...", file=sys.stderr)


def run_scenario(scenario: dict, replicate: int = 0, progress: bool = False) -> pd.DataFrame:
    """Tidy indicator table (scenario, replicate, year, indicator, value) of one replicate."""
    return run_model(scenario, replicate, progress).indicators()


def run_indicators(task: tuple) -> pd.DataFrame:
    """A pool's task (sim.analysis.pool): ``(scenario, replicate)`` -> that replicate's tidy indicator table."""
    scenario, replicate = task
    return run_scenario(scenario, replicate)


def run_replicates(scenario: dict, progress: bool = False, areas: list | None = None):
    """All replicates of a scenario: (tidy table, the models' neighbourhood maps of the last year); with a
    list ``areas``, each replicate's per-area table (sim/model/areas.py) is appended to it."""
    tables, maps = [], []
    for r in range(int(scenario["replicates"])):
        model = run_model(scenario, r, progress)
        tables.append(model.indicators())
        if areas is not None:
            areas.append(model.area_table())
        maps.append(model.cell_map(scenario["end_year"]).assign(replicate=r))
    return pd.concat(tables, ignore_index=True), pd.concat(maps, ignore_index=True)
