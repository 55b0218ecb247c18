"""Tests of sim/calibrate.py: the ABC-SMC engine on an analytic model, recovery of known model parameters
from synthetic targets, the quick calibration through the CLI, and ``parameters: calibrated``."""
from __future__ import annotations

import copy
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sim.model import ensemble as ensemble_module
from sim.analysis import calibrate as cal, calibrate_config as cc
from sim.cli import main as cli
from sim.model.scenario import load_scenario, resolve_scenario

from conftest import ROOT, langerthuis_in_process

QUIET = dict(log=lambda text: None)


# --------------------------------------------------------------------------- the engine, analytic model
def normal_mean_problem(n=1, xbar=2.0):
    """Prior N(0, 1) (truncated far out), n observations N(mu, 1) with mean xbar: posterior
    N(n xbar / (n + 1), 1 / (n + 1)). The prior matters, so wrong importance weights show."""
    prior = cc.JointPrior([cc.Prior("mu", "normal", -6.0, 6.0, mean=0.0, sd=1.0, reason="test")])

    def simulate(theta, seeds):  # the sample mean is sufficient: simulate it directly
        return [abs(np.random.default_rng(s).normal(t[0], 1 / math.sqrt(n)) - xbar) for t, s in zip(theta, seeds)]
    return prior, simulate, n * xbar / (n + 1), math.sqrt(1 / (n + 1))


def test_abc_smc_matches_the_analytic_posterior():
    prior, simulate, post_mean, post_sd = normal_mean_problem()
    pops = cal.abc_smc(simulate, prior, particles=500, generations=7, root_seed=11, **QUIET)
    last = pops[-1]
    x, w = last.theta[:, 0], last.weights
    mean = np.average(x, weights=w)
    sd = math.sqrt(np.average((x - mean) ** 2, weights=w))
    assert len(pops) == 7
    assert abs(mean - post_mean) < 0.08         # 1.0; the prior alone would give 0, the data alone 2
    # 0.707; ABC's tolerance adds a little width. Weights without the kernel mixture give ~0.57, without
    # the prior ~1.0 (checked by hand), so both halves of the importance weight are tested.
    assert 0.9 * post_sd < sd < 1.15 * post_sd
    eps = [g.epsilon for g in pops]
    assert math.isinf(eps[0]) and all(a > b for a, b in zip(eps[1:], eps[2:]))  # a decreasing schedule
    assert all(1 < g.ess <= 500 + 1e-9 for g in pops) and abs(w.sum() - 1) < 1e-12


def test_abc_smc_is_reproducible_from_the_root_seed():
    prior, simulate, _, _ = normal_mean_problem()
    a = cal.abc_smc(simulate, prior, particles=50, generations=3, root_seed=5, **QUIET)
    b = cal.abc_smc(simulate, prior, particles=50, generations=3, root_seed=5, **QUIET)
    c = cal.abc_smc(simulate, prior, particles=50, generations=3, root_seed=6, **QUIET)
    assert np.array_equal(a[-1].theta, b[-1].theta) and np.array_equal(a[-1].weights, b[-1].weights)
    assert a[-1].seeds == b[-1].seeds
    assert not np.array_equal(a[-1].theta, c[-1].theta)
    assert cal.model_seed(5, 2, 7) == cal.model_seed(5, 2, 7) != cal.model_seed(5, 2, 8)


def test_weighted_quantile():
    x = np.array([1.0, 2.0, 3.0, 4.0])
    assert cal.weighted_quantile(x, np.ones(4), 0.5) == pytest.approx(2.5)
    assert cal.weighted_quantile(x, np.array([0, 0, 0, 1.0]), [0.05, 0.95]) == pytest.approx([4.0, 4.0])


# --------------------------------------------------------------------------- recovery with the model
def small_scenario(end_year=2016, inhabitants=20000):
    s = {k: v for k, v in load_scenario(ROOT / "scenarios" / "small.yaml").items() if not k.startswith("_")}
    s.update(end_year=end_year, areas={})
    s["municipality"] = {**s["municipality"], "inhabitants": inhabitants}
    return resolve_scenario(s)


def test_calibration_recovers_known_parameters_from_synthetic_targets():
    scenario = small_scenario(end_year=2016, inhabitants=16000)
    truth = {"capacity_vv_per_80plus": 0.27, "init_deficit_65": 0.085, "household_need": 0.36}
    rows = ([("intramural_places_vv_per_80plus", 2011), ("intramural_residents_per_80plus", 2011)]
            + [(f"limitation_prevalence_{band}", y) for band in ("65_74", "75_84", "85plus") for y in (2012, 2015)]
            + [(f"wmo_household_help_share_{band}", y) for band in ("75_84", "85plus") for y in (2014, 2016)])
    observed = cal.simulate_rows({"scenario": scenario, "overrides": cal.to_overrides(truth), "seed": 777,
                                  "rows": rows})
    # tolerances of the order of each row's run-to-run noise: capacity rows are nearly deterministic
    relative = np.where(np.arange(len(rows)) < 2, 0.03, 0.1)
    targets = pd.DataFrame({"indicator": [r[0] for r in rows], "year": [r[1] for r in rows], "value": observed,
                            "tolerance": relative * np.abs(observed), "source": "synthetic", "fitted": True,
                            "note": "fitted"})
    prior = cc.JointPrior([
        cc.Prior("capacity_vv_per_80plus", "uniform", 0.15, 0.35, reason="test"),
        cc.Prior("init_deficit_65", "uniform", 0.03, 0.12, reason="test"),
        cc.Prior("household_need", "uniform", 0.2, 0.5, reason="test")])
    config = cc.Config("<test>", scenario, targets, prior, seed=99,
                        smc={"particles": 30, "generations": 4, "quantile": 0.3, "batch": 15,
                             "max_simulations": 600, "min_acceptance": 0.0, "workers": 2})
    pops, fit, post = cal.calibrate(config, **QUIET)
    assert len(pops) == 4
    for row in post.itertuples():
        assert row.posterior_p05 <= truth[row.parameter] <= row.posterior_p95, row
        # the posterior is much narrower than the prior
        assert row.posterior_p95 - row.posterior_p05 < 0.6 * (row.prior_p95 - row.prior_p05), row
    assert (fit.within_tolerance == "yes").mean() >= 0.8


# --------------------------------------------------------------------------- the command line
def test_quick_calibration_end_to_end(tmp_path, capsys):
    out = tmp_path / "quick"
    assert cli(["calibrate", str(ROOT / "calibration" / "config.yaml"), "--out", str(out), "--quick"]) == 0
    assert {"ensemble.parquet", "fit.csv", "generations.csv", "posterior.csv", "trace.png", "marginals.png",
            "manifest.json"} <= {p.name for p in out.iterdir()}
    ens = pd.read_parquet(out / "ensemble.parquet")
    assert sorted(ens.generation.unique()) == [0, 1]
    assert ens.groupby("generation").weight.sum().to_numpy() == pytest.approx([1.0, 1.0])
    fit = pd.read_csv(out / "fit.csv")
    targets = pd.read_csv(ROOT / "calibration" / "targets.csv")
    assert len(fit) == len(targets)
    fitted = fit[fit.status == "fitted"]
    assert len(fitted) > 5 and fitted.simulated_mean.notna().all()
    assert (fit.loc[fit.status.str.startswith("not simulated"), "within_tolerance"] == "not simulated").all()
    assert "within tolerance" in capsys.readouterr().out


def config_with(tmp_path, old: str, new: str) -> Path:
    """calibration/config.yaml copied to tmp_path (its paths made absolute) with ``old`` replaced by ``new``."""
    text = (ROOT / "calibration" / "config.yaml").read_text()
    assert old in text
    bad = tmp_path / "config.yaml"
    bad.write_text(text.replace("scenario: ../scenarios/baseline.yaml", f"scenario: {ROOT / 'scenarios' / 'baseline.yaml'}")
                   .replace("targets: targets.csv", f"targets: {ROOT / 'calibration' / 'targets.csv'}")
                   .replace("ranges: plausibility.csv", f"ranges: {ROOT / 'calibration' / 'plausibility.csv'}")
                   .replace(old, new))
    return bad


def test_bad_config_is_one_line_and_writes_nothing(tmp_path, capsys):
    bad = config_with(tmp_path, "  admit_request_month:", "  no_such_parameter:")
    out = tmp_path / "out"
    status, _, err = langerthuis_in_process(capsys, "calibrate", bad, "--out", out, "--quick")
    err = err.strip()
    assert status == 2 and "\n" not in err and "no_such_parameter" in err and str(bad) in err
    assert not out.exists()


def test_a_prior_outside_the_parameters_range_is_refused(tmp_path, capsys):
    bad = config_with(tmp_path, "    low: 0.05\n    high: 0.40\n", "    low: 0.05\n    high: 1.5\n")  # admit_request_month
    out = tmp_path / "out"
    status, _, err = langerthuis_in_process(capsys, "calibrate", bad, "--out", out, "--quick")
    err = err.strip()
    assert status == 2 and "\n" not in err and "parameters.admit_request_month" in err and "from 0 to 1" in err and "1.5" in err
    assert not out.exists()


# --------------------------------------------------------------------------- the plausibility screen
class RunsPool:
    """Stands in for the process pool: particle i's run gives ``values[i]`` for every requested row."""
    def __init__(self, values):
        self.values, self.tasks = values, []

    def map(self, fn, tasks, done=None):
        self.tasks = tasks
        return [np.full(len(t["rows"]), v) for t, v in zip(tasks, self.values)]


def screened_config(tmp_path, old: str = "", new: str = "") -> Path:
    """calibration/config.yaml (with its plausibility section, absolute paths), ``old`` replaced by ``new``."""
    path = config_with(tmp_path, "seed: 20240601", "seed: 20240601")
    text = path.read_text()
    assert "plausibility:" in text   # the shipped config screens; its section has absolute paths here
    path.write_text(text.replace(old, new) if old else text)
    return path


def test_the_plausibility_screen_gives_weight_zero_to_a_particle_that_leaves_a_range(tmp_path):
    config = cc.load_config(screened_config(tmp_path))
    screen = config.plausibility
    assert screen["scenario"]["end_year"] == screen["until"] == 2025 and config.scenario["end_year"] == 2015
    assert {r[0] for r in screen["rows"]} == {"unmet_need_share"}
    assert [r[1] for r in screen["rows"]] == list(range(2010, 2026))   # the 2010-2025 range, every year
    last = cal.Generation(t=4, theta=np.full((3, len(config.prior.names)), 0.1), weights=np.array([0.2, 0.5, 0.3]),
                          distances=np.ones(3), seeds=[1, 2, 3], epsilon=1.0, simulations=3)
    pool = RunsPool([0.02, 0.35, np.nan])            # inside, a runaway, a run that gave no value
    cal.screen_plausibility(config, last, pool, log=lambda text: None)
    assert list(last.plausible) == [True, False, False] and last.screen == {"unmet_need_share": 2}
    assert last.weights == pytest.approx([1.0, 0.0, 0.0])
    assert len({t["seed"] for t in pool.tasks}) == 3 and all(t["scenario"]["end_year"] == 2025 for t in pool.tasks)
    # the ensemble file carries the flag, and the flag is not a free parameter
    table = cal.ensemble_table(config.prior, [last])
    assert list(table.plausible) == [1.0, 0.0, 0.0]
    table.to_parquet(tmp_path / "ensemble.parquet")
    assert ensemble_module.final_generation(tmp_path / "ensemble.parquet")[1] == tuple(config.prior.names)


def test_the_shipped_ensemble_passed_the_screen():
    """The shipped config screens (calibration/config.yaml, plausibility:), and every particle with weight in
    calibration/ensemble.parquet's last generation stayed inside the screened ranges; the screened-out ones
    have weight 0, so no scenario run draws them."""
    assert cc.load_config(ROOT / "calibration" / "config.yaml").plausibility["until"] == 2025
    ens = pd.read_parquet(ROOT / "calibration" / "ensemble.parquet")
    last = ens[ens.generation == ens.generation.max()]
    assert (last.plausible == 1.0).sum() >= 50 and (last.plausible == 0.0).any()
    assert (last.loc[last.plausible == 0.0, "weight"] == 0.0).all() and (last.loc[last.plausible == 1.0, "weight"] > 0).all()


def test_fewer_particles_than_free_parameters_is_one_line(tmp_path, capsys):
    bad = config_with(tmp_path, "    particles: 20 ", "    particles: 5 ")
    status, _, err = langerthuis_in_process(capsys, "calibrate", bad, "--out", tmp_path / "out", "--quick")
    err = err.strip()
    assert status == 2 and "\n" not in err and "quick.smc.particles" in err and "free parameters" in err
    assert not (tmp_path / "out").exists()


def test_a_bad_plausibility_section_is_one_line(tmp_path, capsys):
    bad = screened_config(tmp_path, "  indicators: [unmet_need_share]", "  indicators: [no_such_indicator]")
    status, _, err = langerthuis_in_process(capsys, "calibrate", bad, "--out", tmp_path / "out", "--quick")
    err = err.strip()
    assert status == 2 and "\n" not in err and "plausibility.indicators" in err and "no_such_indicator" in err
    bad = screened_config(tmp_path, "  until: 2025", "  until: soon")
    status, _, err = langerthuis_in_process(capsys, "calibrate", bad, "--out", tmp_path / "out", "--quick")
    assert status == 2 and "plausibility.until" in err and not (tmp_path / "out").exists()


# --------------------------------------------------------------------------- parameters: calibrated
@pytest.fixture
def ensemble(tmp_path, monkeypatch):
    """A small two-generation ensemble file used as calibration/ensemble.parquet."""
    rng = np.random.default_rng(0)
    frames = []
    for g in (0, 1):
        frames.append(pd.DataFrame({"generation": g, "particle": np.arange(5), "weight": [0.1, 0.2, 0.3, 0.2, 0.2],
                                    "distance": 1.0, "epsilon": 2.0, "seed": np.arange(5),
                                    "fall_rate_65": rng.uniform(0.2, 0.3, 5),
                                    "mort_gompertz_a_scale": [0.9, 1.0, 1.1, 1.2, 1.3]}))
    path = tmp_path / "ensemble.parquet"
    pd.concat(frames).to_parquet(path)
    monkeypatch.setattr(ensemble_module, "ENSEMBLE_FILE", path)
    return path


def test_parameters_calibrated_takes_the_posterior_mean(ensemble):
    from sim.model.parameters import default_parameters
    base = {"name": "x", "start_year": 2010, "end_year": 2014}
    s = resolve_scenario({**base, "parameters": "calibrated"})
    last = pd.read_parquet(ensemble).query("generation == 1")
    scale = np.average(last.mort_gompertz_a_scale, weights=last.weight)
    assert s["parameters"]["mort_gompertz_a_male"] == pytest.approx(default_parameters()["mort_gompertz_a_male"] * scale)
    assert s["parameters"]["fall_rate_65"] == pytest.approx(np.average(last.fall_rate_65, weights=last.weight))
    assert s["calibration"]["mode"] == "mean"
    assert resolve_scenario(copy.deepcopy(s)) == s                    # idempotent
    # explicit values stay on top; a scenario without calibration has no calibration key
    t = resolve_scenario({**base, "parameters": {"calibrated": True, "fall_rate_65": 0.5}})
    assert t["parameters"]["fall_rate_65"] == 0.5 and t["calibration"]["fixed"] == ["fall_rate_65"]
    assert "calibration" not in resolve_scenario(base)


def test_parameters_calibrated_ensemble_varies_by_replicate(ensemble):
    """The resolver's side; that the model runs these particles is tests/test_ensemble.py."""
    from sim.errors import ScenarioError
    s = resolve_scenario({"name": "x", "start_year": 2010, "end_year": 2013, "replicates": 2,
                          "municipality": {"inhabitants": 5000, "grid": {"width": 2, "height": 2}},
                          "parameters": {"calibrated": "ensemble", "fall_rate_65": 0.5}})
    per_rep = [cal.replicate_parameters(s, r) for r in range(20)]
    last = pd.read_parquet(ensemble).query("generation == 1")
    default = ensemble_module.default_parameters()["mort_gompertz_a_male"]
    assert {round(p["mort_gompertz_a_male"] / default, 9) for p in per_rep} <= set(last.mort_gompertz_a_scale)
    assert len({p["mort_gompertz_a_male"] for p in per_rep}) > 1          # parameter uncertainty
    assert all(p["fall_rate_65"] == 0.5 for p in per_rep)                 # explicit value kept
    assert cal.replicate_parameters(s, 3) == per_rep[3]                    # deterministic
    with pytest.raises(ScenarioError, match="parameters.calibrated"):
        resolve_scenario({"name": "x", "parameters": {"calibrated": "sometimes"}})
