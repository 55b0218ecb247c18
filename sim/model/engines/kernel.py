"""The Numba step kernel: one month for all residents, as three passes over the named state.

The kernel owns no rule: it visits the residents and calls each mechanism's month function
(``sim.model.mechanisms.*``) in the step order of ``model.STEP_ORDER``; the mechanisms read and
write ``st.<field>[i]`` and add to the chunk's accumulator row.

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

import numba
import numpy as np
from numba import njit

from sim.model.mechanisms import access, care, carers, census, decline, events, housing, mortality, packages, policy
from sim.model.mechanisms import wellbeing
from sim.model.mechanisms.common import current_need
from sim.model.rng import person_month_key
from sim.model.state import DEAD, HOME, INSTITUTION, N_ACC, N_CELL, WANTS_ADMISSION, Residents
from sim.model.state import ACC_NAMES, STOCK_UNIT  # noqa: F401 (read as K.* by tests/test_reference.py)

# the modules whose code the compiled kernel contains
KERNEL_SOURCES = ("engines/kernel", "rng", "state", "mechanisms/common", "mechanisms/mortality", "mechanisms/decline",
                  "mechanisms/events", "mechanisms/packages", "mechanisms/care", "mechanisms/carers",
                  "mechanisms/housing", "mechanisms/wellbeing", "mechanisms/policy", "mechanisms/census",
                  "mechanisms/access")


def _drop_stale_cache():
    """Numba's cache of a module only watches that file; the kernel inlines mechanisms from other
    modules. Drop the cached kernel and mechanisms when any of their sources changed."""
    import hashlib
    from pathlib import Path

    model = Path(__file__).parent.parent
    sources = [model / f"{name}.py" for name in KERNEL_SOURCES]
    digest = hashlib.sha256(b"".join(f.read_bytes() for f in sources)).hexdigest()
    stamp = model / "engines" / "__pycache__" / "kernel.sources.sha256"
    try:
        if stamp.exists() and stamp.read_text() == digest:
            return
        for folder in (model / "engines", model / "mechanisms", model):
            for f in (folder / "__pycache__").glob("*.nb[ic]"):
                f.unlink()
        stamp.parent.mkdir(exist_ok=True)
        stamp.write_text(digest)
    except OSError:  # a read-only install: Numba then compiles in memory anyway
        pass


_drop_stale_cache()


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
def _chunk_a(st, p, tb, L, cuts, mkey, split_key, improvement, month_abs, ax, acc, cell_acc, lo, hi):
    for i in range(lo, hi):
        if st.residence[i] == DEAD:
            continue
        pm = person_month_key(mkey, st.pid[i])
        need = current_need(st, i)
        if mortality.month(p, tb, st, i, pm, improvement, need, acc, cell_acc):
            continue
        phys = decline.month(p, tb, L, st, i, pm, improvement)
        events.month(p, tb, L, st, i, pm, phys, need, acc, cell_acc)
        need = current_need(st, i)   # after the month's decline and events
        packages.month(p, L, st, i, pm, month_abs, need)
        if st.residence[i] != INSTITUTION:
            care.demand(p, st, i, need, cell_acc)
            has_right = policy.access(cuts, st, i, person_month_key(split_key, st.pid[i]))
            access.month(p, L, ax, st, i, pm, need, has_right, acc)


@resident_loop
def pass_a(st, p, tb, L, cuts, mkey, split_key, improvement, month_abs, ax, acc, cell_acc, chunk, first, last):
    n = st.pid.shape[0]
    for k in range(first, last):
        _chunk_a(st, p, tb, L, cuts, mkey, split_key, improvement, month_abs, ax, acc[k], cell_acc[k], k * chunk,
                 min(n, (k + 1) * chunk))


@resident_loop
def _chunk_b(st, p, tb, L, cuts, mkey, split_key, snapshot, supply_ratio, ax, acc, cell_acc, lo, hi):
    for i in range(lo, hi):
        if st.residence[i] == DEAD:
            continue
        pm = person_month_key(mkey, st.pid[i])
        fixed = person_month_key(split_key, st.pid[i])   # the person's fixed draws (split, home preference)
        has_right = policy.access(cuts, st, i, fixed)
        household = 0.0
        if st.residence[i] == INSTITUTION:
            care.in_institution(tb, st, i, acc)
            wellbeing.month(p, L, st, i, 0.0)
        else:
            need = current_need(st, i)
            keep, supplied, nursing = access.granted(p, ax, st, i)
            informal_w, wlz, household, unmet, needed_w = care.at_home(p, st, i, need, supply_ratio[st.cell[i]],
                                                                       has_right, acc, cell_acc, keep, supplied,
                                                                       nursing)
            unmet = carers.month(p, L, st, i, pm, informal_w, care.informal_need_week(p, need, st.ses[i]), wlz, acc,
                                 unmet, needed_w)
            housing.month(p, L, st, i, pm, need, acc)
            access.housing(p, ax, st, i, pm, need, acc)
            policy.wish(p, st, i, pm, fixed, need, has_right)
            wellbeing.month(p, L, st, i, unmet)
            packages.spell_month(st, i)
        if snapshot:
            census.count(p, st, i, has_right, household, acc, cell_acc)


@resident_loop
def pass_b(st, p, tb, L, cuts, mkey, split_key, snapshot, supply_ratio, ax, acc, cell_acc, chunk, first, last):
    n = st.pid.shape[0]
    for k in range(first, last):
        _chunk_b(st, p, tb, L, cuts, mkey, split_key, snapshot, supply_ratio, ax, acc[k], cell_acc[k], k * chunk,
                 min(n, (k + 1) * chunk))


@resident_loop
def _moves_and_candidates(st, stock, acc, cand, key):
    """Pass C's scan: moves into free adapted dwellings (resident order); collects the residents
    who ask for admission and their priority. Returns how many."""
    n_cand = 0
    for i in range(st.pid.shape[0]):
        if st.residence[i] != HOME:
            continue
        wants = st.flags[i] & WANTS_ADMISSION
        housing.move_in(st, i, stock, acc)
        if wants:
            cand[n_cand] = i
            key[n_cand] = policy.priority(st, i)
            n_cand += 1
    return n_cand


@resident_loop
def _admissions(st, cand, order, free_places, cut_pairs, stock, acc):
    for j in range(order.shape[0]):
        policy.admit(st, cand[order[j]], free_places, cut_pairs, stock, acc)


@njit(cache=True)
def pass_c(st, stock, free_places, cut_pairs, acc, cand, key):
    """Moves into free adapted dwellings (resident order), then admissions in priority order: crises
    first, then the longest waiting, then the earliest resident. ``cand`` and ``key`` are scratch
    space of at least the residents' length (one scan collects the admission candidates)."""
    n_cand = _moves_and_candidates(st, stock, acc, cand, key)
    if n_cand > 0:
        _admissions(st, cand, np.argsort(key[:n_cand], kind="mergesort"), free_places, cut_pairs, stock, acc)


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

    def pass_a(self, mkey, improvement, layers, ax):
        m, st = self.model, self.state()
        size, acc, cell_acc = self._accumulators(len(st.pid))
        run_chunks(pass_a, (st, m.params, m.tables, layers, m.cuts, mkey, m.split_key, improvement, m.month_abs, ax,
                            acc, cell_acc, size), acc.shape[0])
        return acc.sum(axis=0), cell_acc.sum(axis=0)

    def pass_b(self, mkey, layers, snapshot, ratio, ax):
        m, st = self.model, self.state()
        size, acc, cell_acc = self._accumulators(len(st.pid))
        run_chunks(pass_b, (st, m.params, m.tables, layers, m.cuts, mkey, m.split_key, snapshot, ratio, ax, acc,
                            cell_acc, size), acc.shape[0])
        return acc.sum(axis=0), cell_acc.sum(axis=0)

    def pass_c(self, free_places):
        """Moves and admissions; returns the accumulator row they add to."""
        m, st = self.model, self.state()
        acc = np.zeros(N_ACC, dtype=np.int64)
        scratch = np.empty((2, len(st.pid)), dtype=np.int64)  # untouched pages cost nothing
        pass_c(st, m.hood.stock, free_places, m.cut_pairs, acc, scratch[0], scratch[1])
        return acc

    def start_of_year(self):
        if self.residents is not None:
            self.compacted_dead += self.residents.compact()

    def count_alive(self) -> tuple[int, int]:
        """(living residents, residents who died since the start): their sum is ``people_in``."""
        res = self.residents.view("residence")
        return int(np.sum(res != DEAD)), int(np.sum(res == DEAD)) + self.compacted_dead
