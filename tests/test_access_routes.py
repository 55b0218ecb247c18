"""The access route per area, what a route grants (adaptations, a dwelling), its referrals, and the break-even
running cost of a route (sim/model/mechanisms/access.py, sim/analysis/route_cost.py).

Each rule is shown against a run with it switched off (its parameter at the no-effect value, the area's
route absent, another route), on a small municipality over 2013-2017 (the routes start in 2015).
"""
from __future__ import annotations

import copy
import functools
import json
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from conftest import ROOT
from test_access import variant   # small.yaml, 2013-2017, 8,000 inhabitants, with the given blocks
from sim.errors import ScenarioError
from sim.model.mechanisms import access as A
from sim.model.model import LangerThuisModel
from sim.model.scenario import load_scenario, resolve_scenario
from sim.model.state import PATH_DWELLING, STOCK_UNIT

YEARS = (2015, 2016, 2017)
SMALL = load_scenario(ROOT / "scenarios" / "small.yaml")
CENTRUM = SMALL["areas"]["centrum"]                 # 4 of the 16 cells
HEIGHT = SMALL["municipality"]["grid"]["height"]
INSIDE = sorted(x * HEIGHT + y for x, y in CENTRUM)




@functools.lru_cache(maxsize=None)
def _run(key: str):
    """(indicators: index indicator, columns years; per cell the resident-months unnoticed or waiting from
    2015; residents seen with an arranged dwelling who later moved into it)."""
    model = LangerThuisModel(variant(**json.loads(key)))
    n_cells = model.hood.n_cells
    waiting = np.zeros(n_cells)
    arranged, moved_later = {}, 0
    while model.running:
        model.step()
        st = model.state()
        if model.month_abs >= 2015 * 12:
            gone = (st.wmo_state == A.UNNOTICED) | (st.wmo_state == A.WAITING)
            waiting += np.bincount(st.cell[gone], minlength=n_cells)
        pending = (st.wmo_path & PATH_DWELLING) != 0
        for pid, dwelling, flags, is_pending in zip(st.pid, st.dwelling, st.flags, pending):
            if is_pending and pid not in arranged:
                arranged[int(pid)] = (model.month_abs, int(dwelling))
            elif not is_pending and pid in arranged:
                month, before = arranged.pop(int(pid))
                # moved into a unit of the stock after the month the dwelling was arranged
                moved_later += int(dwelling > before and flags & STOCK_UNIT and model.month_abs > month + 1)
    df = model.indicators().pivot(index="indicator", columns="year", values="value")
    return df, waiting, moved_later


def run(**kw):
    return _run(json.dumps(kw, sort_keys=True))


def mean(df, indicator, years=YEARS) -> float:
    return float(df.loc[indicator, list(years)].mean())


TEAM = {"route": "neighbourhood_team"}
NO_MANDATE = {"route": "neighbourhood_team", "team_mandate": False}
DESK = {"route": "intake_voucher"}


# --- per area ------------------------------------------------------------------------------------------------
def test_an_area_follows_its_own_route_and_the_rest_the_municipalitys():
    """A team in centrum only: inside, residents wait for notice as under a team everywhere; outside nobody
    waits (the default indication route); the route cost is the team's for centrum's share of inhabitants."""
    default = run()
    team = run(access=TEAM)
    area = run(access={"route": "indication", "areas": {"centrum": {"route": "neighbourhood_team"}}})
    outside = np.setdiff1d(np.arange(len(area[1])), INSIDE)
    assert area[1][outside].sum() == 0 == default[1].sum()            # the default route outside
    assert area[1][INSIDE].sum() > 0
    assert area[1][INSIDE].sum() == pytest.approx(team[1][INSIDE].sum(), rel=0.1)   # the team's route inside
    model = LangerThuisModel(variant(access={"route": "indication", "areas": {"centrum": {"route": "neighbourhood_team"}}}))
    inh = model.hood.layer("inhabitants")
    share = inh[INSIDE].sum() / inh.sum()
    assert 0.0 < share < 0.5
    assert mean(area[0], "cost_access_route_per_capita") == pytest.approx(15.0 * share, rel=1e-9)
    # months from need to support: between the default (0) and the team everywhere
    assert 0.0 < mean(area[0], "months_from_need_to_support") <= mean(team[0], "months_from_need_to_support") + 0.5


def test_an_areas_own_parameters_act_inside_it_only():
    """A team everywhere; in centrum it neither signals itself nor hears of need at visits: residents there
    stay unnoticed longer per cell than with the municipality's parameters, the rest is unchanged."""
    team = run(access=TEAM)
    blind = run(access=dict(TEAM, areas={"centrum": {"parameters": {"access_team_notice_month": 0.0,
                                                                     "access_visit_signal": 0.0}}}))
    outside = np.setdiff1d(np.arange(len(team[1])), INSIDE)
    assert blind[1][INSIDE].sum() > 1.3 * team[1][INSIDE].sum()
    assert blind[1][outside].sum() == pytest.approx(team[1][outside].sum(), rel=0.05)


# --- what is granted ---------------------------------------------------------------------------------------
def test_an_assessing_route_grants_home_adaptations_with_support():
    desk = run(access=DESK)
    off = run(access=DESK, parameters={"access_adaptation_share": 0.0})
    assert mean(desk[0], "wmo_adaptations_granted_per_1000") > 0.0 == mean(off[0], "wmo_adaptations_granted_per_1000")
    assert mean(desk[0], "home_adaptations_per_1000") > mean(off[0], "home_adaptations_per_1000")
    # the fixed entitlement of the indication route grants none
    assert mean(run()[0], "wmo_adaptations_granted_per_1000") == 0.0


def test_a_dwelling_arranged_by_a_mandate_stays_arranged_until_the_move():
    """The intake worker's mandate: the arranged dwelling is asked for month after month, so moves happen in
    later months too (a wish housing.month alone keeps for one month); without the mandate, none."""
    desk = run(access=DESK)
    team_without = run(access=NO_MANDATE)
    assert mean(desk[0], "housing_arranged_by_mandate_per_1000") > 0.0
    assert 0.0 < mean(desk[0], "moves_arranged_by_mandate_per_1000") <= mean(desk[0], "housing_arranged_by_mandate_per_1000")
    assert desk[2] > 0                                                  # moved a month or more after
    assert mean(team_without[0], "moves_arranged_by_mandate_per_1000") == 0.0 and team_without[2] == 0


# --- referrals ---------------------------------------------------------------------------------------------
def test_a_team_with_a_mandate_keeps_referrals_and_the_wlz_indication_comes_later():
    refers = run(access=TEAM, parameters={"access_team_keeps_referrals": 0.0})
    keeps = run(access=TEAM, parameters={"access_team_keeps_referrals": 1.0})
    assert mean(keeps[0], "referrals_wlz_per_1000") == 0.0 < mean(refers[0], "referrals_wlz_per_1000")
    assert mean(keeps[0], "referrals_kept_by_team_per_1000") > 0.0 == mean(refers[0], "referrals_kept_by_team_per_1000")
    # a referral brings the CIZ's indication forward: more clients at home with a VV package sooner (the Wlz
    # hours follow only as far as the earlier admissions it also brings allow: 0.04 referrals per 1,000 a year)
    assert mean(refers[0], "clients_home_VV_per_1000") > mean(keeps[0], "clients_home_VV_per_1000")
    assert mean(refers[0], "hours_wmo_per_1000") < mean(keeps[0], "hours_wmo_per_1000")


def test_a_team_without_a_mandate_leaves_nursing_between_two_stools():
    gap = run(access=NO_MANDATE)
    none = run(access=NO_MANDATE, parameters={"access_no_mandate_nursing_gap": 0.0})
    assert mean(gap[0], "hours_nursing_between_stools_per_1000") > 0.0
    assert mean(none[0], "hours_nursing_between_stools_per_1000") == 0.0
    assert mean(gap[0], "referrals_lost_per_1000") > 0.0
    assert mean(gap[0], "hours_zvw_per_1000") < mean(none[0], "hours_zvw_per_1000")
    assert mean(gap[0], "unmet_need_share") > mean(none[0], "unmet_need_share")
    # a team with a mandate loses nothing
    assert mean(run(access=TEAM)[0], "hours_nursing_between_stools_per_1000") == 0.0


# --- the running cost decides the cost comparison ------------------------------------------------------------
def test_the_break_even_running_cost_makes_the_routes_cost_the_gemeente_the_same():
    """Without a binding budget the running cost does not change the path: the team at its break-even running
    cost costs the gemeente what the desk does, to the cent per inhabitant."""
    from sim.analysis.compare import Comparison
    from sim.analysis.breakeven import scaled_effects
    from sim.analysis.route_cost import route_cost_breakeven

    team, desk = variant(access=TEAM), variant(access=DESK)
    c = Comparison([team, desk], replicates=1, effect_priors=False, progress=False, window=(2015, 2017)).run()
    r = route_cost_breakeven(c.table, c.scenarios, c.window).set_index(["scenario", "outcome"])
    c_star = r.loc[(c.order[0], "route_breakeven_running_cost_per_capita"), "mean"]
    assert r.loc[(c.order[0], "route_running_cost_per_capita"), "mean"] == pytest.approx(15.0)
    assert r.loc[(c.order[1], "route_running_cost_per_capita"), "mean"] == pytest.approx(5.0)
    assert r.loc[(c.order[0], "route_budget_binding_share"), "mean"] == 0.0
    assert 0.0 < c_star < 100.0 and abs(c_star - 15.0) > 0.5                 # the routes' care costs differ
    at_breakeven = LangerThuisModel(variant(access=TEAM, parameters={"access_cost_neighbourhood_team": c_star})).run()
    t = at_breakeven.indicators().pivot(index="indicator", columns="year", values="value")
    d = c.table[c.table.scenario == c.order[1]].pivot(index="indicator", columns="year", values="value")
    assert mean(t, "cost_wmo_per_capita") == pytest.approx(mean(d, "cost_wmo_per_capita"), abs=0.01)
    cheaper = r.loc[(c.order[0], "route_cheaper_for_municipality_share"), "mean"]
    assert cheaper == float(15.0 < c_star)
    # the running costs are costs, not effects: the effect-scale break-even leaves them at their defaults
    assert not any(name.startswith("access_cost_") for name in scaled_effects(0.0))


def test_under_a_binding_budget_the_gemeente_spends_its_budget_whatever_the_running_cost():
    cut = {"cut": 0.25, "from_year": 2015}
    from sim.analysis.route_cost import route_cost_breakeven
    from sim.analysis.compare import Comparison
    c = Comparison([variant(access=TEAM, budget=cut), variant(access=DESK, budget=cut)], replicates=1,
                   effect_priors=False, progress=False, window=(2015, 2017)).run()
    r = route_cost_breakeven(c.table, c.scenarios, c.window).set_index(["scenario", "outcome"])
    assert r.loc[(c.order[0], "route_budget_binding_share"), "mean"] == 1.0
    # both spend the same budget: the break-even is the team's own running cost, up to what each leaves unspent
    # (a binding year spends within 0.5 % of its budget: route_cost.BINDING), so within 1 % of the budget
    from sim.analysis.route_cost import BINDING
    budget = c.table[(c.table.indicator == "wmo_budget_per_capita") & c.table.year.between(*c.window)].value
    slack = 2 * abs(BINDING) * budget.max()
    assert r.loc[(c.order[0], "route_breakeven_running_cost_per_capita"), "mean"] == pytest.approx(15.0, abs=slack)


# --- bad blocks ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("block, path", [   # one through the command line; the others below, in process
    ("access:\n  areas:\n    noord: {route: neighbourhood_team}\n", "access.areas.noord"),
])
def test_bad_area_blocks_are_one_line_exit_2_nothing_written(tmp_path, block, path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(f"extends: {ROOT / 'scenarios' / 'small.yaml'}\nname: bad\n{block}")
    out = tmp_path / "out"
    done = subprocess.run([sys.executable, "-m", "sim", "run", str(bad), "--out", str(out)], cwd=ROOT,
                          capture_output=True, text=True)
    lines = done.stderr.strip().splitlines()
    assert done.returncode == 2 and len(lines) == 1, done.stderr
    assert f"{bad}:" in lines[0] and f" {path}: expected " in lines[0] and "Traceback" not in done.stderr, lines[0]
    assert not out.exists() and list(tmp_path.iterdir()) == [bad]


@pytest.mark.parametrize("areas, path", [
    ({"centrum": {"route": "wijkteam"}}, "access.areas.centrum.route"),
    ({"centrum": {"parameters": {"decline_age_slope": 0.1}}}, "access.areas.centrum.parameters.decline_age_slope"),
    ({"centrum": {"colour": "red"}}, "access.areas.centrum.colour"),
    ({"centrum": {"parameters": {"access_visit_signal": 3}}}, "access.areas.centrum.parameters.access_visit_signal"),
    ({"centrum": {}, "rand": {}}, "access.areas.rand"),
])
def test_bad_area_keys_name_their_path(areas, path):
    sc = {k: copy.deepcopy(v) for k, v in SMALL.items() if not k.startswith("_")}
    sc["areas"]["rand"] = [[1, 1], [0, 0]]          # shares [1, 1] with centrum
    sc["access"] = {"route": "indication", "areas": areas}
    with pytest.raises(ScenarioError) as err:
        resolve_scenario(sc)
    assert f" {path}: expected " in str(err.value) and "\n" not in str(err.value)


def test_an_access_block_without_areas_resolves_as_before():
    s = load_scenario(ROOT / "scenarios" / "access_neighbourhood_team.yaml")
    assert "areas" not in s["access"]
    again = resolve_scenario({k: v for k, v in s.items() if not k.startswith("_")})
    assert again["access"] == s["access"]


def test_reference_equals_kernel_with_routes_by_area():
    """Per-area routes, a team without a mandate (lost referrals, the nursing gap), the desk's adaptations,
    referrals and arranged dwellings: identical in both engines, month by month."""
    from tests.test_reference import BASE, assert_same_indicators, run_both, scenario
    sc = resolve_scenario(scenario(seed=6, start_year=2014, end_year=2015,
                                   municipality=dict(BASE["municipality"], inhabitants=2000),
                                   areas={"centrum": CENTRUM},
                                   access={"route": "intake_voucher", "from_year": 2014,
                                           "areas": {"centrum": {"route": "neighbourhood_team", "team_mandate": False}}}))
    kernel, ref = run_both(sc)
    assert_same_indicators(kernel, ref)
    df = kernel.indicators().pivot(index="indicator", columns="year", values="value")
    for name in ("referrals_lost_per_1000", "hours_nursing_between_stools_per_1000",
                 "wmo_adaptations_granted_per_1000", "housing_arranged_by_mandate_per_1000", "referrals_zvw_per_1000"):
        assert df.loc[name].sum() > 0, name
