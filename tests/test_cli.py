"""The run command: outputs, manifest, atomic writing, and one-line errors with exit status 2."""
import json
import subprocess
import sys

import pandas as pd

from conftest import ROOT, langerthuis_in_process
from sim.model.indicators import CATALOGUE


def langerthuis(*args):
    return subprocess.run([sys.executable, "-m", "sim", *args], cwd=ROOT, capture_output=True, text=True)


def test_run_writes_tables_figures_and_manifest(tmp_path):
    out = tmp_path / "run"
    done = langerthuis("run", "scenarios/small.yaml", "--out", str(out), "--no-progress")
    assert done.returncode == 0, done.stderr
    table = pd.read_parquet(out / "indicators.parquet")
    assert set(CATALOGUE) <= set(table.indicator)
    pd.testing.assert_frame_equal(table, pd.read_csv(out / "indicators.csv"), check_dtype=False)
    manifest = json.loads((out / "manifest.json").read_text())
    scenario = manifest["scenarios"][0]
    assert scenario["seed"] == 20130101 and len(scenario["file_sha256"]) == 64 and scenario["scenario_hash"]
    assert manifest["version"] and manifest["git_commit"] and manifest["numba"] and manifest["mesa"]
    assert scenario["parameters"]["fall_rr_adapted"] == 0.74
    for png in manifest["figures"]:
        assert (out / png).stat().st_size > 10_000
    assert not list(tmp_path.glob(".run.tmp-*"))


def test_bad_scenario_is_one_line_exit_2_and_nothing_written(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("extends: %s\nname: bad\nmunicipality:\n  inhabitants: -5\n" % (ROOT / "scenarios" / "small.yaml"))
    out = tmp_path / "out"
    done = langerthuis("run", str(bad), "--out", str(out))
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "bad.yaml" in lines[0] and "municipality.inhabitants" in lines[0], done.stderr
    assert "Traceback" not in done.stderr
    assert not out.exists() and list(tmp_path.iterdir()) == [bad]


def test_missing_file_is_one_line_exit_2(tmp_path):
    done = langerthuis("run", str(tmp_path / "nope.yaml"), "--out", str(tmp_path / "o"))
    assert done.returncode == 2 and len(done.stderr.strip().splitlines()) == 1 and "nope.yaml" in done.stderr
    assert not (tmp_path / "o").exists()


def test_a_rerun_needs_force_and_then_replaces_the_folder_whole(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(ROOT)
    out = tmp_path / "run"
    # the two runs in this process (the same code as the command), the refusal through a real process
    assert langerthuis_in_process(capsys, "run", "scenarios/small.yaml", "--out", out, "--no-progress")[0] == 0
    # a file the previous run wrote (its marker lists it) that the new run does not write: --force removes it
    (out / "stale.txt").write_text("old")
    marker = json.loads((out / ".langerthuis-output").read_text())
    (out / ".langerthuis-output").write_text(json.dumps(marker | {"wrote": marker["wrote"] + ["stale.txt"]}))
    again = langerthuis("run", "scenarios/small.yaml", "--out", str(out), "--no-progress")
    assert again.returncode == 2 and "--force" in again.stderr and (out / "stale.txt").exists()
    assert langerthuis_in_process(capsys, "run", "scenarios/small.yaml", "--out", out, "--no-progress",
                                  "--force")[0] == 0
    assert not (out / "stale.txt").exists() and (out / "indicators.parquet").exists()
    assert json.loads((out / ".langerthuis-output").read_text())["command"] == "run"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["run"]


def test_every_command_with_out_has_force():
    from sim.cli import build_parser
    sub = next(a for a in build_parser()._actions if a.dest == "command")
    for command, parser in sub.choices.items():
        dests = {a.dest for a in parser._actions}
        assert ("force" in dests) == ("out" in dests), command
    assert {"run", "validate", "calibrate", "sweep", "report", "sensitivity"} <= {
        c for c, p in sub.choices.items() if any(a.dest == "force" for a in p._actions)}


def test_bad_replicates_and_area_names_stop_before_any_work(tmp_path, monkeypatch, capsys):
    """--replicates 0 was silently ignored, -1 gave a traceback; an area name with '/' crashed after all runs.
    In this process (sim.cli.main): an exception escaping it would fail the test with its traceback."""
    monkeypatch.chdir(ROOT)
    cases = [("run", "scenarios/small.yaml", "--replicates", "0"),
             ("run", "scenarios/small.yaml", "--replicates", "-1"),
             ("compare", "scenarios/small.yaml", "scenarios/small.yaml", "--replicates", "0"),
             ("compare", "scenarios/small.yaml", "scenarios/small.yaml", "--area", "a/b")]
    for n, case in enumerate(cases):
        out = tmp_path / f"out{n}"
        status, _, stderr = langerthuis_in_process(capsys, *case, "--out", out, "--no-progress")
        assert status == 2, (case, stderr)
        lines = stderr.strip().splitlines()
        assert len(lines) == 1 and "Traceback" not in stderr, stderr
        assert ("--replicates: expected an integer from 1 to 1000" in lines[0]) != ("--area" in lines[0]), lines[0]
        assert not out.exists()
    assert [p.name for p in tmp_path.iterdir()] == []


def test_a_command_line_loads_only_its_own_command_and_parses_as_the_full_parser_does():
    """sim.cli.COMMANDS names the module of every command the full parser has; parsing with only that module
    gives the same arguments, and a bad scenario is refused before the model or the figures are imported."""
    from sim import cli
    full = cli.build_parser()
    sub = next(a for a in full._actions if a.dest == "command")
    assert {c: p.get_default("command_module") for c, p in sub.choices.items() if c != "run"} == cli.COMMANDS
    argv = ["compare", "a.yaml", "b.yaml", "--out", "o", "--breakeven", "--breakeven-replicates", "3"]
    assert vars(cli.build_parser("compare").parse_args(argv)) == vars(full.parse_args(argv))
    code = ("import sys; from sim.cli import main; status = main(['run', 'nope.yaml', '--out', 'o']); "
            "print(status, 'sim.model.model' in sys.modules, 'matplotlib' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert done.stdout.split() == ["2", "False", "False"], done.stdout + done.stderr
