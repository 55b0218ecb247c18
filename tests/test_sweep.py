"""Sweeps: sweep-file checks, reproducibility across backends, kill-and-resume, failures, streaming.

Fake runners live in this module (``runner: test_sweep:NAME`` in a sweep file); worker processes
import it through PYTHONPATH (subprocesses) or the spawn start method (which passes sys.path on).
The backend and resume tests use the real model on scenarios/small.yaml with a handful of runs.
"""
from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from sim.analysis import sweep, sweep_design
from sim.analysis import pool as worker_pool
from sim.analysis.pool import LocalPool
from sim.errors import InputError

ROOT = Path(__file__).resolve().parents[1]
SMALL = ROOT / "scenarios" / "small.yaml"
ENV = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), str(ROOT / "tests"), os.environ.get("PYTHONPATH", "")])}


# ----------------------------------------------------------------------------- fake runners
def fake_run(scenario, replicate, file):
    """A deterministic function of the parameters and the seed; raises for x2 == 13."""
    p = scenario["parameters"]
    if p.get("x2") == 13:
        raise ValueError("x2 = 13 is unlucky")
    noise = np.random.default_rng([scenario["seed"], replicate]).random(3)
    years = [2020, 2021, 2022]
    return pd.DataFrame({"scenario": scenario["name"], "replicate": replicate, "year": years,
                         "indicator": "y", "value": p["x1"] * 10 + p.get("x2", 0) + noise})


def slow_run(scenario, replicate, file):
    """fake_run taking a while, so that a kill lands mid-sweep."""
    time.sleep(0.4)
    return fake_run(scenario, replicate, file)


def big_run(scenario, replicate, file):
    """About 1 MB of results per run: a driver that kept them would show it."""
    n = 20_000
    return pd.DataFrame({"scenario": "big", "replicate": replicate, "year": np.arange(n) % 30 + 2010,
                         "indicator": [f"i{k % 50}" for k in range(n)],
                         "value": np.random.default_rng(scenario["seed"]).random(n)})


def write_fake_sweep(tmp_path, name="s.yaml", **extra) -> Path:
    (tmp_path / "base.yaml").write_text("name: fake\nseed: 1\nparameters: {x1: 0, x2: 0}\n")
    spec = {"base": "base.yaml", "seed": 11, "runner": "test_sweep:fake_run", "design": "full_factorial",
            "parameters": {"parameters.x1": {"values": [0.1, 0.2, 0.3]}, "parameters.x2": {"values": [0, 1]}}}
    spec.update(extra)
    path = tmp_path / name
    path.write_text(yaml.safe_dump(spec))
    return path


def read_runs(out) -> pd.DataFrame:
    files = sorted(Path(out, "runs").glob("run_*.parquet"))
    return pd.concat([pd.read_parquet(f) for f in files]).sort_values(["run", "indicator", "year"]).reset_index(drop=True)


# ----------------------------------------------------------------------------- sweep file and design
def test_bad_sweep_files_give_one_line_errors(tmp_path):
    good = yaml.safe_load(write_fake_sweep(tmp_path).read_text())
    cases = [({"design": "grid"}, "design: expected one of"),
             ({"design": "sobol", "runs": 10}, "runs: expected a power of 2"),
             ({"parameters": {"parameters.x1": [0, 1]}}, "parameters.parameters.x1: expected a mapping"),
             ({"parameters": {"parameters.x1": {"bounds": [1, 0]}}}, "parameters.parameters.x1.bounds: expected [low, high]"),
             ({"base": "nope.yaml"}, "base: expected an existing scenario file"),
             ({"colour": "red"}, "colour: expected one of"),
             ({"seeds": "shared"}, "seeds: expected one of ['per_run', 'common']")]
    for change, message in cases:
        path = tmp_path / "bad.yaml"
        path.write_text(yaml.safe_dump(good | change))
        with pytest.raises(InputError) as err:
            sweep_design.load_sweep(path)
        text = str(err.value)
        assert "\n" not in text and text.startswith(str(path)) and message in text, text


def test_design_sizes_and_seeds(tmp_path):
    params = {"parameters.x1": {"bounds": [0, 1]}, "parameters.x2": {"distribution": "normal", "mean": 0, "sd": 1},
              "parameters.x3": {"values": ["a", "b"]}}
    ff = sweep_design.build_design(sweep_design.load_sweep(write_fake_sweep(tmp_path, replicates=2)))
    assert len(ff) == 3 * 2 * 2 and ff["point"].max() == 5 and list(ff["replicate"][:2]) == [0, 1]
    lhs = sweep_design.build_design(sweep_design.load_sweep(write_fake_sweep(tmp_path, design="latin_hypercube", runs=7,
                                                               parameters=params)))
    assert len(lhs) == 7 and set(lhs["parameters.x3"]) == {"a", "b"} and lhs["parameters.x1"].between(0, 1).all()
    sob = sweep_design.build_design(sweep_design.load_sweep(write_fake_sweep(tmp_path, design="sobol", runs=8, parameters=params)))
    assert len(sob) == 8 * (3 + 2)
    mor = sweep_design.build_design(sweep_design.load_sweep(write_fake_sweep(tmp_path, design="morris", runs=4, parameters=params)))
    assert len(mor) == 4 * (3 + 1) and np.isfinite(mor["parameters.x2"]).all()
    # a run's seed depends on the root seed and its index only
    assert sob["seed"].is_unique
    assert list(sob["seed"][:5]) == [sweep_design.run_seed(11, r) for r in range(5)]
    assert sweep_design.run_seed(11, 3) != sweep_design.run_seed(12, 3)
    # common random numbers: replicate r of every point shares one seed
    crn = sweep_design.build_design(sweep_design.load_sweep(write_fake_sweep(tmp_path, replicates=2, seeds="common")))
    assert list(crn["seed"]) == [sweep_design.run_seed(11, r) for r in crn["replicate"]]
    assert crn["seed"].nunique() == 2


def test_list_items_by_index_reach_the_model(tmp_path):
    """`investments.0.start_year` varies the first investment of the base scenario."""
    (tmp_path / "base.yaml").write_text(
        f"extends: {SMALL}\nname: with_meeting_place\ninvestments:\n"
        "  - {type: meeting_place, cells: centrum, start_year: 2016,\n"
        "     cost: {one_off: 37000, yearly: 60000, payer: municipality, source: test}}\n")
    spec = {"base": "base.yaml", "seed": 5, "seeds": "common", "design": "full_factorial",
            "parameters": {"investments.0.start_year": {"values": [2012, 2018]}},
            "outputs": {"indicators": ["cost_investment_per_capita"], "years": [2014]}}
    path = tmp_path / "sweep.yaml"
    path.write_text(yaml.safe_dump(spec))
    assert sweep.run_sweep(path, tmp_path / "out", workers=0, progress=False)["done"] == 2
    cost = read_runs(tmp_path / "out").set_index("run")["value"]
    assert cost[0] > 0 and cost[1] == 0  # paid from 2012, not yet begun in 2014
    spec["parameters"] = {"investments.3.start_year": {"values": [2012]}}
    path.write_text(yaml.safe_dump(spec))
    with pytest.raises(InputError, match=r"parameters.investments.3.start_year: expected a scenario key "
                                         r".*found no item '3' in a list of 1 in base.yaml"):
        sweep.run_sweep(path, tmp_path / "bad", workers=0, progress=False)


@pytest.mark.parametrize("seeds", ["per_run", "common"])
def test_common_random_numbers_remove_noise_between_points(tmp_path, seeds):
    """A parameter without effect (no woonservicegebied in the small scenario) changes nothing under
    common random numbers; with a seed per run the points differ by noise alone."""
    spec = {"base": os.path.relpath(SMALL, tmp_path), "seed": 5, "seeds": seeds, "design": "full_factorial",
            "parameters": {"parameters.hospital_signalling_reduction": {"values": [0.05, 0.25]}},
            "outputs": {"indicators": ["hospital_admissions_per_1000_65plus"], "years": [2020]}}
    path = tmp_path / "crn.yaml"
    path.write_text(yaml.safe_dump(spec))
    assert sweep.run_sweep(path, tmp_path / "out", workers=0, progress=False)["done"] == 2
    values = read_runs(tmp_path / "out")["value"]
    assert (values.iloc[0] == values.iloc[1]) == (seeds == "common")


# ----------------------------------------------------------------------------- failures, streaming
def test_failing_run_is_recorded_and_sweep_finishes(tmp_path):
    path = write_fake_sweep(tmp_path, parameters={"parameters.x1": {"values": [0.1, 0.2]},
                                                  "parameters.x2": {"values": [0, 13]}})
    out = tmp_path / "out"
    counts = sweep.run_sweep(path, out, workers=2, progress=False)
    assert counts == {"total": 4, "skipped": 0, "done": 2, "failed": 2}
    failed = sorted((out / "failed").glob("*.json"))
    assert [f.name for f in failed] == ["run_00001.json", "run_00003.json"]
    info = json.loads(failed[0].read_text())
    assert info["overrides"] == {"parameters.x1": 0.1, "parameters.x2": 13} and "x2 = 13 is unlucky" in info["error"]
    # a re-run retries only the failed runs
    again = sweep.run_sweep(path, out, workers=2, progress=False)
    assert again == {"total": 4, "skipped": 2, "done": 0, "failed": 2}


def test_driver_memory_does_not_grow_with_runs(tmp_path):
    def peak(n_runs):
        path = write_fake_sweep(tmp_path, name=f"m{n_runs}.yaml", runner="test_sweep:big_run",
                                parameters={"parameters.x1": {"values": list(range(n_runs))}})
        tracemalloc.start()
        counts = sweep.run_sweep(path, tmp_path / f"out{n_runs}", workers=1, progress=False)
        _, top = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        assert counts["done"] == n_runs and len(list((tmp_path / f"out{n_runs}" / "runs").iterdir())) == n_runs
        return top

    small, large = peak(10), peak(40)
    run_size = len(pd.read_parquet(tmp_path / "out10" / "runs" / "run_00000.parquet").to_parquet())
    # 30 more runs of ~1 MB each in memory would add ~30 MB; streaming adds (next to) nothing
    assert large - small < 5 * 1024 * 1024, (small, large, run_size)


def test_unreachable_scheduler_is_one_line_and_writes_nothing(tmp_path, monkeypatch):
    monkeypatch.setattr(worker_pool, "CONNECT_TIMEOUT", "1s")
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        address = f"tcp://127.0.0.1:{s.getsockname()[1]}"
    with pytest.raises(InputError, match=r"--scheduler: tcp://127.0.0.1:\d+: expected a reachable Dask scheduler"):
        sweep.run_sweep(write_fake_sweep(tmp_path), tmp_path / "out", scheduler=address, progress=False)
    assert not (tmp_path / "out").exists()


def test_resume_refuses_a_different_design(tmp_path):
    path = write_fake_sweep(tmp_path)
    sweep.run_sweep(path, tmp_path / "out", workers=0, progress=False)
    changed = write_fake_sweep(tmp_path, name="s.yaml", seed=12)
    with pytest.raises(InputError, match=r"resume: expected the design this folder was started with"):
        sweep.run_sweep(changed, tmp_path / "out", workers=0, progress=False)


# ----------------------------------------------------------------------------- the real model
def write_model_sweep(tmp_path) -> Path:
    """Eight runs of the small scenario: 4 LHS points x 2 replicates over a model and a scenario key."""
    spec = {"base": os.path.relpath(SMALL, tmp_path), "seed": 2024, "design": "latin_hypercube", "runs": 4,
            "replicates": 2, "parameters": {"parameters.mort_frailty": {"bounds": [1.5, 2.5]},
                                            "municipality.heterogeneity": {"bounds": [0.2, 0.8]}}}
    path = tmp_path / "model.yaml"
    path.write_text(yaml.safe_dump(spec))
    return path


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    """The uninterrupted in-process sweep (workers=0: Numba's threads) every backend must reproduce bit for bit
    (worker processes run one Numba thread; workers=1 is the kill-and-resume test's): (sweep file, its runs,
    its folder)."""
    tmp = tmp_path_factory.mktemp("ref")
    path = write_model_sweep(tmp)
    counts = sweep.run_sweep(path, tmp / "out", workers=0, progress=False)
    assert counts["done"] == 8 and counts["failed"] == 0
    return path, read_runs(tmp / "out"), tmp / "out"


@pytest.fixture(scope="module")
def dask_scheduler(tmp_path_factory):
    """A real Dask cluster: a scheduler and two single-thread workers as subprocesses."""
    with dask_cluster(tmp_path_factory.mktemp("dask")) as (address, _):
        yield address


@contextlib.contextmanager
def dask_cluster(tmp: Path):
    """Start `dask scheduler` and two `dask worker` processes on 127.0.0.1; yields (address, workers)."""
    sched_file = tmp / "scheduler.json"
    dask = [sys.executable, "-m", "dask"]
    procs = []

    def start(args, log):
        procs.append(subprocess.Popen(dask + args, env=ENV, cwd=tmp, stdout=open(tmp / log, "w"),
                                      stderr=subprocess.STDOUT))
    try:
        start(["scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard",
               "--scheduler-file", str(sched_file)], "scheduler.log")
        for i in range(2):
            start(["worker", "--nthreads", "1", "--no-dashboard", "--scheduler-file", str(sched_file),
                   "--local-directory", str(tmp / f"w{i}"), "--name", f"w{i}"], f"worker{i}.log")
        deadline = time.time() + 60
        address = None
        while address is None and time.time() < deadline:   # the scheduler may not have finished writing it
            try:
                address = json.loads(sched_file.read_text())["address"]
            except (OSError, ValueError, KeyError):
                time.sleep(0.2)
        from distributed import Client
        with Client(address, timeout="30s") as client:
            client.wait_for_workers(2, timeout=60)
        yield address, procs[1:]
    finally:
        for p in reversed(procs):
            p.terminate()
        for p in procs:
            try:
                p.wait(timeout=5)
            except subprocess.TimeoutExpired:
                p.kill()


@pytest.mark.parametrize("backend", ["workers=2", "dask"])
def test_same_results_whatever_the_backend(reference, backend, tmp_path, request):
    path, expected, _ = reference
    if backend == "dask":
        counts = sweep.run_sweep(path, tmp_path / "out", scheduler=request.getfixturevalue("dask_scheduler"),
                                 progress=False)
    else:
        counts = sweep.run_sweep(path, tmp_path / "out", workers=2, progress=False)
    assert counts["done"] == 8
    got = read_runs(tmp_path / "out")
    pd.testing.assert_frame_equal(got, expected, check_exact=True)
    # the two replicates of a point differ (own seeds), so equality above is not trivial
    by_run = got[got["year"] == got["year"].max()].pivot_table(index="run", columns="indicator", values="value")
    assert not by_run.loc[0].equals(by_run.loc[1])


def test_kill_and_resume_loses_nothing(reference, tmp_path):
    path, expected, _ = reference
    out = tmp_path / "out"
    # SIGKILL to the driver and its pool, mid-sweep
    cmd, _, _ = interrupted_sweep(path, out, ["--workers", "1"], 1, lambda proc: os.killpg(proc.pid, signal.SIGKILL))
    finished = len(list((out / "runs").glob("run_*.parquet")))
    assert 1 <= finished < 8, "the kill must land mid-sweep for this test to mean anything"
    resumed = subprocess.run(cmd, env=ENV, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert resumed.returncode == 0, resumed.stderr
    assert f"{finished} already done" in resumed.stderr
    pd.testing.assert_frame_equal(read_runs(out), expected, check_exact=True)


def test_load_results_joins_runs_and_their_parameters(reference):
    """On the reference sweep's own folder: the in-process runs this test used to repeat are the reference's
    (which every other backend reproduces bit for bit), so they run once."""
    path, expected, out = reference
    table = sweep.load_results(out, indicators=["unmet_need_share"], years=[2020])
    design = sweep_design.build_design(sweep_design.load_sweep(path))
    assert len(table) == len(design) and set(table["indicator"]) == {"unmet_need_share"}
    assert list(table["run"]) == list(design["run"])
    pd.testing.assert_series_equal(table["parameters.mort_frailty"], design["parameters.mort_frailty"])
    want = expected[(expected["indicator"] == "unmet_need_share") & (expected["year"] == 2020)]
    assert table["value"].tolist() == want.sort_values("run")["value"].tolist()


def test_run_function_matches_a_sweep_run(reference):
    from sim.analysis.interop import run_function
    path, expected, _ = reference
    design = sweep_design.build_design(sweep_design.load_sweep(path))
    row = design.iloc[3]
    got = run_function(scenario=SMALL, seed=int(row["seed"]), replicate=int(row["replicate"]),
                       mort_frailty=float(row["parameters.mort_frailty"]),
                       municipality__heterogeneity=float(row["municipality.heterogeneity"]))
    last = expected[(expected["run"] == 3) & (expected["year"] == expected["year"].max())]
    # NaN == NaN is False: compare as Series (the Wmo budget indicators are NaN without a budget, issue 14)
    pd.testing.assert_series_equal(pd.Series(got).sort_index(), pd.Series(dict(zip(last["indicator"], last["value"]))).sort_index())
    with pytest.raises(InputError, match="unknown name 'no_such_parameter'"):
        run_function(scenario=SMALL, no_such_parameter=1.0)


# ----------------------------------------------------------------------------- killed workers, Ctrl-C
def slow_sweep(tmp_path) -> tuple[Path, pd.DataFrame]:
    """Twelve slow fake runs, and their results from an uninterrupted in-process sweep (of the same
    runs without the wait)."""
    parameters = {"parameters.x1": {"values": [0.1, 0.2, 0.3, 0.4, 0.5, 0.6]}, "parameters.x2": {"values": [0, 1]}}
    fast = write_fake_sweep(tmp_path, name="fast.yaml", parameters=parameters)
    assert sweep.run_sweep(fast, tmp_path / "expected", workers=0, progress=False)["done"] == 12
    return write_fake_sweep(tmp_path, runner="test_sweep:slow_run", parameters=parameters), \
        read_runs(tmp_path / "expected")


def interrupted_sweep(path, out, args, after_runs, interrupt) -> tuple[list, int, str]:
    """Start `langerthuis sweep` in its own process group; once ``after_runs`` runs are written call
    ``interrupt(proc)``; wait for the sweep to end. Returns (command, exit status, stderr)."""
    cmd = [sys.executable, "-m", "sim", "sweep", str(path), "--out", str(out), "--no-progress", *args]
    # a background job of a non-interactive shell inherits SIGINT ignored, and Python then keeps ignoring
    # it: the sweep gets Ctrl-C's default disposition, as in a terminal
    proc = subprocess.Popen(cmd, env=ENV, cwd=ROOT, start_new_session=True, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    try:
        deadline = time.time() + 120
        while len(list((out / "runs").glob("run_*.parquet"))) < after_runs:
            assert proc.poll() is None and time.time() < deadline, "the sweep ended or stalled before the kill"
            time.sleep(0.02)
        interrupt(proc)
        _, stderr = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    return cmd, proc.returncode, stderr


def test_killed_local_worker_loses_nothing_and_sweep_completes(tmp_path):
    import psutil
    path, expected = slow_sweep(tmp_path)
    out = tmp_path / "out"

    def kill_a_worker(proc):  # as the out-of-memory killer would
        workers = [c for c in psutil.Process(proc.pid).children(recursive=True)
                   if "spawn_main" in " ".join(c.cmdline())]
        assert len(workers) == 2
        workers[0].send_signal(signal.SIGKILL)

    _, status, stderr = interrupted_sweep(path, out, ["--workers", "2"], 1, kill_a_worker)
    assert status == 0, stderr
    assert "a worker process died" in stderr
    pd.testing.assert_frame_equal(read_runs(out), expected, check_exact=True)
    assert not list((out / "failed").iterdir())


def test_a_run_sent_to_a_pool_that_broke_meanwhile_comes_back_crashed():
    """A worker can die after the driver's last wait, while other runs finished: the next submit then meets a
    broken pool. It must hand back a crashed run (so the pool is replaced and the run sent again), not raise
    (which stopped the sweep with an internal error)."""
    pool = LocalPool(1)
    try:
        dead = pool.pool.submit(os._exit, 1)      # the worker process dies
        assert sweep._outcome(dead) == ("crashed", None)
        assert sweep._outcome(pool.submit(sweep.execute, {"run": 0})) == ("crashed", None)
        pool.restart()
        assert pool.generation == 1
    finally:
        pool.close(False)


def test_ctrl_c_keeps_finished_runs_and_resume_completes(tmp_path):
    path, expected = slow_sweep(tmp_path)
    out = tmp_path / "out"
    # Ctrl-C in a terminal reaches the driver and its workers
    cmd, status, stderr = interrupted_sweep(path, out, ["--workers", "2"], 2,
                                            lambda proc: os.killpg(proc.pid, signal.SIGINT))
    assert status == 130 and "interrupted" in stderr, stderr
    assert "Traceback" not in stderr
    finished = len(list((out / "runs").glob("run_*.parquet")))
    assert 2 <= finished < 12
    assert not list((out / "runs").glob("*.tmp-*"))  # nothing half-written is left as a result
    resumed = subprocess.run(cmd, env=ENV, cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert resumed.returncode == 0 and f"{finished} already done" in resumed.stderr, resumed.stderr
    pd.testing.assert_frame_equal(read_runs(out), expected, check_exact=True)


def test_killed_dask_worker_loses_nothing_and_sweep_completes(tmp_path):
    import psutil
    path, expected = slow_sweep(tmp_path)
    out = tmp_path / "out"
    with dask_cluster(tmp_path) as (address, workers):
        def kill_a_worker(proc):
            victim = psutil.Process(workers[0].pid)
            for p in [*victim.children(recursive=True), victim]:  # the worker and its nanny
                p.send_signal(signal.SIGKILL)

        _, status, stderr = interrupted_sweep(path, out, ["--scheduler", address], 1, kill_a_worker)
    assert status == 0, stderr
    pd.testing.assert_frame_equal(read_runs(out), expected, check_exact=True)


def test_readme_sweep_file_is_valid(tmp_path):
    """The annotated sweep file in experiments/sweeps/README.md loads and every design point resolves."""
    readme = ROOT / "experiments" / "sweeps" / "README.md"
    text = readme.read_text(encoding="utf-8").split("## The sweep file", 1)[1]
    spec = yaml.safe_load(text.split("```yaml\n", 1)[1].split("```", 1)[0])
    spec["base"] = str((readme.parent / spec["base"]).resolve())
    path = tmp_path / "readme.yaml"
    path.write_text(yaml.safe_dump(spec))
    loaded = sweep_design.load_sweep(path)
    design = sweep_design.build_design(loaded)
    sweep.check_scenario(loaded, design)
    assert len(design) == loaded.runs * (len(loaded.params) + 2)


def test_shipped_example_sweep_is_valid():
    """experiments/sweeps/example.yaml loads, every point resolves, and its size is what it says."""
    example = ROOT / "experiments" / "sweeps" / "example.yaml"
    spec = sweep_design.load_sweep(example)
    design = sweep_design.build_design(spec)
    sweep.check_scenario(spec, design)
    assert len(design) == spec.runs * (len(spec.params) + 2) == 384
    assert "384 runs" in example.read_text()


# ----------------------------------------------------------------------------- where researchers start sweeps
def notebook_sweep(tmp_path) -> tuple[Path, str]:
    """A fake sweep, and the two lines a researcher types to run it with two worker processes."""
    path = write_fake_sweep(tmp_path)
    code = (f"from sim.analysis.sweep import run_sweep\n"
            f"print(run_sweep({str(path)!r}, {str(tmp_path / 'out')!r}, workers=2, progress=False))\n")
    return path, code


@pytest.mark.parametrize("how", ["script without a main guard", "stdin"])
def test_sweep_from_a_plain_script_or_stdin(tmp_path, how):
    """Spawned workers do not re-run the caller's __main__: no guard needed, and stdin works."""
    _, code = notebook_sweep(tmp_path)
    code = f"open({str(tmp_path / 'ran.txt')!r}, 'a').write('ran\\n')\n" + code
    if how == "stdin":
        done = subprocess.run([sys.executable, "-"], input=code, env=ENV, cwd=tmp_path, capture_output=True,
                              text=True, timeout=120)
    else:
        (tmp_path / "script.py").write_text(code)
        done = subprocess.run([sys.executable, "script.py"], env=ENV, cwd=tmp_path, capture_output=True,
                              text=True, timeout=120)
    assert "'done': 6, 'failed': 0" in done.stdout, done.stderr
    assert (tmp_path / "ran.txt").read_text() == "ran\n"  # the caller's code ran once, not in every worker


def test_sweep_in_a_jupyter_kernel(tmp_path):
    """The notebook case (Mesa batch_run's multiprocessing breaks there): a real IPython kernel."""
    from jupyter_client.manager import start_new_kernel
    _, code = notebook_sweep(tmp_path)
    km, kc = start_new_kernel(kernel_name="python3", cwd=str(tmp_path), env=ENV)
    printed = []
    try:
        reply = kc.execute_interactive(code, timeout=120,
                                       output_hook=lambda msg: printed.append(msg["content"].get("text", "")))
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
    assert reply["content"]["status"] == "ok", reply["content"]
    assert "'done': 6, 'failed': 0" in "".join(printed)


# ----------------------------------------------------------------------------- the output folder
@pytest.mark.parametrize("what", ["run folder", "unmarked folder", "file", "broken manifest", "manifest list"])
def test_out_that_is_not_this_sweeps_folder_is_one_line_and_untouched(what, tmp_path, capsys):
    out = tmp_path / "out"
    if what == "file":
        out.write_text("mine")
    else:
        out.mkdir()
        (out / "manifest.json").write_text({"run folder": '{"scenarios": []}', "unmarked folder": '{"a": 1}',
                                            "broken manifest": "{", "manifest list": "[1, 2]"}[what])
        if what != "unmarked folder":
            (out / ".langerthuis-output").write_text(json.dumps({"command": "run" if what == "run folder"
                                                                 else "sweep"}))
    before = sorted((p.name, p.read_bytes(), p.stat().st_mtime_ns) for p in [out, *out.rglob("*")] if p.is_file())
    from sim.cli import main
    assert main(["sweep", str(write_fake_sweep(tmp_path)), "--out", str(out), "--workers", "0"]) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and str(out) in err and "Traceback" not in err, err
    after = sorted((p.name, p.read_bytes(), p.stat().st_mtime_ns) for p in [out, *out.rglob("*")] if p.is_file())
    assert after == before and sorted(p.name for p in tmp_path.iterdir()) == ["base.yaml", "out", "s.yaml"]


def test_outputs_errors_write_nothing(tmp_path):
    model = {"base": str(SMALL), "seed": 1, "design": "full_factorial",
             "parameters": {"parameters.strain_per_hour": {"values": [0.005, 0.006]}}}
    for n, outputs in enumerate([{"indicators": ["no_such_indicator"]}, {"years": [1900]}]):
        path = tmp_path / f"m{n}.yaml"
        path.write_text(yaml.safe_dump({**model, "outputs": outputs}))
        with pytest.raises(InputError, match=r"outputs\.(indicators|years): expected"):
            sweep.run_sweep(path, tmp_path / "out", workers=0, progress=False)
    # a custom runner's outputs are known only after its first run: the new folder is removed again
    with pytest.raises(InputError, match=r"outputs\.indicators"):
        sweep.run_sweep(write_fake_sweep(tmp_path, outputs={"indicators": ["nope"]}), tmp_path / "out", workers=0,
                        progress=False)
    assert not (tmp_path / "out").exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


def test_a_second_driver_on_the_same_out_is_refused(tmp_path):
    from sim.output import OutputBusy, out_lock
    path = write_fake_sweep(tmp_path)
    with out_lock(tmp_path / "out"):
        with pytest.raises(OutputBusy, match="another langerthuis process"):
            sweep.run_sweep(path, tmp_path / "out", workers=0, progress=False)
    assert not (tmp_path / "out").exists()


def test_force_starts_a_changed_sweep_afresh(tmp_path):
    path = write_fake_sweep(tmp_path)
    sweep.run_sweep(path, tmp_path / "out", workers=0, progress=False)
    changed = write_fake_sweep(tmp_path, name="s.yaml", seed=12)
    counts = sweep.run_sweep(changed, tmp_path / "out", workers=0, progress=False, force=True)
    assert counts["skipped"] == 0 and counts["done"] == 6
    assert json.loads((tmp_path / "out" / "manifest.json").read_text())["root_seed"] == 12


def test_workers_exit_when_the_driver_is_killed(tmp_path):
    import psutil
    path, _ = slow_sweep(tmp_path)
    workers = []

    def kill_the_driver_only(proc):  # SIGKILL: the driver cannot clean up
        workers.extend(c for c in psutil.Process(proc.pid).children(recursive=True)
                       if "spawn_main" in " ".join(c.cmdline()))
        assert len(workers) == 2
        proc.send_signal(signal.SIGKILL)

    _, status, _ = interrupted_sweep(path, tmp_path / "out", ["--workers", "2"], 1, kill_the_driver_only)
    assert status == -signal.SIGKILL
    gone, alive = psutil.wait_procs(workers, timeout=10)
    assert not alive, f"workers still running after their driver was killed: {alive}"


# ----------------------------------------------------------------------------- input contract (issue 11)
@pytest.mark.parametrize("outputs,needle", [
    ({"indicators": ["no_such_indicator"]}, "outputs.indicators: expected indicators the model produces"),
    ({"years": [2035]}, "outputs.years: expected years the model produces \\(2010-2020\\)"),
])
def test_unknown_outputs_stop_before_anything_is_written(tmp_path, outputs, needle):
    spec = {"base": os.path.relpath(SMALL, tmp_path), "seed": 5, "design": "full_factorial",
            "parameters": {"parameters.hospital_signalling_reduction": {"values": [0.05, 0.25]}}, "outputs": outputs}
    path = tmp_path / "s.yaml"
    path.write_text(yaml.safe_dump(spec))
    with pytest.raises(InputError, match=needle):
        sweep.run_sweep(path, tmp_path / "out", workers=0, progress=False)
    assert not (tmp_path / "out").exists()


def test_sweep_file_keys_sizes_and_lines(tmp_path):
    good = yaml.safe_load(write_fake_sweep(tmp_path).read_text())
    cases = [({"replicates": 1_000_000_000}, "replicates: expected an integer from 1 to 1000"),
             ({"design": "latin_hypercube", "runs": 10 ** 9}, "runs: expected an integer from 1 to 100000"),
             ({"parameters": {"parameters.x1": {"values": [1, 2], "levels": 3}}}, "parameters.parameters.x1.levels"),
             ({"parameters": {"parameters.x1": {"bounds": [0, 1], "colour": 3}}}, "parameters.parameters.x1.colour"),
             ({"name": "../../etc"}, "name: expected a name of letters"),
             ({"seed": 2 ** 64}, "seed: expected an integer from 0 to")]
    for change, message in cases:
        path = tmp_path / "bad.yaml"
        path.write_text(yaml.safe_dump(good | change))
        with pytest.raises(InputError) as err:
            sweep_design.load_sweep(path)
        assert message in str(err.value) and "\n" not in str(err.value), str(err.value)
    path = tmp_path / "dup.yaml"
    path.write_text(yaml.safe_dump(good) + "seed: 12\n")
    with pytest.raises(InputError, match=rf"{path}:\d+: seed: expected each key once"):
        sweep_design.load_sweep(path)


def test_a_corrupt_sweep_folder_is_named_in_one_line(tmp_path):
    out = tmp_path / "out"
    sweep.run_sweep(write_fake_sweep(tmp_path), out, workers=0, progress=False)
    (out / "runs" / "run_00002.parquet").write_bytes(b"PAR1 not really PAR1")
    with pytest.raises(InputError, match=r"run_00002.parquet: <top>: expected a Parquet run table"):
        sweep.load_results(out)
    (out / "manifest.json").write_text("{broken")
    with pytest.raises(InputError, match=r"manifest.json:1: <top>: expected a JSON manifest"):
        sweep.run_sweep(write_fake_sweep(tmp_path), out, workers=0, progress=False)  # a resume reads it too


def test_a_sweep_folder_from_before_the_package_split_resumes(tmp_path):
    """Folders started before sim/ became model/studies/workshop name the runner `sim.sweep:run_one` and
    have no output marker: they resume, running only the missing runs, with the same results."""
    base = tmp_path / "base.yaml"
    base.write_text(f"extends: {SMALL}\nname: base\nend_year: 2013\n")
    spec = tmp_path / "s.yaml"
    spec.write_text(yaml.safe_dump({"base": "base.yaml", "seed": 3, "design": "full_factorial",
                                    "parameters": {"parameters.strain_per_hour": {"values": [0.004, 0.008]}},
                                    "outputs": {"indicators": ["unmet_need_share"]}}))
    out = tmp_path / "out"
    sweep.run_sweep(spec, out, workers=0, progress=False)
    complete = pd.read_parquet(out / "runs").sort_values(["run", "year"]).reset_index(drop=True)
    manifest = json.loads((out / "manifest.json").read_text())
    manifest["fingerprint"]["runner"] = "sim.sweep:run_one"          # as written before the split
    (out / "manifest.json").write_text(json.dumps(manifest))
    (out / ".langerthuis-output").unlink()
    (out / "runs" / "run_00001.parquet").unlink()
    counts = sweep.run_sweep(spec, out, workers=0, progress=False)
    assert counts["skipped"] == 1 and counts["done"] == 1
    resumed = pd.read_parquet(out / "runs").sort_values(["run", "year"]).reset_index(drop=True)
    pd.testing.assert_frame_equal(resumed, complete, check_exact=True)
    assert sweep_design.current_runner("sim.sweep:run_one") == sweep_design.DEFAULT_RUNNER
