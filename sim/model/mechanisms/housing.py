"""Dwellings: Wmo home adaptations where people live, and moves into free adapted dwellings.

Dwelling suitability: 0 none, 1 grab bars etc., 2 step-free (nultrede), 3 wheelchair accessible.
Adaptations come faster with advice, housing-association visits (signals) and an adaptation
programme. Moves are rare (Hengelo: suitable dwellings built, few taken by the target group) and
need a free adapted dwelling in the neighbourhood; a senior housing broker multiplies them.

Pass B (``month``, draws ``adaptation`` and ``move``): an adaptation where one lives (counted), or a
wish to move (flags ``MOVE_STEP_FREE``/``MOVE_WHEELCHAIR``). Pass C (``move_in``, no draw): the wish
is met when the neighbourhood has a free adapted dwelling of that kind (counted as a move); the
resident's former adapted dwelling from the stock (flag ``STOCK_UNIT``) becomes free again.
"""
import numpy as np

from sim.model.mechanisms.common import rule, step
from sim.model.rng import uniform
from sim.model.state import A, CA, MOVE_STEP_FREE, MOVE_WHEELCHAIR, STOCK_UNIT

NONE, GRAB_BARS, STEP_FREE, WHEELCHAIR = 0, 1, 2, 3

# what this mechanism owns: its random streams (fixed ids), resident fields, counters and the parameters it
# reads (the first three as literals: sim.model.declarations reads them to assemble rng.STREAM and state.STATE)
STREAMS = {"adaptation": 12, "move": 13}
FIELDS = (
    ("dwelling", "int8", "drawn", "NONE, GRAB_BARS, STEP_FREE or WHEELCHAIR"),
)
COUNTERS = ("adaptations", "moves")
PARAMETERS = ("adaptation_advice_effect", "adaptation_month", "adaptation_need", "adaptation_signalling_effect",
              "move_month", "move_need_step_free", "move_need_wheelchair")
A_ADAPT, A_MOVES = A["adaptations"], A["moves"]
S_ADAPT, S_MOVE = STREAMS["adaptation"], STREAMS["move"]
C_ADAPT = CA["adaptations"]   # per cell (areas.parquet); access.housing adds its own there too


@rule
def adaptation_probability_month(p, need, dwelling, advice, visits_per_year, programme_uptake):
    if dwelling > NONE or need < p.adaptation_need:
        return 0.0
    rate = p.adaptation_month * (1.0 + p.adaptation_advice_effect * advice)
    rate *= 1.0 + p.adaptation_signalling_effect * visits_per_year
    return rate + programme_uptake / 12.0


@rule
def dwelling_needed(p, need):
    if need >= p.move_need_wheelchair:
        return WHEELCHAIR
    if need >= p.move_need_step_free:
        return STEP_FREE
    return NONE


@rule
def move_wish(p, need, dwelling, broker_multiplier, u):
    """The kind of adapted dwelling this resident tries to move into this month (0: none)."""
    kind = dwelling_needed(p, need)
    if kind > dwelling and u < p.move_month * broker_multiplier:
        return kind
    return NONE


@step
def month(p, L, st, i, pm, need, acc, cell_acc):
    """Pass B, at home: an adaptation, then this month's wish to move."""
    c = st.cell[i]
    if uniform(pm, S_ADAPT) < adaptation_probability_month(p, need, st.dwelling[i], L.advice[c], L.visits[c], L.uptake[c]):
        st.dwelling[i] = GRAB_BARS
        acc[A_ADAPT] += 1
        cell_acc[c, C_ADAPT] += 1
    f = st.flags[i] & ~np.uint8(MOVE_STEP_FREE | MOVE_WHEELCHAIR)
    wish = move_wish(p, need, st.dwelling[i], L.broker[c], uniform(pm, S_MOVE))
    if wish == STEP_FREE:
        f |= np.uint8(MOVE_STEP_FREE)
    elif wish == WHEELCHAIR:
        f |= np.uint8(MOVE_WHEELCHAIR)
    st.flags[i] = f


@step
def move_in(st, i, stock, acc):
    """Pass C: resident ``i`` at home moves into a free adapted dwelling it wishes, if there is one."""
    f = st.flags[i]
    if not f & (MOVE_STEP_FREE | MOVE_WHEELCHAIR):
        return
    kind = STEP_FREE if f & MOVE_STEP_FREE else WHEELCHAIR
    c = st.cell[i]
    if stock[c, kind - STEP_FREE] > 0:
        stock[c, kind - STEP_FREE] -= 1
        if f & STOCK_UNIT:
            stock[c, st.dwelling[i] - STEP_FREE] += 1   # the adapted dwelling left is free again
        st.dwelling[i] = kind
        st.flags[i] = f | np.uint8(STOCK_UNIT)
        acc[A_MOVES] += 1
