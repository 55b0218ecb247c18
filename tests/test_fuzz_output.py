"""Fuzzing the output contract (issue 28): `--force` on folders holding foreign files, resumes of sweep folders
with damaged run files, --out through links and over-long names, and the numeric options of every command.

Every example either succeeds as documented or is refused with one line (exit status 2) before any work;
a checksum of every file the user put anywhere is unchanged afterwards. A bounded number of examples per
property (derandomized; LANGERTHUIS_FUZZ_EXAMPLES=N for a longer random search). The counts of tried and
contract-meeting cases are printed at the end (``pytest -s tests/test_fuzz_output.py``).
"""
from __future__ import annotations

import argparse
import hashlib
import io
import json
import os
import shutil
import tempfile
from collections import Counter
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import sim.cli
from sim.cli_checks import NUMBERS
from sim.output import MARKER, atomic_folder
from sim.analysis import sweep

from conftest import ROOT

SMALL = str(ROOT / "scenarios" / "small.yaml")
EXAMPLES = int(os.environ.get("LANGERTHUIS_FUZZ_EXAMPLES", "30"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, derandomize="LANGERTHUIS_FUZZ_EXAMPLES" not in os.environ,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
TRIED: Counter = Counter()
MET: Counter = Counter()


@pytest.fixture(scope="module", autouse=True)
def _report_counts():
    yield
    lines = [f"  {what:28s} {TRIED[what]:4d} hostile inputs or faults tried, {MET[what]:4d} met the contract"
             for what in sorted(TRIED)]
    print("\nfuzzing the output contract:\n" + "\n".join(lines))


def checksums(folder: Path) -> dict:
    found = {}
    for root, dirs, files in os.walk(folder):
        for name in files + [d for d in dirs if os.path.islink(os.path.join(root, d))]:
            path = Path(root) / name
            rel = path.relative_to(folder).as_posix()
            found[rel] = os.readlink(path) if path.is_symlink() else hashlib.sha256(path.read_bytes()).hexdigest()
    return found


def cli(*args) -> tuple[int, str]:
    stream = io.StringIO()
    status = sim.cli.main([str(a) for a in args], stderr=stream)
    return status, stream.getvalue()


def one_line(status, err) -> bool:
    return status == 2 and len(err.strip().splitlines()) == 1 and err.startswith("langerthuis: error: ") \
        and "expected" in err and "found" in err and "Traceback" not in err


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if ".tmp-" in p.name or ".old-" in p.name
                  or p.name.endswith(".lock"))


@pytest.fixture
def fake_run(monkeypatch):
    """`run` without the simulation: what it writes, written as it writes it (atomic_folder, marker)."""
    def run(args):
        with atomic_folder(args.out, command="run", force=args.force) as tmp:
            (tmp / "indicators.csv").write_text("new\n")
            (tmp / "maps").mkdir()
            (tmp / "maps" / "map.png").write_bytes(b"png")
        return 0
    monkeypatch.setattr(sim.cli, "run_main", run)


def previous_result(out: Path) -> None:
    with atomic_folder(out, command="run") as tmp:
        (tmp / "indicators.csv").write_text("old\n")
        (tmp / "maps").mkdir()
        (tmp / "maps" / "map.png").write_bytes(b"old png")


# ---- --force with foreign files
NAME = st.text(st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="/\\"), min_size=1,
               max_size=30).filter(lambda n: n not in (".", "..") and len(n.encode()) < 200)
FOREIGN = st.lists(st.tuples(st.lists(st.sampled_from(["maps", "notes", "runs", ".git", "sub dir"]), max_size=2),
                             NAME, st.binary(max_size=200), st.sampled_from(["file", "link", "folder"])),
                   min_size=1, max_size=5)


@FUZZ
@given(foreign=FOREIGN)
def test_force_never_removes_a_foreign_file(tmp_path, fake_run, foreign):
    base = Path(tempfile.mkdtemp(dir=tmp_path))
    out = base / "R"
    previous_result(out)
    outside = base / "outside.txt"
    outside.write_text("the link's target")
    placed = 0
    for parents, name, content, kind in foreign:
        folder = out.joinpath(*parents)
        path = folder / name
        if path.exists() or path.is_symlink() or (folder.exists() and not folder.is_dir()):
            continue
        if path.relative_to(out).as_posix() in ("indicators.csv", "maps/map.png", MARKER):
            continue
        folder.mkdir(parents=True, exist_ok=True)
        if kind == "file":
            path.write_bytes(content)
        elif kind == "link":
            path.symlink_to(outside)
        else:
            path.mkdir()
        placed += 1
    if not placed:
        return
    before, before_outside = checksums(out), outside.read_text()
    TRIED["run --force"] += 1
    status, err = cli("run", SMALL, "--out", out, "--force")
    assert one_line(status, err) and "did not write" in err, err
    assert checksums(out) == before and outside.read_text() == before_outside
    assert leftovers(base) == []
    MET["run --force"] += 1


@FUZZ
@given(foreign=FOREIGN)
def test_sweep_force_never_removes_a_foreign_file(tmp_path, sweep_folder, foreign):
    base = Path(tempfile.mkdtemp(dir=tmp_path))
    out = copy(sweep_folder["out"], base / "SW")
    placed = 0
    for parents, name, content, kind in foreign:
        folder = out.joinpath(*parents)
        path = folder / name
        rel = path.relative_to(out).as_posix()
        if path.exists() or path.is_symlink() or (folder.exists() and not folder.is_dir()) or rel == MARKER:
            continue
        folder.mkdir(parents=True, exist_ok=True)
        if kind == "folder":
            path.mkdir()
        else:
            path.write_bytes(content)
        placed += 1
    from sim.output import foreign_entries, read_marker
    if not placed or not foreign_entries(out, read_marker(out)["wrote"]):
        return   # every drawn name is one a sweep writes (runs/run_*.parquet...): not foreign
    before = checksums(out)
    TRIED["sweep --force"] += 1
    status, err = cli("sweep", sweep_folder["spec"], "--out", out, "--force", "--workers", "0", "--no-progress")
    assert one_line(status, err) and "did not write" in err, err
    assert checksums(out) == before
    MET["sweep --force"] += 1


# ---- damaged resume files
def copy(src: Path, dst: Path) -> Path:
    shutil.copytree(src, dst, symlinks=True)
    return dst


@pytest.fixture(scope="module")
def sweep_folder(tmp_path_factory):
    base = tmp_path_factory.mktemp("sweep")
    (base / "base.yaml").write_text("name: fn\nseed: 0\nparameters: {}\n")
    (base / "s.yaml").write_text(json.dumps({
        "base": "base.yaml", "seed": 5, "runner": "test_sensitivity:linear", "design": "latin_hypercube",
        "runs": 5, "parameters": {f"parameters.x{i}": {"bounds": [0, 1]} for i in range(1, 5)}}))
    sweep.run_sweep(base / "s.yaml", base / "out", workers=0, progress=False)
    return {"spec": base / "s.yaml", "out": base / "out", "values": sweep.read_outputs(base / "out")}


DAMAGE = st.sampled_from(["truncate", "flip", "append", "replace", "empty", "journal", "manifest checksum"])


@FUZZ
@given(run=st.integers(0, 4), damage=DAMAGE, where=st.floats(0, 1), noise=st.binary(min_size=1, max_size=64))
def test_a_resume_redoes_every_damaged_run_file(tmp_path, sweep_folder, capsys, run, damage, where, noise):
    out = copy(sweep_folder["out"], Path(tempfile.mkdtemp(dir=tmp_path)) / "SW")
    file = sweep.run_file(out, run)
    data = file.read_bytes()
    cut = int(where * (len(data) - 1))
    if damage == "truncate":
        file.write_bytes(data[:cut])
    elif damage == "flip":
        file.write_bytes(data[:cut] + bytes([data[cut] ^ (noise[0] or 1)]) + data[cut + 1:])
    elif damage == "append":
        file.write_bytes(data + noise)
    elif damage == "replace":
        file.write_bytes((noise * (len(data) // len(noise) + 1))[:len(data)])
    elif damage == "empty":
        file.write_bytes(b"")
    elif damage == "journal":   # a garbled line in the checksum journal: ignored, the manifest still holds it
        (out / "runs.sha256").write_bytes(noise + b"\n")
    else:   # the recorded checksum itself damaged: the file no longer matches it, so it is redone
        manifest = json.loads((out / "manifest.json").read_text())
        manifest["run_sha256"][file.name] = hashlib.sha256(noise).hexdigest()
        (out / "manifest.json").write_text(json.dumps(manifest))
    TRIED["sweep resume"] += 1
    capsys.readouterr()
    counts = sweep.run_sweep(sweep_folder["spec"], out, workers=0, progress=False)
    err = capsys.readouterr().err
    pd.testing.assert_frame_equal(sweep.read_outputs(out), sweep_folder["values"])
    assert counts["failed"] == 0 and counts["skipped"] + counts["done"] == 5
    if damage != "journal":
        assert counts.get("redone", 0) == 1 and len([x for x in err.splitlines() if "damaged" in x]) == 1, err
    MET["sweep resume"] += 1


# ---- --out through links and over-long names
PART = st.one_of(st.integers(1, 300).map(lambda n: "n" * n), NAME.filter(lambda n: not n.startswith("-")))


@FUZZ
@given(parts=st.lists(PART, min_size=1, max_size=20), link=st.sampled_from(
    [None, "empty folder", "previous result", "user's folder", "a file", "broken", "loop"]),
       force=st.booleans())
def test_out_paths_and_links(tmp_path, fake_run, parts, link, force):
    base = Path(tempfile.mkdtemp(dir=tmp_path))
    user = base / "user"
    user.mkdir()
    (user / "thesis.tex").write_text("years of work")
    (base / "file.txt").write_text("a file")
    out = base.joinpath(*parts)
    if link is not None:
        out = base / "link"
        target = {"empty folder": base / "empty", "previous result": base / "prev", "user's folder": user,
                  "a file": base / "file.txt", "broken": base / "nothing", "loop": base / "link"}[link]
        if link == "empty folder":
            target.mkdir()
        elif link == "previous result":
            previous_result(target)
        out.symlink_to(target)
    before = checksums(base)
    TRIED["run --out"] += 1
    status, err = cli("run", SMALL, "--out", out, *(["--force"] if force else []))
    if status == 0:
        real = Path(os.path.realpath(out))
        assert (real / "indicators.csv").read_text() == "new\n" and (real / MARKER).exists()
        assert link in (None, "empty folder", "previous result") and (link != "previous result" or force)
        assert link is None or out.is_symlink()
        after = checksums(base)
        assert {k: v for k, v in after.items() if k in before and not k.startswith(("prev/", "link/"))} == \
            {k: v for k, v in before.items() if not k.startswith(("prev/", "link/"))}
    else:
        assert one_line(status, err), err
        assert checksums(base) == before
    assert leftovers(base) == [] and leftovers(user) == []
    MET["run --out"] += 1


# ---- numeric options of every command
COMMANDS = {   # the command's arguments without the option; {tmp}: a fresh folder
    "run": ["run", SMALL, "--out", "{tmp}/o"],
    "compare": ["compare", SMALL, SMALL, "--out", "{tmp}/o"],
    "sweep": ["sweep", str(ROOT / "experiments" / "sweeps" / "example.yaml"), "--out", "{tmp}/o"],
    "sensitivity": ["sensitivity", "{tmp}"],
    "calibrate": ["calibrate", str(ROOT / "calibration" / "config.yaml"), "--out", "{tmp}/o"],
    "validate": ["validate", "--targets", str(ROOT / "calibration" / "targets.csv"), "--out", "{tmp}/o"],
    "app": ["app", "--cache", "{tmp}/cache"],
    "report": ["report", "{tmp}", "--out", "{tmp}/r.html"],
    "study": ["study", "e1_reform", "--out", "{tmp}/o"],
    "bench": ["bench"],
}
OPTIONS = [("run", "--replicates"), ("compare", "--replicates"), ("compare", "--from-year"),
           ("compare", "--to-year"), ("compare", "--breakeven-replicates"), ("sweep", "--workers"),
           ("sensitivity", "--year"), ("calibrate", "--workers"), ("validate", "--replicates"),
           ("validate", "--workers"), ("app", "--port"), ("study", "--workers"), ("bench", "--months"),
           ("bench", "--inhabitants"), ("bench", "--reference-months"), ("bench", "--reference-inhabitants")]
VALUE = st.one_of(st.integers(-10**12, 10**12).map(str), st.integers(-3, 70000).map(str),
                  st.sampled_from(["x", "two", "", " ", "1.5", "1e3", "0x10", "-0", "+3", "٣", "nan", "inf",
                                   "http", "--", "99999999999999999999999999"]),
                  st.text(max_size=8))


@pytest.fixture
def no_command_work(monkeypatch):
    """Every command's work replaced by `return 0`: what is tested is everything before it."""
    real = sim.cli.build_parser

    def build(command=None):
        parser = real(command)
        sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
        for p in sub.choices.values():
            p.set_defaults(func=lambda args: 0)
        return parser
    monkeypatch.setattr(sim.cli, "build_parser", build)


@pytest.mark.parametrize("command,flag", OPTIONS)
@settings(FUZZ, max_examples=max(EXAMPLES // 2, 1))
@given(value=VALUE)
def test_numeric_options_of_every_command(tmp_path, no_command_work, command, flag, value):
    tmp = Path(tempfile.mkdtemp(dir=tmp_path))
    args = [a.replace("{tmp}", str(tmp)) for a in COMMANDS[command]] + [f"{flag}={value}"]
    TRIED[f"{command} {flag}"] += 1
    status, err = cli(*args)
    dest = flag.removeprefix("--").replace("-", "_")
    low, high = NUMBERS.get((command, dest)) or NUMBERS[dest]
    try:
        number = int(value)   # what argparse's type=int does
    except ValueError:
        number = None
    if status == 0:   # accepted: a whole number within the option's range
        assert number is not None and low <= number <= high, (value, err)
    else:             # refused: one line (a value in range may still be refused, e.g. the app's port in use)
        assert one_line(status, err), err
        assert command in ("app", "compare") or number is None or not low <= number <= high, (value, err)
    MET[f"{command} {flag}"] += 1
