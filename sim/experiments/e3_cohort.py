"""E3's cohort followed month by month: what happens to people who all start in one situation.

A scenario with a ``cohort`` key (scenarios/README.md) starts with N residents at home who hold one VV package,
with a given carer situation, dwelling and alarm follow-up, and runs them under the scenario's rules (no
inflow; neither places nor team hours bind, so the outcomes follow from the situation, not from a queue).
``CohortModel`` reads off each month what the model's counters and the residents' state say about the cohort
(reading changes nothing: the results are the plain model's) and ``cohort_outcomes`` summarises one run:

| outcome | meaning |
|---|---|
| ``months_at_home`` | Kaplan-Meier restricted mean months at home (until admission or death) within the run |
| ``at_home_end_share`` | S(H): share still at home after the H months of the run (Kaplan-Meier) |
| ``crises_per_100_years`` | late alarm responses that became a crisis, per 100 client-years at home |
| ``carer_strain_mean`` | mean strain (0..1) of the carer over client-months with a carer |
| ``carer_overburdened_share`` | share of client-months with a carer whose strain is over the threshold |
| ``breakdowns_per_100_years`` | care arrangements that broke down per 100 client-years at home |
| ``carer_months_share`` | share of the months at home with a carer (new carers come from the network) |
| ``formal_hours_month`` | formal care hours delivered per client-month at home |
| ``informal_hours_week`` | hours a week the carer gives, per client-month at home |
| ``admitted_share`` | share of the cohort admitted to an institution within the run (the rest died at home or is still there) |
"""
from __future__ import annotations

import numpy as np

from sim.model.state import A, HOME
from sim.analysis.compare import TrackedModel
from sim.analysis.survival import km_curve, restricted_mean, window_spells

OUTCOMES = ("months_at_home", "at_home_end_share", "crises_per_100_years",
            "carer_strain_mean", "carer_overburdened_share", "breakdowns_per_100_years", "carer_months_share",
            "formal_hours_month", "informal_hours_week", "admitted_share")
COUNTED = ("crises", "breakdowns", "delivered_c", "admissions", "client_carer_months",
           "client_carer_months_overburdened")


class CohortModel(TrackedModel):
    """The model plus the cohort's monthly sums: client-months at home, months with a carer, carer strain and
    hours, and the month totals of the counters in ``COUNTED``."""

    def __init__(self, scenario: dict, replicate: int = 0, seed: int | None = None):
        super().__init__(scenario, replicate, seed)
        self.sums = dict.fromkeys(("home_months", "carer_months", "strain", "carer_hours") + COUNTED, 0.0)

    def step(self):
        r = self.residents
        home = r.view("residence") == HOME
        self.sums["home_months"] += float(home.sum())   # at home at the start of the month: its counters' base
        super().step()
        for name in COUNTED:
            self.sums[name] += float(self.last_month_totals[A[name]])
        home = r.view("residence") == HOME
        with_carer = home & (r.view("carer") > 0)
        self.sums["carer_months"] += float(with_carer.sum())
        self.sums["strain"] += float(r.view("strain")[with_carer].astype(np.float64).sum())
        self.sums["carer_hours"] += float(r.view("carer_hours")[home].astype(np.float64).sum())


def horizon_months(scenario: dict) -> int:
    return 12 * (int(scenario["end_year"]) - int(scenario["start_year"]) + 1)


def _ratio(a, b, scale=1.0) -> float:
    return scale * a / b if b > 0 else float("nan")


def cohort_outcomes(model: CohortModel) -> tuple[dict, np.ndarray]:
    """(outcomes of one finished cohort run, its Kaplan-Meier curve S(0..H)) - see the module docstring."""
    s = model.scenario
    horizon = horizon_months(s)
    w = window_spells(model.spells(), (s["start_year"], s["end_year"]))
    curve = km_curve(w.entry, w.exit, w.event, horizon)
    m = model.sums
    years = m["home_months"] / 12.0
    size = int(s["cohort"]["size"])
    out = {
        "months_at_home": restricted_mean(w.entry, w.exit, w.event, horizon),
        "at_home_end_share": float(curve[horizon]),
        "crises_per_100_years": _ratio(m["crises"], years, 100.0),
        "carer_strain_mean": _ratio(m["strain"], m["carer_months"]),
        "carer_overburdened_share": _ratio(m["client_carer_months_overburdened"], m["client_carer_months"]),
        "breakdowns_per_100_years": _ratio(m["breakdowns"], years, 100.0),
        "carer_months_share": _ratio(m["carer_months"], m["home_months"]),
        "formal_hours_month": _ratio(m["delivered_c"] / 100.0, m["home_months"]),
        "informal_hours_week": _ratio(m["carer_hours"], m["home_months"]),
        "admitted_share": m["admissions"] / size,
    }
    return out, curve


def run_cohort(scenario: dict, replicate: int = 0) -> tuple[dict, np.ndarray]:
    """Run one replicate of a cohort scenario (resolved, with a ``cohort`` key); its outcomes and S(t)."""
    if not scenario.get("cohort"):
        raise ValueError("run_cohort: expected a scenario with a cohort key")
    model = CohortModel(scenario, replicate=replicate)
    model.run()
    return cohort_outcomes(model)
