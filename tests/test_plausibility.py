"""The plausibility guard: the shipped baseline, no_reform and netherlands stay inside the ranges a domain
expert would accept (calibration/plausibility.csv), so a path that empties nursing homes or lets unmet
need explode fails here. A row applies to every scenario (`schedule` all) or to those whose
`policy.schedule` it names: the counterfactual without the reform (`none`) has the pre-reform ranges for
the intramural indicators.

netherlands is run at a reduced scale: the same file (profile, years, policy, parameters) with 400,000
inhabitants on its 20 x 20 grid (1,000 a cell) instead of 16.8 million (~80 s a run); the indicators are
rates per inhabitant or shares, so the scale changes only their noise."""
from __future__ import annotations

import functools
from pathlib import Path

import pandas as pd
import pytest

from sim.model import LangerThuisModel, load_scenario
from sim.model.indicators import INDICATORS
from sim.model.scenario import resolve_scenario

ROOT = Path(__file__).resolve().parents[1]
RANGES = pd.read_csv(ROOT / "calibration" / "plausibility.csv")
REDUCED = {"netherlands": 400_000}


def test_the_ranges_file_is_well_formed():
    assert list(RANGES.columns) == ["indicator", "schedule", "from_year", "to_year", "low", "high", "source"]
    assert set(RANGES.schedule) <= {"all", "enacted", "none"}
    assert set(RANGES.indicator) <= set(INDICATORS)
    assert (RANGES.low < RANGES.high).all() and (RANGES.from_year <= RANGES.to_year).all()
    assert RANGES.source.str.len().min() > 20


def outside(table: pd.DataFrame, schedule: str = "enacted") -> list[str]:
    """Every (indicator, year) outside its range, as text (the rows for all and for this schedule)."""
    bad = []
    for row in RANGES[RANGES.schedule.isin(["all", schedule])].itertuples():
        values = table[(table.indicator == row.indicator) & table.year.between(row.from_year, row.to_year)]
        for year, value in zip(values.year, values.value):
            if not row.low <= value <= row.high:
                bad.append(f"{row.indicator} {year}: {value:.4g} outside {row.low}-{row.high}")
    return bad


@functools.cache   # each scenario runs once for the tests below
def run(name: str) -> tuple[pd.DataFrame, str]:
    scenario = load_scenario(ROOT / "scenarios" / f"{name}.yaml")
    if name in REDUCED:
        data = {k: v for k, v in scenario.items() if not k.startswith("_")}
        data["municipality"] = {**data["municipality"], "inhabitants": REDUCED[name]}
        scenario = resolve_scenario(data)
    return LangerThuisModel(scenario, replicate=0).run().indicators(), scenario["policy"]["schedule"]


# Issue #12: the baseline's nursing-home waiting list used to pass 8 per 1,000 after 2037 (8.8 in 2038-2040):
# demand grew about 3.3-fold 2023-2040 where the projections give 2-2.3-fold, because the age-specific decline
# did not improve while mortality did (limitations at 85+ 0.50 -> 0.76). With the decline following the
# mortality improvement (decline_follows_mortality, dynamic equilibrium) demand grows about 2.1-fold and the
# list stays below 1.5 per 1,000.
# No scenario is known to leave a range (a defect named here must be outside, or the test fails).
KNOWN_OUTSIDE: dict = {}


@pytest.mark.parametrize("name", ["baseline", "no_reform", "netherlands"])
def test_shipped_scenarios_stay_plausible(name):
    table, schedule = run(name)
    assert set(RANGES.indicator) <= set(table.indicator)
    known = KNOWN_OUTSIDE.get(name, set())
    bad = outside(table, schedule)
    assert [b for b in bad if b.split()[0] not in known] == []
    assert known <= {b.split()[0] for b in bad}, "a known defect is gone: remove it from KNOWN_OUTSIDE"


def test_the_baseline_waiting_list_stays_plausible():
    """The waiting list of issue #12 in particular: within its range to 2040."""
    table, schedule = run("baseline")
    assert [b for b in outside(table, schedule) if b.split()[0].startswith("waiting_list")] == []


def test_the_guard_catches_the_old_capacity_path():
    """The pre-issue-12 path (VV places -3 %/year to 2040, no nursing-home rate) empties nursing homes:
    the guard must fail on it."""
    scenario = load_scenario(ROOT / "scenarios" / "baseline.yaml")
    data = {k: v for k, v in scenario.items() if not k.startswith("_")}
    data["end_year"] = 2040
    data["policy"] = {**data["policy"], "capacity": {"observed_until": 2012, "rule": "change",
                                                     "change_per_year": {"VV": -0.03, "VG": -0.015, "LG": -0.015,
                                                                         "ZG": -0.015, "GGZ": -0.015}}}
    table = LangerThuisModel(resolve_scenario(data), replicate=0).run().indicators()
    bad = outside(table)
    assert any(b.startswith("intramural_places_vv_per_80plus 20") for b in bad)


@pytest.mark.xfail(strict=True, reason="calibration v11: replicate 4's particle lets unmet_need_share reach 0.151 "
                   "(2023) and 0.149 (2024) on 40,000 inhabitants, above the 0.14 of 2016-2025; the calibration's "
                   "screen (one run per particle) kept it inside (calibration/README.md v11)")
def test_the_calibrated_ensemble_keeps_unmet_need_plausible():
    """Studies run the ensemble, not only its mean: replicates drawing different particles
    (``calibrated: ensemble``) keep the formal care not delivered inside its 2010-2025 range. In calibration
    v7 half of the particles (fast cognitive decline) let it run away to 13-39 % of the hours needed over
    2013-2025; v8 has home-care providers who hire after unmet demand (team_follow_demand) and a calibration
    screened against this range (calibration/README.md). 40,000 inhabitants, 6 replicates, to 2025."""
    scenario = load_scenario(ROOT / "scenarios" / "baseline.yaml")
    data = {k: v for k, v in scenario.items() if not k.startswith("_")}
    data.update(end_year=2025, replicates=6, parameters={"calibrated": "ensemble"})
    data["municipality"] = {**data["municipality"], "inhabitants": 40_000}
    scenario = resolve_scenario(data)
    rows = RANGES[RANGES.indicator.eq("unmet_need_share") & RANGES.to_year.le(2025)]
    bad = []
    for r in range(6):
        table = LangerThuisModel(scenario, replicate=r).run().indicators()
        bad += [f"replicate {r}: {b}" for b in outside(table) if b.split()[0] in set(rows.indicator)]
    assert bad == []
