"""Who pays and who saves (sim.analysis.ledger), the economic evaluation, the break-even analysis, months at
home by survival analysis (sim.analysis.survival), effect sizes drawn from their priors and costs that
follow dose (sim.model.neighbourhoods)."""
from __future__ import annotations

import copy
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sim import cli
from sim.model.ensemble import effect_draws, effect_priors, run_parameters
from sim.model.neighbourhoods import annuity_factor, investment_cost
from sim.model.parameters import default_parameters, parameter_records
from sim.model.scenario import load_scenario, resolve_scenario
from sim.analysis import breakeven, deciding_effects, ledger
from sim.analysis.compare import Comparison, interval_kind
from sim.analysis.survival import HORIZON_MONTHS, km_curve, restricted_mean, window_spells

ROOT = Path(__file__).resolve().parents[1]
SMALL = ROOT / "scenarios" / "small.yaml"
WEST = [[x, y] for x in (0, 1) for y in range(4)]
PARTIES = ["municipality", "care_office", "care_insurer", "housing_association", "clients", "carers"]


def small(**changes) -> dict:
    return resolve_scenario(dict(load_scenario(SMALL), **changes), file=str(SMALL))


def wsg(name="wsg", **changes) -> dict:
    invs = [dict(copy.deepcopy(i), cells=WEST, area=None, start_year=2013)
            for i in load_scenario(ROOT / "scenarios" / "wsg_full.yaml")["investments"]]
    return small(name=name, areas=dict(load_scenario(SMALL)["areas"], west=WEST), investments=invs, **changes)


@pytest.fixture(scope="module")
def comparison():
    c = Comparison([small(start_year=2012, end_year=2019), wsg(start_year=2012, end_year=2019)], replicates=3,
                   progress=False).run()
    return c


# ----------------------------------------------------------------------------- survival
def test_kaplan_meier_by_hand():
    """Five spells, two censored: S(t) steps down only at event times, by the risk set then."""
    s = km_curve(entry=[0, 0, 0, 0, 0], exit=[2, 3, 3, 5, 6], event=[1, 0, 1, 1, 0], horizon=6)
    # t=2: 1 of 5 at risk ends; t=3: 1 of 4 (one censored at 3 is still at risk); t=5: 1 of 2
    expected = [1, 1, 4 / 5, 4 / 5 * 3 / 4, 4 / 5 * 3 / 4, 4 / 5 * 3 / 4 * 1 / 2, 4 / 5 * 3 / 4 * 1 / 2]
    np.testing.assert_allclose(s, expected)
    assert restricted_mean([0] * 5, [2, 3, 3, 5, 6], [1, 0, 1, 1, 0], horizon=6) == pytest.approx(sum(expected[:6]))


def test_survival_removes_the_censoring_and_truncation_bias_the_completed_mean_has():
    """Spells of exponential length (mean 100 months) starting ever more often over 50 years (an ageing
    population), seen in the last 10 years: the mean of the spells that ended in the window (capped at the
    horizon) is far below the truth (long spells have not ended yet), and a Kaplan-Meier that ignores the
    delayed entry of spells begun before the window is far above it (only their survivors are seen); the
    estimate with delayed entry and censoring recovers the true restricted mean within a month."""
    rng = np.random.default_rng(5)
    n = 40_000
    start = (600 * np.sqrt(rng.random(n))).astype(int)
    length = np.maximum(1, np.ceil(rng.exponential(100.0, n))).astype(int)
    spells = pd.DataFrame({"start": start, "end": start + length, "event": 1})
    spells.loc[spells.end > 600, ["end", "event"]] = [600, 0]       # the run stops at month 600
    w = window_spells(spells, (40, 49))                               # years 40-49: months 480-600
    true = float(np.sum([(length > t).mean() for t in range(120)]))  # E[min(length, 120)]
    km = restricted_mean(w.entry, w.exit, w.event, 120)
    no_entry = restricted_mean(np.zeros(len(w)), w.exit, w.event, 120)
    ended = spells[(spells.event == 1) & (spells.end >= 480)]
    completed_mean = np.minimum(ended.end - ended.start, 120).mean()
    assert abs(km - true) < 1.0, (km, true)
    assert no_entry > true + 5.0 and completed_mean < true - 5.0, (no_entry, completed_mean, true)


def test_tracked_spells_agree_with_the_per_cell_spell_counts(comparison):
    """TrackedModel records each spell (for survival) and counts ended spells per cell (for the maps): two
    records of the same events, so they must agree per scenario and replicate; the censored ones are the
    residents still at home with a package from the run."""
    c = comparison
    ended = c.spells[c.spells.event == 1].groupby(["scenario", "replicate"]).size()
    counted = c.cells.groupby(["scenario", "replicate"]).spells_ended.sum()
    pd.testing.assert_series_equal(ended, counted.astype(ended.dtype), check_names=False)
    assert (c.spells.groupby(["scenario", "replicate"]).event.apply(lambda e: (e == 0).sum()) > 0).all()
    # the summary's months at home are the Kaplan-Meier restricted mean (10 years) of these spells in the
    # comparison's window, averaged over the replicates
    s = c.summary()
    reported = s[s.outcome == "months_at_home_km"].set_index("scenario")["mean"]
    for scenario, spells in c.spells.groupby("scenario"):
        windows = [window_spells(r, c.window) for _, r in spells.groupby("replicate")]
        km = [restricted_mean(w.entry, w.exit, w.event, HORIZON_MONTHS) for w in windows]
        assert len(km) == 3 and reported[scenario] == pytest.approx(np.mean(km), rel=1e-12), scenario


# ----------------------------------------------------------------------------- costs follow dose
def test_capital_is_annualised_over_its_lifetime_and_cost_follows_dose():
    inv = {"type": "adapted_dwellings", "cells": [[0, 0], [0, 1]], "start_year": 2016, "number": 7,
           "cost": {"one_off_per_unit": 25000.0, "lifetime_years": 30, "yearly": 1000.0}}
    annual = 2 * 7 * 25000.0 * annuity_factor(0.04, 30)
    assert annuity_factor(0.04, 30) == pytest.approx(0.04 / (1.04 * (1 - 1.04 ** -30)))
    assert investment_cost(inv, 2015, 0.04) == {"capital": 0.0, "running": 0.0}
    assert investment_cost(inv, 2016, 0.04) == pytest.approx({"capital": annual, "running": 1000.0})
    assert investment_cost(inv, 2045, 0.04)["capital"] == pytest.approx(annual)
    assert investment_cost(inv, 2046, 0.04) == pytest.approx({"capital": 0.0, "running": 1000.0})
    # 30 annuities discounted at the same rate are worth the capital: nothing is lost or counted twice
    assert sum(annual / 1.04 ** k for k in range(30)) == pytest.approx(2 * 7 * 25000.0, rel=1e-12)
    assert investment_cost(dict(inv, number=0), 2020, 0.04) == {"capital": 0.0, "running": 0.0}
    assert investment_cost(dict(inv, number=14), 2020, 0.04)["capital"] == pytest.approx(2 * annual)


def test_the_model_books_the_investments_the_ledger_charges(comparison):
    """The model's investment indicator and the ledger's paid column come from the same dose-based,
    annualised costs: per replicate and year they agree."""
    c = comparison
    paired = c._paired_ledger()
    paid = paired.groupby(["replicate", "year"]).paid.sum()
    t = c.table[(c.table.indicator.isin(["cost_investment_per_capita", "inhabitants"])) & (c.table.scenario == "wsg")
                & (c.table.year >= c.window[0])].pivot_table(index=["replicate", "year"], columns="indicator",
                                                            values="value")
    np.testing.assert_allclose(paid.values, (t.cost_investment_per_capita * t.inhabitants).values, rtol=1e-9,
                               atol=0.01)   # euros: years without investment are 0 up to rounding


# ----------------------------------------------------------------------------- the ledger
def test_ledger_tables_have_the_agreed_shape(comparison):
    c = comparison
    lt, ls = c.ledger(), c.ledger_summary()
    assert list(lt.columns) == list(ledger.LEDGER_COLUMNS) and list(ls.columns) == list(ledger.SUMMARY_COLUMNS)
    assert list(dict.fromkeys(lt.party)) == PARTIES and list(ls.party) == PARTIES
    years = range(c.window[0], c.window[1] + 1)
    assert len(lt) == len(PARTIES) * len(years) and set(lt.scenario) == {"wsg"}
    np.testing.assert_allclose(lt.net_mean, lt.saved_mean - lt.paid_mean, atol=1e-3)   # euros
    assert (lt.replicates == 3).all() and (ls.replicates == 3).all()
    assert (lt.net_p5 <= lt.net_mean + 1e-6).all() and (lt.net_mean <= lt.net_p95 + 1e-6).all()
    # the housing association pays the dwellings and the health centre, the care insurer the on-call nurse
    paid = lt.groupby("party").paid_mean.sum()
    assert paid.housing_association > 0 and paid.care_insurer > 0 and paid.municipality > 0
    assert paid.clients == 0 and paid.carers == 0


def test_own_contributions_move_money_between_parties_but_not_for_society(comparison):
    """A transfer is not a cost: raising the residents' own contributions shifts money from clients to the
    care office (and the municipality), and leaves the societal NPV exactly where it was."""
    c = comparison

    def npvs(params):
        scen = [dict(s, parameters={**s["parameters"], **params}) for s in c.scenarios]
        paired = ledger.paired_ledger(ledger.party_spending(c.table, c.cells, scen, c.window), c.order)
        by_party = ledger.ledger_summary(paired, c.window[0]).set_index("party").npv_mean
        return by_party, ledger.society_npv(paired, c.window[0]).npv.to_numpy()

    base, soc = npvs({})
    more, soc_more = npvs({"own_contribution_wlz_month": 2000.0, "own_contribution_wmo_share": 0.5})
    assert more.clients != pytest.approx(base.clients) and more.care_office != pytest.approx(base.care_office)
    np.testing.assert_allclose(soc_more, soc, rtol=1e-9, atol=1e-3)


def test_breakeven_year_is_the_first_year_from_which_the_cumulative_net_stays_positive():
    def year(nets):
        d = pd.DataFrame({"year": range(2016, 2016 + len(nets)), "net": nets, "rate": 0.04, "replicate": 0})
        return ledger.breakeven_year(d, 2016)
    assert year([5, 1, 1]) == 2016
    assert year([-10, 2, 20, 1]) == 2018
    assert year([-10, 20, -30, 40]) == 2019    # crosses twice: the year from which it stays
    assert year([-1, -1, 0.5]) is None


def test_split_incentive_names_who_pays_and_who_gains(comparison):
    si = ledger.split_incentive(comparison.ledger_summary(), "wsg")
    npv = comparison.ledger_summary().set_index("party").npv_mean
    assert set(si["losers"]) == set(npv[npv < -1e-3 * npv.abs().max()].index)
    assert si["society"] == pytest.approx(npv.sum())


def test_evaluation_reports_unmet_need_and_carer_strain_next_to_the_gain(comparison):
    e = comparison.evaluation()
    assert {"society_npv_eur", "months_at_home_gained_discounted", "cost_per_month_at_home_gained",
            "change_unmet_need_share", "change_carers_overburdened_share",
            "change_mantelzorg_hours_per_1000"} <= set(e.outcome)
    soc = ledger.society_npv(comparison._paired_ledger(), comparison.window[0]).npv.mean()
    assert e.set_index("outcome").loc["society_npv_eur", "mean"] == pytest.approx(soc)


# ----------------------------------------------------------------------------- priors
def test_effect_sizes_are_drawn_per_replicate_from_their_priors_in_their_own_streams():
    priors = effect_priors()
    assert {"fall_rr_adapted", "hospital_signalling_reduction", "wellbeing_activities_damping",
            "carer_support_effect"} <= set(priors)
    records = parameter_records()
    for name, prior in priors.items():     # a prior lies in the parameter's range and includes its default
        assert records[name]["min"] <= prior[0] <= default_parameters()[name] <= prior[-1] <= records[name]["max"]
    a, b = effect_draws(1, 0), effect_draws(1, 1)
    assert a == effect_draws(1, 0) and a != b
    assert all(priors[n][0] <= v <= priors[n][-1] for n, v in a.items())
    # every parameter its own stream: the underlying uniforms of the uniform priors all differ
    u = [(v - priors[n][0]) / (priors[n][1] - priors[n][0]) for n, v in a.items() if len(priors[n]) == 2]
    assert len(set(np.round(u, 12))) == len(u)
    fixed = effect_draws(1, 0, fixed={"fall_rr_adapted"})
    assert "fall_rr_adapted" not in fixed and all(fixed[n] == a[n] for n in fixed)   # others do not move
    s = small(effect_priors=True, parameters={"carer_support_effect": 0.25})
    p0, p1 = run_parameters(s, 0), run_parameters(s, 1)
    assert p0["carer_support_effect"] == p1["carer_support_effect"] == 0.25   # explicit values are kept
    assert p0["fall_rr_adapted"] != p1["fall_rr_adapted"]
    assert run_parameters(small(), 0) == small()["parameters"]              # no draws without effect_priors


def test_fewer_than_ten_replicates_are_not_called_a_90_percent_interval(comparison):
    assert interval_kind(10) == "90%" and "not a 90% interval" in interval_kind(3)
    assert set(comparison.summary().interval.dropna()) == {interval_kind(3)}


# ----------------------------------------------------------------------------- break-even
def test_effect_scale_runs_from_no_effect_to_the_defaults():
    none, one = breakeven.scaled_effects(0.0), breakeven.scaled_effects(1.0)
    assert none["fall_rr_adapted"] == 1.0 and none["hospital_signalling_reduction"] == 0.0
    assert one == {k: default_parameters()[k] for k in one}
    t = pd.DataFrame({"scenario": "s", "party": ["a"] * 3 + ["b"] * 3 + ["c"] * 3, "scale": [0, 1, 2] * 3,
                      "npv_mean": [-10, -2, 6, 1, 2, 3, -5, -4, -3]})
    k = breakeven.breakeven_scales(t).set_index("party").breakeven_scale
    assert k["a"] == pytest.approx(1.25) and k["b"] == 0.0 and np.isnan(k["c"])


def test_an_effect_decides_when_the_societal_npv_changes_sign_across_its_prior():
    rows = []
    for effect, values, npv in (("a", (0.0, 0.8, 1.6), (-5.0, 2.0, 4.0)), ("b", (0.0, 1.0, 2.0), (1.0, 2.0, 3.0)),
                                ("c", (0.5, 0.7, 0.9), (3.0, -1.0, -2.0))):
        for level, v, y in zip(deciding_effects.LEVELS, values, npv):
            rows += [("s", effect, level, v, "society", y, y, y, 2), ("s", effect, level, v, "carers", -y, 0, 0, 2)]
    d = deciding_effects.deciding(pd.DataFrame(rows, columns=list(deciding_effects.COLUMNS))).set_index("effect")
    assert list(d.index) == ["a", "c", "b"]                          # largest swing first: 9, 5, 2
    assert d.decides.to_dict() == {"a": True, "c": True, "b": False}
    assert d.loc["a", "breakeven_value"] == pytest.approx(0.8 * 5 / 7)
    assert d.loc["c", "breakeven_value"] == pytest.approx(0.5 + 0.2 * 3 / 4) and np.isnan(d.loc["b", "breakeven_value"])
    assert d.loc["a", "swing"] == 9.0 and d.loc["a", "npv_default"] == 2.0


def test_one_uncertain_effect_alone_at_the_ends_of_its_prior():
    """Carer support at the low end of its prior (no effect) and at the high end: the default level is the
    fixed-effects comparison itself, and at the high end supported carers hold out longer and give more hours,
    which the ledger books as the carers' cost (hours at the shadow price): their NPV is lower. Without the
    secondary helpers' relief (helper_relief 0: the main carer alone, as before the care network), so that in
    this short window carers do reach the strain at which support keeps them from breaking down."""
    alone = dict(load_scenario(SMALL)["parameters"], helper_relief=0.0)
    runs = [small(start_year=2012, end_year=2016, parameters=alone),
            wsg(start_year=2012, end_year=2016, parameters=alone)]
    lo, default, hi = deciding_effects.uncertain_effects()["carer_support_effect"]
    assert lo == 0.0 and hi > default > lo
    t = deciding_effects.run(runs, 2, (2013, 2016), effects=["carer_support_effect"])
    assert set(t.level) == set(deciding_effects.LEVELS) and set(t.party) == set(PARTIES) | {"society"}
    fixed = Comparison([dict(s, effect_priors=False) for s in runs], replicates=2, window=(2013, 2016),
                       effect_priors=False).run()
    want = ledger.ledger_summary(fixed._paired_ledger(), 2013).set_index("party").npv_mean
    got = t[t.level == "default"].set_index("party").npv_mean
    np.testing.assert_allclose(got[PARTIES].to_numpy(), want[PARTIES].to_numpy())
    carers = t[t.party == "carers"].set_index("level").npv_mean
    assert carers["high"] < carers["low"] < 0
    with pytest.raises(ValueError, match="tariff_nursing_hour"):
        deciding_effects.run(runs, 1, (2013, 2016), effects=["tariff_nursing_hour"])


# ----------------------------------------------------------------------------- the command line
def test_compare_writes_the_ledger_the_evaluation_and_the_breakeven(tmp_path, capsys, monkeypatch):
    every = deciding_effects.uncertain_effects()
    two = {k: every[k] for k in ("carer_support_effect", "decline_unmet")}    # the plumbing, with two of them
    monkeypatch.setattr(deciding_effects, "assumptions", lambda window: two)
    a = tmp_path / "a.yaml"
    a.write_text(f"extends: {SMALL}\nname: a\nend_year: 2014\n")
    b = tmp_path / "b.yaml"
    b.write_text(f"extends: {SMALL}\nname: b\nend_year: 2014\ninvestments:\n"
                 "  - {type: care_on_call, cells: centrum, start_year: 2012,"
                 " cost: {yearly: 1000, payer: care_insurer, source: 'assumption: test'}}\n"
                 "  - {type: adapted_dwellings, cells: centrum, start_year: 2012, number: 3,"
                 " cost: {one_off_per_unit: 20000, lifetime_years: 30, payer: housing_association,"
                 " source: 'assumption: test'}}\n")
    out = tmp_path / "out"
    assert cli.main(["compare", str(a), str(b), "--out", str(out), "--replicates", "2", "--breakeven",
                     "--breakeven-replicates", "1", "--lang", "nl", "--no-progress"]) == 0
    assert "not 90 % intervals" in capsys.readouterr().err
    names = {p.name for p in out.iterdir()}
    assert {"ledger.csv", "ledger_summary.csv", "evaluation.csv", "ledger.png", "breakeven.csv",
            "breakeven_scales.csv", "breakeven.png", "deciding_effects.csv", "deciding_effects.png"} <= names
    d = pd.read_csv(out / "deciding_effects.csv")
    assert set(d.effect) == set(two) and (d.replicates == 1).all() and len(d) == 2
    lt, ls = pd.read_csv(out / "ledger.csv"), pd.read_csv(out / "ledger_summary.csv")
    assert list(lt.columns) == list(ledger.LEDGER_COLUMNS) and list(ls.party) == PARTIES
    be = pd.read_csv(out / "breakeven.csv")
    assert set(be.scale) == set(breakeven.SCALES) and set(be.party) == set(PARTIES) | {"society"}
    md = (out / "comparison.md").read_text()
    assert "Wie betaalt en wie bespaart" in md and "Gesplitste prikkel" in md and "woningcorporatie" in md
    assert "Welk onzeker effect beslist de uitkomst" in md and "`carer_support_effect`" in md
    assert "figures" in json.loads((out / "manifest.json").read_text())
    from sim.workshop.report import build_html
    html = build_html(out)
    assert "id='ledger'" in html and "Gesplitste prikkel" in html and "terugverdienjaar" in html
    assert "Welk onzeker effect beslist de uitkomst" in html and "deciding_effects" in html
