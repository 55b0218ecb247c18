"""The model as a plain function, for EMA workbench, SALib, Optuna and friends.

    >>> from sim.analysis.interop import run_function
    >>> run_function(scenario="scenarios/small.yaml", mort_frailty=2.5,
    ...              municipality__heterogeneity=0.8, seed=1)           # doctest: +SKIP
    {'indicator': value, ...}

Keyword arguments: model parameter names (``sim/model/parameters.yaml``), or any scenario key as a dotted
path written with ``__`` for ``.`` (``policy__schedule``, ``parameters__mort_frailty``); plus
``scenario`` (a path or a scenario dict; default scenarios/baseline.yaml), ``seed``, ``replicate``
and ``year`` (default: the last year). Returns {indicator: value} for that year.
"""
from __future__ import annotations

import copy
from functools import lru_cache
from pathlib import Path

from sim.errors import InputError

DEFAULT_SCENARIO = Path(__file__).resolve().parents[1] / "scenarios" / "baseline.yaml"


@lru_cache(maxsize=8)
def _loaded(path: str) -> dict:
    from sim.model.scenario import load_scenario
    return load_scenario(path)


def _base(scenario) -> tuple[dict, str]:
    """(resolved scenario without `_` keys, its file name). Cached per path: callers loop."""
    if scenario is None:
        scenario = DEFAULT_SCENARIO
    if isinstance(scenario, dict):
        from sim.model.scenario import resolve_scenario
        file = str(scenario.get("_file", "<dict>"))
        resolved = resolve_scenario(scenario, file=file)  # idempotent: a loaded scenario is fine too
    else:
        file = str(scenario)
        resolved = _loaded(file)
    return {k: copy.deepcopy(v) for k, v in resolved.items() if not k.startswith("_")}, file


def scenario_with(scenario=None, seed=None, **params) -> tuple[dict, str]:
    """(scenario dict with the keyword arguments applied, not yet re-validated; its file name)."""
    from sim.model.parameters import default_parameters
    from sim.analysis.sweep_design import set_path
    data, file = _base(scenario)
    names = default_parameters()
    for key, value in params.items():
        if key in names:
            path = f"parameters.{key}"
        elif "__" in key:
            path = key.replace("__", ".")
        else:
            raise InputError(f"run_function: {key}: expected a model parameter name or a scenario key "
                             f"written with __ (e.g. municipality__inhabitants), found unknown name {key!r}")
        set_path(data, path, value.item() if hasattr(value, "item") else value)
    if seed is not None:
        data["seed"] = int(seed)
    return data, file


def run_function(scenario=None, seed=None, replicate: int = 0, year: int | None = None, **params) -> dict:
    """Run the model once; {indicator: value} in ``year`` (default: the last simulated year)."""
    from sim.analysis.sweep import run_one
    data, file = scenario_with(scenario, seed, **params)
    df = run_one(data, int(replicate), file)
    year = int(df["year"].max()) if year is None else int(year)
    rows = df[df["year"] == year]
    if rows.empty:
        raise InputError(f"run_function: year: expected a simulated year "
                         f"({int(df['year'].min())}-{int(df['year'].max())}), found {year}")
    return {str(k): float(v) for k, v in zip(rows["indicator"], rows["value"])}
