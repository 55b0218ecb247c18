"""Informal care (mantelzorg): who cares, how many hours, strain, respite and breakdown.

A co-resident carer (partner) gives up to 40 h a week, a carer living elsewhere up to 16 h. Strain
grows with hours (faster for the often frail partners of people 75+, RIGO) and recovers slowly;
respite and carer support relieve it; an overburdened arrangement may break down, after which the
resident has no carer until the network finds a new one.

Draws: ``carer_new`` (a new carer from the network), ``carer_breakdown``. Changes carer, carer hours
and strain; counts informal hours (mantelzorg), respite hours (by payer) and breakdowns.
"""
import numpy as np

from sim.model.mechanisms.care import WEEKS_PER_MONTH
from sim.model.mechanisms.common import age_years, centi, rule, step
from sim.model.rng import STREAM, uniform
from sim.model.state import A

STREAMS = ("carer_new", "carer_breakdown")
COUNTERS = ("mantelzorg_c", "respite_c", "respite_wlz_c", "breakdowns")
A_MANTELZORG, A_RESPITE, A_BREAKDOWNS = A["mantelzorg_c"], A["respite_c"], A["breakdowns"]
S_NEW, S_BREAK = STREAM["carer_new"], STREAM["carer_breakdown"]

NO_CARER, CO_RESIDENT, ELSEWHERE = 0, 1, 2


@rule
def carer_month(p, carer, strain, informal_week, age_years, network, respite_access, carer_support,
                u_new, u_break):
    """Returns (carer, hours given per week, strain, respite hours this month, broke down 0/1)."""
    if carer == NO_CARER:
        if network > 0.0 and u_new < p.carer_new_month * network:
            carer = ELSEWHERE
            strain = 0.0
        else:
            return NO_CARER, 0.0, 0.0, 0.0, 0
    cap = p.informal_cap_coresident if carer == CO_RESIDENT else p.informal_cap_elsewhere
    given = informal_week if informal_week < cap else cap
    gain = p.strain_per_hour * given
    if carer == CO_RESIDENT and age_years >= 75:
        gain *= 1.0 + p.strain_old_partner
    gain *= 1.0 - carer_support
    relief = p.strain_recovery
    respite = 0.0
    if strain > p.respite_strain_threshold and given > 0.0:
        respite = p.respite_hours_month * respite_access
        relief += p.strain_respite_relief * respite_access
    strain = strain + gain - relief
    if strain < 0.0:
        strain = 0.0
    if strain > p.strain_threshold and u_break < p.carer_breakdown_month:
        return NO_CARER, given, 0.0, respite, 1
    return carer, given, strain, respite, 0


@step
def month(p, L, st, i, pm, informal_week, wlz, acc):
    """Pass B: informal care for resident ``i`` at home, given the hours asked this week."""
    c = st.cell[i]
    carer, given, strain, respite, broke = carer_month(
        p, st.carer[i], np.float64(st.strain[i]), informal_week, age_years(st, i), np.float64(st.network[i]),
        L.respite_access[c], L.carer_support[c], uniform(pm, S_NEW), uniform(pm, S_BREAK))
    st.carer[i] = carer
    st.carer_hours[i] = np.float32(given)
    st.strain[i] = np.float32(strain)
    acc[A_MANTELZORG] += centi(given * WEEKS_PER_MONTH)
    acc[A_RESPITE + wlz] += centi(respite)
    acc[A_BREAKDOWNS] += broke
