"""A real municipality's wijken as the model's cells (scenario key ``municipality: {code: GM0164}`` or
``{name: Hengelo}``; issue 26).

The scenario resolver calls :func:`resolve`: the municipality is looked up in CBS KWB 2024
(``sim.model.wijken``), and the resolved scenario gets ``municipality.code`` and ``.name`` (the CBS code and
name), a grid of one row with one cell per wijk (``grid: {width: <number of wijken>, height: 1}``; cell
``[k, 0]`` is the k-th wijk in code order) and ``inhabitants``: the sum of the wijken's inhabitants
back-cast from 2024 to ``start_year`` (``wijken.start_population``), and ``scale_65plus`` (:func:`old_scale`).
Areas and investment cells may name
wijk codes (``WK016405``); they resolve to those cells. Any ``inhabitants`` or ``grid`` given (e.g. the
baseline's, by ``extends``) is replaced by the data's.

The model then reads per cell (:func:`cell_layers`): the inhabitants and the people 65+ of each wijk
back-cast to the start year; the facilities stay synthetic draws (``Neighbourhoods``), which every output
says (:data:`FACILITIES_NOTE`). :func:`old_scale` is the municipality's people 65+ relative to what the
national age profile would give at its size: it scales the 65+ the population draws (start and inflow),
so the model has the wijken's 65+ again in 2024 (tests/test_areas.py).

Neighbours: no mechanism of the model asks for a cell's neighbours (the grid's ``OrthogonalMooreGrid`` only
holds the property layers; every effect is within a cell), so the wijk adjacency from shared borders
(``Municipality.neighbours``) is not put into a Mesa space: it is kept with the municipality for the map and
the outputs (docs/ODD.md, "Initialisation from CBS data").
"""
from __future__ import annotations

import difflib
from functools import lru_cache

import numpy as np

from sim.errors import ScenarioError

FACILITIES_NOTE = {
    "en": "Wijken, inhabitants and 65+ from CBS KWB 2024 (back-cast to the start year); the facilities of each "
          "wijk (shops, meeting places, health centre, alarm follow-up, respite) are synthetic draws.",
    "nl": "Wijken, inwoners en 65+ uit CBS KWB 2024 (teruggerekend naar het startjaar); de voorzieningen per "
          "wijk (winkels, ontmoeting, gezondheidscentrum, alarmopvolging, respijt) zijn synthetische trekkingen.",
}


def is_real(scenario: dict) -> bool:
    """True for a scenario on a real municipality's wijken."""
    return "code" in scenario["municipality"]


@lru_cache(maxsize=32)
def place(code: str):
    """The Municipality of a CBS code (sim.model.wijken)."""
    from sim.model import wijken
    return wijken.municipality(code)


@lru_cache(maxsize=64)
def _start(code: str, start_year: int):
    from sim.model import wijken
    return wijken.start_population(place(code), start_year)


# ----------------------------------------------------------------------------- resolving a scenario
def resolve(run: dict, fail) -> None:
    """In place: a scenario with ``municipality.code`` or ``.name`` gets the wijken as its cells (module
    docstring); one without gets neither key (so it resolves and hashes as before)."""
    muni = run["municipality"]
    if muni.get("code") is None and muni.get("name") is None:
        for key in ("code", "name", "scale_65plus"):
            muni.pop(key, None)
        return
    key = "municipality.code" if muni.get("code") is not None else "municipality.name"
    try:
        from sim.model import wijken
        found = wijken.municipality(muni.get("code") or muni["name"])
    except ScenarioError as e:
        fail(key, e.expected, e.found)   # at the scenario's file and line (no data at all: cbs's own line)
    codes = found.codes
    muni["code"], muni["name"] = found.code, found.name
    muni["grid"] = {"width": len(codes), "height": 1}
    muni["inhabitants"] = int(round(float(_start(found.code, int(run["start_year"])).inhabitants.sum())))
    muni["scale_65plus"] = old_scale(run)
    run["areas"] = {name: _wijk_cells(cells, f"areas.{name}", found, fail) for name, cells in run["areas"].items()}
    investments = []   # new mappings: the caller's input stays as it was
    for i, inv in enumerate(run["investments"]):
        if isinstance(inv, dict) and "cells" in inv:
            cells = inv["cells"]
            if isinstance(cells, str) and cells.upper().startswith("WK"):
                cells = [cells]
            inv = {**inv, "cells": _wijk_cells(cells, f"investments[{i}].cells", found, fail)}
        investments.append(inv)
    run["investments"] = investments


def _wijk_cells(cells, path, found, fail):
    """A list whose wijk codes are replaced by their cells ``[k, 0]``; other items (cells, a name) stay for
    the scenario's own checks."""
    if not isinstance(cells, list):
        return cells
    index = {c: k for k, c in enumerate(found.codes)}
    out = []
    for j, cell in enumerate(cells):
        if isinstance(cell, str):
            code = cell.strip().upper()
            if code not in index:
                close = difflib.get_close_matches(code, list(index), n=3, cutoff=0.6)
                names = ", ".join(f"{c} ({found.wijk(c).name})" for c in close)
                fail(f"{path}[{j}]", f"a wijk code of {found.name} ({found.codes[0]} ... {found.codes[-1]})",
                     f"{cell!r}" + (f"; close: {names}" if names else ""))
            out.append([index[code], 0])
        else:
            out.append(cell)
    return out


# ----------------------------------------------------------------------------- the model's cells
def cell_layers(scenario: dict, base: dict) -> None:
    """In place: the ``inhabitants`` and ``old_age_factor`` layers of a real municipality from its wijken
    (back-cast to the start year); 65+ per cell = inhabitants x old_age_factor x the municipality's 65+
    share, so the population draws its older residents in each wijk's own proportion."""
    if not is_real(scenario):
        return
    start = _start(scenario["municipality"]["code"], int(scenario["start_year"]))
    inh = start.inhabitants.to_numpy(dtype=float)
    old = start.inhabitants_65plus.to_numpy(dtype=float)
    share = old.sum() / max(inh.sum(), 1.0)
    base["inhabitants"] = inh
    base["old_age_factor"] = np.where(inh > 0, old / np.maximum(inh, 1e-9) / max(share, 1e-9), 0.0)


def old_scale(scenario: dict) -> float:
    """People 65+ of the municipality in the start year relative to the national profile at its size
    (1.0 exactly for a synthetic municipality, so its draws are unchanged)."""
    if not is_real(scenario):
        return 1.0
    from sim.model.population import national_inhabitants, profile
    start_year = int(scenario["start_year"])
    start = _start(scenario["municipality"]["code"], start_year)
    prof = profile()["people_65plus"]
    band_year = min(prof, key=lambda y: abs(y - start_year))
    national = 1000.0 * float(np.sum(prof[band_year])) / national_inhabitants(start_year)
    return float(start.inhabitants_65plus.sum() / (start.inhabitants.sum() * national))


def cell_codes(scenario: dict) -> list[str]:
    """The cells' names in areas.parquet: wijk codes, or ``x<x>y<y>`` for a synthetic grid."""
    if is_real(scenario):
        return list(place(scenario["municipality"]["code"]).codes)
    h, w = scenario["municipality"]["grid"]["height"], scenario["municipality"]["grid"]["width"]
    return [f"x{x}y{y}" for x in range(w) for y in range(h)]


def manifest_note(scenario: dict) -> dict:
    """The manifest's ``data`` entry for a real municipality (the CBS credit, the assumptions, the gaps);
    nothing for a synthetic one (its manifest stays as it was)."""
    if not is_real(scenario):
        return {}
    found = place(scenario["municipality"]["code"])
    return {"data": {
        "credit": found.credit("en"), "municipality": found.code, "wijken": found.codes,
        "facilities": FACILITIES_NOTE["en"],
        "age_bands": "people 65+ per wijk split over the model's age bands with the national profile",
        "start_year": "inhabitants and 65+ back-cast from 2024 to the start year along the national path",
        "gaps": [{"code": g.code, "name": g.name, "reason": g.text("en")} for g in found.gaps]}}
