"""Counter-based random numbers: one uniform per (run key, process, month, person).

A draw is a pure function of its coordinates, so results do not depend on the number of threads,
the order in which residents are visited, or on any other process: adding an intervention that
draws from a new process shifts nothing else (common random numbers across scenarios).
The mixing function is SplitMix64's finaliser applied twice; ``uniform`` (Numba) and
``uniform_py`` (plain Python, for the Mesa reference) give the same bits (tested).
"""
from __future__ import annotations

import zlib

import numpy as np
from numba import njit

from sim.model.declarations import declarations

MASK = 0xFFFFFFFFFFFFFFFF
GOLDEN = 0x9E3779B97F4A7C15
M1 = 0xBF58476D1CE4E5B9
M2 = 0x94D049BB133111EB


def _streams() -> dict[str, int]:
    """Stream name -> id, assembled from the mechanisms' ``STREAMS`` (each declares its streams with their ids)."""
    table = {}
    for owner, d in declarations().items():
        for name, sid in d["STREAMS"].items():
            if name in table:
                raise ValueError(f"random stream {name!r} declared twice (mechanisms/{owner}.py)")
            table[name] = sid
    ids = sorted(table.values())
    # the first ids are contiguous; ids from 40 up are reserved by range for mechanisms built in parallel (issue 25)
    if len(set(ids)) != len(ids) or ids[0] < 0 or any(sid >= len(ids) and sid < 40 for sid in ids):
        raise ValueError(f"stream ids must be 0..{len(table) - 1} (or from 40 up), each once: {ids}")
    return table


# One id per random process (a stream). Never renumber: ids are part of the results; a new stream takes the next id.
STREAM = _streams()
PROCESSES = tuple(sorted(STREAM, key=STREAM.get))   # names in the order of their ids


def run_key(seed: int, replicate: int) -> int:
    """64-bit key of one run, from the scenario seed and the replicate number."""
    ss = np.random.SeedSequence(entropy=int(seed), spawn_key=(int(replicate),))
    return int(ss.generate_state(1, dtype=np.uint64)[0])


def named_seed_sequence(seed: int, replicate: int, name: str) -> np.random.SeedSequence:
    """A SeedSequence for a vectorised (NumPy) process such as initialisation or inflow."""
    return np.random.SeedSequence(entropy=int(seed), spawn_key=(int(replicate), zlib.crc32(name.encode())))


@njit(cache=True, inline="always")
def _mix(z):
    z = (z ^ (z >> np.uint64(30))) * np.uint64(M1)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(M2)
    return z ^ (z >> np.uint64(31))


@njit(cache=True, inline="always")
def person_month_key(month_key, pid):
    """Hash of (run key mixed with the month, person id): the root of that person's draws this month."""
    return _mix(np.uint64(month_key) ^ (np.uint64(pid) * np.uint64(GOLDEN)))


@njit(cache=True, inline="always")
def uniform(pm_key, stream):
    """Uniform in [0, 1) for one process of one person in one month."""
    z = _mix(np.uint64(pm_key) + np.uint64(stream + 1) * np.uint64(GOLDEN))
    return np.float64(z >> np.uint64(11)) * (1.0 / 9007199254740992.0)


def _mix_py(z: int) -> int:
    z = ((z ^ (z >> 30)) * M1) & MASK
    z = ((z ^ (z >> 27)) * M2) & MASK
    return z ^ (z >> 31)


def month_key(key: int, month_abs: int) -> int:
    """Key of one calendar month of one run (computed once per month, outside the kernel)."""
    return _mix_py((key + (month_abs + 1) * GOLDEN) & MASK)


def person_month_key_py(mkey: int, pid: int) -> int:
    return _mix_py(mkey ^ ((pid * GOLDEN) & MASK))


def uniform_py(pm_key: int, stream: int) -> float:
    z = _mix_py((pm_key + (stream + 1) * GOLDEN) & MASK)
    return float(z >> 11) * (1.0 / 9007199254740992.0)
