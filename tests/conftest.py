import copy
import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# CBS KWB 2024 (sim/model/cbs.py) for the tests and CI: the shared folder ../shared/data/neighbourhoods beside
# the project (or beside a folder above it, for a git worktree), unless LANGERTHUIS_CBS_DIR is already set
CBS_DIR = next((p / "shared" / "data" / "neighbourhoods" for p in ROOT.parents
                if (p / "shared" / "data" / "neighbourhoods").is_dir()), None)
if CBS_DIR is not None:
    os.environ.setdefault("LANGERTHUIS_CBS_DIR", str(CBS_DIR))
# small.yaml with two woonservicegebied investments in centrum (the app and report tests);
# format with small= the path of small.yaml as seen from where the file is written
SMALL_WSG = """\
extends: {small}
name: small_wsg
description: "small with care-team hours and home care on call in centrum"
investments:
  - type: care_team_hours
    cells: centrum
    start_year: 2014
    hours_per_month: 60
    cost: {{yearly: 216000, payer: care_insurer, source: "assumption: test"}}
  - type: care_on_call
    cells: centrum
    start_year: 2014
    cost: {{yearly: 180000, payer: care_insurer, source: "assumption: test"}}
"""


@pytest.fixture(scope="session")
def small_scenario():
    """scenarios/small.yaml resolved: 20,000 inhabitants, 4 x 4 grid, 2010-2020."""
    from sim.model.scenario import load_scenario
    return load_scenario(ROOT / "scenarios" / "small.yaml")


@pytest.fixture
def small(small_scenario):
    """A fresh deep copy that a test may change."""
    return copy.deepcopy(small_scenario)


@pytest.fixture(scope="session")
def chromium_path():
    """Debian's Chromium for the browser tests; installed with apt-get when missing (as root)."""
    import os
    import shutil
    import subprocess

    path = shutil.which("chromium")
    if path is None and os.geteuid() == 0 and shutil.which("apt-get"):
        subprocess.run("apt-get update -qq && apt-get install -y -qq chromium chromium-driver", shell=True,
                       check=False, capture_output=True, timeout=900)
        path = shutil.which("chromium")
    if path is None:
        pytest.fail("Chromium is needed for the browser tests: apt-get install chromium chromium-driver")
    return path


CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic"]


@pytest.fixture(scope="module")
def browser(chromium_path):
    """Headless Chromium driven by Playwright (the system browser: none is downloaded)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS, timeout=60_000)
        yield b
        b.close()


def langerthuis_in_process(capsys, *args) -> tuple[int, str, str]:
    """Run the command in this process: (exit status, stdout, stderr). Starting a Python for each bad
    file costs seconds of imports; the error path is the same code (sim.cli.main). An exception that
    escaped main would fail the test with its traceback. A few tests keep a real `python -m sim` run."""
    import io

    from sim.cli import main
    capsys.readouterr()
    stream = io.StringIO()   # the error's own stream (a background thread may swap sys.stderr meanwhile)
    status = main([str(a) for a in args], stderr=stream)
    captured = capsys.readouterr()
    return status, captured.out, stream.getvalue() + captured.err


# ----------------------------------------------------------------------------- scheduling on xdist's workers
# Seconds of test time (pytest --durations, -n 0 and the README's 2 workers, 2 cores shared with other jobs,
# 2026-12-08; whichever test first runs the kernel in a worker also pays its compilation): only the order
# matters. pyproject runs `--dist loadgroup --no-loadscope-reorder`: a file's tests go to one worker together
# (its module fixtures: the app server, the browser, a run shared by its tests), the files in SPREAD test by
# test; the costliest unit starts first, so that no long file starts last while the other worker idles
# (xdist's own order, by number of tests, started the many quick files first).
FILE_COST = {
    "test_handout.py": 200, "test_app.py": 150, "test_app_variants.py": 150, "test_app_options.py": 145,
    "test_app_workshop.py": 120, "test_sweep.py": 95, "test_studies.py": 65, "test_compare.py": 38,
    "test_ledger.py": 32, "test_report.py": 30, "test_model.py": 21, "test_areas.py": 21, "test_plausibility.py": 21,
    "test_sensitivity.py": 18, "test_cli.py": 15, "test_harden.py": 13, "test_readme.py": 12, "test_validate.py": 12,
    "test_labels.py": 10, "test_pool.py": 6,
}
# files whose tests share no module fixture or cache: each test is a unit of its own; the slow ones here
TEST_COST = {
    "test_calibrate.py::test_calibration_recovers_known_parameters_from_synthetic_targets": 95,
    "test_findings.py::test_woonservicegebied_longer_at_home_and_less_so_without_its_uncertain_effects": 45,
    "test_findings.py::test_carer_support_and_respite_relieve_carers_and_nothing_without_their_effects": 43,
    "test_calibrate.py::test_quick_calibration_end_to_end": 30,
    "test_findings.py::test_secondary_helpers_relieve_the_main_carer_and_not_without_their_relief": 25,
    "test_findings.py::test_home_adaptations_lower_falls_and_home_care_and_neither_without_their_effects": 25,
    "test_reference.py::test_reference_equals_kernel_with_investments": 17,
    "test_reference.py::test_reference_equals_kernel": 12,
    "test_findings.py::test_care_on_call_prevents_crises_and_their_hospital_stays": 13,
    "test_findings.py::test_signalling_means_fewer_hospital_admissions_and_none_without_its_effect": 12,
    "test_findings.py::test_activities_damp_the_loss_of_wellbeing_as_limitations_grow": 12,
    "test_reference.py::test_reference_equals_kernel_without_reform": 7,
}
SPREAD = {"test_findings.py", "test_calibrate.py", "test_reference.py"}
SLOW_FILE, SLOW_TEST = 60, 5   # the `slow` marker: `pytest -m "not slow"` is a quick run; README's runs all


def _test_cost(item) -> float:
    return TEST_COST.get(f"{item.path.name}::{item.originalname}", 0)


@pytest.hookimpl(tryfirst=True)   # before xdist names each test's group
def pytest_collection_modifyitems(config, items):
    def unit_cost(item):
        name = item.path.name
        return (_test_cost(item) if name in SPREAD else FILE_COST.get(name, 0), name)

    for item in items:
        name = item.path.name
        if name not in SPREAD:
            item.add_marker(pytest.mark.xdist_group(item.path.stem))
        if FILE_COST.get(name, 0) >= SLOW_FILE or _test_cost(item) >= SLOW_TEST:
            item.add_marker(pytest.mark.slow)
    items.sort(key=unit_cost, reverse=True)   # stable: a file's tests keep their order and stay together
    # two browser files at once (Chromium, the app's server and the page's runs each) took twice as long as
    # either beside a model test: browser and other units alternate, so xdist's first two units per worker
    # (1, 3 to the first; 2, 4 to the second) put the browser files on one worker, the model tests on the other
    browser = {item.path.name for item in items if "browser" in item.fixturenames}
    queues = ([i for i in items if i.path.name in browser], [i for i in items if i.path.name not in browser])
    items[:] = _alternate_units(*queues, key=unit_cost)


def _alternate_units(a: list, b: list, key) -> list:
    """The units (runs of items with one key) of ``a`` and ``b`` alternately, each list in its order."""
    def units(items):
        out = []
        for item in items:
            if out and key(out[-1][-1]) == key(item):
                out[-1].append(item)
            else:
                out.append([item])
        return out

    ua, ub, merged = units(a), units(b), []
    for k in range(max(len(ua), len(ub))):
        for u in (ua, ub):
            merged.extend(u[k] if k < len(u) else [])
    return merged
