"""Scenario files: read YAML, resolve ``extends:``, fill defaults, validate strictly.

The schema is documented in ``scenarios/README.md``. ``load_scenario`` returns the *resolved*
form: every default filled in, investment cells expanded to sorted ``[x, y]`` lists, ``extends``
gone, plus ``_file`` (the path as given) and ``_hash`` (see ``scenario_hash``).

Every problem is a :class:`sim.errors.ScenarioError` naming the file that defined the offending
value, its key path (``investments[2].cells[0]``) and, when it came from a file, the YAML line.
"""
from __future__ import annotations

import hashlib
import json
import numbers
import os
import re

from sim.errors import InputError, ScenarioError
from sim.model import blocks, capacity, ensemble, municipality_layout
from sim.model.checks import is_finite_number as _is_number, is_integer as _is_int
from sim.model.indicators import INVESTMENT_PAYERS as PAYERS
from sim.model.loader import join, read_yaml
from sim.model.mechanisms.access import AREA_PARAMETERS, RESPONSES, ROUTE_PAYER_LINE, ROUTES
from sim.model.parameters import ParameterError, check_value

REQUIRED = object()  # default of a key that must be given
MAX_GRID_SIDE = 100      # cells in x and in y: 10,000 cells at most (int16 cell index, scenarios/README.md)
MAX_REPLICATES = 1000
MAX_SEED = 2 ** 63 - 1   # seeds are stored as int64 (manifests, sweep designs)
MAX_EUROS = 1e12         # a cost of one investment: far above any municipality's budget
MAX_INVESTMENTS = 100   # the shipped scenarios have up to 15
MISSING = "nothing (the key is missing)"

CARE_SECTORS = ("VV", "VG", "LG", "ZG", "GGZ")


# ---- field checkers: check(value, path, fail) -> normalised value; fail(path, expected, found) raises


def _describe(value) -> str:
    """The 'found' text: short, one line, saying the type where the type is the problem."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return f"{str(value).lower()} (a boolean)"
    if isinstance(value, numbers.Number):
        return str(value)
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, (list, tuple)):
        return "a list"
    text = repr(value) if isinstance(value, str) else str(value)
    text = text if len(text) <= 60 else text[:57] + "..."
    return f"{text} (a {'string' if isinstance(value, str) else type(value).__name__})"


def _field(expected, ok, convert=lambda v: v):
    def check(value, path, fail):
        if not ok(value):
            fail(path, expected, _describe(value))
        return convert(value)
    check.expected = expected
    return check


def _bounds(what, lo, hi, lo_open=False):
    if lo is not None and hi is not None and not lo_open:
        return f"{what} from {lo} to {hi}"
    limits = ([f"{'>' if lo_open else '>='} {lo}"] if lo is not None else []) + ([f"<= {hi}"] if hi is not None else [])
    return f"{what} {' and '.join(limits)}".strip()


def integer(lo=None, hi=None):
    return _field(_bounds("an integer", lo, hi),
                  lambda v: _is_int(v) and (lo is None or v >= lo) and (hi is None or v <= hi), int)


def number(lo=None, hi=None, lo_open=False):
    """A finite int or float (never a bool); stored as float so 3 and 3.0 hash alike."""
    def within(v):
        above = lo is None or (v > lo if lo_open else v >= lo)
        return above and (hi is None or v <= hi)
    return _field(_bounds("a finite number", lo, hi, lo_open), lambda v: _is_number(v) and within(v), float)


def choice(*options):
    return _field("one of " + ", ".join(repr(o) for o in options), lambda v: isinstance(v, str) and v in options)


def text(nonempty=False, expected=None):
    expected = expected or ("a non-empty string" if nonempty else "a string")
    return _field(expected, lambda v: isinstance(v, str) and (bool(v.strip()) or not nonempty))


def optional(check):
    """null or what ``check`` accepts."""
    def check_optional(value, path, fail):
        return None if value is None else check(value, path, fail)
    check_optional.expected = "null or " + check.expected
    return check_optional


def mapping(spec):
    def check(value, path, fail):
        return _fields(value, spec, path, fail)
    check.expected = "a mapping with the keys " + ", ".join(spec)
    return check


_join = join  # sim.model.loader.join: keys that are not printable are quoted


def _fields(value, spec, path, fail):
    """Check a mapping against ``spec`` (key -> (checker, default)); return it with defaults filled."""
    if not isinstance(value, dict):
        fail(path, "a mapping with the keys " + ", ".join(spec), _describe(value))
    for key in value:
        if key not in spec:
            fail(_join(path, key), "one of the keys " + ", ".join(spec), f"unknown key {key!r}")
    out = {}
    for key, (check, default) in spec.items():
        if key in value:
            out[key] = check(value[key], _join(path, key), fail)
        elif default is REQUIRED:
            fail(_join(path, key), check.expected, MISSING)
        else:
            out[key] = check(default, _join(path, key), fail)
    return out


# ---- the schema (keep scenarios/README.md in step)

MUNICIPALITY = {
    "profile": (choice("nl", "netherlands"), "nl"),
    "inhabitants": (integer(1000, 30_000_000), 100_000),
    # at most 100 x 100 = 10,000 cells: the cell index of a resident is an int16 (population.py)
    "grid": (mapping({"width": (integer(1, MAX_GRID_SIDE), 10), "height": (integer(1, MAX_GRID_SIDE), 10)}), {}),
    "heterogeneity": (number(0, 1), 0.5),
    # a real municipality's wijken as the cells (sim/model/municipality_layout.py); absent: the synthetic grid
    "code": (optional(text(True)), None),
    "name": (optional(text(True)), None),
    "scale_65plus": (optional(number(0, 100)), None),   # set by municipality_layout.resolve
}

def _year_index(value, path, fail):
    """``{year: index}`` of the explicit capacity rule: years 2000-2100 (ints, or their digits as the
    JSON of a manifest writes them), indexes 0-10; normalised to int keys, float values."""
    expected = "a mapping of year (2000 to 2100) to places relative to the last observed year (0 to 10)"
    if not isinstance(value, dict):
        fail(path, expected, _describe(value))
    out = {}
    for key, v in value.items():
        year = int(key) if isinstance(key, str) and key.isdigit() else key
        if not _is_int(year) or not 2000 <= year <= 2100:
            fail(_join(path, key), "a year from 2000 to 2100", _describe(key))
        if not _is_number(v) or not 0 <= v <= 10:
            fail(_join(path, key), "a finite number from 0 to 10", _describe(v))
        out[int(year)] = float(v)
    return dict(sorted(out.items()))


_year_index.expected = "a mapping of year to places relative to the last observed year"

CAPACITY = {  # sim/model/capacity.py; rule-specific keys are checked in _resolve
    "observed_until": (integer(2010, capacity.last_observed_year()), capacity.last_observed_year()),
    "rule": (choice(*capacity.RULES), "follow_demand"),
    "build_rate": (number(0, 0.5), 0.045),
    "change_per_year": (mapping({s: (number(-0.5, 0.5), 0.0) for s in CARE_SECTORS}), {}),
    "change_until": (integer(2000, 2100), 2100),  # 2100: to the end of any run
    "explicit": (_year_index, {}),
}
def _cuts(value, path, fail):
    """``policy.cuts``: {package of the enacted schedule: year it is cut from, or null: not cut}."""
    from sim.model.mechanisms.policy import CUT_PACKAGES
    if value is None:
        return None
    if not isinstance(value, dict):
        fail(path, _cuts.expected, _describe(value))
    out = {}
    for key, year in value.items():
        if key not in CUT_PACKAGES:
            fail(_join(path, key), "one of the packages " + ", ".join(CUT_PACKAGES), _describe(key))
        if year is not None and (not _is_int(year) or not 2000 <= year <= 2100):
            fail(_join(path, key), "a year from 2000 to 2100 or null (not cut)", _describe(year))
        out[key] = None if year is None else int(year)
    return dict(sorted(out.items()))


_cuts.expected = "null or a mapping of package (VV1 ... ZG1) to the year it is cut from, or null"

POLICY = {
    "schedule": (choice("enacted", "none"), "enacted"),
    # the reform's parts one at a time (policy.py); absent unless given, so a scenario resolves and hashes as before
    "cuts": (_cuts, None),
    "transitional_right": (_field("true or false", lambda v: isinstance(v, bool)), True),
    "capacity": (mapping(CAPACITY), {}),
}

ACCESS = {  # the municipality's access route to Wmo support (sim/model/mechanisms/access.py)
    "route": (choice(*ROUTES), "indication"),
    "from_year": (integer(2000, 2100), 2015),   # within the run: checked in _resolve
    "team_mandate": (_field("true or false", lambda v: isinstance(v, bool)), True),
    "intake_per_1000_month": (optional(number(0, 1000, lo_open=True)), None),
    "payer": (choice(*ROUTE_PAYER_LINE), "municipality"),
    # per area (a name of `areas`): its own route and route parameters; checked in _access_and_budget
    "areas": (_field("a mapping of area name to the area's route", lambda v: isinstance(v, dict)), {}),
}
# parameters an area's route may set for itself (the route's numbers; sim/model/mechanisms/access.py)
ACCESS_AREA_PARAMETERS = AREA_PARAMETERS + tuple(f"access_cost_{r}" for r in ROUTES)
ACCESS_AREA = {  # null: the municipality's value
    "route": (optional(choice(*ROUTES)), None),
    "team_mandate": (optional(_field("true or false", lambda v: isinstance(v, bool))), None),
    "parameters": (_field("a mapping of route parameter name to number", lambda v: isinstance(v, dict)), {}),
}
BUDGET = {  # a yearly Wmo budget the municipality cannot exceed: one of wmo_per_inhabitant and cut
    "wmo_per_inhabitant": (optional(number(0, 100_000)), None),
    "cut": (optional(number(0, 1)), None),
    "from_year": (integer(2000, 2100), 2015),   # checked in _resolve
    "response": (optional(choice(*RESPONSES)), None),
}

def _alarm_response(value, path, fail):
    """A cohort's alarm follow-up: 'neighbourhood' (the map's), 'none' (no follow-up) or minutes."""
    if value in ("neighbourhood", "none"):
        return value
    if not _is_number(value) or not 0 < value <= 1440:
        fail(path, _alarm_response.expected, _describe(value))
    return float(value)


_alarm_response.expected = "'neighbourhood', 'none' or minutes (> 0 and <= 1440)"

COHORT = {  # a study population instead of the municipality's (sim/model/population.py: cohort_population)
    "size": (integer(1, 1_000_000), REQUIRED),
    "package": (choice("VV1", "VV2", "VV3", "VV4"), "VV3"),
    "carer": (choice("drawn", "co_resident", "elsewhere", "none"), "drawn"),
    "dwelling": (choice("drawn", "none", "grab_bars", "step_free", "wheelchair"), "drawn"),
    "alarm_response": (_alarm_response, "neighbourhood"),
}

CALIBRATION = {  # the record of a calibrated scenario; input only as part of a resolved scenario read again
    "mode": (choice(*ensemble.MODES), REQUIRED),
    "file": (text(nonempty=True), REQUIRED),
    "sha256": (_field("a sha256: 64 hex digits", lambda v: isinstance(v, str) and re.fullmatch("[0-9a-f]{64}", v)),
               REQUIRED),
    "fixed": (_field("a list of parameter names", lambda v: isinstance(v, list) and all(isinstance(n, str) for n in v)),
              []),
}

SCENARIO = {
    "name": (text(nonempty=True), REQUIRED),
    "description": (text(), ""),
    "description_nl": (text(), ""),   # for the workshop's report and app; absent unless given (hash as before)
    "seed": (integer(0, MAX_SEED), 20130101),
    "replicates": (integer(1, MAX_REPLICATES), 1),
    # runs lie within 2000-2100: month counters stay <= 1,212 and year * 12 + month <= 25,211, so the
    # int16 fields (age_months, months_home, waiting, indicated_month; population.py) never wrap
    "start_year": (integer(2000, 2100), 2010),
    "end_year": (integer(hi=2100), 2040),  # after start_year: checked in _resolve
    "municipality": (mapping(MUNICIPALITY), {}),
    "policy": (mapping(POLICY), {}),
    # absent (None) unless given, so a scenario without them resolves (and hashes) as before
    "access": (optional(mapping(ACCESS)), None),
    "budget": (optional(mapping(BUDGET)), None),
    "cohort": (optional(mapping(COHORT)), None),
    "parameters": (_field("a mapping of model parameter name to number, or 'calibrated'",
                          lambda v: isinstance(v, dict) or v == "calibrated"), {}),
    # draw the effect sizes with a `prior` (parameters.yaml) per replicate (sim/model/ensemble.py)
    "effect_priors": (_field("true or false", lambda v: isinstance(v, bool)), False),
    # set by the resolver for `parameters: calibrated` (sim/model/ensemble.py); absent otherwise
    "calibration": (optional(mapping(CALIBRATION)), None),
    # contents checked in _resolve, once the grid and the years are known
    "areas": (_field("a mapping of area name to a list of cells [x, y]", lambda v: isinstance(v, dict)), {}),
    # at most MAX_INVESTMENTS: `cells: all` expands to every cell, so the resolved size is bounded
    "investments": (_field(f"a list of at most {MAX_INVESTMENTS} investments",
                           lambda v: isinstance(v, list) and len(v) <= MAX_INVESTMENTS), []),
}

COST = {
    "one_off": (number(0, MAX_EUROS), 0.0),
    "yearly": (number(0, MAX_EUROS), 0.0),
    # euros per unit of the type's dose per cell (its block's dose key), so that cost follows dose
    "one_off_per_unit": (number(0, MAX_EUROS), 0.0),
    "yearly_per_unit": (number(0, MAX_EUROS), 0.0),
    # capital (the one-off costs) is spread over its lifetime as an annuity (neighbourhoods.investment_cost)
    "lifetime_years": (integer(1, 100), 1),
    "payer": (choice(*PAYERS), "municipality"),
    "source": (text(nonempty=True, expected="a source: a citation or a text starting with 'assumption'"),
               REQUIRED),
}


def _type_key(key):
    """(checker, default) of an investment type's own key, as its block declares it (sim.model.blocks.Key)."""
    check = (choice(*key.options) if key.kind == "choice" else integer(key.lo, key.hi) if key.kind == "int"
             else number(key.lo, key.hi, lo_open=key.lo_open))
    return check, (REQUIRED if key.default == blocks.REQUIRED else key.default)


INVESTMENT_TYPES = {b.type: {k.name: _type_key(k) for k in b.keys} for b in blocks.BLOCKS}  # type -> its own keys
INVESTMENT = {
    "type": (choice(*INVESTMENT_TYPES), REQUIRED),
    "cells": (_field("'all', an area name or a list of cells [x, y]", lambda v: isinstance(v, (str, list))),
              REQUIRED),
    # set by the resolver; accepted as input so that a resolved scenario can be resolved again
    "area": (_field("null or an area name", lambda v: v is None or isinstance(v, str)), None),
    "start_year": (integer(2000, 2100), REQUIRED),  # within the run: checked in _investment
    "cost": (mapping(COST), REQUIRED),
}


# ---- cross-field checks


def _cells(value, path, width, height, fail):
    """A non-empty list of cells inside the grid, returned sorted and without duplicates."""
    if not isinstance(value, list) or not value:
        fail(path, "a non-empty list of cells [x, y]", _describe(value))
    expected = f"a cell [x, y] with 0 <= x < {width} and 0 <= y < {height}"
    cells = set()
    for i, cell in enumerate(value):
        if not (isinstance(cell, (list, tuple)) and len(cell) == 2 and all(_is_int(c) for c in cell)
                and 0 <= cell[0] < width and 0 <= cell[1] < height):
            fail(f"{path}[{i}]", expected, _describe(cell) if not isinstance(cell, (list, tuple)) else
                 "[" + ", ".join(_describe(c) for c in cell) + "]")
        cells.add((int(cell[0]), int(cell[1])))
    return [list(c) for c in sorted(cells)]


def _parameters(value, fail):
    """Every name a model parameter and every value within its range (sim.model.parameters checks both)."""
    out = {}
    for name, v in value.items():
        try:
            out[name] = check_value(name, v)
        except ParameterError as exc:
            fail(_join("parameters", name), exc.expected, exc.found)
    return out


def _calibrated(value, calibration, fail):
    """``parameters: calibrated`` or ``{calibrated: true|mean|ensemble, name: value...}``: the posterior mean
    of calibration/ensemble.parquet with the explicit values on top (calibration/README.md)."""
    if value == "calibrated":
        value = {"calibrated": "mean"}
    if value.get("calibrated") in (None, False):
        if calibration is not None:  # a resolved calibrated scenario read again
            ensemble.check_record(calibration, fail)
            for i, name in enumerate(calibration["fixed"]):
                if name not in value:
                    fail(f"calibration.fixed[{i}]", "a name among the scenario's parameters", repr(name))
        return {k: v for k, v in value.items() if k != "calibrated"}, calibration
    return ensemble.calibration_overrides(value, fail)


def _investment(value, path, run, fail):
    if not isinstance(value, dict):
        fail(path, "an investment: a mapping with type, cells, start_year, cost", _describe(value))
    check_type = INVESTMENT["type"][0]
    if "type" not in value:
        fail(_join(path, "type"), check_type.expected, MISSING)
    kind = check_type(value["type"], _join(path, "type"), fail)
    inv = _fields(value, {**INVESTMENT, **INVESTMENT_TYPES[kind]}, path, fail)

    if not run["start_year"] <= inv["start_year"] <= run["end_year"]:
        fail(_join(path, "start_year"), f"a year within the run, {run['start_year']} to {run['end_year']}",
             _describe(inv["start_year"]))

    grid, areas = run["municipality"]["grid"], run["areas"]
    if isinstance(inv["cells"], str):
        name = inv["cells"]
        if name != "all" and name not in areas:
            fail(_join(path, "cells"), "'all', an area name (" + ", ".join(areas) + ") or a list of cells",
                 _describe(name))
        area = None if name == "all" else name
        if inv["area"] not in (None, area):
            fail(_join(path, "area"), f"null or {area!r}, the area named in cells", _describe(inv["area"]))
        inv["cells"] = ([[x, y] for x in range(grid["width"]) for y in range(grid["height"])]
                        if area is None else areas[area])
        inv["area"] = area
    else:
        inv["cells"] = _cells(inv["cells"], _join(path, "cells"), grid["width"], grid["height"], fail)
        if inv["area"] is not None and areas.get(inv["area"]) != inv["cells"]:
            fail(_join(path, "area"), "null or the name of the area whose cells are listed",
                 _describe(inv["area"]))
    return inv


def _access_and_budget(run, fail):
    """The years of ``access`` and ``budget`` (dropped when not given: the default route, no budget)."""
    within = f"a year within the run, {run['start_year']} to {run['end_year']}"
    access = run["access"]
    if access is None:
        del run["access"]
    else:
        if not run["start_year"] <= access["from_year"] <= run["end_year"]:
            fail("access.from_year", within, _describe(access["from_year"]))
        _access_areas(access, run["areas"], fail)
    budget = run["budget"]
    if budget is None:
        del run["budget"]
        return
    if (budget["cut"] is None) == (budget["wmo_per_inhabitant"] is None):
        fail("budget", "a mapping with one of the keys cut, wmo_per_inhabitant",
             "both" if budget["cut"] is not None else "neither")
    route_year = access["from_year"] if access is not None else ACCESS["from_year"][1]
    first = max(route_year, run["start_year"] + (1 if budget["cut"] is not None else 0))
    if not first <= budget["from_year"] <= run["end_year"]:
        why = " (the route's start; a cut needs the year before inside the run)"
        fail("budget.from_year", f"a year from {first} to {run['end_year']}{why}", _describe(budget["from_year"]))


def _access_areas(access, areas, fail):
    """``access.areas``: each key an area of ``areas`` (no two sharing a cell), each block filled with the
    municipality's route and mandate where it gives none; parameters among ACCESS_AREA_PARAMETERS, in range.
    Dropped when empty, so a scenario without it resolves (and hashes) as before."""
    blocks, owner = {}, {}
    for name, block in access["areas"].items():
        path = _join("access.areas", name)
        if name not in areas:
            fail(path, "an area name of areas (" + (", ".join(areas) or "none defined") + ")", _describe(name))
        b = _fields(block, ACCESS_AREA, path, fail)
        b["route"] = access["route"] if b["route"] is None else b["route"]
        b["team_mandate"] = access["team_mandate"] if b["team_mandate"] is None else b["team_mandate"]
        params = {}
        for key, value in b["parameters"].items():
            where = _join(_join(path, "parameters"), key)
            if key not in ACCESS_AREA_PARAMETERS:
                fail(where, "a route parameter: one of " + ", ".join(ACCESS_AREA_PARAMETERS), f"unknown key {key!r}")
            try:
                params[key] = check_value(key, value)
            except ParameterError as exc:
                fail(where, exc.expected, exc.found)
        b["parameters"] = params
        for cell in areas[name]:
            if tuple(cell) in owner:
                fail(path, f"an area sharing no cell with {owner[tuple(cell)]!r} (cell {cell} is in both)",
                     _describe(name))
            owner[tuple(cell)] = name
        blocks[name] = b
    if blocks:
        access["areas"] = blocks
    else:
        del access["areas"]


def _resolve(data, fail):
    run = _fields(data, SCENARIO, "", fail)
    if run["end_year"] <= run["start_year"]:
        fail("end_year", f"a year after start_year ({run['start_year']}) and <= 2100", _describe(run["end_year"]))
    cap = run["policy"]["capacity"]
    if cap["rule"] == "explicit" and not cap["explicit"]:
        fail("policy.capacity.explicit", "at least one {year: index} for the rule 'explicit'", "an empty mapping")
    if cap["change_until"] <= cap["observed_until"]:
        fail("policy.capacity.change_until", f"a year after observed_until ({cap['observed_until']})",
             _describe(cap["change_until"]))
    for key in ("cohort", "description_nl"):   # absent unless given: a shipped scenario resolves and hashes as before
        if run[key] in (None, ""):
            del run[key]
    for key, default in (("cuts", None), ("transitional_right", True)):
        if run["policy"][key] == default:   # the default is no key: same resolved scenario and hash as before
            del run["policy"][key]
    run["parameters"], calibration = _calibrated(run["parameters"], run.pop("calibration"), fail)
    run["parameters"] = _parameters(run["parameters"], fail)
    if calibration is not None:
        run["calibration"] = calibration

    municipality_layout.resolve(run, fail)   # wijk codes -> cells (a real municipality only)
    grid = run["municipality"]["grid"]
    areas = {}
    for name, cells in run["areas"].items():
        if not isinstance(name, str) or not name.strip() or name == "all":
            fail(_join("areas", name), "an area name: a non-empty string other than 'all'", _describe(name))
        areas[name] = _cells(cells, _join("areas", name), grid["width"], grid["height"], fail)
    run["areas"] = areas
    _access_and_budget(run, fail)
    run["investments"] = [_investment(inv, f"investments[{i}]", run, fail)
                          for i, inv in enumerate(run["investments"])]
    return run


# ---- reading files, extends and line numbers

MAX_EXTENDS = 20  # files in one extends chain (the shipped chains have 3)


def _chain(file, data, lines, base_dir, seen):
    """[(file, data, lines)] for this source and its ``extends`` ancestors, child first (iterative:
    a long chain is an error, never a deep recursion)."""
    chain = []
    while True:
        if not isinstance(data, dict):
            raise ScenarioError(file, "", "a mapping of scenario keys",
                                "an empty file" if data is None else _describe(data))
        data = dict(data)
        if "extends" not in data:
            chain.append((file, data, lines))
            return chain
        parent, line = data.pop("extends"), lines.get("extends")
        chain.append((file, data, lines))
        if not isinstance(parent, str) or not parent.strip() or not parent.isprintable():
            raise ScenarioError(file, "extends", "the path of a scenario file", _describe(parent), line)
        if base_dir is None:
            raise ScenarioError(file, "extends", "no extends in a scenario given in memory (or a base_dir)",
                                _describe(parent))
        if len(chain) >= MAX_EXTENDS:
            raise ScenarioError(file, "extends", f"a chain of at most {MAX_EXTENDS} files",
                                f"a longer chain ({chain[0][0]} -> ... -> {parent})", line)
        parent_file = os.path.normpath(os.path.join(base_dir, parent))
        if os.path.realpath(parent_file) in seen:
            raise ScenarioError(file, "extends", "a chain of extends without a cycle",
                                f"a cycle back to {parent_file}", line)
        if not os.path.isfile(parent_file):
            raise ScenarioError(file, "extends", "an existing scenario file", f"no such file {parent_file}", line)
        seen = seen | {os.path.realpath(parent_file)}
        data, lines = read_yaml(parent_file, "scenario file")
        file, base_dir = parent_file, os.path.dirname(parent_file)


def _merge(base, child):
    """Deep merge: mappings key by key; a list or scalar of the child replaces the parent's."""
    out = dict(base)
    for key, value in child.items():
        both = isinstance(out.get(key), dict) and isinstance(value, dict)
        out[key] = _merge(out[key], value) if both else value
    return out


def _parent_path(path: str) -> str:
    cut = path.rfind("[") if path.endswith("]") else path.rfind(".")
    return path[:max(cut, 0)]


def _failer(chain):
    """fail(path, expected, found) raising a ScenarioError at the file and line that defined ``path``.

    The value at a path of the merged scenario comes from the child-most file that has the path;
    a path no file has (a default, a missing key) is reported where its nearest ancestor is.
    """
    def fail(path, expected, found):
        probe = path
        while True:
            for file, lines in chain:
                if probe in lines:
                    raise ScenarioError(file, path, expected, found, lines[probe])
            if not probe:
                raise ScenarioError(chain[0][0], path, expected, found)
            probe = _parent_path(probe)
    return fail


def _resolve_chain(chain, file):
    merged = {}
    for _, data, _ in reversed(chain):
        if "description" in data and "description_nl" not in data:
            merged.pop("description_nl", None)    # a file's own description: its parent's Dutch one is stale
        merged = _merge(merged, data)
    resolved = _resolve(merged, _failer([(f, lines) for f, _, lines in chain]))
    resolved["_file"] = file
    resolved["_hash"] = scenario_hash(resolved)
    return resolved


# ---- public API


def load_scenario(path) -> dict:
    """Read, resolve and validate a scenario file; see the module docstring for the result."""
    file = str(path)
    data, lines = read_yaml(file, "scenario file")
    return _resolve_chain(_chain(file, data, lines, os.path.dirname(file), {os.path.realpath(file)}), file)


def resolve_scenario(data: dict, file: str = "<dict>", base_dir=None) -> dict:
    """Resolve and validate an in-memory scenario (e.g. a loaded one with keys changed by a sweep).

    ``_file`` and ``_hash`` of a resolved scenario are ignored, so resolving is idempotent.
    ``extends`` is only allowed with ``base_dir``, the directory its path is relative to.
    """
    if not isinstance(data, dict):
        raise ScenarioError(file, "", "a mapping of scenario keys", _describe(data))
    data = {k: v for k, v in data.items() if k not in ("_file", "_hash")}
    return _resolve_chain(_chain(file, data, {}, base_dir, set()), file)


def with_replicates(scenario: dict, replicates) -> dict:
    """The resolved scenario with another number of replicates (the ``--replicates`` option of the commands),
    checked like the ``replicates`` key: an integer from 1 to MAX_REPLICATES."""
    if not _is_int(replicates) or not 1 <= replicates <= MAX_REPLICATES:
        raise InputError(f"--replicates: expected an integer from 1 to {MAX_REPLICATES}, found {_describe(replicates)}")
    out = dict(scenario, replicates=int(replicates))
    out["_hash"] = scenario_hash(out)
    return out


def scenario_hash(resolved: dict) -> str:
    """sha256 of the canonical JSON of a resolved scenario, without its ``_`` keys."""
    content = {k: v for k, v in resolved.items() if not str(k).startswith("_")}
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()
