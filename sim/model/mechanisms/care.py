"""Care demand by type and payer, and supply under the neighbourhood team's capacity.

Weekly care need follows the need score through the five levels of the UK social-care ABMs
(0/8/16/32/80 h). Formal and informal hours both rise with need (no substitution, de Kam 2012);
higher incomes use less informal care; without a carer part of the missing informal care becomes
formal demand (RIGO table). Formal hours split into personal care, nursing, Wmo household help,
begeleiding and day care. Where a neighbourhood's demand exceeds its team capacity, every resident
there gets the same share; the rest is unmet need.
"""
from sim.model.mechanisms.common import rule

WEEKS_PER_MONTH = 52.0 / 12.0
# care types, in the order of the hours accumulators
HOME_CARE, NURSING, HOUSEHOLD, SUPPORT, DAY_CARE, RESPITE = range(6)
CARE_TYPES = ("home_care", "district_nursing", "wmo_household_help", "wmo_support", "day_care", "respite")


@rule
def weekly_need_hours(p, need):
    s0 = p.care_need_s0
    step = (1.0 - s0) / 4.0   # four equal steps of need score between the five UK levels
    if need <= s0:
        return 0.0
    x = (need - s0) / step
    if x < 1.0:
        return p.care_need_h1 * x
    if x < 2.0:
        return p.care_need_h1 + (p.care_need_h2 - p.care_need_h1) * (x - 1.0)
    if x < 3.0:
        return p.care_need_h2 + (p.care_need_h3 - p.care_need_h2) * (x - 2.0)
    if x < 4.0:
        return p.care_need_h3 + (p.care_need_h4 - p.care_need_h3) * (x - 3.0)
    return p.care_need_h4


@rule
def care_demand_week(p, need, has_carer, ses):
    """(formal hours, informal hours asked of the carer) per week."""
    total = weekly_need_hours(p, need)
    share = p.formal_share_base + p.formal_share_slope * need
    if share > 1.0:
        share = 1.0
    formal = total * share
    informal = (total - formal) * (1.0 - p.informal_income_effect * ses / 2.0)
    if not has_carer:
        formal += p.formal_no_carer_extra * informal
        informal = 0.0
    return formal, informal


@rule
def formal_hours_by_type_month(p, formal_week, phys, cog, need):
    """Monthly hours of (home care, district nursing, household help, support, day care)."""
    month = formal_week * WEEKS_PER_MONTH
    household = p.household_share * month if need >= p.household_need else 0.0
    rest = month - household
    dp = 1.0 - phys
    dc = 1.0 - cog
    phys_frac = dp / (dp + dc) if dp + dc > 0.0 else 1.0
    physical = rest * phys_frac
    cognitive = rest - physical
    home = physical * p.personal_care_of_phys
    support = cognitive * p.support_of_cog
    return home, physical - home, household, support, cognitive - support


@rule
def wlz_at_home(p, has_access, sector, level):
    """A client at home whose package gives intramural access gets a full Wlz package at home
    (VPT/MPT) from a minimum level; younger sectors always."""
    if not has_access:
        return False
    return sector >= 2 or level >= p.wlz_package_min_level_home


def payer_of(care_type: int, year: int, wlz_flag: bool) -> str:
    """Who pays an hour of this care type in this year (AWBZ until 2014 is reported as Wlz)."""
    if care_type == HOUSEHOLD:
        return "wlz" if (wlz_flag and year >= 2015) else "wmo"
    if year < 2015 or wlz_flag:
        return "wlz"
    return "zvw" if care_type in (HOME_CARE, NURSING) else "wmo"
