"""The one worker pool of every study: runs go to this process, to local worker processes or to a Dask cluster.

``compare``, sweeps, calibration, validation, the experiments (sim.experiments) and the app's cache send their
model runs through a pool. ``map`` hands back the results in task order whatever the completion order, and a
run's random numbers come from its scenario's seed and replicate only, so no result depends on the number of
workers or on which worker ran what.

- ``InProcess``: one worker, this process (nothing to start; a debugger or a progress callback sees the run);
- ``LocalPool``: spawned processes (spawn is safe with threads) that do not re-run the caller's ``__main__``,
  use one Numba thread each (the processes already fill the cores; results are identical for any thread
  count) and exit when their parent dies;
- ``DaskPool``: an existing Dask distributed scheduler (``langerthuis sweep --scheduler ADDRESS``).

Each has ``slots`` (runs at once), ``submit(fn, arg)`` -> a future, ``map(fn, items)``, ``close(ok)``, and
for a driver that keeps its own queue (the sweep) ``wait_first``, ``restart`` and ``generation``.
"""
from __future__ import annotations

import concurrent.futures as cf
import contextlib
import multiprocessing.context
import os
import sys
import threading
import time
import types
import uuid
from concurrent.futures.process import BrokenProcessPool

from sim.model.loader import InputFileError

CONNECT_TIMEOUT = "30s"  # to reach a Dask scheduler (clusters can be slow to answer)


def default_workers() -> int:
    """The cores this process may use: the default number of local workers."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


def open_pool(workers: int | None = None, scheduler: str | None = None):
    """A Dask pool on ``scheduler``; else ``workers`` local processes (None: one per core), or this
    process alone for one worker."""
    if scheduler:
        return DaskPool(scheduler)
    workers = default_workers() if workers is None else int(workers)
    return LocalPool(workers) if workers > 1 else InProcess()


@contextlib.contextmanager
def pool_or_open(pool=None, workers: int | None = 1):
    """``pool`` as it is (its owner closes it), else a new pool of ``workers`` (``open_pool``), closed on leaving."""
    if pool is not None:
        yield pool
        return
    with open_pool(workers) as new:
        yield new


class _Pool:
    slots = 1
    generation = 0

    def map(self, fn, items, done=None) -> list:
        """``[fn(item) for item in items]`` on the pool's workers, in the order of ``items``; ``done(result)``
        after each result, in that order. An error (or ``done`` raising) cancels the runs not started."""
        futures = [self.submit(fn, item) for item in items]
        results = []
        try:
            for future in futures:
                results.append(future.result())
                if done is not None:
                    done(results[-1])
        except BaseException:
            for future in futures:
                future.cancel()
            raise
        return results

    def wait_first(self, pending):
        """The futures of ``pending`` that are done, waiting for at least one."""
        return cf.wait(pending, return_when=cf.FIRST_COMPLETED).done

    def restart(self):
        """Replace a broken pool (only local processes break)."""

    def close(self, ok: bool = True):
        """Let the workers go; ``ok`` False: do not wait for runs in flight."""

    def __enter__(self):
        return self

    def __exit__(self, kind, value, traceback):
        self.close(kind is None)


class InProcess(_Pool):
    """Every task at once in this process (one worker; a sweep's ``--workers 0``)."""

    def submit(self, fn, arg, key=None):
        future = cf.Future()
        try:
            future.set_result(fn(arg))
        except Exception as exc:  # noqa: BLE001 - handed to whoever reads the future, as a process pool does
            future.set_exception(exc)
        return future

    def map(self, fn, items, done=None) -> list:
        results = []
        for item in items:   # one after the other: an error (or Ctrl-C) stops at once
            results.append(fn(item))
            if done is not None:
                done(results[-1])
        return results

    def wait_first(self, pending):
        return set(pending)


class LocalPool(_Pool):
    """``workers`` spawned worker processes. A worker that dies (killed, out of memory) breaks the whole
    pool; ``restart`` replaces it and ``generation`` counts the pools, so a driver knows which futures
    belonged to the broken one."""

    def __init__(self, workers: int):
        self.slots = int(workers)
        self.generation = 0
        self.pool = self._new_pool()

    def _new_pool(self):
        return cf.ProcessPoolExecutor(max_workers=self.slots, mp_context=worker_context(),
                                      initializer=single_numba_thread)

    def submit(self, fn, arg, key=None):
        try:
            return self.pool.submit(fn, arg)
        except BrokenProcessPool as exc:
            # the pool broke after the last wait (a worker died while other runs finished): hand back a
            # crashed run of this pool, so the driver restarts the pool and sends the run again
            future = cf.Future()
            future.set_exception(exc)
            return future

    def restart(self):
        self.pool.shutdown(wait=False, cancel_futures=True)
        self.pool = self._new_pool()
        self.generation += 1

    def close(self, ok: bool = True):
        self.pool.shutdown(wait=ok, cancel_futures=True)


class DaskPool(_Pool):
    """An existing Dask distributed scheduler. Dask itself reruns the tasks of a worker that dies (and gives
    up with KilledWorker after a few deaths, which the future then raises)."""

    def __init__(self, address: str):
        from distributed import Client
        try:
            self.client = Client(address, timeout=CONNECT_TIMEOUT)
        except OSError as exc:
            raise InputFileError("--scheduler", address, "a reachable Dask scheduler", str(exc)) from None
        self.slots = max(sum(self.client.nthreads().values()), 1)
        self.token = uuid.uuid4().hex[:8]   # task keys unique to this driver

    def submit(self, fn, arg, key=None):
        return self.client.submit(fn, arg, key=f"{key}-{self.token}" if key else None, pure=False)

    def wait_first(self, pending):
        from distributed import wait
        return wait(list(pending), return_when="FIRST_COMPLETED").done

    def close(self, ok: bool = True):
        self.client.close()


# --------------------------------------------------------------------------- local worker processes
def single_numba_thread():
    """Worker initializer: when processes are the parallelism, one Numba thread each avoids
    oversubscribing the cores (results are identical for any thread count)."""
    import numba
    numba.set_num_threads(1)


class _WorkerProcess(multiprocessing.context.SpawnProcess):
    """A spawned worker that does not re-run the parent's ``__main__``: workers need only the sim modules
    they run. So a pool started from a script without an ``if __name__ == "__main__"`` guard, from stdin or
    from a notebook does not run the caller's code again. It exits when its parent (the driver) dies."""

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
    """Start a daemon thread that ends this process when its parent dies (a killed driver would otherwise
    leave its workers running, ~260 MB each): the parent's death re-parents us."""
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
    """The multiprocessing context of every local worker process."""
    return _WorkerContext()

