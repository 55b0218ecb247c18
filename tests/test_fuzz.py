"""Fuzzing the input contract (issue 11): every file a command reads, mutated in its bytes or its structure,
either loads or gives an InputError of one line ``file...: ...: expected ..., found ...``; never another
exception. A bounded number of examples per property (derandomized: the same examples on every run).

The counts of tried inputs and of those that met the contract are printed at the end of the module
(``pytest -s tests/test_fuzz.py``).
"""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pandas as pd
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import langerthuis_in_process
from sim.errors import InputError

ROOT = Path(__file__).resolve().parents[1]
BASELINE = ROOT / "scenarios" / "baseline.yaml"
# LANGERTHUIS_FUZZ_EXAMPLES=N: a longer, random (not derandomized) search, run by hand
EXAMPLES = int(os.environ.get("LANGERTHUIS_FUZZ_EXAMPLES", "40"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, derandomize="LANGERTHUIS_FUZZ_EXAMPLES" not in os.environ,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
# one line: a file (and line), then "expected ..., found ..."
CONTRACT = re.compile(r"^\S[^\n]*: [^\n]*expected [^\n]*, found[^\n]*$")

TRIED: Counter = Counter()
MET: Counter = Counter()
REFUSED: Counter = Counter()  # of those that met it: refused with an InputError (the others loaded)


@pytest.fixture(scope="module", autouse=True)
def _report_counts():
    yield
    lines = [f"  {cmd:16s} {TRIED[cmd]:4d} bad or mutated inputs tried, {MET[cmd]:4d} met the contract "
             f"({REFUSED[cmd]} refused in one line, {MET[cmd] - REFUSED[cmd]} loaded)" for cmd in sorted(TRIED)]
    print("\nfuzzing the input contract:\n" + "\n".join(lines))


def check_contract(command: str, load) -> None:
    """Call ``load()``: it must return, or raise an InputError of one line of the contract's form."""
    TRIED[command] += 1
    try:
        load()
    except InputError as exc:
        text = str(exc)
        assert CONTRACT.match(text), f"not one contract line: {text!r}"
        REFUSED[command] += 1
    MET[command] += 1


# ---- mutations


CONTROL = [b"\x00", b"\x1b", b"\x0c", b"\x07", b"\x7f", b"\xc2\x85", b"\xe2\x80\xa8", b"\xff", b"\xfe", b"\xc3"]
FRAGMENTS = [b"&a ", b"*a ", b"<<: *a\n", b"[" * 60, b"]", b"{", b": :", b"- ", b"\t", b"!!python/object:os.system ",
             b"!!binary ", b"9" * 5000, b"1e999", b".nan", b"2020-13-45", b"'", b'"\\0"', b"\n  x: 1\n", b"? [a]\n"]


@st.composite
def byte_mutations(draw, original: bytes):
    """Flip, insert or delete a few bytes (control characters and YAML syntax among them)."""
    data = bytearray(original)
    for _ in range(draw(st.integers(1, 4))):
        where = draw(st.integers(0, len(data)))
        op = draw(st.sampled_from(["flip", "insert", "delete", "fragment"]))
        if op == "flip" and where < len(data):
            data[where] ^= 1 << draw(st.integers(0, 7))
        elif op == "insert":
            data[where:where] = draw(st.sampled_from(CONTROL) | st.binary(min_size=1, max_size=3))
        elif op == "delete":
            del data[where:where + draw(st.integers(1, 20))]
        else:
            data[where:where] = draw(st.sampled_from(FRAGMENTS))
    return bytes(data)


DEEP = "__DEEP__"
WRONG_VALUES = st.sampled_from([None, True, "x", "", [], {}, [1, [2]], {"a": 1}, 10 ** 20, -10 ** 20, 1e300, -1,
                                0, 0.5, float("nan"), "a" * 5000, DEEP, 2 ** 63, "\x1b[31m"])


def _paths(data, prefix=()):
    """Every key path of nested mappings and lists."""
    yield prefix
    if isinstance(data, dict):
        for k, v in data.items():
            yield from _paths(v, prefix + (k,))
    elif isinstance(data, list):
        for i, v in enumerate(data):
            yield from _paths(v, prefix + (i,))


@st.composite
def structure_mutations(draw, data):
    """The YAML text of ``data`` with one value replaced by a wrong type, a huge number or deep nesting, or
    with a key added, removed or duplicated, or an anchor and alias."""
    import copy
    data = copy.deepcopy(data)
    paths = [p for p in _paths(data) if p]
    path = draw(st.sampled_from(paths))
    parent = data
    for key in path[:-1]:
        parent = parent[key]
    op = draw(st.sampled_from(["replace", "replace", "unknown_key", "remove", "duplicate", "alias"]))
    if op == "replace":
        parent[path[-1]] = draw(WRONG_VALUES)
    elif op == "unknown_key" and isinstance(parent, dict):
        parent["zz_" + draw(st.text("abc_", min_size=1, max_size=5))] = draw(WRONG_VALUES)
    elif op == "remove":
        del parent[path[-1]]
    text = yaml.safe_dump(data, sort_keys=False, width=10 ** 6)
    depth = draw(st.integers(40, 1200))
    text = text.replace(DEEP, "[" * depth + "]" * depth).replace(f"'{'[' * depth}{']' * depth}'",
                                                                 "[" * depth + "]" * depth)
    lines = text.splitlines()
    if op == "duplicate":
        i = draw(st.integers(0, len(lines) - 1))
        lines.insert(i, lines[i])
    elif op == "alias":
        laughs = ['lol0: &l0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]'] + [
            f"lol{i}: &l{i} [" + ", ".join([f"*l{i - 1}"] * 9) + "]" for i in range(1, 9)]
        lines = laughs + lines
    return ("\n".join(lines) + "\n").encode("utf-8")


# ---- the files


def _write(dir_: Path, name: str, content: bytes) -> Path:
    path = dir_ / name
    path.write_bytes(content)
    return path


@pytest.fixture(scope="module")
def work(tmp_path_factory):
    return tmp_path_factory.mktemp("fuzz")


SCENARIO_BYTES = BASELINE.read_bytes()
SCENARIO_DATA = yaml.safe_load(SCENARIO_BYTES)


def _load_scenario(path):
    from sim.model.scenario import load_scenario
    return lambda: load_scenario(path)


@FUZZ
@given(content=byte_mutations(SCENARIO_BYTES))
def test_scenario_bytes(work, content):
    check_contract("run/compare", _load_scenario(_write(work, "scenario.yaml", content)))


@FUZZ
@given(content=structure_mutations(SCENARIO_DATA))
def test_scenario_structure(work, content):
    check_contract("run/compare", _load_scenario(_write(work, "scenario.yaml", content)))


SWEEP_TEXT = (ROOT / "experiments" / "sweeps" / "example.yaml").read_text(encoding="utf-8").replace(
    "../../scenarios/baseline.yaml", str(BASELINE))


def _load_sweep(path):
    from sim.analysis.sweep_design import build_design, load_sweep

    def load():
        sweep = load_sweep(path)
        if len(sweep.params) <= 10:
            build_design(sweep)  # what the checks promise is buildable (and of bounded size)
    return load


@FUZZ
@given(content=byte_mutations(SWEEP_TEXT.encode("utf-8")))
def test_sweep_file_bytes(work, content):
    check_contract("sweep", _load_sweep(_write(work, "sweep.yaml", content)))


@FUZZ
@given(content=structure_mutations(yaml.safe_load(SWEEP_TEXT)))
def test_sweep_file_structure(work, content):
    check_contract("sweep", _load_sweep(_write(work, "sweep.yaml", content)))


CONFIG_TEXT = ((ROOT / "calibration" / "config.yaml").read_text(encoding="utf-8")
               .replace("scenario: ../scenarios/baseline.yaml", f"scenario: {BASELINE}")
               .replace("targets: targets.csv", f"targets: {ROOT / 'calibration' / 'targets.csv'}"))


def _load_config(path):
    from sim.analysis.calibrate_config import load_config
    return lambda: load_config(path, quick=True)


@FUZZ
@given(content=byte_mutations(CONFIG_TEXT.encode("utf-8")))
def test_calibration_config_bytes(work, content):
    check_contract("calibrate", _load_config(_write(work, "config.yaml", content)))


@FUZZ
@given(content=structure_mutations(yaml.safe_load(CONFIG_TEXT)))
def test_calibration_config_structure(work, content):
    check_contract("calibrate", _load_config(_write(work, "config.yaml", content)))


TARGETS_BYTES = (ROOT / "calibration" / "targets.csv").read_bytes()
CSV_FRAGMENTS = [b",", b'"', b"\n", b",,,,,,", b"nan", b"inf", b"-1", b"1e999", b"99999999999999999999", b"\r"]


def _read_targets(path):
    from sim.model.indicators import INDICATORS
    from sim.analysis.calibrate_config import read_targets
    return lambda: read_targets(path, INDICATORS)


@FUZZ
@given(content=byte_mutations(TARGETS_BYTES))
def test_targets_bytes(work, content):
    check_contract("validate", _read_targets(_write(work, "targets.csv", content)))


@FUZZ
@given(row=st.integers(1, 20), column=st.integers(0, 4),
       value=st.sampled_from(CSV_FRAGMENTS) | st.binary(max_size=6))
def test_targets_fields(work, row, column, value):
    lines = TARGETS_BYTES.splitlines()
    fields = lines[row].split(b",")
    fields[min(column, len(fields) - 1)] = value
    lines[row] = b",".join(fields)
    check_contract("validate", _read_targets(_write(work, "targets.csv", b"\n".join(lines) + b"\n")))


# ---- folders the analyses read: a sweep folder (sensitivity) and a compare folder (report)


@pytest.fixture(scope="module")
def sweep_folder(tmp_path_factory):
    """A finished little Sobol sweep folder with made-up values: what `sensitivity` reads."""
    from sim.analysis import sweep as sw
    d = tmp_path_factory.mktemp("sweep_src")
    spec = {"name": "s", "base": str(BASELINE), "seed": 1, "design": "sobol", "runs": 4, "runner": "x:y",
            "parameters": {"parameters.a": {"bounds": [0, 1]}, "parameters.b": {"bounds": [0, 1]}}}
    (d / "s.yaml").write_text(yaml.safe_dump(spec))
    sweep = sw.load_sweep(d / "s.yaml")
    design = sw.build_design(sweep)
    out = d / "out"
    (out / "runs").mkdir(parents=True)
    design.to_parquet(out / "design.parquet", index=False)
    for run, a, b in design[["run", "parameters.a", "parameters.b"]].itertuples(index=False):
        pd.DataFrame({"run": [run], "indicator": ["y"], "year": [2020], "value": [a + 2 * b]}).to_parquet(
            sw.run_file(out, run), index=False)
    manifest = {"name": "s", "design": "sobol", "parameters": ["parameters.a", "parameters.b"], "runs": len(design),
                "replicates": 1, "second_order": False, "levels": 4, "indicators": None, "years": None,
                "root_seed": 1, "fingerprint": {"design": "x"}}
    (out / "manifest.json").write_text(json.dumps(manifest))
    return out


def _copy_folder(src: Path, dst: Path) -> Path:
    import shutil
    if dst.exists():
        shutil.rmtree(dst)
    shutil.copytree(src, dst)
    return dst


def _analyze(folder):
    from sim.analysis.sensitivity import analyze
    return lambda: analyze(folder)


@FUZZ
@given(data=st.data())
def test_sweep_folder_manifest(work, sweep_folder, data):
    folder = _copy_folder(sweep_folder, work / "sweep_m")
    manifest = json.loads((folder / "manifest.json").read_text())
    key = data.draw(st.sampled_from(sorted(manifest)))
    manifest[key] = data.draw(WRONG_VALUES.filter(lambda v: v != DEEP) | st.just(["parameters.a"]))
    text = json.dumps(manifest)
    if data.draw(st.booleans()):
        text = data.draw(byte_mutations(text.encode())).decode("utf-8", "replace")
    (folder / "manifest.json").write_text(text, encoding="utf-8")
    check_contract("sensitivity", _analyze(folder))


@FUZZ
@given(data=st.data())
def test_sweep_folder_parquet_files(work, sweep_folder, data):
    folder = _copy_folder(sweep_folder, work / "sweep_p")
    target = data.draw(st.sampled_from(["design.parquet", "runs/run_00000.parquet", "runs/run_00007.parquet"]))
    path = folder / target
    if data.draw(st.booleans()):
        path.write_bytes(data.draw(byte_mutations(path.read_bytes())))
    else:  # a valid Parquet file with the wrong columns or types
        frame = data.draw(st.sampled_from([pd.DataFrame({"run": ["a"]}), pd.DataFrame({"x": [1.0]}),
                                           pd.DataFrame({"run": [0], "indicator": [1], "year": [2020], "value": [1]}),
                                           pd.DataFrame({"run": [0.5], "point": [0], "replicate": [0]})]))
        frame.to_parquet(path, index=False)
    check_contract("sensitivity", _analyze(folder))


@pytest.fixture(scope="module")
def compare_folder(tmp_path_factory):
    """A compare folder as the report reads it (manifest with the resolved baseline, comparison.csv)."""
    from sim.model.scenario import load_scenario
    out = tmp_path_factory.mktemp("compare_src")
    resolved = {k: v for k, v in load_scenario(ROOT / "scenarios" / "wsg_full.yaml").items() if not k.startswith("_")}
    manifest = {"scenarios": [{"name": "base", "resolved": resolved, "seed": 1, "replicates": 2},
                              {"name": "wsg", "resolved": resolved, "seed": 1, "replicates": 2}],
                "window": {"from_year": 2016, "to_year": 2020}, "figures": [], "language": "en"}
    (out / "manifest.json").write_text(json.dumps(manifest))
    rows = [{"scenario": s, "outcome": o, "mean": 1.0, "p5": 0.5, "p95": 1.5, "diff_mean": 0.1, "diff_p5": 0.0,
             "diff_p95": 0.2, "from_year": 2016, "to_year": 2020, "replicates": 2}
            for s in ("base", "wsg") for o in ("unmet_need_share", "cost_total_per_capita")]
    pd.DataFrame(rows).to_csv(out / "comparison.csv", index=False)
    return out


def _report(folder):
    from sim.workshop.report import build_html
    return lambda: build_html(folder)


@FUZZ
@given(data=st.data())
def test_compare_folder_manifest(work, compare_folder, data):
    folder = _copy_folder(compare_folder, work / "cmp_m")
    manifest = json.loads((folder / "manifest.json").read_text())
    paths = [p for p in _paths(manifest) if p]
    path = data.draw(st.sampled_from(paths))
    parent = manifest
    for key in path[:-1]:
        parent = parent[key]
    parent[path[-1]] = data.draw(WRONG_VALUES.filter(lambda v: v != DEEP))
    (folder / "manifest.json").write_text(json.dumps(manifest))
    check_contract("report", _report(folder))


@FUZZ
@given(content=st.data())
def test_compare_folder_csv(work, compare_folder, content):
    folder = _copy_folder(compare_folder, work / "cmp_c")
    csv = folder / "comparison.csv"
    csv.write_bytes(content.draw(byte_mutations(csv.read_bytes())))
    check_contract("report", _report(folder))


# ---- the named cases of issue 11


def _error(load) -> str:
    with pytest.raises(InputError) as exc:
        load()
    text = str(exc.value)
    assert CONTRACT.match(text), text
    return text


@pytest.mark.parametrize("byte", [b"\x00", b"\x1b", b"\x0c"])
def test_a_control_byte_is_refused_with_its_line(tmp_path, byte):
    path = _write(tmp_path, "s.yaml", b"name: s\ndescription: a" + byte + b"b\n")
    assert _error(_load_scenario(path)).startswith(f"{path}:2: ")


def test_deep_nesting_is_refused(tmp_path):
    path = _write(tmp_path, "s.yaml", b"name: s\nparameters: " + b"[" * 1000 + b"]" * 1000 + b"\n")
    assert "levels of nesting" in _error(_load_scenario(path))


def test_billion_laughs_is_refused_before_expanding(tmp_path):
    import resource
    laughs = ['a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]'] + [
        f"{chr(98 + i)}: &{chr(98 + i)} [" + ", ".join([f"*{chr(97 + i)}"] * 9) + "]" for i in range(8)]
    path = _write(tmp_path, "s.yaml", ("\n".join(laughs) + "\nname: s\n").encode())
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    assert "anchors or aliases" in _error(_load_scenario(path))
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before < 50_000  # KB: nothing was expanded


def test_a_long_extends_chain_is_refused(tmp_path):
    for i in range(1000):
        (tmp_path / f"s{i}.yaml").write_text(f"name: s{i}\n" + (f"extends: s{i + 1}.yaml\n" if i < 999 else ""))
    assert "a chain of at most 20 files" in _error(_load_scenario(tmp_path / "s0.yaml"))


def test_a_big_file_is_refused_before_reading(tmp_path):
    path = tmp_path / "s.yaml"
    with open(path, "wb") as f:
        f.truncate(2_000_000_000)  # sparse: nothing to read in a second
    assert "at most 1,000,000 bytes" in _error(_load_scenario(path))


def test_duplicate_keys_in_a_sweep_file(tmp_path):
    path = _write(tmp_path, "s.yaml", (SWEEP_TEXT + "\nseed: 5\n").encode())
    assert "seed: expected each key once" in _error(_load_sweep(path))


@pytest.mark.parametrize("change,needle", [
    (("seed: 20240601", "seed: abc"), "seed: expected an integer"),
    (("particles: 100", "particles: 0"), "smc.particles: expected an integer from 1"),
    (("\nsmc:\n", "\nsmc: [1]\nold_smc:\n"), "old_smc: expected one of the keys"),
    (("targets: ", "colour: red\ntargets: "), "colour: expected one of the keys"),
])
def test_bad_calibration_configs(tmp_path, change, needle):
    path = _write(tmp_path, "c.yaml", CONFIG_TEXT.replace(*change).encode())
    assert needle in _error(_load_config(path))


def test_a_non_utf8_calibration_config(tmp_path):
    path = _write(tmp_path, "c.yaml", CONFIG_TEXT.replace("reason", "r\xe9ason", 1).encode("latin-1"))
    assert "expected UTF-8 text, found the byte 0xe9" in _error(_load_config(path))


def test_the_grid_and_huge_integers_are_bounded(tmp_path):
    from sim.model.scenario import resolve_scenario
    grid = _error(lambda: resolve_scenario({"name": "g", "municipality": {"grid": {"width": 182, "height": 182}}}))
    assert "grid.width: expected an integer from 1 to 100, found 182" in grid
    inv = {"type": "adapted_dwellings", "cells": "all", "start_year": 2016, "number": 10 ** 20,
           "cost": {"source": "assumption: test"}}
    assert "investments[0].number: expected an integer from 0 to" in _error(
        lambda: resolve_scenario({"name": "n", "investments": [inv]}))


def test_sweep_sizes_are_bounded_before_building(tmp_path):
    path = _write(tmp_path, "s.yaml", SWEEP_TEXT.replace("replicates: 1 ", "replicates: 1000000000 ").encode())
    assert "replicates: expected an integer from 1 to 1000" in _error(_load_sweep(path))
    path = _write(tmp_path, "s.yaml", SWEEP_TEXT.replace("replicates: 1 ", "replicates: 1000 ").encode())
    assert "expected a sweep of at most 100,000 runs" in _error(_load_sweep(path))


def test_with_replicates():
    from sim.model.scenario import load_scenario, with_replicates
    scenario = load_scenario(BASELINE)
    assert with_replicates(scenario, 3)["replicates"] == 3 and with_replicates(scenario, 3)["_hash"] != scenario["_hash"]
    for bad in (0, -1, 1001, 2.0, True):
        assert "--replicates: expected an integer from 1 to 1000" in _error(lambda bad=bad: with_replicates(scenario, bad))


# ---- the commands: bad files -> exit 2, one line on stderr, no traceback, nothing written


def _cli(args, cwd):
    return subprocess.run([sys.executable, "-m", "sim", *map(str, args)], cwd=cwd, capture_output=True, text=True,
                          timeout=120, check=False)


def _folder(d: Path, name: str, files: dict) -> Path:
    folder = d / name
    folder.mkdir()
    for file, content in files.items():
        (folder / file).write_bytes(content)
    return folder


LAUGHS = ("a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + "".join(
    f"{c}: &{c} [" + ", ".join([f"*{p}"] * 9) + "]\n" for p, c in zip("abcdefgh", "bcdefghi")) + "name: x\n").encode()

CLI_CASES = {  # (command, case) -> the arguments, given the folder the command runs in
    ("run", "NUL byte"): lambda d: ["run", _write(d, "bad.yaml", b"name: x\x00\n"), "--out", d / "out"],
    ("run", "182 x 182 grid"): lambda d: ["run", _write(d, "bad.yaml", b"name: x\nmunicipality: {grid: {width: 182, "
                                                                         b"height: 182}}\n"), "--out", d / "out"],
    ("compare", "broken YAML"): lambda d: ["compare", BASELINE, _write(d, "bad.yaml", b"name: [" * 3 + b"\n"),
                                           "--out", d / "out"],
    ("compare", "billion laughs"): lambda d: ["compare", BASELINE, _write(d, "bad.yaml", LAUGHS), "--out", d / "out"],
    ("sweep", "duplicate key"): lambda d: ["sweep", _write(d, "bad.yaml", (SWEEP_TEXT + "\nruns: 8\n").encode()),
                                           "--out", d / "out"],
    ("sweep", "a billion replicates"): lambda d: ["sweep", _write(d, "bad.yaml", SWEEP_TEXT.replace(
        "replicates: 1 ", "replicates: 1000000000 ").encode()), "--out", d / "out"],
    ("calibrate", "particles 0"): lambda d: ["calibrate", _write(d, "c.yaml", CONFIG_TEXT.replace(
        "particles: 100", "particles: 0").encode()), "--out", d / "out"],
    ("calibrate", "seed abc"): lambda d: ["calibrate", _write(d, "c.yaml", CONFIG_TEXT.replace(
        "seed: 20240601", "seed: abc").encode()), "--out", d / "out", "--quick"],
    ("validate", "targets a folder"): lambda d: ["validate", "--targets", d, "--out", d / "out",
                                                 "--scenario", BASELINE],
    ("validate", "ESC in targets"): lambda d: ["validate", "--targets", _write(d, "t.csv", TARGETS_BYTES.replace(
        b"VNG", b"V\x1bNG", 1)), "--out", d / "out", "--scenario", BASELINE],
    ("sensitivity", "no folder"): lambda d: ["sensitivity", d / "nothing"],
    ("sensitivity", "a run folder"): lambda d: ["sensitivity", _folder(d, "run", {
        "manifest.json": b'{"scenarios": [{"name": "x"}]}', "indicators.csv": b"a,b\n"})],
    ("report", "scenarios not mappings"): lambda d: ["report", _folder(d, "cmp", {
        "manifest.json": b'{"scenarios": [1]}'}), "--out", d / "out" / "r.html"],
    ("report", "text in a number column"): lambda d: ["report", _folder(d, "cmp", {
        "manifest.json": b'{"scenarios": [{"name": "a"}]}',
        "comparison.csv": b"scenario,outcome,mean,p5,p95\na,b,lots,1,2\n"}), "--out", d / "r.html"],
}


# cases run through a real `python -m sim` (exit status and stderr of a process); the others in-process
REAL_PROCESS = {"NUL byte", "billion laughs", "scenarios not mappings"}


@pytest.mark.parametrize("command,case", sorted(CLI_CASES))
def test_cli_bad_input_contract(tmp_path, monkeypatch, capsys, command, case):
    args = CLI_CASES[command, case](tmp_path)
    before = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*"))
    if case in REAL_PROCESS:
        result = _cli(args, tmp_path)
        status, stderr = result.returncode, result.stderr
    else:  # the same code path (sim.cli.main) without starting a Python for each case
        monkeypatch.chdir(tmp_path)
        status, _, stderr = langerthuis_in_process(capsys, *args)
    TRIED[f"cli {command}"] += 1
    err = stderr.strip()
    assert status == 2, stderr
    assert "\n" not in err and "Traceback" not in err and err.startswith("langerthuis: error: "), err
    assert CONTRACT.match(err.removeprefix("langerthuis: error: ")), err
    assert sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*")) == before  # nothing written
    MET[f"cli {command}"] += 1
    REFUSED[f"cli {command}"] += 1
