import numpy as np
from numba import njit

from sim.model.rng import PROCESSES, STREAM, month_key, person_month_key, person_month_key_py, run_key, uniform, uniform_py


@njit
def _draws(mkey, pids, stream):
    out = np.empty(len(pids))
    for i in range(len(pids)):
        out[i] = uniform(person_month_key(mkey, pids[i]), stream)
    return out


def test_numba_and_python_draws_are_identical():
    key = run_key(7, 3)
    for month in (-1, 0, 12 * 2013 + 5):
        mk = month_key(key, month)
        pids = np.arange(0, 5000, 7, dtype=np.int32)
        fast = _draws(np.uint64(mk), pids, STREAM["fall"])
        slow = [uniform_py(person_month_key_py(mk, int(p)), STREAM["fall"]) for p in pids]
        assert fast.tolist() == slow


def test_draws_are_uniform_and_streams_independent():
    mk = np.uint64(month_key(run_key(1, 0), 100))
    pids = np.arange(200_000, dtype=np.int32)
    a, b = _draws(mk, pids, 0), _draws(mk, pids, 1)
    assert abs(a.mean() - 0.5) < 0.005 and abs(a.var() - 1 / 12) < 0.002
    assert 0.0 <= a.min() and a.max() < 1.0
    assert abs(np.corrcoef(a, b)[0, 1]) < 0.01
    assert np.histogram(a, bins=10, range=(0, 1))[0].min() > 19_000


def test_run_keys_differ_by_seed_and_replicate_and_streams_are_fixed():
    assert len({run_key(1, 0), run_key(1, 1), run_key(2, 0)}) == 3
    # stream ids are part of the results: new processes go at the end
    assert PROCESSES[:3] == ("mortality", "decline", "decline_shock")
