"""A variant's automatic name in the room's language (issue 27: "all · 20 h · cs 1" read as code): the
scenarios, where the levers go and each lever that is on, in words, e.g.
'baseline · hele gemeente · 20 uur wijkverpleging per buurt · mantelzorgsteun 1'."""
from __future__ import annotations

from sim.workshop.labels.formats import count, fmt_number
from sim.workshop.labels.languages import pick

WORDS = {
    "all": ("whole municipality", "hele gemeente"),
    "cells": ("cells {cells}", "cellen {cells}"),
    "dwellings": ("{n} extra per neighbourhood", "{n} extra per buurt"),
    "hours": ("{h} h district nursing a month per neighbourhood", "{h} uur wijkverpleging per maand per buurt"),
    "alarm": ("care on call within {m} min", "zorg op afroep binnen {m} min"),
    "carer": ("carer support {s}", "mantelzorgsteun {s}"),
    "route": ("access: {route}", "toegang: {route}"),
    "cut": ("Wmo budget -{cut}", "Wmo-budget -{cut}"),
}


def variant_name(levers, stems: list[str], lang: str) -> str:
    """The name of a run of ``stems`` (scenario file names) with ``levers`` (appcache.Levers): the levers that
    are on, in words, joined by ' · '."""
    w = lambda key, **f: pick(WORDS[key], lang).format(**f)
    num = lambda x: fmt_number(x, lang, 0 if float(x).is_integer() else None)   # 20, not 20,0
    parts = [", ".join(stems)]
    if levers.adapted_dwellings:
        parts.append(w("dwellings", n=count(levers.adapted_dwellings, "dwelling", lang)))
    if levers.care_team_hours:
        parts.append(w("hours", h=num(levers.care_team_hours)))
    if levers.alarm_minutes:
        parts.append(w("alarm", m=num(levers.alarm_minutes)))
    if levers.carer_support:
        parts.append(w("carer", s=num(levers.carer_support)))
    if getattr(levers, "access_route", ""):
        parts.append(w("route", route=levers.access_route.replace("_", " ")))
    if getattr(levers, "budget_cut", 0):
        parts.append(w("cut", cut=f"{fmt_number(100 * levers.budget_cut, lang, 0)} %"))
    if len(parts) > 1:
        where = (w("all") if levers.where == "all" else w("cells", cells=levers.cells) if levers.where == "cells"
                 else levers.where)
        parts.insert(1, where)
    return " · ".join(parts)
