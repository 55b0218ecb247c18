"""The resident's month, written once: the step order and the functions both engines call per resident.

``resident_month_a`` and ``resident_month_b`` call each mechanism's month function in the order of
``STEP_ORDER``; ``resident_move``, ``admission_priority`` and ``resident_admission`` are pass C's pieces. They take
one world record ``w`` (``World``: the parameters, tables, neighbourhood layers, the cut table, the month's keys
and inputs) and the resident (``st``, ``i``), and add to the accumulator rows ``acc`` and ``cell_acc``.

The kernel (``engines/kernel.py``) runs them compiled and inlined in its chunk loops over all residents; the Mesa
reference (``engines/reference.py``) runs their Python originals (``reference.pure``) on each agent, with a
world record of Python values. Adding a mechanism adds one call here, once.
"""
from __future__ import annotations

from collections import namedtuple

from sim.model.mechanisms import access, care, carers, census, decline, events, housing, mortality, packages, policy
from sim.model.mechanisms import wellbeing
from sim.model.mechanisms.common import current_need, step
from sim.model.rng import person_month_key
from sim.model.state import DEAD, HOME, INSTITUTION, WANTS_ADMISSION

# One month, in this order (``python -m sim.docs`` renders it into docs/ODD.md; ``model.step`` and the functions
# below follow it): (number, step, what happens).
STEP_ORDER = (
    ("0", "year start (January)", "the year's investments change the neighbourhood layers; new adapted dwellings join the free stock; intramural capacity of the year (observed path, then the scenario's rule); home-care capacity of the year (the workforce path plus the hours hired after last year's demand)"),
    ("1", "inflow", "people turning 65 and younger adults with a new VG/LG/ZG/GGZ package enter"),
    ("2", "ageing and mortality", "age +1 month; death by the life table, improvement and frailty (in a nursing home at least the nursing-home rate); younger clients may leave; a partner may die (widowhood)"),
    ("3", "decline", "physical and cognitive functioning fall (age, package, network, unmet need, dwelling, facilities, woonservicegebied)"),
    ("4", "events", "falls, hospital admissions, alarm calls; a late alarm response may become a crisis"),
    ("5", "indications", "new and upgraded packages when need crosses a level's threshold"),
    ("6", "care demand", "formal and informal hours needed; summed per neighbourhood"),
    ("6a", "access route", "from the Wmo 2015 the municipality's route notices a new Wmo need, assesses it and starts support (intake capacity, waiting list under a binding budget); the Wmo budget gives the share of the asked hours it pays; the assessment refers to the CIZ and the district nurse as the route decides (per cell: an area may have its own route)"),
    ("7", "supply", "each neighbourhood's team capacity / demand gives everyone there the same share; in a month of the staff shortage a client gets no formal care at home (a client stop); the rest is unmet need"),
    ("8", "informal care", "carer hours, strain, respite, breakdown, new carers"),
    ("9", "dwelling", "Wmo home adaptations; wishes to move into an adapted dwelling; the access route's adaptations granted with support and dwellings arranged by a mandate"),
    ("10", "admission wish", "residents whose package gives access this month and whose need (or a crisis) calls for it ask for a place"),
    ("11", "well-being and network", "well-being moves to its target; meeting places strengthen the network"),
    ("12", "moves", "into free adapted dwellings of the neighbourhood, in resident order"),
    ("13", "admissions", "into free places of the sector: crises first, then the longest waiting"),
    ("14", "bookkeeping", "month totals add up to the year's; in December the year's indicators are computed"),
)

# What a resident's month reads besides its own state. ``p``: parameters; ``tb``: the mechanisms' tables;
# ``L``: the neighbourhood layers (``neighbourhoods.KernelLayers``); ``cuts``: the extramuralisation table;
# ``mkey``: the month's random key; ``split_key``: the key of each person's fixed draws; ``improvement``: the
# year's mortality improvement; ``month_abs``: year * 12 + month; ``ax``: the access route's settings per cell;
# ``snapshot``: July's census; ``supply_ratio``: each neighbourhood's share of the care asked that its team gives;
# ``unfilled``: the year's share of home-care client-months that cannot be staffed (capacity.home_care_unfilled_share).
World = namedtuple("World", ["p", "tb", "L", "cuts", "mkey", "split_key", "improvement", "month_abs", "ax",
                             "snapshot", "supply_ratio", "unfilled"], defaults=(0.0,))


@step
def resident_month_a(w, st, i, acc, cell_acc):
    """Pass A (steps 2-6a) for resident ``i``: True if it died or left this month."""
    if st.residence[i] == DEAD:
        return False
    pm = person_month_key(w.mkey, st.pid[i])
    need = current_need(st, i)
    if mortality.month(w.p, w.tb, st, i, pm, w.improvement, need, acc, cell_acc):
        return True
    phys = decline.month(w.p, w.tb, w.L, st, i, pm, w.improvement)
    events.month(w.p, w.tb, w.L, st, i, pm, phys, need, acc, cell_acc)
    need = current_need(st, i)   # after the month's decline and events
    packages.month(w.p, w.L, st, i, pm, w.month_abs, need)
    if st.residence[i] != INSTITUTION:
        care.demand(w.p, st, i, need, cell_acc)
        has_right = policy.access(w.cuts, st, i, person_month_key(w.split_key, st.pid[i]))
        access.month(w.p, w.L, w.ax, st, i, pm, need, has_right, acc)
    return False


@step
def resident_month_b(w, st, i, acc, cell_acc):
    """Pass B (steps 7-11, and July's census) for resident ``i``, given the month's supply ratio."""
    if st.residence[i] == DEAD:
        return
    p = w.p
    pm = person_month_key(w.mkey, st.pid[i])
    fixed = person_month_key(w.split_key, st.pid[i])   # the person's fixed draws (split, home preference)
    has_right = policy.access(w.cuts, st, i, fixed)
    household = 0.0
    if st.residence[i] == INSTITUTION:
        care.in_institution(w.tb, st, i, acc, cell_acc)
        wellbeing.month(p, w.L, st, i, 0.0)
    else:
        need = current_need(st, i)
        keep, supplied, nursing = access.granted(p, w.ax, st, i)
        ratio = care.staffed_ratio(w.supply_ratio[st.cell[i]], w.unfilled, pm)
        informal_w, wlz, household, unmet, needed_w = care.at_home(p, st, i, need, ratio, has_right, acc, cell_acc,
                                                                   keep, supplied, nursing)
        informal_need = care.informal_need_week(p, need, st.ses[i], st.carer[i] > 0)
        unmet = carers.month(p, w.L, st, i, pm, informal_w, informal_need, wlz, acc, cell_acc, unmet, needed_w)
        care.reported(p, st, i, need, unmet, acc)
        housing.month(p, w.L, st, i, pm, need, acc, cell_acc)
        access.housing(p, w.ax, st, i, pm, need, acc, cell_acc)
        policy.wish(p, st, i, pm, fixed, need, has_right, w.month_abs // 12, acc)
        wellbeing.month(p, w.L, st, i, unmet)
        packages.spell_month(st, i)
    if w.snapshot:
        census.count(p, st, i, has_right, household, acc, cell_acc)


@step
def resident_move(st, i, stock, acc):
    """Pass C's scan (step 12), in resident order: a resident at home moves into a free adapted dwelling it wishes.
    True if it asks for a place this month (step 13 then admits the askers in ``admission_priority`` order)."""
    if st.residence[i] != HOME:
        return False
    wants = st.flags[i] & WANTS_ADMISSION
    housing.move_in(st, i, stock, acc)
    return wants != 0


@step
def admission_priority(st, i):
    """Admission order (lower first): crises, then the longest waiting; ties by resident order."""
    return policy.priority(st, i)


@step
def resident_admission(st, i, free_places, cut_pairs, stock, acc, cell_acc):
    """Step 13 for one asker: a free place of its sector admits it, otherwise it waits a month longer."""
    policy.admit(st, i, free_places, cut_pairs, stock, acc, cell_acc)
