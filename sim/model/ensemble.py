"""The calibrated ensemble (``calibration/ensemble.parquet``, written by ``langerthuis calibrate``).

A scenario opts in with ``parameters: calibrated`` (the weighted posterior mean) or
``parameters: {calibrated: ensemble}`` (replicate r runs particle r of a weighted resample), explicit
values on top; see calibration/README.md. The scenario resolver calls ``calibration_overrides`` and
records ``calibration: {mode, file, sha256, fixed}``; the model calls ``run_parameters`` for the
parameters of its replicate, so every route (runner, app, studies, a plain ``LangerThuisModel``) is the same.
"""
from __future__ import annotations

import hashlib
import zlib
from functools import lru_cache
from pathlib import Path

import numpy as np

from sim.errors import InputError
from sim.model.parameters import default_parameters, parameter_records

ENSEMBLE_FILE = Path(__file__).resolve().parents[2] / "calibration" / "ensemble.parquet"
MODES = ("mean", "ensemble")

# Free parameters that are not model parameters themselves but move a group of them together.
NEED_THRESHOLDS = ("need_threshold_vv1", "need_threshold_vv2", "need_threshold_vv3", "need_threshold_vv4",
                   "need_threshold_vv56", "need_threshold_vv78")
DERIVED = {
    # multiplies both Gompertz levels: one mortality level, the sex gap stays as in the life table
    "mort_gompertz_a_scale": ("scale", ("mort_gompertz_a_male", "mort_gompertz_a_female")),
    # shifts all VV need thresholds: how needy a resident must be for a package, the ladder kept
    "need_threshold_shift": ("shift", NEED_THRESHOLDS),
}


def to_overrides(free: dict) -> dict[str, float]:
    """Model-parameter overrides of one particle (derived free parameters expanded)."""
    defaults = default_parameters()
    out = {}
    for name, value in free.items():
        if name in DERIVED:
            how, targets = DERIVED[name]
            for t in targets:
                out[t] = defaults[t] * value if how == "scale" else defaults[t] + value
        else:
            out[name] = float(value)
    return out


def file_sha256(path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


@lru_cache(maxsize=4)
def _final_generation(path: str, sha: str):
    import pandas as pd
    df = pd.read_parquet(path)
    last = df[df.generation == df.generation.max()].reset_index(drop=True)
    names = tuple(c for c in df.columns
                  if c not in ("generation", "particle", "weight", "distance", "epsilon", "seed", "plausible"))
    last = last.assign(weight=last.weight / last.weight.sum())
    return last, names


def final_generation(path=None):
    """(last generation's particles with normalised weights, free parameter names) of an ensemble."""
    path = Path(path or ENSEMBLE_FILE)
    return _final_generation(str(path), file_sha256(path))


def posterior_mean_overrides(path=None) -> dict[str, float]:
    """Model-parameter overrides at the weighted posterior mean of the ensemble's last generation."""
    last, names = final_generation(path)
    return to_overrides({n: float(np.average(last[n], weights=last.weight)) for n in names})


def calibration_overrides(value: dict, fail, path=None):
    """Resolve ``parameters: {calibrated: true|mean|ensemble, name: value...}`` (the scenario resolver).

    Returns (parameters: posterior mean with the explicit values on top, the calibration record).
    """
    mode = value["calibrated"]
    if mode is True:
        mode = "mean"
    if mode not in MODES:
        fail("parameters.calibrated", "true, 'mean' or 'ensemble'", repr(mode))
    path = Path(path or ENSEMBLE_FILE)
    if not path.is_file():
        fail("parameters.calibrated", "an existing calibrated ensemble (calibration/ensemble.parquet)",
             f"no such file {path}")
    explicit = {k: v for k, v in value.items() if k != "calibrated"}
    info = {"mode": mode, "file": str(path), "sha256": file_sha256(path), "fixed": sorted(map(str, explicit))}
    return {**posterior_mean_overrides(path), **explicit}, info


def check_record(info: dict, fail) -> None:
    """A ``calibration:`` record given in a scenario (a resolved one, read again): its ensemble file must
    exist and still have the recorded sha256, or the runs could not be repeated."""
    if not Path(info["file"]).is_file():
        fail("calibration.file", "an existing calibrated ensemble file", f"no such file {info['file']}")
    sha = file_sha256(info["file"])
    if sha != info["sha256"]:
        fail("calibration.sha256", f"the sha256 of {info['file']} ({sha[:12]}...)",
             f"{info['sha256'][:12]}... (the ensemble changed since the scenario was resolved)")


def replicate_parameters(scenario: dict, replicate: int) -> dict:
    """The parameters of ``replicate`` of a ``calibrated: ensemble`` scenario: particle ``replicate`` of a
    weighted resample (seeded by the scenario seed) of the ensemble, the scenario's explicit values on top."""
    info = scenario["calibration"]
    if file_sha256(info["file"]) != info["sha256"]:
        raise InputError(f"{info['file']}: the calibrated ensemble changed since the scenario was resolved")
    last, names = final_generation(info["file"])
    rng = np.random.default_rng(np.random.SeedSequence(int(scenario["seed"]), spawn_key=(7,)))
    picks = rng.choice(len(last), size=max(1000, replicate + 1), p=last.weight.to_numpy())
    particle = to_overrides({n: float(last.loc[picks[replicate], n]) for n in names})
    fixed = set(info.get("fixed", ()))
    return {**scenario["parameters"], **{k: v for k, v in particle.items() if k not in fixed}}


# ---- effect sizes drawn from their priors (issue 13): `prior` in parameters.yaml
EFFECT_STREAM = 8   # spawn key of the effect-size draws (7 is the ensemble resample)


def effect_priors() -> dict[str, tuple]:
    """Parameter name -> its prior: (low, high) uniform or (low, mode, high) triangular."""
    return {name: tuple(float(x) for x in r["prior"]) for name, r in parameter_records().items() if "prior" in r}


def effect_draws(seed: int, replicate: int, fixed=()) -> dict[str, float]:
    """One draw of every effect size with a prior (except ``fixed``) for ``replicate``. Each parameter has its
    own SeedSequence (seed, EFFECT_STREAM, replicate, crc32 of its name): a prior added or removed moves no
    other draw, and the draws move none of the model's counter-based streams."""
    out = {}
    for name, prior in effect_priors().items():
        if name in fixed:
            continue
        key = (EFFECT_STREAM, int(replicate), zlib.crc32(name.encode()))
        rng = np.random.default_rng(np.random.SeedSequence(int(seed), spawn_key=key))
        out[name] = float(rng.uniform(prior[0], prior[1]) if len(prior) == 2 else
                          rng.triangular(prior[0], prior[1], prior[2]))
    return out


def run_parameters(scenario: dict, replicate: int) -> dict:
    """The parameter overrides replicate ``replicate`` of a resolved scenario runs with: its particle of the
    ensemble for ``calibrated: ensemble``, else the scenario's ``parameters`` (already the posterior mean
    for ``calibrated: mean``); with ``effect_priors: true`` the effect sizes not set explicitly are drawn
    from their priors (``effect_draws``) underneath."""
    if (scenario.get("calibration") or {}).get("mode") == "ensemble":
        base = replicate_parameters(scenario, replicate)
    else:
        base = scenario.get("parameters") or {}
    if scenario.get("effect_priors"):
        explicit = set(scenario.get("parameters") or {})
        return {**effect_draws(scenario["seed"], replicate, fixed=explicit), **base}
    return base
