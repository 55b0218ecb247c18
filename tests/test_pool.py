"""The one worker pool (sim.studies.pool): results in task order whatever the completion order, on this process
and on worker processes alike; an error reaches the caller."""
from __future__ import annotations

import time

import pytest

from sim.studies.pool import InProcess, LocalPool, open_pool


def slow_square(x):
    """x squared, the first tasks slowest: on two workers the later tasks finish first."""
    time.sleep(0.3 if x < 2 else 0.0)
    if x < 0:
        raise ValueError(f"negative: {x}")
    return x * x


def test_open_pool_runs_one_worker_in_this_process():
    assert isinstance(open_pool(1), InProcess) and isinstance(open_pool(0), InProcess)


@pytest.mark.parametrize("workers", [1, 2])
def test_map_gives_the_results_in_task_order(workers):
    done = []
    with open_pool(workers) as pool:
        assert isinstance(pool, LocalPool if workers > 1 else InProcess)
        assert pool.map(slow_square, [0, 1, 2, 3, 4], done=done.append) == [0, 1, 4, 9, 16]
    assert done == [0, 1, 4, 9, 16]   # reported in task order too


def test_an_error_in_a_worker_reaches_the_caller():
    with LocalPool(2) as pool, pytest.raises(ValueError, match="negative: -1"):
        pool.map(slow_square, [1, -1, 2])
