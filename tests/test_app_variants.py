"""The workshop app's ledger, Kaplan-Meier months and access-route levers (issues 13, 12 item 8, 14, 15): the
numbers agree with `langerthuis compare` and the report for the same runs; then, in headless Chromium, a
reload restoring the last view, A vs B with figures, export and import, and the tooltips in both languages."""
from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sim.errors import InputError
from sim.model.scenario import load_scenario
from sim.workshop.appcache import Levers, apply_levers

from conftest import ROOT
from test_app import MENU, _choose, _close_menus, _page, _run_and_wait, _slide, _tick, app_server  # noqa: F401


@pytest.fixture(scope="module")
def two_runs(tmp_path_factory):
    """small.yaml and small with levers that every party feels (dwellings, team hours, carer support, a
    neighbourhood team under a Wmo cut), 2 replicates, 2010-2016, run by the app (its cache in a temporary
    folder)."""
    import os
    import sim.workshop.appcache as cache
    folder = tmp_path_factory.mktemp("appcache")
    old = os.environ.get("LANGERTHUIS_CACHE")
    os.environ["LANGERTHUIS_CACHE"] = str(folder)
    small = load_scenario(ROOT / "scenarios" / "small.yaml")
    small = apply_levers(dict(small, end_year=2016), Levers(replicates=2))
    changed = apply_levers(small, Levers(where="centrum", start_year=2013, adapted_dwellings=3, care_team_hours=40,
                                         carer_support=0.5, access_route="neighbourhood_team", budget_cut=0.25,
                                         budget_from_year=2015, replicates=2))
    runs = {s["name"]: (s, cache.run_full(s)) for s in (small, changed)}
    yield runs
    if old is None:
        os.environ.pop("LANGERTHUIS_CACHE", None)
    else:
        os.environ["LANGERTHUIS_CACHE"] = old


def _results(runs):
    from sim.workshop.app.numbers import Result
    return {n: Result(s, *run) for n, (s, run) in runs.items()}


def test_app_ledger_and_months_are_those_of_compare_and_the_report(two_runs, tmp_path, monkeypatch):
    """For the same runs the app's six-party ledger (per year, NPV, break-even) equals compare's ledger.csv and
    ledger_summary.csv, its months at home are compare's Kaplan-Meier months (not the mean of the ended
    spells), and the report shows the same net per party and the same months."""
    from sim.analysis.compare import Comparison
    from sim.analysis.ledger import PARTIES
    from sim.workshop import comparison, outcomes, report
    from sim.workshop.app import numbers, tables
    from sim.workshop.figures import room
    from sim.workshop.labels import fmt_eur_million, fmt_value
    results = _results(two_runs)
    order = list(results)
    base, name = order
    window = outcomes.result_window({n: r.scenario for n, r in results.items()})
    ours = numbers.ledger_of(results, order, window)

    c = Comparison([r.scenario for r in results.values()], effect_priors=None, progress=False)
    assert c.window == window and c.order == order
    c.run()
    monkeypatch.setattr(comparison, "figures", lambda *a, **k: {})   # the tables are compared; figures take 25 s
    folder = comparison.save(c, tmp_path / "cmp")
    theirs = pd.read_csv(folder / "ledger.csv")
    assert set(ours["ledger"].party) == set(PARTIES) and (ours["ledger"].replicates == 2).all()
    pd.testing.assert_frame_equal(ours["ledger"].reset_index(drop=True), theirs, check_dtype=False, rtol=1e-9)
    summary = pd.read_csv(folder / "ledger_summary.csv")
    pd.testing.assert_frame_equal(ours["summary"].astype({"breakeven_year": float}), summary, check_dtype=False,
                                  rtol=1e-9)
    assert ours["ledger"].net_mean.abs().max() > 0          # the levers move money: a comparison with content

    # months at home: the app's headline and table are compare's Kaplan-Meier months, not the ended spells' mean
    km = numbers.km_of(results, window)
    table = pd.concat([r.table for r in results.values()], ignore_index=True)
    costs = outcomes.party_costs(table, {n: r.scenario for n, r in results.items()}, window)
    h = numbers.headline(table, costs, name, base, window, km)
    csv = pd.read_csv(folder / "comparison.csv").set_index(["scenario", "outcome"])
    assert h["months"][0] == pytest.approx(csv.loc[(name, "months_at_home_km"), "diff_mean"], rel=1e-12)
    spells_mean = numbers.headline(table, costs, name, base, window)["months"][0]   # the old number (no spells)
    assert h["months"][0] != pytest.approx(spells_mean)     # the estimators differ: the test can tell them apart
    outcomes = numbers.window_outcomes(table, base, window, km=km).set_index(["scenario", "indicator"])
    assert "months_independent_after_indication" not in outcomes.index.get_level_values(1)
    assert outcomes.loc[(name, "months_at_home_km"), "mean"] == pytest.approx(csv.loc[(name, "months_at_home_km"), "mean"])

    # the report: the same net a year per party (from its ledger.csv) and the same months, as the app prints them
    html = report.build_html(folder)
    for r in ours["yearly"].itertuples():
        assert f"<b>{fmt_eur_million(r.net_mean, 'en')}</b>" in html, r.party
    row = csv.loc[(name, "months_at_home_km")]
    lo, hi = (fmt_value("x", row[k], "en", signed=True) for k in ("diff_p5", "diff_p95"))
    if row.diff_p5 > 0 or row.diff_p95 < 0:
        assert f"{fmt_value('x', h['months'][0], 'en', signed=True)} months at home within 10 years" in html
    else:   # the report says when the interval includes no change
        assert "no clear change in the months at home within 10 years" in html and f"{lo} to {hi}" in html
    ledger_html = tables.ledger_html(ours, order, window, "en")     # the report's money table, a table per scenario
    for r in ours["yearly"].itertuples():
        assert fmt_eur_million(r.net_mean, "en") in ledger_html
    assert "Split incentive in" in ledger_html and "never" in ledger_html or re.search(r"<td>20\d\d</td>", ledger_html)
    # one money picture: the sign in words and a sentence per party, as in the report (the same function)
    assert "positive = the party is better off" in ledger_html and ledger_html.count("<li>") == len(ours["yearly"])
    assert "Why, per party" in ledger_html and "Why, per party" in html
    assert room.ledger_png(ours["ledger"], order, "nl")[:4] == b"\x89PNG"


def test_the_ledger_needs_the_yearly_records_and_a_second_scenario(two_runs):
    from sim.workshop import outcomes
    from sim.workshop.app import numbers
    results = _results(two_runs)
    order = list(results)
    window = outcomes.result_window({n: r.scenario for n, r in results.items()})
    assert numbers.ledger_of({order[0]: results[order[0]]}, order[:1], window) is None
    old = {n: r._replace(spells=None, yearly=None) for n, r in results.items()}   # a variant saved before them
    assert numbers.ledger_of(old, order, window) is None and numbers.km_of(old, window).empty
    out = numbers.window_outcomes(pd.concat([r.table for r in old.values()]), order[0], window, km=numbers.km_of(old, window))
    assert "months_independent_after_indication" in set(out.indicator)            # it falls back, no crash


def test_variants_keep_spells_and_dwellings_for_the_ledger_and_a_vs_b(two_runs, tmp_path, monkeypatch):
    import sim.workshop.appcache as cache
    from sim.workshop.app import numbers
    from sim.workshop.figures import room
    monkeypatch.setenv("LANGERTHUIS_CACHE", str(tmp_path))
    results = _results(two_runs)
    a = cache.variant_record("A", Levers(), ["small"], {n: tuple(r) for n, r in results.items()})
    back = cache.variant_runs(json.loads(json.dumps(a, default=str)))
    for n, r in results.items():
        pd.testing.assert_frame_equal(back[n][3], r.spells, check_dtype=False)
        pd.testing.assert_frame_equal(back[n][4], r.yearly, check_dtype=False)
    # B: the same variant's run with levers against A's plain run, both saved; A vs B pairs them with a ledger
    base, name = list(results)
    rec_a = cache.variant_record("plain", Levers(), ["small"], {base: tuple(results[base])})
    rec_b = cache.variant_record("levers", Levers(), ["small"], {name: tuple(results[name])})
    d = numbers.ab_data(json.loads(json.dumps(rec_a, default=str)), json.loads(json.dumps(rec_b, default=str)))
    assert d["paired"] and d["ledger"] is not None
    direct = numbers.ledger_of(results, [base, name], d["window"])
    assert np.allclose(d["ledger"]["summary"].npv_mean, direct["summary"].npv_mean)
    assert "months_at_home_km" in set(d["outcomes"].indicator)
    assert room.ledger_difference_png(d["ledger"]["summary"], "en")[:4] == b"\x89PNG"
    assert room.difference_png(d["table"], ["unmet_need_share", "wmo_waiting_per_1000"], "A", "nl")[:4] == b"\x89PNG"


def test_access_route_and_budget_levers_write_the_scenarios_blocks():
    import sim.workshop.appcache as cache
    from sim.model.parameters import make_params
    small = load_scenario(ROOT / "scenarios" / "small.yaml")
    assert apply_levers(small, Levers())["_hash"] == small["_hash"]        # the defaults change nothing
    team = apply_levers(small, Levers(access_route="neighbourhood_team", team_mandate=False, budget_cut=0.25,
                                      budget_from_year=2016))
    assert team["name"] == "small + levers"
    assert team["access"]["route"] == "neighbourhood_team" and team["access"]["team_mandate"] is False
    assert team["budget"]["cut"] == 0.25 and team["budget"]["from_year"] == 2016
    # a budget year before the route starts is moved to the route's first year (as the start-year lever is)
    early = apply_levers(small, Levers(access_route="kitchen_table", budget_cut=0.1, budget_from_year=2011))
    assert early["budget"]["from_year"] == early["access"]["from_year"] == 2015
    # the cost preview: the route's running cost a year, paid by its payer
    cost, = cache.lever_costs(small, Levers(access_route="neighbourhood_team"))
    assert cost["type"] == "access_route" and cost["payer"] == "municipality"
    assert cost["yearly"] == make_params().access_cost_neighbourhood_team * small["municipality"]["inhabitants"]
    assert cost["yearly"] > cache.lever_costs(small, Levers(access_route="intake_voucher"))[0]["yearly"]
    assert cache.lever_costs(small, Levers(budget_cut=0.2)) == []         # a budget costs nothing to run
    # the scenario's own rules still apply: an unknown route is the usual one-line error
    with pytest.raises(InputError) as err:
        apply_levers(small, Levers(access_route="desk"))
    assert "\n" not in str(err.value) and "access.route" in str(err.value)


def test_every_party_of_the_ledger_has_its_colour():
    """The six parties of sim.analysis.ledger each have a colour of their own (tests/test_labels.py checks all
    of PARTY_COLOURS under simulated deuteranopia and protanopia)."""
    from sim.analysis.ledger import PARTIES
    from sim.workshop.labels import PARTY_COLOURS
    assert list(PARTY_COLOURS) == list(PARTIES) or set(PARTY_COLOURS) == set(PARTIES)
    assert len(set(PARTY_COLOURS.values())) == len(PARTIES)


# ---- in the browser: one app server and one browser for the module ------------------------------------

ROUTE_TEAM = "neighbourhood team (wijkteam)"


def _tooltip(page, selector, expected):
    """Hover ``selector`` and wait for a visible tooltip whose text contains ``expected``."""
    page.mouse.move(0, 0)
    page.locator(selector).first.hover()
    tip = page.locator(".v-tooltip__content.menuable__content__active", has_text=expected)
    tip.first.wait_for(state="visible", timeout=10_000)
    return tip.first.inner_text()


def test_reload_shows_the_last_results_and_side_panel_with_the_ledger(app_server, browser):
    page = _page(browser, app_server["url"])
    _tick(page, "baseline", False)
    _tick(page, "small")
    _slide(page, "replicates", "ArrowLeft")                        # 2 replicates
    _choose(page, ".lt-lever-route", text=ROUTE_TEAM)
    page.wait_for_function("/running cost of the/.test(document.querySelector('.lt-cost').innerText)")
    assert "€ 300,000 a year" in page.inner_text(".lt-cost")       # EUR 15 x 20,000 inhabitants, before running
    page.locator(".lt-variant-name input").fill("reload me")
    _run_and_wait(page)
    page.wait_for_function("(document.querySelector('img.lt-ledger') || {}).naturalWidth > 0")
    ledger = page.inner_text(".lt-ledger-card")                   # six parties, NPV, break-even, split incentive
    for party in ("municipality (Wmo)", "care office (Wlz)", "health insurer (Zvw)", "housing association",
                  "clients", "informal carers (hours valued)"):
        assert party in ledger
    assert "Split incentive in small + levers" in ledger and "2 replicates" in ledger
    months = page.inner_text(".lt-headline-card")
    assert "Kaplan-Meier" in months

    # the address follows the shown variant (beside the side panel's settings, sim/workshop/app/address.py)
    page.wait_for_url(re.compile(r"[?&]variant=reload-me(&|$)"), timeout=30_000)
    page.reload()                                                 # a new session: the address keeps the view
    page.wait_for_function("(document.querySelector('img.lt-map') || {}).naturalWidth > 0", timeout=60_000)
    assert "reload me" in page.inner_text(".lt-shown-variant")
    assert ROUTE_TEAM in page.inner_text(".lt-lever-route")         # the side panel as it was
    assert "replicates (runs per scenario): 2" in page.inner_text(".lt-lever-replicates")
    assert page.locator(".lt-scenario-small input").is_checked()
    assert not page.locator(".lt-scenario-baseline input").is_checked()
    assert page.locator(".lt-stale").count() == 0                   # the panel matches what is shown
    page.close()


def test_a_vs_b_shows_the_paired_differences_and_the_ledger_difference(app_server, browser):
    page = _page(browser, app_server["url"])
    _tick(page, "baseline", False)
    _tick(page, "small")
    _slide(page, "replicates", "ArrowLeft")
    _choose(page, ".lt-lever-route", text=ROUTE_TEAM)
    _slide(page, "team", "End")                                   # group B: the team plus 100 nursing hours
    page.locator(".lt-variant-name input").fill("group B")
    _run_and_wait(page)
    page.wait_for_selector("text=shown: group B")
    _choose(page, ".lt-ab-a", text="reload me")
    _choose(page, ".lt-ab-b", text="group B")
    for cls in ("lt-ab-diff", "lt-ab-ledger"):
        page.wait_for_function(f"(document.querySelector('img.{cls}') || {{}}).naturalWidth > 0", timeout=60_000)
    assert "health insurer (Zvw)" in page.inner_text(".lt-ab-ledger-table")
    assert "not paired" not in page.inner_text(".lt-variants-card")
    with page.expect_download(timeout=30_000) as download:      # exported as one file (imported below)
        page.locator(".lt-variants-card").get_by_text("export this variant").click()
    EXPORTED["group B"] = Path(download.value.path()).read_text()
    page.close()


EXPORTED = {}


def test_an_exported_variant_imports_in_a_fresh_session_with_its_levers(app_server, browser, tmp_path):
    assert "group B" in EXPORTED, "the A-vs-B test exports the variant this test imports"
    record = json.loads(EXPORTED["group B"])
    assert record["levers"]["care_team_hours"] == 100 and record["levers"]["access_route"] == "neighbourhood_team"
    record["name"] = "group B from another laptop"                # not yet on this server
    upload = tmp_path / "group_b.json"
    upload.write_text(json.dumps(record), encoding="utf-8")

    page = _page(browser, app_server["url"])                       # a new browser context: a fresh session
    assert page.locator("img.lt-map").count() == 0
    zone = page.locator(".solara-file-drop").bounding_box()
    cdp = page.context.new_cdp_session(page)                       # a real drop of a file, as a hand would do
    for kind in ("dragEnter", "dragOver", "drop"):
        cdp.send("Input.dispatchDragEvent", {"type": kind, "x": zone["x"] + zone["width"] / 2,
                                             "y": zone["y"] + zone["height"] / 2,
                                             "data": {"items": [], "files": [str(upload)], "dragOperationsMask": 1}})
    page.wait_for_selector("text=shown: group B from another laptop", timeout=120_000)
    page.wait_for_function("(document.querySelector('img.lt-map') || {}).naturalWidth > 0", timeout=60_000)
    assert "100" in page.inner_text(".lt-lever-team") and ROUTE_TEAM in page.inner_text(".lt-lever-route")
    assert (app_server["cache"] / "variants" / "group-b-from-another-laptop.json").is_file()
    page.close()


def test_tooltips_say_what_a_lever_does_in_english_and_dutch(app_server, browser):
    page = _page(browser, app_server["url"])
    assert "Enschede" in _tooltip(page, ".lt-lever-route", "Neighbourhood team: generalists")
    assert "25 %" in _tooltip(page, ".lt-lever-budget_cut", "decentralisation")
    assert "EUR 75 an hour" in _tooltip(page, ".lt-lever-team", "wijkverpleging")
    page.get_by_text("Nederlands", exact=True).click()
    page.wait_for_selector("text=Scenario's")
    assert "Enschede" in _tooltip(page, ".lt-lever-route", "Wijkteam: generalisten")
    assert "decentralisatie" in _tooltip(page, ".lt-lever-budget_cut", "Wmo-budget")
    assert "mandaat" in _tooltip(page, ".lt-help-team_mandate", "Met mandaat")
    page.mouse.move(0, 0)                                          # and from the keyboard: focus shows it too
    page.wait_for_selector(".v-tooltip__content.menuable__content__active", state="detached", timeout=10_000)
    page.locator(".lt-lever-carer").focus()
    page.locator(".v-tooltip__content.menuable__content__active", has_text="Mantelzorgondersteuning").wait_for(
        timeout=10_000)
    page.close()
