"""Running scenarios: one replicate, all replicates; and the worker processes of sweeps and calibration."""
from __future__ import annotations

import multiprocessing.context
import os
import sys
import threading
import time
import types

import pandas as pd
from tqdm.auto import tqdm

from sim.model.model import LangerThuisModel


def run_model(scenario: dict, replicate: int = 0, progress: bool = False, engine=LangerThuisModel):
    """Build and run one replicate; returns the finished model (indicators, maps, state). The model applies
    its own parameters (an ensemble scenario's particle too: sim.model.ensemble.run_parameters)."""
    model = engine(scenario, replicate=replicate)
    years = scenario["end_year"] - scenario["start_year"] + 1
    with tqdm(total=years, unit="year", desc=f"{scenario['name']} #{replicate}", disable=not progress,
              leave=False) as bar:
        model.run(progress=lambda year: bar.update(1))
    return model


def run_scenario(scenario: dict, replicate: int = 0, progress: bool = False) -> pd.DataFrame:
    """Tidy indicator table (scenario, replicate, year, indicator, value) of one replicate."""
    return run_model(scenario, replicate, progress).indicators()


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


def single_numba_thread():
    """Process-pool initializer: when processes are the parallelism, one Numba thread each avoids
    oversubscribing the cores (results are identical for any thread count)."""
    import numba
    numba.set_num_threads(1)


class _WorkerProcess(multiprocessing.context.SpawnProcess):
    """A spawned worker that does not re-run the parent's ``__main__``: workers need only the
    sim modules they run. So a sweep or calibration started from a script without an ``if __name__ ==
    "__main__"`` guard, from stdin or from a notebook does not run the caller's code again. It exits when
    its parent (the driver) dies."""

    @staticmethod
    def _Popen(process_obj):
        main = sys.modules["__main__"]
        sys.modules["__main__"] = types.ModuleType("__main__")  # seen by spawn's preparation data only
        try:
            return multiprocessing.context.SpawnProcess._Popen(process_obj)
        finally:
            sys.modules["__main__"] = main

    def run(self):
        exit_with_parent()
        super().run()


def exit_with_parent(interval: float = 0.5) -> None:
    """Start a daemon thread that ends this process when its parent dies (a killed sweep or calibration
    driver would otherwise leave its workers running, ~260 MB each): the parent's death re-parents us."""
    known = multiprocessing.parent_process()
    parent = known.pid if known is not None else os.getppid()  # the driver, even if it died already

    def watch():
        while os.getppid() == parent:
            time.sleep(interval)
        os._exit(1)

    threading.Thread(target=watch, name="exit-with-parent", daemon=True).start()


class _WorkerContext(multiprocessing.context.SpawnContext):
    Process = _WorkerProcess


def worker_context() -> multiprocessing.context.SpawnContext:
    """The multiprocessing context of every local worker pool (sweeps, calibration)."""
    return _WorkerContext()
