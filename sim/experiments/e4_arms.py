"""E4's three arms: the headline answers of experiments E1 and E2 from one design point, as a sweep runner
(``runner:`` in a sweep file).

For one scenario (a design point of a sweep) it runs three arms with the same seed and replicate, so they
share every random number (common random numbers, as ``compare`` pairs scenarios):

* ``reform``: the scenario as given (the enacted reform, no investments);
* ``no_reform``: the same with ``policy.schedule: none`` (the pre-2013 access rules kept);
* ``wsg``: the same with the woonservicegebied investments of ``headline.wsg_investments`` (wsg_full's).

and returns four outputs (indicator names) in the scenario's last year:

| output | definition |
|---|---|
| ``e1_net_saving_per_inhabitant_year`` | mean over ``e1_from``..end of cost_total_per_capita(no_reform) - cost_total_per_capita(reform): euros of public spending (Wlz + Wmo + Zvw) the reform saves per inhabitant-year |
| ``e1_unmet_need_change_pp`` | mean over the same years of 100 x (unmet_need_share(reform) - unmet_need_share(no_reform)): percentage points of formal care need left unmet because of the reform |
| ``e2_net_cost_per_inhabitant_year`` | mean over ``e2_from``..end of cost_total_per_capita(wsg) - cost_total_per_capita(reform): euros per inhabitant-year the woonservicegebied costs the public purse, investments included, savings deducted |
| ``e2_months_at_home_gain`` | Kaplan-Meier restricted mean months at home within 10 years of a first package (``compare``'s ``months_at_home_km``) of the spells seen in ``e2_from``..end, wsg minus reform |

The scenario carries two keys that are not scenario keys and are removed before it is resolved:
``headline`` ({wsg_investments, e1_from, e2_from}) and ``dummy`` (a number that enters nothing: in a
sensitivity analysis its indices measure the estimator's own noise). A model parameter whose name is a
derived free parameter of the calibration (``mort_gompertz_a_scale``, ``need_threshold_shift``) is expanded
to the parameters it moves (``sim.model.ensemble.to_overrides``).
"""
from __future__ import annotations

import copy
import os

import numpy as np
import pandas as pd

from sim.model.ensemble import DERIVED, to_overrides
from sim.model.model import LangerThuisModel
from sim.model.scenario import resolve_scenario
from sim.analysis.compare import TrackedModel
from sim.analysis.survival import HORIZON_MONTHS, restricted_mean, window_spells

OUTPUTS = ("e1_net_saving_per_inhabitant_year", "e1_unmet_need_change_pp", "e2_net_cost_per_inhabitant_year",
           "e2_months_at_home_gain")


def arms(scenario: dict, file: str) -> tuple[dict, dict]:
    """(the three resolved arms by name, the headline settings) of a design point's scenario."""
    data = copy.deepcopy(scenario)
    settings = data.pop("headline")
    data.pop("dummy", None)
    params = data.get("parameters")
    if isinstance(params, dict):
        for name in [n for n in params if n in DERIVED]:
            params.update(to_overrides({name: params.pop(name)}))
    base_dir = os.path.dirname(file) if file and file != "<dict>" else None
    reform = resolve_scenario(dict(data, name="reform", investments=[]), file=file, base_dir=base_dir)
    no_reform = resolve_scenario(dict(data, name="no_reform", investments=[],
                                      policy=dict(data.get("policy") or {}, schedule="none")), file=file,
                                 base_dir=base_dir)
    wsg = resolve_scenario(dict(data, name="wsg", investments=settings["wsg_investments"]), file=file,
                           base_dir=base_dir)
    return {"reform": reform, "no_reform": no_reform, "wsg": wsg}, settings


def _window_mean(table: pd.DataFrame, indicator: str, lo: int) -> float:
    t = table[(table.indicator == indicator) & (table.year >= lo)]
    return float(t.value.mean())


def _months_km(model: TrackedModel, lo: int) -> float:
    w = window_spells(model.spells(), (lo, model.end_year))
    return restricted_mean(w.entry, w.exit, w.event, HORIZON_MONTHS)


def headline_values(scenario: dict, replicate: int = 0, file: str = "<dict>") -> dict:
    """The four outputs (module docstring) of one design point and replicate."""
    runs, settings = arms(scenario, file)
    models = {}
    for name, s in runs.items():
        engine = TrackedModel if name != "no_reform" else LangerThuisModel
        models[name] = engine(s, replicate=replicate).run()
    tables = {name: m.indicators() for name, m in models.items()}
    e1, e2 = int(settings["e1_from"]), int(settings["e2_from"])
    cost = "cost_total_per_capita"
    return {
        "e1_net_saving_per_inhabitant_year": _window_mean(tables["no_reform"], cost, e1)
        - _window_mean(tables["reform"], cost, e1),
        "e1_unmet_need_change_pp": 100.0 * (_window_mean(tables["reform"], "unmet_need_share", e1)
                                            - _window_mean(tables["no_reform"], "unmet_need_share", e1)),
        "e2_net_cost_per_inhabitant_year": _window_mean(tables["wsg"], cost, e2) - _window_mean(tables["reform"], cost, e2),
        "e2_months_at_home_gain": _months_km(models["wsg"], e2) - _months_km(models["reform"], e2),
    }


def run_headline(scenario: dict, replicate: int, file: str) -> pd.DataFrame:
    """Sweep runner (``runner: sim.experiments.e4_arms:run_headline``): the outputs as a tidy table."""
    values = headline_values(scenario, replicate, file)
    year = int(scenario["end_year"])
    return pd.DataFrame({"scenario": scenario.get("name", "headline"), "replicate": np.int64(replicate),
                         "year": np.int64(year), "indicator": list(values), "value": np.array(list(values.values()))})
