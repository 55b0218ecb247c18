"""The experiments E1-E6 (issue #16): every experiment in quick mode writes its folder (summary with its
sections, PNG and SVG figures, CSV and Parquet tables, a manifest with commit, seeds, scenario hashes and the
ensemble's hash); a second run of the same commit writes the same tables; the command lists, refuses and
protects as every command does. An experiment registered but not built on this branch is skipped with its
reason. Each experiment runs once in this file (``quick_runs``): E1's, E3's and E4's own checks read that run's
folder. E3's cohort hook and the mechanisms behind E3's differences are checked on small cohort runs."""
from __future__ import annotations

import importlib
import json
import re
import time

import numpy as np
import pandas as pd
import pytest

from sim.cli import main as cli
from sim.errors import ScenarioError
from sim.experiments.base import EXPERIMENTS
from sim.experiments.writer import ROOT, SECTIONS, run_experiment
from sim.model.scenario import load_scenario, resolve_scenario
from sim.model.state import HOME
from sim.output import file_hash


def _built(name):
    try:
        importlib.import_module(EXPERIMENTS[name])
        return True
    except ModuleNotFoundError as exc:
        if exc.name == EXPERIMENTS[name]:
            return False
        raise


@pytest.fixture(scope="module")
def quick_runs(tmp_path_factory):
    """Every built experiment once in quick mode, one worker: {name: (folder, seconds)}."""
    base = tmp_path_factory.mktemp("experiments")
    out = {}
    for name in EXPERIMENTS:
        if _built(name):
            started = time.perf_counter()
            out[name] = (run_experiment(name, quick=True, out=base / name, workers=1, progress=None),
                         time.perf_counter() - started)
    return out


@pytest.mark.parametrize("name", list(EXPERIMENTS))
def test_quick_experiment_folder(name, quick_runs):
    pytest.importorskip(EXPERIMENTS[name], reason=f"{name} is registered but not built on this branch")
    folder, seconds = quick_runs[name]
    summary = (folder / "summary.md").read_text(encoding="utf-8")
    module = importlib.import_module(EXPERIMENTS[name])
    assert summary.startswith(f"# {module.TITLE}\n")
    headings = [h.lower() for h in re.findall(r"^## (.+)$", summary, flags=re.M)]
    for section in SECTIONS:
        assert any(h.startswith(section) for h in headings), f"{name}: summary.md lacks a '{section}' section"
    assert "quick mode" in summary and "replicate" in summary
    m = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert m["experiment"] == name and m["mode"] == "quick" and m["quick"] is True
    assert re.fullmatch(r"[0-9a-f]{40}|unknown", m["git_commit"])
    assert m["seeds"] and all(isinstance(s, int) for s in m["seeds"])
    assert m["scenario_hashes"] and all(re.fullmatch(r"[0-9a-f]{64}", h) for h in m["scenario_hashes"].values())
    assert m["ensemble"]["sha256"] == file_hash(ROOT / "calibration" / "ensemble.parquet")
    assert m["replicates"] >= 1 and m["main_figure"] in {f.rsplit(".", 1)[0] for f in m["figures"]}
    stems = {f.rsplit(".", 1)[0] for f in m["figures"]}
    assert stems, f"{name}: no figure"
    for stem in stems:
        for ext in ("png", "svg"):
            assert (folder / f"{stem}.{ext}").stat().st_size > 1000
    tables = {f.rsplit(".", 1)[0] for f in m["tables"]}
    assert tables, f"{name}: no table"
    for stem in tables:
        csv, parquet = pd.read_csv(folder / f"{stem}.csv"), pd.read_parquet(folder / f"{stem}.parquet")
        assert len(csv) == len(parquet) > 0 and list(csv.columns) == list(parquet.columns)
    assert m["conclusion"]


def test_rerun_gives_identical_tables(quick_runs, tmp_path):
    name = next((n for n in ("e6_access", "e1_reform") if n in quick_runs), None)
    if name is None:
        pytest.skip("neither e6_access nor e1_reform is built")
    first = quick_runs[name][0]
    again = run_experiment(name, quick=True, out=tmp_path / name, workers=1, progress=None)
    m = json.loads((first / "manifest.json").read_text(encoding="utf-8"))
    for table in (t for t in m["tables"] if t.endswith(".csv")):
        assert (first / table).read_bytes() == (again / table).read_bytes(), table
        stem = table[:-4]
        pd.testing.assert_frame_equal(pd.read_parquet(first / f"{stem}.parquet"),
                                      pd.read_parquet(again / f"{stem}.parquet"))
    for fig in (f for f in m["figures"] if f.endswith(".svg")):
        assert (first / fig).read_bytes() == (again / fig).read_bytes(), fig


def test_list_names_every_experiment_and_unbuilt_ones(capsys, monkeypatch):
    monkeypatch.setitem(EXPERIMENTS, "e9_missing", "sim.experiments.e9_missing")
    assert cli(["experiment", "--list"]) == 0
    out = capsys.readouterr().out
    for name in EXPERIMENTS:
        assert name in out
    assert "e9_missing  (not built on this branch)" in out
    assert cli(["experiment", "e9_missing", "--quick"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "not built" in err


def test_bad_name_and_arguments_one_line_exit_2(capsys, tmp_path):
    for argv in (["experiment", "e7_nothing"], ["experiment"], ["experiment", "--list", "e1_reform"],
                 ["experiment", "e1_reform", "--workers", "0", "--out", str(tmp_path / "x")]):
        assert cli(argv) == 2, argv
        err = capsys.readouterr().err.strip()
        assert len(err.splitlines()) == 1 and err.startswith("langerthuis: error:"), err
    assert not (tmp_path / "x").exists()


def test_out_never_replaces_what_the_tool_did_not_write(capsys, tmp_path):
    foreign = tmp_path / "mine"
    foreign.mkdir()
    (foreign / "notes.txt").write_text("keep me")
    assert cli(["experiment", "e1_reform", "--quick", "--out", str(foreign), "--force"]) == 2
    assert "did not write" in capsys.readouterr().err
    assert (foreign / "notes.txt").read_text() == "keep me"


def test_docs_page_from_results(quick_runs, tmp_path):
    from sim.experiments.docs import render
    results = next(iter(quick_runs.values()))[0].parent
    text = render(results, tmp_path)
    for name in EXPERIMENTS:
        if name in quick_runs:
            assert f"(experiments/{name}.png)" in text and (tmp_path / "experiments" / f"{name}.png").exists()
        else:
            assert "Not built on this branch" in text or "Not yet run" in text


def test_study_is_a_hidden_alias_of_experiment(capsys, tmp_path):
    """Old scripts say `langerthuis study ...`: it still runs the command (same listing, same refusals, and a
    folder an old `study` run wrote is the command's own), but --help names only `experiment`."""
    assert cli(["experiment", "--list"]) == 0
    listing = capsys.readouterr().out
    assert cli(["study", "--list"]) == 0 and capsys.readouterr().out == listing
    assert cli(["study", "e7_nothing"]) == 2 and "e7_nothing" in capsys.readouterr().err
    old = tmp_path / "old"
    old.mkdir()
    (old / ".langerthuis-output").write_text(json.dumps({"command": "study", "package": "langerthuis",
                                                         "wrote": ["summary.md"]}))
    (old / "summary.md").write_text("an old result")
    from sim.output import OutputError, check_out
    with pytest.raises(OutputError, match="--force"):   # its own result: replaced only with --force
        check_out(old, "experiment")
    assert check_out(old, "experiment", force=True) == old
    with pytest.raises(SystemExit):
        cli(["--help"])
    help_text = capsys.readouterr().out
    assert "experiment" in help_text and "study" not in help_text


# ------------------------------------------------------------------ E3 and E4 on their quick runs above
def _folder(quick_runs, name):
    pytest.importorskip(EXPERIMENTS[name], reason=f"{name} is registered but not built on this branch")
    folder = quick_runs[name][0]
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    tables = {t.rsplit(".", 1)[0]: pd.read_parquet(folder / t) for t in manifest["tables"] if t.endswith(".parquet")}
    return folder, manifest, tables


def _check_experiment(folder, manifest, tables, figures, table_names, columns):
    """The figures, tables and columns an experiment promises, the sections every summary has, intervals."""
    stems = {f.rsplit(".", 1)[0] for f in manifest["figures"]}
    assert manifest["main_figure"] in stems and set(figures) <= stems
    assert set(table_names) <= set(tables)
    for stem, cols in columns.items():
        assert set(cols) <= set(tables[stem].columns), stem
    summary = (folder / "summary.md").read_text(encoding="utf-8")
    for heading in ("## Question", "## Design", "## Results", "## Limitations"):
        assert f"\n{heading}\n" in f"\n{summary}", heading
    assert "90 %" in summary and manifest["conclusion"] and manifest["seeds"] and manifest["replicates"]
    assert manifest["scenario_hashes"]


def test_e3_quick_writes_every_table_and_figure(quick_runs):
    from sim.experiments.e3_cohort import OUTCOMES
    folder, manifest, tables = _folder(quick_runs, "e3_vv3_at_home")
    _check_experiment(folder, manifest, tables, ["e3_outcomes", "e3_km_curves"],
                      ["e3_cells", "e3_effects", "e3_runs", "e3_km"],
                      {"e3_cells": ["carer", "alarm", "dwelling", "replicates", "rank_months_at_home",
                                    "rigo_responsible", *OUTCOMES, "months_at_home_p5", "months_at_home_p95"],
                       "e3_effects": ["contrast", "within", "outcome", "diff_mean", "diff_p5", "diff_p95",
                                      "replicates"]})
    cells = tables["e3_cells"]
    assert len(cells) == 18 and cells[["carer", "alarm", "dwelling"]].drop_duplicates().shape[0] == 18
    assert cells.months_at_home.between(0, 24).all() and cells.rigo_responsible.sum() == 4
    # the situations order the months at home: a co-resident carer, a 10-minute follow-up and a step-free
    # dwelling keep a VV3 client at home longer than no carer, no follow-up and a dwelling not adapted
    at = cells.set_index(["carer", "alarm", "dwelling"]).months_at_home
    assert at["co_resident", "10 min", "adapted"] > at["none", "none", "not adapted"] + 1.0
    for name in ("summary.md", "e3_outcomes.png", "e3_cells.csv"):
        assert (folder / name).is_file(), name


def test_e4_quick_writes_every_table_and_figure(quick_runs):
    from sim.experiments.e4_arms import OUTPUTS
    folder, manifest, tables = _folder(quick_runs, "e4_sensitivity")
    _check_experiment(folder, manifest, tables, ["e4_sobol"], ["e4_indices", "e4_data_collection", "e4_uncertainty"],
                      {"e4_indices": ["indicator", "year", "parameter", "S1", "S1_conf", "ST", "ST_conf"],
                       "e4_data_collection": ["rank", "parameter", "origin", "source_kind", "ST_max", "ST_conf",
                                              "output", "collect_data"],
                       "e4_uncertainty": ["output", "mean", "p5", "p95", "points"]})
    assert set(tables["e4_indices"].indicator) == set(OUTPUTS)
    for name in ("summary.md", "e4_sobol.png", "e4_indices.csv"):
        assert (folder / name).is_file(), name


def test_e4_a_parameter_that_enters_nothing_gets_no_index(quick_runs):
    """Known answer: the dummy is removed before the model runs, so with common random numbers its total
    index is 0 for every output; a parameter that does enter (VV places per 80+ for the reform's saving) has
    a positive one (at quick mode's N its size is noise, its being non-zero is not), so the test can tell a
    broken design from a working one."""
    t = _folder(quick_runs, "e4_sensitivity")[2]["e4_indices"]
    dummy = t[t.parameter == "dummy"]
    assert len(dummy) == 4 and np.allclose(dummy.ST, 0.0, atol=1e-12) and np.allclose(dummy.S1, 0.0, atol=1e-12)
    places = t[(t.parameter == "parameters.capacity_vv_per_80plus")
               & (t.indicator == "e1_net_saving_per_inhabitant_year")]
    assert float(places.ST.iloc[0]) > 1e-3


def test_e1_quick_runs_every_path_and_names_them(quick_runs):
    """E1 over the named no-reform capacity paths (issue 25 item 5), on this file's quick E1 run (moved here from
    test_e1_paths.py, which ran E1 a second time)."""
    from sim.experiments import e1_paths
    folder, m, _ = _folder(quick_runs, "e1_reform")
    contrasts = pd.read_csv(folder / "contrasts.csv")
    for p in e1_paths.PATHS:
        assert e1_paths.contrast(p) in set(contrasts.contrast), p
        assert p in m["conclusion"]
    paths = pd.read_csv(folder / "reform_by_path.csv")
    assert set(e1_paths.PATHS) <= set(paths.columns) and paths.verdict.notna().all()
    admissions = paths.set_index("outcome").loc["intramural_admissions_per_1000"]
    assert admissions.low <= admissions.high < 0           # the reform admits fewer on every path
    summary = (folder / "summary.md").read_text(encoding="utf-8")
    assert "over the no-reform capacity paths" in summary and all(f"`{p}`" in summary for p in e1_paths.PATHS)

# ------------------------------------------------------------------ E3's cohort (sim/model/population.py)
def cohort(carer="none", dwelling="none", alarm="none", size=200, years=3, **parameters):
    from sim.experiments.e3_vv3_at_home import cohort_scenario
    s = cohort_scenario(carer, alarm, dwelling, size, years)
    if parameters:
        s = resolve_scenario(dict({k: v for k, v in s.items() if not k.startswith("_")},
                                  parameters=dict(s["parameters"], **parameters)))
    return s


def test_cohort_key_is_absent_by_default_and_checked():
    assert "cohort" not in load_scenario(ROOT / "scenarios" / "small.yaml")   # shipped scenarios hash as before
    data = {k: v for k, v in cohort().items() if not k.startswith("_")}
    with pytest.raises(ScenarioError, match=r"cohort\.carer.*one of"):
        resolve_scenario(dict(data, cohort=dict(data["cohort"], carer="partner")))
    with pytest.raises(ScenarioError, match=r"cohort\.alarm_response"):
        resolve_scenario(dict(data, cohort=dict(data["cohort"], alarm_response=-3)))


def test_cohort_starts_at_home_in_its_situation():
    from sim.model.model import LangerThuisModel
    from sim.model.mechanisms.common import need_score_array
    s = cohort(carer="co_resident", dwelling="step_free", alarm=10.0, size=300)
    m = LangerThuisModel(s)
    st = m.state()
    assert len(st.pid) == 300 and (st.residence == HOME).all()
    assert (st.sector == 1).all() and (st.level == 3).all() and (st.carer == 1).all() and st.partner.all()
    assert (st.dwelling == 2).all() and (m.hood.layer("alarm_response_minutes") == 10.0).all()
    need = need_score_array(st.phys, st.cog)
    p = m.params
    assert ((need >= p.need_threshold_vv3) & (need < p.need_threshold_vv4)).all()   # VV3 by the model's rule
    assert np.ptp(st.age_months) > 12 * 10                                           # a spread of ages
    none = LangerThuisModel(cohort(alarm="none"))
    assert np.isinf(none.hood.layer("alarm_response_minutes")).all() and (none.state().carer == 0).all()


def _months(s, replicates=2):
    from sim.experiments.e3_cohort import run_cohort
    return np.array([[run_cohort(s, r)[0][k] for k in ("months_at_home", "crises_per_100_years")]
                     for r in range(replicates)])


def test_e3_alarm_difference_comes_from_the_crisis_mechanism():
    """A 10-minute follow-up keeps a VV3 client without a carer at home longer than none, with fewer crises;
    with late responses never turning into a crisis (crisis_if_late 0) the difference is gone exactly."""
    fast, slow = _months(cohort(alarm=10.0)), _months(cohort(alarm="none"))
    assert (fast[:, 1] == 0).all() and (slow[:, 1] > 5).all()
    assert (fast[:, 0] > slow[:, 0]).all() and fast[:, 0].mean() - slow[:, 0].mean() > 0.5
    off_fast, off_slow = _months(cohort(alarm=10.0, crisis_if_late=0.0)), _months(cohort(alarm="none", crisis_if_late=0.0))
    np.testing.assert_array_equal(off_fast, off_slow)


def test_e3_dwelling_difference_comes_from_falls_and_decline():
    """An adapted (step-free) dwelling keeps a client at home longer through fewer falls and slower decline;
    with both effects switched off (relative risk 1, no slower decline) the difference is gone exactly."""
    strong = dict(fall_rr_adapted=0.61, fall_rr_adapted_high_risk=0.56, decline_dwelling_adapted=0.16)
    off = dict(fall_rr_adapted=1.0, fall_rr_adapted_high_risk=1.0, decline_dwelling_adapted=0.0)
    adapted, plain = _months(cohort(dwelling="step_free", **strong)), _months(cohort(dwelling="none", **strong))
    assert (adapted[:, 0] > plain[:, 0]).all()
    np.testing.assert_array_equal(_months(cohort(dwelling="step_free", **off)), _months(cohort(dwelling="none", **off)))


def test_e3_carer_changes_formal_hours_and_months_at_home_through_the_informal_shortfall():
    """Without a carer part of the missing informal care becomes formal demand (formal_no_carer_extra): more
    formal hours; switched off, the formal hours are equal. The rest of the missing informal care counts as
    unmet need (informal_shortfall_unmet), which speeds decline (decline_unmet): a client alone leaves home
    sooner. With the shortfall not counted (and no preference for a package at home, which only a client with
    a carer can keep) the months at home do not depend on the carer (formal care is delivered in full here,
    and a package with the right to a place is above both admission thresholds)."""
    from sim.experiments.e3_cohort import run_cohort

    def outcomes(**kw):
        return [run_cohort(cohort(**kw), r)[0] for r in range(2)]

    carer, alone = outcomes(carer="co_resident"), outcomes(carer="none")
    assert all(a["formal_hours_month"] > c["formal_hours_month"] + 1 for a, c in zip(alone, carer))
    assert all(a["carer_strain_mean"] != a["carer_strain_mean"] or a["carer_months_share"] < 0.5 for a in alone)
    assert sum(a["months_at_home"] for a in alone) < sum(c["months_at_home"] for c in carer)
    neither = {"informal_shortfall_unmet": 0.0, "wlz_home_preference": 0.0}
    carer_n, alone_n = outcomes(carer="co_resident", **neither), outcomes(carer="none", **neither)
    assert [a["months_at_home"] for a in alone_n] == [c["months_at_home"] for c in carer_n]
    off = {"formal_no_carer_extra": 0.0, **neither}   # and no faster decline alone
    carer0, alone0 = outcomes(carer="co_resident", **off), outcomes(carer="none", **off)
    assert [a["formal_hours_month"] for a in alone0] == pytest.approx([c["formal_hours_month"] for c in carer0], rel=1e-9)
