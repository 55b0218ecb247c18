"""The page's address keeps the side panel: every change of a lever, a tick, the name, the language or the base
is written into the query string (``?lang=nl&gm=GM0093&s=baseline,wsg_full&hours=40&name=groep+1``), with the shown variant
(``variant=``) and a run in progress (``run=``). A reload, a laptop waking up or a copied link comes back with the
same panel, the same results and the same run (jobs.py keeps runs on the server)."""
from __future__ import annotations

from urllib.parse import parse_qs, urlencode

import solara

from sim.workshop.app.actions import attach, open_variant
from sim.workshop.app.state import (access_route, alarm, base_choice, budget_cut, budget_from_year, carer, cells_text,
                                    chosen, dwellings, lang, meeting, municipality, move_wsg, plain_too, replicates, running, scenario_files,
                                    shown_meta, start_year, team_hours, team_mandate, url_loaded, variant_name, where)

# query key -> the panel's reactive value; a value equal to the default is left out of the address
PANEL = {"lang": lang, "gm": municipality, "s": chosen, "where": where, "cells": cells_text, "move": move_wsg, "from": start_year,
         "dw": dwellings, "hours": team_hours, "alarm": alarm, "carer": carer, "meet": meeting, "reps": replicates,
         "plain": plain_too, "route": access_route, "mandate": team_mandate, "cut": budget_cut,
         "cutfrom": budget_from_year, "name": variant_name, "base": base_choice}
DEFAULTS = {k: r.value for k, r in PANEL.items()}   # read at import: the values a new session starts with


def encode(values: dict) -> str:
    """The query string of the panel's values (and ``variant``, ``run``) that differ from the defaults."""
    out = {}
    for k, v in values.items():
        if k in DEFAULTS and v == DEFAULTS[k] or v in ("", None):
            continue
        out[k] = ",".join(v) if isinstance(v, list) else ("1" if v else "0") if isinstance(v, bool) else str(v)
    return urlencode(out)


def decode(search: str) -> dict:
    """The panel's values of a query string, each as its default's type; unknown keys and bad values are left
    out (the panel keeps its default)."""
    query = {k: v[-1] for k, v in parse_qs(search or "", keep_blank_values=True).items()}
    out = {}
    for k, text in query.items():
        if k not in DEFAULTS:
            continue
        kind = type(DEFAULTS[k])
        try:
            out[k] = ([x for x in text.split(",") if x] if kind is list else text == "1" if kind is bool
                      else kind(text))
        except ValueError:
            continue
    if out.get("lang") not in (None, "en", "nl"):
        del out["lang"]
    return out


def restore(search: str) -> None:
    """Once per page: the variant of the address, then its panel values, then the run it was watching."""
    query = parse_qs(search or "")
    if query.get("variant", [""])[0]:
        open_variant(query["variant"][0])
    values = decode(search)
    if "s" in values:
        files = scenario_files()
        values["s"] = [s for s in values["s"] if s in files] or list(chosen.value)
    for k, v in values.items():
        PANEL[k].set(v)
    if query.get("run", [""])[0]:
        attach(query["run"][0])


@solara.component
def Address():
    """Reads the address when the page opens and writes the panel into it after every change (its own
    component: a lever moved re-renders this and the panel, not the result cards)."""
    router = solara.use_router()
    if not url_loaded.value:
        url_loaded.set(True)
        restore(router.search or "")
    values = {k: r.value for k, r in PANEL.items()}
    slug = (shown_meta.value or {}).get("slug")
    search = encode(dict(values, variant=slug, run=running.value))

    def write():
        if (router.search or "") != search:
            router.push(f"{router.path or '/'}?{search}" if search else (router.path or "/"))
    solara.use_effect(write, [search])
