"""Every registered investment type (sim/model/blocks.py), tested generically: the scenario schema accepts its
keys and refuses out-of-bounds values with the one-line error; a dose changes the layers it declares and
nothing else; a zero dose changes nothing (layers, costs, results); its cost lands with its payer in the
ledger; the app prices it as wsg_full.yaml does; the generated tables are up to date. A new type is tested
by being registered: none of these tests lists the types."""
from __future__ import annotations

import copy
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from sim import docs
from sim.errors import ScenarioError
from sim.model.blocks import BLOCKS, PAYERS, REQUIRED, TYPES, WSG_GROUPS, block, block_key, dose, priced_investment
from sim.model.neighbourhoods import (KERNEL_FIELDS, LAYERS, KernelLayers, Neighbourhoods, annuity_factor,
                                      investment_cost, investment_cost_by_payer)
from sim.model.parameters import make_params
from sim.model.scenario import INVESTMENT_TYPES, load_scenario, resolve_scenario
from sim.analysis import ledger
from sim.analysis.runner import run_scenario

ROOT = Path(__file__).resolve().parents[1]
SMALL = ROOT / "scenarios" / "small.yaml"
ALL = [[x, y] for x in range(4) for y in range(4)]     # small.yaml's grid
IDS = [b.type for b in BLOCKS]
DOSED = [b for b in BLOCKS if b.dose is not None]
SOURCE = "assumption: test"


def small(**changes) -> dict:
    s = dict(load_scenario(SMALL), **changes)
    return resolve_scenario({k: v for k, v in s.items() if not k.startswith("_")}, file=str(SMALL))


def investment(b, value=None, cells=ALL, start_year=2011) -> dict:
    """An investment of type ``b`` on ``cells``, priced as its block declares, at ``value`` (None: typical)."""
    return priced_investment(b, cells, len(cells), start_year, SOURCE, value)


def zero(b):
    """The no-effect value of ``b``'s dose key, in the key's type."""
    return int(b.no_effect) if block_key(b, b.dose).kind == "int" else b.no_effect


# ----------------------------------------------------------------------------- the declarations

def test_the_schema_and_the_layers_are_read_from_the_registry():
    assert list(INVESTMENT_TYPES) == list(TYPES) and len(set(TYPES)) == len(TYPES)
    for b in BLOCKS:
        assert list(INVESTMENT_TYPES[b.type]) == [k.name for k in b.keys], b.type
        assert b.dose is None or b.dose in INVESTMENT_TYPES[b.type], b.type
        assert set(b.sets) <= set(LAYERS) and {layer.name for layer in b.layers} <= set(b.sets), b.type
        assert b.wsg_group is None or 0 <= b.wsg_group < len(WSG_GROUPS), b.type
        for layer in b.layers:
            assert LAYERS[layer.name] == (layer.dtype, layer.meaning)
            assert layer.kernel is None or layer.kernel in KernelLayers._fields
    assert {b.wsg_group for b in BLOCKS} - {None} == set(range(len(WSG_GROUPS)))   # every map block has a type


def test_kernel_layers_keep_their_eleven_fields_in_order():
    """The engines and the mechanism tests address KernelLayers by these names; block layers come after."""
    assert KernelLayers._fields[:11] == ("facilities", "meeting_near", "alarm_minutes", "respite_access",
                                         "carer_support", "broker", "visits", "signalling", "advice", "uptake",
                                         "activities") == KERNEL_FIELDS
    hood = Neighbourhoods(small(), make_params())
    layers = hood.kernel_layers()
    assert all(a.dtype == np.float64 and a.shape == (hood.n_cells,) for a in layers)
    for layer in (la for b in BLOCKS for la in b.layers if la.kernel):
        np.testing.assert_array_equal(getattr(layers, layer.kernel), hood.layer(layer.name))


@pytest.mark.parametrize("b", BLOCKS, ids=IDS)
def test_each_type_is_described_priced_and_paid_by_a_party(b):
    from sim.workshop.appcache import Levers
    for text in (*b.label, *b.help, b.summary, b.effect, b.downstream, b.price.source):
        assert isinstance(text, str) and text.strip()
    assert b.label[0] != b.label[1] and b.help[0] != b.help[1]        # a Dutch text, not the English one again
    assert b.price.payer in PAYERS and ledger.INVESTOR[b.price.payer] in ledger.PARTIES
    assert b.price.by_use is None or hasattr(make_params(), b.price.by_use)
    for path in b.reads:
        assert (ROOT / "sim" / "model" / path).is_file(), path
    if b.dose is not None:
        k = block_key(b, b.dose)
        assert k.lo <= b.typical <= k.hi and b.typical != b.no_effect and k.lo <= b.no_effect <= k.hi
    if b.lever is not None:
        assert b.lever.field in Levers.__dataclass_fields__ and all(b.lever.label)


def test_every_type_of_the_wsg_files_is_priced_there_as_its_block_declares():
    """The app prices its levers per cell from the registry; the shipped woonservicegebied (8 cells) states
    totals: both agree (fixed amounts x cells, per-unit amounts and lifetimes equal, same payer and dose)."""
    for inv in load_scenario(ROOT / "scenarios" / "wsg_full.yaml")["investments"]:
        b, c, n = block(inv["type"]), inv["cost"], len(inv["cells"])
        assert (c["one_off"], c["yearly"]) == (b.price.one_off * n, b.price.yearly * n), b.type
        assert (c["one_off_per_unit"], c["yearly_per_unit"]) == (b.price.one_off_per_unit, b.price.yearly_per_unit)
        assert (c["lifetime_years"], c["payer"]) == (b.price.lifetime_years, b.price.payer), b.type
        assert b.dose is None or inv[b.dose] == b.typical, b.type


# ----------------------------------------------------------------------------- the scenario schema

def _error(tmp_path, inv) -> ScenarioError:
    path = tmp_path / "s.yaml"
    path.write_text(yaml.safe_dump({"extends": str(SMALL), "name": "s", "investments": [inv]}), encoding="utf-8")
    with pytest.raises(ScenarioError) as excinfo:
        load_scenario(path)
    assert "\n" not in str(excinfo.value) and str(excinfo.value).startswith(f"{path}:")
    return excinfo.value


def _outside(k):
    """Values of key ``k`` the schema must refuse."""
    if k.kind == "choice":
        return ["no such option", 3]
    below = [k.lo] if k.lo_open else [k.lo - 1]
    return below + [k.hi + 1, "many", True] + ([1.5] if k.kind == "int" else [float("nan")])


@pytest.mark.parametrize("b", BLOCKS, ids=IDS)
def test_the_schema_accepts_its_keys_and_refuses_values_out_of_bounds(b, tmp_path):
    inv = investment(b)
    resolved = small(investments=[inv])["investments"][0]
    for k in b.keys:                             # filled in: the given value or the declared default
        assert resolved[k.name] == inv.get(k.name, k.default), k.name
        for value in _outside(k):
            err = _error(tmp_path, {**copy.deepcopy(inv), k.name: value})
            assert err.path == f"investments[0].{k.name}" and err.line is not None, (k.name, value)
            assert str(err).endswith(f"investments[0].{k.name}: expected {err.expected}, found {err.found}")
            bounds = k.options if k.kind == "choice" else [f"{v:.12g}" for v in (k.lo, k.hi)]
            assert all(str(x) in err.expected for x in bounds), err.expected
        if k.default == REQUIRED:
            err = _error(tmp_path, {key: v for key, v in copy.deepcopy(inv).items() if key != k.name})
            assert err.path == f"investments[0].{k.name}" and err.found == "nothing (the key is missing)"
    err = _error(tmp_path, {**copy.deepcopy(inv), "not_a_key": 1})
    assert err.path == "investments[0].not_a_key" and err.found == "unknown key 'not_a_key'"


# ----------------------------------------------------------------------------- dose, layers, cost

def _layers(scenario, year=2011):
    hood = Neighbourhoods(scenario, make_params())
    hood.set_year(year)
    hood.add_dwellings_starting(year)
    return hood


@pytest.mark.parametrize("b", BLOCKS, ids=IDS)
def test_a_dose_changes_the_layers_it_declares_and_nothing_else(b):
    parent, dosed = _layers(small()), _layers(small(investments=[investment(b)]))
    for name in LAYERS:
        same = np.array_equal(parent.layer(name), dosed.layer(name))
        if name == "wsg":
            assert same == (b.wsg_group is None), name
        else:
            assert same == (name not in b.sets), name
    if not b.sets:   # a type that changes no layer changes the stock (adapted dwellings)
        assert (dosed.stock > parent.stock).any()
    changed = [f for f in KernelLayers._fields
               if not np.array_equal(getattr(parent.kernel_layers(), f), getattr(dosed.kernel_layers(), f))]
    # the kernel sees it (team capacity the model reads itself: Model._team_capacity)
    assert bool(changed) == bool(set(b.sets) - {"team_hours_month"}), changed


@pytest.mark.parametrize("b", DOSED, ids=[b.type for b in DOSED])
def test_a_zero_dose_changes_no_layer_no_cost_and_no_stock(b):
    parent = _layers(small())
    scenario = small(investments=[investment(b, zero(b))])
    hood = _layers(scenario)
    for name in LAYERS:
        np.testing.assert_array_equal(parent.layer(name), hood.layer(name), err_msg=name)
    np.testing.assert_array_equal(parent.stock, hood.stock)
    inv = scenario["investments"][0]
    assert dose(inv) == 0.0 and set(investment_cost_by_payer([inv], 2011, 0.04).values()) <= {0.0}
    layers = {k: np.array(v, copy=True) for k, v in parent._base.items()}   # the rule itself, at zero dose
    b.rule(inv, layers, np.arange(parent.n_cells), make_params())
    for name, values in layers.items():
        np.testing.assert_array_equal(values, parent._base[name], err_msg=name)


def test_every_dosed_type_at_zero_dose_gives_results_identical_to_the_parent():
    """One run with every registered dosed type at zero dose (priced as declared, fixed costs included) on every
    cell: every indicator of every year is small.yaml's, cost included; at their typical dose they change it."""
    parent = small(end_year=2013)
    zeros = small(name="zero", end_year=2013, investments=[investment(b, zero(b)) for b in DOSED])
    dosed = small(name="dosed", end_year=2013, investments=[investment(b) for b in DOSED])
    a, z, d = (run_scenario(s, 0).drop(columns="scenario").reset_index(drop=True) for s in (parent, zeros, dosed))
    pd.testing.assert_frame_equal(a, z, check_exact=True)
    assert not a.equals(d)
    changed = a.merge(d, on=["replicate", "year", "indicator"]).query("value_x != value_y").indicator
    assert "cost_investment_per_capita" in set(changed)


def _spending(scenario):
    """ledger.party_spending of one scenario, replicate and year with every other cost at zero."""
    rows = [{"scenario": scenario["name"], "replicate": 0, "year": 2012, "indicator": i, "value": 0.0}
            for i in ledger.NEEDED]
    table = pd.DataFrame(rows)
    table.loc[table.indicator == "inhabitants", "value"] = 20_000.0
    cells = pd.DataFrame({"scenario": [scenario["name"]], "replicate": [0], "year": [2012],
                          "free_adapted_dwellings_dec": [0.0]})
    return ledger.party_spending(table, cells, [scenario], (2012, 2012)).set_index("party")


@pytest.mark.parametrize("b", BLOCKS, ids=IDS)
def test_its_cost_follows_the_dose_and_lands_with_its_payer(b):
    """A fixed and a per-unit amount, charged to the type's payer: the ledger charges that party (and no other)
    the fixed amount plus the per-unit amount times dose and cells; with its declared price it charges nobody
    else either."""
    cells = ALL[:4]
    inv = dict(investment(b, cells=cells), cost={"yearly": 1000.0, "yearly_per_unit": 10.0, "one_off": 500.0,
                                                   "lifetime_years": 5, "payer": b.price.payer, "source": SOURCE})
    s = small(investments=[inv])
    rate = make_params(s["parameters"]).discount_rate_costs
    units = len(cells) * (1.0 if b.dose is None else b.typical - b.no_effect)
    expected = 1000.0 + 10.0 * units + 500.0 * annuity_factor(rate, 5)
    paid = _spending(s).paid
    assert paid[ledger.INVESTOR[b.price.payer]] == pytest.approx(expected, rel=1e-12)
    assert paid.drop(ledger.INVESTOR[b.price.payer]).eq(0.0).all()
    declared = small(investments=[investment(b, cells=cells)])["investments"]
    assert set(investment_cost_by_payer(declared, 2012, rate)) <= {b.price.payer}


# ----------------------------------------------------------------------------- the app and the documents

def test_the_app_prices_its_levers_as_the_registry_and_books_dwellings_over_their_lifetime():
    """The dwelling lever writes wsg_full's cost form (per dwelling, spread over 30 years), not a one-off booked
    in one year; the preview shows the one-off euros."""
    import sim.workshop.appcache as cache
    base = load_scenario(SMALL)
    levers = cache.Levers(where="cells", cells="0,0; 1,0; 2,0", adapted_dwellings=2, alarm_minutes=10,
                          carer_support=0.5, care_team_hours=10, meeting_place=1)
    added = cache.apply_levers(base, levers)["investments"][len(base["investments"]):]
    assert [inv["type"] for inv in added] == [b.type for b in BLOCKS if b.lever is not None]
    for inv in added:
        b = block(inv["type"])
        for name in ("one_off_per_unit", "yearly_per_unit", "lifetime_years"):
            assert inv["cost"][name] == getattr(b.price, name), (b.type, name)
        assert (inv["cost"]["one_off"], inv["cost"]["yearly"]) == (b.price.one_off * 3, b.price.yearly * 3)
    dwellings = added[0]
    rate = make_params(base["parameters"]).discount_rate_costs
    assert investment_cost(dwellings, 2016, rate)["capital"] == pytest.approx(
        2 * 3 * 25_000 * annuity_factor(rate, 30))
    preview = {c["type"]: c for c in cache.lever_costs(base, levers)}
    assert preview["adapted_dwellings"]["one_off"] == 2 * 3 * 25_000
    assert preview["carer_support"]["yearly"] == pytest.approx(0.5 * 3 * 50_000)


def _between(text, start, end):
    return text[text.index(start) + len(start):text.index(end)].strip()


def test_the_odd_and_the_scenario_readme_tables_are_generated_from_the_registry():
    start, end = docs.MARKERS["investments"]
    odd = docs.ODD.read_text(encoding="utf-8")
    readme = docs.SCENARIOS_README.read_text(encoding="utf-8")
    regenerate = "run `python -m sim.docs` to regenerate docs/ODD.md and scenarios/README.md"
    assert _between(odd, start, end) == docs.investment_table_markdown().strip(), regenerate
    assert _between(readme, start, end) == docs.investment_keys_markdown().strip(), regenerate
    for b in BLOCKS:
        assert f"| `{b.type}` |" in _between(odd, start, end) and f"| `{b.type}` |" in _between(readme, start, end)
