"""Informal care (mantelzorg): who cares, how many hours, strain, respite and breakdown.

A co-resident carer (partner) gives up to 40 h a week, a carer living elsewhere up to 16 h. The partner
is about the resident's own age: from ``carer_cap_age_from`` the co-resident cap falls each year of age
(``carer_cap_fall_per_year``, to at least ``carer_cap_floor`` of it): older partners' own health limits
their hours (RIGO: partners are often frail themselves). Strain grows with hours (faster for the often
frail partners of people 75+, RIGO) and recovers slowly; respite and carer support relieve it; an
overburdened arrangement may break down, after which the resident has no carer until the network finds a
new one. Widowhood (the partner's death) is drawn in ``mortality``.

Informal care does not substitute formal care, nor the reverse: the hours asked of a carer do not depend
on the formal hours delivered (de Kam 2012: no substitution on average, DOMAIN.md §3). Hours a carer cannot
give (the cap, no carer; without a carer only the part not turned into formal demand) are the informal
shortfall: unmet need of informal care (``informal_shortfall_share``, ``unmet_need_total_share``). The
share ``informal_shortfall_unmet`` of those hours counts as unmet need of the resident, next to the formal
hours not delivered: the unmet share that speeds decline (``decline_unmet``) and lowers well-being is then
(formal hours short + counted informal hours short) / (formal hours needed + counted informal hours needed).

The carer here is the main carer of the resident's care network; its secondary helpers, the hours spread over
them and the episode's length are ``carer_network.py``'s: helpers relieve the main carer of part of the hours
(``helper_relief``) and fill part of what it cannot give, so both the strain and the shortfall see them.

Draws: ``carer_new`` (a new carer from the network), ``carer_breakdown``, ``carer_helpers`` (at a care
episode's start). Changes carer, carer hours, strain, the network's helpers and episode, and the hours asked of
and given by the network this month (``informal_asked``, ``informal_given``); counts informal hours
(mantelzorg: the main carer's and the helpers'), respite hours (by payer), breakdowns, the informal need and
shortfall, and every month the main carers of package holders (hours > 8 a week, overburdened).
"""
import numpy as np

from sim.model.mechanisms.care import WEEKS_PER_MONTH
from sim.model.mechanisms.carer_network import episode_months, helpers_drawn, spread
from sim.model.mechanisms.common import age_years, centi, rule, step
from sim.model.rng import STREAM, uniform
from sim.model.state import A, CA

# what this mechanism owns: its random streams (fixed ids), resident fields, counters and the parameters it
# reads (the first three as literals: sim.model.declarations reads them to assemble rng.STREAM and state.STATE)
STREAMS = {"carer_new": 11, "carer_breakdown": 10}
FIELDS = (
    ("carer", "int8", "drawn", "NO_CARER, CO_RESIDENT or ELSEWHERE"),
    ("carer_hours", "float32", 0.0, "hours a week the main carer gives"),
    ("strain", "float32", 0.0, "carer strain, 0..1 (overburdened above strain_threshold)"),
)
COUNTERS = ("mantelzorg_c", "respite_c", "respite_wlz_c", "breakdowns", "informal_needed_c", "informal_shortfall_c",
            "client_carer_months", "client_carer_months_over_8h", "client_carer_months_overburdened")
PARAMETERS = ("carer_breakdown_month", "carer_cap_age_from", "carer_cap_fall_per_year", "carer_cap_floor",
              "carer_helpers_mean", "carer_new_month", "formal_no_carer_extra", "helper_cap", "helper_relief",
              "helper_share", "informal_cap_coresident", "informal_cap_elsewhere", "informal_shortfall_unmet",
              "respite_hours_month", "respite_strain_threshold", "strain_old_partner", "strain_per_hour",
              "strain_recovery", "strain_respite_relief", "strain_threshold")
A_MANTELZORG, A_RESPITE, A_BREAKDOWNS = A["mantelzorg_c"], A["respite_c"], A["breakdowns"]
A_INF_NEEDED, A_INF_SHORT = A["informal_needed_c"], A["informal_shortfall_c"]
A_CC, A_CC_8H, A_CC_OVER = A["client_carer_months"], A["client_carer_months_over_8h"], A["client_carer_months_overburdened"]
S_NEW, S_BREAK = STREAMS["carer_new"], STREAMS["carer_breakdown"]
C_RESPITE = CA["respite_c"]   # respite hours per cell (+ 1: Wlz), areas.parquet
S_HELPERS = STREAM["carer_helpers"]   # carer_network.py's stream

NO_CARER, CO_RESIDENT, ELSEWHERE = 0, 1, 2


@rule
def coresident_cap(p, age_years):
    """Most hours a week a co-resident partner of this age gives (the partner is about as old)."""
    share = 1.0 - p.carer_cap_fall_per_year * (age_years - p.carer_cap_age_from)
    if share > 1.0:
        share = 1.0
    if share < p.carer_cap_floor:
        share = p.carer_cap_floor
    return p.informal_cap_coresident * share


@rule
def carer_month(p, carer, strain, informal_week, age_years, network, respite_access, carer_support,
                u_new, u_break, helpers=0):
    """Returns (carer, hours the main carer gives per week, hours its ``helpers`` give per week, strain, respite
    hours this month, broke down 0/1)."""
    if carer == NO_CARER:
        if network > 0.0 and u_new < p.carer_new_month * network:
            carer = ELSEWHERE
            strain = 0.0
        else:
            return NO_CARER, 0.0, 0.0, 0.0, 0.0, 0
    cap = coresident_cap(p, age_years) if carer == CO_RESIDENT else p.informal_cap_elsewhere
    given, helped = spread(p, informal_week, cap, helpers)
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
        return NO_CARER, given, helped, 0.0, respite, 1
    return carer, given, helped, strain, respite, 0


@rule
def unmet_with_shortfall(p, formal_unmet, formal_needed_week, uncovered, short):
    """The resident's unmet share with the informal shortfall counted (weight ``informal_shortfall_unmet``;
    0 returns the formal share unchanged, to the bit)."""
    w = p.informal_shortfall_unmet
    if w == 0.0:
        return formal_unmet
    needed = formal_needed_week + w * uncovered
    if needed <= 0.0:
        return formal_unmet
    return (formal_unmet * formal_needed_week + w * (short if short > 0.0 else 0.0)) / needed


@step
def month(p, L, st, i, pm, informal_week, informal_need, wlz, acc, cell_acc, formal_unmet=0.0,
          formal_needed_week=0.0):
    """Pass B: informal care for resident ``i`` at home, given the hours asked this week
    (``informal_need``: the hours a carer would be asked, carer or not) and this month's formal unmet share
    and formal hours needed a week (care.at_home). Stores and returns the unmet share with the informal
    shortfall counted."""
    c = st.cell[i]
    had_carer = st.carer[i] > 0
    network = np.float64(st.network[i])
    helpers = np.int64(st.helpers[i])
    if st.care_months[i] == 0 and informal_week > 0.0:   # a care episode may start: its helpers
        helpers = helpers_drawn(p, network, uniform(pm, S_HELPERS))
    carer, given, helped, strain, respite, broke = carer_month(
        p, st.carer[i], np.float64(st.strain[i]), informal_week, age_years(st, i), network,
        L.respite_access[c], L.carer_support[c], uniform(pm, S_NEW), uniform(pm, S_BREAK), helpers)
    st.carer[i] = carer
    st.carer_hours[i] = np.float32(given)
    st.strain[i] = np.float32(strain)
    months = episode_months(np.int64(st.care_months[i]), given + helped)
    st.care_months[i] = months
    st.helpers[i] = helpers if months > 0 else 0
    acc[A_MANTELZORG] += centi((given + helped) * WEEKS_PER_MONTH)
    acc[A_RESPITE + wlz] += centi(respite)
    cell_acc[c, C_RESPITE + wlz] += centi(respite)
    acc[A_BREAKDOWNS] += broke
    # the informal shortfall: without a carer, the part of the need not turned into formal demand
    uncovered = informal_need if had_carer else (1.0 - p.formal_no_carer_extra) * informal_need
    short = uncovered - (given + helped)
    st.informal_asked[i] = np.float32(uncovered)
    st.informal_given[i] = np.float32(given + helped)
    acc[A_INF_NEEDED] += centi(informal_need * WEEKS_PER_MONTH)
    acc[A_INF_SHORT] += centi(short * WEEKS_PER_MONTH) if short > 0.0 else 0
    if st.level[i] > 0 and carer != NO_CARER and given > 0.0:   # carers of package holders, per month
        acc[A_CC] += 1
        acc[A_CC_8H] += 1 if given > 8.0 else 0
        acc[A_CC_OVER] += 1 if strain > p.strain_threshold else 0
    unmet = unmet_with_shortfall(p, formal_unmet, formal_needed_week, uncovered, short)
    st.unmet[i] = np.float32(unmet)
    return unmet
