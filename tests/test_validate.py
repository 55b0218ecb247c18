"""Tests of ``langerthuis validate``: right and wrong targets, bad targets files, atomic output."""
from __future__ import annotations

import textwrap

import numpy as np
import pandas as pd
import pytest

from sim.cli import main as cli
from sim.analysis.runner import run_scenario
from sim.model.scenario import load_scenario

from conftest import ROOT


@pytest.fixture(scope="module")
def scenario_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("scen") / "tiny.yaml"
    path.write_text(textwrap.dedent(f"""
        extends: {ROOT / 'scenarios' / 'small.yaml'}
        name: tiny
        end_year: 2014
        municipality: {{inhabitants: 10000}}
    """), encoding="utf-8")
    return path


def write_targets(path, rows, header="indicator,year,value,tolerance,source"):
    path.write_text(header + "\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return path


def test_right_target_inside_wrong_target_outside(tmp_path, scenario_file, capsys):
    # the "right" value comes from a model run of the same scenario (replicate 0 of 2)
    run = run_scenario(load_scenario(scenario_file), 0)
    right = run.query("indicator == 'pop_65plus_share' and year == 2013").value.item()
    targets = write_targets(tmp_path / "t.csv", [
        f"pop_65plus_share,2013,{right},0.01,model run",
        "intramural_residents_per_80plus,2012,0.9,0.01,deliberately wrong",
        "pop_80plus_share,1990,0.03,0.01,before the run"])
    out = tmp_path / "val"
    assert cli(["validate", "--targets", str(targets), "--out", str(out), "--scenario", str(scenario_file),
                "--replicates", "2", "--parameters", "scenario"]) == 0
    printed = capsys.readouterr().out
    assert "1 of 2 within tolerance (1 row(s) not simulated)" in printed
    v = pd.read_csv(out / "validation.csv")
    assert list(v.within_tolerance) == ["yes", "no", "not simulated (year outside the run)"]
    assert list(v.in_interval[:2]) == ["yes" if v.simulated_p05[0] <= right <= v.simulated_p95[0] else "no", "no"]
    assert v.loc[0, "simulated_p05"] <= v.loc[0, "simulated_mean"] <= v.loc[0, "simulated_p95"]
    assert v.loc[1, "abs_error"] == pytest.approx(abs(v.loc[1, "simulated_mean"] - 0.9))
    assert "1 of 2 within tolerance" in (out / "validation.md").read_text()
    assert (out / "validation.png").stat().st_size > 0 and (out / "manifest.json").exists()


def test_fit_and_validate_rows_are_scored_separately(tmp_path, scenario_file, capsys):
    run = run_scenario(load_scenario(scenario_file), 0)
    right = run.query("indicator == 'pop_65plus_share' and year == 2013").value.item()
    targets = write_targets(tmp_path / "t.csv", [
        f"pop_65plus_share,2013,{right},0.01,fit,model run",
        "intramural_residents_per_80plus,2012,0.9,0.01,validate,deliberately wrong",
        f"pop_65plus_share,2014,{right},0.02,validate,near",
        "pop_80plus_share,2014,0.9,0.01,set,a parameter set by hand to it (wrong on purpose)"],
        header="indicator,year,value,tolerance,role,source")
    out = tmp_path / "val"
    assert cli(["validate", "--targets", str(targets), "--out", str(out), "--scenario", str(scenario_file),
                "--replicates", "2", "--parameters", "scenario"]) == 0
    printed = capsys.readouterr().out
    assert ("fit: 1 of 1 within tolerance" in printed and "set: 0 of 1 within tolerance" in printed
            and "validate: 1 of 2 within tolerance" in printed)
    v = pd.read_csv(out / "validation.csv")
    assert list(v.role) == ["fit", "validate", "validate", "set"]
    import json
    scores = json.loads((out / "manifest.json").read_text())["scores"]
    assert scores["fit"]["within"] == 1 and scores["validate"]["n"] == 2 and scores["validate"]["rms_z"] > 10
    assert scores["set"]["n"] == 1 and scores["set"]["within"] == 0
    bad = write_targets(tmp_path / "b.csv", ["pop_65plus_share,2013,0.2,0.01,later,x"],
                        header="indicator,year,value,tolerance,role,source")
    assert cli(["validate", "--targets", str(bad), "--out", str(tmp_path / "b"), "--scenario", str(scenario_file)]) == 2
    err = capsys.readouterr().err.strip()
    assert "\n" not in err and "role" in err and "fit, set or validate" in err and not (tmp_path / "b").exists()


@pytest.mark.parametrize("rows,header,needle", [
    (["pop_65plus_share,2013,0.2,0.01,ok", "no_such_indicator,2013,1,1,x"], None, "no_such_indicator"),
    (["pop_65plus_share,2013,0.2,ok"], "indicator,year,value,source", "tolerance"),
    (["pop_65plus_share,2013,a lot,0.01,x"], None, "value"),
    (["pop_65plus_share,soon,0.2,0.01,x"], None, "year"),
    (["pop_65plus_share,2013,0.2,-1,x"], None, "tolerance"),
])
def test_bad_targets_file_is_one_line_exit_2_nothing_written(tmp_path, scenario_file, capsys, rows, header,
                                                             needle):
    targets = write_targets(tmp_path / "bad.csv", rows, **({"header": header} if header else {}))
    out = tmp_path / "val"
    assert cli(["validate", "--targets", str(targets), "--out", str(out), "--scenario", str(scenario_file),
                "--replicates", "1", "--parameters", "scenario"]) == 2
    err = capsys.readouterr().err.strip()
    assert "\n" not in err and needle in err and str(targets) in err
    if needle == "no_such_indicator":
        assert f"{targets}:3:" in err
    assert not out.exists() and not list(tmp_path.glob(".val*"))


@pytest.mark.skipif(not (ROOT / "calibration" / "ensemble.parquet").exists(), reason="no shipped ensemble")
def test_default_uses_the_calibrated_ensemble(tmp_path, scenario_file):
    targets = write_targets(tmp_path / "t.csv", ["mortality_rate_65plus,2012,0.045,0.01,CBS"])
    out = tmp_path / "val"
    assert cli(["validate", "--targets", str(targets), "--out", str(out), "--scenario", str(scenario_file),
                "--replicates", "3"]) == 0
    import json
    m = json.loads((out / "manifest.json").read_text())
    assert m["parameters"] == "ensemble"
    assert m["scenarios"][0]["resolved"]["calibration"]["mode"] == "ensemble"


def test_rows_are_scored_by_the_mean_and_by_the_interval_on_a_synthetic_table():
    """Issue 25 item 8: a row is within tolerance by its mean, and separately in the interval when the published
    figure lies in the replicates' 90 % interval; one value gives no interval; the summary counts both per role."""
    from sim.analysis.validate import compare, score, summary
    table = pd.DataFrame(
        [{"indicator": "a", "year": 2016, "replicate": r, "value": v} for r, v in enumerate([0.8, 1.0, 1.2, 1.4])]
        + [{"indicator": "b", "year": 2016, "replicate": r, "value": v} for r, v in enumerate([2.0, 2.1, 2.2, 2.3])]
        + [{"indicator": "c", "year": 2016, "replicate": 0, "value": 5.0}])
    targets = pd.DataFrame([
        # mean 1.1: within 0.5 of 1.3, and 1.3 lies in the interval (0.83-1.37)
        {"indicator": "a", "year": 2016, "value": 1.3, "tolerance": 0.5, "role": "fit", "source": "s"},
        # mean 2.15: within 0.2 of 2.0, but 2.0 lies below the interval (2.015-2.285): the two scores differ
        {"indicator": "b", "year": 2016, "value": 2.0, "tolerance": 0.2, "role": "validate", "source": "s"},
        # mean 1.1, far from 2.0, and 2.0 outside the interval
        {"indicator": "a", "year": 2016, "value": 2.0, "tolerance": 0.1, "role": "validate", "source": "s"},
        # one value: within, no interval
        {"indicator": "c", "year": 2016, "value": 5.1, "tolerance": 0.2, "role": "set", "source": "s"},
        {"indicator": "c", "year": 2030, "value": 5.1, "tolerance": 0.2, "role": "set", "source": "s"}])
    r = compare(targets, table)
    assert list(r.within_tolerance[:4]) == ["yes", "yes", "no", "yes"]
    assert list(r.in_interval[:4]) == ["yes", "no", "no", "one value (no interval)"]
    assert r.in_interval[4].startswith("not simulated")
    assert score(r[r.role == "validate"]) == {"n": 2, "within": 1, "n_interval": 2, "in_interval": 0,
                                                  "rms_z": pytest.approx(float(np.sqrt((0.75 ** 2 + 9 ** 2) / 2))),
                                                  "not_simulated": 0}
    line = summary(r)
    assert "fit: 1 of 1 within tolerance, 1 of 1 in the 90 % interval" in line
    assert "validate: 1 of 2 within tolerance, 0 of 2 in the 90 % interval" in line
    assert "set: 1 of 1 within tolerance (1 row(s) not simulated), RMS" in line   # no interval to count
