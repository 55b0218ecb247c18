"""Every option of every control of the workshop app, in English and Dutch (headless Chromium). In its own file,
so that the test run can give it a worker of its own (pytest-xdist distributes whole files: --dist loadfile)."""
from __future__ import annotations

from test_app import (MENU, _choose, _close_menus, _enter, _every_option, _no_error_page, _page,  # noqa: F401
                      _run_and_wait, _slide, _tick, app_server)


def test_every_option_of_every_control_in_both_languages(app_server, browser):
    """Each control set to each of its options (sliders to both ends), in English and Dutch, and the result
    choices after a run (made in English, redrawn in Dutch), without an error page (the map colour
    'woonservicegebied completeness' used to replace the page)."""
    page = _page(browser, app_server["url"])
    for lang in ("English", "Nederlands"):
        page.get_by_text(lang, exact=True).click()
        page.wait_for_selector("text=Scenario's" if lang == "Nederlands" else "text=Scenarios")
        if page.locator("img.lt-map").count():                      # figures redrawn in the language
            page.wait_for_selector("text=Kaart van de buurten", timeout=180_000)
        for stem in ("baseline", "small", "small_wsg", "netherlands"):
            _tick(page, stem, True)
            _no_error_page(page, stem)
            _tick(page, stem, False)
        _tick(page, "small")
        _tick(page, "small_wsg")
        assert _every_option(page, ".lt-lever-where", 1 + 9 + 2) == 1 + 9 + 2  # centrum, nine districts, all, my list
        _choose(page, ".lt-lever-where", text="buurten die ik opgeef" if lang == "Nederlands" else "neighbourhoods I list")
        page.wait_for_selector(".lt-lever-cells input")
        _slide(page, "team", "ArrowRight")                          # 5 hours: something to place and pay
        _enter(page, ".lt-lever-cells input", "Noord 1; 0,0",
               "/2 neighbourhoods|2 buurten/.test((document.querySelector('.lt-cost') || {}).innerText)")
        assert "€" in page.inner_text(".lt-cost")                  # the cost before running
        _enter(page, ".lt-lever-cells input", "1;2", "document.querySelector('.lt-cost-error') !== null")
        assert "\n" not in page.inner_text(".lt-cost-error").strip()
        _no_error_page(page, "bad cells")
        _slide(page, "team", "Home")
        _choose(page, ".lt-lever-where", text="centrum")
        for box in (".lt-help-move label", ".lt-help-plain_too label"):
            page.locator(box).click()
            _no_error_page(page, box)
            page.locator(box).click()
        for name in ("start_year", "dwellings", "team", "carer", "replicates"):
            _slide(page, name, "End")
            _no_error_page(page, name)
            _slide(page, name, "Home")
            _no_error_page(page, name)
        page.wait_for_selector(".lt-one-replicate")                 # 1 replicate: intervals collapse, say so
        assert _every_option(page, ".lt-lever-alarm") == 6
        _choose(page, ".lt-lever-alarm", 0)
        assert _every_option(page, ".lt-lever-route") == 1 + 4      # as in the scenario, the four routes
        _choose(page, ".lt-lever-route", 0)
        page.locator(".lt-help-team_mandate label").click()
        _no_error_page(page, "team mandate")
        page.locator(".lt-help-team_mandate label").click()
        for name in ("budget_cut", "budget_from_year"):
            _slide(page, name, "End")
            _no_error_page(page, name)
            _slide(page, name, "Home")
        if lang == "English":   # one run: in Dutch the same results are redrawn, and their choices are Dutch
            page.locator(".lt-variant-name input").fill(f"every option {lang}")
            _slide(page, "replicates", "ArrowRight")                # 2 replicates
            _run_and_wait(page)
        for container in (".lt-map-value", ".lt-base"):
            _every_option(page, container)
        page.locator(".lt-series-choice .v-select__slot").click()
        items = page.locator(MENU).last.locator(".v-list-item")
        for i in [i for i in range(items.count()) for _ in (0, 1)]:  # each on and off: back to the four
            before = items.nth(i).get_attribute("aria-selected")
            items.nth(i).click(timeout=60_000)
            # the page redraws its figures after each choice: wait until the choice shows (no fixed sleep)
            page.wait_for_function(
                "([menu, i, before]) => { const m = document.querySelectorAll(menu); const item = m.length && "
                "m[m.length - 1].querySelectorAll('.v-list-item')[i]; "
                "return !!item && item.getAttribute('aria-selected') !== before; }",
                arg=[MENU, i, before], timeout=60_000)
        _close_menus(page)
        _no_error_page(page, "indicators")
        page.click(".lt-panel-toggle")                              # the side panel hides and comes back
        page.wait_for_selector(".lt-side", state="detached")
        page.click(".lt-panel-toggle")
        page.wait_for_selector(".lt-side")
        _no_error_page(page, "panel")
    assert page.outside == []
    page.close()
