"""Studies E3 (a VV3 client at home) and E4 (what drives the answers), issue 16: their quick modes, the cohort
hook they rest on, the mechanism behind E3's differences and a known answer for E4's indices."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sim.errors import ScenarioError
from sim.model.scenario import load_scenario, resolve_scenario
from sim.model.state import HOME

ROOT = __import__("pathlib").Path(__file__).resolve().parents[1]


def write_output(out, folder):
    """A tiny stand-in for the study writer (the framework's job): summary, figures, tables."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "summary.md").write_text(out.summary, encoding="utf-8")
    for stem, fig in out.figures.items():
        fig.savefig(folder / f"{stem}.png", dpi=60)
    for stem, table in out.tables.items():
        table.to_csv(folder / f"{stem}.csv", index=False)
    return sorted(p.name for p in folder.iterdir())


def _check_study(out, figures, tables, columns):
    assert out.main_figure in out.figures and set(figures) <= set(out.figures)
    assert set(tables) <= set(out.tables)
    for stem, cols in columns.items():
        assert set(cols) <= set(out.tables[stem].columns), stem
    for heading in ("## Question", "## Design", "## Results", "## Limitations"):   # the sections every study has
        assert f"\n{heading}\n" in f"\n{out.summary}", heading
    assert "90 %" in out.summary and out.conclusion and out.seeds and out.replicates and out.scenarios


# ------------------------------------------------------------------ the cohort hook (sim/model/population.py)
def cohort(carer="none", dwelling="none", alarm="none", size=200, years=3, **parameters):
    from sim.experiments.e3_vv3_at_home import cohort_scenario
    s = cohort_scenario(carer, alarm, dwelling, size, years)
    if parameters:
        s = resolve_scenario(dict({k: v for k, v in s.items() if not k.startswith("_")},
                                  parameters=dict(s["parameters"], **parameters)))
    return s


def test_cohort_key_is_absent_by_default_and_checked():
    assert "cohort" not in load_scenario(ROOT / "scenarios" / "small.yaml")   # shipped scenarios hash as before
    data = {k: v for k, v in cohort().items() if not k.startswith("_")}
    with pytest.raises(ScenarioError, match=r"cohort\.carer.*one of"):
        resolve_scenario(dict(data, cohort=dict(data["cohort"], carer="partner")))
    with pytest.raises(ScenarioError, match=r"cohort\.alarm_response"):
        resolve_scenario(dict(data, cohort=dict(data["cohort"], alarm_response=-3)))


def test_cohort_starts_at_home_in_its_situation():
    from sim.model.model import LangerThuisModel
    from sim.model.mechanisms.common import need_score_array
    s = cohort(carer="co_resident", dwelling="step_free", alarm=10.0, size=300)
    m = LangerThuisModel(s)
    st = m.state()
    assert len(st.pid) == 300 and (st.residence == HOME).all()
    assert (st.sector == 1).all() and (st.level == 3).all() and (st.carer == 1).all() and st.partner.all()
    assert (st.dwelling == 2).all() and (m.hood.layer("alarm_response_minutes") == 10.0).all()
    need = need_score_array(st.phys, st.cog)
    p = m.params
    assert ((need >= p.need_threshold_vv3) & (need < p.need_threshold_vv4)).all()   # VV3 by the model's rule
    assert np.ptp(st.age_months) > 12 * 10                                           # a spread of ages
    none = LangerThuisModel(cohort(alarm="none"))
    assert np.isinf(none.hood.layer("alarm_response_minutes")).all() and (none.state().carer == 0).all()


# ------------------------------------------------------------------ E3
@pytest.fixture(scope="module")
def e3_quick():
    from sim.experiments import e3_vv3_at_home
    return e3_vv3_at_home.run(quick=True)


def test_e3_quick_returns_every_table_and_figure(e3_quick, tmp_path):
    from sim.studies.cohort import OUTCOMES
    _check_study(e3_quick, ["e3_outcomes", "e3_km_curves"], ["e3_cells", "e3_effects", "e3_runs", "e3_km"],
                 {"e3_cells": ["carer", "alarm", "dwelling", "replicates", "rank_months_at_home", "rigo_responsible",
                               *OUTCOMES, "months_at_home_p5", "months_at_home_p95"],
                  "e3_effects": ["contrast", "within", "outcome", "diff_mean", "diff_p5", "diff_p95", "replicates"]})
    cells = e3_quick.tables["e3_cells"]
    assert len(cells) == 18 and cells[["carer", "alarm", "dwelling"]].drop_duplicates().shape[0] == 18
    assert cells.months_at_home.between(0, 24).all() and cells.rigo_responsible.sum() == 4
    files = write_output(e3_quick, tmp_path / "e3")
    assert "summary.md" in files and "e3_outcomes.png" in files and "e3_cells.csv" in files


def _months(s, replicates=2):
    from sim.studies.cohort import run_cohort
    return np.array([[run_cohort(s, r)[0][k] for k in ("months_at_home", "crises_per_100_years")]
                     for r in range(replicates)])


def test_e3_alarm_difference_comes_from_the_crisis_mechanism():
    """A 10-minute follow-up keeps a VV3 client without a carer at home longer than none, with fewer crises;
    with late responses never turning into a crisis (crisis_if_late 0) the difference is gone exactly."""
    fast, slow = _months(cohort(alarm=10.0)), _months(cohort(alarm="none"))
    assert (fast[:, 1] == 0).all() and (slow[:, 1] > 5).all()
    assert (fast[:, 0] > slow[:, 0]).all() and fast[:, 0].mean() - slow[:, 0].mean() > 0.5
    off_fast, off_slow = _months(cohort(alarm=10.0, crisis_if_late=0.0)), _months(cohort(alarm="none", crisis_if_late=0.0))
    np.testing.assert_array_equal(off_fast, off_slow)


def test_e3_dwelling_difference_comes_from_falls_and_decline():
    """An adapted (step-free) dwelling keeps a client at home longer through fewer falls and slower decline;
    with both effects switched off (relative risk 1, no slower decline) the difference is gone exactly."""
    strong = dict(fall_rr_adapted=0.61, fall_rr_adapted_high_risk=0.56, decline_dwelling_adapted=0.16)
    off = dict(fall_rr_adapted=1.0, fall_rr_adapted_high_risk=1.0, decline_dwelling_adapted=0.0)
    adapted, plain = _months(cohort(dwelling="step_free", **strong)), _months(cohort(dwelling="none", **strong))
    assert (adapted[:, 0] > plain[:, 0]).all()
    np.testing.assert_array_equal(_months(cohort(dwelling="step_free", **off)), _months(cohort(dwelling="none", **off)))


def test_e3_carer_changes_formal_hours_and_months_at_home_through_the_informal_shortfall():
    """Without a carer part of the missing informal care becomes formal demand (formal_no_carer_extra): more
    formal hours; switched off, the formal hours are equal. The rest of the missing informal care counts as
    unmet need (informal_shortfall_unmet), which speeds decline (decline_unmet): a client alone leaves home
    sooner. With the shortfall not counted (and no preference for a package at home, which only a client with
    a carer can keep) the months at home do not depend on the carer (formal care is delivered in full here,
    and a package with the right to a place is above both admission thresholds)."""
    from sim.studies.cohort import run_cohort

    def outcomes(**kw):
        return [run_cohort(cohort(**kw), r)[0] for r in range(2)]

    carer, alone = outcomes(carer="co_resident"), outcomes(carer="none")
    assert all(a["formal_hours_month"] > c["formal_hours_month"] + 1 for a, c in zip(alone, carer))
    assert all(a["carer_strain_mean"] != a["carer_strain_mean"] or a["carer_months_share"] < 0.5 for a in alone)
    assert sum(a["months_at_home"] for a in alone) < sum(c["months_at_home"] for c in carer)
    neither = {"informal_shortfall_unmet": 0.0, "wlz_home_preference": 0.0}
    carer_n, alone_n = outcomes(carer="co_resident", **neither), outcomes(carer="none", **neither)
    assert [a["months_at_home"] for a in alone_n] == [c["months_at_home"] for c in carer_n]
    off = {"formal_no_carer_extra": 0.0, **neither}   # and no faster decline alone
    carer0, alone0 = outcomes(carer="co_resident", **off), outcomes(carer="none", **off)
    assert [a["formal_hours_month"] for a in alone0] == pytest.approx([c["formal_hours_month"] for c in carer0], rel=1e-9)


# ------------------------------------------------------------------ E4
@pytest.fixture(scope="module")
def e4_quick():
    from sim.experiments import e4_sensitivity
    return e4_sensitivity.run(quick=True)


def test_e4_quick_returns_every_table_and_figure(e4_quick, tmp_path):
    from sim.studies.headline import OUTPUTS
    _check_study(e4_quick, ["e4_sobol"], ["e4_indices", "e4_data_collection", "e4_uncertainty"],
                 {"e4_indices": ["indicator", "year", "parameter", "S1", "S1_conf", "ST", "ST_conf"],
                  "e4_data_collection": ["rank", "parameter", "origin", "source_kind", "ST_max", "ST_conf", "output",
                                         "collect_data"],
                  "e4_uncertainty": ["output", "mean", "p5", "p95", "points"]})
    assert set(e4_quick.tables["e4_indices"].indicator) == set(OUTPUTS)
    assert {"summary.md", "e4_sobol.png", "e4_indices.csv"} <= set(write_output(e4_quick, tmp_path / "e4"))


def test_e4_a_parameter_that_enters_nothing_gets_no_index(e4_quick):
    """Known answer: the dummy is removed before the model runs, so with common random numbers its total
    index is 0 for every output; a parameter that does enter (VV places per 80+ for the reform's saving) has
    a positive one (at quick mode's N its size is noise, its being non-zero is not), so the test can tell a
    broken design from a working one."""
    t = e4_quick.tables["e4_indices"]
    dummy = t[t.parameter == "dummy"]
    assert len(dummy) == 4 and np.allclose(dummy.ST, 0.0, atol=1e-12) and np.allclose(dummy.S1, 0.0, atol=1e-12)
    places = t[(t.parameter == "parameters.capacity_vv_per_80plus") & (t.indicator == "e1_net_saving_per_inhabitant_year")]
    assert float(places.ST.iloc[0]) > 1e-3
