"""What counts as a number in input files and scenarios: one definition for the scenario, sweep files and
calibration configs.

A boolean is never a number (YAML's ``true`` is not 1). NumPy scalars count: scenarios are also built in
Python (a sweep's design point, the app's levers) and may carry them. A number must be finite; an integer too
large for a float is not a finite number (it would overflow in the model), so it is refused, not a crash.
"""
from __future__ import annotations

import math
import numbers


def is_integer(value) -> bool:
    """A whole number of an integer type (int or a NumPy integer), not a boolean; 3.0 is not one."""
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def is_finite_number(value) -> bool:
    """An integer or a float (Python or NumPy), not a boolean, neither NaN nor infinite."""
    if not isinstance(value, numbers.Real) or isinstance(value, bool):
        return False
    try:
        return math.isfinite(value)
    except OverflowError:   # an int beyond the float range
        return False
