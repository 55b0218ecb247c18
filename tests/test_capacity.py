"""Intramural capacity (sim/model/capacity.py): the observed path, then each rule of policy.capacity."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from sim.model import capacity as C
from sim.model.scenario import resolve_scenario

ROOT = Path(__file__).resolve().parents[1]

INITIAL = np.array([1000.0, 300.0, 60.0, 12.0, 140.0])


def config(**changes) -> dict:
    return {**resolve_scenario({"name": "x"})["policy"]["capacity"], **changes}


def inhabitants(year):
    return 100_000.0 * (1.0 + 0.01 * (year - 2010))


def path(start=2010, **changes):
    return C.CapacityPath(INITIAL, config(**changes), start, inhabitants)


def run(p, years, demand=None):
    return {y: p.places(y, demand) for y in years}


def test_the_observed_path_is_an_index_on_the_start_year():
    places = run(path(), range(2010, 2024))
    assert places[2010].tolist() == INITIAL.tolist()
    # VV: 158,000 places in 2010, about 115,000 in 2016, 125,000 in 2023 (data/capacity_nl.yaml)
    assert places[2016][0] == np.floor(1000 * 115 / 158)
    assert places[2023][0] == np.floor(1000 * 125 / 158)
    assert places[2016][0] < places[2013][0] < places[2010][0] and places[2023][0] > places[2016][0]
    # a run starting in 2013 starts from its own places
    assert path(start=2013).places(2013).tolist() == INITIAL.tolist()


def test_per_80plus_holds_vv_places_per_person_80plus_and_the_rest_per_inhabitant():
    places = run(path(rule="per_80plus"), range(2010, 2041))
    exact_2023 = INITIAL * np.array([C.observed_places(s, 2023) / C.observed_places(s, 2010) for s in C.SECTORS])
    growth_80 = C.people_80plus(2040.5) / C.people_80plus(2023.5)
    assert growth_80 > 1.4   # the 80+ grow strongly (CBS projection)
    assert places[2040][0] == np.floor(exact_2023[0] * growth_80)
    assert places[2040][1] == np.floor(exact_2023[1] * inhabitants(2040.5) / inhabitants(2023.5))


def test_fixed_explicit_and_change():
    last = path().places(2023)
    fixed = run(path(rule="fixed"), range(2010, 2041))
    assert fixed[2040].tolist() == fixed[2024].tolist() == last.tolist()
    explicit = run(path(rule="explicit", explicit={2030: 1.2, 2040: 1.5}), range(2010, 2041))
    exact = INITIAL * np.array([C.observed_places(s, 2023) / C.observed_places(s, 2010) for s in C.SECTORS])
    assert explicit[2030].tolist() == np.floor(exact * 1.2).tolist()
    assert explicit[2035].tolist() == np.floor(exact * 1.35).tolist()
    assert explicit[2026].tolist() == np.floor(exact * 1.2).tolist()   # held before the first year given
    rates = {"VV": -0.1, "VG": 0.0, "LG": 0.0, "ZG": 0.0, "GGZ": 0.1}
    change = run(path(observed_until=2012, rule="change", change_per_year=rates, change_until=2014), range(2010, 2020))
    base = INITIAL * np.array([C.observed_places(s, 2012) / C.observed_places(s, 2010) for s in C.SECTORS])
    assert change[2013][0] == np.floor(base[0] * 0.9) and change[2014][4] == np.floor(base[4] * 1.1 ** 2)
    # after change_until: VV per person 80+ held
    assert change[2019][0] == np.floor(base[0] * 0.81 * C.people_80plus(2019.5) / C.people_80plus(2014.5))


def test_follow_demand_moves_towards_demand_at_the_build_rate():
    p = path(rule="follow_demand", build_rate=0.05)
    for y in range(2010, 2024):
        last = p.places(y)
    exact = p.previous.copy()
    demand = exact * np.array([2.0, 1.01, 0.5, 1.0, 1.0])
    up = p.places(2024, demand)
    assert up[0] == np.floor(exact[0] * 1.05)               # capped by the build rate
    assert up[1] == np.floor(exact[1] * 1.01)               # reaches a demand within the rate
    assert up[2] == np.floor(exact[2] * 0.95)               # closes at most 5 % a year
    assert p.places(2025, None).tolist() == np.floor(p.previous).tolist()
    assert last.tolist() == np.floor(exact).tolist()


@pytest.mark.parametrize("rule", C.RULES)
def test_every_rule_follows_the_observed_path_first(rule):
    extra = {"explicit": {2030: 1.0}} if rule == "explicit" else {}
    a = run(path(rule=rule, **extra), range(2010, 2024), demand=INITIAL * 3)
    b = run(path(rule="fixed"), range(2010, 2024))
    assert all(a[y].tolist() == b[y].tolist() for y in a)


def test_team_capacity_follows_the_80plus_less_the_projected_shortage():
    from sim.model.neighbourhoods import team_capacity_factor
    from sim.model.parameters import make_params
    p = make_params({})
    assert team_capacity_factor(p, 2010, 2010) == 1.0
    ageing = C.people_80plus(2020.5) / C.people_80plus(2010.5)
    assert team_capacity_factor(p, 2010, 2020) == pytest.approx(ageing)          # before the shortage
    ageing = C.people_80plus(2032.5) / C.people_80plus(2010.5)
    assert team_capacity_factor(p, 2010, 2032) == pytest.approx(ageing * (1 - p.team_shortage_2032))
    mid = C.people_80plus(2027.5) / C.people_80plus(2010.5) * (1 - p.team_shortage_2032 / 2)
    assert team_capacity_factor(p, 2010, 2027) == pytest.approx(mid)
    # a run starting during the shortage starts at 1
    assert team_capacity_factor(p, 2027, 2027) == pytest.approx(1.0)
    grown = make_params({"team_capacity_growth": 0.01})
    assert team_capacity_factor(grown, 2010, 2020) == pytest.approx(
        C.people_80plus(2020.5) / C.people_80plus(2010.5) * 1.01 ** 10)


def test_providers_hire_towards_last_years_unmet_demand_at_a_limited_rate():
    from sim.model.neighbourhoods import team_extra
    path = np.array([100.0, 100.0, 100.0])
    demand = np.array([80.0, 150.0, 400.0])          # below the path, a little above, far above
    assert team_extra(0.0, path, np.zeros(3), demand).tolist() == [0.0, 0.0, 0.0]   # rate 0: the path alone
    first = team_extra(0.1, path, np.zeros(3), demand)
    assert first.tolist() == pytest.approx([0.0, 10.0, 10.0])                        # at most 10 % a year
    later = first
    for _ in range(30):
        later = team_extra(0.1, path, later, demand)
    assert later.tolist() == pytest.approx([0.0, 50.0, 300.0])                      # up to the demand, no further
    assert team_extra(0.1, path, later, np.array([80.0, 120.0, 100.0])).tolist() == pytest.approx([0.0, 20.0, 0.0])


def test_hiring_after_unmet_demand_lowers_unmet_need_and_at_rate_0_changes_nothing():
    """team_follow_demand: with too few team hours (2 per resident 65+ a month instead of 8) the formal care
    not delivered falls when providers hire after it; at rate 0 no hour is hired in any year."""
    from sim.model import LangerThuisModel, load_scenario
    from sim.model.scenario import resolve_scenario
    base = {k: v for k, v in load_scenario(ROOT / "scenarios" / "small.yaml").items()
            if not k.startswith("_") and k != "calibration"}
    base.update(end_year=2016, replicates=1)

    def model(rate):
        m = LangerThuisModel(resolve_scenario(dict(base, parameters={"team_hours_per_65plus_month": 2.0,
                                                                     "team_follow_demand": rate})), 0)
        extra = []
        while m.running:
            m.step()
            if m.month_abs % 12 == 1:
                extra.append(float(m.team_extra_c.sum()))
        return m, extra

    still, extra_still = model(0.0)
    hiring, extra_hiring = model(0.2)
    assert extra_still == [0.0] * len(extra_still) and extra_hiring[0] == 0.0 and extra_hiring[-1] > 0.0
    unmet = lambda m: m.indicators().query("indicator == 'unmet_need_share' and year >= 2014").value.mean()
    assert unmet(still) > 0.2 and unmet(hiring) < 0.7 * unmet(still), (unmet(still), unmet(hiring))


def test_the_home_care_staff_shortage_follows_the_vacancy_rate_above_2015():
    """capacity.home_care_unfilled_share (issue 25): none up to the balanced year 2015, then the open vacancies per
    1,000 jobs in care and welfare above 2015's (CBS AZW: 13, 27 in 2018, 49 in 2022) per 1,000, held after the last
    year listed, scaled by home_care_vacancy_effect (0: none)."""
    from sim.model.capacity import home_care_unfilled_share
    assert home_care_unfilled_share(2012, 1.0) == 0.0 and home_care_unfilled_share(2015, 1.0) == 0.0
    assert home_care_unfilled_share(2018, 1.0) == pytest.approx(0.014)
    assert home_care_unfilled_share(2022, 1.0) == pytest.approx(0.036)
    assert home_care_unfilled_share(2035, 1.0) == pytest.approx(0.036)
    assert home_care_unfilled_share(2022, 0.5) == pytest.approx(0.018)
    assert home_care_unfilled_share(2022, 0.0) == 0.0
