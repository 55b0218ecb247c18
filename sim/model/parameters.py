"""Model parameters: one record each (value, range, unit, group, source) in ``sim/model/parameters.yaml``.

The kernel receives parameters as a NamedTuple of floats (``Params``), so that Numba compiles every
``p.name`` to a constant offset and a changed parameter set is a changed type, never a stale cache.

``check_name`` and ``check_value`` are the one place where parameter names and override values are
checked; scenarios, sweeps, ``run_function`` and calibration configs call them.
"""
from __future__ import annotations

import difflib
import math
import numbers
from collections import namedtuple
from functools import lru_cache
from importlib import resources

import yaml

from sim.errors import InputError

FIELDS = ("value", "min", "max", "unit", "group")  # and one footing, FOOTINGS
# A record's footing, exactly one of: `source` (a citation with the figure), `set` (set by hand to meet a published
# figure: the figure is then no out-of-sample check, and its targets row has the role set) or `assumption` (why
# this value). Calibrated parameters (calibration/config.yaml) keep the footing of their default.
FOOTINGS = ("source", "set", "assumption")


@lru_cache(maxsize=1)
def _table() -> dict:
    text = resources.files("sim.model").joinpath("parameters.yaml").read_text(encoding="utf-8")
    # libyaml's safe loader when installed: the same table, read in a tenth of the time (every process reads it)
    return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


def parameter_records() -> dict[str, dict]:
    """Parameter name -> a copy of its record in parameters.yaml (value, min, max, unit, group, source...)."""
    return {name: dict(entry) for name, entry in _table().items()}


def default_parameters() -> dict[str, float]:
    """Parameter name -> default value."""
    return {name: float(entry["value"]) for name, entry in _table().items()}


def footing(entry: dict) -> str:
    """The footing of a parameter record: 'source', 'set' or 'assumption' (FOOTINGS)."""
    return next(key for key in FOOTINGS if entry.get(key))


def parameter_footings() -> dict[str, str]:
    """Parameter name -> 'source', 'set' or 'assumption'."""
    return {name: footing(entry) for name, entry in _table().items()}


def parameter_sources() -> dict[str, str]:
    """Parameter name -> its source, 'set by hand: ...' or 'assumption: ...'."""
    prefix = {"source": "", "set": "set by hand: ", "assumption": "assumption: "}
    return {name: prefix[footing(entry)] + entry[footing(entry)] for name, entry in _table().items()}


def parameter_range(name: str) -> tuple[float, float]:
    entry = _table()[name]
    return float(entry["min"]), float(entry["max"])


Params = namedtuple("Params", list(_table()))


class ParameterError(InputError):
    """A bad parameter name or value: ``parameters.NAME: expected ..., found ...`` (``path``, ``expected``,
    ``found`` let a caller place it in its own file, e.g. a scenario's file and line)."""

    def __init__(self, name, expected: str, found: str):
        self.path, self.expected, self.found = f"parameters.{name}", expected, found
        super().__init__(f"{self.path}: expected {expected}, found {found}")


def _number(x: float) -> str:
    return format(float(x), ".12g")


def check_name(name) -> str:
    """``name`` if it is a model parameter, else a ParameterError (with the nearest names as a hint)."""
    if isinstance(name, str) and name in _table():
        return name
    close = difflib.get_close_matches(str(name), list(_table()), n=2)
    hint = f"; did you mean {' or '.join(close)}?" if close else ""
    raise ParameterError(name, f"a model parameter name (sim/model/parameters.yaml{hint})", f"unknown name {name!r}")


def check_value(name, value) -> float:
    """``value`` as a float if it is a finite number within the parameter's range, else a ParameterError."""
    check_name(name)
    lo, hi = parameter_range(name)
    expected = f"a number from {_number(lo)} to {_number(hi)} [{_table()[name]['unit']}]"
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        found = f"{value!r} (a {type(value).__name__})" if value is not None else "null"
        raise ParameterError(name, expected, found)
    try:
        number = float(value)
    except OverflowError:  # an integer beyond any float
        number = math.inf
    if not (math.isfinite(number) and lo <= number <= hi):
        found = _number(number) if math.isfinite(number) else str(value)
        raise ParameterError(name, expected, found if len(found) <= 40 else f"{found[:12]}... ({len(found)} digits)")
    return number


def check_overrides(overrides: dict | None) -> dict[str, float]:
    """Every name and value of ``overrides`` checked (the first problem raises); values as floats."""
    return {name: check_value(name, value) for name, value in (overrides or {}).items()}


def make_params(overrides: dict | None = None) -> Params:
    """The defaults with ``overrides`` applied (names must exist; values finite and within range)."""
    return Params(**{**default_parameters(), **check_overrides(overrides)})
