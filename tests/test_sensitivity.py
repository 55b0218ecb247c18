"""Sensitivity indices on sweeps of analytic functions with known answers (fake runners, no model).

Linear model y = 4 x1 + 2 x2 + 1 x3 + 0 x4 with independent uniform inputs on [0, 1]:
first-order = total Sobol index = a_i^2 / sum a^2 = 16/21, 4/21, 1/21, 0; Morris mu* = |a_i| times the
range, exactly (elementary effects of a linear function are constant).
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from sim.analysis import sensitivity, sweep
from sim.errors import InputError

ROOT = Path(__file__).resolve().parents[1]
COEF = {"x1": 4.0, "x2": 2.0, "x3": 1.0, "x4": 0.0}


def linear(scenario, replicate, file):
    p = scenario["parameters"]
    y = sum(COEF[k] * p[k] for k in COEF)
    return pd.DataFrame({"scenario": "linear", "replicate": replicate, "year": [2030, 2030],
                         "indicator": ["y", "minus_y"], "value": [y, -y]})


def ishigami(scenario, replicate, file):
    p = scenario["parameters"]
    y = np.sin(p["x1"]) + 7 * np.sin(p["x2"]) ** 2 + 0.1 * p["x3"] ** 4 * np.sin(p["x1"])
    return pd.DataFrame({"scenario": "ishigami", "replicate": replicate, "year": [2030],
                         "indicator": ["y"], "value": [y]})


def run_design(tmp_path, design, runs, runner="test_sensitivity:linear", bounds=(0.0, 1.0), names=COEF, **extra):
    (tmp_path / "base.yaml").write_text("name: fn\nseed: 0\nparameters: {}\n")
    spec = {"base": "base.yaml", "seed": 3, "runner": runner, "design": design, "runs": runs,
            "parameters": {f"parameters.{k}": {"bounds": list(bounds)} for k in names}} | extra
    (tmp_path / "s.yaml").write_text(yaml.safe_dump(spec))
    counts = sweep.run_sweep(tmp_path / "s.yaml", tmp_path / "out", workers=0, progress=False)
    assert counts["failed"] == 0
    return tmp_path / "out"


def test_sobol_indices_of_a_linear_function(tmp_path):
    out = run_design(tmp_path, "sobol", 128)
    table = sensitivity.analyze(out, indicators=["y"]).set_index("parameter")
    known = {f"parameters.{k}": a * a / 21 for k, a in COEF.items()}
    for name, s in known.items():
        assert table.loc[name, "S1"] == pytest.approx(s, abs=0.05), name
        assert table.loc[name, "ST"] == pytest.approx(s, abs=0.05), name
    assert table.loc["parameters.x1", "S1_conf"] > 0 and (table["S1_conf"] < 0.2).all()


def test_sobol_indices_of_ishigami(tmp_path):
    # known: S1 = 0.314, 0.442, 0; ST = 0.558, 0.442, 0.244 (a = 7, b = 0.1, x ~ U(-pi, pi))
    out = run_design(tmp_path, "sobol", 512, runner="test_sensitivity:ishigami", bounds=(-np.pi, np.pi),
                     names=["x1", "x2", "x3"])
    t = sensitivity.analyze(out).set_index("parameter")
    assert t["S1"].to_numpy() == pytest.approx([0.314, 0.442, 0.0], abs=0.06)
    assert t["ST"].to_numpy() == pytest.approx([0.558, 0.442, 0.244], abs=0.06)


def test_morris_ranks_and_sizes_effects(tmp_path):
    out = run_design(tmp_path, "morris", 10, bounds=(0.0, 2.0))
    table = sensitivity.analyze(out, indicators=["y"]).set_index("parameter")
    assert list(table["mu_star"].sort_values(ascending=False).index) == [f"parameters.{k}" for k in COEF]
    # an elementary effect is the change over the full range (unit cube step 1 -> 2.0 here)
    assert table["mu_star"].to_numpy() == pytest.approx([2.0 * a for a in COEF.values()], rel=1e-9, abs=1e-9)
    assert table["sigma"].to_numpy() == pytest.approx([0, 0, 0, 0], abs=1e-9)


def test_cli_writes_csv_and_figure_and_checks_method(tmp_path):
    out = run_design(tmp_path, "morris", 4)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), str(ROOT / "tests")])}
    done = subprocess.run([sys.executable, "-m", "sim", "sensitivity", str(out), "--method", "morris"],
                          env=env, cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    table = pd.read_csv(out / "sensitivity_morris.csv")
    assert set(table["indicator"]) == {"y", "minus_y"} and len(table) == 8
    assert (out / "sensitivity_morris.png").stat().st_size > 10_000
    analysis = json.loads((out / "sensitivity_morris.json").read_text())
    sweep_manifest = json.loads((out / "manifest.json").read_text())
    assert analysis["method"] == "morris" and analysis["indicators"] == ["minus_y", "y"]
    assert analysis["sweep"]["root_seed"] == sweep_manifest["root_seed"]
    assert analysis["sweep"]["sweep_sha256"] == sweep_manifest["sweep_sha256"] and analysis["git_commit"]
    assert not list(out.glob("*.tmp-*"))  # written under temporary names, then renamed
    wrong = subprocess.run([sys.executable, "-m", "sim", "sensitivity", str(out), "--method", "sobol"],
                           env=env, cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert wrong.returncode == 2 and "expected a sweep with design: sobol, found design: morris" in wrong.stderr


def test_incomplete_sweep_is_refused(tmp_path):
    out = run_design(tmp_path, "sobol", 8)
    (out / "runs" / "run_00005.parquet").unlink()
    with pytest.raises(InputError, match=r"found 1 of 48 missing \(e.g. run 5\)"):
        sensitivity.analyze(out)
