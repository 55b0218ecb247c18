"""The workshop app: its levers and cache (no browser), then `langerthuis app` driven in headless Chromium."""
from __future__ import annotations

import json
import contextlib
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
import yaml

from sim.workshop.appcache import Levers, apply_levers, parse_cells
from sim.workshop.outcomes import costs_by_payer
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
    # priced as wsg_full.yaml: per dwelling, the capital spread over 30 years (not a one-off booked in one year)
    assert dwellings["cost"]["one_off_per_unit"] * 5 * 2 == 5 * 2 * 25_000 and dwellings["cost"]["lifetime_years"] == 30
    assert dwellings["cost"]["payer"] == "housing_association"


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


def test_lever_costs_are_shown_before_running_and_are_what_the_run_pays(tmp_path):
    """The preview's euros are the investments the run gets: lever_costs reads them from apply_levers."""
    import sim.workshop.appcache as cache
    from sim.model.parameters import make_params
    small = load_scenario(ROOT / "scenarios" / "small.yaml")
    levers = Levers(where="cells", cells="0,0; 1,0; 2,0", adapted_dwellings=2, care_team_hours=10, carer_support=0.5)
    costs = {c["type"]: c for c in cache.lever_costs(small, levers)}
    assert costs["adapted_dwellings"] == {"type": "adapted_dwellings", "payer": "housing_association", "cells": 3,
                                          "one_off": 2 * 3 * cache.DWELLING_COST, "yearly": 0.0, "by_use": 0.0}
    # team hours are billed by use (at tariff, in the care insurer's care line), never also as an investment
    assert costs["care_team_hours"]["yearly"] == 0 and costs["care_team_hours"]["one_off"] == 0
    assert costs["care_team_hours"]["by_use"] == 10 * 12 * 3 * make_params().tariff_nursing_hour
    assert costs["carer_support"]["payer"] == "municipality"
    assert cache.lever_costs(small, Levers()) == []


def test_party_costs_in_euros_of_the_whole_municipality_over_one_window(tmp_path, monkeypatch):
    """Each party's yearly euros: its care (per inhabitant x inhabitants) plus its investments, over the window;
    the lever's investment lands with its payer, and only from its start year."""
    import sim.workshop.appcache as cache
    from sim.workshop import outcomes
    monkeypatch.setenv("LANGERTHUIS_CACHE", str(tmp_path))
    small = apply_levers(load_scenario(ROOT / "scenarios" / "small.yaml"), Levers(replicates=1))
    more = apply_levers(small, Levers(where="centrum", care_team_hours=50, start_year=2018, replicates=1))
    tables = {s["name"]: cache.run_cached(s)[0] for s in (small, more)}
    import pandas as pd
    table = pd.concat(tables.values(), ignore_index=True)
    scenarios = {small["name"]: small, more["name"]: more}
    assert outcomes.result_window(scenarios) == (2018, 2020)
    costs = outcomes.party_costs(table, scenarios, (2018, 2020)).set_index(["scenario", "payer"]).eur
    inv = next(i for i in more["investments"] if i["type"] == "care_team_hours")["cost"]["yearly"]
    w = table[(table.scenario == "small") & table.year.between(2018, 2020)].pivot(index="year", columns="indicator",
                                                                                   values="value")
    assert costs["small", "municipality"] == pytest.approx((w.cost_wmo_per_capita * w.inhabitants).mean())
    assert costs["small", "housing_association"] == 0
    w2 = table[(table.scenario == more["name"]) & table.year.between(2018, 2020)].pivot(
        index="year", columns="indicator", values="value")
    assert costs[more["name"], "care_insurer"] == pytest.approx((w2.cost_zvw_per_capita * w2.inhabitants).mean() + inv)
    before = outcomes.party_costs(table, scenarios, (2010, 2017)).set_index(["scenario", "payer"]).eur
    w3 = table[(table.scenario == more["name"]) & table.year.between(2010, 2017)].pivot(
        index="year", columns="indicator", values="value")
    assert before[more["name"], "care_insurer"] == pytest.approx((w3.cost_zvw_per_capita * w3.inhabitants).mean())
    s = outcomes.party_summary(outcomes.party_costs(table, scenarios, (2018, 2020)), "small").set_index(["scenario", "payer"])
    assert s.loc[(more["name"], "care_insurer"), "diff_mean"] == pytest.approx(
        costs[more["name"], "care_insurer"] - costs["small", "care_insurer"])


def test_variants_are_saved_atomically_listed_and_checked(tmp_path, monkeypatch):
    import json
    import pandas as pd
    import sim.workshop.appcache as cache
    monkeypatch.setenv("LANGERTHUIS_CACHE", str(tmp_path))
    s = load_scenario(ROOT / "scenarios" / "small.yaml")
    table = pd.DataFrame({"scenario": ["small"], "replicate": [0], "year": [2010], "indicator": ["x"], "value": [1.5]})
    cells = pd.DataFrame({"x": [0], "y": [0], "wsg": [0.0]})
    record = cache.variant_record("Group A: 40 h", Levers(care_team_hours=40), ["small"], {"small": (s, table, cells)})
    path = cache.save_variant(record)
    assert path.name == "group-a-40-h.json" and [p.name for p in path.parent.iterdir()] == [path.name]
    back = cache.load_variant("group-a-40-h")
    assert back["levers"]["care_team_hours"] == 40 and back["seed"] == s["seed"]
    (scen, t2, c2), = cache.variant_results(back).values()
    assert t2.equals(table) and c2.equals(cells) and scen["name"] == "small"
    assert [v["name"] for v in cache.list_variants()] == ["Group A: 40 h"]
    (path.parent / "broken.json").write_text("{")
    assert [v["name"] for v in cache.list_variants()] == ["Group A: 40 h"]     # a damaged file is skipped
    for bad in ({"format": "other"}, dict(record, levers={"nope": 1}), [1, 2]):
        with pytest.raises(InputError) as err:
            cache.check_variant(json.loads(json.dumps(bad)), "upload.json")
        assert "\n" not in str(err.value) and str(err.value).startswith("upload.json: ")
    with pytest.raises(InputError):
        cache.load_variant("missing")


def test_every_figure_draws_for_every_choice_in_both_languages(tmp_path, monkeypatch):
    """Every map colour (woonservicegebied completeness selected its column twice and crashed the page), the
    figures with one and with eight scenarios."""
    import numpy as np
    import pandas as pd
    import sim.workshop.appcache as cache
    from sim.workshop import outcomes
    from sim.workshop.app.choices import MAP_VALUES
    from sim.workshop.app.numbers import Result, window_outcomes
    from sim.workshop.app.tables import outcomes_html
    from sim.workshop.figures.maps import map_png
    from sim.workshop.figures.room import difference_png, parties_png, series_png
    monkeypatch.setenv("LANGERTHUIS_CACHE", str(tmp_path))
    s = apply_levers(load_scenario(ROOT / "scenarios" / "small.yaml"), Levers(replicates=1))
    table, cells = cache.run_cached(dict(s, end_year=2012, _hash=s["_hash"] + "-short"))
    many = {f"s{i}": Result(s, table.assign(scenario=f"s{i}"), cells) for i in range(8)}
    for lang, n in (("en", 8), ("nl", 2)):
        some = dict(list(many.items())[:n])
        for value in MAP_VALUES:
            assert map_png(some, value, lang)[:4] == b"\x89PNG"
        t8 = pd.concat([r.table for r in some.values()], ignore_index=True)
        assert series_png(t8, list(outcomes.KEY_INDICATORS[:4]), lang)[:4] == b"\x89PNG"
        assert difference_png(t8, ["unmet_need_share"], "s0", lang)[:4] == b"\x89PNG"
        costs = outcomes.party_costs(t8, {name: s for name in some}, (2010, 2012))
        assert parties_png(outcomes.party_summary(costs, "s0"), "s0", lang)[:4] == b"\x89PNG"
        out = window_outcomes(t8, "s0", (2010, 2012))
        assert np.isfinite(out["mean"]).all() and "<table" in outcomes_html(out, lang)


def test_default_scenarios_and_the_warm_up_run():
    """Without --scenarios the app offers the project's scenarios/; the start-up run (small.yaml) leaves the
    model's Numba functions compiled (or loaded from Numba's cache), so that a run after it compiles nothing."""
    import sys

    from numba.core.dispatcher import Dispatcher

    import sim.workshop.appcache as cache

    assert {"baseline", "small", "wsg_full"} <= set(cache.list_scenarios())

    def compiled() -> dict:
        """Every jitted function of the model that is loaded: how many signatures it has compiled."""
        return {f"{m.__name__}.{name}": len(f.signatures) for m in list(sys.modules.values())
                if getattr(m, "__name__", "").startswith("sim.model") for name, f in vars(m).items()
                if isinstance(f, Dispatcher)}
    cache.warm_up()
    warm = compiled()
    assert sum(warm.values()) > 0                   # the warm-up ran the compiled kernel
    cache.warm_up()
    assert compiled() == warm                       # a second run compiles nothing new


def test_dutch_csv_for_a_dutch_excel():
    import pandas as pd
    from sim.workshop.app.tables import csv_text
    frame = pd.DataFrame({"scenario": ["a"], "year": [2016], "value": [1234.5]})
    assert csv_text(frame, "en") == "scenario,year,value\na,2016,1234.5\n"
    assert csv_text(frame, "nl") == "scenario;jaar;waarde\na;2016;1234,5\n"


def test_the_side_panel_in_the_address_round_trips():
    """Every panel value that differs from its default goes into the query string and comes back with its type;
    a bad value or an unknown key leaves the default."""
    os.environ.setdefault("LANGERTHUIS_NO_WARMUP", "1")
    from sim.workshop.app.address import DEFAULTS, decode, encode
    values = dict(DEFAULTS, lang="nl", s=["no_reform", "baseline"], hours=40, carer=0.3, move=False, reps=5,
                  name="groep 1", base="no_reform", meet=1, gm="GM0093")
    query = encode(dict(values, variant="groep-1", run="abc"))
    assert "variant=groep-1" in query and "run=abc" in query and "dw=" not in query     # defaults left out
    assert decode(query) == {k: v for k, v in values.items() if v != DEFAULTS[k]}
    assert decode("lang=fr&hours=many&nonsense=1&reps=4") == {"reps": 4}


def test_questions_have_the_right_base_and_runs_are_kept_by_their_inputs(tmp_path, monkeypatch):
    """(A) the reform against no_reform; (B) wsg_full moved to one neighbourhood and carer support, against the
    baseline; (C) the two routes against the cut. The server keeps a run under its inputs: the same inputs give
    the same job (a reload attaches to it), other replicates another."""
    os.environ.setdefault("LANGERTHUIS_NO_WARMUP", "1")
    from sim.workshop.app import jobs, questions
    from sim.workshop.appcache import list_scenarios
    files = list_scenarios(ROOT / "scenarios")
    a, b, c = (questions.question(q, files, 3) for q in questions.QUESTIONS)
    assert a["chosen"][0] == a["base"] == "no_reform" and a["chosen"][1] == "baseline"
    assert b["base"] == "baseline" and b["levers"].where == "cells" and len(parse_cells(b["levers"].cells)) == 1
    assert c["base"] == "wmo_cut_25" and set(c["chosen"][1:]) == {"access_neighbourhood_team", "access_intake_voucher"}
    runs = jobs.jobs_for(files, b["chosen"], b["levers"], b["plain_too"])
    assert list(runs) == ["baseline", "wsg_full + levers", "carer_support"]
    moved = runs["wsg_full + levers"]["investments"]
    assert all(inv["cells"] == parse_cells(b["levers"].cells) for inv in moved)
    assert len({s["seed"] for s in runs.values()}) == 1
    assert questions.question("reform", {"baseline": files["baseline"]}, 3) is None   # its files are missing

    monkeypatch.setattr(jobs, "_run", lambda job, wait_for: None)      # no model run: only the bookkeeping
    scenarios = list(runs.values())
    first = jobs.start(scenarios)
    assert jobs.start(scenarios) is first and jobs.find(first.key) is first
    other = list(jobs.jobs_for(files, b["chosen"], Levers(**{**b["levers"].__dict__, "replicates": 2}), False).values())
    assert jobs.run_key(other) != first.key
    first.error = jobs.Cancelled()                                     # a cancelled run is started afresh
    assert jobs.start(scenarios) is not first


# a small municipality keeps the tests fast: Terschelling, 7 wijken, about 4,600 inhabitants in 2010 (CBS KWB 2024)
SMALL_MUNICIPALITY = "GM0093"


def test_the_questions_run_on_the_chosen_municipality_and_its_wijken(monkeypatch):
    """A municipality of CBS (the loader's, LANGERTHUIS_CBS_DIR): every scenario of a question on its wijken,
    the scenario's area in the wijk with the most people 65+, named by the wijk's name; another municipality
    is another run (cached per municipality); the panel lists the municipalities the loader knows."""
    os.environ.setdefault("LANGERTHUIS_NO_WARMUP", "1")
    from sim.model.municipality_layout import place
    from sim.workshop.app import jobs, questions, state
    from sim.workshop.appcache import cache_key, list_scenarios
    from sim.workshop.labels import cell_names
    files = list_scenarios(ROOT / "scenarios")
    wijken = place(SMALL_MUNICIPALITY).table()
    b = questions.question("wsg_or_carers", files, 3, SMALL_MUNICIPALITY)
    runs = jobs.jobs_for(files, b["chosen"], b["levers"], b["plain_too"])
    main = int(wijken.inhabitants_65plus.to_numpy().argmax())
    for s in runs.values():
        assert s["municipality"]["code"] == SMALL_MUNICIPALITY and s["municipality"]["grid"] == {
            "width": len(wijken), "height": 1}
    assert all(inv["cells"] == [[main, 0]] for inv in runs["wsg_full + levers"]["investments"])
    assert b["cells_text"] == wijken.name.iloc[main] == cell_names(runs["baseline"])[(main, 0)]
    town = jobs.jobs_for(files, b["chosen"], Levers(**{**b["levers"].__dict__, "municipality": ""}), False)
    assert cache_key(town["baseline"]) != cache_key(runs["baseline"])
    assert town["baseline"]["municipality"].get("code") is None           # "": the scenarios' own town
    known = state.municipalities()
    assert known[SMALL_MUNICIPALITY] == "Terschelling" and known["GM0164"] == "Hengelo (O.)" and len(known) > 300
    hengelo = load_scenario(files["hengelo"])                              # `municipality: {code: GM0164}`
    assert jobs.on_municipality(hengelo, "GM0164") is hengelo and hengelo["municipality"]["name"] == "Hengelo (O.)"


def test_errors_are_one_sentence_for_the_room_without_paths():
    """Bad cells, a place the scenario lacks, a scenario gone from the folder, a failed run: one sentence of the
    text table, in Dutch or English, with no file path, no 'expected ..., found' and no traceback."""
    from sim.errors import ScenarioError
    from sim.workshop.app.errors import room_error
    small = load_scenario(ROOT / "scenarios" / "small.yaml")
    errors = []
    for levers in (Levers(where="cells", cells="1;2", care_team_hours=5),
                   Levers(where="cells", cells="9,9", care_team_hours=5), Levers(where="nowhere", care_team_hours=5)):
        with pytest.raises(InputError) as err:
            apply_levers(small, levers)
        errors.append(err.value)
    assert isinstance(errors[1], ScenarioError) and "small.yaml" in str(errors[1])       # the one-line error has it
    errors += [KeyError("wsg_full"), FileNotFoundError(2, "No such file", "/tmp/x/wsg_full.yaml"),
               RuntimeError("boom in /work/sim/model/x.py"), InputError("variant 'x': expected a saved variant")]
    for lang, words in (("nl", ("buurten", "buurten", "plek", "scenario", "scenario", "berekening", "variant")),
                        ("en", ("neighbourhoods", "neighbourhoods", "place", "scenario", "scenario", "run", "variant"))):
        for exc, word in zip(errors, words):
            sentence = room_error(exc, lang)
            assert word in sentence.lower() and "\n" not in sentence, (lang, exc, sentence)
            assert not re.search(r"\.ya?ml|\.py\b|/|expected|found|Traceback", sentence), (lang, exc, sentence)
    assert "'9,9'" in room_error(errors[1], "nl") and "'wsg_full'" in room_error(errors[3], "nl")


def test_the_effect_where_it_is_built_and_small_amounts_in_thousands():
    import pandas as pd
    from sim.workshop.app.numbers import Result, area_effect, investment_cells
    from sim.workshop.app.tables import eur_amount
    small = load_scenario(ROOT / "scenarios" / "small.yaml")
    built = apply_levers(small, Levers(where="cells", cells="0,0", meeting_place=1, replicates=2))
    assert investment_cells(built) == [(0, 0)] and investment_cells(small) == []

    def cells(falls_at_00):
        return pd.DataFrame([{"x": x, "y": y, "replicate": r, "hours_unmet": 1.0, "hours_needed": 10.0,
                              "falls": falls_at_00 if (x, y) == (0, 0) else 2, "residents_65plus": 100}
                             for r in (0, 1) for x in range(4) for y in range(4)])
    results = {"small": Result(small, None, cells(4)), built["name"]: Result(built, None, cells(1))}
    effect = area_effect(results, built["name"], "small")
    falls = next(r for r in effect["rows"] if r["indicator"] == "falls_per_1000_65plus")
    assert falls["area"] == (-30.0, -30.0, -30.0) and falls["town"][0] == pytest.approx(-3 * 1000 / 1600)
    assert effect["one_off"] == 4_625 and effect["yearly"] == 7_500                 # blocks.py's meeting place
    assert eur_amount(7_500, "nl") == "€ 7,5 duizend" and eur_amount(850_000, "nl") == "€ 850 duizend"
    assert eur_amount(2_500_000, "nl") == "€ 2,50 mln" and eur_amount(850_000, "en") == "€850 thousand"
    # the area card: a difference of shares in %-punt (as the headline and the report), never '0,0 %'
    from sim.workshop.app.tables import area_html
    shown = area_html(dict(effect, rows=[{"indicator": "unmet_need_share", "area": (-0.012, -0.02, -0.004),
                                          "town": (0.0, -0.001, 0.001)}]), "Noord 1", "nl")
    assert "-1,2 %-punt (-2,0 %-punt – -0,40 %-punt)" in shown and " % " not in shown


def test_the_workshop_scenario_list_leaves_out_test_scenarios(monkeypatch):
    os.environ.setdefault("LANGERTHUIS_NO_WARMUP", "1")
    from sim.workshop.app import state
    monkeypatch.delenv("LANGERTHUIS_SCENARIOS", raising=False)
    offered = state.scenario_files()
    assert "small" not in offered and {"baseline", "no_reform", "wsg_full", "wmo_cut_25"} <= set(offered)
    monkeypatch.setenv("LANGERTHUIS_SCENARIOS", str(ROOT / "scenarios"))     # a folder of one's own: all of it
    assert "small" in state.scenario_files()


# ---- the app in a browser, with no network but this computer ------------------------------------------

def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


OFFLINE = {"HTTP_PROXY": "http://127.0.0.1:9", "HTTPS_PROXY": "http://127.0.0.1:9", "NO_PROXY": "127.0.0.1,localhost",
           "http_proxy": "http://127.0.0.1:9", "https_proxy": "http://127.0.0.1:9", "no_proxy": "127.0.0.1,localhost"}


@contextlib.contextmanager
def served_app(scenarios, tmp):
    """`langerthuis app` on a free port with the scenario folder ``scenarios`` and a fresh cache in ``tmp``, no way
    out (OFFLINE); yields url, cache and log once the page answers, stops the server and its group after."""
    port = _free_port()
    log = open(tmp / "server.log", "w")
    env = dict(os.environ, **OFFLINE, NUMBA_NUM_THREADS="1")
    server = subprocess.Popen([sys.executable, "-m", "sim", "app", "--host", "127.0.0.1", "--port", str(port),
                               "--scenarios", str(scenarios), "--cache", str(tmp / "cache")],
                              stdout=log, stderr=subprocess.STDOUT, cwd=ROOT, start_new_session=True, env=env)
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + 120
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
        yield {"url": url, "cache": tmp / "cache", "log": tmp / "server.log"}
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


@pytest.fixture(scope="module")
def app_server(tmp_path_factory):
    """`langerthuis app` on a free port, with small scenarios (and netherlands.yaml, never run), an empty cache,
    and no way out: the server's own requests go to a proxy that does not exist (the page must come from pip)."""
    tmp = tmp_path_factory.mktemp("app")
    scenarios = tmp / "scenarios"
    scenarios.mkdir()
    for name in ("baseline.yaml", "small.yaml", "netherlands.yaml"):
        shutil.copy(ROOT / "scenarios" / name, scenarios)
    (scenarios / "small_wsg.yaml").write_text(SMALL_WSG.format(small="small.yaml"), encoding="utf-8")
    with served_app(scenarios, tmp) as server:
        yield server


@pytest.fixture(scope="module")
def app_url(app_server):
    return app_server["url"]


def _page(browser, url, width=1400, height=1000, path="", lang="en"):
    """A page whose every request off this computer is refused (and recorded in page.outside), in ``lang`` (the
    app opens in Dutch; these tests read its English texts unless they ask for Dutch)."""
    if "lang=" not in path and lang != "nl":
        path += ("&" if "?" in path else "?") + f"lang={lang}"
    page = browser.new_page(viewport={"width": width, "height": height}, accept_downloads=True)
    page.outside = []

    def route(r):
        if r.request.url.startswith(("http://127.0.0.1", "ws://127.0.0.1", "data:", "blob:")):
            r.continue_()
        else:
            page.outside.append(r.request.url)
            r.abort()
    page.route("**/*", route)
    page.set_default_timeout(30_000)
    page.goto(url + path, timeout=60_000)
    page.wait_for_selector(".lt-run", timeout=60_000)
    # until the kernel is warm the page says it is preparing and Run waits (issue 29): wait for it, not a time
    page.wait_for_selector(".lt-preparing", state="detached", timeout=300_000)
    return page


def _image_sizes(page, cls):
    return page.evaluate(f"Array.from(document.querySelectorAll('img.{cls}'))"
                         ".map(i => [i.naturalWidth, i.getBoundingClientRect().width])")


def _no_error_page(page, what=""):
    body = page.inner_text("body")
    assert "Traceback" not in body and page.locator(".lt-run").count() == 1, (what, body[-1500:])


def _tick(page, stem, on=True):
    box = page.locator(f".lt-scenario-{stem} input")
    if box.is_checked() != on:
        page.locator(f".lt-scenario-{stem} label").click()
        page.wait_for_function(f"document.querySelector('.lt-scenario-{stem} input').checked == {str(on).lower()}")


MENU = ".v-menu__content.menuable__content__active"   # an open select (a tooltip is menuable too)


def _close_menus(page):
    for _ in range(5):
        if not page.locator(MENU).count():
            return
        page.keyboard.press("Escape")
        page.wait_for_timeout(200)


def _choose(page, container, index=None, text=None):
    """Open the select inside ``container`` and click its option number ``index`` (or with ``text``);
    returns the number of options."""
    page.locator(f"{container} .v-select__slot").click()
    menu = page.locator(MENU).last.locator(".v-list-item")
    menu.first.wait_for()
    n = menu.count()
    for _ in range(30):          # a busy server may still be adding options (the list follows the ticked scenarios)
        page.wait_for_timeout(150)
        if menu.count() == n:
            break
        n = menu.count()
    item = menu.get_by_text(text, exact=True) if text is not None else menu.nth(index)
    item.click()
    page.wait_for_timeout(150)
    _close_menus(page)
    return n


def _every_option(page, container, expect=None):
    """Choose each option of a select in turn; returns their number. With ``expect``, a list still following a
    change a busy server has not drawn yet (a ticked scenario's areas) is opened again, a few times."""
    for _ in range(5):
        n = _choose(page, container, 0)
        if expect is None or n == expect:
            break
        page.wait_for_timeout(2000)
    for i in range(1, n):
        _choose(page, container, i)
        _no_error_page(page, f"{container} option {i}")
    return n


def _enter(page, selector, text, until):
    """Type ``text`` into a text field and press Enter until ``until`` holds (a busy server may re-render the
    field while it is typed into, which loses the text)."""
    for attempt in range(3):
        page.locator(selector).fill(text)
        page.keyboard.press("Enter")
        try:
            page.wait_for_function(until, timeout=30_000)
            return
        except Exception:
            if attempt == 2:
                raise


def _slide(page, name, key):
    # a busy server re-rendering the panel can show a lever's class on two sliders for a moment: wait for one
    page.wait_for_function(f"document.querySelectorAll('.lt-lever-{name} .v-slider__thumb-container').length == 1")
    page.locator(f".lt-lever-{name} .v-slider__thumb-container").focus()
    page.keyboard.press(key)
    page.wait_for_timeout(200)


def _run_and_wait(page, timeout=180_000):
    page.click(".lt-run")
    page.wait_for_function("document.querySelector('.lt-ready') !== null || document.querySelector('.lt-error')",
                           timeout=timeout)
    page.wait_for_function("(document.querySelector('img.lt-map') || {}).naturalWidth > 0", timeout=60_000)


def test_app_runs_scenarios_and_shows_results(app_server, browser, tmp_path):
    page = _page(browser, app_server["url"])
    _tick(page, "baseline", False)
    _tick(page, "small")
    _tick(page, "small_wsg")
    _slide(page, "replicates", "ArrowLeft")                  # 2 replicates
    page.click(".lt-run")
    page.wait_for_selector(".lt-progress .v-progress-linear", timeout=15_000)   # visible progress
    page.wait_for_function("/simulated years|compiling/.test(document.querySelector('.lt-status').innerText)")
    page.wait_for_selector(".lt-ready", timeout=180_000)
    assert page.inner_text(".lt-status").strip() == "ready"
    assert page.locator(".v-tab").count() == 0                  # the page alone: no Solara tabs of the app's modules

    for cls in ("lt-map", "lt-series", "lt-diff", "lt-ledger"):
        page.wait_for_function(f"(document.querySelector('img.{cls}') || {{}}).naturalWidth > 0")
        sizes = _image_sizes(page, cls)
        assert sizes and all(natural > 0 and shown > 0 for natural, shown in sizes), (cls, sizes)
    outcomes = page.inner_text(".lt-outcomes-card")
    assert "small_wsg" in outcomes and "–" in outcomes           # values with intervals
    headline = page.inner_text(".lt-headline-card")               # three large numbers with intervals
    # 2 runs: the spread of the runs, named as the report names it (labels.interval_name), never a 90 % interval;
    # the unmet need's difference and its bounds in percentage points
    assert "small_wsg against small" in headline and headline.count("range over 2 runs") == 3
    assert "90 % interval" not in headline
    assert re.search(r"range over 2 runs: [+-]?[\d.]+ pp – [+-]?[\d.]+ pp", headline), headline
    assert "million" in page.inner_text(".lt-ledger-card")       # the room's units

    # a table downloads as CSV, with the levers it was made with
    with page.expect_download(timeout=30_000) as download:
        page.locator(".lt-downloads").get_by_text("indicators.csv").click()
    csv = Path(download.value.path()).read_text()
    assert csv.startswith("scenario,replicate,year,indicator,value") and "small_wsg" in csv
    assert "lever_care_team_hours" in csv.splitlines()[0]

    # the same choices again: straight from the cache, no "running"
    page.click(".lt-run")
    page.wait_for_selector("text=ready (from the cache)", timeout=10_000)
    assert page.locator(".lt-progress .v-progress-linear").count() == 0

    # Dutch: labels, number formats, CSV for a Dutch Excel
    page.get_by_text("Nederlands", exact=True).click()
    page.wait_for_selector("text=Kaart van de buurten")
    assert "Wie betaalt" in page.inner_text(".lt-ledger-card") and "mln" in page.inner_text(".lt-ledger-card")
    assert page.inner_text(".lt-headline-card").count("spreiding over 2 runs") == 3
    assert page.locator(".lt-run").inner_text().strip().lower() == "doorrekenen"
    table = page.inner_text(".lt-outcomes-card")
    assert " %" in table and "Onvervulde zorgvraag" in table
    assert re.search(r"\d,\d", table) and not re.search(r"\d\.\d{1,2}\b(?!\d)", table.replace("1.000", ""))
    with page.expect_download(timeout=30_000) as download:
        page.locator(".lt-downloads").get_by_text("costs_by_party.csv").click()
    head, first = Path(download.value.path()).read_text().splitlines()[:2]
    assert head.startswith("scenario;betaler;gemiddelde") and re.search(r";\d+,\d+;", first)
    assert "herhalingen" in page.inner_text("body") and "replicaties" not in page.inner_text("body")
    assert page.outside == []                                      # nothing asked of the internet
    page.close()


def test_big_run_asks_first_with_a_time_estimate(app_server, browser):
    page = _page(browser, app_server["url"])
    _tick(page, "baseline", False)
    _tick(page, "netherlands")
    page.click(".lt-run")
    page.wait_for_selector(".lt-confirm")
    assert "minutes" in page.inner_text(".lt-confirm") and page.locator(".lt-progress .v-progress-linear").count() == 0
    page.close()


def test_cancel_stops_the_run_on_the_server(app_server, browser):
    page = _page(browser, app_server["url"])
    _tick(page, "baseline")                      # 100,000 inhabitants, 3 replicates: long enough to cancel
    page.click(".lt-run")
    page.wait_for_function("/simulated years/.test(document.querySelector('.lt-status').innerText)",
                           timeout=180_000)
    page.click(".lt-cancel")
    page.wait_for_selector(".lt-cancelled", timeout=60_000)
    assert page.locator(".lt-run").is_enabled()
    # no wait needed: the page says "cancelled" only once the server's run has ended (jobs.py: the watching
    # task raises the job's Cancelled after the job is done), so a run that went on would be in the cache now
    entries = [p for p in app_server["cache"].iterdir() if p.name != "variants"] if app_server["cache"].exists() else []
    names = [json.loads((p / "scenario.json").read_text())["name"] for p in entries if (p / "scenario.json").exists()]
    assert "baseline" not in names
    page.close()


def test_variants_survive_a_reload_open_from_a_link_and_compare_a_with_b(app_server, browser):
    page = _page(browser, app_server["url"])
    _tick(page, "baseline", False)
    _tick(page, "small")
    _slide(page, "replicates", "ArrowLeft")
    page.locator(".lt-variant-name input").fill("group A")
    _run_and_wait(page)
    _slide(page, "team", "End")                                   # group B: 100 more hours a neighbourhood
    page.wait_for_selector(".lt-stale")                           # the shown results are marked out of date
    page.locator(".lt-variant-name input").fill("group B")
    page.click(".lt-run")
    page.wait_for_selector("text=shown: group B", timeout=180_000)
    link = page.locator(".lt-link").get_attribute("href")
    assert link == "?variant=group-b"

    # the address follows the shown variant (beside the side panel's settings, sim/workshop/app/address.py)
    page.wait_for_url(re.compile(r"[?&]variant=group-b(&|$)"), timeout=30_000)
    page.reload()                                                 # a new session: the address keeps the view
    page.wait_for_selector("text=shown: group B", timeout=60_000)
    _choose(page, ".lt-open", text="group A")
    page.click(".lt-open-button")
    page.wait_for_selector("text=shown: group A")                 # group B was on the page: wait for A
    page.wait_for_selector("img.lt-map")
    ab = page.inner_text(".lt-ab-table")                          # B - A, paired
    assert "B" in ab and "–" in ab
    _choose(page, ".lt-ab-a", text="group A")
    _choose(page, ".lt-ab-b", text="group B")
    ab = page.inner_text(".lt-ab-table")
    assert "Unmet care need" in ab and "not paired" not in page.inner_text(".lt-variants-card")
    page.close()

    page = _page(browser, app_server["url"], path=link)           # opened from the link
    page.wait_for_selector("img.lt-map")
    assert "group B" in page.inner_text(".lt-shown-variant")
    with page.expect_download(timeout=30_000) as download:        # exported as one file
        page.locator(".lt-variants-card").get_by_text("export this variant").click()
    record = json.loads(Path(download.value.path()).read_text())
    assert record["name"] == "group B" and record["levers"]["care_team_hours"] == 100
    page.close()


@pytest.mark.parametrize("size", [(1280, 720), (1024, 768)])
def test_layout_for_a_projector(app_server, browser, size, tmp_path):
    """Run visible without scrolling, figures visible and their text >= 16 px on screen; at 1024 x 768 the side
    panel closes and opens again."""
    from sim.workshop.figures.projector import FONT
    page = _page(browser, app_server["url"], *size)
    _tick(page, "baseline", False)
    _tick(page, "small")
    _slide(page, "replicates", "ArrowLeft")
    _run_and_wait(page)
    box = page.locator(".lt-run").bounding_box()
    assert box and box["y"] >= 0 and box["y"] + box["height"] <= size[1]
    if size[0] < 1280:
        page.click(".lt-panel-toggle")
        page.wait_for_selector(".lt-side", state="detached")
        box = page.locator(".lt-run-main").bounding_box()          # Run stays on the page without the panel
        assert box and box["y"] + box["height"] <= size[1]
    for cls in ("lt-map", "lt-series"):
        natural, shown = _image_sizes(page, cls)[0]
        tick_px = (FONT - 4) * 100 / 72 * shown / natural          # the smallest text of a figure, on screen
        assert tick_px >= 16 and shown <= size[0], (cls, natural, shown)
    page.locator("img.lt-map").scroll_into_view_if_needed()
    shot = tmp_path / f"layout_{size[0]}.png"
    page.screenshot(path=str(shot))
    print(f"screenshot: {shot}")
    if size[0] < 1280:
        page.click(".lt-panel-toggle")
        page.wait_for_selector(".lt-side")
    page.close()


def test_a_wrong_scenario_file_in_the_folder_does_not_break_the_panel(tmp_path, monkeypatch):
    """The place choice reads every ticked scenario: a file whose `extends` is missing gives no areas (the run
    then says what is wrong in one sentence) instead of a traceback in place of the page."""
    from sim.workshop.app.panel import _readable
    for name in ("baseline.yaml", "small.yaml"):
        shutil.copy(ROOT / "scenarios" / name, tmp_path)
    (tmp_path / "orphan.yaml").write_text("extends: nowhere.yaml\nname: orphan\n")
    monkeypatch.setenv("LANGERTHUIS_SCENARIOS", str(tmp_path))
    assert _readable("orphan") is None and _readable("gone") is None
    assert _readable("small")["areas"]                              # a good one keeps its areas (centrum)


def test_app_without_the_app_extra_says_which_command_installs_it(monkeypatch, capsys):
    """After the README's quick start (the model only) `langerthuis app` answers in one line how to add the app,
    exit status 2, instead of "internal error: ModuleNotFoundError: No module named 'solara'"."""
    import importlib.util
    from sim.cli import main
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "solara" else real(name, *a))
    assert main(["app", "--port", str(_free_port())]) == 2
    err = capsys.readouterr().err.strip()
    assert "\n" not in err and 'pip install -e ".[app]"' in err and "solara" in err and "Traceback" not in err


def test_the_scenario_list_says_every_shipped_scenario_in_dutch_even_without_the_cbs_data(monkeypatch, tmp_path):
    """Each shipped scenario's own description_nl in the Dutch list (the access scenarios were in English there), and
    a scenario on real wijken keeps its description when the CBS data are not on this computer."""
    from sim.workshop.app.panel import _description
    for path in sorted((ROOT / "scenarios").glob("*.yaml")):
        own = yaml.safe_load(path.read_text(encoding="utf-8"))
        if own.get("description_nl"):
            assert _description(path.stem, path, "nl") == own["description_nl"], path.name
            assert _description(path.stem, path, "en") == own["description"], path.name
    monkeypatch.setenv("LANGERTHUIS_CBS_DIR", str(tmp_path / "nowhere"))
    assert _description("hengelo", ROOT / "scenarios" / "hengelo.yaml", "nl").startswith("Hervorming zoals ingevoerd in")
