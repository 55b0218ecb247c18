"""Events: falls (fewer in adapted dwellings, Cochrane CD013258), hospital admissions (fewer with a
woonservicegebied and early signalling), personal-alarm calls and crises when the alarm is not
answered within the time the resident needs (RIGO: 10 or 20-30 minutes)."""
import numpy as np

from sim.model.mechanisms.mortality import MAX_AGE
from sim.model.mechanisms.common import rule


def annual_event_tables(p):
    """Base yearly fall and hospital-admission rates by age in years."""
    age = np.maximum(np.arange(MAX_AGE, dtype=np.float64) - 65.0, 0.0)
    return p.fall_rate_65 * np.exp(p.fall_rate_age * age), p.hospital_rate_65 * np.exp(p.hospital_rate_age * age)


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
def hospital_probability_month(p, hospital_annual, need, wsg, signalling):
    rate = hospital_annual * (1.0 + p.hospital_frailty * need)
    rate *= (1.0 - p.hospital_wsg_reduction * wsg) * (1.0 - p.hospital_signalling_reduction * signalling)
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
