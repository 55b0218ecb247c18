"""Paired scenario comparison (sim.analysis.compare) and the findings of the seeds it must reproduce.

Every model test runs scenarios derived from scenarios/small.yaml (20,000 inhabitants, 4 x 4 grid)
with paired replicates, and asserts on the paired differences: a finding holds when the 90 %
interval of the per-replicate differences (5th-95th percentile) lies on the expected side of zero.
"""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sim import cli
from sim.workshop import comparison
from sim.analysis.compare import ACCESS_OUTCOMES, OUTCOMES, Comparison, TrackedModel, area_outcomes
from sim.analysis.runner import run_model
from sim.model.scenario import load_scenario, resolve_scenario

from conftest import langerthuis_in_process

ROOT = Path(__file__).resolve().parents[1]
SMALL = ROOT / "scenarios" / "small.yaml"


def small(**changes) -> dict:
    return resolve_scenario(dict(load_scenario(SMALL), **changes), file=str(SMALL))


def diff(summary: pd.DataFrame, scenario: str, outcome: str) -> pd.Series:
    return summary[(summary.scenario == scenario) & (summary.outcome == outcome)].iloc[0]


def yearly_paired(c: Comparison, indicator: str, scenario: str) -> pd.DataFrame:
    """Per year and replicate: indicator of ``scenario`` minus that of the first scenario."""
    t = c.table[c.table.indicator == indicator].pivot_table(index=["year", "replicate"], columns="scenario",
                                                             values="value")
    return (t[scenario] - t[c.order[0]]).unstack("replicate")


# ----------------------------------------------------------------------------- pairing and mechanics
def test_self_comparison_gives_exactly_zero_differences():
    """A scenario against itself, and against a copy with another seed (the seed is aligned to the first
    one's), differs by exactly 0 in every outcome, municipality-wide and inside an area."""
    s = small(end_year=2013)
    other_seed = dict(s, seed=999, name="small_seed999")
    c = Comparison([s, s, other_seed], replicates=2, progress=False).run()
    assert c.order == ["small", "small#2", "small_seed999"]
    assert {x["seed"] for x in c.scenarios} == {s["seed"]}
    summary = c.summary()
    # the access outcomes (issue 14) are NaN before the route's first year (2015) and without a budget
    access = summary[summary.outcome.isin(ACCESS_OUTCOMES)]
    assert (access.diff_mean.fillna(0) == 0).all() and (access.diff_p95.fillna(0) == 0).all()
    paired = summary[summary.outcome.isin(OUTCOMES) & ~summary.outcome.isin(ACCESS_OUTCOMES)]
    assert (paired.diff_mean == 0).all() and (paired.diff_p5 == 0).all() and (paired.diff_p95 == 0).all()
    assert paired.diff_mean.notna().sum() >= (len(OUTCOMES) - len(ACCESS_OUTCOMES)) * 3 - 3   # months at home may be NaN
    area = c.area("centrum")
    assert (area.diff_mean.fillna(0) == 0).all() and area.diff_mean.notna().any()
    # months at home gained 0 -> cost per month gained is NaN, not a division by zero
    assert np.isnan(diff(summary, "small#2", "cost_per_month_independent_gained")["mean"])


def test_tracked_spells_reproduce_the_months_at_home_indicator():
    """The per-cell spells TrackedModel reads off the state add up to the kernel's own indicator."""
    model = run_model(small(end_year=2015), 0, engine=TrackedModel)
    cells = model.cells_by_year().groupby("year")[["spells_ended", "spell_months"]].sum()
    ind = model.indicators().pivot(index="year", columns="indicator", values="value")
    ours = cells.spell_months / cells.spells_ended.where(cells.spells_ended > 0)
    np.testing.assert_allclose(ours.values, ind["months_independent_after_indication"].values, rtol=1e-12)


# ----------------------------------------------------------------------------- the reform
@pytest.fixture(scope="module")
def reform():
    # the counterfactual's policy (pre-2013 access rules and capacity trend) from scenarios/no_reform.yaml
    no_reform_policy = load_scenario(SMALL.parent / "no_reform.yaml")["policy"]
    no_reform = small(name="no_reform", end_year=2018, policy=no_reform_policy)
    return Comparison([no_reform, small(end_year=2018)], replicates=8, progress=False).run()


def test_reform_cuts_admissions_of_cut_packages_and_extramuralises(reform):
    """After each cut date (2013: ZZP 1-2; 2014: VV3) admissions with a cut package fall in baseline
    relative to no_reform: never more in any replicate, fewer on average in 2013 and in 2014, and
    fewer in (the 90 % interval of) every year from 2015, when the transitional rights of people
    indicated before the cuts have mostly been used. Extramuralised clients exist only in baseline,
    from 2013 on."""
    d = yearly_paired(reform, "intramural_admissions_cut_packages_per_1000", "small")
    assert (d.loc[2010:2012] == 0).all().all()            # same rules before the reform: identical runs
    assert (d.loc[2013:] <= 0).all().all()
    assert d.loc[2013].mean() < 0 and d.loc[2014].mean() < 0
    assert (np.percentile(d.loc[2015:], 95, axis=1) < 0).all()
    t = reform.table[reform.table.indicator == "extramuralised_clients_per_1000"]
    assert (t[t.scenario == "no_reform"].value == 0).all()
    base = t[t.scenario == "small"]
    assert (base[base.year < 2013].value == 0).all() and (base[base.year >= 2013].value > 0).all()


def test_reform_shifts_spending_from_wlz_to_wmo_and_zvw(reform):
    """From 2015 (Wlz, Wmo 2015) Wlz spending is lower in baseline and Wmo and Zvw hours are higher:
    the 90 % interval of the paired differences excludes 0 in every year."""
    def interval(indicator):
        d = yearly_paired(reform, indicator, "small").loc[2015:]
        return np.percentile(d, 5, axis=1), np.percentile(d, 95, axis=1)
    assert (interval("cost_wlz_per_capita")[1] < 0).all()
    assert (interval("hours_wmo_per_1000")[0] > 0).all()
    assert (interval("hours_zvw_per_1000")[0] > 0).all()


def test_reform_raises_informal_care(reform):
    """Informal care hours are higher in baseline once the reform is in force (2016 on: window mean per
    replicate; the 90 % interval of the paired differences lies above 0): the cut packages stay home
    and the reform closes places faster than the pre-2013 trend of no_reform."""
    d = yearly_paired(reform, "mantelzorg_hours_per_1000", "small").loc[2016:].mean()
    assert np.percentile(d, 5) > 0, d


# ----------------------------------------------------------------------------- the woonservicegebied
# The seeds' findings, each next to the run with its mechanism switched off, and the zero-dose identity:
# tests/test_findings.py. The ledger, the evaluation and months at home by survival: tests/test_ledger.py.


# ----------------------------------------------------------------------------- informal and formal care
# formal and informal care rise together with need (run-based, with the co-movement switched off) and the
# response of informal care to the formal supply: tests/test_baseline_evidence.py
# higher incomes and informal care, with the income effect switched off: tests/test_findings.py


# ----------------------------------------------------------------------------- the command line
def test_compare_cli_writes_every_file_atomically(tmp_path, capsys):
    a = tmp_path / "a.yaml"
    a.write_text(f"extends: {SMALL}\nname: a\nend_year: 2013\n")
    b = tmp_path / "b.yaml"
    b.write_text(f"extends: {SMALL}\nname: b\nend_year: 2013\nseed: 5\n"
                 "investments:\n  - {type: care_on_call, cells: centrum, start_year: 2011,"
                 " cost: {yearly: 1000, source: 'assumption: test'}}\n")
    out = tmp_path / "out"
    out.mkdir()   # a previous compare result: replaced as a whole, with --force only
    # a file the earlier compare wrote (its marker lists it) that this one does not write: --force removes it
    (out / ".langerthuis-output").write_text('{"command": "compare", "wrote": ["stale.txt"]}')
    (out / "stale.txt").write_text("from an earlier run")
    args = ["compare", str(a), str(b), "--out", str(out), "--replicates", "2", "--lang", "nl", "--area", "centrum",
            "--no-progress"]
    status, _, err = langerthuis_in_process(capsys, *args)
    assert status == 2 and (out / "stale.txt").exists() and "--force" in err, err
    assert cli.main(args + ["--force"]) == 0
    names = {p.name for p in out.iterdir()}
    assert {"indicators.parquet", "neighbourhoods.parquet", "comparison.csv", "comparison.md", "manifest.json",
            "timeseries.png", "differences.png", "costs_by_payer.png", "maps.png", "area_centrum.csv"} <= names
    assert "stale.txt" not in names and ".langerthuis-output" in names   # replaced as a whole, marked
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []   # no temp folders left
    manifest = json.loads((out / "manifest.json").read_text())
    assert [s["name"] for s in manifest["scenarios"]] == ["a", "b"]
    assert {s["seed"] for s in manifest["scenarios"]} == {manifest["pairing"]["seed"]}
    assert manifest["window"] == {"from_year": 2011, "to_year": 2013}
    table = pd.read_csv(out / "comparison.csv")
    assert set(table.scenario) == {"a", "b"} and "Ziekenhuisopnames per 1.000 65-plussers" in set(table.label)
    cells = pd.read_parquet(out / "neighbourhoods.parquet")
    assert len(cells) == 2 * 2 * 16 and set(cells.year) == {2013}
    md = (out / "comparison.md").read_text()
    assert "Verschil met a" in md
    # Dutch numbers only (issue 27): no 1,234 thousands, no e-05, no "M" for millions, no 0.5
    import re
    for pattern in (r"(?<![\d.,])-?[1-9]\d{0,2}(?:,\d{3})+(?![\d,])", r"\de-0\d", r"\d M\b", r"(?<![\d.])-?0\.\d"):
        assert not re.search(pattern, md), (pattern, re.findall(pattern, md)[:3])
    assert "herhalingen" in md and "€ " in md


def test_compare_gives_the_same_comparison_on_any_number_of_workers(tmp_path, capsys):
    """The runs go to a worker pool that hands them back in task order, and a run's random numbers depend on
    its scenario's seed and replicate only (not on the worker that ran it): ``--workers 2`` writes the
    comparison.csv of ``--workers 1`` byte for byte, and the same indicator table row for row."""
    a = tmp_path / "a.yaml"
    a.write_text(f"extends: {SMALL}\nname: a\nend_year: 2014\n")
    b = tmp_path / "b.yaml"
    b.write_text(f"extends: {SMALL}\nname: b\nend_year: 2014\n"
                 "investments:\n  - {type: care_on_call, cells: centrum, start_year: 2011,"
                 " cost: {yearly: 1000, source: 'assumption: test'}}\n")
    for workers in ("1", "2"):
        status, _, err = langerthuis_in_process(capsys, "compare", a, b, "--out", tmp_path / f"w{workers}",
                                                "--replicates", "4", "--workers", workers, "--no-progress")
        assert status == 0, err
    one, two = tmp_path / "w1", tmp_path / "w2"
    assert (one / "comparison.csv").read_bytes() == (two / "comparison.csv").read_bytes()
    table = pd.read_parquet(one / "indicators.parquet")
    assert sorted(table.replicate.unique()) == [0, 1, 2, 3]
    pd.testing.assert_frame_equal(table, pd.read_parquet(two / "indicators.parquet"), check_exact=True)


def test_compare_refuses_a_bad_number_of_workers_in_one_line(tmp_path, capsys):
    for bad in ("0", "-1", "two", "1.5"):
        status, out, err = langerthuis_in_process(capsys, "compare", SMALL, "--out", tmp_path / "out",
                                                  "--workers", bad, "--no-progress")
        assert status == 2 and out == "", (bad, err)
        lines = err.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("langerthuis: error: --workers: expected an integer"), lines
        assert lines[0].endswith((f"found {bad}", f"found {bad!r}")), lines
    assert list(tmp_path.iterdir()) == []


def test_compare_cli_refuses_a_bad_scenario_before_writing(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(f"extends: {SMALL}\nname: bad\nreplicates: many\n")
    out = tmp_path / "out"
    run = subprocess.run([sys.executable, "-m", "sim", "compare", str(SMALL), str(bad), "--out", str(out),
                          "--no-progress"], capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert run.returncode == 2
    assert len(run.stderr.strip().splitlines()) == 1 and "bad.yaml" in run.stderr and "replicates" in run.stderr
    assert not out.exists() and list(tmp_path.iterdir()) == [bad]


def test_compare_cli_refuses_a_bad_area_or_window_before_running(tmp_path, capsys):
    out = tmp_path / "out"
    runs = [langerthuis_in_process(capsys, "compare", SMALL, "--out", out, *case, "--no-progress")
            for case in (("--area", "nowhere"), ("--from-year", "2030"))]
    assert [status for status, _, _ in runs] == [2, 2]
    err = [line for _, _, e in runs for line in e.strip().splitlines()]
    assert len(err) == 2 and "nowhere" in err[0] and "2030" in err[1]
    assert not out.exists()


def test_failed_save_leaves_no_output(tmp_path, monkeypatch):
    c = Comparison([small(end_year=2013)], replicates=1, progress=False).run()
    monkeypatch.setattr(comparison, "figures", lambda *a, **k: (_ for _ in ()).throw(RuntimeError("figure failed")))
    with pytest.raises(RuntimeError):
        comparison.save(c, tmp_path / "out")
    assert list(tmp_path.iterdir()) == []


def test_python_api_summary_is_unlabelled_and_the_workshop_labels_it(tmp_path):
    """The study's summary has no language; the workshop adds the label column and writes the folder."""
    c = Comparison([small(end_year=2013)], replicates=1, progress=False).run()
    summary = c.summary()
    assert "label" not in summary.columns
    nl = comparison.labelled(summary, "nl")
    assert list(nl.columns[:3]) == ["scenario", "outcome", "label"]
    assert nl.set_index("outcome").loc["falls_per_1000_65plus", "label"] == "Valincidenten per 1.000 65-plussers"
    pd.testing.assert_frame_equal(nl.drop(columns="label"), summary)
    assert "| Valincidenten per 1.000 65-plussers |" in comparison.markdown(c, "nl", summary)
    out = comparison.save(c, tmp_path / "out", lang="nl", areas=["centrum"])
    pd.testing.assert_frame_equal(pd.read_csv(out / "comparison.csv").drop(columns="label"),
                                  summary, check_dtype=False)
    assert json.loads((out / "manifest.json").read_text())["language"] == "nl"


def test_studies_never_import_the_workshop():
    """Imports go workshop -> studies -> model, also the ones inside functions (grimp sees those too)."""
    import grimp
    graph = grimp.build_graph("sim")
    wrong = [(m, i) for m in graph.modules if m.startswith("sim.analysis")
             for i in graph.find_modules_directly_imported_by(m) if i.startswith("sim.workshop")]
    assert wrong == []


def test_area_outcomes_function_by_name_and_by_cells():
    s = small(end_year=2013)
    by_name = area_outcomes([s], "centrum", replicates=1)
    by_cells = area_outcomes([s], [[1, 1], [2, 1], [1, 2], [2, 2]], replicates=1)
    pd.testing.assert_frame_equal(by_name, by_cells)
    assert {"falls_per_1000_65plus", "unmet_need_share", "wellbeing_need_slope"} <= set(by_name.outcome)
