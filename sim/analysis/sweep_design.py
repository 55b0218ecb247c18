"""A sweep file read and checked, and its design built: which scenario keys vary, how, and with which seeds.

``load_sweep`` checks every key of a sweep file (one-line errors naming file, line and key) and returns a
``Sweep``; ``build_design`` turns it into one row per run (run, point, replicate, seed, each varied key).
The design is a pure function of the sweep file: every run's seed comes from the root seed and the run index
only (or the replicate, with ``seeds: common``). Running it is sim.analysis.sweep's; the file format is
experiments/sweeps/README.md's.
"""
from __future__ import annotations

import hashlib
import itertools
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from sim.model.checks import is_finite_number, is_integer
from sim.model.loader import InputFileError, line_of, read_yaml, short

DEFAULT_RUNNER = "sim.analysis.sweep:run_one"
# runners by the module paths they had before the package was split into model/studies/workshop: sweep
# files and the manifests of sweep folders made then still name them (a folder resumes, a file runs)
MOVED_MODULES = {"sim.sweep": "sim.analysis.sweep", "sim.interop": "sim.analysis.interop",
                 "sim.runner": "sim.analysis.runner",
                 # E4's three-arm runner went to its experiment when the analysis layer was renamed
                 "sim.studies.headline": "sim.experiments.e4_arms"}
FORMER_LAYER = ("sim.studies.", "sim.analysis.")   # the analysis layer's name before it was renamed


def current_runner(spec):
    """``spec`` with a module path from before the split or the layer's renaming replaced by its present one."""
    if not isinstance(spec, str):
        return spec
    module, sep, name = spec.partition(":")
    module = MOVED_MODULES.get(module, module)
    if module.startswith(FORMER_LAYER[0]):
        module = FORMER_LAYER[1] + module[len(FORMER_LAYER[0]):]
    return module + sep + name


DESIGNS = ("full_factorial", "latin_hypercube", "sobol", "morris")
SEED_MODES = ("per_run", "common")
DISTRIBUTIONS = {  # name -> required keys; mapped from the unit interval with scipy's ppf
    "normal": ("mean", "sd"),
    "lognormal": ("mu", "sigma"),  # of the underlying normal: median exp(mu)
    "triangular": ("low", "mode", "high"),
    "truncnormal": ("mean", "sd", "low", "high"),
}
UNIT_EPS = 1e-3  # Morris levels hit 0 and 1 exactly; keep unbounded distributions finite
MAX_RUNS = 100_000      # runs of one sweep (design points x replicates): days of computing already
MAX_REPLICATES = 1000   # as a scenario's replicates
MAX_PARAMETERS = 100
MAX_LEVELS = 1000
NAME_CHARS = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,99}")  # the name is the default folder results/NAME


class SweepError(InputFileError):
    """A sweep file (or sweep folder) is wrong; one line naming file (and line), key path, expected and found."""

    def __init__(self, file, path, expected, found, line=None):
        super().__init__(str(file), path, expected, found, line)


# --------------------------------------------------------------------------- sweep file
@dataclass(frozen=True)
class Param:
    """One varied scenario key: bounds, a distribution, or a list of values."""
    path: str
    kind: str  # "bounds" | "distribution" | "values"
    spec: dict
    integer: bool = False

    def from_unit(self, u: np.ndarray) -> list:
        """Map unit-interval samples to values of this parameter."""
        u = np.asarray(u, dtype=float)
        if self.kind == "values":
            values = self.spec["values"]
            return [values[i] for i in np.minimum((u * len(values)).astype(int), len(values) - 1)]
        if self.kind == "bounds":
            low, high = self.spec["bounds"]
            x = low + u * (high - low)
        else:
            x = _distribution(self.spec).ppf(np.clip(u, UNIT_EPS, 1 - UNIT_EPS))
        return [int(round(v)) for v in x] if self.integer else [float(v) for v in x]

    def levels(self) -> list:
        """Values of this parameter in a full factorial design."""
        if self.kind == "values":
            return list(self.spec["values"])
        k = self.spec.get("levels", 3)
        return self.from_unit(np.linspace(0.0, 1.0, k) if k > 1 else np.array([0.5]))


def _distribution(spec: dict):
    from scipy import stats
    name = spec["distribution"]
    if name == "normal":
        return stats.norm(spec["mean"], spec["sd"])
    if name == "lognormal":
        return stats.lognorm(s=spec["sigma"], scale=np.exp(spec["mu"]))
    if name == "triangular":
        low, width = spec["low"], spec["high"] - spec["low"]
        return stats.triang((spec["mode"] - low) / width, loc=low, scale=width)
    a, b = (spec["low"] - spec["mean"]) / spec["sd"], (spec["high"] - spec["mean"]) / spec["sd"]
    return stats.truncnorm(a, b, loc=spec["mean"], scale=spec["sd"])


@dataclass(frozen=True)
class Sweep:
    file: str
    name: str
    base: Path
    seed: int
    design: str
    runs: int | None  # LHS: design points; sobol/morris: base N; full factorial: None
    replicates: int
    params: tuple[Param, ...]
    indicators: tuple[str, ...] | None  # None: keep all
    years: tuple[int, ...] | None
    runner: str = DEFAULT_RUNNER
    second_order: bool = False
    levels: int = 4
    seeds: str = "per_run"  # "per_run" | "common" (common random numbers across design points)
    sha256: str = ""


class _File:
    """A sweep file's data with its lines, for errors that name the line of the offending key."""

    def __init__(self, file, lines):
        self.file, self.lines = file, lines

    def fail(self, path, expected, found):
        raise SweepError(self.file, path, expected, found, line_of(self.lines, path))

    def integer(self, data, key, where=None, default=None, minimum=1, maximum=None):
        value = data.get(key, default)
        if not is_integer(value) or value < minimum or (maximum is not None and value > maximum):
            expected = f"an integer >= {minimum}" if maximum is None else f"an integer from {minimum} to {maximum}"
            self.fail(where or key, expected, short(value))
        return value


PARAM_KEYS = {"bounds", "values", "distribution", "levels", "type", "mean", "sd", "mu", "sigma", "low", "mode", "high"}


def _parse_param(path: str, spec, design: str, f: _File) -> Param:
    where = f"parameters.{path}"
    choices = "a mapping with one of bounds: [low, high], values: [...], distribution: NAME"
    if not isinstance(spec, dict):
        f.fail(where, choices, short(spec))
    for key in spec:
        if key not in PARAM_KEYS:
            f.fail(f"{where}.{key}", f"one of {sorted(PARAM_KEYS)}", f"unknown key {short(key)}")
    kinds = [k for k in ("bounds", "values", "distribution") if k in spec]
    if len(kinds) != 1:
        f.fail(where, choices, f"keys {sorted(map(str, spec))}")
    kind = kinds[0]
    allowed = {"type", kind} | ({"levels"} if kind == "bounds" else set())
    if kind == "bounds":
        b = spec["bounds"]
        if not (isinstance(b, list) and len(b) == 2 and all(map(is_finite_number, b)) and b[0] < b[1]):
            f.fail(f"{where}.bounds", "[low, high] with numbers low < high", short(b))
        if "levels" in spec:
            f.integer(spec, "levels", f"{where}.levels", maximum=MAX_LEVELS)
    elif kind == "values":
        v = spec["values"]
        scalar = (str, bool, int, float)
        if not (isinstance(v, list) and v and all(isinstance(x, scalar) for x in v) and len({type(x) for x in v}) == 1
                and all(is_finite_number(x) for x in v if isinstance(x, float))):
            f.fail(f"{where}.values", "a non-empty list of numbers, strings or booleans, all of one type", short(v))
    else:
        name = spec["distribution"]
        if not isinstance(name, str) or name not in DISTRIBUTIONS:
            f.fail(f"{where}.distribution", f"one of {list(DISTRIBUTIONS)}", short(name))
        allowed |= set(DISTRIBUTIONS[name])
        for key in DISTRIBUTIONS[name]:
            if not is_finite_number(spec.get(key)):
                f.fail(f"{where}.{key}", f"a number (distribution {name})", short(spec.get(key)))
        if design == "full_factorial":
            f.fail(where, "bounds or values in a full_factorial design", "a distribution")
        if not _valid_distribution(spec):
            f.fail(where, f"parameters of a proper {name} distribution (sd, sigma > 0; low < high; "
                   "low <= mode <= high)", short({k: spec[k] for k in DISTRIBUTIONS[name]}))
    for key in spec:
        if key not in allowed:
            f.fail(f"{where}.{key}", f"only the keys {sorted(allowed)} with {kind}", f"the key {short(key)}")
    if spec.get("type", "float") not in ("float", "int"):
        f.fail(f"{where}.type", "float or int", short(spec["type"]))
    return Param(path, kind, dict(spec), integer=spec.get("type") == "int")


def _valid_distribution(spec) -> bool:
    name = spec["distribution"]
    if name == "normal":
        return spec["sd"] > 0
    if name == "lognormal":
        return spec["sigma"] > 0 and abs(spec["mu"]) < 700  # exp(mu) stays finite
    if name == "triangular":
        return spec["low"] < spec["high"] and spec["low"] <= spec["mode"] <= spec["high"]
    return spec["sd"] > 0 and spec["low"] < spec["high"]


def sweep_runs(design: str, runs, replicates: int, params, second_order: bool) -> int:
    """The number of runs of a sweep, computed without building its design."""
    d = len(params)
    if design == "full_factorial":
        points = 1
        for p in params:
            points *= len(p.spec["values"]) if p.kind == "values" else p.spec.get("levels", 3)
            if points > MAX_RUNS:
                break
    elif design == "latin_hypercube":
        points = runs
    elif design == "sobol":
        points = runs * (2 * d + 2 if second_order else d + 2)
    else:
        points = runs * (d + 1)
    return points * replicates


KNOWN = {"name", "base", "seed", "seeds", "design", "runs", "replicates", "parameters", "outputs", "runner",
         "second_order", "levels"}


def load_sweep(path) -> Sweep:
    """Read and check a sweep file (does not touch the base scenario's content). Every key is checked,
    sizes included, before anything is built: an error is one line naming the file and line."""
    path = Path(path)
    file = str(path)
    data, lines = read_yaml(file, "sweep file")
    f = _File(file, lines)
    if not isinstance(data, dict):
        f.fail("", "a mapping of sweep keys", "an empty file" if data is None else type(data).__name__)
    for key in data:
        if key not in KNOWN:
            f.fail(str(key), f"one of {sorted(KNOWN)}", f"unknown key {short(key)}")
    name = data.get("name", path.stem)
    if "name" in data and not (isinstance(name, str) and NAME_CHARS.fullmatch(name)):
        f.fail("name", "a name of letters, digits, '_', '.', '-' (at most 100; it names the folder)", short(name))
    if not isinstance(data.get("base"), str) or not data["base"].strip():
        f.fail("base", "a scenario path (relative to the sweep file)", short(data.get("base")))
    try:
        base = (path.parent / data["base"]).resolve()
        exists = base.is_file()
    except (OSError, ValueError) as exc:  # a NUL byte, a name too long
        f.fail("base", "a scenario path (relative to the sweep file)", str(exc))
    if not exists:
        f.fail("base", "an existing scenario file", str(base))
    design = data.get("design")
    if not isinstance(design, str) or design not in DESIGNS:
        f.fail("design", f"one of {list(DESIGNS)}", short(design))
    runs = None
    if design == "full_factorial":
        if "runs" in data:
            f.fail("runs", "no runs key (full_factorial runs every combination)", short(data["runs"]))
    else:
        runs = f.integer(data, "runs", maximum=MAX_RUNS)
        if design == "sobol" and runs & (runs - 1):
            f.fail("runs", "a power of 2 for a sobol design (base N)", runs)
    params = data.get("parameters")
    if not isinstance(params, dict) or not params:
        f.fail("parameters", "a mapping of scenario key -> spec", short(params))
    if len(params) > MAX_PARAMETERS:
        f.fail("parameters", f"at most {MAX_PARAMETERS} varied keys", f"{len(params)}")
    for key in params:
        if not isinstance(key, str) or not key.strip():
            f.fail("parameters", "scenario keys as dotted paths (strings)", short(key))
    parsed = tuple(_parse_param(k, v, design, f) for k, v in params.items())
    outputs = data.get("outputs") or {}
    if not isinstance(outputs, dict) or set(outputs) - {"indicators", "years"}:
        f.fail("outputs", "a mapping with indicators: [...] and/or years: [...]", short(outputs))
    indicators, years = outputs.get("indicators"), outputs.get("years")
    if indicators is not None and not (isinstance(indicators, list) and all(isinstance(i, str) for i in indicators)):
        f.fail("outputs.indicators", "a list of indicator names", short(indicators))
    if years is not None and not (isinstance(years, list) and all(is_integer(y) and 0 <= y <= 9999 for y in years)):
        f.fail("outputs.years", "a list of years", short(years))
    runner = current_runner(data.get("runner", DEFAULT_RUNNER))
    if not (isinstance(runner, str) and ":" in runner):
        f.fail("runner", "an import path module:function", short(runner))
    seeds = data.get("seeds", "per_run")
    if not isinstance(seeds, str) or seeds not in SEED_MODES:
        f.fail("seeds", f"one of {list(SEED_MODES)}", short(seeds))
    second_order = data.get("second_order", False)
    if not isinstance(second_order, bool):
        f.fail("second_order", "true or false", short(second_order))
    seed = f.integer(data, "seed", minimum=0, maximum=2 ** 63 - 1)
    replicates = f.integer(data, "replicates", default=1, maximum=MAX_REPLICATES)
    levels = f.integer(data, "levels", default=4, minimum=2, maximum=MAX_LEVELS)
    total = sweep_runs(design, runs, replicates, parsed, second_order)
    if total > MAX_RUNS:
        f.fail("replicates" if replicates > 1 else "parameters" if design == "full_factorial" else "runs",
               f"a sweep of at most {MAX_RUNS:,} runs (design points x replicates)",
               f"{total:,} runs" if total <= 10 * MAX_RUNS else f"more than {10 * MAX_RUNS:,} runs")
    return Sweep(
        file=file, name=name, base=base, seed=seed, design=design, runs=runs, replicates=replicates,
        params=parsed, indicators=tuple(indicators) if indicators is not None else None,
        years=tuple(years) if years is not None else None, runner=runner, second_order=second_order,
        levels=levels, seeds=seeds, sha256=hashlib.sha256(path.read_bytes()).hexdigest())


# --------------------------------------------------------------------------- design
def salib_problem(names: list[str]) -> dict:
    """SALib problem on the unit cube: values are mapped to each parameter afterwards."""
    return {"num_vars": len(names), "names": list(names), "bounds": [[0.0, 1.0]] * len(names)}


def unit_sample(sweep: Sweep) -> np.ndarray:
    """Design points on the unit cube (rows: points), a pure function of the sweep file."""
    d = len(sweep.params)
    if sweep.design == "latin_hypercube":
        from scipy.stats import qmc
        return qmc.LatinHypercube(d, rng=np.random.default_rng(sweep.seed)).random(sweep.runs)
    problem = salib_problem([p.path for p in sweep.params])
    if sweep.design == "sobol":
        from SALib.sample import sobol
        return sobol.sample(problem, sweep.runs, calc_second_order=sweep.second_order, seed=sweep.seed)
    from SALib.sample import morris
    return morris.sample(problem, sweep.runs, num_levels=sweep.levels, seed=sweep.seed)


def run_seed(root: int, run: int) -> int:
    """Scenario seed of one run: depends on the root seed and the run index only."""
    state = np.random.SeedSequence([int(root), int(run)]).generate_state(1, dtype=np.uint32)[0]
    return int(state >> 1)  # 31 bits: safe for any integer seed field


def build_design(sweep: Sweep) -> pd.DataFrame:
    """One row per run: run, point, replicate, seed, each varied key (and u:KEY, its unit value)."""
    paths = [p.path for p in sweep.params]
    if sweep.design == "full_factorial":
        points = pd.DataFrame(list(itertools.product(*(p.levels() for p in sweep.params))), columns=paths)
    else:
        u = unit_sample(sweep)
        points = pd.DataFrame({p.path: p.from_unit(u[:, i]) for i, p in enumerate(sweep.params)})
        for i, p in enumerate(sweep.params):
            points[f"u:{p.path}"] = u[:, i]
    n_points, reps = len(points), sweep.replicates
    runs = np.arange(n_points * reps)
    # per_run: every run its own seed; common: replicate r of every point shares a seed, so points
    # differ by their parameters only (common random numbers: far less noise in sensitivity indices)
    seed_index = runs if sweep.seeds == "per_run" else runs % reps
    index = pd.DataFrame({"run": runs, "point": runs // reps, "replicate": runs % reps,
                          "seed": [run_seed(sweep.seed, r) for r in seed_index]})
    return pd.concat([index, points.iloc[index["point"]].reset_index(drop=True)], axis=1)


# --------------------------------------------------------------------------- scenario keys and the base scenario
def set_path(data: dict, path: str, value) -> None:
    """Set a dotted key (``municipality.grid.width``) in a nested dict, creating mappings on the way.
    A number indexes a list: ``investments.0.start_year`` is the first investment's start year."""
    *parents, last = path.split(".")
    for key in parents:
        data = data[int(key)] if isinstance(data, list) else data.setdefault(key, {})
    data[int(last) if isinstance(data, list) else last] = value


def missing_key(data, path: str) -> str | None:
    """None if the dotted path exists in ``data``; else what is missing, for an error message."""
    node = data
    for key in path.split("."):
        if isinstance(node, list):
            if not (key.isdigit() and int(key) < len(node)):
                return f"no item {key!r} in a list of {len(node)}"
            node = node[int(key)]
        elif isinstance(node, dict) and key in node:
            node = node[key]
        else:
            return f"no key {key!r}"
    return None


def load_base(sweep: Sweep) -> dict:
    """The base scenario sent to every run: resolved for the model (``extends`` done), raw YAML otherwise."""
    if sweep.runner == DEFAULT_RUNNER:
        from sim.model.scenario import load_scenario
        return {k: v for k, v in load_scenario(sweep.base).items() if not k.startswith("_")}
    return read_yaml(sweep.base, "scenario file")[0]
