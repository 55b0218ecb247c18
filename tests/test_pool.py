"""The one worker pool (sim.analysis.pool): results in task order whatever the completion order, on this process
and on worker processes alike; an error reaches the caller; the app's cache on it."""
from __future__ import annotations

import contextlib
import time

import pandas as pd
import pytest

import sim.workshop.appcache as cache
from sim.model.scenario import load_scenario, resolve_scenario
from sim.analysis.pool import InProcess, LocalPool, open_pool

from conftest import ROOT


def slow_square(x):
    """x squared, the first tasks slowest: on two workers the later tasks finish first."""
    time.sleep(0.3 if x < 2 else 0.0)
    if x < 0:
        raise ValueError(f"negative: {x}")
    return x * x


def test_open_pool_runs_one_worker_in_this_process():
    assert isinstance(open_pool(1), InProcess) and isinstance(open_pool(0), InProcess)


@pytest.fixture(scope="module")
def two_workers():
    """One pool of two worker processes for this file's tests (starting one costs seconds): as open_pool gives it."""
    with open_pool(2) as pool:
        yield pool


@pytest.mark.parametrize("workers", [1, 2])
def test_map_gives_the_results_in_task_order(workers, request):
    done = []
    with open_pool(1) if workers == 1 else contextlib.nullcontext(request.getfixturevalue("two_workers")) as pool:
        assert isinstance(pool, LocalPool if workers > 1 else InProcess)
        assert pool.map(slow_square, [0, 1, 2, 3, 4], done=done.append) == [0, 1, 4, 9, 16]
    assert done == [0, 1, 4, 9, 16]   # reported in task order too


def test_an_error_in_a_worker_reaches_the_caller(two_workers):
    with pytest.raises(ValueError, match="negative: -1"):
        two_workers.map(slow_square, [1, -1, 2])
    assert two_workers.map(slow_square, [3]) == [9]   # the pool still works after a task's error


def test_the_apps_cache_gives_the_same_run_on_two_workers(tmp_path, monkeypatch):
    """The app's cache runs the replicates on the pool too: on two worker processes the same Run (every table
    row for row) as in this process, and progress still counts every simulated year once."""
    small = ROOT / "scenarios" / "small.yaml"
    s = resolve_scenario(dict(load_scenario(small), end_year=2012, replicates=2), file=str(small))
    runs, years = [], []
    for workers in (1, 2):
        monkeypatch.setattr(cache, "_memory", {})
        monkeypatch.setenv("LANGERTHUIS_CACHE", str(tmp_path / f"cache{workers}"))   # not a cache hit: a run
        years.clear()
        runs.append(cache.run_full(s, progress=years.append, workers=workers))
        assert years == list(range(1, cache.run_years(s) + 1))
    for field in cache.Run._fields:
        pd.testing.assert_frame_equal(getattr(runs[0], field), getattr(runs[1], field), check_exact=True)
    assert set(runs[1].yearly.replicate) == {0, 1} and runs[1].yearly.free_adapted_dwellings_dec.notna().all()
