"""The seeds' findings on woonservicegebieden (DOMAIN.md §3, §5), each next to the run with its mechanism
switched off, and the building blocks at zero dose.

Every test runs scenarios derived from scenarios/small.yaml (20,000 inhabitants, 4 x 4 grid, 2012-2026,
summaries over 2016-2026) with paired replicates and fixed effect sizes (no prior draws, so that a changed
default is a changed run). A finding's test asserts (1) the effect with the model's defaults and (2) that it
is gone, or strictly smaller, with the mechanism's effect parameter at its no-effect value in both arms:
a mutation that removes the mechanism makes the two runs identical, and the test fails.
"""
from __future__ import annotations

import copy
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sim.model.blocks import BLOCKS, block, block_key, priced_investment
from sim.model.mechanisms.common import need_score_array
from sim.model.scenario import load_scenario, resolve_scenario
from sim.analysis.breakeven import scaled_effects
from sim.analysis.compare import Comparison
from sim.analysis.runner import run_model, run_scenario

ROOT = Path(__file__).resolve().parents[1]
SMALL = ROOT / "scenarios" / "small.yaml"
WEST = [[x, y] for x in (0, 1) for y in range(4)]   # half the grid
ALL = [[x, y] for x in range(4) for y in range(4)]
AREAS = dict(load_scenario(SMALL)["areas"], west=WEST)
YEARS, WINDOW, REPS = (2012, 2026), (2016, 2026), 4


def small(**changes) -> dict:
    """small.yaml with ``changes``; intramural places per 80+ held after the observed years in every arm (an
    exogenous path): the default follow_demand builds places for each arm's own waiting list, a second
    channel whose noise would blur the effects asserted here."""
    s = dict(load_scenario(SMALL), **changes)
    s["policy"] = {**s["policy"], "capacity": {**s["policy"]["capacity"], "rule": "per_80plus"}}
    return resolve_scenario({k: v for k, v in s.items() if not k.startswith("_")}, file=str(SMALL))


def wsg_investments(types=None, cells=WEST, start_year=2013, **dose) -> list[dict]:
    """wsg_full.yaml's investments (or only ``types``) in ``cells``; ``dose``: type -> value of its dose key."""
    out = []
    for inv in load_scenario(ROOT / "scenarios" / "wsg_full.yaml")["investments"]:
        if types is None or inv["type"] in types:
            inv = dict(copy.deepcopy(inv), cells=cells, area=None, start_year=start_year)
            if inv["type"] in dose:
                inv[block(inv["type"]).dose] = dose[inv["type"]]
            out.append(inv)
    return out


def paired(investments, parameters=None, reps=REPS) -> Comparison:
    """base and ``with`` (the investments), both with ``parameters``, paired, fixed effect sizes."""
    p = parameters or {}
    base = small(name="base", start_year=YEARS[0], end_year=YEARS[1], areas=AREAS, parameters=p)
    variant = small(name="with", start_year=YEARS[0], end_year=YEARS[1], areas=AREAS, parameters=p,
                    investments=investments)
    return Comparison([base, variant], replicates=reps, window=WINDOW, progress=False, effect_priors=False).run()


def effect(c: Comparison, outcome: str, area=None) -> pd.Series:
    """The paired difference (with - base) of ``outcome`` over the window: mean, diff_p5, diff_p95."""
    table = c.summary() if area is None else c.area(area)
    return table[(table.scenario == "with") & (table.outcome == outcome)].iloc[0]


def yearly_effect(c: Comparison, indicator: str) -> np.ndarray:
    """Per replicate: the window mean of (with - base) of a yearly indicator."""
    t = c.table[(c.table.indicator == indicator) & (c.table.year >= WINDOW[0])]
    w = t.groupby(["scenario", "replicate"]).value.mean().unstack(0)
    return (w["with"] - w["base"]).to_numpy()


# ----------------------------------------------------------------------------- zero dose
# every registered type with a dose (sim/model/blocks.py) at its no-effect value: a new type is in by registering
ZERO = {b.type: int(b.no_effect) if block_key(b, b.dose).kind == "int" else b.no_effect
        for b in BLOCKS if b.dose is not None}


def dosed_investments(cells, start_year, **dose) -> list[dict]:
    """Every dosed type in ``cells``: wsg_full.yaml's investment (its per-unit and fixed costs) where it has one,
    else the registry's, priced as declared; at the dose in ``dose`` (type -> value), else wsg_full's/typical."""
    shipped = {inv["type"]: inv for inv in wsg_investments(set(ZERO), cells, start_year)}
    out = []
    for kind in ZERO:
        b = block(kind)
        inv = shipped.get(kind) or priced_investment(b, cells, len(cells), start_year, "assumption: test")
        out.append(dict(inv, **{b.dose: dose[kind]}) if kind in dose else inv)
    return out


def test_every_building_block_at_zero_dose_gives_results_identical_to_its_parent():
    """Every registered dosed investment type (wsg_full's with their per-unit and fixed costs) at zero dose on
    every cell: every indicator in every year, every replicate, is identical to small.yaml's, cost included. The
    same investments at their shipped dose do change the results (so the identity is not vacuous)."""
    parent = small(end_year=2016)
    zero = small(name="zero", end_year=2016, investments=dosed_investments(ALL, 2011, **ZERO))
    dosed = small(name="dosed", end_year=2016, investments=dosed_investments(ALL, 2011))
    assert len(zero["investments"]) == len(ZERO) >= 7
    for r in range(2):
        a, z, d = (run_scenario(s, r).drop(columns="scenario").reset_index(drop=True) for s in (parent, zero, dosed))
        pd.testing.assert_frame_equal(a, z, check_exact=True)
        changed = a.merge(d, on=["replicate", "year", "indicator"]).query("value_x != value_y").indicator
        assert {"cost_investment_per_capita", "falls_per_1000_65plus", "moved_to_adapted_dwelling_per_1000",
                "carers_overburdened_share"} <= set(changed)


def test_zero_dose_leaves_every_layer_and_the_map_as_they_were():
    """The layers of a zero-dose scenario are the parent's in every year (the map's woonservicegebied marks
    too), and each dosed type's own rule leaves the layers unchanged at zero dose even when applied."""
    from sim.model.neighbourhoods import LAYERS, Neighbourhoods
    from sim.model.parameters import make_params
    p = make_params()
    parent = small(end_year=2016)
    zero = small(name="zero", end_year=2016, investments=dosed_investments(ALL, 2011, **ZERO))
    a, z = Neighbourhoods(parent, p), Neighbourhoods(zero, p)
    for year in (2011, 2016):
        a.set_year(year), z.set_year(year)
        for name in LAYERS:
            np.testing.assert_array_equal(a.layer(name), z.layer(name), err_msg=f"{name} {year}")
    assert (z.layer("wsg") == 0).all()
    for inv in zero["investments"]:
        layers = {k: np.array(v, copy=True) for k, v in a._base.items()}
        before = {k: v.copy() for k, v in layers.items()}
        block(inv["type"]).rule(inv, layers, np.arange(a.n_cells), p)
        for name in layers:
            np.testing.assert_array_equal(layers[name], before[name], err_msg=f"{inv['type']}: {name}")


# ----------------------------------------------------------------------------- the findings
def test_signalling_means_fewer_hospital_admissions_and_none_without_its_effect():
    """de Kam 2012: fewer hospital admissions. Housing-association visits and the neighbourhood team (half the
    grid) lower admissions per 1,000 65+ municipality-wide; with hospital_signalling_reduction = 0 the
    difference is (nearly) gone: what remains comes through adaptations the visits bring (fewer falls)."""
    types = {"neighbourhood_team_signalling", "housing_association_signalling"}
    on = effect(paired(wsg_investments(types)), "hospital_admissions_per_1000_65plus")
    off = effect(paired(wsg_investments(types), {"hospital_signalling_reduction": 0.0}),
                 "hospital_admissions_per_1000_65plus")
    assert on.diff_p95 < 0
    assert abs(off.diff_mean) < 0.2 * abs(on.diff_mean), (on.diff_mean, off.diff_mean)


def test_care_on_call_prevents_crises_and_their_hospital_stays():
    """Care on call within 10 minutes (half the grid) answers alarms in time, so fewer late answers become a
    crisis with a hospital stay; when a late answer never becomes a crisis (crisis_if_late = 0) the
    investment changes hospital admissions not at all."""
    types = {"care_on_call"}
    c = paired(wsg_investments(types))
    assert np.percentile(yearly_effect(c, "alarm_response_within_target_share"), 5) > 0
    on = effect(c, "hospital_admissions_per_1000_65plus")
    off = effect(paired(wsg_investments(types), {"crisis_if_late": 0.0}), "hospital_admissions_per_1000_65plus")
    assert on.diff_p95 < 0
    assert off.diff_mean == 0 and off.diff_p5 == 0


def test_activities_damp_the_loss_of_wellbeing_as_limitations_grow():
    """de Kam 2012, damping: where a meeting place runs activities, residents 65+ at home lose less well-being
    per unit of need (the slope of well-being on need is less negative). With wellbeing_activities_damping = 0
    the slope changes less than a half as much (what remains is the meeting place's network gain)."""
    on = effect(paired(wsg_investments({"meeting_place"})), "wellbeing_need_slope", area="west")
    off = effect(paired(wsg_investments({"meeting_place"}), {"wellbeing_activities_damping": 0.0}),
                 "wellbeing_need_slope", area="west")
    assert on["mean"] < 0 and on.diff_p5 > 0
    assert off.diff_mean < 0.5 * on.diff_mean, (on.diff_mean, off.diff_mean)


def test_home_adaptations_lower_falls_and_home_care_and_neither_without_their_effects():
    """Cochrane CD013258 (falls), de Kam 2012 and Carnemolla & Bridge 2019 (home care): a home-adaptation
    programme with advice on every cell lowers falls per 1,000 65+ and the formal care residents 65+ need
    (hours needed per resident: the care use, whatever the teams can deliver). With the fall rate ratios at 1
    the fall effect is gone; with decline_dwelling_adapted = 0 the effect on care needed is smaller; with
    both off little of it remains."""
    types = {"home_adaptation_programme", "adaptation_advice"}
    on = paired(wsg_investments(types, ALL))
    no_rr = {"fall_rr_adapted": 1.0, "fall_rr_adapted_high_risk": 1.0}
    off_falls = paired(wsg_investments(types, ALL), no_rr)
    off_decline = paired(wsg_investments(types, ALL), {"decline_dwelling_adapted": 0.0})
    off_both = paired(wsg_investments(types, ALL), {**no_rr, "decline_dwelling_adapted": 0.0})
    assert np.percentile(yearly_effect(on, "home_adaptations_per_1000"), 5) > 0
    falls = effect(on, "falls_per_1000_65plus")
    assert falls.diff_p95 < 0
    assert abs(effect(off_falls, "falls_per_1000_65plus").diff_mean) < 0.1 * abs(falls.diff_mean)
    care = {name: effect(c, "hours_needed_per_65plus", area=ALL)
            for name, c in (("on", on), ("decline off", off_decline), ("both off", off_both))}
    assert care["on"].diff_p95 < 0
    assert care["decline off"].diff_mean > care["on"].diff_mean, {k: v.diff_mean for k, v in care.items()}
    assert abs(care["both off"].diff_mean) < 0.33 * abs(care["on"].diff_mean), {k: v.diff_mean for k, v in care.items()}


def test_carer_support_and_respite_relieve_carers_and_nothing_without_their_effects():
    """Carer support and respite places (half the grid) lower the share of overburdened carers and carer
    breakdowns, each of the two on its own too; with carer_support_effect = 0 and respite_access_per_place = 0
    nothing changes at all."""
    types = {"carer_support", "respite_places"}
    on = paired(wsg_investments(types))
    off = paired(wsg_investments(types), {"carer_support_effect": 0.0, "respite_access_per_place": 0.0})
    for outcome in ("carers_overburdened_share", "carer_breakdowns_per_1000"):
        assert effect(on, outcome).diff_p95 < 0
        assert effect(off, outcome).diff_mean == 0
    support_only = paired(wsg_investments(types), {"respite_access_per_place": 0.0})
    assert effect(support_only, "carers_overburdened_share").diff_p95 < 0    # carer support on its own
    respite_only = paired(wsg_investments(types), {"carer_support_effect": 0.0})
    assert effect(respite_only, "carers_overburdened_share").diff_p95 < 0    # respite on its own


def test_woonservicegebied_longer_at_home_and_less_so_without_its_uncertain_effects():
    """de Kam 2012: people live independently longer. Inside the area the Kaplan-Meier restricted mean months
    at home after a first package rise with the full package (6 replicates: the 90 % interval is above 0).
    With every uncertain effect at its no-effect value (sim.analysis.breakeven.scaled_effects(0)) what the
    package buys mechanically (care hours, alarm follow-up, respite access, moves) remains, and at least a
    quarter of the gain is gone (measured: about 60 % gone on the i13 baseline, 35 % on the i12 baseline)."""
    on = effect(paired(wsg_investments(), reps=6), "months_at_home_km", area="west")
    off = effect(paired(wsg_investments(), scaled_effects(0.0), reps=6), "months_at_home_km", area="west")
    assert on.diff_p5 > 0, on
    assert off.diff_mean < 0.75 * on.diff_mean, (on.diff_mean, off.diff_mean)


# ----------------------------------------------------------------------------- income and informal care
def _informal_by_income(parameters) -> pd.DataFrame:
    """Residents 65+ at home with a carer and a care need after a baseline run to 2016: the informal hours
    their carers gave (simulated: caps, breakdowns, new carers) by need quartile and income group."""
    model = run_model(small(end_year=2016, parameters=parameters), 0)
    r = model.residents
    need = need_score_array(r.view("phys"), r.view("cog"))
    keep = ((r.view("residence") == 0) & (r.view("age_months") >= 65 * 12) & (r.view("carer") > 0)
            & (need > model.params.care_need_s0))
    d = pd.DataFrame({"need": need[keep], "ses": r.view("ses")[keep], "informal": r.view("carer_hours")[keep]})
    return d.assign(q=pd.qcut(d.need, 4, labels=False)).groupby(["q", "ses"]).informal.mean().unstack("ses")


def test_higher_incomes_get_fewer_informal_hours_and_not_without_the_income_effect():
    """de Kam 2012: older people with higher incomes use less informal care. Within need quartiles, carers of
    residents in the top income group give fewer hours than those of the bottom group; with
    informal_income_effect = 0 the gap shrinks to less than a quarter."""
    on, off = _informal_by_income({}), _informal_by_income({"informal_income_effect": 0.0})
    gap_on, gap_off = (on[2] - on[0]).mean(), (off[2] - off[0]).mean()
    assert (on[2] < on[0]).sum() >= 3 and gap_on < 0
    assert abs(gap_off) < 0.25 * abs(gap_on), (gap_on, gap_off)
