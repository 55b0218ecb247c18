"""E1's no-reform capacity paths: the reform's effect as a range over named plausible counterfactuals.

No source found gives the capacity path the Netherlands would have followed had the pre-2013 right to a place
been kept (issue 25 item 5): the projection found (TNO 2019, for VWS) starts after the reform and counts VV4+
demand only, and the pre-reform figures (VNG, seed 003) are a past trend, not a plan. So E1 runs the
counterfactual on each of these named paths, all with the observed places through 2012 and the pre-2013 access
rules, and reports for every outcome whether the reform's effect holds on every path or turns on the path. The first path is scenarios/no_reform.yaml's and
the reference of E1's other contrasts (the parts of the reform).
"""
from __future__ import annotations

import numpy as np
import pandas as pd

OBSERVED_UNTIL = 2012   # the last year before the reform's first cuts (2013)
# path -> (policy.capacity of the no-reform arm, what the places do after 2012, its footing)
PATHS = {
    "follow_demand": ({"observed_until": OBSERVED_UNTIL, "rule": "follow_demand"},
                      "follow the demand (occupied + waiting) by at most 4.5 % a year",
                      "assumption of scenarios/no_reform.yaml: places are built for the right to a place, as the "
                      "AWBZ kept waiting lists short; 4.5 % is the sector's planned build rate (ActiZ/TNO, "
                      "approximate)"),
    "per_80plus": ({"observed_until": OBSERVED_UNTIL, "rule": "per_80plus"},
                   "stay constant per person 80+ at the 2012 level",
                   "VV places per 80+ held (CBS projection of the 80+, sim/model/data/capacity_nl.yaml); the other "
                   "sectors per inhabitant"),
    "fixed": ({"observed_until": OBSERVED_UNTIL, "rule": "fixed"},
              "stay constant in number at the 2012 level",
              "no building and no closing after 2012"),
    "trend_2000_2010": ({"observed_until": OBSERVED_UNTIL, "rule": "change",
                         "change_per_year": {"VV": -0.007}, "change_until": 2100},
                        "fall 0.7 % a year, the 2000-2010 trend continued",
                        "VNG (seed 003, DOMAIN.md section 1): care- and nursing-home places 170,000 (2000) -> 158,000 "
                        "(2010), -0.7 % a year; the other sectors constant"),
    "tno_demand": ({"observed_until": OBSERVED_UNTIL, "rule": "change",
                    "change_per_year": {"VV": 0.031}, "change_until": 2100},
                   "grow 3.1 % a year, the projected nursing-home demand",
                   "TNO 2019 R12033 'Prognose capaciteitsontwikkeling verpleeghuiszorg' (Kamerstuk 31765 nr. 458, "
                   "20 December 2019): a policy-neutral projection of nursing-home demand, about double by 2040, "
                   "about 3.1 % a year (made after the reform, for VV4+ care); the other sectors constant"),
}
REFERENCE = "follow_demand"


def arm(path: str) -> str:
    """The no-reform arm of a path (the reference path's is E1's ``no_reform``)."""
    return "no_reform" if path == REFERENCE else f"no_reform_{path}"


def contrast(path: str) -> str:
    """The contrast 'the enacted reform against no reform on this path' (the reference path's is ``reform``)."""
    return "reform" if path == REFERENCE else f"reform_vs_{path}"


def arms() -> dict[str, tuple[str, dict]]:
    """E1 arms for the paths other than the reference: arm -> (scenario file, keys changed)."""
    return {arm(p): ("no_reform.yaml", {"policy": {"capacity": cap}}) for p, (cap, _, _) in PATHS.items()
            if p != REFERENCE}


def contrasts() -> dict[str, tuple[str, str, str]]:
    """E1 contrasts for the paths other than the reference: contrast -> (arm, minus arm, what it is)."""
    return {contrast(p): ("enacted", arm(p), f"the enacted reform against no reform with places that {what}")
            for p, (_, what, _) in PATHS.items() if p != REFERENCE}


def verdict(p5: np.ndarray, p95: np.ndarray) -> str:
    """'lower on every path' / 'higher on every path' when every path's 90 % interval lies on one side of 0;
    'sign turns on the path' when some lie below and some above; 'no clear change on any path' when every
    interval holds 0; else 'turns on the path (no clear change on some)'."""
    below, above = p95 < 0, p5 > 0
    if below.all():
        return "lower on every path"
    if above.all():
        return "higher on every path"
    if below.any() and above.any():
        return "sign turns on the path"
    if not (below.any() or above.any()):
        return "no clear change on any path"
    return "turns on the path (no clear change on some)"


def by_path(con: pd.DataFrame, outcomes: dict[str, str]) -> pd.DataFrame:
    """Per outcome: the reform's effect on each path (mean, 5-95 %), the range of the means and the verdict."""
    rows = []
    for outcome, label in outcomes.items():
        c = con[con.outcome == outcome].set_index("contrast")
        if not all(contrast(p) in c.index for p in PATHS):
            continue
        part = c.loc[[contrast(p) for p in PATHS]]
        if part.diff_mean.isna().any():
            continue
        rows.append({"outcome": outcome, "label": label,
                     **{p: (float(r.diff_mean), float(r.diff_p5), float(r.diff_p95)) for p, r in
                        zip(PATHS, part.itertuples())},
                     "low": float(part.diff_mean.min()), "high": float(part.diff_mean.max()),
                     "verdict": verdict(part.diff_p5.to_numpy(), part.diff_p95.to_numpy())})
    return pd.DataFrame(rows)


def conclusion_sentence(table: pd.DataFrame, fmt) -> str:
    """Which answers hold on every path, which show no clear change on any, and which turn on the path, with
    the range of the reform's mean effect over the paths."""
    def item(r):
        return f"{r.label} ({fmt(r.low)} to {fmt(r.high)})"
    holds = [f"{item(r)}, {r.verdict.split(' on')[0]}" for r in table.itertuples() if "every path" in r.verdict]
    none = [item(r) for r in table.itertuples() if r.verdict == "no clear change on any path"]
    turns = [item(r) for r in table.itertuples() if "turns" in r.verdict]
    text = (f"Over the {len(PATHS)} named no-reform capacity paths ({', '.join(PATHS)}; range of the mean effect "
            f"over the paths in brackets) the reform's effect holds in sign on every path for: "
            f"{'; '.join(holds) or 'none'}; it turns on the path for: {'; '.join(turns) or 'none'}")
    return text + (f"; no clear change on any path: {'; '.join(none)}." if none else ".")
