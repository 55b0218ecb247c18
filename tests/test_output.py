"""Output folders you can trust: --out is checked before any work, never replaces a file or a folder the
tool did not write, replaces a previous result only with --force, keeps concurrent writers apart with a
lock, and leaves no temporary folder behind (not even a killed process's); the top-level handler."""
from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import textwrap

import pytest

import sim.cli
from sim import output
from sim.output import MARKER, OutputBusy, OutputError, atomic_folder, check_out

from conftest import ROOT, langerthuis_in_process

SMALL = str(ROOT / "scenarios" / "small.yaml")
ENV = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}


def snapshot(path):
    """Everything a careless overwrite would change: names, contents and modification times."""
    if path.is_file():
        return path.read_bytes(), path.stat().st_mtime_ns
    return sorted((p.relative_to(path).as_posix(), p.read_bytes() if p.is_file() else b"", p.stat().st_mtime_ns)
                  for p in [path, *path.rglob("*")])


def leftovers(folder):
    return sorted(p.name for p in folder.iterdir() if ".tmp-" in p.name or ".old-" in p.name or
                  p.name.endswith(".lock"))


@pytest.fixture
def victims(tmp_path):
    """A folder holding someone's thesis, and a plain file."""
    thesis = tmp_path / "work"
    thesis.mkdir()
    (thesis / "thesis.tex").write_text("\\chapter{Years of work}\n")
    plain = tmp_path / "notes.txt"
    plain.write_text("do not lose me\n")
    return thesis, plain


# every command with --out, with arguments that would do real work if --out were not refused first
COMMANDS = {
    "run": ["run", SMALL],
    "compare": ["compare", SMALL, SMALL],
    "validate": ["validate", "--targets", str(ROOT / "calibration" / "targets.csv"), "--scenario", SMALL],
    "calibrate": ["calibrate", str(ROOT / "calibration" / "config.yaml"), "--quick"],
    "sweep": ["sweep", str(ROOT / "experiments" / "sweeps" / "example.yaml")],
    "report": ["report", str(ROOT / "results")],
    "sensitivity": ["sensitivity", str(ROOT / "results")],
    "study": ["study", "e1_reform", "--quick"],
}


@pytest.mark.parametrize("command", sorted(COMMANDS))
@pytest.mark.parametrize("victim", ["folder", "file"])
@pytest.mark.parametrize("force", [False, True])
def test_out_on_a_foreign_folder_or_a_file_is_refused_and_left_untouched(command, victim, force, victims,
                                                                        capsys, monkeypatch):
    def no_work(*args, **kwargs):
        raise AssertionError("work started before --out was checked")
    monkeypatch.setattr(sim.cli, "run_main", no_work)
    target = victims[0] if victim == "folder" else victims[1]
    before = snapshot(target)
    # the error's own stream: a background thread of an earlier test may put back another sys.stderr meanwhile
    stream = io.StringIO()
    status = sim.cli.main([*COMMANDS[command], "--out", str(target), *(["--force"] if force else [])], stderr=stream)
    err = stream.getvalue() + capsys.readouterr().err
    assert status == 2, err
    assert len(err.strip().splitlines()) == 1 and str(target) in err and "Traceback" not in err, err
    assert snapshot(target) == before
    assert leftovers(target.parent) == []


def test_out_on_a_foreign_folder_in_a_real_process(victims):
    """The same through `python -m sim`: exit 2, one line, nothing touched, and fast (no simulation)."""
    thesis, _ = victims
    before = snapshot(thesis)
    done = subprocess.run([sys.executable, "-m", "sim", "run", SMALL, "--out", str(thesis)], env=ENV, cwd=ROOT,
                          capture_output=True, text=True)
    assert done.returncode == 2 and len(done.stderr.strip().splitlines()) == 1, done.stderr
    assert "--force" in done.stderr and snapshot(thesis) == before


@pytest.mark.parametrize("out", ["/proc/nope/out", "/etc/hostname/out", ".", "..", "{cwd}", "{scenarios}"])
def test_impossible_or_dangerous_out_is_refused_before_work(out, tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "s").mkdir()
    scenario = tmp_path / "s" / "in.yaml"
    scenario.write_text(f"extends: {SMALL}\nname: x\n")
    out = out.format(cwd=tmp_path, scenarios=tmp_path / "s")
    monkeypatch.setattr(sim.cli, "run_main", lambda args: pytest.fail("work started"))
    status, _, err = langerthuis_in_process(capsys, "run", scenario, "--out", out)
    assert status == 2, err
    assert len(err.strip().splitlines()) == 1 and "--out" in err, err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["s"] and os.listdir(tmp_path / "s") == ["in.yaml"]


def test_other_commands_result_and_force(tmp_path):
    out = tmp_path / "r"
    with atomic_folder(out, command="run") as tmp:
        (tmp / "a.txt").write_text("first")
    assert json.loads((out / MARKER).read_text())["command"] == "run"
    with pytest.raises(OutputError, match="add --force"):
        check_out(out, "run")
    with pytest.raises(OutputError, match="`run` result"):
        check_out(out, "validate", force=True)
    with atomic_folder(out, command="run", force=True) as tmp:
        (tmp / "b.txt").write_text("second")
    assert sorted(p.name for p in out.iterdir()) == [MARKER, "b.txt"]
    assert leftovers(tmp_path) == []


def test_an_empty_folder_may_be_used(tmp_path):
    out = tmp_path / "empty"
    out.mkdir()
    with atomic_folder(out, command="run") as tmp:
        (tmp / "a.txt").write_text("x")
    assert (out / "a.txt").read_text() == "x"


def test_a_failure_keeps_the_previous_result_and_leaves_no_temporary_folder(tmp_path):
    out = tmp_path / "r"
    with atomic_folder(out, command="run") as tmp:
        (tmp / "a.txt").write_text("kept")
    with pytest.raises(ZeroDivisionError):
        with atomic_folder(out, command="run", force=True) as tmp:
            (tmp / "a.txt").write_text("half")
            1 / 0
    assert (out / "a.txt").read_text() == "kept" and leftovers(tmp_path) == []


def test_a_second_writer_gets_the_lock_error(tmp_path, capsys, monkeypatch):
    out = tmp_path / "r"
    with atomic_folder(out, command="run") as tmp:
        with pytest.raises(OutputBusy, match="another langerthuis process"):
            with atomic_folder(out, command="run"):
                pass
        # the command line refuses it before any work
        monkeypatch.setattr(sim.cli, "run_main", lambda args: pytest.fail("work started"))
        status, _, err = langerthuis_in_process(capsys, "run", SMALL, "--out", out)
        assert status == 2, err
        assert len(err.strip().splitlines()) == 1 and "lock" in err
        (tmp / "a.txt").write_text("x")
    assert (out / "a.txt").exists() and leftovers(tmp_path) == []


def test_a_killed_writers_temporary_folder_is_removed_at_the_next_start(tmp_path):
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    stale = tmp_path / f".r.tmp-{dead.pid}-0a1b2c3d"
    stale.mkdir()
    (stale / "indicators.parquet").write_bytes(b"half")
    alive = tmp_path / f".r.tmp-{os.getppid()}-0a1b2c3d"   # a live process's: not ours to remove
    alive.mkdir()
    other = tmp_path / f".r.tmp-x.tmp-{dead.pid}-0a1b2c3d"  # another output's (named "r.tmp-x")
    other.mkdir()
    with atomic_folder(tmp_path / "r", command="run") as tmp:
        (tmp / "a.txt").write_text("x")
    assert not stale.exists() and alive.exists() and other.exists()


STRESS = textwrap.dedent("""
    import sys
    from sim.output import OutputBusy, atomic_folder
    out, tag, busy = sys.argv[1], sys.argv[2], 0
    for i in range(50):
        try:
            with atomic_folder(out, command="stress", force=True) as tmp:
                for name in "abc":
                    (tmp / name).write_text(f"{tag} {i}")
        except OutputBusy:
            busy += 1
    print(busy)
""")


def test_two_processes_writing_one_out_leave_one_complete_folder(tmp_path):
    out = tmp_path / "out"
    procs = [subprocess.Popen([sys.executable, "-c", STRESS, str(out), tag], env=ENV, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for tag in "PQ"]
    results = [p.communicate(timeout=300) for p in procs]
    for p, (_, stderr) in zip(procs, results):
        assert p.returncode == 0, stderr   # a refused write is OutputBusy, never another error
    assert sum(int(stdout) for stdout, _ in results) < 100
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]
    contents = {(out / name).read_text() for name in "abc"}
    assert len(contents) == 1 and json.loads((out / MARKER).read_text())["command"] == "stress"


def test_report_replaces_only_a_previous_report(tmp_path):
    page = tmp_path / "report.html"
    page.write_text(f"<!DOCTYPE html>\n<html><head><meta charset='utf-8'>{output.REPORT_SIGNATURE}</head></html>")
    with pytest.raises(OutputError, match="add --force"):
        check_out(page, "report", kind="file")
    check_out(page, "report", force=True, kind="file")
    with output.atomic_file(page, "report", force=True) as tmp:
        tmp.write_text("new")
    assert page.read_text() == "new" and leftovers(tmp_path) == []


def test_internal_error_is_one_line_with_a_log_of_the_traceback(tmp_path, capsys, monkeypatch):
    def broken(args):
        raise ZeroDivisionError("boom\nsecond line")
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    monkeypatch.setattr(sim.cli, "run_main", broken)
    status, _, err = langerthuis_in_process(capsys, "run", SMALL, "--out", tmp_path / "out")
    assert status == 1, err
    assert len(err.strip().splitlines()) == 1, err
    assert err.startswith("langerthuis: internal error: ZeroDivisionError: boom second line (traceback in ")
    log = next((tmp_path / "state" / "langerthuis" / "logs").iterdir())
    assert str(log) in err
    assert "Traceback" in log.read_text() and "in broken" in log.read_text()
    assert not (tmp_path / "out").exists()


def test_ctrl_c_is_130_and_input_errors_stay_2(tmp_path, capsys, monkeypatch):
    def interrupted(args):
        raise KeyboardInterrupt
    monkeypatch.setattr(sim.cli, "run_main", interrupted)
    assert langerthuis_in_process(capsys, "run", SMALL, "--out", tmp_path / "o")[0] == 130
    assert langerthuis_in_process(capsys, "run", tmp_path / "nope.yaml", "--out", tmp_path / "o")[0] == 130
    monkeypatch.undo()
    status, _, err = langerthuis_in_process(capsys, "run", tmp_path / "nope.yaml", "--out", tmp_path / "o")
    assert status == 2 and "nope.yaml" in err, err


def test_a_command_modules_check_args_runs_before_the_work(tmp_path, capsys, monkeypatch):
    import sim.analysis.validate as validate

    def check_args(args):
        raise output.InputError("--scenario: expected a known thing, found a/b")
    monkeypatch.setattr(validate, "check_args", check_args, raising=False)
    monkeypatch.setattr(validate, "main", lambda args: pytest.fail("work started"))
    status, _, err = langerthuis_in_process(capsys, "validate", "--targets", "t.csv", "--out", tmp_path / "o")
    assert status == 2 and "found a/b" in err, err


def test_sensitivity_out_is_its_own_folder_or_a_sweep_folder(tmp_path, capsys):
    from test_sensitivity import run_design
    sweep_out = run_design(tmp_path, "morris", 4)
    assert json.loads((sweep_out / MARKER).read_text())["command"] == "sweep"
    own = tmp_path / "analysis"
    for _ in range(2):  # a second analysis adds to (replaces its files in) the same folder
        assert sim.cli.main(["sensitivity", str(sweep_out), "--method", "morris", "--out", str(own)]) == 0
    assert {MARKER, "sensitivity_morris.csv", "sensitivity_morris.png", "sensitivity_morris.json"} == \
        {p.name for p in own.iterdir()}
    assert json.loads((own / MARKER).read_text())["command"] == "sensitivity"
    with atomic_folder(tmp_path / "run", command="run") as tmp:
        (tmp / "a.txt").write_text("x")
    before = snapshot(tmp_path / "run")
    status, _, err = langerthuis_in_process(capsys, "sensitivity", sweep_out, "--method", "morris", "--out",
                                            tmp_path / "run")
    assert status == 2 and "`run` result" in err and snapshot(tmp_path / "run") == before, err
    assert leftovers(tmp_path) == []
