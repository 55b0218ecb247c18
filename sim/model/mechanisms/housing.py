"""Dwellings: Wmo home adaptations where people live, and moves into free adapted dwellings.

Dwelling suitability: 0 none, 1 grab bars etc., 2 step-free (nultrede), 3 wheelchair accessible.
Adaptations come faster with advice, housing-association visits (signals) and an adaptation
programme. Moves are rare (Hengelo: suitable dwellings built, few taken by the target group) and
need a free adapted dwelling in the neighbourhood; a senior housing broker multiplies them.
"""
from sim.model.mechanisms.common import rule

NONE, GRAB_BARS, STEP_FREE, WHEELCHAIR = 0, 1, 2, 3


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
