"""What the workshop app computes, without any user interface: the levers applied to a scenario, runs
cached by scenario hash, and the saved variants (the tables behind its figures: ``sim.workshop.outcomes``).

Kept apart from ``sim/app.py`` so that it can be tested and reused (``sim/report.py``) without Solara.
"""
from __future__ import annotations

import hashlib
import os
import threading
from collections import namedtuple
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pandas as pd

import sim
from sim.errors import InputError
from sim.output import atomic_folder, write_json
from sim.model.blocks import block, dose, lever_blocks, priced_investment
from sim.model.parameters import make_params
from sim.model.scenario import resolve_scenario

SCENARIO_DIR = Path(__file__).resolve().parents[2] / "scenarios"   # the project's scenarios/ (sim/workshop/ -> root)

# ---- levers -------------------------------------------------------------------------------------------

# The lever investments are priced per cell as their block declares (sim.model.blocks: as in wsg_full.yaml), so
# that a larger woonservicegebied costs more and the app and the scenario files agree.
DWELLING_COST = block("adapted_dwellings").price.one_off_per_unit   # one-off per adapted dwelling
LEVER_SOURCE = "assumption: app lever, costs per cell as in wsg_full.yaml"


@dataclass(frozen=True)
class Levers:
    """The main levers of the app; the zero values leave a scenario as it is."""
    where: str = "centrum"        # an area name, "all", or "cells" (then ``cells`` lists them)
    cells: str = ""               # "x,y; x,y; ..." when where == "cells"
    move_scenario_wsg: bool = True  # also move the scenario's own area-bound investments to ``where``
    start_year: int = 2016
    adapted_dwellings: int = 0    # extra adapted dwellings per cell
    care_team_hours: float = 0.0  # extra care team hours per cell per month
    alarm_minutes: float = 0.0    # home care on call within this many minutes (0: no change)
    carer_support: float = 0.0    # strain relief of carer support, 0..1 (0: no change)
    meeting_place: int = 0        # 1: a meeting place with activities in each neighbourhood (0: no change)
    replicates: int = 0           # 0: as in the scenario
    # the access route to Wmo support and the Wmo budget (issue 14; scenarios/README.md `access`, `budget`)
    access_route: str = ""        # indication / kitchen_table / neighbourhood_team / intake_voucher; "": as in the scenario
    team_mandate: bool = True     # neighbourhood_team only: the team decides at once (else it hands cases to the desk)
    budget_cut: float = 0.0       # Wmo budget this share below the year-before spending on the same care (0: as in the scenario)
    budget_from_year: int = 2015  # first year of that budget
    municipality: str = ""        # a CBS municipality code: every scenario on its wijken (app/jobs.py); "": as it is


def parse_cells(text: str) -> list[list[int]]:
    """'3,4; 4,4' -> [[3, 4], [4, 4]]."""
    cells = []
    for part in text.replace("\n", ";").split(";"):
        if not part.strip():
            continue
        try:
            x, y = (int(v) for v in part.replace(" ", "").strip("[]()").split(","))
        except ValueError:
            raise InputError(f"cells: expected cells as 'x,y; x,y', found {part.strip()!r}") from None
        cells.append([x, y])
    if not cells:
        raise InputError("cells: expected at least one cell 'x,y', found nothing")
    return cells


def apply_levers(scenario: dict, levers: Levers) -> dict:
    """The scenario with the levers' investments added (and its woonservicegebied moved), resolved again.

    Raises ``InputError`` (e.g. ``ScenarioError`` for cells outside the grid) with a one-line message.
    """
    data = {k: v for k, v in scenario.items() if not k.startswith("_")}
    if levers.replicates:
        data["replicates"] = int(levers.replicates)
    _access_levers(data, levers)
    added = [(b, getattr(levers, b.lever.field)) for b in lever_blocks() if getattr(levers, b.lever.field)]
    investments = [dict(inv) for inv in data["investments"]]
    moves = levers.move_scenario_wsg and any(inv.get("area") is not None for inv in investments)
    if not (added or moves):   # nothing to place: ``where`` need not fit this scenario
        return _renamed(data, scenario, scenario.get("_file", "<app>"))
    if levers.where == "cells":
        target = parse_cells(levers.cells)
    elif levers.where == "all" or levers.where in data["areas"]:
        target = levers.where
    else:
        raise InputError(f"where: expected 'all', 'cells' or an area of {data['name']} "
                         f"({', '.join(data['areas']) or 'none'}), found {levers.where!r}")
    grid = data["municipality"]["grid"]
    n_cells = (grid["width"] * grid["height"] if target == "all"
               else len(data["areas"][target]) if isinstance(target, str) else len(target))

    if moves:
        for inv in investments:          # the scenario's woonservicegebied: its investments in a named area
            if inv.get("area") is not None:
                inv["cells"], inv["area"] = target, None
    start = min(max(int(levers.start_year), data["start_year"]), data["end_year"])

    # each lever's investment as its block prices it; services billed by use (team hours: at tariff, in the
    # care insurer's care line, sim/model/indicators.py) carry no investment cost, so nothing counts twice
    investments += [priced_investment(b, target, n_cells, start, LEVER_SOURCE, value) for b, value in added]
    data["investments"] = investments
    return _renamed(data, scenario, f"{scenario.get('_file', '<app>')} + levers")


CHANGED_BY_LEVERS = ("investments", "access", "budget")


def _renamed(data: dict, scenario: dict, file: str) -> dict:
    """``data`` resolved, named "<name> + levers" when the levers changed what the scenario does."""
    resolved = resolve_scenario(data, file=file)
    if any(resolved.get(k) != scenario.get(k) for k in CHANGED_BY_LEVERS):   # a new name keeps it apart
        data["name"] = f"{data['name']} + levers"
        resolved = resolve_scenario(data, file=file)
    return resolved


def _access_levers(data: dict, levers: Levers) -> None:
    """The route and budget levers written into the scenario's ``access`` and ``budget`` blocks (checked by
    the scenario's own rules when it is resolved: a bad year is the usual one-line error)."""
    old = dict(data.get("access") or {})
    route = levers.access_route or old.get("route")
    if levers.access_route or (not levers.team_mandate and route == "neighbourhood_team"):
        access = dict(old, route=route)
        if access.get("from_year") is None:
            access["from_year"] = min(max(2015, data["start_year"]), data["end_year"])
        if route == "neighbourhood_team":
            access["team_mandate"] = bool(levers.team_mandate)
        else:
            access.pop("team_mandate", None)
        data["access"] = access
    if levers.budget_cut:
        route_year = (data.get("access") or {}).get("from_year", 2015)
        first = max(route_year, data["start_year"] + 1)        # a cut needs the year before inside the run
        year = min(max(int(levers.budget_from_year), first), data["end_year"])
        budget = {"cut": round(float(levers.budget_cut), 3), "from_year": year}
        if (data.get("budget") or {}).get("response") is not None:
            budget["response"] = data["budget"]["response"]
        data["budget"] = budget


# ---- runs, cached --------------------------------------------------------------------------------------


def cache_dir() -> Path:
    return Path(os.environ.get("LANGERTHUIS_CACHE") or Path.home() / ".cache" / "langerthuis")


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """Hash of the model's source and data files (everything in sim/model: all results depend on), so results
    of changed code are never taken from the cache."""
    root = Path(sim.__file__).parent
    # the model, and compare's TrackedModel that the app runs (it records the spells and dwellings)
    return hashlib.sha256((tree_fingerprint(root / "model") + tree_fingerprint(root / "analysis", ("compare.py",)))
                          .encode()).hexdigest()[:16]


def tree_fingerprint(root: Path, names=None) -> str:
    h = hashlib.sha256(sim.__version__.encode())
    for path in sorted(p for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.parts
                       and (names is None or p.name in names)):
        h.update(path.relative_to(root).as_posix().encode())
        h.update(path.read_bytes())
    return h.hexdigest()[:16]


def cache_key(scenario: dict) -> str:
    """Scenario hash (which covers the replicates) plus the code fingerprint."""
    return hashlib.sha256(f"{scenario['_hash']}:{code_fingerprint()}:{RUN_FORMAT}".encode()).hexdigest()[:24]


# One run of all replicates as the app keeps it: the tidy indicators, the neighbourhood maps of the last year,
# the spells at home after a first package (for the Kaplan-Meier months at home, sim.analysis.survival) and per
# year the free adapted dwellings (for the ledger's vacancy, sim.analysis.ledger): what `langerthuis compare`
# records, so the app, compare and the report compute the same numbers from the same runs.
Run = namedtuple("Run", ["table", "cells", "spells", "yearly"])
RUN_FILES = {"table": "indicators.parquet", "cells": "neighbourhoods.parquet", "spells": "spells.parquet",
             "yearly": "yearly.parquet"}
RUN_FORMAT = "app-run-2"    # part of the cache key: entries of the format without spells are not reused

_memory: dict[str, Run] = {}
_lock = threading.Lock()
# what `langerthuis compare` keeps of each replicate besides the Run (cells by year, every spell, the areas), for
# the runs this process made: the handout of the results on screen is compare's folder of them, not a rerun
_records: dict[str, list] = {}
MAX_RECORDS = 12


def run_records(scenario: dict) -> list | None:
    """Per replicate (cells by year, spells, areas) as compare's ``run_tracked`` gives them, of a run of this
    scenario made by this process (not kept on disk); None when there is none."""
    with _lock:
        return _records.get(cache_key(scenario))


def cached_run(scenario: dict) -> Run | None:
    """The Run of an earlier run of this scenario, from memory or disk; None if there is none."""
    key = cache_key(scenario)
    with _lock:
        if key in _memory:
            return _memory[key]
    folder = cache_dir() / key
    try:
        result = Run(**{field: pd.read_parquet(folder / name) for field, name in RUN_FILES.items()})
    except (OSError, ValueError):
        return None   # absent or damaged: run again
    with _lock:
        _memory[key] = result
    return result


def cached(scenario: dict):
    """(table, cells) of an earlier run of this scenario, from memory or disk; None if there is none."""
    hit = cached_run(scenario)
    return None if hit is None else (hit.table, hit.cells)


def replicate_run(task: tuple, progress=None) -> tuple:
    """A pool's task (sim.analysis.pool): ``(scenario, replicate)`` -> the parts of a Run of that replicate (table,
    last year's map, spells, yearly records). The run is compare's ``TrackedModel``: the model itself plus what
    it reads off the residents (bit-identical indicators). ``progress(year)`` after every simulated year. Last
    part: what compare keeps of the replicate besides (``run_records``)."""
    from sim.analysis.compare import TrackedModel
    scenario, r = task
    model = TrackedModel(scenario, replicate=r)
    model.run(progress=progress)
    sp = model.spells()
    years = sorted(model.tracked)
    return (model.indicators(), model.cell_map(scenario["end_year"]).assign(replicate=r),
            pd.DataFrame({"replicate": r, "start": sp.start.astype("int32"), "end": sp.end.astype("int32"),
                          "event": sp.event.astype("int8")}),
            pd.DataFrame({"replicate": r, "year": years, "free_adapted_dwellings_dec":
                          [float(model.tracked_column("free_adapted_dwellings_dec", y).sum()) for y in years]}),
            (model.cells_by_year().assign(scenario=scenario["name"], replicate=r),
             sp.assign(scenario=scenario["name"], replicate=r), model.area_table()))


def run_full(scenario: dict, progress=None, workers: int = 1) -> Run:
    """All replicates of ``scenario`` as a Run (cached by scenario hash, replicates and model version).

    ``progress(years_done)`` is called after every simulated year (not at all when cached); it may raise
    to stop the run. ``workers`` > 1 runs the replicates on that many worker processes (sim.analysis.pool;
    the same Run): progress then comes after every replicate, all its years at once.
    """
    from sim.analysis.pool import InProcess, LocalPool

    hit = cached_run(scenario)
    if hit is not None:
        return hit
    tasks = [(scenario, r) for r in range(int(scenario["replicates"]))]
    years = scenario["end_year"] - scenario["start_year"] + 1
    done = 0

    def year_done(_year=None):
        nonlocal done
        done += 1
        if progress is not None:
            progress(done)
    if workers <= 1 or len(tasks) == 1:    # in this process: progress after every year
        parts = InProcess().map(lambda task: replicate_run(task, year_done), tasks)
    else:
        with LocalPool(min(workers, len(tasks))) as pool:
            parts = pool.map(replicate_run, tasks, done=lambda _: [year_done() for _ in range(years)])
    tables, maps, spells, yearly, records = zip(*parts)
    result = Run(*(pd.concat(x, ignore_index=True) for x in (tables, maps, spells, yearly)))
    key = cache_key(scenario)
    with _lock:
        _memory[key] = result
        _records[key] = list(records)
        while len(_records) > MAX_RECORDS:
            del _records[next(iter(_records))]
    try:
        with atomic_folder(cache_dir() / key) as tmp:
            for field, name in RUN_FILES.items():
                getattr(result, field).to_parquet(tmp / name, index=False)
            write_json(tmp / "scenario.json", {k: v for k, v in scenario.items()})
    except OSError:
        pass  # a read-only or full disk only costs the next run its speed
    return result


def run_cached(scenario: dict, progress=None):
    """(tidy indicator table, neighbourhood maps of the last year) of all replicates (``run_full``)."""
    r = run_full(scenario, progress)
    return r.table, r.cells


def run_years(scenario: dict) -> int:
    """Simulated years of all replicates: the unit of ``run_cached``'s progress."""
    return (scenario["end_year"] - scenario["start_year"] + 1) * int(scenario["replicates"])


def list_scenarios(folder=SCENARIO_DIR) -> dict[str, Path]:
    """Scenario file stem -> path, sorted, baseline first."""
    files = sorted(Path(folder).glob("*.yaml"), key=lambda p: (p.stem != "baseline", p.stem))
    return {p.stem: p for p in files}


# ---- what the levers cost, before a run -----------------------------------------------------------------

def lever_costs(scenario: dict, levers: Levers) -> list[dict]:
    """What the levers add to ``scenario`` before anything runs: per added investment its type, payer,
    cells, one-off and yearly euros (the same numbers ``apply_levers`` writes into the scenario)."""
    plain = apply_levers(scenario, Levers(replicates=levers.replicates, move_scenario_wsg=False))
    changed = apply_levers(scenario, levers)
    out = []
    params = make_params(changed.get("parameters") or {})
    for inv in changed["investments"][len(plain["investments"]):]:
        out.append(investment_preview(inv, params))
    route = (changed.get("access") or {}).get("route", "indication")
    if levers.access_route and changed.get("access") != plain.get("access"):
        # the route's running cost (the teams, the desk): a model parameter in euros per inhabitant a year
        grid = changed["municipality"]["grid"]
        out.append({"type": "access_route", "route": route, "payer": changed["access"]["payer"],
                    "cells": grid["width"] * grid["height"], "one_off": 0.0, "by_use": 0.0,
                    "yearly": float(getattr(params, f"access_cost_{route}")) * changed["municipality"]["inhabitants"],
                    "from_year": changed["access"]["from_year"]})
    return out


def investment_preview(inv: dict, params) -> dict:
    """type, payer, cells, one-off euros and yearly euros of a resolved investment (fixed amounts plus the
    per-unit amounts times dose and cells, as ``neighbourhoods.investment_cost`` books them), and ``by_use``: what
    the care it adds costs a year at its tariff if all of it is delivered (an upper bound)."""
    c, b = inv["cost"], block(inv["type"])
    units = len(inv["cells"]) * dose(inv)
    by_use = (float(inv[b.dose]) * 12 * len(inv["cells"]) * getattr(params, b.price.by_use)
              if b.price.by_use else 0.0)
    return {"type": inv["type"], "payer": c["payer"], "cells": len(inv["cells"]),
            "one_off": float(c["one_off"] + c["one_off_per_unit"] * units),
            "yearly": float(c["yearly"] + c["yearly_per_unit"] * units), "by_use": by_use}


# ---- time: estimates before a run ----------------------------------------------------------------------

# inhabitant-years a second: README "Speed" (netherlands.yaml, 16.8 million inhabitants for 28 years in about
# 80 s on the 2-core machine); replaced by the speed of each run the app makes, so estimates become this computer's
_rate = {"person_years_per_s": 5.0e6}
BIG_RUN_SECONDS = 60.0


def estimate_seconds(scenario: dict) -> float:
    """Seconds a run of ``scenario`` (all replicates) is expected to take here."""
    people = float(scenario["municipality"]["inhabitants"])
    return people * run_years(scenario) / _rate["person_years_per_s"]


def record_speed(scenario: dict, seconds: float) -> None:
    """Learn this computer's speed from a run big enough that start-up costs do not dominate it."""
    work = float(scenario["municipality"]["inhabitants"]) * run_years(scenario)
    if work >= 5e6 and seconds > 1.0:
        _rate["person_years_per_s"] = work / seconds


def warm_up() -> float:
    """Compile the kernel before the room's first Run (``langerthuis warmup``'s tiny run); returns the seconds
    it took. Numba's cache keeps the compiled kernel for later starts."""
    from sim.analysis.warmup import warm_up as compile_kernel
    return compile_kernel()


# ---- named variants: levers, scenarios, seed and results, kept on disk -------------------------------

VARIANT_FORMAT = "langerthuis-variant-1"


def variants_dir() -> Path:
    return cache_dir() / "variants"


def variant_slug(name: str) -> str:
    import re
    slug = re.sub(r"[^A-Za-z0-9_-]+", "-", name.strip()).strip("-").lower()
    return slug[:60] or "variant"


def variant_record(name: str, levers: Levers, chosen: list[str], results: dict) -> dict:
    """One variant as a JSON-able dict: its levers, the chosen scenario files, the resolved scenarios (seed
    included) and the result tables (so it opens again without the cache, on another computer too).
    ``results``: name -> (scenario, table, cells[, spells, yearly])."""
    from dataclasses import asdict
    import time
    return {"format": VARIANT_FORMAT, "name": name, "slug": variant_slug(name), "version": sim.__version__,
            "saved": time.strftime("%Y-%m-%d %H:%M"), "levers": asdict(levers), "chosen": list(chosen),
            "seed": next(iter(results.values()))[0]["seed"] if results else None,
            "results": {n: {"scenario": {k: v for k, v in r[0].items()},
                            **{f: frame.to_dict(orient="split", index=False)
                               for f, frame in zip(("table", "cells", "spells", "yearly"), r[1:]) if frame is not None}}
                        for n, r in results.items()}}


def variant_results(record: dict) -> dict:
    """name -> (scenario, table, cells) of a variant record."""
    return {n: run[:3] for n, run in variant_runs(record).items()}


def variant_runs(record: dict) -> dict:
    """name -> (scenario, table, cells, spells, yearly) of a variant record; spells and yearly are None in a
    variant saved before the app kept them (then it has no ledger and no Kaplan-Meier months)."""
    out = {}
    for n, r in record["results"].items():
        out[n] = (r["scenario"], *(pd.DataFrame(**r[f]) if f in r else None
                                   for f in ("table", "cells", "spells", "yearly")))
    return out


def check_variant(record, where: str = "variant") -> dict:
    """The record if it is a variant file; else InputError with one line."""
    if not isinstance(record, dict) or record.get("format") != VARIANT_FORMAT:
        raise InputError(f"{where}: expected a langerthuis variant file (format {VARIANT_FORMAT}), found "
                         f"{type(record).__name__ if not isinstance(record, dict) else record.get('format')!r}")
    for key, kind in (("name", str), ("levers", dict), ("chosen", list), ("results", dict)):
        if not isinstance(record.get(key), kind):
            raise InputError(f"{where}: {key}: expected {kind.__name__}, found {type(record.get(key)).__name__}")
    try:
        Levers(**record["levers"])
        variant_results(record)
    except (TypeError, ValueError, KeyError) as exc:
        raise InputError(f"{where}: results: expected tables of a run, found {str(exc).splitlines()[0]}") from None
    return record


def save_variant(record: dict) -> Path:
    """Write the variant atomically (a temporary file renamed), one file a name; returns its path."""
    import json
    folder = variants_dir()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{record['slug']}.json"
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    tmp.write_text(json.dumps(record, default=str), encoding="utf-8")
    os.replace(tmp, path)
    return path


def load_variant(slug: str) -> dict:
    import json
    path = variants_dir() / f"{variant_slug(slug)}.json"
    try:
        return check_variant(json.loads(path.read_text(encoding="utf-8")), str(path))
    except (OSError, ValueError) as exc:
        raise InputError(f"variant {slug!r}: expected a saved variant, found {type(exc).__name__}") from None


def list_variants() -> list[dict]:
    """Saved variants, newest first: slug, name, saved, chosen (read from each file's head)."""
    import json
    out = []
    try:
        paths = [(p, p.stat().st_mtime_ns) for p in variants_dir().glob("*.json")]
    except OSError:
        return []
    for path, mtime in sorted(paths, key=lambda pm: pm[1], reverse=True):
        key = (str(path), mtime)
        if key not in _variant_heads:      # a variant file holds its tables: read each version once
            try:
                r = json.loads(path.read_text(encoding="utf-8"))
                _variant_heads[key] = {"slug": path.stem, "name": r["name"], "saved": r.get("saved", ""),
                                       "chosen": r["chosen"], "group": r.get("group", ""),
                                       "inputs": r.get("inputs")}
            except (OSError, ValueError, KeyError, TypeError):
                _variant_heads[key] = None   # a damaged file is skipped, never a crash of the page
        if _variant_heads[key] is not None:
            out.append(_variant_heads[key])
    return out


_variant_heads: dict = {}
