"""The Numba step kernel: one month for all residents, as three passes over the named state.

The kernel owns no rule and no order: its chunk loops call the resident's month (``sim.model.month``:
``resident_month_a``, ``resident_month_b`` and pass C's pieces), which calls each mechanism in the step order;
the mechanisms read and write ``st.<field>[i]`` and add to the chunk's accumulator row.

Pass A (chunks on threads): ageing and mortality, decline, events, indications, care demand per neighbourhood.
Between A and B the model computes each neighbourhood's supply ratio (capacity / demand).
Pass B (chunks on threads): supply and unmet need, informal care and carers, adaptations, move and admission
wishes, well-being, the July census.
Pass C (sequential, priority order): moves into free adapted dwellings, intramural admissions.

Passes A and B split the residents into fixed chunks (``chunking``); ``numba.get_num_threads()`` Python
threads each run a contiguous run of chunks in compiled code that releases the GIL (``run_chunks``).
Numba's ``parallel=True`` did the same but took 47 s instead of 21 s to compile on a clean cache (its
gufunc takes the state's ~25 arrays and the ~130 parameters) and ran 13.2-13.6 instead of 14.2-14.6
million resident-steps/s (Numba 0.68, 2 threads, measured alternately).

Bit-for-bit reproducibility for any thread count: every draw is counter-based (``sim.model.rng``), every
resident writes only its own slots, and every sum is an integer (hours in hundredths, money in
cents) accumulated per chunk, so no floating-point sum depends on the order of threads.
"""
from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from functools import lru_cache
from pathlib import Path

import numba
import numpy as np
from numba import njit

from sim.model.month import admission_priority, resident_admission, resident_month_a, resident_month_b, resident_move
from sim.model.state import DEAD, N_ACC, N_CELL, Residents
from sim.model.state import ACC_NAMES, STOCK_UNIT  # noqa: F401 (read as K.* by tests/test_reference.py)

MODEL = Path(__file__).parent.parent


def kernel_sources() -> list[Path]:
    """The files whose code the compiled kernel contains: this one, the month, the state and its declarations,
    the random numbers and every module of ``mechanisms/`` (a new mechanism is included by being there)."""
    own = [MODEL / name for name in ("engines/kernel.py", "month.py", "state.py", "declarations.py", "rng.py")]
    return own + sorted((MODEL / "mechanisms").glob("*.py"))


def _drop_stale_cache():
    """Numba's cache of a module only watches that file; the kernel inlines mechanisms from other
    modules. Drop the cached kernel and mechanisms when any of their sources changed."""
    import hashlib

    digest = hashlib.sha256(b"".join(f.name.encode() + f.read_bytes() for f in kernel_sources())).hexdigest()
    stamp = MODEL / "engines" / "__pycache__" / "kernel.sources.sha256"
    try:
        if stamp.exists() and stamp.read_text() == digest:
            return
        for folder in (MODEL / "engines", MODEL / "mechanisms", MODEL):
            for f in (folder / "__pycache__").glob("*.nb[ic]"):
                f.unlink()
        stamp.parent.mkdir(exist_ok=True)
        stamp.write_text(digest)
    except OSError:  # a read-only install: Numba then compiles in memory anyway
        pass


_drop_stale_cache()


def is_compiled() -> bool:
    """Whether Numba's cache holds the compiled kernel (next to this file, or under NUMBA_CACHE_DIR), so that a
    command can say before its first month that it will first compile (once per installation, 30-60 s)."""
    places = [MODEL / "engines" / "__pycache__"]
    if os.environ.get("NUMBA_CACHE_DIR"):
        places.append(Path(os.environ["NUMBA_CACHE_DIR"]))
    return any(next(place.rglob("kernel.pass_c-*.nbi"), None) is not None for place in places if place.is_dir())


def chunking(n: int) -> tuple[int, int]:
    """(chunk size, number of chunks): results do not depend on it; it only sets parallel grain."""
    size = max(2048, -(-n // 64))
    return size, max(1, -(-n // size))


# How the named state stays fast (measured, Numba 0.68): the mechanisms that take ``st`` are inlined
# (``common.step``; a real call passes 23 arrays and changes their reference counts, ~13x slower),
# into loops compiled without reference counting (``resident_loop``: the branches of inlined code
# otherwise keep increments of the arrays' counts in the loop, ~4x slower), which the passes
# call once per chunk; ``nogil`` lets the chunks of a pass run on several threads.
resident_loop = njit(cache=True, _nrt=False, nogil=True)


@lru_cache(maxsize=None)
def _pool(threads: int, pid: int) -> ThreadPoolExecutor:
    """One pool per thread count and process (a forked worker has none of its parent's threads)."""
    return ThreadPoolExecutor(threads, thread_name_prefix="langerthuis-kernel")


def run_chunks(chunks, args, n_chunks: int):
    """``chunks(*args, first, last)`` on ``numba.get_num_threads()`` threads, each taking a contiguous run of
    chunks: each chunk writes only its own accumulator rows, so the assignment changes no result."""
    threads = max(1, min(numba.get_num_threads(), n_chunks))
    if threads == 1:
        chunks(*args, 0, n_chunks)
        return
    bounds = [n_chunks * t // threads for t in range(threads + 1)]
    pool = _pool(threads, os.getpid())
    for f in [pool.submit(chunks, *args, bounds[t], bounds[t + 1]) for t in range(threads)]:
        f.result()


@resident_loop
def _chunk_a(w, st, acc, cell_acc, lo, hi):
    for i in range(lo, hi):
        resident_month_a(w, st, i, acc, cell_acc)


@resident_loop
def pass_a(st, w, acc, cell_acc, chunk, first, last):
    """Pass A over chunks ``first`` .. ``last - 1``: chunk ``k`` adds to the accumulator rows ``acc[k]``, ``cell_acc[k]``."""
    n = st.pid.shape[0]
    for k in range(first, last):
        _chunk_a(w, st, acc[k], cell_acc[k], k * chunk, min(n, (k + 1) * chunk))


@resident_loop
def _chunk_b(w, st, acc, cell_acc, lo, hi):
    for i in range(lo, hi):
        resident_month_b(w, st, i, acc, cell_acc)


@resident_loop
def pass_b(st, w, acc, cell_acc, chunk, first, last):
    """Pass B over chunks ``first`` .. ``last - 1``, as ``pass_a``."""
    n = st.pid.shape[0]
    for k in range(first, last):
        _chunk_b(w, st, acc[k], cell_acc[k], k * chunk, min(n, (k + 1) * chunk))


@resident_loop
def _moves_and_candidates(st, stock, acc, cand, key):
    """Pass C's scan: moves into free adapted dwellings (resident order); collects the residents
    who ask for admission and their priority. Returns how many."""
    n_cand = 0
    for i in range(st.pid.shape[0]):
        if resident_move(st, i, stock, acc):
            cand[n_cand] = i
            key[n_cand] = admission_priority(st, i)
            n_cand += 1
    return n_cand


@resident_loop
def _admissions(st, cand, order, free_places, cut_pairs, stock, acc, cell_acc):
    for j in range(order.shape[0]):
        resident_admission(st, cand[order[j]], free_places, cut_pairs, stock, acc, cell_acc)


@njit(cache=True)
def pass_c(st, stock, free_places, cut_pairs, acc, cell_acc, cand, key):
    """Moves into free adapted dwellings (resident order), then admissions in priority order: crises
    first, then the longest waiting, then the earliest resident. ``cand`` and ``key`` are scratch
    space of at least the residents' length (one scan collects the admission candidates)."""
    n_cand = _moves_and_candidates(st, stock, acc, cand, key)
    if n_cand > 0:
        _admissions(st, cand, np.argsort(key[:n_cand], kind="mergesort"), free_places, cut_pairs, stock, acc,
                    cell_acc)


class KernelEngine:
    """The model's residents as a struct of arrays, stepped by the passes above; the engine of
    ``sim.model.model.LangerThuisModel``. ``model.step()`` calls the hooks in the step order."""

    name = "kernel"

    def __init__(self, model):
        self.model = model
        self.residents: Residents | None = None
        self.compacted_dead = 0   # dead dropped by start_of_year

    def add_residents(self, people: dict):
        if self.residents is None:
            self.residents = Residents(max(1024, int(len(people["pid"]) * 1.3)))
        self.residents.append(people)

    def state(self):
        return self.residents.state()

    def _accumulators(self, n: int):
        size, chunks = chunking(n)
        return (size, np.zeros((chunks, N_ACC), dtype=np.int64),
                np.zeros((chunks, self.model.hood.n_cells, N_CELL), dtype=np.int64))

    def pass_a(self, world):
        """Pass A for every resident (``world``: a ``month.World``); the month's accumulator totals."""
        st = self.state()
        size, acc, cell_acc = self._accumulators(len(st.pid))
        run_chunks(pass_a, (st, world, acc, cell_acc, size), acc.shape[0])
        return acc.sum(axis=0), cell_acc.sum(axis=0)

    def pass_b(self, world):
        """Pass B for every resident, as ``pass_a``."""
        st = self.state()
        size, acc, cell_acc = self._accumulators(len(st.pid))
        run_chunks(pass_b, (st, world, acc, cell_acc, size), acc.shape[0])
        return acc.sum(axis=0), cell_acc.sum(axis=0)

    def pass_c(self, free_places):
        """Moves and admissions; returns the accumulator rows they add to (the town's, per cell)."""
        m, st = self.model, self.state()
        acc = np.zeros(N_ACC, dtype=np.int64)
        cell_acc = np.zeros((m.hood.n_cells, N_CELL), dtype=np.int64)
        scratch = np.empty((2, len(st.pid)), dtype=np.int64)  # untouched pages cost nothing
        pass_c(st, m.hood.stock, free_places, m.cut_pairs, acc, cell_acc, scratch[0], scratch[1])
        return acc, cell_acc

    def start_of_year(self):
        if self.residents is not None:
            self.compacted_dead += self.residents.compact()

    def count_alive(self) -> tuple[int, int]:
        """(living residents, residents who died since the start): their sum is ``people_in``."""
        res = self.residents.view("residence")
        return int(np.sum(res != DEAD)), int(np.sum(res == DEAD)) + self.compacted_dead
