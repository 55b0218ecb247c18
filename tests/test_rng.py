import numpy as np
import pytest
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


# the stream ids before the mechanisms declared them: part of the results, never renumbered
STREAMS_BEFORE = ("mortality", "decline", "decline_shock", "cognition", "fall", "fall_injury", "hospital",
                  "alarm_call", "crisis", "indication", "carer_breakdown", "carer_new", "adaptation", "move",
                  "admission_request", "split", "young_exit", "widowhood", "access_notice", "access_intake",
                  "access_referral", "access_adaptation", "home_preference")


def test_the_assembled_stream_table_keeps_every_fixed_id():
    assert {name: STREAM[name] for name in STREAMS_BEFORE} == {name: i for i, name in enumerate(STREAMS_BEFORE)}
    assert PROCESSES[:len(STREAMS_BEFORE)] == STREAMS_BEFORE   # a new stream takes the next id


def test_a_stream_id_taken_twice_is_refused(monkeypatch):
    import sim.model.rng as R

    taken = {"decline": {"FIELDS": (), "COUNTERS": (), "STREAMS": {"decline": 0}},
             "other": {"FIELDS": (), "COUNTERS": (), "STREAMS": {"other": 0}}}
    monkeypatch.setattr(R, "declarations", lambda: taken)
    with pytest.raises(ValueError, match="stream ids must be 0..1"):
        R._streams()
    taken["other"]["STREAMS"] = {"decline": 1}
    with pytest.raises(ValueError, match="declared twice"):
        R._streams()
