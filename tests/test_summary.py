"""The replicate summary (sim.analysis.summary) on hand-made tables with known answers, and its users.

Twenty replicates valued 1..20: mean 10.5; the 5th percentile lies at rank 0.05 x 19 = 0.95 between the
1st and 2nd value (1.95), the 95th at rank 18.05 between the 19th and 20th (19.05).
"""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from sim.analysis.compare import paired_summary
from sim.analysis.summary import band, replicate_summary
from sim.workshop.outcomes import bands, differences

RNG = np.random.default_rng(7)
ONE_TO_TWENTY = RNG.permutation(np.arange(1.0, 21.0))       # order must not matter


def tidy(values_by_scenario: dict, year=2020) -> pd.DataFrame:
    rows = [{"scenario": s, "year": year, "replicate": r, "indicator": "x", "value": v}
            for s, values in values_by_scenario.items() for r, v in enumerate(values)]
    return pd.DataFrame(rows)


def test_band_of_twenty_replicates():
    assert band(ONE_TO_TWENTY) == (10.5, pytest.approx(1.95, abs=1e-12), pytest.approx(19.05, abs=1e-12))
    assert band(10 * ONE_TO_TWENTY) == (105.0, pytest.approx(19.5, abs=1e-12), pytest.approx(190.5, abs=1e-12))


def test_band_leaves_out_missing_values_and_is_nan_without_any():
    with_gaps = np.r_[ONE_TO_TWENTY, np.nan, np.inf]
    assert band(with_gaps) == band(ONE_TO_TWENTY)
    assert all(math.isnan(x) for x in band([np.nan, np.nan]))
    assert all(math.isnan(x) for x in band([]))
    assert band([4.0]) == (4.0, 4.0, 4.0)


def test_replicate_summary_per_group():
    table = tidy({"b": 10 * ONE_TO_TWENTY, "a": np.r_[ONE_TO_TWENTY, np.nan], "c": [np.nan, np.nan]})
    out = replicate_summary(table, ["scenario", "year"]).set_index("scenario")
    assert list(out.index) == ["a", "b", "c"]                  # sorted groups
    assert out.loc["a", "mean"] == 10.5 and out.loc["a", "p5"] == pytest.approx(1.95)
    assert out.loc["a", "p95"] == pytest.approx(19.05) and out.loc["a", "n_replicates"] == 20
    assert out.loc["b", "mean"] == 105.0 and out.loc["b", "p5"] == pytest.approx(19.5)
    assert out.loc["b", "p95"] == pytest.approx(190.5) and out.loc["b", "n_replicates"] == 20
    assert math.isnan(out.loc["c", "mean"]) and out.loc["c", "n_replicates"] == 0
    unsorted = replicate_summary(table, ["scenario", "year"], sort=False)
    assert list(unsorted.scenario) == ["b", "a", "c"]          # order of appearance
    assert list(replicate_summary(table.iloc[:0], "year").columns) == ["year", "mean", "p5", "p95", "n_replicates"]


def test_compare_app_and_summary_give_the_same_band():
    """compare's paired summary and the app's bands and paired differences all use the one summary."""
    base = ONE_TO_TWENTY
    table = tidy({"base": base, "plus": base + 10 * ONE_TO_TWENTY})   # paired difference: 10 x (1..20)
    per_rep = table.rename(columns={"indicator": "outcome"})
    s = paired_summary(per_rep, ["base", "plus"]).set_index("scenario")
    assert (s.loc["base", "mean"], s.loc["base", "p5"], s.loc["base", "p95"]) == band(base)
    assert s.loc["plus", "diff_mean"] == pytest.approx(105.0)
    assert s.loc["plus", "diff_p5"] == pytest.approx(19.5) and s.loc["plus", "diff_p95"] == pytest.approx(190.5)
    assert s.loc["base", "diff_mean"] == 0 and s.loc["plus", "replicates"] == 20
    b = bands(table, "x").set_index("scenario")
    assert (b.loc["base", "mean"], b.loc["base", "low"], b.loc["base", "high"]) == band(base)
    d = differences(table, "x", "base").set_index("scenario")
    assert (d.loc["plus", "mean"], d.loc["plus", "low"], d.loc["plus", "high"]) == band(10 * ONE_TO_TWENTY)
