"""A workshop day in the room (issue 27), in headless Chromium at 1024 x 768, in Dutch: the three questions end to
end, a reload in the middle of a run that comes back with the same levers, name, language and run, and the
handout whose numbers are the comparison's. The questions' scenarios are the project's, on small.yaml's town
(20,000 inhabitants, 2010-2020) so that the test takes minutes, not hours. No fixed sleeps: every wait is
for a condition."""
from __future__ import annotations

import re
import shutil
from pathlib import Path

import pandas as pd
import pytest

from conftest import ROOT
from test_app import SMALL_MUNICIPALITY, _image_sizes, _page, _slide, served_app

QUESTION_FILES = ("no_reform", "wsg_full", "carer_support", "wmo_cut_25", "access_neighbourhood_team",
                  "access_intake_voucher")


@pytest.fixture(scope="module")
def workshop_server(tmp_path_factory):
    """`langerthuis app` on the questions' scenarios with small.yaml's town as their baseline, a fresh cache."""
    tmp = tmp_path_factory.mktemp("workshop")
    scenarios = tmp / "scenarios"
    scenarios.mkdir()
    for stem in QUESTION_FILES:                  # each `extends: baseline.yaml`: the small town below
        shutil.copy(ROOT / "scenarios" / f"{stem}.yaml", scenarios)
    (scenarios / "baseline.yaml").write_text(f"extends: {ROOT / 'scenarios' / 'small.yaml'}\nname: baseline\n"
                                             "description: \"the reform as enacted, in a small town\"\n")
    with served_app(scenarios, tmp) as server:
        yield server


def _ask(page, letter: str, headline: str, *more: str):
    """Press a question and wait for its answer (at once when the app computed it at the start): the headline,
    then the ``more`` headlines of its other scenarios (drawn after the first)."""
    page.click(f".lt-ask-{letter}")
    page.wait_for_function(f"document.querySelector('.lt-ready') !== null && "
                           f"document.body.innerText.includes({headline!r})", timeout=300_000)
    for line in more:
        page.wait_for_function(f"document.body.innerText.includes({line!r})", timeout=120_000)


def _variants(cache: Path) -> set:
    return {p.name for p in (cache / "variants").glob("*.json")}


def test_three_workshop_tasks_in_dutch_at_1024_with_a_reload_mid_run_and_the_handout(workshop_server, browser,
                                                                                     tmp_path):
    page = _page(browser, workshop_server["url"], 1024, 768)
    page.get_by_text("Nederlands", exact=True).click()
    page.wait_for_url(lambda u: "lang=en" not in u)                      # Dutch is the default: no lang= left
    assert page.locator(".lt-run").inner_text().strip().lower() == "doorrekenen"

    # (A) the reform against no reform: the signs read as the reform's effect
    _ask(page, "A", "baseline tegenover no_reform")
    assert "no_reform tegenover baseline" not in page.inner_text("body")
    page.wait_for_url(re.compile(r"s=no_reform%2Cbaseline.*base=no_reform|base=no_reform.*s=no_reform%2Cbaseline"))
    page.screenshot(path=str(tmp_path / "task_a_1024.png"))

    # (B) a group's name, the question, then the group changes a lever and reloads in the middle of its run
    page.locator(".lt-variant-name input").fill("groep 1")
    page.locator(".lt-variant-name input").press("Enter")
    page.wait_for_url(re.compile(r"name=groep\+1"))
    before = _variants(workshop_server["cache"])
    _ask(page, "B", "carer_support tegenover baseline", "wsg_full + levers tegenover baseline")
    page.wait_for_selector("text=getoond: groep 1")
    saved = _variants(workshop_server["cache"])
    assert len(saved) == len(before) + 1
    _ask(page, "B", "carer_support tegenover baseline")                  # the same inputs again: no copy
    page.wait_for_selector("text=klaar (uit de cache)")
    assert _variants(workshop_server["cache"]) == saved
    assert "groep 1" in page.inner_text(".lt-groups")                      # variants listed per group

    _slide(page, "team", "ArrowRight")                                   # 5 extra hours a neighbourhood
    _slide(page, "replicates", "End")                                     # 20 replicates: a run to reload in
    page.wait_for_url(re.compile(r"hours=5.*reps=20|reps=20.*hours=5"))
    page.click(".lt-run")
    page.wait_for_function("/gesimuleerde jaren/.test(document.querySelector('.lt-status').innerText)",
                           timeout=120_000)
    page.wait_for_url(re.compile(r"[?&]run=\w+"))                        # the run in progress is in the address
    page.reload()                      # the shown variant's figures are drawn while the run goes on: allow time
    page.wait_for_selector(".lt-run", timeout=240_000)
    assert page.locator(".lt-run").inner_text().strip().lower() == "doorrekenen"          # the language
    assert page.locator(".lt-variant-name input").input_value() == "groep 1"              # the name
    assert ": 5" in page.inner_text(".lt-lever-team") and ": 20" in page.inner_text(".lt-lever-replicates")
    for stem in ("baseline", "wsg_full", "carer_support"):                               # the ticks
        assert page.locator(f".lt-scenario-{stem} input").is_checked(), stem
    assert not page.locator(".lt-scenario-no_reform input").is_checked()
    # the run: attached again (its progress), then its results under the group's name
    page.wait_for_function("document.querySelector('.lt-progress .v-progress-linear') !== null || "
                           "document.querySelector('.lt-ready') !== null", timeout=60_000)
    page.wait_for_function("document.querySelector('.lt-ready') !== null && "
                           "/getoond: groep 1/.test(document.body.innerText)", timeout=600_000)
    assert "wsg_full + levers tegenover baseline" in page.inner_text("body")
    assert "carer_support + levers tegenover baseline" in page.inner_text("body")

    # (C) neighbourhood team or intake desk under the 25 % cut, and its handout
    _ask(page, "C", "access_neighbourhood_team tegenover wmo_cut_25", "access_intake_voucher tegenover wmo_cut_25")
    page.click(".lt-handout-make")
    page.wait_for_selector(".lt-handout-download", timeout=600_000)
    with page.expect_download(timeout=60_000) as download:
        page.locator(".lt-handout-download").get_by_text("hand-out").click()
    html = Path(download.value.path()).read_text(encoding="utf-8")
    with page.expect_download(timeout=60_000) as download:
        page.locator(".lt-handout-csv").get_by_text("comparison.csv").click()
    table = pd.read_csv(download.value.path())
    _handout_has_the_comparisons_numbers(html, table)

    # readable from the back of the room: 18 px text, no banner over the figures
    size = page.evaluate("parseFloat(getComputedStyle(document.querySelector('.lt-main')).fontSize)")
    assert size >= 18
    from sim.workshop.figures.projector import FONT
    for cls in ("lt-series", "lt-ledger"):                                # with the side panel open
        natural, shown = _image_sizes(page, cls)[0]
        assert (FONT - 3) * 100 / 72 * shown / natural >= 14, (cls, natural, shown)    # tick labels on screen
    assert "runs on Solara" not in page.inner_text("body")
    # the one money table (the report's) fits beside the open panel: no sideways scroll, every column on screen
    page.locator(".lt-ledger-card").scroll_into_view_if_needed()
    assert page.locator(".lt-ledger-card table.lt-money").count() == 2             # a table per scenario
    wide = page.evaluate("Array.from(document.querySelectorAll('.lt-ledger-card .lt-table-wrap')).map("
                         "w => [w.scrollWidth, w.clientWidth, w.getBoundingClientRect().right])")
    assert wide and all(scroll <= client + 1 and right <= 1024 for scroll, client, right in wide), wide
    assert "positief = de partij is beter af" in page.inner_text(".lt-ledger-card")
    assert "Waarom, per partij" in page.inner_text(".lt-ledger-card")             # a sentence per party
    page.screenshot(path=str(tmp_path / "task_c_ledger_1024.png"))

    # (B) again on a municipality of CBS: the questions run on its wijken, the area card names the wijk
    from sim.model.municipality_layout import place
    wijken = place(SMALL_MUNICIPALITY).table()
    main = wijken.name.iloc[int(wijken.inhabitants_65plus.to_numpy().argmax())]
    page.locator(".lt-municipality input[type=text]").fill("Tersch")                    # typed to find among 342
    page.locator(".v-menu__content.menuable__content__active .v-list-item",
                 has_text=f"Terschelling ({SMALL_MUNICIPALITY})").click()
    page.wait_for_url(re.compile(f"gm={SMALL_MUNICIPALITY}"))
    _ask(page, "B", "carer_support tegenover baseline", "wsg_full + levers tegenover baseline")
    page.wait_for_function(f"/{main}/.test((document.querySelector('.lt-area-card') || {{}}).innerText || '')",
                           timeout=120_000)
    assert page.locator(".lt-lever-cells input").input_value() == main              # the place by its wijk name
    # the scenario files' descriptions speak of their own model town: the list says so once a municipality is chosen
    assert "Alle op de wijken van Terschelling" in page.locator(".lt-scenarios-on").inner_text()
    page.locator(".lt-area-card").scroll_into_view_if_needed()
    page.screenshot(path=str(tmp_path / "task_b_terschelling_1024.png"))
    print(f"screenshots: {tmp_path}")
    assert page.outside == []
    page.close()


def test_an_error_is_one_dutch_sentence_without_a_path(workshop_server, browser):
    """Neighbourhoods that are not on the map (from a link): Run answers in one Dutch sentence of the text table,
    no file path, no traceback; the same page in English says it in English."""
    for lang, words in (("nl", "liggen niet op de kaart"), ("en", "are not on the map")):
        page = _page(browser, workshop_server["url"], 1024, 768, lang=lang,
                     path="?s=baseline&where=cells&cells=9,9&hours=5")
        page.click(".lt-run")
        page.wait_for_selector(".lt-error", timeout=60_000)
        for shown in (page.inner_text(".lt-error"), page.inner_text(".lt-cost")):   # the run and the cost preview
            assert words in shown and "'9,9'" in shown, shown
            assert not re.search(r"\.ya?ml|/|expected|found|Traceback", shown), shown
        assert "Traceback" not in page.inner_text("body") and page.outside == []
        page.close()


def _handout_has_the_comparisons_numbers(html: str, table: pd.DataFrame):
    """Every scenario's mean and paired difference of the key outcomes, in the handout's Dutch format."""
    from sim.workshop.labels import fmt_value
    assert "lang=\"nl\"" in html or "Samenvatting" in html or "samenvatting" in html
    base = table.scenario.iloc[0]
    key = table[table.outcome.isin(["months_at_home_km", "unmet_need_share"])]
    assert len(key) >= 6 and set(key.scenario) == {base, "access_neighbourhood_team", "access_intake_voucher"}
    for row in key.itertuples():
        assert fmt_value(row.outcome, row.mean, "nl") in html, (row.scenario, row.outcome, row.mean)
        if row.scenario != base:
            assert fmt_value(row.outcome, row.diff_mean, "nl") in html, (row.scenario, row.outcome, row.diff_mean)
