"""A calibration config read and checked (``langerthuis calibrate CONFIG``; calibration/README.md): the scenario
with its changes, the targets, the free parameters' priors and the SMC settings.

Every key is checked before anything runs; a problem is one line naming the file, line and key. The
targets file (``indicator, year, value, tolerance, source[, role]``) is read here too, for calibration and
for ``langerthuis validate``.
"""
from __future__ import annotations

import copy
import math
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import stats

from sim.model.checks import is_finite_number, is_integer
from sim.model.ensemble import DERIVED
from sim.model.loader import InputFileError, join, line_of, read_csv, read_yaml, short
from sim.model.parameters import ParameterError, check_name, check_value


# --------------------------------------------------------------------------- priors
@dataclass(frozen=True)
class Prior:
    """One free parameter's prior: uniform(low, high) or normal(mean, sd) truncated to [low, high]."""
    name: str
    kind: str
    low: float
    high: float
    mean: float = math.nan
    sd: float = math.nan
    reason: str = ""

    @cached_property
    def dist(self):
        if self.kind == "uniform":
            return stats.uniform(self.low, self.high - self.low)
        a, b = (self.low - self.mean) / self.sd, (self.high - self.mean) / self.sd
        return stats.truncnorm(a, b, loc=self.mean, scale=self.sd)


class JointPrior:
    """Independent priors; ``sample`` (n, d) and ``logpdf`` (-inf outside the support)."""

    def __init__(self, priors: list[Prior]):
        self.priors = list(priors)
        self.names = [p.name for p in priors]

    def sample(self, rng, n: int) -> np.ndarray:
        return np.column_stack([p.dist.rvs(size=n, random_state=rng) for p in self.priors])

    def logpdf(self, theta: np.ndarray) -> np.ndarray:
        theta = np.atleast_2d(theta)
        return np.sum([p.dist.logpdf(theta[:, i]) for i, p in enumerate(self.priors)], axis=0)


# --------------------------------------------------------------------------- the config
@dataclass
class Config:
    file: str
    scenario: dict
    targets: pd.DataFrame  # indicator, year, value, tolerance, source, fitted, note
    prior: JointPrior
    seed: int
    smc: dict
    quick: bool = False
    raw: dict = field(default_factory=dict)
    plausibility: dict | None = None   # {"scenario" (run to until), "rows" (indicator, year, low, high), "until", "reason", "ranges_file"}


def _config_error(file, path, expected, found, line=None):
    return InputFileError(str(file), path, expected, found, line)


def _set_path(data: dict, path: str, value, fail=None):
    """Set a dotted key in nested mappings; ``fail(expected, found)`` if a step is not a mapping."""
    keys = path.split(".")
    for k in keys[:-1]:
        data = data.setdefault(k, {})
        if not isinstance(data, dict):
            if fail is None:
                raise TypeError(f"{path}: {k} is not a mapping")
            fail(f"a dotted path through mappings of the scenario ({k} is not one)", short(data))
    data[keys[-1]] = value


# calibration config keys (calibration/README.md): top level, smc and one free parameter's prior
CONFIG_KEYS = {"scenario", "scenario_changes", "targets", "exclude", "seed", "smc", "parameters", "quick",
               "plausibility"}
PLAUSIBILITY_KEYS = {"ranges", "until", "indicators", "reason"}
REQUIRED_KEYS = ("scenario", "targets", "parameters", "smc")
QUICK_KEYS = {"scenario_changes", "smc"}
PRIOR_KEYS = {"uniform": {"prior", "low", "high", "reason"}, "normal": {"prior", "low", "high", "mean", "sd", "reason"}}
MAX_PARTICLES = 10_000
MAX_SIMULATIONS = 10_000_000  # per generation
SMC_DEFAULTS = {"particles": 40, "generations": 5, "quantile": 0.5, "batch": None, "max_simulations": 2000,
                "min_acceptance": 0.0, "workers": 2}


# smc key -> (check, expected)
SMC_CHECKS = {
    "particles": (lambda v: is_integer(v) and 1 <= v <= MAX_PARTICLES, f"an integer from 1 to {MAX_PARTICLES:,}"),
    "generations": (lambda v: is_integer(v) and 1 <= v <= 100, "an integer from 1 to 100"),
    "quantile": (lambda v: is_finite_number(v) and 0 < v <= 1, "a number > 0 and <= 1"),
    "batch": (lambda v: v is None or (is_integer(v) and 1 <= v <= MAX_PARTICLES),
              f"null or an integer from 1 to {MAX_PARTICLES:,}"),
    "max_simulations": (lambda v: is_integer(v) and 1 <= v <= MAX_SIMULATIONS,
                        f"an integer from 1 to {MAX_SIMULATIONS:,}"),
    "min_acceptance": (lambda v: is_finite_number(v) and 0 <= v <= 1, "a number from 0 to 1"),
    "workers": (lambda v: is_integer(v) and 1 <= v <= 256, "an integer from 1 to 256"),
}


def _check_config(raw, lines, file, quick: bool) -> dict:
    """Every key of a calibration config checked (types, ranges, unknown keys); returns the smc settings."""
    def fail(path, expected, found):
        raise _config_error(file, path, expected, found, line_of(lines, path))

    def mapping(value, path, keys=None, optional=True):
        if value is None and optional:
            return {}
        if not isinstance(value, dict):
            fail(path, "a mapping" + (" with the keys " + ", ".join(sorted(keys)) if keys else ""), short(value))
        for key in value:
            if keys is not None and key not in keys:
                fail(join(path, key), "one of the keys " + ", ".join(sorted(keys)), f"unknown key {short(key)}")
            if not isinstance(key, str):
                fail(path, "keys that are strings", short(key))
        return value

    if not isinstance(raw, dict):
        fail("", "a mapping of calibration config keys", "an empty file" if raw is None else type(raw).__name__)
    mapping(raw, "", CONFIG_KEYS)
    for key in REQUIRED_KEYS:
        if key not in raw:
            fail(key, "a value", "nothing (the key is missing)")
    for key in ("scenario", "targets"):
        if not isinstance(raw[key], str) or not raw[key].strip() or not raw[key].isprintable():
            fail(key, "a file path (relative to the config)", short(raw[key]))
    seed = raw.get("seed", 1)
    if not is_integer(seed) or not 0 <= seed <= 2 ** 63 - 1:
        fail("seed", "an integer from 0 to 2**63 - 1", short(seed))
    for name, reason in mapping(raw.get("exclude"), "exclude").items():
        if not isinstance(reason, str) or not reason.strip():
            fail(join("exclude", name), "the reason this indicator is not fitted (a string)", short(reason))
    for key in mapping(raw.get("scenario_changes"), "scenario_changes"):
        if not key.strip():
            fail("scenario_changes", "dotted scenario keys", short(key))
    quick_section = mapping(raw.get("quick"), "quick", QUICK_KEYS)
    for key in mapping(quick_section.get("scenario_changes"), "quick.scenario_changes"):
        if not key.strip():
            fail("quick.scenario_changes", "dotted scenario keys", short(key))
    smc = dict(SMC_DEFAULTS)
    for path, section in (("smc", raw["smc"]), ("quick.smc", quick_section.get("smc"))):
        for key, value in mapping(section, path, set(SMC_CHECKS), optional=path != "smc").items():
            check, expected = SMC_CHECKS[key]
            if not check(value):
                fail(f"{path}.{key}", expected, short(value))
        if path == "smc" or quick:
            smc.update(section or {})
    screen = mapping(raw.get("plausibility"), "plausibility", PLAUSIBILITY_KEYS)
    if screen:
        for key in sorted(PLAUSIBILITY_KEYS):
            if key not in screen:
                fail(join("plausibility", key), "a value", "nothing (the key is missing)")
        if not isinstance(screen["ranges"], str) or not screen["ranges"].strip():
            fail("plausibility.ranges", "a file path (relative to the config)", short(screen["ranges"]))
        if not is_integer(screen["until"]) or not 2000 <= screen["until"] <= 2100:
            fail("plausibility.until", "a year from 2000 to 2100", short(screen["until"]))
        if (not isinstance(screen["indicators"], list) or not screen["indicators"]
                or not all(isinstance(x, str) for x in screen["indicators"])):
            fail("plausibility.indicators", "a list of indicator names", short(screen["indicators"]))
        if not isinstance(screen["reason"], str) or not screen["reason"].strip():
            fail("plausibility.reason", "why the screen is there (a string)", short(screen["reason"]))
    params = mapping(raw["parameters"], "parameters")
    if not params:
        fail("parameters", "at least one free parameter", "none")
    for name, spec in params.items():
        where = join("parameters", name)
        if not isinstance(spec, dict) or not isinstance(spec.get("prior"), str) or spec["prior"] not in PRIOR_KEYS:
            fail(where + ".prior", "'uniform' or 'normal'", short(spec.get("prior") if isinstance(spec, dict) else spec))
        mapping(spec, where, PRIOR_KEYS[spec["prior"]])
        for key in sorted(PRIOR_KEYS[spec["prior"]] - {"prior", "reason"}):
            if not is_finite_number(spec.get(key)):
                fail(f"{where}.{key}", f"a finite number ({spec['prior']} prior)",
                     short(spec.get(key)) if key in spec else "nothing (the key is missing)")
        if not spec["low"] < spec["high"]:
            fail(where, "low < high", f"{spec['low']}, {spec['high']}")
        if spec["prior"] == "normal" and not spec["sd"] > 0:
            fail(f"{where}.sd", "a number > 0", short(spec["sd"]))
        if not isinstance(spec.get("reason"), str) or not spec["reason"].strip():
            fail(where + ".reason", "a reason for this prior", short(spec.get("reason")))
    return smc


def _fail_at(file, lines, path, expected, found):
    raise _config_error(file, path, expected, found, line_of(lines, path))


def load_config(path, quick: bool = False) -> Config:
    """Read a calibration config (see calibration/config.yaml); every key is checked before anything runs,
    every problem is one InputError line naming the file, line and key."""
    from sim.model.indicators import INDICATORS
    from sim.model.scenario import load_scenario, resolve_scenario
    file = str(path)
    raw, lines = read_yaml(file, "calibration config")
    smc = _check_config(raw, lines, file, quick)
    base = Path(file).parent
    section = (raw.get("quick") or {}) if quick else {}

    scenario_file = str(base / raw["scenario"])
    scenario = {k: v for k, v in load_scenario(scenario_file).items() if not k.startswith("_")}
    changes = [("scenario_changes", raw.get("scenario_changes") or {}),
               ("quick.scenario_changes", section.get("scenario_changes") or {})]
    for where, mapping in changes:
        for key, value in mapping.items():
            path = join(where, key)
            _set_path(scenario, key, copy.deepcopy(value),
                      lambda expected, found, path=path: _fail_at(file, lines, path, expected, found))
    if any("parameters" in mapping for _, mapping in changes):
        scenario.pop("calibration", None)   # new parameters replace a calibrated scenario's record
    scenario = resolve_scenario(scenario, file=scenario_file)
    if scenario.get("calibration"):
        raise _config_error(file, "scenario", "a scenario without 'parameters: calibrated'", "a calibrated one",
                            lines.get("scenario"))

    targets = read_targets(base / raw["targets"], INDICATORS)
    excluded = raw.get("exclude", {}) or {}
    for name in excluded:
        if name not in INDICATORS:
            raise _config_error(file, join("exclude", name), "an indicator of sim.model.indicators (INDICATORS.md)",
                                short(name), line_of(lines, join("exclude", name)))
    notes, fitted = [], []
    for row in targets.itertuples():
        if row.role in NOT_FITTED:
            notes.append(NOT_FITTED[row.role])
            fitted.append(False)
        elif row.indicator in excluded:
            notes.append(f"not fitted: {excluded[row.indicator]}")
            fitted.append(False)
        elif not scenario["start_year"] <= row.year <= scenario["end_year"]:
            notes.append(f"not simulated: year outside the calibration run "
                         f"{scenario['start_year']}-{scenario['end_year']}")
            fitted.append(False)
        else:
            notes.append("fitted")
            fitted.append(True)
    targets = targets.assign(fitted=fitted, note=notes)
    if not targets.fitted.any():
        raise _config_error(file, "targets", "at least one target row within the run's years", "none",
                            lines.get("targets"))

    priors = []
    for name, spec in raw["parameters"].items():
        where = join("parameters", name)
        if name not in DERIVED:
            try:
                check_name(name)
            except ParameterError as exc:
                raise _config_error(file, where, "a model parameter name or one of " + ", ".join(DERIVED),
                                    exc.found, line_of(lines, where)) from None
        lo, hi = float(spec["low"]), float(spec["high"])
        mean, sd = (float(spec["mean"]), float(spec["sd"])) if spec["prior"] == "normal" else (math.nan, math.nan)
        for bound in ([] if name in DERIVED else [lo, hi]):  # a prior within the parameter's range
            try:
                check_value(name, bound)
            except ParameterError as exc:
                raise _config_error(file, where, f"low and high within the range, {exc.expected}", exc.found,
                                    line_of(lines, where)) from None
        priors.append(Prior(name, spec["prior"], lo, hi, mean, sd, spec["reason"]))
    if int(smc["particles"]) <= len(priors):   # the proposal kernel's covariance needs full rank
        where = "quick.smc.particles" if quick and "particles" in (section.get("smc") or {}) else "smc.particles"
        raise _config_error(file, where, f"more particles than the {len(priors)} free parameters",
                            short(smc["particles"]), line_of(lines, where))
    screen = _plausibility_screen(raw.get("plausibility"), base, scenario, file, lines)
    return Config(file, scenario, targets, JointPrior(priors), int(raw.get("seed", 1)), smc, quick, raw, screen)


def _plausibility_screen(section, base: Path, scenario: dict, file, lines) -> dict | None:
    """The config's ``plausibility`` section: the (indicator, year) rows of the ranges file for the named
    indicators and the scenario's schedule, up to ``until``, and the scenario run to ``until``."""
    if not section:
        return None
    from sim.model.indicators import INDICATORS
    for name in section["indicators"]:
        if name not in INDICATORS:
            raise _config_error(file, "plausibility.indicators", "indicators of sim.model.indicators (INDICATORS.md)",
                                short(name), line_of(lines, "plausibility.indicators"))
    ranges_file = base / section["ranges"]
    try:
        ranges = pd.read_csv(ranges_file)
    except (OSError, ValueError) as exc:
        raise _config_error(file, "plausibility.ranges", "a readable ranges CSV (calibration/plausibility.csv)",
                            f"{ranges_file}: {type(exc).__name__}", line_of(lines, "plausibility.ranges")) from None
    schedule = scenario.get("policy", {}).get("schedule", "enacted")
    until = int(section["until"])
    ranges = ranges[ranges.indicator.isin(section["indicators"]) & ranges.schedule.isin(["all", schedule])
                    & (ranges.from_year <= until)]
    rows = [(r.indicator, y, r.low, r.high) for r in ranges.itertuples()
            for y in range(max(int(r.from_year), scenario["start_year"]), min(int(r.to_year), until) + 1)]
    if not rows:
        raise _config_error(file, "plausibility", "ranges for the named indicators up to 'until'", "none",
                            line_of(lines, "plausibility"))
    return {"scenario": {**scenario, "end_year": until}, "rows": rows, "until": until,
            "reason": section["reason"], "ranges_file": str(section["ranges"])}


TARGET_COLUMNS = ("indicator", "year", "value", "tolerance", "source")
# optional column ``role``: ``fit`` (calibration fits the row), ``validate`` (held out: only
# ``langerthuis validate`` compares it) or ``set`` (a parameter was set by hand to it, as its source says:
# not fitted here, and no out-of-sample check either); a file without the column has the role ``fit`` in every row
ROLES = ("fit", "set", "validate")
NOT_FITTED = {"validate": "not fitted: held out for validation (role validate)",
              "set": "not fitted: a parameter was set by hand to this row (role set)"}


def read_targets(path, known) -> pd.DataFrame:
    """A targets CSV (indicator, year, value, tolerance, source[, role]) checked row by row; one-line errors
    ``file:line: column: expected ..., found ...`` (sim.model.loader.read_csv: size, characters, fields)."""
    file = str(path)
    rows = read_csv(file, TARGET_COLUMNS, "targets file (CSV)")
    if not rows:
        raise InputFileError(file, "", "at least one target row", "none")
    out = []
    for line, r in rows:
        def fail(column, expected, r=r, line=line):
            raise InputFileError(file, column, expected, short(r[column]), line)
        name = r["indicator"]
        if name not in known:
            fail("indicator", "an indicator of INDICATORS.md / sim.model.indicators")
        try:
            year = int(r["year"])
        except ValueError:
            year = None
        if year is None or not 1800 <= year <= 2200:
            fail("year", "an integer year from 1800 to 2200")
        values = {}
        for col in ("value", "tolerance"):
            try:
                values[col] = float(r[col])
            except ValueError:
                values[col] = math.nan
            if not math.isfinite(values[col]) or (col == "tolerance" and values[col] <= 0):
                fail(col, "a positive number" if col == "tolerance" else "a finite number")
        role = r.get("role", "fit") or "fit"
        if role not in ROLES:
            fail("role", "fit, set or validate (or an empty field: fit)")
        out.append({"indicator": name, "year": year, **values, "source": r["source"], "role": role})
    return pd.DataFrame(out)
