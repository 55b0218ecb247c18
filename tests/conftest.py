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
