"""The interop examples of experiments/sweeps/README.md run as written (with fewer runs).

EMA workbench, SALib and Optuna drive the model through ``sim.run_function``; the examples are taken
from the README itself, so the documentation cannot drift from the code.
"""
from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "experiments" / "sweeps" / "README.md"


def example(heading: str, smaller: dict[str, str]) -> str:
    """The python block after the bold ``heading`` in the interop section, with its sizes reduced."""
    section = README.read_text(encoding="utf-8").split("## The model as a function", 1)[1]
    match = re.search(re.escape(heading) + r".*?```python\n(.*?)```", section, re.S)
    assert match, f"no python example after {heading!r} in {README}"
    code = match.group(1)
    for old, new in smaller.items():
        assert old in code, f"the {heading} example no longer contains {old!r}"
        code = code.replace(old, new)
    return code


@pytest.fixture(autouse=True)
def in_project_root(monkeypatch):
    monkeypatch.chdir(ROOT)  # the examples name scenarios/small.yaml relative to the project


def run(code: str) -> dict:
    namespace: dict = {}
    exec(compile(code, str(README), "exec"), namespace)  # noqa: S102 - our own documentation
    return namespace


def test_run_function_example():
    """The example returns the model's own indicators of the last year, with its keyword arguments applied
    (a model parameter and a scenario key written with __): the same numbers as a run of that scenario."""
    from sim.model.scenario import load_scenario, resolve_scenario
    from sim.analysis.runner import run_scenario
    code = example("runs the model once", {"run_function(scenario=": "result = run_function(scenario="})
    result = run(code)["result"]
    data = {k: v for k, v in load_scenario(ROOT / "scenarios" / "small.yaml").items() if not k.startswith("_")}
    data["parameters"] = dict(data["parameters"], strain_per_hour=0.007)
    data["municipality"] = dict(data["municipality"], heterogeneity=0.3)
    table = run_scenario(resolve_scenario(data, file=str(ROOT / "scenarios" / "small.yaml")), 0)
    last = table[table.year == data["end_year"]]
    expected = pd.Series(last.value.to_numpy(dtype=float), index=last.indicator.to_numpy())
    pd.testing.assert_series_equal(pd.Series(result), expected, check_exact=True)   # NaN where both are NaN


def test_ema_workbench_example():
    ns = run(example("**EMA workbench**", {"scenarios=50": "scenarios=3"}))
    experiments, outcomes = ns["experiments"], ns["outcomes"]
    assert len(experiments) == 3 and len(outcomes["cost_total_per_capita"]) == 3
    # each experiment's outcomes are the model's at the values EMA drew for it (the first one run again)
    from sim.analysis.interop import run_function
    first = experiments.iloc[0]
    again = run_function(scenario="scenarios/small.yaml", strain_per_hour=first["strain_per_hour"],
                         municipality__heterogeneity=first["municipality__heterogeneity"])
    for name in ("unmet_need_share", "cost_total_per_capita"):
        assert outcomes[name][0] == again[name], name
    assert len(set(np.round(outcomes["cost_total_per_capita"], 9))) == 3  # each experiment ran its own model


def test_salib_example(capsys):
    ns = run(example("**SALib directly**", {"problem, 16,": "problem, 2,"}))
    assert ns["Y"].shape == (2 * (2 + 2),) and np.isfinite(ns["Y"]).all()
    assert "S1" in capsys.readouterr().out  # the indices were computed and printed


def test_optuna_example():
    ns = run(example("**Optuna**", {"n_trials=40": "n_trials=3"}))
    study = ns["study"]
    assert len(study.trials) == 3 and set(study.best_params) == {"respite_hours_month", "adaptation_month"}
    assert len({t.value for t in study.trials}) == 3
