"""The workshop app: its levers and cache (no browser), then `langerthuis app` driven in headless Chromium."""
from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from sim.workshop.appcache import Levers, apply_levers, costs_by_payer, parse_cells
from sim.errors import InputError
from sim.model.scenario import load_scenario

from conftest import ROOT, SMALL_WSG


# ---- levers and cache ------------------------------------------------------------------------------------


def test_levers_add_investments_where_asked():
    small = load_scenario(ROOT / "scenarios" / "small.yaml")
    same = apply_levers(small, Levers(replicates=2))
    assert same["name"] == "small" and same["replicates"] == 2 and same["investments"] == []

    v = apply_levers(small, Levers(where="cells", cells="0,0; 3,3", adapted_dwellings=5, care_team_hours=40,
                                   alarm_minutes=10, carer_support=0.3, start_year=2015))
    assert v["name"] == "small + levers" and v["_hash"] != small["_hash"]
    assert {i["type"] for i in v["investments"]} == {"adapted_dwellings", "care_team_hours", "care_on_call",
                                                     "carer_support"}
    assert all(i["cells"] == [[0, 0], [3, 3]] and i["start_year"] == 2015 for i in v["investments"])
    dwellings = next(i for i in v["investments"] if i["type"] == "adapted_dwellings")
    assert dwellings["cost"]["one_off"] == 5 * 2 * 25_000 and dwellings["cost"]["payer"] == "housing_association"


def test_levers_move_the_scenarios_woonservicegebied():
    full = load_scenario(ROOT / "scenarios" / "wsg_full.yaml")
    moved = apply_levers(full, Levers(where="cells", cells="0,0"))
    assert moved["name"] == "wsg_full + levers"
    assert all(i["cells"] == [[0, 0]] for i in moved["investments"])
    kept = apply_levers(full, Levers(where="centrum"))        # the same place: the same scenario
    assert kept["_hash"] == full["_hash"]


@pytest.mark.parametrize("levers", [Levers(where="cells", cells="1;2", care_team_hours=5),
                                    Levers(where="cells", cells="9,9", care_team_hours=5),
                                    Levers(where="nowhere", care_team_hours=5)])
def test_bad_levers_are_one_line_input_errors(levers):
    with pytest.raises(InputError) as err:
        apply_levers(load_scenario(ROOT / "scenarios" / "small.yaml"), levers)
    assert "\n" not in str(err.value)


def test_parse_cells():
    assert parse_cells(" 1,2;[3, 4]\n5,6 ") == [[1, 2], [3, 4], [5, 6]]
    with pytest.raises(InputError):
        parse_cells("  ")


def test_runs_are_cached_in_memory_and_on_disk(tmp_path, monkeypatch):
    import sim.workshop.appcache as cache

    monkeypatch.setenv("LANGERTHUIS_CACHE", str(tmp_path))
    monkeypatch.setattr(cache, "_memory", {})
    s = apply_levers(load_scenario(ROOT / "scenarios" / "small.yaml"), Levers(where="centrum", care_team_hours=20))
    years = []
    table, cells = cache.run_cached(s, progress=years.append)
    assert years == list(range(1, cache.run_years(s) + 1))      # progress after every simulated year
    assert cache.run_cached(s, progress=years.append)[0] is table and len(years) == cache.run_years(s)
    monkeypatch.setattr(cache, "_memory", {})                    # a new server process: from disk
    again = cache.run_cached(s, progress=years.append)
    assert len(years) == cache.run_years(s) and again[0].equals(table)

    costs = costs_by_payer(table, {s["name"]: s})               # investments land with their payer
    invest = table[table.indicator == "cost_investment_per_capita"].value.mean()
    assert costs.investment.sum() == pytest.approx(invest)
    assert costs.set_index("payer").loc["care_insurer", "investment"] == pytest.approx(invest)


# ---- the app in a browser --------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def app_url(tmp_path_factory):
    """`langerthuis app` on a free port, with a scenario folder of small ones and an empty run cache."""
    tmp = tmp_path_factory.mktemp("app")
    scenarios = tmp / "scenarios"
    scenarios.mkdir()
    for name in ("baseline.yaml", "small.yaml"):
        shutil.copy(ROOT / "scenarios" / name, scenarios)
    (scenarios / "small_wsg.yaml").write_text(SMALL_WSG.format(small="small.yaml"), encoding="utf-8")
    port = _free_port()
    log = open(tmp / "server.log", "w")
    server = subprocess.Popen([sys.executable, "-m", "sim", "app", "--host", "127.0.0.1", "--port", str(port),
                               "--scenarios", str(scenarios), "--cache", str(tmp / "cache")],
                              stdout=log, stderr=subprocess.STDOUT, cwd=ROOT, start_new_session=True)
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + 120          # the first start may fetch the page's assets with npm
        while True:
            try:
                with urllib.request.urlopen(url, timeout=5) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"the app did not answer on {url}:\n{(tmp / 'server.log').read_text()[-2000:]}")
            time.sleep(0.5)
        yield url
    finally:
        server.send_signal(signal.SIGTERM)        # `langerthuis app` stops its Solara server with it
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=10)
        try:
            os.killpg(server.pid, signal.SIGKILL)  # anything left in the group this test started
        except ProcessLookupError:
            pass
        log.close()


def _image_sizes(page, cls):
    return page.evaluate(f"Array.from(document.querySelectorAll('img.{cls}'))"
                         ".map(i => [i.naturalWidth, i.getBoundingClientRect().width])")


def test_app_runs_scenarios_and_shows_results(app_url, browser, tmp_path):
    page = browser.new_page(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    page.set_default_timeout(30_000)
    page.goto(app_url, timeout=60_000)
    page.wait_for_selector(".lt-run", timeout=60_000)

    # choose the two small scenarios instead of the baseline
    page.get_by_label("baseline", exact=True).uncheck()
    page.get_by_label("small", exact=True).check()
    page.get_by_label("small_wsg", exact=True).check()
    page.click(".lt-run")
    page.wait_for_selector(".lt-progress .v-progress-linear", timeout=15_000)   # visible progress
    assert "small" in page.inner_text(".lt-status")
    page.wait_for_selector("img.lt-map", timeout=120_000)
    assert page.inner_text(".lt-status").strip() == "ready"

    for cls in ("lt-map", "lt-series", "lt-diff", "lt-costs"):
        page.wait_for_function(f"(document.querySelector('img.{cls}') || {{}}).naturalWidth > 0")
        sizes = _image_sizes(page, cls)
        assert sizes and all(natural > 0 and shown > 0 for natural, shown in sizes), (cls, sizes)
    outcomes = page.inner_text(".lt-outcomes-card")
    assert "small_wsg" in outcomes and "–" in outcomes           # values with intervals

    # a table downloads as CSV
    with page.expect_download(timeout=30_000) as download:
        page.locator(".lt-downloads").get_by_text("indicators.csv").click()
    csv = Path(download.value.path()).read_text()
    assert csv.startswith("scenario,replicate,year,indicator,value") and "small_wsg" in csv

    # a second run comes from the cache at once
    started = time.monotonic()
    page.click(".lt-run")
    page.wait_for_function("document.querySelector('.lt-status') && "
                           "document.querySelector('.lt-status').innerText.trim() == 'ready'", timeout=30_000)
    assert time.monotonic() - started < 15

    # Dutch labels
    page.get_by_text("Nederlands", exact=True).click()
    page.wait_for_selector("text=Kaart van de buurten")
    assert "Kosten per betaler" in page.inner_text(".lt-costs-card")
    assert page.locator(".lt-run").inner_text().strip().lower() == "doorrekenen"
    page.wait_for_function("document.querySelector('img.lt-map').naturalWidth > 0")

    shot = tmp_path / "app.png"
    page.set_viewport_size({"width": 1400, "height": 2400})
    page.evaluate("document.querySelectorAll('*').forEach(e => { if (e.scrollTop) e.scrollTop = 0; })")
    page.wait_for_timeout(500)
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 10_000
    print(f"screenshot: {shot}")
    page.close()
