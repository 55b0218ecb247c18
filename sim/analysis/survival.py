"""Months at home after a first package as a survival estimate (issue 12 item 8).

A spell at home starts in the month a resident at home gets a first package in the run (flag PKG_IN_RUN)
and ends with admission to an institution or death (one composite end point: no longer living at home).
The mean of the spells that ended in a window is biased twice: long spells have not ended yet when the run
stops (right censoring), and spells that began before the window are counted from their start while only
their survivors are seen (left truncation). The Kaplan-Meier product-limit estimator with delayed entry
handles both: a spell enters the risk set at the duration it had reached when the window opened, leaves
it when it ends (an event) or when the window closes (censored).

Durations are whole months (a resident's ``months_home``). ``km_curve`` gives S(t) = P(spell > t months);
``restricted_mean`` the expected months at home within a horizon H, sum over t = 0..H-1 of S(t) (the area
under the curve, the usual summary when the curve does not reach 0 within the data: Royston & Parmar 2013).
"""
from __future__ import annotations

import numpy as np
import pandas as pd

HORIZON_MONTHS = 120   # months at home within ten years of a first package


def window_spells(spells: pd.DataFrame, window) -> pd.DataFrame:
    """The spells of ``spells`` (start, end: absolute months, end exclusive; event 1 = ended, 0 = still at
    home when the run stopped) seen in the window of years ``(lo, hi)``, as (entry, exit, event) durations in
    months: entry = months already at home when the window opened (0 for spells that start in it)."""
    lo, hi = int(window[0]) * 12, (int(window[1]) + 1) * 12
    s = spells[(spells.start < hi) & (spells.end > lo)]
    entry = np.maximum(lo - s.start.to_numpy(), 0)
    end = np.minimum(s.end.to_numpy(), hi)
    event = ((s.event.to_numpy() == 1) & (s.end.to_numpy() <= hi)).astype(int)
    return pd.DataFrame({"entry": entry, "exit": end - s.start.to_numpy(), "event": event})


def km_curve(entry, exit, event, horizon: int = HORIZON_MONTHS) -> np.ndarray:
    """S(t) for t = 0..horizon (S(0) = 1), Kaplan-Meier with delayed entry: at duration t the risk set holds
    the spells with entry < t <= exit, and the events are the spells that end at exactly t."""
    entry, exit, event = (np.asarray(a, dtype=np.int64) for a in (entry, exit, event))
    t = np.arange(1, horizon + 1)
    # risk set at t: entered before t (entry <= t-1) and not yet ended before t (exit >= t)
    entered = np.searchsorted(np.sort(entry), t - 1, side="right")
    left = np.searchsorted(np.sort(exit), t - 1, side="right")      # exit <= t-1: gone before t
    at_risk = entered - left
    deaths = np.bincount(exit[event == 1], minlength=horizon + 2)[1:horizon + 1]
    hazard = np.divide(deaths, at_risk, out=np.zeros(horizon), where=at_risk > 0)
    return np.concatenate([[1.0], np.cumprod(1.0 - hazard)])


def restricted_mean(entry, exit, event, horizon: int = HORIZON_MONTHS) -> float:
    """Expected months at home within ``horizon`` months of a first package (NaN without spells)."""
    if len(np.asarray(exit)) == 0:
        return float("nan")
    return float(km_curve(entry, exit, event, horizon)[:horizon].sum())


def median_months(entry, exit, event, horizon: int = HORIZON_MONTHS) -> float:
    """The first duration at which S(t) <= 0.5 (NaN when the curve stays above one half within the horizon)."""
    s = km_curve(entry, exit, event, horizon)
    below = np.flatnonzero(s <= 0.5)
    return float(below[0]) if len(below) else float("nan")
