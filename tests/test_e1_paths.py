"""E1 reports the reform over named no-reform capacity paths (issue 25 item 5), and E4 says when a sign is not
robust: the verdicts on synthetic contrasts. That a quick E1 run runs every path and names it is checked in
test_studies.py on the one quick E1 run of the suite (no experiment runs twice)."""
from __future__ import annotations

import numpy as np
import pandas as pd

from sim.experiments import e1_paths
from sim.experiments.e4_sensitivity import sign_robustness


def test_the_verdict_says_whether_an_answer_holds_on_every_path():
    v = e1_paths.verdict
    assert v(np.array([-3.0, -2.0]), np.array([-1.0, -0.5])) == "lower on every path"
    assert v(np.array([0.5, 1.0]), np.array([2.0, 3.0])) == "higher on every path"
    assert v(np.array([-3.0, 0.5]), np.array([-1.0, 2.0])) == "sign turns on the path"
    assert v(np.array([-3.0, -0.5]), np.array([-1.0, 2.0])) == "turns on the path (no clear change on some)"
    assert v(np.array([-1.0, -0.5]), np.array([1.0, 2.0])) == "no clear change on any path"


def test_paths_are_named_rules_and_the_table_ranges_over_them():
    assert e1_paths.REFERENCE == "follow_demand" and len(e1_paths.PATHS) >= 4
    rules = {cap["rule"] for cap, _, _ in e1_paths.PATHS.values()}
    assert {"follow_demand", "per_80plus", "fixed", "change"} <= rules
    assert all(cap["observed_until"] == 2012 for cap, _, _ in e1_paths.PATHS.values())
    assert all(footing.strip() for _, _, footing in e1_paths.PATHS.values())
    # a synthetic contrasts table: admissions lower on every path, the waiting list turns
    rows = []
    for i, p in enumerate(e1_paths.PATHS):
        rows.append({"contrast": e1_paths.contrast(p), "outcome": "adm", "diff_mean": -1.0 - i, "diff_p5": -2.0 - i,
                     "diff_p95": -0.5})
        rows.append({"contrast": e1_paths.contrast(p), "outcome": "wait", "diff_mean": 1.0 - i, "diff_p5": 0.5 - i,
                     "diff_p95": 1.5 - i})
    t = e1_paths.by_path(pd.DataFrame(rows), {"adm": "admissions", "wait": "waiting list"}).set_index("outcome")
    n = len(e1_paths.PATHS)
    assert t.loc["adm", "verdict"] == "lower on every path" and t.loc["adm", "low"] == -float(n)
    assert t.loc["wait", "verdict"] == "sign turns on the path" and t.loc["wait", "high"] == 1.0
    text = e1_paths.conclusion_sentence(t.reset_index(), lambda x: f"{x:g}")
    assert f"admissions (-{n} to -1), lower" in text and "turns on the path for: waiting list" in text
    assert all(p in text for p in e1_paths.PATHS)


def test_e4_says_when_a_sign_is_not_robust():
    assert "not robust" in sign_robustness(-17.0, 33.0)
    assert "holds" in sign_robustness(2.0, 33.0) and "holds" in sign_robustness(-9.0, -1.0)

