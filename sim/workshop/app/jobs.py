"""Runs that live on the server, keyed by their inputs (the cache keys of their scenarios, in order): a reload,
a laptop waking up or a second tab attaches to a run in progress instead of losing it, and a question's run
started when the app starts is the same run the room's button attaches to. No Solara here: a browser session
only watches a job (``actions.watch``)."""
from __future__ import annotations

import hashlib
import threading
import time
from dataclasses import dataclass, field

from sim.model.scenario import load_scenario
from sim.workshop import appcache
from sim.workshop.appcache import Levers, apply_levers
from sim.workshop.app.numbers import Result


class Cancelled(Exception):
    """The room pressed Cancel: the run stops at the end of the simulated year and nothing of it is kept."""


@dataclass
class Job:
    key: str
    scenarios: list                       # the resolved scenarios, in the order of the comparison
    estimate: float                       # seconds this computer was expected to need at the start
    stop: threading.Event = field(default_factory=threading.Event)
    done: threading.Event = field(default_factory=threading.Event)
    started: float = field(default_factory=time.monotonic)
    step: dict = field(default_factory=dict)   # what it does now: i, n, name, done, total, reps, years
    progress: float = 0.0                 # 0-100
    results: dict | None = None           # name -> Result when finished
    error: BaseException | None = None
    finished_after: float | None = None   # seconds from start to the last result

    def seconds_left(self) -> float:
        """From the speed so far once a little is done (small runs are slower than the estimate's rate, which
        is a large run's), else from the estimate."""
        elapsed = time.monotonic() - self.started
        if self.progress >= 2 and elapsed > 2:
            return max(0.0, elapsed * (100 - self.progress) / self.progress)
        return max(0.0, self.estimate - elapsed)


_jobs: dict[str, Job] = {}
_lock = threading.Lock()


def run_key(scenarios: list) -> str:
    """The runs' inputs: their cache keys (scenario hash, replicates, model version), in order."""
    return hashlib.sha256("|".join(appcache.cache_key(s) for s in scenarios).encode()).hexdigest()[:16]


def find(key: str) -> Job | None:
    with _lock:
        return _jobs.get(key)


def start(scenarios: list, wait_for: threading.Event | None = None) -> Job:
    """The job of these runs: the one in progress (or finished) with the same inputs, else a new one in its own
    thread (not a browser session's: closing the page does not stop it). A cancelled or failed job is replaced."""
    key = run_key(scenarios)
    with _lock:
        job = _jobs.get(key)
        if job is not None and job.error is None:
            return job
        estimate = sum(appcache.estimate_seconds(s) for s in scenarios if appcache.cached_run(s) is None)
        job = _jobs[key] = Job(key, list(scenarios), estimate)
    threading.Thread(target=_run, args=(job, wait_for), daemon=True, name=f"langerthuis-run-{key}").start()
    return job


def _run(job: Job, wait_for) -> None:
    if wait_for is not None and any(appcache.cached_run(s) is None for s in job.scenarios):
        wait_for.wait()             # the kernel compiles first (state.warm): one at a time on a laptop
    results = {}
    try:
        n = len(job.scenarios)
        for i, s in enumerate(job.scenarios, start=1):
            reps, years = int(s["replicates"]), s["end_year"] - s["start_year"] + 1

            def progress(done, s=s, i=i, reps=reps, years=years):
                if job.stop.is_set():
                    raise Cancelled()
                job.step = {"i": i, "n": n, "name": s["name"], "done": done, "total": reps * years, "reps": reps,
                            "years": years}
                job.progress = 100.0 * ((i - 1) + done / (reps * years)) / n
            progress(0)
            began = time.monotonic()
            hit = appcache.cached_run(s) is not None
            run = appcache.run_full(s, progress)
            if not hit:
                appcache.record_speed(s, time.monotonic() - began)
            results[s["name"]] = Result(s, *run)
        job.results = results
        job.finished_after = time.monotonic() - job.started
    except BaseException as exc:   # noqa: BLE001 - the watching session shows it (Cancelled: "cancelled")
        job.error = exc
    finally:
        job.done.set()


def on_municipality(scenario: dict, code: str) -> dict:
    """The resolved scenario on the wijken of the CBS municipality ``code`` (sim/model/municipality_layout.py;
    "": as it is). Its areas (the synthetic town's 'centrum') have no cells there: each becomes the wijk with the
    most people 65+ (a woonservicegebied goes where the older people live; the place choice moves it), and so do
    investments in cells of their own; investments in the whole town stay there."""
    if not code or scenario["municipality"].get("code") == code:
        return scenario
    from sim.model.municipality_layout import place
    from sim.model.scenario import resolve_scenario
    table = place(code).table()
    main = [[int(table.inhabitants_65plus.to_numpy().argmax()), 0]]
    grid = scenario["municipality"]["grid"]
    everywhere = grid["width"] * grid["height"]
    data = {k: v for k, v in scenario.items() if not k.startswith("_")}
    data["municipality"] = {"code": code, "heterogeneity": scenario["municipality"].get("heterogeneity", 0.5)}
    data["areas"] = {name: main for name in scenario["areas"]}
    data["investments"] = [dict(inv, cells=inv["area"] if inv.get("area") else
                                "all" if len(inv["cells"]) >= everywhere else main) for inv in scenario["investments"]]
    return resolve_scenario(data, file=scenario.get("_file", "<app>"))


def jobs_for(files: dict, stems: list, levers: Levers, plain: bool) -> dict:
    """name -> resolved scenario of every run: each chosen scenario (on the levers' municipality) with the levers
    (and without them too when ``plain``), all with the first one's seed. No session state: the question runs at
    start use it too."""
    jobs = {}
    for stem in stems:
        bare = apply_levers(on_municipality(load_scenario(files[stem]), levers.municipality),
                            Levers(replicates=levers.replicates, move_scenario_wsg=False))
        changed = apply_levers(bare, levers)
        for s in ([bare] if plain or changed["name"] == bare["name"] else []) + [changed]:
            jobs[s["name"]] = s
    # paired as in `langerthuis compare`: every run uses the first scenario's seed (common random numbers)
    seed = next(iter(jobs.values()))["seed"]
    return {n: s if s["seed"] == seed else apply_levers(dict(s, seed=seed), Levers(move_scenario_wsg=False))
            for n, s in jobs.items()}
