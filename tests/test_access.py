"""The access route to Wmo support and the capped Wmo budget (sim/model/mechanisms/access.py).

Each route's defining behaviour is shown against a run with that rule switched off (another route, or
the route's parameter at the value that admits no effect), on a small municipality over 2013-2017
(the route and the budget start in 2015; the budget's cut is relative to 2014).
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

from conftest import ROOT, langerthuis_in_process
from sim.model.model import LangerThuisModel
from sim.model.scenario import load_scenario, resolve_scenario

YEARS = (2015, 2016, 2017)
SMALL = load_scenario(ROOT / "scenarios" / "small.yaml")


def variant(access=None, budget=None, parameters=None, **top) -> dict:
    sc = {k: copy.deepcopy(v) for k, v in SMALL.items() if not k.startswith("_")}
    sc.update(start_year=2013, end_year=2017, **top)
    sc["municipality"]["inhabitants"] = 8000
    sc["parameters"] = dict(parameters or {})
    if access is not None:
        sc["access"] = access
    if budget is not None:
        sc["budget"] = budget
    return resolve_scenario(sc)


@functools.lru_cache(maxsize=None)
def _run(key: str) -> pd.DataFrame:
    """Indicators (index indicator, columns years) of a variant named by its JSON."""
    model = LangerThuisModel(variant(**json.loads(key))).run()
    return model.indicators().pivot(index="indicator", columns="year", values="value")


def run(**kw) -> pd.DataFrame:
    return _run(json.dumps(kw, sort_keys=True))


def mean(df, indicator, years=YEARS) -> float:
    return float(df.loc[indicator, list(years)].mean())


TEAM = {"route": "neighbourhood_team"}
DESK = {"route": "intake_voucher"}
KITCHEN = {"route": "kitchen_table"}


# --- the default route ----------------------------------------------------------------------------------
def test_the_indication_route_is_the_model_without_routes():
    """No access block and `access: {route: indication}` give the same table, and the default route meets a
    Wmo need from the month it arises: nobody unnoticed or waiting, zero months from need to support."""
    absent = LangerThuisModel(variant()).run().indicators()
    explicit = LangerThuisModel(variant(access={"route": "indication"})).run().indicators()
    pd.testing.assert_frame_equal(absent, explicit, check_exact=True)
    df = absent.pivot(index="indicator", columns="year", values="value")
    assert mean(df, "wmo_support_starts_per_1000") > 1.0        # new Wmo needs arose and were met ...
    for name in ("months_from_need_to_support", "wmo_waiting_per_1000", "wmo_need_unnoticed_per_1000"):
        assert mean(df, name) == 0.0, name                       # ... in the month they arose
    assert np.isnan(df.loc["wmo_spending_over_budget_share"]).all() and (df.loc["cost_access_route_per_capita"] == 0).all()


# --- detection and the wait -----------------------------------------------------------------------------
def test_the_team_notices_need_earlier_than_the_desk():
    team, desk = run(access=TEAM), run(access=DESK)
    # the desk waits for the resident (or the GP) to come forward; the team also signals and hears of
    # need at housing-association visits
    assert mean(team, "wmo_need_unnoticed_per_1000") < 0.6 * mean(desk, "wmo_need_unnoticed_per_1000")
    assert mean(team, "months_from_need_to_support") < mean(desk, "months_from_need_to_support") - 1.0
    assert mean(desk, "months_from_need_to_support") > 2.0       # notice, then the statutory assessment months
    # people without support meanwhile go without: more unmet need at the desk
    assert mean(team, "unmet_need_share") < mean(desk, "unmet_need_share")


def test_housing_association_visits_reach_the_team():
    with_visits = run(access=TEAM)
    without = run(access=TEAM, parameters={"access_visit_signal": 0.0})
    # 0.61 vs 0.67 per 1,000 after issue 12 (fewer light needs); common random numbers: the gap is the visits
    assert mean(with_visits, "wmo_need_unnoticed_per_1000") < 0.95 * mean(without, "wmo_need_unnoticed_per_1000")


def test_a_team_without_mandate_loses_signals_and_hands_cases_to_the_desk():
    mandate, none = run(access=TEAM), run(access=dict(TEAM, team_mandate=False))
    assert mean(none, "months_from_need_to_support") > mean(mandate, "months_from_need_to_support") + 1.5
    assert mean(none, "wmo_need_unnoticed_per_1000") > mean(mandate, "wmo_need_unnoticed_per_1000")
    # the mandate over housing: a dwelling arranged when support starts or in a crisis
    assert mean(mandate, "housing_arranged_by_mandate_per_1000") > 0.0
    assert mean(none, "housing_arranged_by_mandate_per_1000") == 0.0
    assert mean(mandate, "moved_to_adapted_dwelling_per_1000") > mean(none, "moved_to_adapted_dwelling_per_1000")


def test_a_limited_intake_makes_people_wait():
    free, limited = run(access=DESK), run(access=dict(DESK, intake_per_1000_month=0.2))
    assert mean(limited, "wmo_waiting_per_1000") > 1.5 * mean(free, "wmo_waiting_per_1000")
    assert mean(limited, "months_from_need_to_support") > mean(free, "months_from_need_to_support")


# --- what is granted and what is expected of the carer -------------------------------------------------
def test_the_kitchen_table_asks_the_network_first():
    kitchen = run(access=KITCHEN)
    off = run(access=KITCHEN, parameters={"access_network_first": 0.0})
    assert mean(kitchen, "hours_wmo_per_1000") < 0.97 * mean(off, "hours_wmo_per_1000")
    assert mean(kitchen, "mantelzorg_hours_per_1000") > mean(off, "mantelzorg_hours_per_1000")
    # what the carer is asked is not counted as unmet formal need
    assert mean(kitchen, "unmet_need_share") <= mean(off, "unmet_need_share") + 0.005


def test_a_voucher_buys_its_value_over_the_providers_price():
    full, lower = run(access=DESK), run(access=DESK, parameters={"access_voucher_value_share": 0.8})
    ratio = mean(lower, "hours_wmo_per_1000") / mean(full, "hours_wmo_per_1000")
    assert 0.7 < ratio < 0.9
    assert mean(lower, "unmet_need_share") > mean(full, "unmet_need_share")
    assert mean(lower, "cost_wmo_per_capita") < mean(full, "cost_wmo_per_capita")


# --- referrals and the route's cost ----------------------------------------------------------------------
def test_assessments_refer_to_wlz_and_zvw_and_the_route_cost_lands_with_its_payer():
    team, insurer = run(access=TEAM), run(access=dict(TEAM, payer="care_insurer"))
    assert mean(team, "referrals_zvw_per_1000") > 0.0
    # a Wlz need at the decision is rare on 8,000 inhabitants (the team keeps the one it meets in its own
    # plan): a team that keeps none refers it
    refers_all = run(access=TEAM, parameters={"access_team_keeps_referrals": 0.0})
    assert mean(refers_all, "referrals_wlz_per_1000") > 0.0
    assert mean(team, "cost_access_route_per_capita") == pytest.approx(15.0)
    # the same route paid by the health insurer: the cost moves from the Wmo line to the Zvw line
    moved = mean(team, "cost_wmo_per_capita") - mean(insurer, "cost_wmo_per_capita")
    assert moved == pytest.approx(15.0, abs=1e-6)
    assert mean(insurer, "cost_zvw_per_capita") - mean(team, "cost_zvw_per_capita") == pytest.approx(15.0, abs=1e-6)


# --- the budget ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("route, response, goes_without", [
    ("indication", "waiting_list", "wmo_waiting_per_1000"),
    ("neighbourhood_team", "lower_hours", "unmet_need_share"),
    ("kitchen_table", "stricter_access", "wmo_refused_per_1000"),
])
def test_a_binding_budget_keeps_spending_within_it_and_people_go_without(route, response, goes_without):
    free = run(access={"route": route})
    capped = run(access={"route": route}, budget={"cut": 0.25, "from_year": 2015, "response": response})
    reference = capped.loc["wmo_capped_spending_per_capita", 2014]
    for year in YEARS:
        assert capped.loc["wmo_budget_per_capita", year] == pytest.approx(0.75 * reference, rel=1e-12)
        assert capped.loc["wmo_spending_over_budget_share", year] <= 1e-4
        assert free.loc["wmo_capped_spending_per_capita", year] > capped.loc["wmo_budget_per_capita", year]
    assert mean(capped, goes_without) > mean(free, goes_without) * 1.05 + 1e-9
    assert mean(capped, "unmet_need_share") > mean(free, "unmet_need_share")
    assert mean(capped, "hours_wmo_per_1000") < mean(free, "hours_wmo_per_1000")


def test_a_budget_per_inhabitant_that_does_not_bind_changes_nothing():
    free = run(access=TEAM)
    rich = run(access=TEAM, budget={"wmo_per_inhabitant": 10_000.0})
    same = [i for i in free.index if not i.startswith("wmo_budget") and i != "wmo_spending_over_budget_share"]
    pd.testing.assert_frame_equal(free.loc[same], rich.loc[same], check_exact=True)
    assert (rich.loc["wmo_budget_per_capita", list(YEARS)] == 10_000.0).all()


# --- bad blocks: one line, exit 2, nothing written ------------------------------------------------------
@pytest.mark.parametrize("block, path", [
    ("access:\n  route: wijkteam\n", "access.route"),
    ("access:\n  route: neighbourhood_team\n  team_mandate: yes please\n", "access.team_mandate"),
    ("access:\n  from_year: 2030\n", "access.from_year"),
    ("budget:\n  cut: 0.25\n  wmo_per_inhabitant: 300\n", "budget"),
    ("budget:\n  cut: 1.5\n", "budget.cut"),
    ("budget:\n  cut: 0.25\n  from_year: 2014\n", "budget.from_year"),
    ("budget:\n  cut: 0.25\n  response: pray\n", "budget.response"),
])
def test_bad_access_and_budget_blocks_are_one_line_exit_2_nothing_written(tmp_path, capsys, block, path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(f"extends: {ROOT / 'scenarios' / 'small.yaml'}\nname: bad\n{block}")
    out = tmp_path / "out"
    if path == "access.route":  # one through a real `python -m sim`, the rest in this process (same code)
        done = subprocess.run([sys.executable, "-m", "sim", "run", str(bad), "--out", str(out)], cwd=ROOT,
                              capture_output=True, text=True)
        status, stderr = done.returncode, done.stderr
    else:
        status, _, stderr = langerthuis_in_process(capsys, "run", bad, "--out", out)
    lines = stderr.strip().splitlines()
    assert status == 2 and len(lines) == 1, stderr
    assert f"{bad}:" in lines[0] and f" {path}: expected " in lines[0] and "Traceback" not in stderr, lines[0]
    assert not out.exists() and list(tmp_path.iterdir()) == [bad]


def test_shipped_access_scenarios_resolve():
    for name, route in (("access_neighbourhood_team", "neighbourhood_team"), ("access_intake_voucher", "intake_voucher"),
                        ("access_kitchen_table", "kitchen_table"), ("wmo_cut_25", None)):
        s = load_scenario(ROOT / "scenarios" / f"{name}.yaml")
        assert s["budget"]["cut"] == 0.25 and s.get("access", {}).get("route") == route
