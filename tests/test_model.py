"""The core model: Mesa conventions, reproducibility, invariants every step, mechanism directions."""
import os
import subprocess
import sys

import numpy as np
import pandas as pd

from sim.model.indicators import CATALOGUE
from sim.model.model import LangerThuisModel
from sim.model.mechanisms.policy import has_access
from sim.model.population import DEAD, HOME, INSTITUTION
from sim.model.rng import STREAM, person_month_key_py, uniform_py
from sim.analysis.runner import run_scenario
from sim.model.scenario import resolve_scenario

CAPACITY_SECTORS = 5


def test_every_catalogue_indicator_every_year(small):
    # to 2030: in a municipality of 20,000, neighbourhood teams may keep up with demand for a whole
    # decade, so unmet need can be zero in every year to 2020 (seed-dependent)
    df = run_scenario({**small, "end_year": 2030})
    assert list(df.columns) == ["scenario", "replicate", "year", "indicator", "value"]
    assert set(CATALOGUE) <= set(df.indicator)
    assert sorted(df.year.unique()) == list(range(2010, 2031))
    # every indicator is computed from the simulation: none is constant over all years, except
    # the investment cost (no investments in this scenario)
    varying = df.groupby("indicator")["value"].nunique()
    constant = set(varying[varying <= 1].index) & set(CATALOGUE)
    assert constant <= {"cost_investment_per_capita", "extramuralised_clients_per_1000"}, constant


def test_mesa_seed_convention(small):
    a = LangerThuisModel(small, seed=5).run().indicators()
    b = LangerThuisModel(small, seed=5).run().indicators()
    c = LangerThuisModel(small, seed=6).run().indicators()
    pd.testing.assert_frame_equal(a, b, check_exact=True)
    assert not a.value.equals(c.value)
    # Mesa's own Generator (for users' extensions) follows the seed too
    draws = [LangerThuisModel(small, seed=s).rng.random(3).tolist() for s in (5, 5, 6)]
    assert draws[0] == draws[1] != draws[2]


def test_replicates_differ_and_repeat(small):
    r0, r0b, r1 = run_scenario(small, 0), run_scenario(small, 0), run_scenario(small, 1)
    pd.testing.assert_frame_equal(r0, r0b, check_exact=True)
    assert not np.allclose(r0.value, r1.value, equal_nan=True)


def _run_with_threads(threads, out):
    env = dict(os.environ, NUMBA_NUM_THREADS=str(threads))
    subprocess.run([sys.executable, "-m", "sim", "run", "scenarios/small.yaml", "--out", str(out), "--no-progress"],
                   check=True, env=env, cwd=os.path.dirname(os.path.dirname(__file__)), capture_output=True)
    return pd.read_parquet(out / "indicators.parquet")


def test_identical_for_one_and_two_threads(tmp_path):
    one = _run_with_threads(1, tmp_path / "one")
    two = _run_with_threads(2, tmp_path / "two")
    pd.testing.assert_frame_equal(one, two, check_exact=True)


def test_invariants_every_step(small):
    small["end_year"] = 2017   # covers every cut date
    m = LangerThuisModel(small)
    r = m.residents
    while m.running:
        before_res = dict(zip(r.view("pid").tolist(), r.view("residence").tolist()))
        m.step()
        alive, dead = m.count_alive()
        assert alive + dead == m.people_in                                   # people are conserved
        for name in ("carer_hours", "strain", "unmet"):
            assert (r.view(name) >= 0).all(), name                           # no negative hours or strain
        for name in ("phys", "cog", "network", "wellbeing", "unmet"):
            v = r.view(name)
            assert ((v >= 0) & (v <= 1)).all(), name
        res, pid = r.view("residence"), r.view("pid")
        admitted = [i for i in np.flatnonzero(res == INSTITUTION) if before_res.get(int(pid[i]), INSTITUTION) == HOME]
        for i in admitted:   # nobody admitted whose package gives no access that month
            u = uniform_py(person_month_key_py(int(m.split_key), int(pid[i])), STREAM["split"])
            assert has_access.py_func(m.cuts, int(r.view("sector")[i]), int(r.view("level")[i]), u,
                                          int(r.view("indicated_month")[i]))
        occupancy = np.bincount(r.view("sector")[res == INSTITUTION] - 1, minlength=CAPACITY_SECTORS)
        sectors_admitting = {int(r.view("sector")[i]) - 1 for i in admitted}
        for s in sectors_admitting:                                          # capacity never exceeded
            assert occupancy[s] <= m.capacity[s]
        assert m.hood.stock.min() >= 0
        assert (r.view("residence") <= DEAD).all()
    assert m.people_in > 0


def _indicator(df, name, years=None):
    d = df[df.indicator == name]
    if years is not None:
        d = d[d.year.isin(years)]
    return d.value.mean()


_RUNS = {}


def _runs(scenario, reps):
    """Replicates 0..reps-1 of a scenario, each run once per test session."""
    key = (scenario["_hash"], reps)
    if key not in _RUNS:
        _RUNS[key] = pd.concat([run_scenario(scenario, r) for r in range(reps)])
    return _RUNS[key]


def _paired(base, variant, name, reps=3, years=None):
    """Mean of indicator over replicates and years, for two scenarios (common random numbers)."""
    return _indicator(_runs(base, reps), name, years), _indicator(_runs(variant, reps), name, years)


def _with_investment(small, **inv):
    data = {k: v for k, v in small.items() if not k.startswith("_")}
    inv.setdefault("cells", "all")
    inv.setdefault("start_year", small["start_year"])
    inv.setdefault("cost", {"one_off": 0, "yearly": 0, "source": "assumption: test"})
    data["investments"] = [inv]
    return resolve_scenario(data)


def test_slower_alarm_response_means_fewer_answered_in_time_and_more_hospital_admissions(small):
    """Baseline alarm follow-up (20-45 min) against 24-hour care on call within 5 minutes everywhere."""
    fast = _with_investment(small, type="care_on_call", response_minutes=5)
    s_in_time, f_in_time = _paired(small, fast, "alarm_response_within_target_share")
    s_hosp, f_hosp = _paired(small, fast, "hospital_admissions_per_1000_65plus")
    assert f_in_time == 1.0 and s_in_time < 0.6
    assert s_hosp > f_hosp * 1.01


def test_adapting_dwellings_lowers_falls(small):
    programme = _with_investment(small, type="home_adaptation_programme", uptake_per_year=1.0)
    base_falls, adapted_falls = _paired(small, programme, "falls_per_1000_65plus", years=range(2014, 2021))
    base_adapt, more_adapt = _paired(small, programme, "home_adaptations_per_1000")
    assert more_adapt > 2 * base_adapt
    assert adapted_falls < base_falls * 0.99


def test_less_team_capacity_means_more_unmet_need(small):
    scarce = dict(small, parameters={"team_hours_per_65plus_month": 2.0})
    b, s = _paired(small, resolve_scenario({k: v for k, v in scarce.items() if not k.startswith("_")}),
                   "unmet_need_share", reps=1)
    assert s > b + 0.1


def test_reform_sends_cut_packages_home(small):
    data = {k: v for k, v in small.items() if not k.startswith("_")}
    data["policy"] = dict(data["policy"], schedule="none")
    no_reform = resolve_scenario(data)
    years = range(2014, 2021)
    reform_adm, none_adm = _paired(small, no_reform, "intramural_admissions_cut_packages_per_1000", years=years)
    assert reform_adm < 0.5 * none_adm
    reform_ext, none_ext = _paired(small, no_reform, "extramuralised_clients_per_1000", years=years)
    assert reform_ext > 1.0 and none_ext == 0.0
    reform_wlz, none_wlz = _paired(small, no_reform, "cost_wlz_per_capita", years=range(2016, 2021))
    assert reform_wlz < none_wlz
