"""What the workshop app computes, without any user interface: the levers applied to a scenario, runs
cached by scenario hash, and the tables behind its figures (bands, differences, costs by payer).

Kept apart from ``sim/app.py`` so that it can be tested and reused (``sim/report.py``) without Solara.
"""
from __future__ import annotations

import hashlib
import os
import threading
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pandas as pd

import sim
from sim.errors import InputError
from sim.output import atomic_folder, write_json
from sim.model.scenario import resolve_scenario
from sim.studies.summary import replicate_summary
from sim.workshop.labels import ORGANISATIONS, PAYERS as PAYER_TABLE

BAND_COLUMNS = ["scenario", "year", "mean", "low", "high"]

SCENARIO_DIR = Path(__file__).resolve().parent.parent / "scenarios"

# ---- levers -------------------------------------------------------------------------------------------

# Costs of the lever investments. Per cell, so that a larger woonservicegebied costs more.
# Taken from wsg_full.yaml (8 cells) divided by its cells, so the app and the scenario files agree.
DWELLING_COST = 25_000          # one-off per adapted dwelling (wsg_full: 1.4 M for 56 dwellings)
TEAM_HOUR_COST = 75             # per hour of district nursing (wsg_full: care_team_hours)
ON_CALL_COST_PER_CELL = 45_000  # a year (wsg_full: 360,000 for 8 cells)
CARER_SUPPORT_COST_PER_CELL = 50_000  # a year at full relief (wsg_full: 15,000 a cell at relief 0.3)


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
    replicates: int = 0           # 0: as in the scenario


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
    adds = levers.adapted_dwellings or levers.care_team_hours or levers.alarm_minutes or levers.carer_support
    investments = [dict(inv) for inv in data["investments"]]
    moves = levers.move_scenario_wsg and any(inv.get("area") is not None for inv in investments)
    if not (adds or moves):   # nothing to place: ``where`` need not fit this scenario
        return resolve_scenario(data, file=scenario.get("_file", "<app>"))
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

    def add(kind, payer, one_off=0.0, yearly=0.0, **keys):
        source = "assumption: app lever, costs per cell as in wsg_full.yaml"
        investments.append({"type": kind, "cells": target, "start_year": start, **keys,
                            "cost": {"one_off": float(one_off), "yearly": float(yearly), "payer": payer,
                                     "source": source}})

    if levers.adapted_dwellings:
        n = int(levers.adapted_dwellings)
        add("adapted_dwellings", "housing_association", one_off=n * n_cells * DWELLING_COST, number=n)
    if levers.care_team_hours:
        h = float(levers.care_team_hours)
        add("care_team_hours", "care_insurer", yearly=h * 12 * TEAM_HOUR_COST * n_cells, hours_per_month=h)
    if levers.alarm_minutes:
        add("care_on_call", "care_insurer", yearly=ON_CALL_COST_PER_CELL * n_cells,
            response_minutes=float(levers.alarm_minutes))
    if levers.carer_support:
        r = float(levers.carer_support)
        add("carer_support", "municipality", yearly=CARER_SUPPORT_COST_PER_CELL * r * n_cells, strain_relief=r)
    data["investments"] = investments
    file = f"{scenario.get('_file', '<app>')} + levers"
    resolved = resolve_scenario(data, file=file)
    if resolved["investments"] != scenario["investments"]:   # a new name keeps it apart in the results
        data["name"] = f"{data['name']} + levers"
        resolved = resolve_scenario(data, file=file)
    return resolved


# ---- runs, cached --------------------------------------------------------------------------------------


def cache_dir() -> Path:
    return Path(os.environ.get("LANGERTHUIS_CACHE") or Path.home() / ".cache" / "langerthuis")


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """Hash of the model's source and data files (everything in sim/model: all results depend on), so results
    of changed code are never taken from the cache."""
    return tree_fingerprint(Path(sim.__file__).parent / "model")


def tree_fingerprint(root: Path) -> str:
    h = hashlib.sha256(sim.__version__.encode())
    for path in sorted(p for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
        h.update(path.relative_to(root).as_posix().encode())
        h.update(path.read_bytes())
    return h.hexdigest()[:16]


def cache_key(scenario: dict) -> str:
    """Scenario hash (which covers the replicates) plus the code fingerprint."""
    return hashlib.sha256(f"{scenario['_hash']}:{code_fingerprint()}".encode()).hexdigest()[:24]


_memory: dict[str, tuple[pd.DataFrame, pd.DataFrame]] = {}
_lock = threading.Lock()


def cached(scenario: dict):
    """(table, cells) of an earlier run of this scenario, from memory or disk; None if there is none."""
    key = cache_key(scenario)
    with _lock:
        if key in _memory:
            return _memory[key]
    folder = cache_dir() / key
    try:
        result = (pd.read_parquet(folder / "indicators.parquet"), pd.read_parquet(folder / "neighbourhoods.parquet"))
    except (OSError, ValueError):
        return None   # absent or damaged: run again
    with _lock:
        _memory[key] = result
    return result


def run_cached(scenario: dict, progress=None):
    """(tidy indicator table, neighbourhood maps of the last year) of all replicates.

    ``progress(years_done)`` is called after every simulated year (not at all when cached); it may raise
    to stop the run.
    """
    from sim.model.model import LangerThuisModel

    hit = cached(scenario)
    if hit is not None:
        return hit
    tables, maps, done = [], [], 0
    for r in range(int(scenario["replicates"])):
        model = LangerThuisModel(scenario, replicate=r)

        def year_done(_year):
            nonlocal done
            done += 1
            if progress is not None:
                progress(done)
        model.run(progress=year_done)
        tables.append(model.indicators())
        maps.append(model.cell_map(scenario["end_year"]).assign(replicate=r))
    result = (pd.concat(tables, ignore_index=True), pd.concat(maps, ignore_index=True))
    key = cache_key(scenario)
    with _lock:
        _memory[key] = result
    try:
        with atomic_folder(cache_dir() / key) as tmp:
            result[0].to_parquet(tmp / "indicators.parquet", index=False)
            result[1].to_parquet(tmp / "neighbourhoods.parquet", index=False)
            write_json(tmp / "scenario.json", {k: v for k, v in scenario.items()})
    except OSError:
        pass  # a read-only or full disk only costs the next run its speed
    return result


def run_years(scenario: dict) -> int:
    """Simulated years of all replicates: the unit of ``run_cached``'s progress."""
    return (scenario["end_year"] - scenario["start_year"] + 1) * int(scenario["replicates"])


def list_scenarios(folder=SCENARIO_DIR) -> dict[str, Path]:
    """Scenario file stem -> path, sorted, baseline first."""
    files = sorted(Path(folder).glob("*.yaml"), key=lambda p: (p.stem != "baseline", p.stem))
    return {p.stem: p for p in files}


# ---- tables behind the figures -------------------------------------------------------------------------


def _low_high(summary: pd.DataFrame) -> pd.DataFrame:
    """A replicate summary (sim.studies.summary) in the app's columns: scenario, year, mean, low, high."""
    return summary.rename(columns={"p5": "low", "p95": "high"})[BAND_COLUMNS]


def bands(table: pd.DataFrame, indicator: str) -> pd.DataFrame:
    """scenario, year, mean, low, high: mean and 5-95 % interval over replicates."""
    return _low_high(replicate_summary(table[table.indicator == indicator], ["scenario", "year"], sort=False))


def differences(table: pd.DataFrame, indicator: str, base: str) -> pd.DataFrame:
    """scenario, year, mean, low, high of (scenario - base), paired by replicate.

    Replicate r of every scenario draws from the same random streams (common random numbers), so the
    paired difference shows the effect with far less noise than two separate intervals would.
    """
    d = table[table.indicator == indicator].pivot_table(index=["replicate", "year"], columns="scenario",
                                                         values="value")
    if base not in d:
        return pd.DataFrame(columns=BAND_COLUMNS)
    rows = []
    for name in [c for c in table.scenario.unique() if c != base and c in d]:
        diff = (d[name] - d[base]).dropna().rename("value").reset_index()
        rows.append(replicate_summary(diff, "year").assign(scenario=name))
    if not rows:
        return pd.DataFrame(columns=BAND_COLUMNS)
    return _low_high(pd.concat(rows, ignore_index=True))


# the payers of the app's cost table: the organisations, each paying its scheme's care (sim.workshop.labels)
PAYERS = ORGANISATIONS
CARE_COST_PAYER = {PAYER_TABLE[p].indicator: p for p in PAYERS if PAYER_TABLE[p].indicator}


def investment_by_payer(scenario: dict, year: int) -> dict:
    """Euros spent on the scenario's investments in ``year`` by payer (one-off in the start year)."""
    out = {}
    for inv in scenario["investments"]:
        if inv["start_year"] <= year:
            c = inv["cost"]
            amount = c["yearly"] + (c["one_off"] if inv["start_year"] == year else 0.0)
            out[c["payer"]] = out.get(c["payer"], 0.0) + amount
    return out


def costs_by_payer(table: pd.DataFrame, scenarios: dict) -> pd.DataFrame:
    """scenario, payer, care, investment, total: mean yearly euros per inhabitant over the run.

    ``scenarios`` maps the scenario names in ``table`` to resolved scenarios (for the investments).
    """
    mean = table.groupby(["scenario", "year", "indicator"])["value"].mean().unstack("indicator")
    rows = []
    for name in table.scenario.unique():
        m = mean.loc[name]
        for payer in PAYERS:
            care = sum((m[col] for col, p in CARE_COST_PAYER.items() if p == payer), 0.0 * m["inhabitants"])
            spent = [investment_by_payer(scenarios[name], y).get(payer, 0.0) if name in scenarios else 0.0
                     for y in m.index]
            invest = pd.Series(spent, index=m.index) / m["inhabitants"]
            rows.append({"scenario": name, "payer": payer, "care": float(care.mean()),
                         "investment": float(invest.mean()), "total": float((care + invest).mean())})
    return pd.DataFrame(rows)


KEY_INDICATORS = ("months_independent_after_indication", "share_75plus_independent", "unmet_need_share",
                  "intramural_admissions_per_1000", "falls_per_1000_65plus", "hospital_admissions_per_1000_65plus",
                  "carers_overburdened_share", "alarm_response_within_target_share", "cost_total_per_capita")


def key_outcomes(table: pd.DataFrame, base: str | None, indicators=KEY_INDICATORS) -> pd.DataFrame:
    """Last year: per scenario and indicator the mean with its 5-95 % interval and the paired difference
    from ``base``."""
    year = int(table.year.max())
    rows = []
    for ind in indicators:
        b = bands(table, ind)
        b = b[b.year == year]
        d = differences(table, ind, base) if base else pd.DataFrame(columns=["scenario", "year"])
        d = d[d.year == year].set_index("scenario")
        for _, r in b.iterrows():
            has = r.scenario in d.index
            rows.append({"scenario": r.scenario, "indicator": ind, "year": year, "mean": r["mean"],
                         "low": r["low"], "high": r["high"],
                         "diff_mean": d.loc[r.scenario, "mean"] if has else float("nan"),
                         "diff_low": d.loc[r.scenario, "low"] if has else float("nan"),
                         "diff_high": d.loc[r.scenario, "high"] if has else float("nan")})
    return pd.DataFrame(rows)

