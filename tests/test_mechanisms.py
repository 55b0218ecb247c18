"""One test per mechanism: its draws (streams), its state change and its counters, on hand-built
residents. The mechanisms run as the Mesa reference runs them (Python originals on a state of
lists); the last test runs one through the compiled kernel."""
from __future__ import annotations

import types

import numpy as np
import pytest

from sim.model import rng
from sim.model import state as S
from sim.model.engines import kernel as K
from sim.model.engines.reference import _Grid, _Tables, f32, python_rules
from sim.model.mechanisms import access as _access
from sim.model.mechanisms import (care as _care, carer_network as _network, carers as _carers, census as _census,
                                  decline as _decline, events as _events, housing as _housing, mortality as _mortality,
                                  packages as _packages, policy as _policy, waiting as _waiting,
                                  wellbeing as _wellbeing)
from sim.model.mechanisms.common import need_score, need_score_array
from sim.model.declarations import declarations
from sim.model.model import build_tables
from sim.model.month import World
from sim.model.neighbourhoods import KernelLayers
from sim.model.parameters import make_params

MODULES = (_mortality, _decline, _events, _packages, _care, _carers, _network, _housing, _policy, _wellbeing, _census,
           _access, _waiting)
P = make_params({})
MKEY = rng.month_key(rng.run_key(1, 0), 12 * 2015)
BUDGET_SCENARIO = {"municipality": {"grid": {"width": 1, "height": 1}}}   # one cell, the default access route
DEFAULTS = dict(pid=0, age_months=70 * 12, sex=0, partner=0, ses=1, sector=0, level=0, phys=f32(0.8), cog=f32(0.9),
                network=f32(0.5), carer=0, carer_hours=0.0, strain=0.0, dwelling=0, cell=0, residence=S.HOME,
                months_home=0, inst_history=0, wellbeing=f32(0.7), waiting=0, unmet=0.0, flags=0,
                indicated_month=0, wmo_state=0, wmo_months=0, wmo_since=0, wmo_path=0, formal_hours=0.0)


def residents(n=1, **fields) -> S.State:
    """A state of ``n`` residents as lists (a value for all, or a list of one per resident); a field not named takes
    its value in DEFAULTS, else the initial value its owner declares."""
    cols = {}
    for name in S.FIELDS:
        v = fields.get(name, list(range(n)) if name == "pid" else DEFAULTS.get(name, S.initial_values().get(name)))
        cols[name] = list(v) if isinstance(v, list) else [v] * n
    return S.State(**cols)


def tables(**arrays):
    return _Tables(build_tables(P)._replace(**{k: np.asarray(v, dtype=np.float64) for k, v in arrays.items()}))


def layers(n_cells=1, **values):
    base = dict.fromkeys(KernelLayers._fields, 0.0) | dict(alarm_minutes=60.0, broker=1.0) | values
    return KernelLayers(*([base[f]] * n_cells for f in KernelLayers._fields))


def acc_row():
    return [0] * S.N_ACC


def cell_row(n_cells=1):
    return np.zeros((n_cells, S.N_CELL), dtype=np.int64)


def counted(acc) -> dict:
    return {S.ACC_NAMES[j]: v for j, v in enumerate(acc) if v}


def pm(pid=0, mkey=MKEY):
    return rng.person_month_key_py(mkey, pid)


def pid_with_draw(stream, below=None, above=None):
    """A resident id whose draw of ``stream`` this month is below (or above) a value."""
    for pid in range(10_000):
        u = rng.uniform_py(pm(pid), rng.STREAM[stream])
        if (below is None or u < below) and (above is None or u >= above):
            return pid
    raise AssertionError("no such pid")


def need_of(st, i):
    """The need score a pass hands to the mechanisms (from the stored functioning)."""
    return need_score(float(st.phys[i]), float(st.cog[i]))


def traced(module, name):
    """A mechanism function (Python original) that records the streams it draws."""
    fn = getattr(python_rules(module), name)
    drawn = []
    g = dict(fn.__globals__)
    name = {sid: n for n, sid in rng.STREAM.items()}
    g["uniform"] = lambda key, stream: drawn.append(name[stream]) or rng.uniform_py(key, stream)
    return types.FunctionType(fn.__code__, g, fn.__name__, fn.__defaults__, fn.__closure__), drawn


# --- ownership --------------------------------------------------------------------------------------------
def test_every_stream_has_one_owner_and_every_counter_an_adder():
    owners = [s for m in MODULES for s in m.STREAMS]
    assert sorted(owners) == sorted(rng.PROCESSES)       # each stream used by exactly one mechanism
    declared = {c for m in MODULES for c in m.COUNTERS}
    assert declared == set(S.ACC_NAMES)


def test_every_mechanism_module_is_tested_here():
    assert {m.__name__.rsplit(".", 1)[1] for m in MODULES} == set(declarations())


# the resident fields and dtypes before the mechanisms declared them (a dtype is part of the results)
DTYPES_BEFORE = dict(
    pid=np.int32, age_months=np.int16, sex=np.int8, partner=np.int8, ses=np.int8, sector=np.int8, level=np.int8,
    phys=np.float32, cog=np.float32, network=np.float32, carer=np.int8, carer_hours=np.float32, strain=np.float32,
    dwelling=np.int8, cell=np.int16, residence=np.int8, months_home=np.int16, inst_history=np.uint32,
    wellbeing=np.float32, waiting=np.int16, unmet=np.float32, flags=np.uint8, indicated_month=np.int16,
    wmo_state=np.int8, wmo_months=np.int16, wmo_since=np.int16, wmo_path=np.int8, formal_hours=np.float32)


def test_every_declared_field_is_in_the_state_with_its_dtype():
    state = dict(S.STATE)
    declared = [row for m in MODULES for row in m.FIELDS] + list(S.PERSON_FIELDS)
    for name, dtype, initial, unit in declared:
        assert state[name] is np.dtype(dtype).type, name
        assert unit and (initial == S.DRAWN or isinstance(initial, (int, float))), name
    assert sorted(name for name, *_ in declared) == sorted(S.FIELDS)   # each field declared once
    assert {name: state[name] for name in DTYPES_BEFORE} == DTYPES_BEFORE   # every field kept its dtype
    assert S.FIELDS[0] == "pid"


def test_new_people_start_at_every_fields_declared_initial_value():
    from sim.model.population import _new_people

    n = 400
    people = _new_people(np.random.default_rng(3), P, n, np.linspace(65, 100, n), np.arange(n, dtype=np.int8) % 2,
                         np.arange(n, dtype=np.int16) % 3, 10)
    assert set(people) == set(S.FIELDS)
    for f in S.FIELD_SPECS:
        values = np.broadcast_to(np.asarray(people[f.name]).astype(f.dtype), (n,))
        if f.initial == S.DRAWN:
            assert f.name in ("sector", "level") or len(set(values.tolist())) > 1, f.name   # drawn per person
        else:
            assert (values == f.initial).all(), f.name
    assert people["pid"].tolist() == list(range(10, 10 + n)) and S.initial_values()["residence"] == S.HOME


def test_each_mechanism_declares_the_parameters_it_reads():
    import inspect
    import re

    from sim.model.parameters import default_parameters

    known = set(default_parameters())
    for m in MODULES:
        read = set(re.findall(r"\bp\.([a-z_0-9]+)", inspect.getsource(m))) - {"_replace"}
        assert read <= set(m.PARAMETERS), (m.__name__, read - set(m.PARAMETERS))
        assert set(m.PARAMETERS) <= known, (m.__name__, set(m.PARAMETERS) - known)


def test_a_declaration_must_be_a_literal(tmp_path, monkeypatch):
    """The declarations are read from the source, so an expression is refused with its file and line."""
    import sim.model.declarations as D

    (tmp_path / "extra.py").write_text('COUNTERS = ("a",)\nSTREAMS = {"x": 99}\nFIELDS = tuple(["y"])\n')
    monkeypatch.setattr(D, "MECHANISMS", tmp_path)
    D.declarations.cache_clear()
    try:
        with pytest.raises(ValueError, match=r"extra.py:3: FIELDS: expected a literal"):
            D.declarations()
    finally:
        monkeypatch.undo()
        D.declarations.cache_clear()
    assert "extra" not in D.declarations() and "care" in D.declarations()


def test_need_score_array_is_the_scalar_rule():
    phys = np.array([1.0, 0.2, 0.7, 0.0, 0.55], dtype=np.float32)
    cog = np.array([1.0, 0.9, 0.3, 0.0, 0.55], dtype=np.float32)
    want = [need_score.py_func(float(a), float(b)) for a, b in zip(phys, cog)]
    assert need_score_array(phys, cog).tolist() == want
    assert want[3] == 1.0 and want[0] == 0.0


# --- mortality --------------------------------------------------------------------------------------------
def test_mortality_death_counts_age_place_and_the_spell_it_ends():
    mortality = python_rules(_mortality)
    pid = pid_with_draw("mortality", below=0.95 / 12)
    tb = tables(death_annual=np.ones((2, 121)))
    month, drawn = traced(_mortality, "month")
    # 85, in an institution for the past two years: dies
    st = residents(pid=[pid], age_months=85 * 12, residence=S.INSTITUTION, inst_history=S.U32)
    acc, cells = acc_row(), cell_row()
    assert month(P, tb, st, 0, pm(pid), 1.0, 0.5, acc, cells)
    assert drawn == ["mortality"]
    assert st.residence[0] == S.DEAD and st.age_months[0] == 85 * 12 + 1 and st.inst_history[0] == S.U32
    assert counted(acc) == {"deaths_65plus": 1, "deaths_80plus": 1, "dec80_intramural": 1, "dec80_intramural_2y": 1}
    # 70 at home, a package spell of 7 months, in a step-free dwelling of the stock
    st = residents(pid=[pid], flags=S.PKG_IN_RUN | S.STOCK_UNIT, months_home=7, dwelling=_housing.STEP_FREE)
    acc, cells = acc_row(), cell_row()
    assert mortality.month(P, tb, st, 0, pm(pid), 1.0, 0.5, acc, cells)
    assert counted(acc) == {"deaths_65plus": 1, "spells_ended": 1, "spell_months": 7}
    assert cells[0, S.C_REL_SF] == 1 and st.inst_history[0] == 0
    # no death where the life table says none
    st = residents(pid=[pid])
    assert not mortality.month(P, tables(death_annual=np.zeros((2, 121))), st, 0, pm(pid), 1.0, 0.5, acc_row(), cells)
    assert st.residence[0] == S.HOME and st.age_months[0] == 70 * 12 + 1


def test_nursing_home_residents_die_at_least_at_the_nursing_home_rate():
    mortality = python_rules(_mortality)
    low = 0.01   # a life-table rate far below the nursing-home rate
    assert mortality.death_probability_month(P, low, 1.0, 0.0, True, 1.0) == P.mort_nursing_home_annual / 12.0
    assert mortality.death_probability_month(P, low, 1.0, 0.0, False, 1.0) == low / 12.0
    assert mortality.death_probability_month(P, 0.5, 1.0, 0.0, True, 1.0) == 0.5 / 12.0   # the higher rate wins
    # a VV resident of an institution dies on a draw below the nursing-home rate, a VG resident does not
    pid = pid_with_draw("mortality", below=P.mort_nursing_home_annual / 12.0, above=0.02 / 12.0)
    tb = tables(death_annual=np.full((2, 121), 0.01))
    for sector, dies in ((1, True), (2, False)):
        st = residents(pid=[pid], age_months=85 * 12, residence=S.INSTITUTION, sector=sector, level=6)
        acc = acc_row()
        assert mortality.month(P, tb, st, 0, pm(pid), 1.0, 0.0, acc, cell_row()) == dies
        assert counted(acc).get("deaths_institution_vv", 0) == (1 if dies else 0)


def test_younger_clients_leave_without_dying():
    month, drawn = traced(_mortality, "month")
    p = P._replace(young_exit_ggz=0.6)
    pid = pid_with_draw("young_exit", below=0.6 / 12.0)
    tb = tables(death_annual=np.zeros((2, 121)))
    st = residents(pid=[pid], age_months=30 * 12, sector=5, level=3, flags=S.PKG_IN_RUN | S.STOCK_UNIT,
                   dwelling=_housing.STEP_FREE)
    acc, cells = acc_row(), cell_row()
    assert month(p, tb, st, 0, pm(pid), 1.0, 0.3, acc, cells)
    assert sorted(drawn) == ["mortality", "young_exit"]
    assert st.residence[0] == S.DEAD and counted(acc) == {"young_exits": 1}   # no death, no spell ended
    assert cells[0, S.C_REL_SF] == 1
    # an older client of the same sector, or a rate of 0, does not leave by this rule
    for age, rate in ((70, 0.6), (30, 0.0)):
        st = residents(pid=[pid], age_months=age * 12, sector=5, level=3)
        assert not python_rules(_mortality).month(P._replace(young_exit_ggz=rate), tb, st, 0, pm(pid), 1.0, 0.3, acc_row(), cell_row())
        assert st.residence[0] == S.HOME


def test_widowhood_ends_the_partner_as_co_resident_carer():
    mortality = python_rules(_mortality)
    pid = pid_with_draw("widowhood", below=0.5 / 12.0)
    tb = tables(death_annual=np.array([np.zeros(121), np.full(121, 0.5)]))   # only women die
    # a man of 85 whose wife cares for him: widowed, the carer is gone
    st = residents(pid=[pid], age_months=85 * 12, sex=0, partner=1, carer=_carers.CO_RESIDENT,
                   carer_hours=f32(20.0), strain=f32(0.4))
    acc = acc_row()
    assert not mortality.month(P, tb, st, 0, pm(pid), 1.0, 0.3, acc, cell_row())
    assert (st.partner[0], st.carer[0], st.carer_hours[0], st.strain[0]) == (0, _carers.NO_CARER, 0.0, 0.0)
    assert counted(acc) == {"widowed": 1}
    # a carer living elsewhere stays; a woman (her partner: the male rate, 0 here) is not widowed
    st = residents(pid=[pid], age_months=85 * 12, sex=0, partner=1, carer=_carers.ELSEWHERE)
    mortality.month(P, tb, st, 0, pm(pid), 1.0, 0.3, acc_row(), cell_row())
    assert (st.partner[0], st.carer[0]) == (0, _carers.ELSEWHERE)
    st = residents(pid=[pid], age_months=85 * 12, sex=1, partner=1, carer=_carers.CO_RESIDENT)
    mortality.month(P, tb, st, 0, pm(pid), 1.0, 0.3, acc_row(), cell_row())
    assert (st.partner[0], st.carer[0]) == (1, _carers.CO_RESIDENT)


# --- decline ----------------------------------------------------------------------------------------------
def test_decline_lowers_functioning_by_the_tables_and_a_shock():
    p = P._replace(decline_noise=0.0, decline_shock_annual=0.0)
    tb = tables(decline_phys=np.full(121, 0.12), decline_cog=np.full(121, 0.24))
    month, drawn = traced(_decline, "month")
    st = residents()   # multiplier 1: no package, network 0.5, nothing unmet, no facilities
    phys = month(p, tb, layers(), st, 0, pm(), 1.0)
    assert sorted(drawn) == sorted(_decline.STREAMS)
    assert phys == f32(0.8) - 0.01
    assert st.cog[0] == f32(f32(0.9) - 0.02) and st.phys[0] == f32(0.8)   # phys stored later, by events
    st = residents()
    shocked = month(p._replace(decline_shock_annual=12.0), tb, layers(), st, 0, pm(), 1.0)
    assert shocked == pytest.approx(phys - p.decline_shock_size)


def test_the_decline_falls_with_the_mortality_improvement():
    """decline_follows_mortality: 1 scales the age-specific loss by the year's mortality improvement, 0 leaves it."""
    tb = tables(decline_phys=np.full(121, 0.12), decline_cog=np.full(121, 0.24))
    month, _ = traced(_decline, "month")
    for share, loss in ((1.0, 0.01 * 0.75), (0.0, 0.01), (0.5, 0.01 * 0.875)):
        p = P._replace(decline_noise=0.0, decline_shock_annual=0.0, decline_follows_mortality=share)
        phys = month(p, tb, layers(), residents(), 0, pm(), 0.75)
        assert phys == pytest.approx(f32(0.8) - loss), share


# --- events -----------------------------------------------------------------------------------------------
def test_a_fall_lowers_phys_and_counts_falls_of_65plus():
    p = P._replace(fall_injury_hospital=0.0)
    tb = tables(fall_annual=np.full(121, 1e9), hospital_annual=np.zeros(121))
    month, drawn = traced(_events, "month")
    st = residents(2, age_months=[70 * 12, 60 * 12])
    acc, cells = acc_row(), cell_row()
    for i in range(2):
        month(p, tb, layers(), st, i, pm(i), 0.7, 0.25, acc, cells)   # need 0.25: no alarm
    assert drawn == ["fall", "fall_injury", "hospital"] * 2
    assert st.phys == [f32(0.7 - p.fall_phys_loss)] * 2
    assert counted(acc) == {"falls_65plus": 1}
    assert cells[0, S.C_FALLS] == 2


def test_a_late_alarm_answer_can_be_a_crisis_in_hospital():
    pid = pid_with_draw("alarm_call", below=0.5 / 12)
    p = P._replace(alarm_call_rate=1.0, crisis_if_late=1.0)
    tb = tables(fall_annual=np.zeros(121), hospital_annual=np.zeros(121))
    month, drawn = traced(_events, "month")
    st = residents(pid=[pid])
    acc = acc_row()
    month(p, tb, layers(alarm_minutes=60.0), st, 0, pm(pid), 0.7, 0.5, acc, cell_row())
    assert drawn == ["fall", "hospital", "alarm_call", "crisis"]
    assert st.flags[0] & S.CRISIS
    assert st.phys[0] == f32(0.7 - p.crisis_phys_loss - p.hospital_phys_loss)
    assert counted(acc) == {"alarm_users": 1, "alarm_calls": 1, "hospital_all": 1, "hospital_65plus": 1, "crises": 1}
    # answered in time: counted, no crisis, and last month's crisis flag is cleared
    st = residents(pid=[pid], flags=S.CRISIS)
    acc = acc_row()
    month(p, tb, layers(alarm_minutes=5.0), st, 0, pm(pid), 0.7, 0.5, acc, cell_row())
    assert st.flags[0] == 0 and st.phys[0] == f32(0.7)
    assert counted(acc) == {"alarm_users": 1, "alarm_calls": 1, "alarm_on_time": 1}


def test_events_same_key_same_result_other_month_other_draws():
    events = python_rules(_events)
    tb = tables(fall_annual=np.full(121, 1.0))
    runs = []
    for mkey in (MKEY, MKEY, rng.month_key(rng.run_key(1, 0), 12 * 2015 + 1)):
        st = residents(200, pid=list(range(200)))
        for i in range(200):
            events.month(P, tb, layers(), st, i, pm(i, mkey), 0.7, 0.25, acc_row(), cell_row())
        runs.append(st.phys)
    assert runs[0] == runs[1] and runs[0] != runs[2]


# --- packages ---------------------------------------------------------------------------------------------
def test_indication_gives_a_vv_level_and_starts_a_spell_at_home():
    p = P._replace(indication_apply_month=1.0)
    need = (p.need_threshold_vv1 + p.need_threshold_vv2) / 2
    month, drawn = traced(_packages, "month")
    st = residents(2, phys=f32(1.0 - need), cog=1.0, residence=[S.HOME, S.INSTITUTION], months_home=5)
    for i in range(2):
        month(p, layers(), st, i, pm(i), 24185, need_of(st, i))
    assert drawn == ["indication"] * 2
    assert st.sector == [_packages.VV] * 2 and st.level == [1, 1] and st.indicated_month == [24185] * 2
    assert st.flags == [S.PKG_IN_RUN, 0] and st.months_home == [0, 5]
    st = residents(phys=f32(1.0 - need), cog=1.0)
    month(p._replace(indication_apply_month=0.0), layers(), st, 0, pm(), 24185, need_of(st, 0))
    assert st.level == [0] and st.flags == [0]


# --- care -------------------------------------------------------------------------------------------------
def test_care_at_home_counts_needed_and_delivered_and_stores_unmet():
    care = python_rules(_care)
    st = residents(phys=f32(0.3), cog=f32(0.8))
    acc, cells = acc_row(), cell_row()
    informal, wlz, household, unmet, needed_w = care.at_home(P, st, 0, need_of(st, 0), 0.5, False, acc, cells)
    assert wlz == 0 and unmet == 0.5 and st.unmet[0] == 0.5
    c = counted(acc)
    assert c["needed_c"] > 0 and abs(c["delivered_c"] - c["needed_c"] / 2) <= 1
    hours = sum(v for k, v in c.items() if k.endswith("_c") and k not in ("needed_c", "delivered_c"))
    assert abs(hours - c["delivered_c"]) <= 5 and not any("wlz" in k for k in c)
    assert cells[0, S.C_NEEDED] == c["needed_c"] and cells[0, S.C_UNMET] == c["needed_c"] - c["delivered_c"]
    cells = cell_row()
    care.demand(P, residents(phys=1.0, cog=1.0), 0, 0.0, cells)
    assert cells[0, S.C_DEMAND] == 0
    care.demand(P, st, 0, need_of(st, 0), cells)
    assert cells[0, S.C_DEMAND] == c["needed_c"]


def test_household_help_starts_at_a_need_that_rises_with_income():
    """household_need for the lowest income third, household_need_income_step higher per third (issue 25)."""
    care = python_rules(_care)
    p = P._replace(household_need=0.3, household_need_income_step=0.1)
    assert [care.household_need_of(p, ses) for ses in (0, 1, 2)] == pytest.approx([0.3, 0.4, 0.5])
    low, high = (care.formal_hours_by_type_month(p, 5.0, 0.6, 1.0, 0.45, ses) for ses in (0, 2))
    assert low[2] > 0.0 and high[2] == 0.0 and sum(low) == pytest.approx(sum(high))


def test_a_staff_shortage_stops_whole_clients_and_reported_unmet_counts_people_65plus_with_a_need():
    """care.staffed_ratio: no draw and the neighbourhood's ratio without a shortage, 0 with a certain one;
    care.reported: a resident 65+ at home with a need above care_need_s0 counts, and reports too little help
    from an unmet share of unmet_report_threshold (issue 25)."""
    care = python_rules(_care)
    assert care.staffed_ratio(0.8, 0.0, 12345) == 0.8 and care.staffed_ratio(0.8, 1.0, 12345) == 0.0
    stops = [care.staffed_ratio(1.0, 0.3, key) for key in range(2000)]
    assert 0.25 < stops.count(0.0) / 2000 < 0.35
    p = P._replace(unmet_report_threshold=0.1)
    assert care.reports_unmet(p, p.care_need_s0, 1.0) == (False, False)
    assert care.reports_unmet(p, p.care_need_s0 + 0.1, 0.09) == (True, False)
    assert care.reports_unmet(p, p.care_need_s0 + 0.1, 0.1) == (True, True)
    for age, counts in ((70, 1), (60, 0)):
        st, acc = residents(age_months=[age * 12]), acc_row()
        care.reported(p, st, 0, p.care_need_s0 + 0.1, 0.5, acc)
        assert counted(acc) == ({"care_need_months_65": 1, "unmet_reported_months_65": 1} if counts else {})


def test_personal_care_and_nursing_start_at_the_nursing_need_and_demand_is_the_sum_of_the_types():
    """nursing_need: below it the physical hours are no home care or nursing (the Wmo hours are unchanged); the
    neighbourhood demand and the hours needed are the sum of the types."""
    care = python_rules(_care)
    st = residents(phys=f32(0.3), cog=f32(0.8))
    need = need_of(st, 0)
    above = care.formal_hours_by_type_month(P._replace(nursing_need=need - 0.01), 5.0, 0.3, 0.8, need)
    below = care.formal_hours_by_type_month(P._replace(nursing_need=need + 0.01), 5.0, 0.3, 0.8, need)
    assert above[0] > 0 and above[1] > 0 and below[:2] == (0.0, 0.0) and below[2:] == above[2:]
    p = P._replace(nursing_need=need + 0.01)
    acc, cells = acc_row(), cell_row()
    care.at_home(p, st, 0, need, 1.0, False, acc, cells)
    c = counted(acc)
    assert "home_care_c" not in c and "district_nursing_c" not in c
    demand = cell_row()
    care.demand(p, st, 0, need, demand)
    assert demand[0, S.C_DEMAND] == c["needed_c"] == c["delivered_c"]


def test_each_disability_sector_has_its_own_day_tariff():
    t = build_tables(P).tariff_day
    for sector, name in ((_packages.VG, "tariff_vg_day"), (_packages.LG, "tariff_lg_day"),
                         (_packages.ZG, "tariff_zg_day"), (_packages.GGZ, "tariff_ggz_day")):
        assert (t[sector, 1:] == getattr(P, name)).all(), name


def test_care_in_institution_counts_the_place_and_its_payer():
    care = python_rules(_care)
    acc, cells = acc_row(), cell_row(2)
    st = residents(2, sector=[_packages.VV, _packages.GGZ], level=[5, 3], residence=S.INSTITUTION, unmet=0.3,
                   cell=[1, 0])
    for i in range(2):
        care.in_institution(_Tables(build_tables(P)), st, i, acc, cells)
    days = 365.25 / 12
    vv_month = int(P.tariff_vv_day_mid * days * 100 + 0.5)
    assert counted(acc) == {"occ_VV": 1, "occ_GGZ": 1, "intramural_cost_wlz_cents": vv_month,
                            "intramural_cost_vv_cents": vv_month,       # the V&V part of the Wlz's places
                            "intramural_cost_ggz_cents": int(P.tariff_ggz_day * days * 100 + 0.5)}
    # the same cost in each resident's cell (areas.parquet)
    assert cells[1, S.CA["intramural_cost_wlz_cents"]] == vv_month and cells[0, S.CA["intramural_cost_wlz_cents"]] == 0
    assert cells[0, S.CA["intramural_cost_ggz_cents"]] == acc[S.A["intramural_cost_ggz_cents"]] > 0
    assert st.unmet == [0.0, 0.0]


# --- carers -----------------------------------------------------------------------------------------------
def test_a_carer_is_found_gives_hours_and_breaks_down_when_overburdened():
    p = P._replace(carer_new_month=1.0, carer_breakdown_month=1.0, carer_helpers_mean=0.0)   # the main carer alone
    month, drawn = traced(_carers, "month")
    st = residents(2, network=1.0, carer=[_carers.NO_CARER, _carers.CO_RESIDENT], strain=[0.0, 0.99])
    acc = acc_row()
    month(p, layers(), st, 0, pm(0), 10.0, 10.0, 0, acc, cell_row())
    assert drawn == ["carer_helpers", "carer_new", "carer_breakdown"]   # helpers: a care episode may start
    assert st.carer[0] == _carers.ELSEWHERE and st.carer_hours[0] == 10.0 and st.strain[0] > 0.0
    # no carer at the start: the part of the need not turned into formal demand was uncovered, and the new
    # carer gave 10 of it
    short = (1.0 - p.formal_no_carer_extra) * 10.0 - 10.0
    assert counted(acc) == {"mantelzorg_c": int(10.0 * 52 / 12 * 100 + 0.5), "informal_needed_c": 4333}
    assert short <= 0.0
    acc, cells = acc_row(), cell_row()
    month(p, layers(respite_access=1.0), st, 1, pm(1), 10.0, 10.0, 1, acc, cells)
    assert st.carer[1] == _carers.NO_CARER and st.strain[1] == 0.0
    assert acc[S.A["breakdowns"]] == 1 and acc[S.A["respite_wlz_c"]] > 0 and acc[S.A["respite_c"]] == 0
    # the respite hours also in the resident's cell (areas.parquet)
    assert cells[0, S.CA["respite_wlz_c"]] == acc[S.A["respite_wlz_c"]] and cells[0, S.CA["respite_c"]] == 0



def test_carer_support_relieves_the_strain_that_hours_add():
    p = P._replace(carer_breakdown_month=0.0, strain_recovery=0.0, respite_strain_threshold=1.0)
    month, _ = traced(_carers, "month")
    strain = []
    for support in (0.0, 0.5):
        st = residents(carer=_carers.ELSEWHERE, strain=0.2, age_months=70 * 12)
        month(p, layers(carer_support=support), st, 0, pm(0), 10.0, 10.0, 0, acc_row(), cell_row())
        strain.append(st.strain[0])
    gain = p.strain_per_hour * 10.0
    assert strain[0] == pytest.approx(0.2 + gain, abs=1e-6)
    assert strain[1] == pytest.approx(0.2 + 0.5 * gain, abs=1e-6)   # half the gain with support 0.5


def test_an_old_partner_gives_fewer_hours_and_the_shortfall_is_unmet_need():
    carers = python_rules(_carers)
    p = P._replace(carer_breakdown_month=0.0, carer_new_month=0.0)
    assert carers.coresident_cap(p, 70) == p.informal_cap_coresident
    assert carers.coresident_cap(p, 85) == pytest.approx(p.informal_cap_coresident * (1 - 10 * p.carer_cap_fall_per_year))
    assert carers.coresident_cap(p, 110) == pytest.approx(p.informal_cap_coresident * p.carer_cap_floor)
    given, shortfalls = [], []
    for age in (70, 90):   # a partner asked for 39 h a week, with a package (a client's carer)
        st = residents(carer=_carers.CO_RESIDENT, age_months=age * 12, level=5, sector=1)
        acc = acc_row()
        carers.month(p, layers(), st, 0, pm(0), 39.0, 39.0, 0, acc, cell_row())
        given.append(st.carer_hours[0])
        shortfalls.append(acc[S.A["informal_shortfall_c"]])
        assert counted(acc)["client_carer_months"] == 1 and counted(acc)["client_carer_months_over_8h"] == 1
    assert given[0] == 39.0 and given[1] == pytest.approx(carers.coresident_cap(p, 90), abs=1e-5)
    assert shortfalls[0] == 0 and shortfalls[1] == int((39.0 - float(given[1])) * 52 / 12 * 100 + 0.5)
    # without a carer and no new one: the need not turned into formal hours is all shortfall
    st = residents(carer=_carers.NO_CARER, network=0.0)
    acc = acc_row()
    carers.month(p, layers(), st, 0, pm(0), 0.0, 10.0, 0, acc, cell_row())
    assert acc[S.A["informal_shortfall_c"]] == int((1 - p.formal_no_carer_extra) * 10.0 * 52 / 12 * 100 + 0.5)
    assert "client_carer_months" not in counted(acc)


def test_an_informal_shortfall_counts_as_unmet_need_weighted_by_hours():
    carers = python_rules(_carers)
    p = P._replace(informal_shortfall_unmet=1.0)
    # 10 formal hours a week, 20 % not delivered; 5 informal hours needed, 3 not given: (2 + 3) / (10 + 5)
    assert carers.unmet_with_shortfall(p, 0.2, 10.0, 5.0, 3.0) == pytest.approx(5.0 / 15.0)
    assert carers.unmet_with_shortfall(p, 0.2, 10.0, 5.0, -1.0) == pytest.approx(2.0 / 15.0)   # more given than asked
    assert carers.unmet_with_shortfall(p._replace(informal_shortfall_unmet=0.5), 0.0, 0.0, 4.0, 4.0) == 1.0
    assert carers.unmet_with_shortfall(p._replace(informal_shortfall_unmet=0.0), 0.2, 10.0, 5.0, 3.0) == 0.2
    # in the month: no carer and no network, the part not turned into formal hours is unmet
    st = residents(carer=_carers.NO_CARER, network=0.0)
    unmet = carers.month(p, layers(), st, 0, pm(0), 0.0, 10.0, 0, acc_row(), cell_row(), 0.0, 10.0)
    short = (1 - p.formal_no_carer_extra) * 10.0
    assert unmet == pytest.approx(short / (10.0 + short)) and st.unmet[0] == np.float32(unmet)


def test_the_care_network_spreads_the_hours_over_the_main_carer_and_its_helpers():
    net = python_rules(_network)
    p = P._replace(helper_cap=4.0, helper_share=0.4, helper_relief=1.0)
    # 20 h asked, a main carer capped at 16, two helpers: they give 8 (2 x 4 = 0.4 x 20), all taken off the main
    assert net.spread(p, 20.0, 16.0, 2) == (12.0, 8.0)
    # no relief: the main carer gives all it can, the helpers only fill the 4 h over its cap
    assert net.spread(p._replace(helper_relief=0.0), 20.0, 16.0, 2) == (16.0, 4.0)
    assert net.spread(p._replace(helper_relief=0.5), 20.0, 16.0, 2) == (16.0, 4.0)   # 4 off, 16 left: the cap
    assert net.spread(p._replace(helper_relief=0.5), 20.0, 30.0, 2) == (16.0, 4.0)   # no gap to fill: 4 given
    assert net.spread(p, 20.0, 16.0, 0) == (16.0, 0.0) and net.spread(p, 0.0, 16.0, 3) == (0.0, 0.0)
    # helpers of a new episode: none without a network; geometric with mean carer_helpers_mean x network
    assert net.helpers_drawn(p, 0.0, 0.0) == 0 and net.helpers_drawn(p, 1.0, 0.0) == net.MAX_HELPERS
    u = (np.arange(20000) + 0.5) / 20000
    mean = np.mean([net.helpers_drawn(p._replace(carer_helpers_mean=1.0), 0.6, x) for x in u])
    assert mean == pytest.approx(0.6, abs=0.02)
    assert net.episode_months(3, 1.0) == 4 and net.episode_months(3, 0.0) == 0


def test_the_network_month_exposes_the_hours_asked_and_given_and_the_census_counts_every_helper():
    p = P._replace(carer_breakdown_month=0.0, carer_helpers_mean=6.0, helper_relief=1.0)
    carers = python_rules(_carers)
    pid = pid_with_draw("carer_helpers", below=0.2)
    st = residents(pid=[pid], carer=_carers.ELSEWHERE, network=1.0, age_months=80 * 12)
    acc = acc_row()
    carers.month(p, layers(), st, 0, pm(pid), 10.0, 10.0, 0, acc, cell_row())
    helpers = int(st.helpers[0])
    helped = min(helpers * p.helper_cap, p.helper_share * 10.0)
    assert helpers >= 1 and st.care_months[0] == 1
    assert st.carer_hours[0] == pytest.approx(10.0 - helped) and st.informal_given[0] == pytest.approx(10.0)
    assert st.informal_asked[0] == 10.0 and "informal_shortfall_c" not in counted(acc)
    assert acc[S.A["mantelzorg_c"]] == int(10.0 * 52 / 12 * 100 + 0.5)   # the main carer's and the helpers' hours
    # a carer without a network's helpers at its cap: asked 20, given 16, the 4 h short are the month's shortfall
    st2 = residents(carer=_carers.ELSEWHERE, network=0.0)
    carers.month(p, layers(), st2, 0, pm(0), 20.0, 20.0, 0, acc_row(), cell_row())
    assert (st2.informal_asked[0], st2.informal_given[0]) == (20.0, p.informal_cap_elsewhere)
    # July: the main carer and each helper are counted; the episode of 5 months is long; only the main carer strains
    census = python_rules(_census)
    st.care_months[0], st.strain[0] = 5, 0.9
    acc, cells = acc_row(), cell_row()
    census.count(P, st, 0, False, 0.0, acc, cells)
    c = counted(acc)
    assert (c["carers"], c["carers_main"], c["carers_long"], c["carers_cbs"]) == (1 + helpers, 1, 1 + helpers, 1 + helpers)
    assert c["carers_overburdened"] == 1 and "carers_over_8h" not in c and c["informal_receivers_75plus"] == 1
    assert cells[0, S.CA["carers"]] == 1 + helpers


# --- housing ----------------------------------------------------------------------------------------------
def test_adaptation_and_a_wish_to_move_then_the_move_into_free_stock():
    p = P._replace(adaptation_month=1.0, move_month=1.0)
    month, drawn = traced(_housing, "month")
    needy = f32(1.0 - (p.move_need_step_free + p.move_need_wheelchair) / 2)
    st = residents(2, phys=needy, cog=1.0)
    acc, cells = acc_row(), cell_row()
    for i in range(2):
        month(p, layers(), st, i, pm(i), need_of(st, i), acc, cells)
    assert drawn == ["adaptation", "move"] * 2
    assert st.dwelling == [_housing.GRAB_BARS] * 2 and st.flags == [S.MOVE_STEP_FREE] * 2
    assert counted(acc) == {"adaptations": 2} and cells[0, S.CA["adaptations"]] == 2
    housing = python_rules(_housing)
    stock = np.array([[1, 0]])
    acc = acc_row()
    for i in range(2):
        housing.move_in(st, i, stock, acc)   # one free step-free dwelling: the first resident gets it
    assert st.dwelling == [_housing.STEP_FREE, _housing.GRAB_BARS]
    assert st.flags == [S.MOVE_STEP_FREE | S.STOCK_UNIT, S.MOVE_STEP_FREE]
    assert stock.tolist() == [[0, 0]] and counted(acc) == {"moves": 1}


# --- policy -----------------------------------------------------------------------------------------------
def test_admission_wish_priority_and_admission():
    policy = python_rules(_policy)
    wish, drawn = traced(_policy, "wish")
    st = residents(3, flags=[S.CRISIS, 0, 0], waiting=[0, 4, 2], sector=_packages.VV, level=[5, 3, 6],
                   months_home=[3, 0, 9])
    for i, right in enumerate((True, True, False)):
        wish(P, st, i, pm(i), fixed(i), need_of(st, i), right, 2015, acc_row())
    assert st.flags[0] & S.WANTS_ADMISSION and st.flags[1] & S.WANTS_ADMISSION and st.waiting[2] == 0
    assert drawn == ["admission_request", "home_preference"] * 2   # no right, no draw
    assert [policy.priority(st, i) for i in range(2)] == [0, 1000000 - 4]
    st.flags[1] |= S.PKG_IN_RUN | S.STOCK_UNIT
    st.dwelling[1] = _housing.WHEELCHAIR
    free, stock, acc, cells = np.array([1, 0, 0, 0, 0]), np.zeros((1, 2), dtype=np.int64), acc_row(), cell_row()
    cut = np.zeros((6, 11), dtype=np.int8)
    cut[_packages.VV, 3] = 1
    policy.admit(st, 1, free, cut, stock, acc, cells)
    policy.admit(st, 0, free, cut, stock, acc, cells)   # no place left: waits
    assert st.residence[:2] == [S.HOME, S.INSTITUTION] and st.waiting[:2] == [1, 0]
    # the waiting list: resident 1 had waited 4 months when admitted; resident 0 now waits (1 month so far)
    assert counted(acc) == {"admissions": 1, "admissions_cut_packages": 1, "spells_ended": 1,
                            "admission_wait_months": 4, "waiting_VV": 1, "waiting_months": 1}
    # per cell (areas.parquet): the admission and the spell at home it ended (resident 1 had no months at home)
    assert [cells[0, S.CA[c]] for c in ("admissions", "spells_ended", "spell_months")] == [1, 1, 0]
    assert stock.tolist() == [[0, 1]] and not st.flags[1] & S.STOCK_UNIT and free.tolist() == [0] * 5
    split = rng.person_month_key_py(MKEY, 0)
    enacted = _policy.cut_table("enacted")
    st = residents(sector=_packages.VV, level=1, indicated_month=2013 * 12)
    assert not policy.access(enacted, st, 0, split) and policy.access(_policy.cut_table("none"), st, 0, split)


def fixed(i):
    """Resident ``i``'s key of the fixed draws (the split's key, month -1), as the engines build it."""
    return rng.person_month_key_py(rng.month_key(rng.run_key(1, 0), -1), i)


def test_a_resident_who_prefers_home_keeps_a_package_at_home_while_it_has_a_carer():
    wish = python_rules(_policy).wish
    # all four need a place and would ask at once; 0 has a carer, 1 a carer and a crisis, 2 no carer,
    # 3 a carer and already waiting
    st = residents(4, carer=[1, 1, 0, 1], flags=[0, S.CRISIS, 0, 0], waiting=[0, 0, 0, 3], sector=_packages.VV,
                   level=6, phys=f32(0.2), cog=f32(0.9))
    for share, expected in ((1.0, [False, True, True, False]), (0.0, [True] * 4)):
        p = P._replace(wlz_home_preference=share, admit_request_month=1.0, wlz_home_need_limit=1.0)
        st.waiting[3] = 3
        for i in range(4):
            wish(p, st, i, pm(i), fixed(i), need_of(st, i), True, 2015, acc_row())
        assert [bool(f & S.WANTS_ADMISSION) for f in st.flags] == expected, share
        assert st.waiting[3] == (0 if share else 3)   # who prefers home stops waiting
    # the preference is one fixed draw per person: about the share, and the same every month
    u = [rng.uniform_py(fixed(i), rng.STREAM["home_preference"]) for i in range(4000)]
    assert np.mean(np.array(u) < 0.3) == pytest.approx(0.3, abs=0.03)
    assert u[7] == rng.uniform_py(fixed(7), rng.STREAM["home_preference"])


def test_a_young_client_who_takes_the_wlz_at_home_does_so_without_a_carer():
    """VG/LG/ZG clients follow wlz_home_preference_young, carer or not; older people wlz_home_preference, with a
    carer only; a crisis admits either."""
    wish = python_rules(_policy).wish
    # 0 VG without a carer, 1 LG with one, 2 VG in a crisis, 3 VV without a carer, 4 GGZ without a carer
    st = residents(5, carer=[0, 1, 0, 0, 0], flags=[0, 0, S.CRISIS, 0, 0], level=6, phys=f32(0.2), cog=f32(0.2),
                   sector=[_packages.VG, _packages.LG, _packages.VG, _packages.VV, _packages.GGZ])
    for young, old, expected in ((1.0, 1.0, [False, False, True, True, True]), (0.0, 1.0, [True] * 5),
                                 (1.0, 0.0, [False, False, True, True, True])):
        p = P._replace(wlz_home_preference_young=young, wlz_home_preference=old, admit_request_month=1.0)
        for i in range(5):
            wish(p, st, i, pm(i), fixed(i), need_of(st, i), True, 2015, acc_row())
        assert [bool(f & S.WANTS_ADMISSION) for f in st.flags] == expected, (young, old)


# --- waiting (issue #25 item 2) --------------------------------------------------------------------------
def test_an_asker_waits_the_placement_time_and_a_crisis_does_not():
    """A free place admits an asker once it has waited admission_placement_months (it is on the active list
    meanwhile), a crisis at once; with no placement time it is admitted the month it asks."""
    wish, policy = python_rules(_policy).wish, python_rules(_policy)
    for months, expected_inside in ((1.0, [True, False]), (0.0, [True, True])):
        p = P._replace(admission_placement_months=months, admit_request_month=1.0, wlz_home_preference=0.0)
        st = residents(2, flags=[S.CRISIS, 0], sector=_packages.VV, level=6, phys=f32(0.2), cog=f32(0.9))
        acc = acc_row()
        for i in range(2):
            wish(p, st, i, pm(i), fixed(i), need_of(st, i), True, 2018, acc)
        free, stock = np.array([5, 0, 0, 0, 0]), np.zeros((1, 2), dtype=np.int64)
        for i in range(2):
            policy.admit(st, i, free, np.zeros((6, 11), dtype=np.int8), stock, acc, cell_row())
        assert [r == S.INSTITUTION for r in st.residence] == expected_inside, months
        assert counted(acc).get("waiting_VV", 0) == (1 if months else 0)
        if months:   # next month it has waited one month: placed
            wish(p, st, 1, pm(1), fixed(1), need_of(st, 1), True, 2018, acc)
            policy.admit(st, 1, free, np.zeros((6, 11), dtype=np.int8), stock, acc, cell_row())
            assert st.residence[1] == S.INSTITUTION and st.waiting[1] == 0 and not st.flags[1] & S.PLACEABLE


def test_who_keeps_the_wlz_at_home_by_preference_is_on_the_list_uit_voorzorg():
    """A VV client with a right who prefers the Wlz at home and has a carer does not ask; with a need from which it
    would ask it is counted on the list by preference. Not counted: below that need, without a right, without a
    carer (then it asks: active), another sector."""
    wish = python_rules(_policy).wish
    p = P._replace(wlz_home_preference=1.0, wlz_home_preference_young=1.0, admit_request_month=1.0,
                   wlz_home_need_limit=1.0)
    need_high, need_low = dict(phys=f32(0.2), cog=f32(0.9)), dict(phys=f32(0.95), cog=f32(0.95))
    cases = ((True, 1, _packages.VV, need_high, 1), (True, 1, _packages.VV, need_low, 0),
             (False, 1, _packages.VV, need_high, 0), (True, 0, _packages.VV, need_high, 0),
             (True, 1, _packages.VG, need_high, 0))
    for right, carer, sector, need, expected in cases:
        st = residents(1, carer=[carer], sector=sector, level=6, **need)
        acc = acc_row()
        wish(p, st, 0, pm(0), fixed(0), need_of(st, 0), right, 2018, acc)
        assert counted(acc).get("waiting_precaution_VV", 0) == expected, (right, carer, sector, need)
        assert bool(st.flags[0] & S.WANTS_ADMISSION) == (right and carer == 0)
    # from wlz_home_need_limit on, the preference no longer holds: it asks (active), off the list by preference
    for limit, asks in ((need_of(st, 0) - 0.01, True), (1.0, False)):
        st = residents(1, carer=[1], sector=_packages.VV, level=6, **need_high)
        acc = acc_row()
        wish(p._replace(wlz_home_need_limit=limit), st, 0, pm(0), fixed(0), need_of(st, 0), True, 2018, acc)
        assert bool(st.flags[0] & S.WANTS_ADMISSION) == asks
        assert counted(acc).get("waiting_precaution_VV", 0) == (0 if asks else 1)


def test_the_preference_for_the_wlz_at_home_grows_from_2015_and_is_held_after():
    share = _waiting.home_preference_share.py_func
    p = P._replace(wlz_home_preference=0.2, wlz_home_uptake_growth=0.25, wlz_home_uptake_until=2023.0)
    assert share(p, 2012) == share(p, 2015) == pytest.approx(0.2)
    assert share(p, 2019) == pytest.approx(0.2 * 2.0)
    assert share(p, 2023) == share(p, 2040) == pytest.approx(0.2 * 3.0)
    assert share(p._replace(wlz_home_uptake_growth=0.0), 2030) == pytest.approx(0.2)
    assert share(p._replace(wlz_home_preference=0.5), 2030) == 1.0   # a share: at most everyone


# --- well-being -------------------------------------------------------------------------------------------
def test_meeting_places_strengthen_the_network_and_unmet_need_lowers_wellbeing():
    wellbeing = python_rules(_wellbeing)
    p = P._replace(network_decay=0.0)
    st = residents(3, residence=[S.HOME, S.HOME, S.INSTITUTION])
    wellbeing.month(p, layers(meeting_near=1.0), st, 0, 0.0)
    wellbeing.month(p, layers(meeting_near=1.0), st, 1, 1.0)
    wellbeing.month(p, layers(meeting_near=1.0), st, 2, 1.0)
    assert st.network[0] == st.network[1] == f32(0.5 + p.network_meeting_gain * 0.5)
    assert st.network[2] == f32(0.5)                              # no change in an institution
    assert st.wellbeing[1] < st.wellbeing[0]


# --- census -----------------------------------------------------------------------------------------------
def test_census_counts_by_age_place_package_and_carer():
    census = python_rules(_census)
    st = residents(2, age_months=[80 * 12, 60 * 12], sector=[_packages.VV, _packages.VG], level=[2, 3],
                   carer=[1, 0], carer_hours=[10.0, 0.0], strain=[0.9, 0.0], wellbeing=[0.5, 0.25])
    acc, cells = acc_row(), cell_row()
    census.count(P, st, 0, True, 1.0, acc, cells)
    census.count(P, st, 1, False, 0.0, acc, cells)
    assert 0.8 < P.limitation_phys   # both residents count as limited
    assert counted(acc) == {"n65": 1, "n75": 1, "n75_home": 1, "n75_84": 1, "n80": 1, "household_75_84": 1,
                            "lim75_84": 1,
                            "clients": 2, "clients_home_VV": 1, "clients_home_VG": 1, "entitled": 1,
                            "entitled_home": 1, "extramuralised_home": 1, "wellbeing_clients_micro": 750000,
                            "carers": 1, "carers_over_8h": 1, "carers_overburdened": 1,
                            "carers_main": 1, "carers_cbs": 1, "carers_cbs_over_8h": 1}
    assert cells[0, S.C_N65] == 1



# --- what the first mutation sweep let through (a rule switched off, every test above still passing) --------
def test_without_a_carer_part_of_the_informal_care_becomes_formal_demand():
    """Known cases of formal_no_carer_extra: 1 turns all the usual informal part of the need (what a carer gives
    at informal_hours_factor 1) into formal demand, 0 none, and a share in between lies strictly between the two;
    the network's own hours (informal_hours_factor) do not move it."""
    care = python_rules(_care)
    need = (P.care_need_s0 + 1.0) / 2
    usual = P._replace(informal_hours_factor=1.0)
    for q in (P, usual):
        formal_carer, informal = care.care_demand_week(q, need, True, 0)
        formal_alone, nothing = care.care_demand_week(q, need, False, 0)
        assert informal > 0.0 and nothing == 0.0
        every = care.care_demand_week(q._replace(formal_no_carer_extra=1.0), need, False, 0)[0]
        none = care.care_demand_week(q._replace(formal_no_carer_extra=0.0), need, False, 0)[0]
        assert every == pytest.approx(formal_carer + care.care_demand_week(usual, need, True, 0)[1], rel=1e-12)
        assert none == formal_carer
        assert 0.0 < q.formal_no_carer_extra < 1.0 and none < formal_alone < every


def test_informal_help_is_asked_from_a_need_threshold_with_hours_that_follow_need():
    """informal_need_from: below it the network is asked no hours (with or without a carer), from it the usual
    informal part times informal_hours_factor, rising with need; a resident without a carer needs the usual part
    (informal_need_week: the shortfall's base). Threshold 0 and factor 1 give the usual part everywhere."""
    care = python_rules(_care)
    below, above, more = P.informal_need_from - 0.01, P.informal_need_from + 0.01, P.informal_need_from + 0.2
    assert P.care_need_s0 < below and care.care_demand_week(P, below, True, 0)[1] == 0.0
    usual = care.need_split_week(P, above, 0)[1]
    assert usual > 0.0 and care.care_demand_week(P, above, True, 0)[1] == P.informal_hours_factor * usual
    assert care.care_demand_week(P, more, True, 0)[1] > care.care_demand_week(P, above, True, 0)[1]
    assert care.informal_need_week(P, below, 0, False) == care.need_split_week(P, below, 0)[1] > 0.0
    assert care.informal_need_week(P, below, 0, True) == 0.0
    old = P._replace(informal_need_from=0.0, informal_hours_factor=1.0)
    for need in (below, above, more):
        assert care.care_demand_week(old, need, True, 0)[1] == care.need_split_week(old, need, 0)[1]


def test_census_counts_the_package_mix_inside_and_the_extramuralised_who_would_ask():
    census = python_rules(_census)
    # in an institution: VV3, VV4, VV7, and a VG3 (not VV); at home without access: a VV3 holder whose need
    # reaches admit_need_alone (no carer) and one whose need does not
    st = residents(6, sector=[_packages.VV] * 3 + [_packages.VG] + [_packages.VV] * 2, level=[3, 4, 7, 3, 3, 3],
                   residence=[S.INSTITUTION] * 4 + [S.HOME] * 2, phys=[f32(0.5)] * 5 + [f32(0.9)], cog=f32(1.0))
    acc, cells = acc_row(), cell_row()
    for i in range(6):
        census.count(P, st, i, i < 4, 0.0, acc, cells)
    assert need_of(st, 4) >= P.admit_need_alone > need_of(st, 5)
    got = counted(acc)
    assert (got["institution_vv_low"], got["institution_vv4"], got["clients_institution_VV"]) == (1, 1, 3)
    assert (got["extramuralised_home"], got["extramuralised_admission_need"]) == (2, 1)
    census.count(P, residents(sector=_packages.GGZ, level=3), 0, True, 0.0, acc, cells)
    got = counted(acc)
    assert (got["entitled"], got["entitled_ggz"]) == (5, 1)   # four above with access, and the GGZ holder


def test_census_counts_the_85plus_band():
    census = python_rules(_census)
    st = residents(2, age_months=[90 * 12, 86 * 12], phys=[0.5, 1.0], residence=[S.HOME, S.INSTITUTION])
    acc, cells = acc_row(), cell_row()
    census.count(P, st, 0, False, 2.0, acc, cells)
    census.count(P, st, 1, False, 0.0, acc, cells)
    assert 0.5 < P.limitation_phys < 1.0
    got = counted(acc)
    assert (got["n85"], got["lim85"], got["household_85plus"], got["n75_home"]) == (2, 1, 1, 1)


def test_a_month_at_home_lengthens_only_a_spell_of_the_run():
    packages = python_rules(_packages)
    st = residents(2, flags=[S.PKG_IN_RUN, 0], months_home=[3, 3])
    for i in range(2):
        packages.spell_month(st, i)
    assert st.months_home == [4, 3]


def test_institution_life_lowers_the_wellbeing_target():
    wellbeing = python_rules(_wellbeing)
    p = P._replace(network_decay=0.0, network_meeting_gain=0.0)
    st = residents(2, phys=1.0, cog=1.0, network=1.0, wellbeing=1.0, residence=[S.HOME, S.INSTITUTION])
    for i in range(2):
        wellbeing.month(p, layers(), st, i, 0.0)
    assert st.wellbeing[0] == 1.0
    assert st.wellbeing[1] == f32(1.0 - p.wellbeing_adjust * p.wellbeing_institution)


# --- through the compiled kernel --------------------------------------------------------------------------
def test_compiled_pass_a_falls_like_the_python_mechanism():
    from tests.test_reference import scenario
    from sim.model.model import LangerThuisModel

    model = LangerThuisModel(scenario(end_year=2010))
    p = model.params._replace(fall_injury_hospital=0.0, decline_shock_annual=0.0)
    z = np.zeros(121)
    tb = model.tables._replace(death_annual=np.zeros((2, 121)), decline_phys=z, decline_cog=z,
                               fall_annual=np.full(121, 1e9), hospital_annual=z)
    people = S.Residents(4)
    people.append({name: np.asarray(residents(2, age_months=[70 * 12, 60 * 12])[j], dtype=dtype)
                   for j, (name, dtype) in enumerate(S.STATE)})
    st = people.state()
    acc = np.zeros((1, S.N_ACC), dtype=np.int64)
    cell_acc = np.zeros((1, model.hood.n_cells, S.N_CELL), dtype=np.int64)
    world = World(p, tb, model.hood.kernel_layers(), model.cuts, np.uint64(MKEY), model.split_key, 1.0, 24180,
                  _access.settings(model.budget, 24180, 1.0, 1.0, False), False, np.ones(model.hood.n_cells))
    K.pass_a(st, world, acc, cell_acc, 2048, 0, 1)
    assert st.phys.tolist() == [f32(0.8 - p.fall_phys_loss)] * 2 and st.age_months.tolist() == [841, 721]
    # (pass A's access route also counts the two residents' Wmo need: tests/test_access.py)
    assert {k: v for k, v in counted(acc[0]).items() if k not in _access.COUNTERS} == {"falls_65plus": 1}
    assert cell_acc[0, 0, S.C_FALLS] == 2


def test_one_month_is_what_the_mechanisms_do_in_the_step_order():
    """The month as the reference runs it (month.resident_month_a, Python originals) equals the mechanisms called
    by hand in the order of STEP_ORDER, and a resident who dies stops there."""
    from sim.model.engines.reference import resident_month_a

    mortality, decline, events = python_rules(_mortality), python_rules(_decline), python_rules(_events)
    packages, care, policy, access = (python_rules(m) for m in (_packages, _care, _policy, _access))
    p = P._replace(indication_apply_month=1.0)
    tb, L = tables(fall_annual=np.full(121, 1e9)), layers()
    ax = _Grid(_access.settings(_access.WmoBudget(BUDGET_SCENARIO, p), 24180, 1.0, 1.0, False))
    w = World(p, tb, L, _policy.cut_table("enacted"), MKEY, 7, 0.9, 24180, ax, False, [1.0])
    for pid in range(20):
        by_month, by_hand = residents(pid=[pid], phys=f32(0.5)), residents(pid=[pid], phys=f32(0.5))
        acc_m, cells_m, acc_h, cells_h = acc_row(), cell_row(), acc_row(), cell_row()
        died = resident_month_a(w, by_month, 0, acc_m, cells_m)
        key, need = pm(pid), need_of(by_hand, 0)
        if not mortality.month(p, tb, by_hand, 0, key, 0.9, need, acc_h, cells_h):
            phys = decline.month(p, tb, L, by_hand, 0, key, 0.9)
            events.month(p, tb, L, by_hand, 0, key, phys, need, acc_h, cells_h)
            need = need_of(by_hand, 0)
            packages.month(p, L, by_hand, 0, key, 24180, need)
            care.demand(p, by_hand, 0, need, cells_h)
            right = policy.access(w.cuts, by_hand, 0, rng.person_month_key_py(7, pid))
            access.month(p, L, ax, by_hand, 0, key, need, right, acc_h)
        assert died == (by_hand.residence[0] == S.DEAD)
        assert by_month == by_hand and acc_m == acc_h and (cells_m == cells_h).all(), pid
    dead = residents(residence=S.DEAD)
    assert not resident_month_a(w, dead, 0, acc_row(), cell_row()) and dead == residents(residence=S.DEAD)
