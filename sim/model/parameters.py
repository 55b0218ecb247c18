"""Model parameters: values and their sources from ``sim/model/parameters.yaml``.

The kernel receives parameters as a NamedTuple of floats (``Params``), so that Numba compiles every
``p.name`` to a constant offset and a changed parameter set is a changed type, never a stale cache.
"""
from __future__ import annotations

import math
from collections import namedtuple
from functools import lru_cache
from importlib import resources

import yaml

from sim.errors import InputError


@lru_cache(maxsize=1)
def _table() -> dict:
    text = resources.files("sim.model").joinpath("parameters.yaml").read_text(encoding="utf-8")
    return yaml.safe_load(text)


def default_parameters() -> dict[str, float]:
    """Parameter name -> default value."""
    return {name: float(entry["value"]) for name, entry in _table().items()}


def parameter_sources() -> dict[str, str]:
    """Parameter name -> its source, or 'assumption: ...'."""
    return {name: entry.get("source") or "assumption: " + entry["assumption"]
            for name, entry in _table().items()}


Params = namedtuple("Params", list(_table()))


def make_params(overrides: dict | None = None) -> Params:
    """The defaults with ``overrides`` applied (names must exist; values finite numbers)."""
    values = default_parameters()
    for name, value in (overrides or {}).items():
        if name not in values:
            raise InputError(f"parameters.{name}: expected a model parameter name, found unknown name {name!r}")
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            raise InputError(f"parameters.{name}: expected a finite number, found {value!r}")
        values[name] = float(value)
    return Params(**values)
