"""Issue 28, case by case: --force deletes only what the tool wrote (the marker's list) and never an input of
the run; a resume redoes a damaged run file; sensitivity intervals are the same on every run; --out, numeric
options and the app's port, host and cache are refused before any work in one line; a full stdout does not
turn a finished result into an error."""
from __future__ import annotations

import errno
import hashlib
import io
import json
import os
import socket
import subprocess
import sys

import pandas as pd
import pytest

import sim.cli
from sim.output import MARKER, atomic_folder, check_out, OutputError
from sim.analysis import sensitivity, sweep

from conftest import ROOT, langerthuis_in_process

SMALL = ROOT / "scenarios" / "small.yaml"


def tiny(folder) -> str:
    """small.yaml cut to two years: a run takes a second once the kernel is compiled."""
    path = folder / "tiny.yaml"
    path.write_text(f"extends: {SMALL}\nname: tiny\nend_year: 2011\n")
    return str(path)


def checksums(folder) -> dict:
    """sha256 of every file under ``folder`` (relative path -> digest)."""
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def one_line_refusal(status, err, *needles):
    assert status == 2, err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err, err
    for needle in needles:
        assert needle in err, err


@pytest.fixture(scope="module")
def a_run(tmp_path_factory):
    """A previous `run` result (in this process: the kernel compiles once per test session)."""
    folder = tmp_path_factory.mktemp("previous")
    out = folder / "R"
    status = sim.cli.main(["run", tiny(folder), "--out", str(out), "--no-progress"], stderr=io.StringIO())
    assert status == 0
    return out


def copy_of(folder, dst):
    import shutil
    shutil.copytree(folder, dst, symlinks=True)
    return dst


# ---- 1. --force replaces only what the tool wrote
def test_the_marker_lists_what_the_run_wrote(a_run):
    marker = json.loads((a_run / MARKER).read_text())
    assert marker["command"] == "run"
    assert set(marker["wrote"]) == {p.name for p in a_run.iterdir()} - {MARKER}
    assert "indicators.parquet" in marker["wrote"] and "manifest.json" in marker["wrote"]


def test_force_refuses_a_folder_with_a_users_file_and_keeps_every_file(a_run, tmp_path, capsys):
    out = copy_of(a_run, tmp_path / "R")
    (out / "my_notes.txt").write_text("notes\n")
    (out / "figures").mkdir()
    (out / "figures" / "mine.png").write_bytes(b"\x89PNG")
    before = checksums(out)
    status, _, err = langerthuis_in_process(capsys, "run", tiny(tmp_path), "--out", out, "--force", "--no-progress")
    one_line_refusal(status, err, "figures/", "that langerthuis did not write")
    assert checksums(out) == before


def test_force_replaces_exactly_what_the_marker_lists(a_run, tmp_path, capsys):
    out = copy_of(a_run, tmp_path / "R")
    status, _, err = langerthuis_in_process(capsys, "run", tiny(tmp_path), "--out", out, "--force", "--no-progress")
    assert status == 0, err
    assert json.loads((out / MARKER).read_text())["wrote"] == json.loads((a_run / MARKER).read_text())["wrote"]


def test_force_refuses_a_folder_holding_a_file_of_the_extends_chain(a_run, tmp_path, capsys):
    out = copy_of(a_run, tmp_path / "R")
    (out / "base.yaml").write_text(f"extends: {SMALL}\nname: base\nend_year: 2011\n")
    marker = json.loads((out / MARKER).read_text())   # even when the marker claimed it: an input is never removed
    (out / MARKER).write_text(json.dumps(marker | {"wrote": marker["wrote"] + ["base.yaml"]}))
    child = tmp_path / "child.yaml"
    child.write_text("extends: R/base.yaml\nname: child\n")
    before = checksums(out)
    status, _, err = langerthuis_in_process(capsys, "run", child, "--out", out, "--force", "--no-progress")
    one_line_refusal(status, err, "holds", "base.yaml")
    assert checksums(out) == before


def test_input_files_follow_extends_sweep_base_and_calibration_references(tmp_path):
    from sim.cli_checks import input_files
    (tmp_path / "a.yaml").write_text("name: a\n")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.yaml").write_text("extends: ../a.yaml\nname: b\n")
    (tmp_path / "s.yaml").write_text("base: sub/b.yaml\ndesign: sobol\n")
    (tmp_path / "c.yaml").write_text("scenario: s.yaml\ntargets: t.csv\nplausibility: {ranges: r.csv}\n")
    found = {os.path.relpath(f, tmp_path) for f in input_files([tmp_path / "c.yaml"])}
    assert found == {"c.yaml", "s.yaml", "t.csv", "r.csv", "sub/b.yaml", "a.yaml"}
    (tmp_path / "loop.yaml").write_text("extends: loop.yaml\n")   # a cycle ends
    assert input_files([tmp_path / "loop.yaml"]) == [str(tmp_path / "loop.yaml")]


def small_sweep(tmp_path, runs=6):
    (tmp_path / "base.yaml").write_text("name: fn\nseed: 0\nparameters: {}\n")
    (tmp_path / "s.yaml").write_text(json.dumps({
        "base": "base.yaml", "seed": 3, "runner": "test_sensitivity:linear", "design": "latin_hypercube",
        "runs": runs, "parameters": {f"parameters.x{i}": {"bounds": [0, 1]} for i in range(1, 5)}}))
    return tmp_path / "s.yaml"


def test_sweep_force_refuses_a_users_notebook_and_otherwise_starts_again(tmp_path, capsys):
    spec = small_sweep(tmp_path)
    out = tmp_path / "SW"
    assert sweep.run_sweep(spec, out, workers=0, progress=False)["done"] == 6
    (out / "my_analysis.ipynb").write_text("{}")
    before = checksums(out)
    status, _, err = langerthuis_in_process(capsys, "sweep", spec, "--out", out, "--force", "--workers", "0",
                                            "--no-progress")
    one_line_refusal(status, err, "my_analysis.ipynb")
    assert checksums(out) == before
    (out / "my_analysis.ipynb").unlink()
    status, _, err = langerthuis_in_process(capsys, "sweep", spec, "--out", out, "--force", "--workers", "0",
                                            "--no-progress")
    assert status == 0 and "0 already done, 6 done now" in err, err


def test_sensitivity_files_in_a_sweep_folder_are_listed_in_its_marker(tmp_path):
    from test_sensitivity import run_design
    out = run_design(tmp_path, "morris", 4)
    sensitivity.run_sensitivity(out, "morris")
    wrote = json.loads((out / MARKER).read_text())["wrote"]
    assert {"sensitivity_morris.csv", "sensitivity_morris.png", "sensitivity_morris.json"} <= set(wrote)
    from sim.output import foreign_entries
    assert foreign_entries(out, wrote) == []


# ---- 2. a resume checks what it finds
def _resume(spec, out, capsys):
    capsys.readouterr()
    counts = sweep.run_sweep(spec, out, workers=0, progress=False)
    return counts, capsys.readouterr().err


@pytest.mark.parametrize("damage", ["truncated", "emptied", "a value changed", "garbage"])
def test_a_damaged_run_file_is_redone_and_reported(tmp_path, capsys, damage):
    spec = small_sweep(tmp_path)
    out = tmp_path / "SW"
    sweep.run_sweep(spec, out, workers=0, progress=False)
    expected = sweep.read_outputs(out)
    assert set(json.loads((out / "manifest.json").read_text())["run_sha256"]) == {
        f"run_{i:05d}.parquet" for i in range(6)}
    victim = sweep.run_file(out, 2)
    data = victim.read_bytes()
    if damage == "truncated":
        victim.write_bytes(data[: len(data) // 2])
    elif damage == "emptied":
        victim.write_bytes(b"")
    elif damage == "garbage":
        victim.write_bytes(os.urandom(len(data)))
    else:   # still a readable table: only the checksum tells
        table = pd.read_parquet(victim)
        table.loc[0, "value"] += 1.0
        table.to_parquet(victim, index=False)
    counts, err = _resume(spec, out, capsys)
    assert counts["skipped"] == 5 and counts["done"] == 1 and counts.get("redone", 0) == 1, counts
    notes = [line for line in err.splitlines() if "damaged" in line]
    assert len(notes) == 1 and "run_00002.parquet" in notes[0], err
    pd.testing.assert_frame_equal(sweep.read_outputs(out), expected)
    counts, err = _resume(spec, out, capsys)    # and now it is whole: nothing to redo
    assert counts["skipped"] == 6 and counts.get("redone", 0) == 0 and "damaged" not in err


def test_a_run_file_without_a_recorded_checksum_counts_when_whole(tmp_path, capsys):
    from sim.analysis import resume
    spec = small_sweep(tmp_path)
    out = tmp_path / "SW"
    sweep.run_sweep(spec, out, workers=0, progress=False)
    manifest = json.loads((out / "manifest.json").read_text())
    manifest.pop("run_sha256")     # a folder from before checksums, or a kill before the line was written
    (out / "manifest.json").write_text(json.dumps(manifest))
    (out / resume.JOURNAL).unlink(missing_ok=True)
    counts, err = _resume(spec, out, capsys)
    assert counts["skipped"] == 6 and "damaged" not in err
    assert len(json.loads((out / "manifest.json").read_text())["run_sha256"]) == 6


# ---- 3. the same intervals on every run
@pytest.mark.parametrize("method,runs", [("sobol", 32), ("morris", 6)])
def test_each_analysis_twice_gives_the_same_bytes(tmp_path, method, runs):
    from test_sensitivity import run_design
    assert sensitivity.BOOTSTRAP_SEED != 0   # SALib's sobol.analyze reads 0 as "no seed"
    out = run_design(tmp_path, method, runs)
    first = sensitivity.run_sensitivity(out, method)[0].read_bytes()
    again = sensitivity.run_sensitivity(out, method)[0].read_bytes()
    assert first == again
    table = pd.read_csv(sensitivity.run_sensitivity(out, method)[0])
    conf = "S1_conf" if method == "sobol" else "mu_star_conf"
    assert table[conf].notna().all() and (table[conf] >= 0).all()


# ---- 4. refused before work
@pytest.fixture
def no_work(monkeypatch):
    def fail(*args, **kwargs):
        raise AssertionError("work started before the refusal")
    monkeypatch.setattr(sim.cli, "run_main", fail)
    return fail


def test_out_a_link_to_an_empty_folder_gets_the_result_and_stays_a_link(tmp_path, capsys):
    target = tmp_path / "mine"
    target.mkdir()
    link = tmp_path / "link"
    link.symlink_to(target)
    status, _, err = langerthuis_in_process(capsys, "run", tiny(tmp_path), "--out", link, "--no-progress")
    assert status == 0, err
    assert link.is_symlink() and (target / "indicators.parquet").exists() and (target / MARKER).exists()
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []


def test_out_a_link_to_a_users_folder_is_refused(tmp_path, capsys, no_work):
    target = tmp_path / "mine"
    target.mkdir()
    (target / "thesis.tex").write_text("x")
    link = tmp_path / "link"
    link.symlink_to(target)
    status, _, err = langerthuis_in_process(capsys, "run", SMALL, "--out", link, "--force")
    one_line_refusal(status, err, "did not write")
    assert (target / "thesis.tex").read_text() == "x" and link.is_symlink()


@pytest.mark.parametrize("out", ["a" * 300, "b" * 240, "/".join(["c" * 200] * 25), "d" * 256 + "/out"])
def test_names_and_paths_too_long_are_refused_before_work(tmp_path, capsys, no_work, out):
    status, _, err = langerthuis_in_process(capsys, "run", SMALL, "--out", tmp_path / out)
    one_line_refusal(status, err, "bytes")
    assert list(tmp_path.iterdir()) == []


def test_a_name_just_short_enough_is_written(tmp_path):
    from sim.output import NAME_OVERHEAD
    out = tmp_path / ("e" * (255 - NAME_OVERHEAD))
    check_out(out, "run")
    with atomic_folder(out, command="run") as tmp:
        (tmp / "a.txt").write_text("x")
    assert (out / "a.txt").exists()


def test_too_little_free_space_is_refused_before_work(tmp_path, capsys, monkeypatch):
    import shutil
    from sim.workshop import comparison
    monkeypatch.setattr(comparison, "main", lambda args: pytest.fail("work started"), raising=False)
    monkeypatch.setattr(shutil, "disk_usage", lambda path: shutil._ntuple_diskusage(10**9, 10**9 - 10**6, 10**6))
    status, _, err = langerthuis_in_process(capsys, "compare", SMALL, SMALL, "--out", tmp_path / "c")
    one_line_refusal(status, err, "MB free")
    assert list(tmp_path.iterdir()) == []


def test_a_full_disk_while_writing_is_one_line(tmp_path, capsys, monkeypatch):
    def full(args):
        raise OSError(errno.ENOSPC, "No space left on device", str(tmp_path / "c" / "x.parquet"))
    monkeypatch.setattr(sim.cli, "run_main", full)
    status, _, err = langerthuis_in_process(capsys, "run", SMALL, "--out", tmp_path / "c")
    one_line_refusal(status, err, "No space left on device", "x.parquet")


class FullStream(io.StringIO):
    def write(self, text):
        raise OSError(errno.ENOSPC, "No space left on device")

    def flush(self):
        raise OSError(errno.ENOSPC, "No space left on device")


def test_a_full_stdout_does_not_fail_a_finished_run(tmp_path, monkeypatch):
    monkeypatch.setattr(sys, "stdout", FullStream())
    stream = io.StringIO()
    status = sim.cli.main(["run", tiny(tmp_path), "--out", str(tmp_path / "R"), "--no-progress"], stderr=stream)
    assert status == 0, stream.getvalue()
    assert (tmp_path / "R" / "indicators.parquet").exists()
    assert "standard output could not be written" in stream.getvalue()
    assert isinstance(sys.stdout, FullStream)   # put back


def test_run_to_dev_full_in_a_real_process_exits_0(tmp_path):
    if not os.path.exists("/dev/full"):
        pytest.skip("no /dev/full")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    with open("/dev/full", "w") as full:
        done = subprocess.run([sys.executable, "-m", "sim", "run", tiny(tmp_path), "--out", str(tmp_path / "R"),
                               "--no-progress"], stdout=full, stderr=subprocess.PIPE, text=True, env=env,
                              timeout=600)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "R" / "indicators.parquet").exists()
    assert "Traceback" not in done.stderr and "Exception ignored" not in done.stderr, done.stderr


@pytest.mark.parametrize("args,needle", [
    (["compare", SMALL, SMALL, "--out", "{tmp}/c", "--replicates", "x"], "--replicates: expected an integer"),
    (["report", "{tmp}", "--out", "{tmp}/r.html", "--lang", "xx"], "--lang: expected one of en, nl"),
    (["study", "e1_reform", "--workers", "two"], "--workers: expected an integer"),
    (["app", "--port", "http"], "--port: expected an integer"),
    (["validate", "--targets", ROOT / "calibration" / "targets.csv", "--out", "{tmp}/v", "--workers", "-1"],
     "--workers: expected an integer from 1"),
    (["bench", "--months", "0"], "--months: expected an integer from 1"),
    (["bench", "--inhabitants", "1"], "--inhabitants: expected an integer from"),
    (["run", SMALL], "expected the arguments --out"),
    (["app", "--port", "70000"], "--port: expected an integer from 1 to 65535"),
    (["app", "--host", "999.1.1.1"], "--host: expected an IP address or a host name"),
    (["app", "--cache", "{tmp}/file"], "--cache: expected a folder"),
])
def test_bad_options_are_one_line_without_usage(tmp_path, capsys, args, needle):
    (tmp_path / "file").write_text("x")
    args = [str(a).replace("{tmp}", str(tmp_path)) for a in args]
    status, out, err = langerthuis_in_process(capsys, *args)
    one_line_refusal(status, err, needle)
    assert "usage:" not in err + out


def test_app_refuses_a_port_in_use(capsys, tmp_path):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        status, _, err = langerthuis_in_process(capsys, "app", "--port", port, "--cache", tmp_path / "cache")
    one_line_refusal(status, err, f"found {port} in use")


def test_app_checks_pass_for_a_free_port(tmp_path):
    from argparse import Namespace
    from sim.workshop import app_cli
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    app_cli.check_args(Namespace(host="127.0.0.1", port=port, scenarios=None, cache=str(tmp_path / "c")))
    app_cli.check_args(Namespace(host="localhost", port=port, scenarios=None, cache=None))


def test_check_out_names_the_first_foreign_entry(tmp_path):
    with atomic_folder(tmp_path / "R", command="run") as tmp:
        (tmp / "runs").mkdir()
        (tmp / "runs" / "a.txt").write_text("x")
    (tmp_path / "R" / "runs" / "mine.txt").write_text("y")
    with pytest.raises(OutputError, match="runs/mine.txt"):
        check_out(tmp_path / "R", "run", force=True)


@pytest.mark.parametrize("design,runs", [("latin_hypercube", 5), ("sobol", 4), ("morris", 3)])
def test_every_design_is_the_same_twice_even_with_seed_0(tmp_path, design, runs):
    (tmp_path / "base.yaml").write_text("name: fn\nseed: 0\nparameters: {}\n")
    (tmp_path / "s.yaml").write_text(json.dumps({
        "base": "base.yaml", "seed": 0, "runner": "test_sensitivity:linear", "design": design, "runs": runs,
        "parameters": {f"parameters.x{i}": {"bounds": [0, 1]} for i in range(1, 4)}}))
    first, again = (sweep.build_design(sweep.load_sweep(tmp_path / "s.yaml")).to_csv() for _ in range(2))
    assert first == again
