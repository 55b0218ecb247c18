"""One browser session's state: the side panel's choices, the shown results and the run in progress (Solara
reactive variables), the levers they make and the jobs to run; and the kernel's warm-up at server start."""
from __future__ import annotations

import functools
import os
import threading
import time
from pathlib import Path

import solara

from sim.errors import InputError
from sim.model.scenario import load_scenario
from sim.workshop import appcache
from sim.workshop.app import jobs
from sim.workshop.app.jobs import Cancelled  # noqa: F401 - the result cards ask for it here
from sim.workshop.appcache import SCENARIO_DIR, Levers, list_scenarios
from sim.workshop.outcomes import KEY_INDICATORS
from sim.workshop.labels import cell_names

lang = solara.reactive("nl")   # Dutch for the room; English one click away (and ?lang=en)
chosen = solara.reactive(["baseline"])
municipality = solara.reactive("")     # a CBS code: every scenario on its wijken; "": the scenarios' own town
where = solara.reactive("centrum")
cells_text = solara.reactive("")
move_wsg = solara.reactive(True)
start_year = solara.reactive(2016)
dwellings = solara.reactive(0)
team_hours = solara.reactive(0)
alarm = solara.reactive(0)
carer = solara.reactive(0.0)
meeting = solara.reactive(0)
replicates = solara.reactive(3)   # DEFAULT_REPLICATES
plain_too = solara.reactive(True)
access_route = solara.reactive("")
team_mandate = solara.reactive(True)
budget_cut = solara.reactive(0.0)
budget_from_year = solara.reactive(2015)
variant_name = solara.reactive("")
status = solara.reactive("")
error = solara.reactive("")
map_value = solara.reactive("unmet_need_share")
series_choice = solara.reactive(list(KEY_INDICATORS[:4]))
base_choice = solara.reactive("")
shown = solara.reactive(None)           # the results on the page: {name: Result}
shown_meta = solara.reactive({})        # variant name, slug and the settings the results were made with
from_cache = solara.reactive(False)
confirm = solara.reactive("")           # the time-estimate warning of a big run awaiting "Run anyway"
running = solara.reactive("")           # the key of the server's run this page watches (jobs.py): in the address
cancelled = solara.reactive(False)
open_choice = solara.reactive("")
ab_choice = solara.reactive(("", ""))
url_loaded = solara.reactive(False)
pending_import = solara.reactive(None)    # a dropped variant file, imported after the render
panel_open = solara.reactive(True)
warm_ready = solara.reactive(False)     # the kernel is compiled: Run and the questions may start (Preparing)

# the building blocks' levers (sim.model.blocks, ``Lever.field``): the reactive value of each
LEVER_VALUES = {"adapted_dwellings": dwellings, "care_team_hours": team_hours, "alarm_minutes": alarm,
                "carer_support": carer, "meeting_place": meeting}

# the kernel compiles once per installation (Numba's cache): a tiny run in the background at server start
warm = {"done": threading.Event(), "seconds": None}


def _warm_up():
    try:
        warm["seconds"] = appcache.warm_up()
    except Exception:   # noqa: BLE001 - a failed warm-up only costs the first Run its speed
        pass
    finally:
        warm["done"].set()


def _prepare_questions():
    """The workshop's questions computed once the kernel is warm (`langerthuis app` asks for it), so the room's
    first question is answered at once; logged with the seconds from the app's start."""
    from sim.workshop.app.questions import precompute
    started = float(os.environ.get("LANGERTHUIS_STARTED") or 0) or time.time()
    precompute(scenario_files(), DEFAULT_REPLICATES, warm["done"], started)


DEFAULT_REPLICATES = 3
if os.environ.get("LANGERTHUIS_NO_WARMUP") != "1":
    threading.Thread(target=_warm_up, daemon=True, name="langerthuis-warm-up").start()
else:
    warm["done"].set()


def scenario_files() -> dict:
    """The scenarios the panel offers: all of the facilitator's own folder (--scenarios), or the project's
    scenarios/ without the ones made for tests (a description that says "test": small.yaml)."""
    folder = os.environ.get("LANGERTHUIS_SCENARIOS")
    if folder:
        return list_scenarios(folder)
    return {stem: p for stem, p in list_scenarios(SCENARIO_DIR).items() if not for_tests(p)}


def for_tests(path) -> bool:
    """A scenario made for tests: its description says so ('Baseline shrunk for fast tests')."""
    import re
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError:
        return False
    found = re.search(r"^description:\s*(.*)$", text, re.M)
    return bool(found and re.search(r"\btests?\b", found.group(1), re.I))


def current_levers() -> Levers:
    return Levers(where=where.value, cells=cells_of(cells_text.value), move_scenario_wsg=move_wsg.value,
                  start_year=start_year.value, adapted_dwellings=dwellings.value,
                  care_team_hours=float(team_hours.value), alarm_minutes=float(alarm.value),
                  carer_support=round(float(carer.value), 2), meeting_place=int(meeting.value),
                  replicates=replicates.value,
                  access_route=access_route.value, team_mandate=team_mandate.value,
                  budget_cut=round(float(budget_cut.value), 2), budget_from_year=budget_from_year.value,
                  municipality=municipality.value)


def scenario_of(stem: str) -> dict:
    """The scenario file ``stem`` on the chosen municipality (jobs.on_municipality): what the panel's places, names
    and costs are read from."""
    return jobs.on_municipality(load_scenario(scenario_files()[stem]), municipality.value)


@functools.lru_cache(maxsize=1)
def municipalities() -> dict:
    """CBS code -> name of every municipality the loader knows (sim.model.wijken, CBS KWB 2024), by name; none
    when the CBS data are not on this computer (the panel then offers the scenarios' own town only)."""
    try:
        from sim.model import wijken
        table = wijken.municipalities("").sort_values("name")
    except InputError:
        return {}
    return dict(zip(table.code, table.name))


def cells_of(text: str) -> str:
    """Neighbourhood names ('Noord 1; Oost 2') or coordinates ('3,4') as the 'x,y; x,y' of Levers."""
    if not text.strip() or not chosen.value:
        return text
    stem = chosen.value[0]
    if stem not in scenario_files():
        return text
    try:
        names = cell_names(scenario_of(stem))
    except InputError:
        return text
    by_name = {n.lower(): xy for xy, n in names.items()}
    parts = []
    for part in text.replace("\n", ";").split(";"):
        xy = by_name.get(" ".join(part.split()).lower())
        parts.append(f"{xy[0]},{xy[1]}" if xy else part)
    return "; ".join(parts)


def settings() -> dict:
    """What the shown results depend on: compared with the side panel to mark them out of date."""
    return {"chosen": list(chosen.value), "levers": current_levers(), "plain_too": plain_too.value}


def build_jobs() -> dict:
    """name -> resolved scenario of every run the choices ask for (InputError on a bad choice)."""
    return jobs.jobs_for(scenario_files(), list(chosen.value), current_levers(), plain_too.value)


# last: the thread reads the functions above
if os.environ.get("LANGERTHUIS_QUESTIONS") == "1":
    threading.Thread(target=_prepare_questions, daemon=True, name="langerthuis-questions").start()
