"""Tests of sim/scenario.py and the shipped scenario files."""
from __future__ import annotations

import copy
import json
import sys
import textwrap
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from sim.errors import ScenarioError
from sim.model.scenario import load_scenario, resolve_scenario, scenario_hash

SCENARIOS = Path(__file__).resolve().parent.parent / "scenarios"
BASELINE = SCENARIOS / "baseline.yaml"
SHIPPED = ["baseline", "no_reform", "wsg_hardware", "wsg_software", "wsg_full", "wsg_citywide",
           "carer_support", "housing_broker", "netherlands", "small",
           "access_neighbourhood_team", "access_intake_voucher", "access_kitchen_table", "wmo_cut_25",
           "hengelo", "hengelo_berflo_es"]


def write(directory: Path, name: str, text: str) -> Path:
    path = directory / name
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return path


def error_of(path, **kwargs) -> ScenarioError:
    with pytest.raises(ScenarioError) as excinfo:
        load_scenario(path, **kwargs)
    err = excinfo.value
    assert "\n" not in str(err)
    return err


def without_underscore(resolved: dict) -> dict:
    return {k: v for k, v in resolved.items() if not k.startswith("_")}


# ---- the shipped files


@pytest.mark.parametrize("name", SHIPPED)
def test_shipped_scenario_loads(name):
    resolved = load_scenario(SCENARIOS / f"{name}.yaml")
    assert resolved["name"] == name
    assert resolved["_file"] == str(SCENARIOS / f"{name}.yaml")
    assert "extends" not in resolved
    for inv in resolved["investments"]:
        assert inv["cost"]["source"].strip()


def test_every_yaml_in_scenarios_is_shipped_and_loads():
    assert sorted(p.stem for p in SCENARIOS.glob("*.yaml")) == sorted(SHIPPED)


def test_baseline_spells_out_every_default():
    """baseline.yaml resolves to the same as the defaults with only its name, descriptions and areas."""
    raw = yaml.safe_load(BASELINE.read_text())
    minimal = {"name": raw["name"], "description": raw["description"], "description_nl": raw["description_nl"],
               "areas": raw["areas"],
               "parameters": raw["parameters"]}   # the shipped scenarios are calibrated (README)
    assert without_underscore(load_scenario(BASELINE)) == without_underscore(resolve_scenario(minimal))
    # and it really writes them out: every key of the resolved form is in the file
    assert set(raw) | {"calibration"} == set(without_underscore(load_scenario(BASELINE)))   # + the resolver's record
    assert set(raw["municipality"]) == {"profile", "inhabitants", "grid", "heterogeneity"}
    assert set(raw["policy"]) == {"schedule", "capacity"}
    assert set(raw["policy"]["capacity"]) == {"observed_until", "rule", "build_rate", "change_per_year",
                                              "change_until", "explicit"}


def test_centrum_is_a_woonservicegebied_of_eight_cells():
    base = load_scenario(BASELINE)
    assert len(base["areas"]["centrum"]) == 8
    per_cell = base["municipality"]["inhabitants"] / (base["municipality"]["grid"]["width"]
                                                      * base["municipality"]["grid"]["height"])
    assert 5000 <= 8 * per_cell <= 10000


def test_wsg_full_is_hardware_plus_software():
    full = load_scenario(SCENARIOS / "wsg_full.yaml")["investments"]
    hardware = load_scenario(SCENARIOS / "wsg_hardware.yaml")["investments"]
    software = load_scenario(SCENARIOS / "wsg_software.yaml")["investments"]
    assert full == hardware + software
    assert {i["area"] for i in full} == {"centrum"} and {i["start_year"] for i in full} == {2016}


def test_wsg_citywide_is_wsg_full_on_all_cells():
    """Same package; fixed costs are totals, and 100 cells are 12.5 areas the size of centrum; costs per unit of
    dose follow the cells by themselves."""
    full = load_scenario(SCENARIOS / "wsg_full.yaml")["investments"]
    city = load_scenario(SCENARIOS / "wsg_citywide.yaml")["investments"]
    all_cells = [[x, y] for x in range(10) for y in range(10)]
    assert [i["cells"] for i in city] == [all_cells] * len(full)
    for f, c in zip(full, city):
        for key in ("one_off", "yearly"):
            assert c["cost"][key] == 12.5 * f["cost"][key], (c["type"], key)
        for key in ("one_off_per_unit", "yearly_per_unit", "lifetime_years", "payer"):
            assert c["cost"][key] == f["cost"][key], (c["type"], key)
    rest = [[{k: v for k, v in i.items() if k not in ("cells", "area", "cost")}, i["cost"]["source"]] for i in full]
    assert [[{k: v for k, v in i.items() if k not in ("cells", "area", "cost")}, i["cost"]["source"]]
            for i in city] == rest


def test_carer_support_and_housing_broker_use_the_wsg_prices():
    software = {i["type"]: i for i in load_scenario(SCENARIOS / "wsg_software.yaml")["investments"]}
    hardware = {i["type"]: i for i in load_scenario(SCENARIOS / "wsg_hardware.yaml")["investments"]}
    for inv in load_scenario(SCENARIOS / "carer_support.yaml")["investments"]:
        assert inv["cost"] == dict(software[inv["type"]]["cost"], source=inv["cost"]["source"])
    for inv in load_scenario(SCENARIOS / "housing_broker.yaml")["investments"]:
        same = {**software, **hardware}[inv["type"]]
        assert inv == same


def test_other_shipped_specifics():
    assert load_scenario(SCENARIOS / "no_reform.yaml")["policy"]["schedule"] == "none"
    nl = load_scenario(SCENARIOS / "netherlands.yaml")
    assert (nl["municipality"]["profile"], nl["municipality"]["inhabitants"]) == ("netherlands", 16_800_000)
    assert (nl["start_year"], nl["end_year"], nl["replicates"]) == (2013, 2040, 1)
    assert nl["municipality"]["grid"] == {"width": 20, "height": 20}
    software = load_scenario(SCENARIOS / "wsg_software.yaml")["investments"]
    assert [i["response_minutes"] for i in software if i["type"] == "care_on_call"] == [10.0]
    # every investment type is tested by being registered (tests/test_blocks.py), not by being in wsg_full.yaml:
    # a new type need not change the shipped scenarios (nor E2's results)


# ---- extends, defaults, hash


def test_extends_merges_mappings_and_replaces_lists_and_scalars():
    small = load_scenario(SCENARIOS / "small.yaml")
    assert small["municipality"] == {"profile": "nl", "inhabitants": 20000, "grid": {"width": 4, "height": 4},
                                     "heterogeneity": 0.5}
    assert (small["start_year"], small["end_year"], small["seed"]) == (2010, 2020, 20130101)
    assert small["areas"] == {"centrum": [[1, 1], [1, 2], [2, 1], [2, 2]]}  # the list replaced, not merged


def test_extends_chain_and_list_replacement(tmp_path):
    write(tmp_path, "grand.yaml", """
        name: grand
        municipality: {grid: {width: 6, height: 6}}
        areas: {a: [[0, 0]], b: [[1, 1]]}
        investments:
          - {type: meeting_place, cells: a, start_year: 2015, cost: {source: "assumption: test"}}
          - {type: service_centre, cells: b, start_year: 2015, cost: {source: "assumption: test"}}
        """)
    write(tmp_path, "parent.yaml", """
        extends: grand.yaml
        name: parent
        municipality: {grid: {width: 5}}
        """)
    sub = tmp_path / "sub"
    sub.mkdir()
    child = write(sub, "child.yaml", """
        extends: ../parent.yaml
        name: child
        areas: {a: [[2, 2]]}
        investments:
          - {type: health_centre, cells: all, start_year: 2020, cost: {source: "assumption: test"}}
        """)
    resolved = load_scenario(child)
    assert resolved["name"] == "child"
    assert resolved["municipality"]["grid"] == {"width": 5, "height": 6}
    assert resolved["areas"] == {"a": [[2, 2]], "b": [[1, 1]]}
    assert [i["type"] for i in resolved["investments"]] == ["health_centre"]
    assert len(resolved["investments"][0]["cells"]) == 30 and resolved["investments"][0]["area"] is None


def test_defaults_filled():
    r = resolve_scenario({"name": "x", "investments": [
        {"type": "care_on_call", "cells": [[1, 2], [0, 0], [1, 2]], "start_year": 2016,
         "cost": {"source": "assumption: test"}},
        {"type": "adapted_dwellings", "cells": "all", "start_year": 2016, "number": 2,
         "cost": {"source": "assumption: test"}}]})
    assert without_underscore(r) == {
        "name": "x", "description": "", "seed": 20130101, "replicates": 1, "start_year": 2010, "end_year": 2040,
        "municipality": {"profile": "nl", "inhabitants": 100000, "grid": {"width": 10, "height": 10},
                         "heterogeneity": 0.5},
        "policy": {"schedule": "enacted", "capacity": {
            "observed_until": 2023, "rule": "follow_demand", "build_rate": 0.045,
            "change_per_year": {"VV": 0.0, "VG": 0.0, "LG": 0.0, "ZG": 0.0, "GGZ": 0.0}, "change_until": 2100,
            "explicit": {}}},
        "parameters": {}, "effect_priors": False, "areas": {},
        "investments": [
            {"type": "care_on_call", "cells": [[0, 0], [1, 2]], "area": None, "start_year": 2016,
             "cost": {"one_off": 0.0, "yearly": 0.0, "one_off_per_unit": 0.0, "yearly_per_unit": 0.0,
                          "lifetime_years": 1, "payer": "municipality", "source": "assumption: test"},
             "response_minutes": 10.0},
            {"type": "adapted_dwellings", "cells": [[x, y] for x in range(10) for y in range(10)], "area": None,
             "start_year": 2016,
             "cost": {"one_off": 0.0, "yearly": 0.0, "one_off_per_unit": 0.0, "yearly_per_unit": 0.0,
                          "lifetime_years": 1, "payer": "municipality", "source": "assumption: test"},
             "number": 2, "kind": "step_free"}]}
    assert r["_file"] == "<dict>"


def test_partial_capacity_change_keeps_other_defaults():
    r = resolve_scenario({"name": "x", "policy": {"capacity": {"rule": "change", "change_per_year": {"VG": 0.1}}}})
    assert r["policy"]["capacity"]["change_per_year"] == {"VV": 0.0, "VG": 0.1, "LG": 0.0, "ZG": 0.0, "GGZ": 0.0}
    assert r["policy"]["capacity"]["observed_until"] == 2023


def test_explicit_capacity_years_are_normalised_and_checked(tmp_path):
    r = resolve_scenario({"name": "x", "policy": {"capacity": {"rule": "explicit", "explicit": {"2040": 1.3, 2030: 1}}}})
    assert r["policy"]["capacity"]["explicit"] == {2030: 1.0, 2040: 1.3}
    err = error_of(write(tmp_path, "e.yaml", "name: e\npolicy:\n  capacity: {rule: explicit}\n"))
    assert err.path == "policy.capacity.explicit" and "at least one" in err.expected
    err = error_of(write(tmp_path, "f.yaml", "name: f\npolicy:\n  capacity:\n    explicit: {2030: -1}\n"))
    assert (err.path, err.line) == ("policy.capacity.explicit.2030", 4)
    err = error_of(write(tmp_path, "g.yaml", "name: g\npolicy:\n  capacity: {observed_until: 2030}\n"))
    assert err.path == "policy.capacity.observed_until" and "2010 to 2023" in err.expected
    err = error_of(write(tmp_path, "h.yaml", "name: h\npolicy:\n  capacity: {rule: grow}\n"))
    assert err.path == "policy.capacity.rule" and "'follow_demand'" in err.expected
    err = error_of(write(tmp_path, "i.yaml", "name: i\npolicy:\n  capacity: {rule: change, change_until: 2020}\n"))
    assert err.path == "policy.capacity.change_until" and "after observed_until" in err.expected


def test_hash_stable_and_sensitive():
    a, b = load_scenario(BASELINE), load_scenario(BASELINE)
    assert a["_hash"] == b["_hash"] == scenario_hash(a)
    # a manifest's resolved scenario (JSON) resolves again to the same hash (sweeps and caches rely on it)
    for name in SHIPPED:
        s = load_scenario(SCENARIOS / f"{name}.yaml")
        assert resolve_scenario(json.loads(json.dumps(without_underscore(s))))["_hash"] == s["_hash"], name
    # key order, int vs float spelling and the _ keys do not matter
    reordered = dict(reversed(list(without_underscore(a).items())), _file="elsewhere")
    assert scenario_hash(reordered) == a["_hash"]
    assert resolve_scenario({**a, "municipality": {"heterogeneity": 1}})["_hash"] == \
        resolve_scenario({**a, "municipality": {"heterogeneity": 1.0}})["_hash"]
    # any value change does
    for change in ({"seed": 1}, {"replicates": 2}, {"description": "other"},
                   {"policy": {**a["policy"], "capacity": {**a["policy"]["capacity"], "observed_until": 2020}}}):
        assert resolve_scenario({**a, **change})["_hash"] != a["_hash"]


def test_resolving_a_resolved_scenario_is_idempotent():
    for name in SHIPPED:
        resolved = load_scenario(SCENARIOS / f"{name}.yaml")
        again = resolve_scenario(copy.deepcopy(resolved), file=resolved["_file"])
        assert again == resolved


def test_resolve_does_not_change_its_input():
    data = {"name": "x", "areas": {"a": [[1, 1], [0, 0]]},
            "investments": [{"type": "meeting_place", "cells": "a", "start_year": 2015,
                             "cost": {"source": "assumption: test"}}]}
    before = copy.deepcopy(data)
    resolve_scenario(data)
    assert data == before


def test_resolve_with_extends_needs_base_dir():
    with pytest.raises(ScenarioError) as excinfo:
        resolve_scenario({"extends": "baseline.yaml", "name": "x"})
    assert excinfo.value.path == "extends"
    r = resolve_scenario({"extends": "baseline.yaml", "name": "x", "seed": 5}, base_dir=SCENARIOS)
    assert r["areas"]["centrum"] == load_scenario(BASELINE)["areas"]["centrum"] and r["seed"] == 5


# ---- specific bad inputs


def test_unknown_key_reports_path_line_and_allowed_keys(tmp_path):
    f = write(tmp_path, "s.yaml", """
        name: s
        municipality:
          inhabitants: 5000
          inhabitans: 5000
        """)
    err = error_of(f)
    assert (err.file, err.path, err.line) == (str(f), "municipality.inhabitans", 4)
    assert "profile, inhabitants, grid, heterogeneity" in err.expected
    assert str(err).startswith(f"{f}:4: municipality.inhabitans: expected ")


def test_unknown_investment_key_lists_the_type_keys(tmp_path):
    f = write(tmp_path, "s.yaml", """
        name: s
        investments:
          - type: housing_broker
            cells: all
            start_year: 2020
            moves: 3
            cost: {source: "assumption: test"}
        """)
    err = error_of(f)
    assert (err.path, err.line) == ("investments[0].moves", 6)
    assert "moves_multiplier" in err.expected


@pytest.mark.parametrize("value", ["true", "'0.5'", "[0.5]", ".nan"])
def test_wrong_type_bool_is_not_a_number(tmp_path, value):
    f = write(tmp_path, "s.yaml", f"""
        name: s
        policy:
          capacity:
            build_rate: 0.01
            change_per_year: {{GGZ: {value}}}
        """)
    err = error_of(f)
    assert (err.path, err.line) == ("policy.capacity.change_per_year.GGZ", 5)


@pytest.mark.parametrize("key", ["seed", "replicates"])
def test_bool_is_not_an_integer(tmp_path, key):
    err = error_of(write(tmp_path, "s.yaml", f"name: s\n{key}: true\n"))
    assert (err.path, err.line, err.found) == (key, 2, "true (a boolean)")


def test_int_field_refuses_a_float(tmp_path):
    err = error_of(write(tmp_path, "s.yaml", "name: s\nreplicates: 2.0\n"))
    assert (err.path, err.line, err.found) == ("replicates", 2, "2.0")


def test_negative_hours(tmp_path):
    f = write(tmp_path, "s.yaml", """
        name: s
        investments:
          - type: care_team_hours
            cells: all
            start_year: 2016
            hours_per_month: -4
            cost: {source: "assumption: test"}
        """)
    err = error_of(f)
    assert (err.path, err.line, err.found) == ("investments[0].hours_per_month", 6, "-4")
    assert "from 0 to" in err.expected


def test_negative_cost(tmp_path):
    f = write(tmp_path, "s.yaml", """
        name: s
        investments:
          - type: meeting_place
            cells: all
            start_year: 2016
            cost: {yearly: -1, source: "assumption: test"}
        """)
    assert error_of(f).path == "investments[0].cost.yearly"


def test_cell_outside_grid(tmp_path):
    f = write(tmp_path, "s.yaml", """
        name: s
        municipality: {grid: {width: 5, height: 3}}
        investments:
          - {type: meeting_place, start_year: 2016, cost: {source: "assumption: test"}}
          - type: meeting_place
            cells:
              - [4, 2]
              - [5, 0]
            start_year: 2016
            cost: {source: "assumption: test"}
        """)
    err = error_of(f)
    # the first investment lacks cells: that is found first
    assert (err.path, err.line, err.found) == ("investments[0].cells", 4, "nothing (the key is missing)")
    f.write_text(f.read_text().replace("meeting_place, start_year", "meeting_place, cells: all, start_year"))
    err = error_of(f)
    assert (err.path, err.line, err.found) == ("investments[1].cells[1]", 8, "[5, 0]")
    assert "0 <= x < 5 and 0 <= y < 3" in err.expected


def test_area_outside_grid_is_reported_in_the_parent_file(tmp_path):
    child = write(tmp_path, "s.yaml", f"""
        extends: {BASELINE}
        name: s
        municipality: {{grid: {{width: 5}}}}
        """)
    err = error_of(child)
    assert err.file == str(BASELINE) and err.path == "areas.centrum[2]"
    assert "[5, 4]" in BASELINE.read_text().splitlines()[err.line - 1]


def test_year_outside_run(tmp_path):
    f = write(tmp_path, "s.yaml", """
        name: s
        start_year: 2010
        end_year: 2020
        investments:
          - {type: meeting_place, cells: all, start_year: 2021, cost: {source: "assumption: test"}}
        """)
    err = error_of(f)
    assert (err.path, err.line) == ("investments[0].start_year", 5)
    assert "2010 to 2020" in err.expected
    err = error_of(write(tmp_path, "u.yaml", "name: u\nstart_year: 2015\nend_year: 2015\n"))
    assert (err.path, err.line) == ("end_year", 3)


def test_unknown_area_name(tmp_path):
    f = write(tmp_path, "s.yaml", """
        name: s
        areas: {west: [[0, 0]]}
        investments:
          - {type: meeting_place, cells: oost, start_year: 2016, cost: {source: "assumption: test"}}
        """)
    err = error_of(f)
    assert err.path == "investments[0].cells" and "west" in err.expected and "oost" in err.found


def test_missing_required_keys(tmp_path):
    err = error_of(write(tmp_path, "s.yaml", "description: no name\n"))
    assert (err.path, err.line) == ("name", None)
    f = write(tmp_path, "t.yaml", """
        name: t
        investments:
          - type: respite_places
            cells: all
            start_year: 2016
            cost: {source: "assumption: test"}
        """)
    err = error_of(f)
    assert (err.path, err.line) == ("investments[0].places", 3)
    err = error_of(write(tmp_path, "u.yaml", "name: u\ninvestments:\n  - {type: meeting_place, cells: all, "
                                               "start_year: 2016, cost: {yearly: 5}}\n"))
    assert (err.path, err.line) == ("investments[0].cost.source", 3)


def test_unknown_investment_type(tmp_path):
    err = error_of(write(tmp_path, "s.yaml", "name: s\ninvestments:\n  - type: bridge\n"))
    assert (err.path, err.line) == ("investments[0].type", 3) and "care_on_call" in err.expected


def test_extends_cycle(tmp_path):
    a = write(tmp_path, "a.yaml", "name: a\nextends: b.yaml\n")
    write(tmp_path, "b.yaml", "extends: a.yaml\nname: b\n")
    err = error_of(a)
    assert (err.file, err.path, err.line) == (str(tmp_path / "b.yaml"), "extends", 1)
    assert "cycle" in str(err)
    self_ref = write(tmp_path, "c.yaml", "extends: c.yaml\nname: c\n")
    assert error_of(self_ref).path == "extends"


def test_extends_missing_parent(tmp_path):
    f = write(tmp_path, "s.yaml", "name: s\nextends: nowhere.yaml\n")
    err = error_of(f)
    assert (err.file, err.path, err.line) == (str(f), "extends", 2) and "nowhere.yaml" in err.found


def test_invalid_yaml_reports_line(tmp_path):
    f = write(tmp_path, "s.yaml", """
        name: s
        municipality:
          grid: {width: 4, height: 4
        seed: 3
        """)
    err = error_of(f)
    assert err.file == str(f) and err.expected == "valid YAML" and err.line == 4


def test_duplicate_key(tmp_path):
    err = error_of(write(tmp_path, "s.yaml", "name: s\nseed: 1\nseed: 2\n"))
    assert (err.path, err.line) == ("seed", 3)


def test_missing_file(tmp_path):
    err = error_of(tmp_path / "absent.yaml")
    assert (err.file, err.path, err.expected, err.found) == (
        str(tmp_path / "absent.yaml"), "", "an existing scenario file", "no such file")


def test_a_key_with_a_line_break_stays_on_one_line(tmp_path):
    err = error_of(write(tmp_path, "s.yaml", 'name: s\n"bad\\nkey": 1\n'))
    assert (err.path, err.line) == ("'bad\\nkey'", 2)


@pytest.mark.parametrize("text", ["", "- name: x\n", "just text\n"])
def test_top_level_must_be_a_mapping(tmp_path, text):
    assert error_of(write(tmp_path, "s.yaml", text)).path == ""


def test_parameter_names_and_values_are_checked_against_the_model():
    assert resolve_scenario({"name": "x", "parameters": {"fall_rate_65": 1}})["parameters"] == {"fall_rate_65": 1.0}
    with pytest.raises(ScenarioError) as excinfo:
        resolve_scenario({"name": "x", "parameters": {"fall_rate_6": 1}})
    assert excinfo.value.path == "parameters.fall_rate_6" and "fall_rate_65" in excinfo.value.expected
    with pytest.raises(ScenarioError) as excinfo:
        resolve_scenario({"name": "x", "parameters": {"fall_rate_65": True}})
    assert excinfo.value.path == "parameters.fall_rate_65"


@pytest.mark.parametrize("name, value, expected", [
    ("care_need_h4", 1.0e300, "a number from 0 to 168"),      # exit 0 with negative costs before
    ("crisis_if_late", 5, "a number from 0 to 1"),            # a probability of 5
    ("mort_young_annual", -0.01, "a number from 0 to 1"),     # a negative mortality
    ("tariff_hospital_admission", 50_001, "a number from 0 to 50000"),
    ("fall_rate_65", 10 ** 400, "a number from 0 to 10"),     # beyond any float
    ("fall_rate_65", float("nan"), "a number from 0 to 10"),
    ("fall_rate_65", "0.3", "a number from 0 to 10"),
])
def test_parameter_values_outside_their_range_are_refused(tmp_path, name, value, expected):
    text = f"name: s\nparameters:\n  {name}: {value!r}\n".replace("nan", ".nan")
    err = error_of(write(tmp_path, "s.yaml", text))
    assert (err.path, err.line) == (f"parameters.{name}", 3)
    assert err.expected.startswith(expected) and "\n" not in str(err) and len(str(err)) < 300


def test_parameter_bounds_are_inclusive():
    from sim.model.parameters import parameter_range
    lo, hi = parameter_range("crisis_if_late")
    for v in (lo, hi):
        assert resolve_scenario({"name": "x", "parameters": {"crisis_if_late": v}})["parameters"]["crisis_if_late"] == v


def test_parameter_names_of_the_real_model(tmp_path):
    parameters = pytest.importorskip("sim.model.parameters")
    name, value = next(iter(parameters.default_parameters().items()))
    assert load_scenario(write(tmp_path, "ok.yaml", f"name: ok\nparameters: {{{name}: {value}}}\n"))
    err = error_of(write(tmp_path, "s.yaml", "name: s\nparameters:\n  no_such_parameter_xyz: 1\n"))
    assert (err.path, err.line) == ("parameters.no_such_parameter_xyz", 3)


# ---- property-based: any mutation of baseline is refused with a one-line, located error

BASELINE_TEXT = BASELINE.read_text(encoding="utf-8")
BASELINE_DATA = yaml.safe_load(BASELINE_TEXT)


def _path(keys) -> str:
    out = ""
    for k in keys:
        out += f"[{k}]" if isinstance(k, int) else (f".{k}" if out else k)
    return out


def _leaves(node, keys=()):
    """Key tuples of every leaf: a scalar, an empty container or a cell [x, y]."""
    if isinstance(node, dict) and node:
        for k, v in node.items():
            yield from _leaves(v, keys + (k,))
    elif isinstance(node, list) and node and not all(isinstance(x, int) for x in node):
        for i, v in enumerate(node):
            yield from _leaves(v, keys + (i,))
    else:
        yield keys


def _mappings(node, keys=()):
    if isinstance(node, dict):
        yield keys
        for k, v in node.items():
            yield from _mappings(v, keys + (k,))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from _mappings(v, keys + (i,))


def _get(data, keys):
    for k in keys:
        data = data[k]
    return data


LEAVES = list(_leaves(BASELINE_DATA))
MAPPINGS = list(_mappings(BASELINE_DATA))
# every baseline leaf that is a string refuses these; every other leaf (numbers, cells, [], {}) too
NOT_A_STRING = st.sampled_from([None, True, 3, -1.5, [1, "a"], {"zz": "x"}])
BAD_NUMBER = st.one_of(st.sampled_from([None, True, False, [1, "a"], {"zz": "x"}, float("nan"),
                                        float("-inf"), -1e9, 1e9 + 0.5]), st.text(max_size=5))
# a yes/no leaf (effect_priors) accepts True and False: anything else is bad
NOT_A_BOOL = st.one_of(st.sampled_from([None, 3, -1.5, [1, "a"], {"zz": "x"}, float("nan")]), st.text(max_size=5))
HYPOTHESIS = settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _check_located(err: ScenarioError, file: Path, path: str, text: str):
    msg = str(err)
    assert "\n" not in msg and str(file) in msg
    assert err.path == path or err.path.startswith((path + ".", path + "[")), (err.path, path)
    assert path in msg
    assert err.line is not None
    if not err.path.endswith("]"):  # the reported line holds the key
        assert err.path.rsplit(".", 1)[-1] in text.splitlines()[err.line - 1]


def test_leaves_cover_the_baseline():
    paths = {_path(k) for k in LEAVES}
    assert {"name", "municipality.grid.width", "policy.capacity.change_per_year.GGZ", "areas.centrum[7]",
            "parameters", "investments"} <= paths


@HYPOTHESIS
@given(data=st.data())
def test_a_bad_leaf_is_refused(tmp_path_factory, data):
    keys = data.draw(st.sampled_from(LEAVES))
    old = _get(BASELINE_DATA, keys)
    bad = data.draw(NOT_A_STRING if isinstance(old, str) else NOT_A_BOOL if isinstance(old, bool) else BAD_NUMBER)
    mutated = copy.deepcopy(BASELINE_DATA)
    _get(mutated, keys[:-1])[keys[-1]] = bad
    text = yaml.safe_dump(mutated, sort_keys=False)
    file = tmp_path_factory.getbasetemp() / "leaf.yaml"
    file.write_text(text, encoding="utf-8")
    with pytest.raises(ScenarioError) as excinfo:
        load_scenario(file)
    _check_located(excinfo.value, file, _path(keys), text)


@HYPOTHESIS
@given(data=st.data())
def test_an_unknown_key_is_refused(tmp_path_factory, data):
    keys = data.draw(st.sampled_from(MAPPINGS))
    key = data.draw(st.from_regex(r"zz_[a-z0-9_]{0,8}", fullmatch=True))
    value = data.draw(st.sampled_from(["x", None, [1]]))  # not a number, not a list of cells
    mutated = copy.deepcopy(BASELINE_DATA)
    _get(mutated, keys)[key] = value
    text = yaml.safe_dump(mutated, sort_keys=False)
    file = tmp_path_factory.getbasetemp() / "key.yaml"
    file.write_text(text, encoding="utf-8")
    with pytest.raises(ScenarioError) as excinfo:
        load_scenario(file)
    _check_located(excinfo.value, file, _path(keys + (key,)), text)


@HYPOTHESIS
@given(line=st.integers(0, len(BASELINE_TEXT.splitlines())),
       fragment=st.sampled_from(["key: [1, 2", "{unclosed: 1", "\tname: tab", "*undefined_alias",
                                 "seed: !!python/object:os.system x", "a: b: c", "- : [", "'unterminated",
                                 "@reserved", "  ]"]))
def test_broken_yaml_is_refused_with_its_line(tmp_path_factory, line, fragment):
    lines = BASELINE_TEXT.splitlines()
    lines.insert(line, fragment)
    text = "\n".join(lines) + "\n"
    try:
        yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
    else:
        assume(False)  # the fragment happened to be valid YAML there
    file = tmp_path_factory.getbasetemp() / "broken.yaml"
    file.write_text(text, encoding="utf-8")
    err = error_of(file)
    assert str(file) in str(err) and err.expected == "valid YAML"
    assert err.line == mark.line + 1 and f"{file}:{err.line}: " in str(err)


def test_an_out_of_range_override_stops_the_run_command_with_one_line(tmp_path):
    """``python3 -m sim run`` on a scenario with ``care_need_h4: 1.0e+300``: exit 2, one line naming the file,
    line and parameter, no traceback, nothing written (it ran to the end with negative costs before)."""
    import subprocess
    scenario = write(tmp_path, "huge.yaml", f"extends: {SCENARIOS / 'small.yaml'}\nname: huge\n"
                                            "parameters:\n  care_need_h4: 1.0e+300\n")
    out = tmp_path / "out"
    done = subprocess.run([sys.executable, "-m", "sim", "run", str(scenario), "--out", str(out), "--no-progress"],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 2
    err = done.stderr.strip()
    assert "\n" not in err and err.endswith(f"{scenario}:4: parameters.care_need_h4: expected a number from 0 "
                                            "to 168 [hours per week], found 1e+300")
    assert not out.exists() and sorted(p.name for p in tmp_path.iterdir()) == ["huge.yaml"]


# ---- bounds that keep the model's integer fields from wrapping (issue 11)


def test_schema_bounds_fit_the_residents_integer_fields():
    """The largest grid and the longest run the schema allows fit the dtypes of population.STATE: a change
    of either side that would let a field wrap makes this fail."""
    import numpy as np
    from sim.model import scenario as sc
    from sim.model.population import STATE
    dtype = dict(STATE)
    cells = sc.MAX_GRID_SIDE ** 2
    assert cells - 1 <= np.iinfo(dtype["cell"]).max
    last_year = sc.SCENARIO["start_year"][0].expected  # "an integer from 2000 to 2100"
    assert last_year.endswith("to 2100")
    assert 2100 * 12 + 11 <= np.iinfo(dtype["indicated_month"]).max
    oldest_months = (120 + (2100 - 2000)) * 12  # the oldest resident at the start, aged through the longest run
    for field in ("age_months", "months_home", "waiting"):
        assert oldest_months <= np.iinfo(dtype[field]).max, field
    grid = {"width": sc.MAX_GRID_SIDE + 1, "height": 1}
    with pytest.raises(ScenarioError, match="grid.width: expected an integer from 1 to 100"):
        resolve_scenario({"name": "g", "municipality": {"grid": grid}})


def test_an_extends_chain_of_20_files_loads_and_21_do_not(tmp_path):
    for i in range(21):
        (tmp_path / f"s{i}.yaml").write_text(f"name: s{i}\n" + (f"extends: s{i + 1}.yaml\n" if i < 20 else ""))
    assert load_scenario(tmp_path / "s1.yaml")["name"] == "s1"  # s1 -> ... -> s20: 20 files
    err = error_of(tmp_path / "s0.yaml")
    assert err.path == "extends" and "at most 20 files" in err.expected
