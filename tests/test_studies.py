"""The studies (issue #16): every study in quick mode writes its folder (summary with its sections, PNG and SVG
figures, CSV and Parquet tables, a manifest with commit, seeds, scenario hashes and the ensemble's hash); a
second run of the same commit writes the same tables; the command lists, refuses and protects as every
command does. A study registered but not built on this branch is skipped with its reason."""
from __future__ import annotations

import importlib
import json
import re
import time

import pandas as pd
import pytest

from sim.cli import main as cli
from sim.experiments.base import STUDIES
from sim.experiments.writer import ROOT, SECTIONS, run_study
from sim.output import file_hash


def _built(name):
    try:
        importlib.import_module(STUDIES[name])
        return True
    except ModuleNotFoundError as exc:
        if exc.name == STUDIES[name]:
            return False
        raise


@pytest.fixture(scope="module")
def quick_runs(tmp_path_factory):
    """Every built study once in quick mode, one worker: {name: (folder, seconds)}."""
    base = tmp_path_factory.mktemp("studies")
    out = {}
    for name in STUDIES:
        if _built(name):
            started = time.perf_counter()
            out[name] = (run_study(name, quick=True, out=base / name, workers=1, progress=None),
                         time.perf_counter() - started)
    return out


@pytest.mark.parametrize("name", list(STUDIES))
def test_quick_study_folder(name, quick_runs):
    pytest.importorskip(STUDIES[name], reason=f"{name} is registered but not built on this branch")
    folder, seconds = quick_runs[name]
    summary = (folder / "summary.md").read_text(encoding="utf-8")
    module = importlib.import_module(STUDIES[name])
    assert summary.startswith(f"# {module.TITLE}\n")
    headings = [h.lower() for h in re.findall(r"^## (.+)$", summary, flags=re.M)]
    for section in SECTIONS:
        assert any(h.startswith(section) for h in headings), f"{name}: summary.md lacks a '{section}' section"
    assert "quick mode" in summary and "replicate" in summary
    m = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert m["study"] == name and m["mode"] == "quick" and m["quick"] is True
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
    again = run_study(name, quick=True, out=tmp_path / name, workers=1, progress=None)
    m = json.loads((first / "manifest.json").read_text(encoding="utf-8"))
    for table in (t for t in m["tables"] if t.endswith(".csv")):
        assert (first / table).read_bytes() == (again / table).read_bytes(), table
        stem = table[:-4]
        pd.testing.assert_frame_equal(pd.read_parquet(first / f"{stem}.parquet"),
                                      pd.read_parquet(again / f"{stem}.parquet"))
    for fig in (f for f in m["figures"] if f.endswith(".svg")):
        assert (first / fig).read_bytes() == (again / fig).read_bytes(), fig


def test_list_names_every_study_and_unbuilt_ones(capsys, monkeypatch):
    monkeypatch.setitem(STUDIES, "e9_missing", "sim.experiments.e9_missing")
    assert cli(["study", "--list"]) == 0
    out = capsys.readouterr().out
    for name in STUDIES:
        assert name in out
    assert "e9_missing  (not built on this branch)" in out
    assert cli(["study", "e9_missing", "--quick"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "not built" in err


def test_bad_name_and_arguments_one_line_exit_2(capsys, tmp_path):
    for argv in (["study", "e7_nothing"], ["study"], ["study", "--list", "e1_reform"],
                 ["study", "e1_reform", "--workers", "0", "--out", str(tmp_path / "x")]):
        assert cli(argv) == 2, argv
        err = capsys.readouterr().err.strip()
        assert len(err.splitlines()) == 1 and err.startswith("langerthuis: error:"), err
    assert not (tmp_path / "x").exists()


def test_out_never_replaces_what_the_tool_did_not_write(capsys, tmp_path):
    foreign = tmp_path / "mine"
    foreign.mkdir()
    (foreign / "notes.txt").write_text("keep me")
    assert cli(["study", "e1_reform", "--quick", "--out", str(foreign), "--force"]) == 2
    assert "did not write" in capsys.readouterr().err
    assert (foreign / "notes.txt").read_text() == "keep me"


def test_docs_page_from_results(quick_runs, tmp_path):
    from sim.experiments.docs import render
    results = next(iter(quick_runs.values()))[0].parent
    text = render(results, tmp_path)
    for name in STUDIES:
        if name in quick_runs:
            assert f"(studies/{name}.png)" in text and (tmp_path / "studies" / f"{name}.png").exists()
        else:
            assert "Not built on this branch" in text or "Not yet run" in text
