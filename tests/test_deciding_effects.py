"""The deciding-effects scan over every assumption on the NPV channel (sim.analysis.deciding_effects): effects with
a prior, numbers with a stated ``scan`` range, the investment costs and the horizon, each at the ends of its range,
with its footing (source, assumption, set)."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sim.model.parameters import default_parameters, parameter_records
from sim.model.scenario import load_scenario, resolve_scenario
from sim.analysis import deciding_effects as de

ROOT = Path(__file__).resolve().parents[1]
SMALL = ROOT / "scenarios" / "small.yaml"


def test_the_scan_covers_priors_stated_ranges_costs_and_the_horizon():
    table = de.assumptions((2016, 2040))
    assert set(de.uncertain_effects()) < set(table)
    defaults = default_parameters()
    assert table["carer_new_month"] == (0.005, defaults["carer_new_month"], 0.02)
    assert table["discount_rate_costs"] == (0.0, 0.04, 0.06)
    assert table[de.COST] == (0.5, 1.0, 2.0) and table[de.HORIZON] == (2030.0, 2040.0, 2040.0)
    assert de.HORIZON not in de.assumptions((2013, 2016))          # a window that ends before 2030 has no horizon row
    # every effect without a source on the NPV channel that the issue named has a prior or a scan range
    for name in ("decline_network", "network_meeting_gain", "carer_new_month", "crisis_if_late"):
        assert name in table, name
    # a prior that includes no effect for the unsourced effects given one here
    records = parameter_records()
    for name in ("decline_network", "crisis_if_late", "indication_signalling"):
        assert records[name]["prior"][0] == records[name].get("no_effect", 0.0), name
    assert (de.basis("decline_network"), de.basis("carer_new_month"), de.basis(de.COST)) == (
        "source", "assumption", "set")


def test_investment_costs_scale_and_nothing_else_does():
    s = {"name": "x", "investments": [
        {"type": "a", "cost": {"one_off_per_unit": 25000, "lifetime_years": 30, "payer": "municipality", "source": "s"}},
        {"type": "b", "cost": {"one_off": 100, "yearly": 60, "yearly_per_unit": 7, "payer": "care_insurer"}},
        {"type": "c"}]}
    twice = de.scaled_costs(s, 2.0)
    assert twice["investments"][0]["cost"] == {"one_off_per_unit": 50000, "lifetime_years": 30,
                                               "payer": "municipality", "source": "s"}
    assert twice["investments"][1]["cost"] == {"one_off": 200, "yearly": 120, "yearly_per_unit": 14,
                                               "payer": "care_insurer"}
    assert twice["investments"][2] == {"type": "c"} and s["investments"][0]["cost"]["one_off_per_unit"] == 25000


def test_a_horizon_and_a_cost_row_decide_like_an_effect():
    """Synthetic: the horizon's low end is 2030, its default and high end the window's end; the NPV negative to
    2030 and positive to 2040 decides, crossing at 2030 + 10 x 1/6; the cost row's footing is 'set'."""
    rows = []
    for name, values, npv in ((de.HORIZON, (2030.0, 2040.0, 2040.0), (-1.0, 5.0, 5.0)),
                              (de.COST, (0.5, 1.0, 2.0), (8.0, 5.0, 1.0)),
                              ("carer_new_month", (0.005, 0.01, 0.02), (4.0, 5.0, 7.0))):
        for level, v, y in zip(de.LEVELS, values, npv):
            rows.append(("s", name, level, v, "society", y, y, y, 2))
    d = de.deciding(pd.DataFrame(rows, columns=list(de.COLUMNS))).set_index("effect")
    assert list(d.columns) == list(de.DECIDING_COLUMNS)[:1] + list(de.DECIDING_COLUMNS)[2:]
    assert d.decides.to_dict() == {de.HORIZON: True, de.COST: False, "carer_new_month": False}
    assert d.loc[de.HORIZON, "breakeven_value"] == pytest.approx(2030 + 10 / 6)
    assert d.basis.to_dict() == {de.HORIZON: "set", de.COST: "set", "carer_new_month": "assumption"}


def test_costs_horizon_and_discount_rate_move_the_npv_in_a_small_run(monkeypatch):
    """small.yaml with and without a priced meeting place, 2013-2016 (the horizon's low end moved to 2014 for
    the test): twice the costs lower every party's NPV that pays them and the societal NPV, half raise it; the
    horizon and the discount rate change the societal NPV."""
    monkeypatch.setattr(de, "HORIZON_LOW", 2014)
    cells = [[0, 0], [0, 1], [1, 0], [1, 1]]
    inv = {"type": "meeting_place", "cells": cells, "start_year": 2012,
           "cost": {"one_off": 37000, "lifetime_years": 10, "yearly": 60000, "payer": "municipality",
                    "source": "assumption: test"}}
    base = resolve_scenario(dict(load_scenario(SMALL), start_year=2012, end_year=2016), file=str(SMALL))
    variant = resolve_scenario(dict(load_scenario(SMALL), name="mp", start_year=2012, end_year=2016,
                                    investments=[inv]), file=str(SMALL))
    t = de.run([base, variant], 1, (2013, 2016), effects=[de.COST, de.HORIZON, "discount_rate_costs"])
    soc = t[t.party == "society"].set_index(["effect", "level"]).npv_mean
    assert soc[(de.COST, "high")] < soc[(de.COST, "default")] < soc[(de.COST, "low")]
    mun = t[t.party == "municipality"].set_index(["effect", "level"]).npv_mean
    assert mun[(de.COST, "high")] < mun[(de.COST, "default")] < mun[(de.COST, "low")]
    assert soc[(de.HORIZON, "low")] != soc[(de.HORIZON, "default")] == soc[(de.HORIZON, "high")]
    assert soc[("discount_rate_costs", "low")] != soc[("discount_rate_costs", "high")]
    d = de.deciding(t).set_index("effect")
    assert set(d.index) == {de.COST, de.HORIZON, "discount_rate_costs"}
    assert d.loc["discount_rate_costs", "basis"] == "source" and np.isfinite(d.swing).all()
