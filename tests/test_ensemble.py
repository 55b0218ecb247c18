"""The model applies its own parameters (sim/model/ensemble.py): ``LangerThuisModel(scenario, r)`` runs with
the same parameters as the runner for every ``parameters:`` form, and an ensemble scenario's replicates
run the particles of the weighted resample, not the plain or posterior-mean values."""
from __future__ import annotations

import copy

import numpy as np
import pandas as pd
import pytest

from sim.model import ensemble
from sim.model.model import LangerThuisModel
from sim.model.parameters import default_parameters, make_params
from sim.model.scenario import resolve_scenario
from sim.analysis.runner import run_model

WEIGHTS = [0.1, 0.2, 0.3, 0.2, 0.2]
SCALES = [0.9, 1.0, 1.1, 1.2, 1.3]  # mort_gompertz_a_scale of the five final particles


@pytest.fixture
def ensemble_file(tmp_path, monkeypatch):
    """A two-generation ensemble used as calibration/ensemble.parquet (only generation 1 counts)."""
    frames = [pd.DataFrame({"generation": g, "particle": np.arange(5), "weight": WEIGHTS, "distance": 1.0,
                            "epsilon": 2.0, "seed": np.arange(5),
                            "fall_rate_65": [0.2, 0.22, 0.24, 0.26, 0.28] if g else [0.5] * 5,
                            "mort_gompertz_a_scale": SCALES if g else [2.0] * 5}) for g in (0, 1)]
    path = tmp_path / "ensemble.parquet"
    pd.concat(frames).to_parquet(path)
    monkeypatch.setattr(ensemble, "ENSEMBLE_FILE", path)
    return path


def short(small, parameters):
    data = {k: v for k, v in copy.deepcopy(small).items() if not k.startswith("_")}
    return resolve_scenario({**data, "end_year": 2013, "replicates": 2, "parameters": parameters})


@pytest.mark.parametrize("parameters", [{"fall_rate_65": 0.3}, "calibrated",
                                        {"calibrated": "ensemble", "strain_per_hour": 0.007}],
                         ids=["plain", "calibrated", "ensemble"])
def test_the_model_gives_the_runners_table_for_every_parameters_form(small, ensemble_file, parameters):
    s = short(small, parameters)
    for r in (0, 1):
        pd.testing.assert_frame_equal(LangerThuisModel(s, r).run().indicators(), run_model(s, r).indicators())


def test_ensemble_replicates_run_the_resampled_particles(small, ensemble_file):
    s = short(small, {"calibrated": "ensemble", "fall_rate_65": 0.5})
    defaults = default_parameters()
    # a weighted resample seeded by the scenario seed picks the particle of each replicate
    picks = np.random.default_rng(np.random.SeedSequence(s["seed"], spawn_key=(7,))).choice(
        5, size=1000, p=np.array(WEIGHTS) / sum(WEIGHTS))
    seen = set()
    for r in range(6):
        params = LangerThuisModel(s, r).params
        scale = SCALES[picks[r]]
        assert params.mort_gompertz_a_male == pytest.approx(defaults["mort_gompertz_a_male"] * scale)
        assert params.mort_gompertz_a_female == pytest.approx(defaults["mort_gompertz_a_female"] * scale)
        assert params.fall_rate_65 == 0.5                     # the scenario's explicit value stays on top
        seen.add(params.mort_gompertz_a_male)
    assert len(seen) > 1                                       # parameter uncertainty across replicates
    assert LangerThuisModel(s, 0).params != make_params()     # neither the plain defaults ...
    assert len({LangerThuisModel(s, r).params for r in range(6)} - {make_params(s["parameters"])}) > 1  # nor the mean
    # and it changes the results: replicate 0 of the ensemble vs the same scenario at the posterior mean
    mean = short(small, {"calibrated": "mean", "fall_rate_65": 0.5})
    assert SCALES[picks[0]] != pytest.approx(np.average(SCALES, weights=WEIGHTS))
    a, b = LangerThuisModel(s, 0).run().indicators(), LangerThuisModel(mean, 0).run().indicators()
    assert not a.drop(columns="scenario").equals(b.drop(columns="scenario"))


def test_posterior_mean_mode_runs_the_mean(small, ensemble_file):
    s = short(small, "calibrated")
    scale = np.average(SCALES, weights=WEIGHTS)
    params = LangerThuisModel(s, 1).params
    assert params.mort_gompertz_a_male == pytest.approx(default_parameters()["mort_gompertz_a_male"] * scale)
    assert params.fall_rate_65 == pytest.approx(np.average([0.2, 0.22, 0.24, 0.26, 0.28], weights=WEIGHTS))


def test_a_changed_ensemble_is_refused_when_the_scenario_is_read_again(small, ensemble_file):
    from sim.errors import ScenarioError
    s = short(small, {"calibrated": "ensemble"})
    assert resolve_scenario(copy.deepcopy(s)) == s                       # the record is accepted as it is
    pd.read_parquet(ensemble_file).assign(fall_rate_65=0.3).to_parquet(ensemble_file)
    with pytest.raises(ScenarioError) as excinfo:
        resolve_scenario(copy.deepcopy(s))
    assert excinfo.value.path == "calibration.sha256"


@pytest.mark.parametrize("record, path", [
    ({"mode": "ensemble"}, "calibration.file"),
    ({"foo": 1}, "calibration.foo"),
    ({"mode": "sometimes", "file": "x", "sha256": "0" * 64}, "calibration.mode"),
    ({"mode": "mean", "file": "x", "sha256": "abc"}, "calibration.sha256"),
    ({"mode": "mean", "file": "no/such/file.parquet", "sha256": "0" * 64}, "calibration.file"),
    ("ensemble", "calibration"),
])
def test_a_bad_calibration_record_is_one_located_error(tmp_path, record, path):
    import yaml

    from sim.model.scenario import load_scenario
    from sim.errors import ScenarioError
    file = tmp_path / "s.yaml"
    file.write_text(yaml.safe_dump({"name": "s", "calibration": record}), encoding="utf-8")
    with pytest.raises(ScenarioError) as excinfo:
        load_scenario(file)
    assert excinfo.value.path == path and excinfo.value.line is not None and "\n" not in str(excinfo.value)


def test_the_app_cache_takes_the_same_route(small, ensemble_file, tmp_path, monkeypatch):
    from sim.analysis.runner import run_replicates
    from sim.workshop import appcache
    monkeypatch.setenv("LANGERTHUIS_CACHE", str(tmp_path / "cache"))
    s = short(small, {"calibrated": "ensemble"})
    table, cells = appcache.run_cached(s)
    expected_table, expected_cells = run_replicates(s)
    pd.testing.assert_frame_equal(table, expected_table)
    pd.testing.assert_frame_equal(cells, expected_cells)


def test_the_app_cache_fingerprint_covers_every_file_of_the_model_package(tmp_path):
    """A change in any file of sim/model (a mechanism, parameters.yaml) must not let the app serve stale results."""
    from sim.workshop import appcache
    (tmp_path / "mechanisms").mkdir()
    (tmp_path / "parameters.yaml").write_text("a: {value: 1}\n")
    (tmp_path / "mechanisms" / "events.py").write_text("X = 1\n")
    before = appcache.tree_fingerprint(tmp_path)
    (tmp_path / "mechanisms" / "events.py").write_text("X = 2\n")
    after = appcache.tree_fingerprint(tmp_path)
    (tmp_path / "parameters.yaml").write_text("a: {value: 2}\n")
    assert len({before, after, appcache.tree_fingerprint(tmp_path)}) == 3
