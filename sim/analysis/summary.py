"""The replicate summary: mean and 90 % band (5th-95th percentile) over replicates, in one place.

Every table and figure that shows a band over replicates (compare, validate, the app, the report's
source tables, the run figures) takes it from here, so the numbers agree to the last bit. Percentiles
interpolate linearly between order statistics (NumPy's and pandas' default method). Values that are
not finite (an indicator with an empty denominator is NaN) are left out; a group without any finite
value gives NaN.
"""
from __future__ import annotations

import math

import numpy as np
import pandas as pd

LOW, HIGH = 5, 95     # the band: 5th to 95th percentile (a 90 % interval)
COLUMNS = ("mean", "p5", "p95", "n_replicates")


def band(values) -> tuple[float, float, float]:
    """(mean, 5th percentile, 95th percentile) of the finite values; NaNs when there are none."""
    v = np.asarray(values, dtype=float)
    v = v[np.isfinite(v)]
    if not len(v):
        return math.nan, math.nan, math.nan
    return float(v.mean()), float(np.percentile(v, LOW)), float(np.percentile(v, HIGH))


def replicate_summary(table: pd.DataFrame, by, value: str = "value", sort: bool = True) -> pd.DataFrame:
    """Per group of the columns ``by``: mean, p5, p95 (see ``band``) and n_replicates (the number of
    finite values) of ``value``. One row per group, in groupby order (``sort=False``: order of appearance)."""
    by = [by] if isinstance(by, str) else list(by)
    rows = []
    for key, v in table.groupby(by, sort=sort)[value]:
        values = v.to_numpy(dtype=float)
        rows.append((*key, *band(values), int(np.isfinite(values).sum())))
    return pd.DataFrame(rows, columns=[*by, *COLUMNS])
