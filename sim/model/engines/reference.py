"""The Mesa reference: the same model rules with one ``mesa.Agent`` per resident, in plain Python.

``ReferenceModel`` is a ``LangerThuisModel`` that overrides only the engine hooks (``add_residents``,
``resident_pass_a``/``_b``/``_c``, ``start_of_year``, ``count_alive``, ``state``). Everything else
(inflow, the supply ratio, capacity, bookkeeping, indicators) is the model's own code, so the two
engines must give bit-identical indicator tables for the same scenario and seed (tests/test_reference.py).

Each ``Resident`` holds the fields of ``sim.model.population.STATE`` as Python ints and floats.
``Resident.month_a`` / ``month_b`` mirror ``kernel.pass_a`` / ``pass_b`` line by line and
``ReferenceModel.resident_pass_c`` mirrors ``kernel.pass_c``; names follow the kernel so the two can
be read side by side. What makes the results identical:

* the mechanisms are the very same functions: the Python originals (``.py_func``) of the Numba rules;
* random numbers are counter-based (``uniform_py`` gives the bits of the kernel's ``uniform``);
* every value the kernel stores in a float32 array is rounded the same way here (``f32``) and read
  back as a float64, and the integer accumulators (``centi``, well-being in millionths) truncate alike;
* the integer fields are small enough never to wrap (age, months at home and waiting fit int16 for
  any run); ``inst_history`` is masked to 32 bits like the kernel's uint32.

Independence: ``pure(rule)`` is the rule's ``.py_func`` with the rules *it* calls (e.g. ``clip01``
inside ``decline_month``) rebound to their Python originals as well, so no compiled code runs in a
reference step; the kernel's bookkeeping (snapshot counts, pass C) is rewritten here, not reused.

Dead residents: an agent is deregistered from the model (``agent.remove()``) the month it dies, so
``model.agents`` is always the living residents; like the kernel's arrays, the pid-ordered list keeps
the dead (residence DEAD) until ``start_of_year`` drops them. Nothing in the results depends on it.
"""
from __future__ import annotations

import types

import mesa
import numpy as np
from numba.core.dispatcher import Dispatcher

from sim.model.mechanisms import care, carers, common, decline, events, housing, mortality, packages, policy, wellbeing
from sim.model.engines.kernel import (A, A_ADAPT, A_ALARM_CALLS, A_ALARM_ON_TIME, A_ALARM_USERS, A_BREAKDOWNS,
                        A_CLIENTS_HOME0, A_COST_GGZ, A_COST_WLZ, A_DEATHS65, A_DEATHS80, A_DEC80_INST,
                        A_DEC80_INST2Y, A_DELIVERED, A_FALLS65, A_HOSP65, A_HOSP_ALL, A_HOURS0,
                        A_MANTELZORG, A_NEEDED, A_OCC0, A_RESPITE, A_SPELL_MONTHS, A_SPELLS, C_DEMAND,
                        C_FALLS, C_N65, C_NEEDED, C_REL_SF, C_REL_WC, C_UNMET, CRISIS, DAYS_PER_MONTH,
                        DEAD, HOME, INSTITUTION, MOVE_STEP_FREE, MOVE_WHEELCHAIR, N_ACC, N_CELL,
                        PKG_IN_RUN, S_ADAPT, S_ADMIT, S_ALARM, S_BREAK, S_COG, S_CRISIS, S_DECLINE, S_FALL,
                        S_HOSP, S_IND, S_INJURY, S_MORT, S_MOVE, S_NEW, S_SHOCK, S_SPLIT, STOCK_UNIT,
                        WANTS_ADMISSION)
from sim.model.model import LangerThuisModel
from sim.model.neighbourhoods import KernelLayers
from sim.model.population import STATE
from sim.model.rng import person_month_key_py, uniform_py

FIELDS = tuple(name for name, _ in STATE)
U32 = 0xFFFFFFFF
STEP_FREE, WHEELCHAIR = housing.STEP_FREE, housing.WHEELCHAIR
WEEKS_PER_MONTH = care.WEEKS_PER_MONTH


# --- the rules, as plain Python ------------------------------------------------------------------------
_PURE: dict = {}


def pure(dispatcher):
    """The Python original of a Numba rule, with every rule it calls bound to its Python original too."""
    if dispatcher in _PURE:
        return _PURE[dispatcher]
    f = dispatcher.py_func
    g = dict(f.__globals__)   # a copy of the rule module's globals, so the module itself is untouched
    fn = types.FunctionType(f.__code__, g, f.__name__, f.__defaults__, f.__closure__)
    _PURE[dispatcher] = fn    # before recursing: rules may call each other
    for name, value in list(g.items()):
        if isinstance(value, Dispatcher):
            g[name] = pure(value)
    return fn


need_score, clip01 = pure(common.need_score), pure(common.clip01)
death_probability_month = pure(mortality.death_probability_month)
decline_multiplier, decline_month = pure(decline.decline_multiplier), pure(decline.decline_month)
fall_probability_month = pure(events.fall_probability_month)
hospital_probability_month = pure(events.hospital_probability_month)
has_alarm, alarm_call_probability_month = pure(events.has_alarm), pure(events.alarm_call_probability_month)
required_response_minutes = pure(events.required_response_minutes)
indication_month = pure(packages.indication_month)
care_demand_week, formal_hours_by_type_month = pure(care.care_demand_week), pure(care.formal_hours_by_type_month)
wlz_at_home = pure(care.wlz_at_home)
carer_month = pure(carers.carer_month)
adaptation_probability_month, move_wish = pure(housing.adaptation_probability_month), pure(housing.move_wish)
has_access, seeks_admission = pure(policy.has_access), pure(policy.seeks_admission)
wellbeing_month, network_month = pure(wellbeing.wellbeing_month), pure(wellbeing.network_month)

A_N65, A_N75, A_N80, A_N65_74, A_N75_84, A_N85 = A["n65"], A["n75"], A["n80"], A["n65_74"], A["n75_84"], A["n85"]
A_LIM65_74, A_LIM75_84, A_LIM85, A_N75_HOME = A["lim65_74"], A["lim75_84"], A["lim85"], A["n75_home"]
A_N80_INTRAMURAL, A_INTRAMURAL_TOTAL, A_ENTITLED = A["n80_intramural"], A["intramural_total"], A["entitled"]
A_ENTITLED_HOME, A_EXTRAMURALISED_HOME, A_CLIENTS = A["entitled_home"], A["extramuralised_home"], A["clients"]
A_WELLBEING_CLIENTS_MICRO = A["wellbeing_clients_micro"]
A_HOUSEHOLD_75_84, A_HOUSEHOLD_85PLUS = A["household_75_84"], A["household_85plus"]
A_CARERS, A_CARERS_OVER_8H, A_CARERS_OVERBURDENED = A["carers"], A["carers_over_8h"], A["carers_overburdened"]


def f32(x: float) -> float:
    """What the kernel keeps when it stores a float64 in a float32 array, read back as a float64."""
    return float(np.float32(x))


def centi(x: float) -> int:
    """kernel.centi: hours (or euros) in integer hundredths, truncated like ``np.int64(...)``."""
    return int(x * 100.0 + 0.5)


class _Tables:
    """The model's tables as nested Python lists (the same float64 values, cheaper to index)."""

    def __init__(self, tb):
        for name in tb._fields:
            setattr(self, name, np.asarray(getattr(tb, name)).tolist())


# --- one resident --------------------------------------------------------------------------------------
class Resident(mesa.Agent):
    """One simulated resident; its attributes are the fields of ``STATE``."""

    def __init__(self, model, **state):
        super().__init__(model)
        for name in FIELDS:
            setattr(self, name, state[name])

    def month_a(self, p, tb, L, mkey, improvement, acc, cell_acc):
        """kernel.pass_a for this resident: ageing, mortality, decline, events, indications, demand."""
        if self.residence == DEAD:
            return
        pm = person_month_key_py(mkey, self.pid)
        age_m = self.age_months + 1
        self.age_months = age_m
        ay = min(age_m // 12, 120)
        inst = self.residence == INSTITUTION
        hist = ((self.inst_history << 1) | (1 if inst else 0)) & U32
        self.inst_history = hist
        phys = self.phys
        cog = self.cog
        need = need_score(phys, cog)
        c = self.cell
        # mortality
        if uniform_py(pm, S_MORT) < death_probability_month(p, tb.death_annual[self.sex][ay], improvement, need):
            self.residence = DEAD
            if ay >= 65:
                acc[A_DEATHS65] += 1
            if ay >= 80:
                acc[A_DEATHS80] += 1
                if inst:
                    acc[A_DEC80_INST] += 1
                if (hist >> 24) & 1:
                    acc[A_DEC80_INST2Y] += 1
            if not inst:
                if self.flags & PKG_IN_RUN:
                    acc[A_SPELLS] += 1
                    acc[A_SPELL_MONTHS] += self.months_home
                if self.flags & STOCK_UNIT:
                    cell_acc[c][C_REL_SF if self.dwelling == STEP_FREE else C_REL_WC] += 1
            self.remove()   # no longer an agent of the model; stays in the pid list until January
            return
        # decline of functioning
        mult = decline_multiplier(p, self.sector, self.network, not inst, self.unmet, self.dwelling,
                                  L.facilities[c], L.wsg[c])
        phys, cog = decline_month(p, phys, cog, tb.decline_phys[ay], tb.decline_cog[ay], mult,
                                  uniform_py(pm, S_DECLINE), uniform_py(pm, S_SHOCK), uniform_py(pm, S_COG))
        # events: falls, hospital admissions, alarm calls and crises
        hospital = False
        if uniform_py(pm, S_FALL) < fall_probability_month(p, tb.fall_annual[ay], phys, not inst, self.dwelling):
            phys -= p.fall_phys_loss
            if ay >= 65:
                acc[A_FALLS65] += 1
            cell_acc[c][C_FALLS] += 1
            if uniform_py(pm, S_INJURY) < p.fall_injury_hospital:
                hospital = True
        if uniform_py(pm, S_HOSP) < hospital_probability_month(p, tb.hospital_annual[ay], need, L.wsg[c], L.signalling[c]):
            hospital = True
        crisis = False
        if not inst and has_alarm(p, need):
            acc[A_ALARM_USERS] += 1
            if uniform_py(pm, S_ALARM) < alarm_call_probability_month(p, need):
                acc[A_ALARM_CALLS] += 1
                if L.alarm_minutes[c] <= required_response_minutes(p, need):
                    acc[A_ALARM_ON_TIME] += 1
                elif uniform_py(pm, S_CRISIS) < p.crisis_if_late:
                    crisis = True
                    hospital = True
                    phys -= p.crisis_phys_loss
        if hospital:
            phys -= p.hospital_phys_loss
            acc[A_HOSP_ALL] += 1
            if ay >= 65:
                acc[A_HOSP65] += 1
        phys = clip01(phys)
        self.phys = f32(phys)   # stored as float32 ...
        self.cog = f32(cog)
        phys = self.phys        # ... and the rest of the month works with the stored values
        cog = self.cog
        need = need_score(phys, cog)
        # indications (new and upgraded packages)
        old_level = self.level
        s_new, l_new = indication_month(p, self.sector, old_level, need, (1.0 - cog) > (1.0 - phys),
                                        L.signalling[c], uniform_py(pm, S_IND))
        self.sector = s_new
        self.level = l_new
        if l_new != old_level:
            self.indicated_month = self.model.month_abs
        f = self.flags & ~CRISIS
        if old_level == 0 and l_new > 0 and not inst:
            f |= PKG_IN_RUN
            self.months_home = 0
        if crisis:
            f |= CRISIS
        self.flags = f
        # care demand per neighbourhood, for the supply ratio
        if not inst:
            formal_w, informal_w = care_demand_week(p, need, self.carer > 0, self.ses)
            cell_acc[c][C_DEMAND] += centi(formal_w * WEEKS_PER_MONTH)

    def month_b(self, p, tb, L, cuts, mkey, split_key, month_abs, snapshot, supply_ratio, acc, cell_acc):
        """kernel.pass_b for this resident: supply and unmet need, carers, dwelling, wishes, well-being."""
        if self.residence == DEAD:
            return
        pm = person_month_key_py(mkey, self.pid)
        split_u = uniform_py(person_month_key_py(split_key, self.pid), S_SPLIT)
        ay = min(self.age_months // 12, 120)
        c = self.cell
        phys = self.phys
        cog = self.cog
        need = need_score(phys, cog)
        network = self.network
        access = has_access(cuts, self.sector, self.level, split_u, self.indicated_month)
        inst = self.residence == INSTITUTION
        household = 0.0
        if inst:
            unmet = 0.0
            acc[A_OCC0 + self.sector - 1] += 1
            cost = centi(tb.tariff_day[self.sector][self.level] * DAYS_PER_MONTH)
            acc[A_COST_GGZ if self.sector == 5 else A_COST_WLZ] += cost
            self.wellbeing = f32(wellbeing_month(p, self.wellbeing, phys, cog, 0.0, network, True, 0.0))
        else:
            # formal care: demand, supplied at the neighbourhood's ratio, by type and payer
            formal_w, informal_w = care_demand_week(p, need, self.carer > 0, self.ses)
            ratio = supply_ratio[c]
            wlz = 1 if wlz_at_home(p, access, self.sector, self.level) else 0
            h0, h1, h2, h3, h4 = formal_hours_by_type_month(p, formal_w, phys, cog, need)
            acc[A_HOURS0 + wlz] += centi(h0 * ratio)
            acc[A_HOURS0 + 2 + wlz] += centi(h1 * ratio)
            acc[A_HOURS0 + 4 + wlz] += centi(h2 * ratio)
            acc[A_HOURS0 + 6 + wlz] += centi(h3 * ratio)
            acc[A_HOURS0 + 8 + wlz] += centi(h4 * ratio)
            household = h2 * ratio
            needed = formal_w * WEEKS_PER_MONTH
            acc[A_NEEDED] += centi(needed)
            acc[A_DELIVERED] += centi(needed * ratio)
            cell_acc[c][C_NEEDED] += centi(needed)
            cell_acc[c][C_UNMET] += centi(needed) - centi(needed * ratio)
            unmet = (1.0 - ratio) if needed > 0.0 else 0.0
            # informal care and the carer
            cr, given, strain, respite, broke = carer_month(
                p, self.carer, self.strain, informal_w, ay, network, L.respite_access[c],
                L.carer_support[c], uniform_py(pm, S_NEW), uniform_py(pm, S_BREAK))
            self.carer = cr
            self.carer_hours = f32(given)
            self.strain = f32(strain)
            acc[A_MANTELZORG] += centi(given * WEEKS_PER_MONTH)
            acc[A_RESPITE + wlz] += centi(respite)
            acc[A_BREAKDOWNS] += broke
            # the dwelling: adaptation where one lives, or a wish to move
            if uniform_py(pm, S_ADAPT) < adaptation_probability_month(p, need, self.dwelling, L.advice[c], L.visits[c], L.uptake[c]):
                self.dwelling = 1
                acc[A_ADAPT] += 1
            f = self.flags & ~(WANTS_ADMISSION | MOVE_STEP_FREE | MOVE_WHEELCHAIR)
            wish = move_wish(p, need, self.dwelling, L.broker[c], uniform_py(pm, S_MOVE))
            if wish == STEP_FREE:
                f |= MOVE_STEP_FREE
            elif wish == WHEELCHAIR:
                f |= MOVE_WHEELCHAIR
            # admission wish (only with a package that gives access this month)
            if access and seeks_admission(p, need, cr > 0, (f & CRISIS) != 0, self.waiting, uniform_py(pm, S_ADMIT)):
                f |= WANTS_ADMISSION
            else:
                self.waiting = 0
            self.flags = f
            # the kernel passes the float64 network (not the float32 it stores) on to well-being
            network = network_month(p, network, cog, L.meeting_near[c])
            self.network = f32(network)
            self.wellbeing = f32(wellbeing_month(p, self.wellbeing, phys, cog, unmet, network, False, L.wsg[c]))
            if f & PKG_IN_RUN:
                self.months_home += 1
        self.unmet = f32(unmet)
        if snapshot:
            self.snapshot_counts(p, acc, cell_acc, c, ay, inst, phys, access, household)

    def snapshot_counts(self, p, acc, cell_acc, c, ay, inst, phys, access, household):
        """kernel.snapshot_counts: mid-year (July) counts of one living resident."""
        limited = phys < p.limitation_phys
        if ay >= 65:
            acc[A_N65] += 1
            cell_acc[c][C_N65] += 1
            if ay < 75:
                acc[A_N65_74] += 1
                acc[A_LIM65_74] += 1 if limited else 0
        if ay >= 75:
            acc[A_N75] += 1
            acc[A_N75_HOME] += 1 if not inst else 0
            if ay < 85:
                acc[A_N75_84] += 1
                acc[A_LIM75_84] += 1 if limited else 0
                acc[A_HOUSEHOLD_75_84] += 1 if household > 0.0 else 0
            else:
                acc[A_N85] += 1
                acc[A_LIM85] += 1 if limited else 0
                acc[A_HOUSEHOLD_85PLUS] += 1 if household > 0.0 else 0
        if ay >= 80:
            acc[A_N80] += 1
            acc[A_N80_INTRAMURAL] += 1 if inst else 0
        acc[A_INTRAMURAL_TOTAL] += 1 if inst else 0
        if self.level > 0:
            acc[A_CLIENTS_HOME0 + self.sector - 1 + (5 if inst else 0)] += 1
            acc[A_CLIENTS] += 1
            acc[A_WELLBEING_CLIENTS_MICRO] += int(self.wellbeing * 1e6 + 0.5)
            if access:
                acc[A_ENTITLED] += 1
                acc[A_ENTITLED_HOME] += 1 if not inst else 0
            elif not inst:
                acc[A_EXTRAMURALISED_HOME] += 1   # had access under the 2012 rules (any level), not now
        if not inst and self.carer > 0 and self.carer_hours > 0.0:
            acc[A_CARERS] += 1
            acc[A_CARERS_OVER_8H] += 1 if self.carer_hours > 8.0 else 0
            acc[A_CARERS_OVERBURDENED] += 1 if self.strain > p.strain_threshold else 0


# --- the model -----------------------------------------------------------------------------------------
class ReferenceModel(LangerThuisModel):
    """``LangerThuisModel`` with one ``Resident`` agent per resident instead of the Numba kernel."""

    engine = "reference"

    def add_residents(self, people: dict):
        if not hasattr(self, "resident_list"):
            self.resident_list: list[Resident] = []   # pid order (= the kernel's array order)
            self.dead_removed = 0                      # dead dropped from the list by start_of_year
        k = len(people["pid"])
        # cast through the kernel's dtypes, so values are what the kernel's arrays hold
        cols = [np.broadcast_to(np.asarray(people[name]).astype(dtype), (k,)).tolist() for name, dtype in STATE]
        for row in zip(*cols):
            self.resident_list.append(Resident(self, **dict(zip(FIELDS, row))))

    def state(self):
        """The residents as the kernel's struct of arrays (same order, dtypes and dead slots)."""
        rs = self.resident_list
        return tuple(np.array([getattr(r, name) for r in rs], dtype=dtype) for name, dtype in STATE)

    def _python_tables(self) -> _Tables:
        if not hasattr(self, "_tb_py"):
            self._tb_py = _Tables(self.tables)
        return self._tb_py

    def _accumulators(self):
        return [0] * N_ACC, [[0] * N_CELL for _ in range(self.hood.n_cells)]

    @staticmethod
    def _result(acc, cell_acc):
        return np.array(acc, dtype=np.int64), np.array(cell_acc, dtype=np.int64).reshape(len(cell_acc), N_CELL)

    def resident_pass_a(self, mkey, improvement, layers):
        acc, cell_acc = self._accumulators()
        p, tb, L = self.params, self._python_tables(), KernelLayers(*(np.asarray(a).tolist() for a in layers))
        mkey, improvement = int(mkey), float(improvement)
        for r in self.resident_list:
            r.month_a(p, tb, L, mkey, improvement, acc, cell_acc)
        return self._result(acc, cell_acc)

    def resident_pass_b(self, mkey, layers, snapshot, ratio):
        acc, cell_acc = self._accumulators()
        p, tb, L = self.params, self._python_tables(), KernelLayers(*(np.asarray(a).tolist() for a in layers))
        mkey, split_key, ratio = int(mkey), int(self.split_key), np.asarray(ratio, dtype=np.float64).tolist()
        for r in self.resident_list:
            r.month_b(p, tb, L, self.cuts, mkey, split_key, self.month_abs, bool(snapshot), ratio, acc, cell_acc)
        return self._result(acc, cell_acc)

    def resident_pass_c(self, free_places):
        """kernel.pass_c: moves into free adapted dwellings (pid order), then admissions in priority
        order (crises first, then the longest waiting, then the earliest resident: a stable sort)."""
        stock = self.hood.stock
        counts = [0] * 5   # moves, admissions, admissions of cut packages, spells ended, spell months
        cand = []
        for r in self.resident_list:
            if r.residence != HOME:
                continue
            f = r.flags
            if f & (MOVE_STEP_FREE | MOVE_WHEELCHAIR):
                kind = STEP_FREE if f & MOVE_STEP_FREE else WHEELCHAIR
                slot = kind - STEP_FREE
                c = r.cell
                if stock[c, slot] > 0:
                    stock[c, slot] -= 1
                    if f & STOCK_UNIT:
                        stock[c, r.dwelling - STEP_FREE] += 1   # the adapted dwelling left is free again
                    r.dwelling = kind
                    r.flags = f | STOCK_UNIT
                    counts[0] += 1
            if f & WANTS_ADMISSION:
                cand.append(r)
        cand.sort(key=lambda r: (0 if r.flags & CRISIS else 1) * 1000000 - r.waiting)   # stable
        for r in cand:
            s = r.sector - 1
            if free_places[s] > 0:
                free_places[s] -= 1
                r.residence = INSTITUTION
                r.waiting = 0
                counts[1] += 1
                if self.cut_pairs[r.sector, r.level]:
                    counts[2] += 1
                if r.flags & PKG_IN_RUN:
                    counts[3] += 1
                    counts[4] += r.months_home
                if r.flags & STOCK_UNIT:
                    stock[r.cell, r.dwelling - STEP_FREE] += 1
                    r.flags = r.flags & ~STOCK_UNIT
            else:
                r.waiting += 1
        return np.array(counts, dtype=np.int64)

    def start_of_year(self):
        """Drop the dead from the pid list (as the kernel compacts its arrays); they left the model
        (``agent.remove()``) when they died."""
        if hasattr(self, "resident_list"):
            alive = [r for r in self.resident_list if r.residence != DEAD]
            self.dead_removed += len(self.resident_list) - len(alive)
            self.resident_list = alive

    def count_alive(self) -> tuple[int, int]:
        """(living residents, residents who died since the start): living = the model's agents."""
        dead_in_list = sum(1 for r in self.resident_list if r.residence == DEAD)
        return len(self.agents_by_type.get(Resident, ())), dead_in_list + self.dead_removed
