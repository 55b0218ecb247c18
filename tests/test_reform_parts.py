"""The reform's parts as scenario knobs (E1): ``policy.cuts`` moves or drops single packages of the schedule,
``policy.transitional_right: false`` takes the right from packages indicated before a cut. Each knob changes
what it should and nothing when left at its default (same hash, same run)."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from sim.errors import ScenarioError
from sim.model.mechanisms.policy import CUT_PACKAGES, ENACTED_CUTS, cut_table, without_transitional_right
from sim.model.model import LangerThuisModel
from sim.model.scenario import load_scenario, resolve_scenario

SCENARIOS = Path(__file__).resolve().parents[1] / "scenarios"


def small(**policy):
    """small.yaml 2010-2016 with policy keys changed."""
    data = {"extends": "small.yaml", "end_year": 2016, "policy": policy}
    return resolve_scenario(data, file="test", base_dir=str(SCENARIOS))


def yearly(scenario, indicator):
    t = LangerThuisModel(scenario, replicate=0).run().indicators()
    return t[t.indicator == indicator].set_index("year").value


def test_cut_table_per_package():
    enacted = cut_table("enacted")
    assert len(enacted) == len(ENACTED_CUTS) == len(CUT_PACKAGES)
    np.testing.assert_array_equal(cut_table("enacted", {}), enacted)
    no_vv3 = cut_table("enacted", {"VV3": None})
    assert len(no_vv3) == len(enacted) - 1 and not ((no_vv3[:, 0] == 1) & (no_vv3[:, 1] == 3)).any()
    later = cut_table("enacted", {"VV3": 2018})
    assert later[(later[:, 0] == 1) & (later[:, 1] == 3), 3] == [2018 * 12]
    only = cut_table("none", {"VV4": 2016})
    assert only.tolist() == [[1, 4, 0.25, 2016 * 12]]     # the enacted share (a quarter of VV4) is kept
    assert cut_table("none").shape == (0, 4)


def test_transitional_right_table():
    t = cut_table("enacted")
    off = without_transitional_right(t, 2014 * 12)
    started = t[:, 3] <= 2014 * 12
    assert (off[started, 3] < -30000).all() and (off[~started, 3] == t[~started, 3]).all()


def test_defaults_resolve_and_hash_as_before():
    base = load_scenario(SCENARIOS / "small.yaml")
    assert "cuts" not in base["policy"] and "transitional_right" not in base["policy"]
    explicit = resolve_scenario({"extends": "small.yaml", "policy": {"transitional_right": True, "cuts": None}},
                                file=base["_file"], base_dir=str(SCENARIOS))
    assert explicit["_hash"] == base["_hash"]
    assert small(transitional_right=False)["_hash"] != base["_hash"]


@pytest.mark.parametrize("policy, path", [
    ({"cuts": {"VV9": 2013}}, "policy.cuts.VV9"), ({"cuts": {"VV3": 2013.5}}, "policy.cuts.VV3"),
    ({"cuts": ["VV3"]}, "policy.cuts"), ({"transitional_right": "no"}, "policy.transitional_right")])
def test_bad_knobs_one_line(policy, path):
    with pytest.raises(ScenarioError) as err:
        small(**policy)
    assert path in str(err.value) and "\n" not in str(err.value)


@pytest.fixture(scope="module")
def cut_admissions():
    """Admissions of cut packages per year: the pre-reform rules, with VV3 cut from 2014, and the enacted
    reform with and without the transitional right (one small replicate each, 2010-2016)."""
    name = "intramural_admissions_cut_packages_per_1000"
    return {"none": yearly(small(schedule="none", capacity={"observed_until": 2012}), name),
            "none_vv3": yearly(small(schedule="none", capacity={"observed_until": 2012}, cuts={"VV3": 2014}), name),
            "enacted": yearly(small(), name),
            "enacted_default": yearly(small(transitional_right=True), name),
            "no_right": yearly(small(transitional_right=False), name)}


def test_one_package_cut_alone(cut_admissions):
    none, vv3 = cut_admissions["none"], cut_admissions["none_vv3"]
    assert (none.loc[:2013] == vv3.loc[:2013]).all()                 # nothing differs before the cut
    assert vv3.loc[2015:].sum() < none.loc[2015:].sum()              # VV3 no longer admitted once cut


def test_transitional_right(cut_admissions):
    on, off = cut_admissions["enacted"], cut_admissions["no_right"]
    assert (cut_admissions["enacted_default"] == on).all()           # the default is the model as before
    assert (on.loc[:2012] == off.loc[:2012]).all()
    # with the right, packages indicated before a cut are still admitted for a while; without it they are not
    assert off.loc[2013:2016].sum() < on.loc[2013:2016].sum()
