"""The Mesa reference (one agent per resident, plain Python) against the Numba kernel: bit-identical."""
from __future__ import annotations

import copy

import numpy as np
import pandas as pd
import pytest
from numba.core.dispatcher import Dispatcher

from sim.model.engines import kernel as K
from sim.model.model import LangerThuisModel
from sim.model.state import DEAD, STATE
from sim.model.engines.reference import Resident, pure
from sim.model.model import ReferenceModel

COST = {"one_off": 0, "yearly": 1000, "payer": "municipality", "source": "assumption: test"}
BASE = dict(
    name="reference-test", seed=1, replicates=1, start_year=2010, end_year=2016,
    municipality=dict(profile="nl", inhabitants=10000, grid=dict(width=4, height=4), heterogeneity=0.5),
    # the observed capacity path to 2013, then follow_demand (the waiting list sets the places)
    policy=dict(schedule="enacted", capacity=dict(observed_until=2013, rule="follow_demand", build_rate=0.05,
                                                  change_per_year=dict.fromkeys(("VV", "VG", "LG", "ZG", "GGZ"), 0.0),
                                                  change_until=2100, explicit={})),
    parameters={}, areas={}, investments=[],
)
INVESTMENTS = [
    {"type": "care_on_call", "cells": [[0, 0], [0, 1]], "start_year": 2011, "response_minutes": 10, "cost": COST},
    {"type": "adapted_dwellings", "cells": [[1, 1]], "start_year": 2011, "number": 20, "kind": "step_free", "cost": COST},
    {"type": "adapted_dwellings", "cells": [[2, 2]], "start_year": 2012, "number": 5, "kind": "wheelchair", "cost": COST},
    # more moves, so that pass C's stock bookkeeping is exercised in earnest
    {"type": "housing_broker", "cells": [[1, 1], [2, 2], [3, 3]], "start_year": 2011, "moves_multiplier": 25, "cost": COST},
    {"type": "meeting_place", "cells": [[1, 1]], "start_year": 2012, "cost": COST},
    {"type": "respite_places", "cells": [[0, 0]], "start_year": 2013, "places": 2, "cost": COST},
    {"type": "carer_support", "cells": [[0, 1]], "start_year": 2013, "strain_relief": 0.3, "cost": COST},
    {"type": "home_adaptation_programme", "cells": [[3, 0]], "start_year": 2012, "uptake_per_year": 0.1, "cost": COST},
]
FIELDS = [name for name, _ in STATE]


def scenario(**changes) -> dict:
    sc = copy.deepcopy(BASE)
    sc.update(changes)
    return sc


def first_difference(kernel: LangerThuisModel, ref: ReferenceModel) -> str | None:
    """Where the two engines differ after a step (None when they agree): resident fields, month totals,
    neighbourhood totals, the free adapted dwellings."""
    for name, a, b in zip(FIELDS, kernel.state(), ref.state()):
        if a.dtype != b.dtype or a.shape != b.shape:
            return f"field {name}: kernel {a.dtype}{a.shape}, reference {b.dtype}{b.shape}"
        if not np.array_equal(a, b):
            i = int(np.flatnonzero(a != b)[0])
            return f"field {name} of pid {int(kernel.state()[0][i])}: kernel {a[i]!r}, reference {b[i]!r}"
    tk, tr = getattr(kernel, "last_month_totals", None), getattr(ref, "last_month_totals", None)
    if (tk is None) != (tr is None) or (tk is not None and not np.array_equal(tk, tr)):
        j = np.flatnonzero(tk != tr)
        return "month totals " + ", ".join(f"{K.ACC_NAMES[x]} {tk[x]} != {tr[x]}" for x in j)
    if not np.array_equal(kernel.cell_totals, ref.cell_totals):
        return "neighbourhood totals"
    if not np.array_equal(kernel.hood.stock, ref.hood.stock):
        return f"stock of adapted dwellings: kernel {kernel.hood.stock.tolist()}, reference {ref.hood.stock.tolist()}"
    return None


def run_both(sc: dict) -> tuple[LangerThuisModel, ReferenceModel]:
    """Both engines month by month, compared after every month (the message names the first difference)."""
    kernel, ref = LangerThuisModel(sc), ReferenceModel(sc)
    assert first_difference(kernel, ref) is None
    while kernel.running:
        kernel.step()
        ref.step()
        diff = first_difference(kernel, ref)
        assert diff is None, f"month {kernel.month_abs - 1} ({divmod(kernel.month_abs - 1, 12)}): {diff}"
    assert not ref.running
    assert kernel.count_alive() == ref.count_alive()
    return kernel, ref


def assert_same_indicators(kernel, ref):
    a, b = kernel.indicators(), ref.indicators()
    assert len(a) > 0
    pd.testing.assert_frame_equal(a, b, check_exact=True)
    for year in kernel.cell_records:
        np.testing.assert_array_equal(kernel.cell_records[year], ref.cell_records[year])


@pytest.mark.parametrize("seed", [1, 2])
def test_reference_equals_kernel(seed):
    kernel, ref = run_both(scenario(seed=seed))
    assert_same_indicators(kernel, ref)
    # the final residents, field by field (kernel arrays vs the reference's agents, pid order)
    agents = ref.resident_list
    for name, _ in STATE:
        np.testing.assert_array_equal(kernel.residents.view(name), np.array([getattr(r, name) for r in agents]),
                                      err_msg=name)
    # the run reached the reform years and the rules did something there
    df = kernel.indicators()
    assert set(df["year"]) == set(range(2010, 2017))
    adm = df[df["indicator"] == "intramural_admissions_per_1000"]["value"]
    assert adm.sum() > 0


def test_reference_equals_kernel_with_investments():
    kernel, ref = run_both(scenario(seed=3, investments=INVESTMENTS))
    assert_same_indicators(kernel, ref)
    df = ref.indicators()
    moved = df[df["indicator"] == "moved_to_adapted_dwelling_per_1000"]["value"]
    assert moved.sum() > 0     # moves (and the stock they use) were exercised
    stock_units = sum(1 for r in ref.resident_list if r.flags & K.STOCK_UNIT)
    assert stock_units > 0


@pytest.mark.parametrize("access, budget", [
    ({"route": "neighbourhood_team", "team_mandate": True}, {"cut": 0.25}),
    ({"route": "kitchen_table", "intake_per_1000_month": 0.3}, {"cut": 0.3, "response": "stricter_access"}),
])
def test_reference_equals_kernel_with_an_access_route_and_a_budget(access, budget):
    """Issue 14: the route's states, the intake's ratio and a binding Wmo budget, identical in both engines."""
    from sim.model.scenario import resolve_scenario
    sc = resolve_scenario(scenario(seed=5, start_year=2013, end_year=2016, access=access, budget=budget,
                                   municipality=dict(BASE["municipality"], inhabitants=3000)))
    kernel, ref = run_both(sc)
    assert_same_indicators(kernel, ref)
    df = kernel.indicators().pivot(index="indicator", columns="year", values="value")
    assert df.loc["wmo_support_starts_per_1000", 2016] > 0 and df.loc["wmo_budget_per_capita", 2016] > 0
    assert df.loc["unmet_need_share", 2016] > df.loc["unmet_need_share", 2014]   # the budget bound


def test_reference_equals_kernel_without_reform():
    kernel, ref = run_both(scenario(seed=4, end_year=2012, policy=dict(BASE["policy"], schedule="none")))
    assert_same_indicators(kernel, ref)


def test_one_agent_per_living_resident():
    model = ReferenceModel(scenario(end_year=2011))
    for _ in range(18):   # into the second year: a compaction and deaths on both sides of it
        model.step()
        living = [r for r in model.resident_list if r.residence != DEAD]
        agents = model.agents_by_type[Resident]
        assert len(model.agents) == len(agents) == len(living)
        assert set(agents) == set(living)
        pids = [r.pid for r in model.resident_list]
        assert pids == sorted(pids)
        alive, dead = model.count_alive()
        assert alive == len(living)
        assert alive + dead == model.people_in
    assert model.engine.dead_removed > 0


def test_reference_runs_no_compiled_rules():
    """The reference's rules are the Python originals, and so are the rules they call."""
    import sim.model.engines.reference as R

    for name in ("decline_month", "care_demand_week", "indication_month", "wellbeing_month", "network_month"):
        fn = getattr(R, name)
        assert not isinstance(fn, Dispatcher)
        assert not any(isinstance(v, Dispatcher) for v in fn.__globals__.values()), name
    from sim.model.mechanisms.common import clip01
    assert pure(clip01)(1.5) == 1.0 and pure(clip01) is pure(clip01)
