"""The model description (docs/ODD.md, docs/parameters.md) against the code.

The parameter table and the step-order table are generated. When a test here fails after a parameter value,
a source or the step order changed, regenerate the documentation with

    python -m sim.docs
"""
from __future__ import annotations

import re
from importlib import resources

import pytest
import yaml

from sim import docs
from sim.model.indicators import CATALOGUE
from sim.model.model import STEP_ORDER
from sim.model.neighbourhoods import LAYERS
from sim.model.parameters import default_parameters, parameter_range, parameter_records, parameter_sources
from sim.model.population import STATE
from sim.model.rng import PROCESSES

REGENERATE = "docs are out of date: run `python -m sim.docs` to regenerate docs/ODD.md and docs/parameters.md"


@pytest.fixture(scope="module")
def odd() -> str:
    return docs.ODD.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def parameters_md() -> str:
    return docs.PARAMETERS_MD.read_text(encoding="utf-8")


def between(text: str, key: str) -> str:
    start, end = docs.MARKERS[key]
    assert text.count(start) == 1 and text.count(end) == 1, f"expected one pair of markers {start} / {end}"
    i, j = text.index(start), text.index(end)
    assert i < j, f"marker {start} must come before {end}"
    return text[i + len(start):j]


def table_rows(section: str) -> list[list[str]]:
    """Data rows of the markdown tables in ``section``: cells split on unescaped pipes, unescaped."""
    rows = []
    for line in section.splitlines():
        line = line.strip()
        if not line.startswith("|") or re.fullmatch(r"\|(\s*-+\s*\|)+", line):
            continue
        cells = [c.strip().replace("\\|", "|") for c in re.split(r"(?<!\\)\|", line)[1:-1]]
        rows.append(cells)
    return rows


def parameter_rows(section: str) -> dict[str, list[str]]:
    """parameter name -> [value, range, unit, source] from the generated parameter tables."""
    out = {}
    for cells in table_rows(section):
        m = re.fullmatch(r"`([A-Za-z_][A-Za-z0-9_]*)`", cells[0])
        if m:
            assert m.group(1) not in out, f"parameter {m.group(1)} listed twice; {REGENERATE}"
            out[m.group(1)] = cells[1:]
    return out


# --- parameters -----------------------------------------------------------------------------------------
def test_every_parameter_has_a_source_or_an_assumption():
    raw = yaml.safe_load(resources.files("sim.model").joinpath("parameters.yaml").read_text(encoding="utf-8"))
    missing = [name for name, entry in raw.items()
               if not any(str(entry.get(k) or "").strip() for k in ("source", "set", "assumption"))]
    assert not missing, f"parameters without a source, a set or an assumption in sim/model/parameters.yaml: {missing}"
    sources = parameter_sources()
    assert set(sources) == set(default_parameters())
    assert all(s.strip() and s.strip() not in ("assumption:", "set by hand:") for s in sources.values())


def test_every_parameter_record_is_complete():
    """value, min, max, unit, group and a source or an assumption, optionally a prior (and the no-effect value
    the break-even analysis scales from) or a scan range (the deciding-effects scan's ends for a number without
    a prior), nothing else; min <= value <= max; a prior or a scan range within the range."""
    problems = []
    for name, entry in parameter_records().items():
        has = set(entry) - {"source", "set", "assumption", "prior", "no_effect", "scan"}
        if has != {"value", "min", "max", "unit", "group"} or len(set(entry) & {"source", "set", "assumption"}) != 1:
            problems.append(f"{name}: fields {sorted(entry)}")
            continue
        if not all(isinstance(entry[k], (int, float)) and not isinstance(entry[k], bool)
                   for k in ("value", "min", "max")):
            problems.append(f"{name}: value, min and max must be numbers")
        elif not entry["min"] <= entry["value"] <= entry["max"]:
            problems.append(f"{name}: default {entry['value']} outside [{entry['min']}, {entry['max']}]")
        if not (isinstance(entry["unit"], str) and entry["unit"].strip()):
            problems.append(f"{name}: empty unit")
        if not (isinstance(entry["group"], str) and entry["group"].strip()):
            problems.append(f"{name}: empty group")
        if "prior" in entry:
            prior = entry["prior"]
            if not (isinstance(prior, list) and len(prior) in (2, 3) and list(prior) == sorted(prior)
                    and entry["min"] <= prior[0] and prior[-1] <= entry["max"]):
                problems.append(f"{name}: prior {prior} is not [low, high] or [low, mode, high] within the range")
        if "scan" in entry:
            scan = entry["scan"]
            if not (isinstance(scan, list) and len(scan) == 2 and scan[0] <= entry["value"] <= scan[1]
                    and entry["min"] <= scan[0] and scan[1] <= entry["max"] and "prior" not in entry):
                problems.append(f"{name}: scan {scan} is not [low, high] around the default within the range "
                                "(and only where there is no prior)")
    assert not problems, "sim/model/parameters.yaml: " + "; ".join(problems)


def test_groups_are_contiguous_in_the_file():
    """The docs print one table per group in the file's order: a group split in two would be printed twice."""
    groups = [entry["group"] for entry in parameter_records().values()]
    runs = [g for i, g in enumerate(groups) if i == 0 or g != groups[i - 1]]
    assert len(runs) == len(set(runs)), f"groups not contiguous in sim/model/parameters.yaml: {runs}"


def test_parameter_counts_sentence(parameters_md, odd):
    """The count by footing adds up to every parameter and is the one in both generated documents."""
    records = parameter_records()
    c = docs.footing_counts()
    assert c["source"] + c["calibrated"] + c["set"] + c["assumption"] == c["total"] == len(records)
    sentence = docs.parameter_counts()
    assert sentence.startswith(f"{len(records)} parameters by footing, sourced / calibrated / set / assumption: "
                               f"{c['source']} / {c['calibrated']} / {c['set']} / {c['assumption']} ")
    assert "mort_gompertz_a_male" in docs.calibrated_parameters()  # via mort_gompertz_a_scale
    assert sentence in parameters_md and sentence in odd, REGENERATE


def test_footing_counts_on_a_tiny_table():
    """Calibrated wins over the record's footing; set and assumption are counted apart; a prior is noted."""
    base = {"value": 1, "min": 0, "max": 2, "unit": "u", "group": "g"}
    records = {"a": {**base, "source": "CBS"}, "b": {**base, "source": "CBS"}, "c": {**base, "set": "to a figure"},
               "d": {**base, "assumption": "why"}, "e": {**base, "assumption": "why", "prior": [0, 1]},
               "f": {**base, "assumption": "why"}}
    c = docs.footing_counts(records, fitted={"b", "f"})
    assert c == {"source": 1, "calibrated": 2, "set": 1, "assumption": 2, "assumption_with_prior": 1, "total": 6}
    assert docs.parameter_counts(records, {"b", "f"}).startswith(
        "6 parameters by footing, sourced / calibrated / set / assumption: 1 / 2 / 1 / 2 ")


def test_the_hand_set_tariffs_are_set_and_their_rows_too():
    """Issue 25: the VV day tariffs were raised by hand to the VWS Wlz accounts, so they stand on `set`, and the
    Wlz rows they were raised to have the role set (scored apart, not as validation)."""
    import pandas as pd
    from sim.model.parameters import parameter_footings
    footings = parameter_footings()
    assert {footings[n] for n in ("tariff_vv_day_low", "tariff_vv_day_mid", "tariff_vv_day_high")} == {"set"}
    targets = pd.read_csv(docs.ROOT / "calibration" / "targets.csv")
    rows = targets[targets.indicator.isin(["cost_wlz_per_capita", "cost_wlz_institution_vv_per_capita"])]
    assert len(rows) >= 3 and (rows.role == "set").all()
    assert "admit_need" in docs.calibrated_parameters() and "admit_need_alone" in docs.calibrated_parameters()


@pytest.mark.parametrize("doc", ["odd", "parameters_md"])
def test_parameter_table_lists_every_parameter_with_its_current_value(doc, request):
    text = request.getfixturevalue(doc)
    section = between(text, "parameters") if doc == "odd" else text
    listed = parameter_rows(section)
    values = default_parameters()
    missing = sorted(set(values) - set(listed))
    unknown = sorted(set(listed) - set(values))
    stale = {name: (listed[name][0], docs.format_value(v)) for name, v in values.items()
             if name in listed and listed[name][0] != docs.format_value(v)}
    assert not missing, f"parameters missing from the table: {missing}; {REGENERATE}"
    assert not unknown, f"the table lists parameters that no longer exist: {unknown}; {REGENERATE}"
    assert not stale, f"values in the table differ from sim/model/parameters.yaml (table, file): {stale}; {REGENERATE}"
    for name, (value, bounds, unit, source) in listed.items():
        assert float(value) == values[name]
        assert [float(x) for x in bounds.split(" to ")] == list(parameter_range(name)), f"{name}: {REGENERATE}"
        assert unit, f"{name}: empty unit"
        assert source, f"{name}: empty source or assumption; {REGENERATE}"


def test_parameter_tables_are_exactly_the_generated_ones(odd, parameters_md):
    expected = docs.parameter_table_markdown()
    assert between(odd, "parameters").strip() == expected.strip(), REGENERATE
    assert parameters_md == docs.parameters_page(), REGENERATE


def test_format_value_round_trips():
    for v in default_parameters().values():
        assert float(docs.format_value(v)) == v


# --- step order -----------------------------------------------------------------------------------------
def test_step_order_table_matches_the_code(odd):
    rows = table_rows(between(odd, "steps"))
    assert rows and rows[0][:3] == ["#", "step", "what happens"], "the step table needs its header row"
    listed = [tuple(r[:3]) for r in rows[1:]]
    expected = [(str(n), name, what) for n, name, what in STEP_ORDER]
    assert listed == expected, f"the step table differs from sim.model.model.STEP_ORDER; {REGENERATE}"
    assert between(odd, "steps").strip() == docs.step_order_markdown().strip(), REGENERATE


# --- coverage of the description -----------------------------------------------------------------------
def test_every_catalogue_indicator_is_described(odd):
    missing = [name for name in CATALOGUE if not re.search(rf"\b{re.escape(name)}\b", odd)]
    assert not missing, f"indicators of sim.model.indicators.CATALOGUE not mentioned in docs/ODD.md: {missing}"


def test_every_state_field_layer_and_random_process_is_described(odd):
    """Section 2 lists every resident field and neighbourhood layer, section 4.8 every random process:
    a new one must be described there (by hand; these are not generated)."""
    for what, names in (("resident field (population.STATE)", [n for n, _ in STATE]),
                        ("neighbourhood layer (neighbourhoods.LAYERS)", list(LAYERS)),
                        ("random process (rng.PROCESSES)", list(PROCESSES))):
        missing = [n for n in names if f"| `{n}` |" not in odd]
        assert not missing, f"{what} without a table row in docs/ODD.md: {missing}"


def test_replace_between_keeps_the_rest():
    text = "a\n<!-- steps:start -->\nold\n<!-- steps:end -->\nb\n"
    new = docs.replace_between(text, *docs.MARKERS["steps"], "new\n")
    assert new == "a\n<!-- steps:start -->\nnew\n<!-- steps:end -->\nb\n"
    assert docs.replace_between(new, *docs.MARKERS["steps"], "new\n") == new
    with pytest.raises(ValueError):
        docs.replace_between("no markers", *docs.MARKERS["steps"], "x")
