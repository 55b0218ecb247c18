"""Results per area (issue 26): every cell (a wijk code, or ``x<x>y<y>`` on a synthetic grid), every named
area of the scenario, ``all`` (the sum of the cells) and ``outside:<area>`` (the cells not in that area),
as the tidy table ``areas.parquet``: ``scenario, replicate, year, area, indicator, value``.

The counts per cell are the model's per-neighbourhood accumulators (``CELL_NAMES`` in sim/model/state.py):
each mechanism adds to its cell's where it adds to the town's total (admissions and the spells they end in
policy.admit, the intramural cost in care.in_institution, respite in carers.month, home adaptations in
housing.month and access.housing, ...), so the cells add up to the town's totals. An area's indicator is
computed from the summed counts of its cells, so areas add up. The indicators (:data:`INDICATORS`):

* ``inhabitants``: the cells' share of the inhabitants at the start times the municipality's (mid-year);
* ``inhabitants_65plus``: residents 65+ counted in July (at home and in an institution);
* ``months_independent_after_indication``: months at home of the package spells that ended in the year
  (by admission or death at home), per spell (``spell_months`` / ``spells_ended``, both also given);
* ``admissions`` and ``intramural_admissions_per_1000`` (per inhabitant);
* ``unmet_need_share``: formal hours needed but not delivered, per hour needed;
* ``informal_care_hours``: the carers' hours a week in July times 52 (a yearly estimate from one month);
* ``carers_overburdened`` and ``carers_overburdened_share`` (carers counted in July);
* ``cost_wlz``, ``cost_wmo``, ``cost_zvw`` (euros a year, the payer as ``care.payer_of`` says): care hours at
  home at their tariffs, intramural days, alarms, hospital admissions;
* ``cost_investment_<payer>`` (euros): each investment's cost in the year times the share of its cells in
  the area (costs are per investment, spread evenly over its cells); ``cost_total``: the care lines and the
  investments; every cost also ``..._per_capita``;
* the rest of the town's cost lines, each with the payer the town's ledger gives it (sim/model/indicators.py):
  ``cost_respite_wlz`` and ``cost_respite_wmo`` (respite hours at their tariff, ``care.payer_of``),
  ``cost_adaptations_wmo`` (Wmo home adaptations), ``cost_access_route_<payer>`` (the access route's running
  cost per inhabitant of each cell, the area's own route where it has one, from the route's first year;
  ``<payer>`` the route's ``access.payer``); ``cost_total_complete``: ``cost_total`` and these, so the cells'
  sum is every cost of the town's indicators (``cost_total_per_capita`` times the inhabitants);
  ``cost_total_complete_per_capita``;
* ``falls`` (all ages) and ``falls_per_1000_65plus``;
* ``wsg``: the share of the six woonservicegebied building blocks present (neighbourhoods.wsg_share),
  averaged over the area's cells weighted by inhabitants.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from sim.model import municipality_layout
from sim.model.indicators import GGZ_TO_WMO_YEAR, INVESTMENT_PAYERS, TARIFF
from sim.model.mechanisms import access
from sim.model.mechanisms.care import CARE_TYPES, RESPITE, payer_of
from sim.model.neighbourhoods import investment_cost, wsg_share
from sim.model.population import national_inhabitants
from sim.model.state import CELL_NAMES

PAYERS = ("wlz", "wmo", "zvw")
RESPITE_PAYERS = ("wlz", "wmo")   # care.payer_of(RESPITE, ...)
# the cost lines counted per area besides cost_total's (module docstring)
OTHER_COSTS = ("cost_respite_wlz", "cost_respite_wmo", "cost_adaptations_wmo",
               *(f"cost_access_route_{p}" for p in INVESTMENT_PAYERS))
INDICATORS = ("inhabitants", "inhabitants_65plus", "months_independent_after_indication", "spells_ended",
              "spell_months", "admissions",
              "intramural_admissions_per_1000", "unmet_need_share", "informal_care_hours", "carers_overburdened",
              "carers_overburdened_share", *(f"cost_{p}" for p in PAYERS),
              *(f"cost_investment_{p}" for p in INVESTMENT_PAYERS), "cost_total",
              *(f"cost_{p}_per_capita" for p in PAYERS), "cost_investment_per_capita", "cost_total_per_capita",
              *OTHER_COSTS, "cost_total_complete", "cost_total_complete_per_capita",
              "falls", "falls_per_1000_65plus", "wsg")


# ----------------------------------------------------------------------------- the table
def groups(scenario: dict) -> dict:
    """Area name -> cell indices: every cell by its code, the named areas, ``all`` and ``outside:<area>``."""
    codes = municipality_layout.cell_codes(scenario)
    height = int(scenario["municipality"]["grid"]["height"])
    out = {code: [k] for k, code in enumerate(codes)}
    out["all"] = list(range(len(codes)))
    for name, cells in scenario["areas"].items():
        inside = sorted(int(x) * height + int(y) for x, y in cells)
        out[name] = inside
        out[f"outside:{name}"] = [k for k in range(len(codes)) if k not in set(inside)]
    return out


def _wsg(scenario: dict, year: int, n_cells: int, height: int) -> np.ndarray:
    """The wsg layer of ``year`` (as Neighbourhoods.set_year computes it)."""
    return wsg_share(scenario["investments"], year, n_cells, lambda c: int(c[0]) * height + int(c[1]))


def _investment_by_cell(scenario: dict, year: int, rate: float, n_cells: int, height: int) -> dict:
    """Payer -> euros per cell in ``year``: each investment's cost spread evenly over its cells."""
    out = {p: np.zeros(n_cells) for p in INVESTMENT_PAYERS}
    for inv in scenario["investments"]:
        c = investment_cost(inv, year, rate)
        idx = [int(x) * height + int(y) for x, y in inv["cells"]]
        if idx:
            out[inv["cost"].get("payer", "municipality")][idx] += (c["capital"] + c["running"]) / len(idx)
    return out


def _route_cost_per_inhabitant(scenario: dict, p, n_cells: int, height: int) -> np.ndarray:
    """The access route's running cost per inhabitant of each cell, as access.WmoBudget charges it: the
    municipality's route, an area's own route in its cells."""
    cost = np.full(n_cells, access.running_cost_per_inhabitant(p, access.route_of(scenario)))
    for block, cells in access.area_blocks(scenario):
        cost[[int(x) * height + int(y) for x, y in cells]] = access.running_cost_per_inhabitant(p, block)
    return cost


def _other_costs(t: dict, year: int, p, route: dict) -> dict:
    """OTHER_COSTS of an area: respite and home adaptations from its counts ``t``, ``route``: the route's
    running cost in the area by payer."""
    respite = dict.fromkeys(RESPITE_PAYERS, 0.0)
    for wlz, hours_c in ((False, "respite_c"), (True, "respite_wlz_c")):
        respite[payer_of(RESPITE, year, wlz)] += t[hours_c] / 100.0 * p.tariff_respite_hour
    return {**{f"cost_respite_{k}": respite[k] for k in RESPITE_PAYERS},
            "cost_adaptations_wmo": t["adaptations"] * p.tariff_adaptation,
            **{f"cost_access_route_{k}": route.get(k, 0.0) for k in INVESTMENT_PAYERS}}


def _values(t: dict, year: int, p, inhabitants: float, investment: dict, wsg: float, route: dict) -> dict:
    """An area's indicators from its summed counts ``t`` (CELL_NAMES)."""
    ratio = lambda a, b: a / b if b > 0 else float("nan")
    cost = {"wlz": t["intramural_cost_wlz_cents"] / 100.0, "wmo": 0.0, "zvw": 0.0}
    cost["wmo" if year >= GGZ_TO_WMO_YEAR else "wlz"] += t["intramural_cost_ggz_cents"] / 100.0
    for k, ct in enumerate(CARE_TYPES[:5]):
        for wlz in (0, 1):
            cost[payer_of(k, year, bool(wlz))] += t[f"{ct}{'_wlz' if wlz else ''}_c"] / 100.0 * getattr(p, TARIFF[ct])
    cost["wmo"] += t["alarm_users"] * p.tariff_alarm_month
    cost["zvw"] += t["hospital_all"] * p.tariff_hospital_admission
    invest = sum(investment.values())
    total = sum(cost.values()) + invest
    other = _other_costs(t, year, p, route)
    complete = total + sum(other.values())
    per_capita = lambda v: ratio(v, inhabitants)
    return {
        "inhabitants": inhabitants, "inhabitants_65plus": t["residents_65plus"],
        "months_independent_after_indication": ratio(t["spell_months"], t["spells_ended"]),
        "spells_ended": t["spells_ended"], "spell_months": t["spell_months"],
        "admissions": t["admissions"], "intramural_admissions_per_1000": ratio(1000.0 * t["admissions"], inhabitants),
        "unmet_need_share": ratio(t["unmet_c"], t["needed_c"]) if t["needed_c"] > 0 else 0.0,
        "informal_care_hours": t["carer_hours_week_c"] / 100.0 * 52.0,
        "carers_overburdened": t["carers_overburdened"],
        "carers_overburdened_share": ratio(t["carers_overburdened"], t["carers"]),
        **{f"cost_{k}": cost[k] for k in PAYERS},
        **{f"cost_investment_{k}": investment[k] for k in INVESTMENT_PAYERS}, "cost_total": total,
        **{f"cost_{k}_per_capita": per_capita(cost[k]) for k in PAYERS},
        "cost_investment_per_capita": per_capita(invest), "cost_total_per_capita": per_capita(total),
        **other, "cost_total_complete": complete, "cost_total_complete_per_capita": per_capita(complete),
        "falls": t["falls"], "falls_per_1000_65plus": ratio(1000.0 * t["falls"], t["residents_65plus"]), "wsg": wsg,
    }


def area_table(model) -> pd.DataFrame:
    """The tidy per-area table of one finished replicate (module docstring)."""
    scenario, hood = model.scenario, model.hood
    height, n = hood.height, hood.n_cells
    share = np.asarray(hood._base["inhabitants"], dtype=float)
    share = share / max(share.sum(), 1e-12)
    route = access.route_of(scenario)
    route_per_inhabitant = _route_cost_per_inhabitant(scenario, model.params, n, height)
    rows = []
    for year, counts in sorted(model.cell_records.items()):
        inhabitants = share * model.scale * national_inhabitants(year + 0.5)
        wsg = _wsg(scenario, year, n, height)
        invest = _investment_by_cell(scenario, year, model.params.discount_rate_costs, n, height)
        route_cost = route_per_inhabitant * inhabitants if year >= int(route["from_year"]) else np.zeros(n)
        for area, idx in groups(scenario).items():
            t = dict(zip(CELL_NAMES, counts[idx].sum(axis=0).tolist()))
            inh = float(inhabitants[idx].sum())
            w = float(np.average(wsg[idx], weights=inhabitants[idx])) if idx and inh > 0 else 0.0
            values = _values(t, year, model.params, inh, {k: float(v[idx].sum()) for k, v in invest.items()}, w,
                             {route["payer"]: float(route_cost[idx].sum())})
            rows += [(year, area, name, float(value)) for name, value in values.items()]
    df = pd.DataFrame(rows, columns=["year", "area", "indicator", "value"])
    df.insert(0, "replicate", model.replicate)
    df.insert(0, "scenario", scenario["name"])
    return df
