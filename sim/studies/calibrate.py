"""``langerthuis calibrate CONFIG --out DIR [--quick]``: fit free parameters to public Dutch figures.

Method: approximate Bayesian computation with sequential Monte Carlo (ABC-SMC, Toni et al. 2009;
Beaumont et al. 2009), written on NumPy/SciPy:

* generation 0 draws the particles from the prior (tolerance infinite, equal weights);
* generation t uses as tolerance a quantile of the previous generation's distances, proposes by
  picking a particle by weight and perturbing it with a multivariate normal kernel whose covariance is
  twice the weighted covariance of the previous generation, simulates, and keeps the proposal if its
  distance is within the tolerance, until ``particles`` are kept;
* weights are prior density / (weighted mixture of the kernels around the previous particles);
  the effective sample size 1 / sum(w^2) is reported per generation.

Distance = sqrt(sum over target rows of ((simulated - observed) / tolerance)^2), one model run per
particle. Every model run's seed comes from the root seed and (generation, proposal) through
``numpy.random.SeedSequence``, and proposals are simulated in fixed-size batches, so a calibration
is reproducible and independent of the number of workers (pyABC's parallel samplers keep particles in
completion order, so their results depend on timing and worker count: calibration/README.md).

The calibrated ensemble (``calibration/ensemble.parquet``) is used by scenarios that say
``parameters: calibrated`` (posterior mean) or ``parameters: {calibrated: ensemble}`` (replicate r
runs particle r of a weighted resample); the model applies it (``sim.model.ensemble``); see
calibration/README.md.
"""
from __future__ import annotations

import concurrent.futures as cf
import copy
import math
import time
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import stats
from scipy.special import logsumexp

import sim
# the calibrated ensemble lives with the model, which applies it; re-exported here for scripts and tests
from sim.model.ensemble import (DERIVED, ENSEMBLE_FILE, NEED_THRESHOLDS, file_sha256,  # noqa: F401
                                final_generation, posterior_mean_overrides, replicate_parameters, to_overrides)
from sim.model.parameters import ParameterError, check_name, check_value
from sim.model.loader import InputFileError, join, line_of, read_csv, read_yaml, short
from sim.studies.runner import single_numba_thread, worker_context


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


# --------------------------------------------------------------------------- the ABC-SMC engine
@dataclass
class Generation:
    """One SMC population: particles (n, d), normalised weights, distances and model seeds."""
    t: int
    theta: np.ndarray
    weights: np.ndarray
    distances: np.ndarray
    seeds: list
    epsilon: float
    simulations: int
    seconds: float = 0.0
    plausible: np.ndarray | None = None   # set by screen_plausibility (final generation)
    screen: dict | None = None

    @property
    def ess(self) -> float:
        return float(1.0 / np.sum(self.weights ** 2))

    @property
    def acceptance(self) -> float:
        return len(self.weights) / self.simulations


def model_seed(root: int, generation: int, index: int) -> int:
    """The model seed of proposal ``index`` of ``generation`` (a 32-bit int, reproducible)."""
    return int(np.random.SeedSequence(int(root), spawn_key=(0, generation, index)).generate_state(1)[0])


def _proposal_rng(root: int, generation: int, batch: int) -> np.random.Generator:
    return np.random.default_rng(np.random.SeedSequence(int(root), spawn_key=(1, generation, batch)))


def weighted_cov(theta: np.ndarray, w: np.ndarray) -> np.ndarray:
    return np.atleast_2d(np.cov(theta.T, aweights=w, ddof=0))


def weighted_quantile(x, w, q):
    """Quantiles of x under weights w (inverse of the weighted empirical cdf, midpoint rule)."""
    x, w = np.asarray(x, float), np.asarray(w, float)
    keep = np.isfinite(x) & (w > 0)
    x, w = x[keep], w[keep]
    if not len(x):
        return np.full(np.shape(q), np.nan)
    order = np.argsort(x)
    x, w = x[order], w[order]
    cdf = (np.cumsum(w) - 0.5 * w) / w.sum()
    return np.interp(q, cdf, x)


def abc_smc(simulate, prior: JointPrior, particles: int, generations: int, root_seed: int,
            quantile: float = 0.5, batch: int | None = None, max_simulations: int = 100_000,
            min_acceptance: float = 0.0, log=print) -> list[Generation]:
    """Run ABC-SMC. ``simulate(theta (k, d), seeds) -> distances (k,)`` runs a batch of proposals.

    Stops after ``generations`` populations, or earlier when a generation cannot keep ``particles``
    within ``max_simulations`` proposals or its acceptance rate falls below ``min_acceptance``.
    """
    batch = batch or particles
    d = len(prior.names)
    start = time.perf_counter()
    theta0 = prior.sample(_proposal_rng(root_seed, 0, 0), particles)
    seeds0 = [model_seed(root_seed, 0, i) for i in range(particles)]
    dist0 = np.asarray(simulate(theta0, seeds0), float)
    pops = [Generation(0, theta0, np.full(particles, 1.0 / particles), dist0, seeds0, math.inf, particles,
                       time.perf_counter() - start)]
    log(f"generation 0: {particles} prior particles, median distance {np.nanmedian(dist0):.3g}")
    for t in range(1, generations):
        prev = pops[-1]
        start = time.perf_counter()
        finite = prev.distances[np.isfinite(prev.distances)]
        eps = float(np.quantile(finite, quantile)) if len(finite) else math.inf
        cov = 2.0 * weighted_cov(prev.theta, prev.weights)
        cov += np.eye(d) * 1e-12 * np.maximum(np.diag(cov).max(), 1e-12)  # never singular
        kept_theta, kept_dist, kept_seeds, sims, b = [], [], [], 0, 0
        while len(kept_theta) < particles and sims < max_simulations:
            rng = _proposal_rng(root_seed, t, b)
            proposals = _propose(rng, prev, cov, prior, batch)
            seeds = [model_seed(root_seed, t, b * batch + k) for k in range(batch)]
            dist = np.asarray(simulate(proposals, seeds), float)
            sims += batch
            b += 1
            for k in np.flatnonzero(dist <= eps):  # kept in proposal order: reproducible
                kept_theta.append(proposals[k])
                kept_dist.append(dist[k])
                kept_seeds.append(seeds[k])
        if len(kept_theta) < particles:
            log(f"generation {t}: only {len(kept_theta)} of {particles} particles within {eps:.3g} "
                f"after {sims} simulations; stopping with generation {t - 1}")
            break
        theta = np.array(kept_theta[:particles])
        # importance weight: prior / mixture of the perturbation kernels around the previous particles
        diff = (theta[None, :, :] - prev.theta[:, None, :]).reshape(-1, d)  # every (previous, new) pair
        logk = np.atleast_1d(stats.multivariate_normal.logpdf(diff, mean=np.zeros(d), cov=cov))
        logk = logk.reshape(len(prev.theta), particles)
        logw = prior.logpdf(theta) - logsumexp(logk + np.log(prev.weights)[:, None], axis=0)
        w = np.exp(logw - logw.max())
        pops.append(Generation(t, theta, w / w.sum(), np.array(kept_dist[:particles]), kept_seeds[:particles],
                               eps, sims, time.perf_counter() - start))
        g = pops[-1]
        log(f"generation {t}: tolerance {eps:.3g}, acceptance {g.acceptance:.2f} ({sims} runs), "
            f"ESS {g.ess:.1f}")
        if g.acceptance < min_acceptance:
            log(f"acceptance below {min_acceptance}: stopping")
            break
    return pops


def _propose(rng, prev: Generation, cov, prior: JointPrior, k: int) -> np.ndarray:
    """k particles picked by weight and perturbed; those outside the prior's support are redrawn."""
    out = np.empty((0, cov.shape[0]))
    for _ in range(1000):
        j = rng.choice(len(prev.weights), size=k, p=prev.weights)
        x = prev.theta[j] + rng.multivariate_normal(np.zeros(cov.shape[0]), cov, size=k)
        out = np.vstack([out, x[np.isfinite(prior.logpdf(x))]])
        if len(out) >= k:
            return out[:k]
    raise RuntimeError("too few proposals inside the prior support after 1,000 rounds")


# --------------------------------------------------------------------------- the model side
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


def _is_int(v) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _is_number(v) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)


# smc key -> (check, expected)
SMC_CHECKS = {
    "particles": (lambda v: _is_int(v) and 1 <= v <= MAX_PARTICLES, f"an integer from 1 to {MAX_PARTICLES:,}"),
    "generations": (lambda v: _is_int(v) and 1 <= v <= 100, "an integer from 1 to 100"),
    "quantile": (lambda v: _is_number(v) and 0 < v <= 1, "a number > 0 and <= 1"),
    "batch": (lambda v: v is None or (_is_int(v) and 1 <= v <= MAX_PARTICLES),
              f"null or an integer from 1 to {MAX_PARTICLES:,}"),
    "max_simulations": (lambda v: _is_int(v) and 1 <= v <= MAX_SIMULATIONS,
                        f"an integer from 1 to {MAX_SIMULATIONS:,}"),
    "min_acceptance": (lambda v: _is_number(v) and 0 <= v <= 1, "a number from 0 to 1"),
    "workers": (lambda v: _is_int(v) and 1 <= v <= 256, "an integer from 1 to 256"),
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
    if not _is_int(seed) or not 0 <= seed <= 2 ** 63 - 1:
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
        if not _is_int(screen["until"]) or not 2000 <= screen["until"] <= 2100:
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
            if not _is_number(spec.get(key)):
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


def simulate_rows(task: dict) -> np.ndarray:
    """Run the model once (in a worker) and return the values of the requested (indicator, year) rows."""
    from sim.studies.runner import run_scenario
    scenario = copy.deepcopy(task["scenario"])
    scenario["parameters"] = {**scenario["parameters"], **task["overrides"]}
    scenario["seed"] = int(task["seed"])
    df = run_scenario(scenario, replicate=0)
    table = df.set_index(["indicator", "year"])["value"]
    return np.array([table.get((ind, year), np.nan) for ind, year in task["rows"]], dtype=float)


class Pool:
    """A spawn process pool (sim.studies.runner.worker_context) with ``map`` (or plain ``map`` in this process for workers <= 1)."""

    def __init__(self, workers: int):
        # one Numba thread per worker: the processes already fill the cores (results do not depend on it)
        self.pool = (cf.ProcessPoolExecutor(workers, mp_context=worker_context(),
                                            initializer=single_numba_thread) if workers > 1 else None)

    def map(self, fn, items):
        return list(self.pool.map(fn, items) if self.pool else map(fn, items))

    def close(self):
        if self.pool:
            self.pool.shutdown()


def distance(sim_values: np.ndarray, observed: np.ndarray, tolerance: np.ndarray) -> float:
    """sqrt(sum(((sim - obs) / tolerance)^2)); a missing simulated value makes the distance infinite."""
    z = (sim_values - observed) / tolerance
    return float(np.sqrt(np.sum(z ** 2))) if np.all(np.isfinite(z)) else math.inf


def _log(text):
    print(text, flush=True)


def calibrate(config: Config, log=_log):
    """Run ABC-SMC for a config; returns (generations, fit table, posterior summary)."""
    fit_rows = config.targets[config.targets.fitted]
    rows = list(zip(fit_rows.indicator, fit_rows.year))
    observed, tolerance = fit_rows.value.to_numpy(), fit_rows.tolerance.to_numpy()
    names = config.prior.names
    pool = Pool(int(config.smc["workers"]))

    def simulate(theta, seeds):
        tasks = [{"scenario": config.scenario, "overrides": to_overrides(dict(zip(names, x))), "seed": s,
                  "rows": rows} for x, s in zip(theta, seeds)]
        return [distance(v, observed, tolerance) for v in pool.map(simulate_rows, tasks)]

    try:
        pops = abc_smc(simulate, config.prior, int(config.smc["particles"]), int(config.smc["generations"]),
                       config.seed, float(config.smc["quantile"]), config.smc.get("batch"),
                       int(config.smc["max_simulations"]), float(config.smc["min_acceptance"]), log=log)
        if config.plausibility:
            screen_plausibility(config, pops[-1], pool, log)
        fit = posterior_predictive(config, pops[-1], pool)
    finally:
        pool.close()
    return pops, fit, posterior_summary(config.prior, pops[-1])


def screen_plausibility(config: Config, last: Generation, pool: Pool, log=_log) -> None:
    """Every final particle run once more (fresh seed) to ``plausibility.until``; a particle whose run leaves
    one of the screened ranges of the plausibility file gets weight 0 (the prior truncated to where the
    model stays plausible: history matching against expert ranges, not against observed figures).
    Sets ``last.plausible`` and ``last.screen`` (rows left per indicator) and renormalises the weights."""
    sc = config.plausibility
    rows = [(ind, year) for ind, year, _, _ in sc["rows"]]
    low = np.array([r[2] for r in sc["rows"]])
    high = np.array([r[3] for r in sc["rows"]])
    tasks = [{"scenario": sc["scenario"], "overrides": to_overrides(dict(zip(config.prior.names, x))),
              "seed": model_seed(config.seed, 20_000, i), "rows": rows} for i, x in enumerate(last.theta)]
    values = np.array(pool.map(simulate_rows, tasks)).reshape(len(tasks), len(rows))
    outside = ~((values >= low) & (values <= high))    # a missing value (NaN) is outside too
    plausible = ~outside.any(axis=1)
    if not plausible.any():
        if not config.quick:
            raise RuntimeError("plausibility screen: no final particle stays inside the ranges; widen the prior "
                               "or the ranges")
        log("plausibility screen: no particle inside (quick run: weights kept)")
        plausible = np.ones(len(plausible), dtype=bool)
    names = sorted({r[0] for r in rows})
    last.screen = {n: int(outside[:, [j for j, r in enumerate(rows) if r[0] == n]].any(axis=1).sum()) for n in names}
    last.plausible = plausible
    weights = np.where(plausible, last.weights, 0.0)
    last.weights = weights / weights.sum()
    log(f"plausibility screen to {sc['until']}: {int(plausible.sum())} of {len(plausible)} particles inside "
        f"({', '.join(f'{n}: {k} outside' for n, k in last.screen.items())}); ESS {last.ess:.0f}")


def posterior_predictive(config: Config, last: Generation, pool: Pool) -> pd.DataFrame:
    """Every final particle run once more with a fresh seed; weighted mean and 90 % interval per row."""
    t = config.targets
    sim_rows = t[~t.note.str.startswith("not simulated")]
    rows = list(zip(sim_rows.indicator, sim_rows.year))
    tasks = [{"scenario": config.scenario, "overrides": to_overrides(dict(zip(config.prior.names, x))),
              "seed": model_seed(config.seed, 10_000, i), "rows": rows} for i, x in enumerate(last.theta)]
    values = np.array(pool.map(simulate_rows, tasks)).reshape(len(tasks), len(rows))
    fit = t[["indicator", "year", "value", "tolerance"]].rename(columns={"value": "observed"}).copy()
    for col in ("simulated_mean", "simulated_p05", "simulated_p95", "abs_error"):
        fit[col] = np.nan
    for j, idx in enumerate(sim_rows.index):
        v = values[:, j]
        ok = np.isfinite(v)
        if ok.any():
            fit.loc[idx, "simulated_mean"] = np.average(v[ok], weights=last.weights[ok])
            fit.loc[idx, ["simulated_p05", "simulated_p95"]] = weighted_quantile(v, last.weights, [0.05, 0.95])
    fit["abs_error"] = (fit.simulated_mean - fit.observed).abs()
    fit["within_tolerance"] = np.where(fit.simulated_mean.isna(), "not simulated",
                                       np.where(fit.abs_error <= fit.tolerance, "yes", "no"))
    fit["status"] = t.note
    fit["source"] = t.source
    return fit


def posterior_summary(prior: JointPrior, last: Generation) -> pd.DataFrame:
    out = []
    for i, p in enumerate(prior.priors):
        x, w = last.theta[:, i], last.weights
        mean = float(np.average(x, weights=w))
        lo90, hi90 = p.dist.ppf([0.05, 0.95])
        q05, q50, q95 = weighted_quantile(x, w, [0.05, 0.5, 0.95])
        out.append({"parameter": p.name, "prior": p.kind, "prior_low": p.low, "prior_high": p.high,
                    "prior_p05": lo90, "prior_p95": hi90, "posterior_mean": mean,
                    "posterior_sd": float(np.sqrt(np.average((x - mean) ** 2, weights=w))),
                    "posterior_p05": q05, "posterior_median": q50, "posterior_p95": q95, "reason": p.reason})
    return pd.DataFrame(out)


def ensemble_table(prior: JointPrior, pops: list[Generation]) -> pd.DataFrame:
    frames = []
    for g in pops:
        df = pd.DataFrame(g.theta, columns=prior.names)
        df.insert(0, "seed", np.array(g.seeds, dtype=np.int64))
        df.insert(0, "epsilon", g.epsilon)
        df.insert(0, "distance", g.distances)
        df.insert(0, "weight", g.weights)
        if g.plausible is not None:
            df.insert(0, "plausible", g.plausible.astype(float))  # 1 inside the screened ranges, 0 outside
        df.insert(0, "particle", np.arange(len(df)))
        df.insert(0, "generation", g.t)
        frames.append(df)
    return pd.concat(frames, ignore_index=True)


def generations_table(pops: list[Generation]) -> pd.DataFrame:
    return pd.DataFrame([{"generation": g.t, "epsilon": g.epsilon, "particles": len(g.weights),
                          "simulations": g.simulations, "acceptance_rate": g.acceptance, "ess": g.ess,
                          "median_distance": float(np.median(g.distances)), "seconds": round(g.seconds, 1)}
                         for g in pops])


# --------------------------------------------------------------------------- figures
def plot_trace(prior: JointPrior, pops: list[Generation], path):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    d = len(prior.names)
    cols = 3
    rows = math.ceil((d + 2) / cols)
    fig, axes = plt.subplots(rows, cols, figsize=(4.2 * cols, 3 * rows), squeeze=False)
    axes = axes.ravel()
    ts = [g.t for g in pops]
    axes[0].plot(ts[1:], [g.epsilon for g in pops[1:]], "o-", label="tolerance")
    axes[0].plot(ts, [np.median(g.distances) for g in pops], "s--", label="median distance")
    axes[0].set_title("tolerance schedule")
    axes[0].legend(fontsize=7)
    axes[1].plot(ts, [g.ess for g in pops], "o-", label="ESS")
    axes[1].plot(ts, [len(g.weights) * g.acceptance for g in pops], "s--", label="acceptance x particles")
    axes[1].set_title("effective sample size")
    axes[1].legend(fontsize=7)
    for i, p in enumerate(prior.priors):
        ax = axes[i + 2]
        for g in pops:
            ax.scatter(np.full(len(g.weights), g.t), g.theta[:, i], s=6 + 200 * g.weights, alpha=0.4)
            q = weighted_quantile(g.theta[:, i], g.weights, [0.05, 0.5, 0.95])
            ax.plot([g.t] * 2, [q[0], q[2]], "k-", lw=2)
            ax.plot(g.t, q[1], "k_", ms=12)
        ax.set_ylim(p.low, p.high)
        ax.set_title(p.name, fontsize=9)
        ax.set_xlabel("generation")
    for ax in axes[d + 2:]:
        ax.set_visible(False)
    _save(fig, path, "ABC-SMC trace")


def plot_marginals(prior: JointPrior, last: Generation, path):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    d = len(prior.names)
    cols = min(d, 4)
    rows = math.ceil(d / cols)
    fig, axes = plt.subplots(rows, cols, figsize=(3.6 * cols, 2.8 * rows), squeeze=False)
    axes = axes.ravel()
    for i, p in enumerate(prior.priors):
        ax = axes[i]
        grid = np.linspace(p.low, p.high, 200)
        ax.hist(last.theta[:, i], bins=15, range=(p.low, p.high), weights=last.weights, density=True,
                alpha=0.6, label="posterior")
        ax.plot(grid, p.dist.pdf(grid), "k--", label="prior")
        ax.set_title(p.name, fontsize=9)
        if i == 0:
            ax.legend(fontsize=7)
    for ax in axes[d:]:
        ax.set_visible(False)
    _save(fig, path, f"posterior marginals (generation {last.t})")


def _save(fig, path, title):
    import matplotlib.pyplot as plt
    fig.suptitle(title)
    fig.tight_layout()
    fig.savefig(path, dpi=100, metadata={"Software": f"langerthuis {sim.__version__}"})
    plt.close(fig)


# --------------------------------------------------------------------------- command line
def register(sub):
    p = sub.add_parser("calibrate", help="fit free parameters to targets with ABC-SMC (calibration/README.md)")
    p.add_argument("config", help="calibration config YAML (e.g. calibration/config.yaml)")
    p.add_argument("--out", required=True, help="output folder (written when complete; a previous result is replaced only with --force)")
    p.add_argument("--quick", action="store_true", help="small version (the config's quick: section)")
    p.add_argument("--workers", type=int, help="override smc.workers (results do not depend on it)")
    p.set_defaults(func=main)


def main(args) -> int:
    from sim.output import atomic_folder, manifest, write_json
    config = load_config(args.config, quick=args.quick)  # bad input stops here: nothing written
    if args.workers is not None:
        config.smc["workers"] = args.workers
    started = time.perf_counter()
    pops, fit, post = calibrate(config)
    wall = time.perf_counter() - started
    with atomic_folder(args.out, command="calibrate", force=getattr(args, "force", False)) as tmp:
        ensemble_table(config.prior, pops).to_parquet(tmp / "ensemble.parquet", index=False)
        generations_table(pops).to_csv(tmp / "generations.csv", index=False)
        fit.to_csv(tmp / "fit.csv", index=False)
        post.to_csv(tmp / "posterior.csv", index=False)
        plot_trace(config.prior, pops, tmp / "trace.png")
        plot_marginals(config.prior, pops[-1], tmp / "marginals.png")
        write_json(tmp / "manifest.json", manifest(
            [config.scenario], wall, command="calibrate", config=config.file,
            config_sha256=file_sha256(config.file), quick=config.quick, root_seed=config.seed, smc=config.smc,
            free_parameters=config.prior.names, generations=generations_table(pops).to_dict("records"),
            plausibility_screen=None if not config.plausibility else {
                "until": config.plausibility["until"], "ranges": config.plausibility["ranges_file"],
                "reason": config.plausibility["reason"], "inside": int(pops[-1].plausible.sum()),
                "particles": len(pops[-1].plausible), "outside_by_indicator": pops[-1].screen}))
    fitted = fit[config.targets.fitted.to_numpy()]
    print(f"wrote {args.out}: {len(pops)} generations x {len(pops[-1].weights)} particles, "
          f"{sum(g.simulations for g in pops)} model runs in {wall:.0f} s; "
          f"{(fitted.within_tolerance == 'yes').sum()} of {len(fitted)} fitted targets within tolerance")
    return 0
