"""Informal care (mantelzorg): who cares, how many hours, strain, respite and breakdown.

A co-resident carer (partner) gives up to 40 h a week, a carer living elsewhere up to 16 h. Strain
grows with hours (faster for the often frail partners of people 75+, RIGO) and recovers slowly;
respite and carer support relieve it; an overburdened arrangement may break down, after which the
resident has no carer until the network finds a new one.
"""
from sim.model.mechanisms.common import rule

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
