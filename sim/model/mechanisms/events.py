"""Events: falls (fewer in adapted dwellings, Cochrane CD013258), hospital admissions (fewer with early
signalling by housing-association visits and the neighbourhood team: de Kam 2012 found fewer admissions,
Cochrane CD013258 none from home-hazard reduction, so its prior includes no effect), personal-alarm calls and crises when the alarm is not
answered within the time the resident needs (RIGO: 10 or 20-30 minutes).

What an event does, all in ``month``: a fall (stream ``fall``) costs ``fall_phys_loss`` and may injure
(``fall_injury``) into hospital; a hospital admission (``hospital``) costs ``hospital_phys_loss``; an
alarm call (``alarm_call``) answered late may become a crisis (``crisis``): a hospital stay, a further
loss and the crisis flag that puts the resident first in the admission queue. The month's physical
functioning is stored here, after the losses. Counts falls and hospital stays (65+ and all), alarm
users, calls, calls answered on time and crises, and falls per neighbourhood.
"""
import numpy as np

from sim.model.mechanisms.common import age_years, clip01, rule, step
from sim.model.mechanisms.mortality import MAX_AGE
from sim.model.rng import uniform
from sim.model.state import A, CA, C_FALLS, CRISIS, INSTITUTION

C_ALARM_USERS, C_HOSP_ALL = CA["alarm_users"], CA["hospital_all"]   # per cell (areas.parquet)

# what this mechanism owns: its random streams (fixed ids), resident fields, counters and the parameters it
# reads (the first three as literals: sim.model.declarations reads them to assemble rng.STREAM and state.STATE)
STREAMS = {"fall": 4, "fall_injury": 5, "hospital": 6, "alarm_call": 7, "crisis": 8}
FIELDS = ()
COUNTERS = ("falls_65plus", "hospital_65plus", "hospital_all", "alarm_users", "alarm_calls", "alarm_on_time",
            "crises")
PARAMETERS = ("alarm_call_rate", "alarm_need_threshold", "alarm_required_normal_min", "alarm_required_urgent_min",
              "alarm_urgent_need", "crisis_if_late", "crisis_phys_loss", "fall_frailty", "fall_high_risk_phys",
              "fall_injury_hospital", "fall_phys_loss", "fall_rate_65", "fall_rate_age", "fall_rr_adapted",
              "fall_rr_adapted_high_risk", "fall_rr_institution", "hospital_frailty", "hospital_phys_loss",
              "hospital_rate_65", "hospital_rate_age", "hospital_signalling_reduction")
A_FALLS65, A_HOSP65, A_HOSP_ALL, A_ALARM_USERS, A_ALARM_CALLS, A_ALARM_ON_TIME, A_CRISES = (A[c] for c in COUNTERS)
S_FALL, S_INJURY, S_HOSP = STREAMS["fall"], STREAMS["fall_injury"], STREAMS["hospital"]
S_ALARM, S_CRISIS = STREAMS["alarm_call"], STREAMS["crisis"]


def tables(p) -> dict:
    """Base yearly fall and hospital-admission rates by age in years."""
    age = np.maximum(np.arange(MAX_AGE, dtype=np.float64) - 65.0, 0.0)
    return {"fall_annual": p.fall_rate_65 * np.exp(p.fall_rate_age * age),
            "hospital_annual": p.hospital_rate_65 * np.exp(p.hospital_rate_age * age)}


@rule
def fall_probability_month(p, fall_annual, phys, at_home, dwelling):
    rate = fall_annual * (1.0 + p.fall_frailty * (1.0 - phys))
    if at_home:
        if dwelling > 0:
            rate *= p.fall_rr_adapted_high_risk if phys < p.fall_high_risk_phys else p.fall_rr_adapted
    else:
        rate *= p.fall_rr_institution
    return rate / 12.0


@rule
def hospital_probability_month(p, hospital_annual, need, signalling):
    rate = hospital_annual * (1.0 + p.hospital_frailty * need)
    rate *= 1.0 - p.hospital_signalling_reduction * signalling
    return rate / 12.0


@rule
def has_alarm(p, need):
    return need >= p.alarm_need_threshold


@rule
def alarm_call_probability_month(p, need):
    return p.alarm_call_rate * need / 12.0


@rule
def required_response_minutes(p, need):
    return p.alarm_required_urgent_min if need >= p.alarm_urgent_need else p.alarm_required_normal_min


@step
def month(p, tb, L, st, i, pm, phys, need, acc, cell_acc):
    """This month's events of resident ``i``, given its declined ``phys`` (float64) and its ``need`` at
    the start of the month. Stores phys and the crisis flag."""
    ay = age_years(st, i)
    c = st.cell[i]
    at_home = st.residence[i] != INSTITUTION
    hospital = False
    if uniform(pm, S_FALL) < fall_probability_month(p, tb.fall_annual[ay], phys, at_home, st.dwelling[i]):
        phys -= p.fall_phys_loss
        if ay >= 65:
            acc[A_FALLS65] += 1
        cell_acc[c, C_FALLS] += 1
        if uniform(pm, S_INJURY) < p.fall_injury_hospital:
            hospital = True
    if uniform(pm, S_HOSP) < hospital_probability_month(p, tb.hospital_annual[ay], need, L.signalling[c]):
        hospital = True
    crisis = False
    if at_home and has_alarm(p, need):
        acc[A_ALARM_USERS] += 1
        cell_acc[c, C_ALARM_USERS] += 1
        if uniform(pm, S_ALARM) < alarm_call_probability_month(p, need):
            acc[A_ALARM_CALLS] += 1
            if L.alarm_minutes[c] <= required_response_minutes(p, need):
                acc[A_ALARM_ON_TIME] += 1
            elif uniform(pm, S_CRISIS) < p.crisis_if_late:
                crisis = True
                hospital = True
                acc[A_CRISES] += 1
                phys -= p.crisis_phys_loss
    if hospital:
        phys -= p.hospital_phys_loss
        acc[A_HOSP_ALL] += 1
        cell_acc[c, C_HOSP_ALL] += 1
        if ay >= 65:
            acc[A_HOSP65] += 1
    st.phys[i] = np.float32(clip01(phys))
    st.flags[i] = (st.flags[i] & ~np.uint8(CRISIS)) | np.uint8(CRISIS if crisis else 0)
