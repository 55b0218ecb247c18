"""Care demand by type and payer, and supply under the neighbourhood team's capacity.

Weekly care need follows the need score through the five levels of the UK social-care ABMs
(0/8/16/32/80 h). Formal and informal hours both rise with need (de Kam 2012);
higher incomes use less informal care; without a carer part of the missing informal care becomes
formal demand (RIGO table). The informal hours asked respond to the formal hours delivered
(``informal_response``: per formal hour needed but not delivered, ``informal_substitution`` informal
hours more, or fewer when negative); the default 0 is no substitution on average (de Kam 2012), and
its prior runs from complementarity to substitution (Bonsang 2009, Bakx et al. 2015). Formal hours split into personal care, nursing, Wmo household help,
begeleiding and day care; personal care and nursing only from the need score ``nursing_need`` (the Zvw
wijkverpleging volume, issue 12). Where a neighbourhood's demand exceeds its team capacity, every resident
there gets the same share; the rest is unmet need.

``demand`` (pass A) adds a resident's formal hours to its neighbourhood's demand; between the passes
the model sets each neighbourhood's supply ratio; ``at_home`` (pass B) counts hours needed and
delivered by type and payer (Wlz or not) and stores the unmet share and the formal hours delivered; ``in_institution`` counts the
occupied place and its cost.

Wmo household help is the part ``household_share`` of the formal hours from the need score ``household_need`` in the
lowest income third, ``household_need_income_step`` higher per third above it (CBS: most users of Wmo household
help have low incomes; higher incomes paid a higher own contribution and buy private help). The household help a
resident gets is reported to the census (``wmo_household_help_share_*``) only for a non-Wlz client, as CBS counts it.

Staff shortage (``staffed_ratio``, issue 25): in a year when care and welfare have more open vacancies than in their
balanced year (capacity.home_care_unfilled_share), each month a share of the residents at home gets no formal care
at all (a provider's client stop, visits not made), the others their neighbourhood's ratio.

Unmet need as people report it (``reported``, after the month's informal care, issue 25): a resident 65+ at home
with a care need (a need score above ``care_need_s0``: help received or wanted, the survey population of SCP and
the CBS Gezondheidsenquete) reports too little help when its unmet share (formal hours not delivered, Wmo hours
unmet while unnoticed, waiting or refused, and the carer's shortfall as carers.py counts it) is at least
``unmet_report_threshold``; counted per person-month (``unmet_need_reported_share``).

Draws: ``home_care_stop`` (only in a year of the staff shortage).
"""
import numpy as np

from sim.model.mechanisms.common import age_years, centi, rule, step
from sim.model.rng import uniform
from sim.model.state import A, CA, C_DEMAND, C_NEEDED, C_UNMET

WEEKS_PER_MONTH = 52.0 / 12.0
DAYS_PER_MONTH = 365.25 / 12.0
# care types, in the order of the hours accumulators
HOME_CARE, NURSING, HOUSEHOLD, SUPPORT, DAY_CARE, RESPITE = range(6)
CARE_TYPES = ("home_care", "district_nursing", "wmo_household_help", "wmo_support", "day_care", "respite")

# what this mechanism owns: its random streams (fixed ids), resident fields, counters and the parameters it
# reads (the first three as literals: sim.model.declarations reads them to assemble rng.STREAM and state.STATE)
STREAMS = {"home_care_stop": 50}
FIELDS = (
    ("unmet", "float32", 0.0, "share of the care needed not delivered last month, 0..1"),
    ("formal_hours", "float32", 0.0, "formal hours a week delivered at home last month (0 in an institution)"),
)
# hours by type, each (not Wlz, Wlz): slot A_HOURS0 + 2 * type + wlz
COUNTERS = ("needed_c", "delivered_c", "home_care_c", "home_care_wlz_c", "district_nursing_c",
            "district_nursing_wlz_c", "wmo_household_help_c", "wmo_household_help_wlz_c", "wmo_support_c",
            "wmo_support_wlz_c", "day_care_c", "day_care_wlz_c", "intramural_cost_wlz_cents",
            "intramural_cost_ggz_cents", "occ_VV", "occ_VG", "occ_LG", "occ_ZG", "occ_GGZ", "nursing_withheld_c",
            "intramural_cost_vv_cents", "care_need_months_65", "unmet_reported_months_65")
PARAMETERS = ("care_need_h1", "care_need_h2", "care_need_h3", "care_need_h4", "care_need_s0",
              "formal_no_carer_extra", "formal_share_base", "formal_share_slope", "household_need",
              "household_need_income_step", "household_share", "informal_hours_factor", "informal_income_effect",
              "informal_need_from", "informal_substitution",
              "nursing_need", "personal_care_of_phys", "support_of_cog", "tariff_ggz_day", "tariff_lg_day",
              "tariff_vg_day", "tariff_vv_day_high", "tariff_vv_day_low", "tariff_vv_day_mid", "tariff_zg_day",
              "unmet_report_threshold", "wlz_package_min_level_home")
A_NEEDED, A_DELIVERED, A_HOURS0 = A["needed_c"], A["delivered_c"], A["home_care_c"]
A_COST_WLZ, A_COST_GGZ, A_OCC0 = A["intramural_cost_wlz_cents"], A["intramural_cost_ggz_cents"], A["occ_VV"]
A_NURSING_WITHHELD, A_COST_VV = A["nursing_withheld_c"], A["intramural_cost_vv_cents"]
A_NEED_MONTHS, A_REPORTED_MONTHS = A["care_need_months_65"], A["unmet_reported_months_65"]
C_HOURS0 = CA["home_care_c"]   # the same hours per cell (areas.parquet), and the intramural cost:
C_COST_WLZ, C_COST_GGZ = CA["intramural_cost_wlz_cents"], CA["intramural_cost_ggz_cents"]
S_STOP = STREAMS["home_care_stop"]


def tariff_table(p) -> np.ndarray:
    """Intramural tariff per day by [sector, level]."""
    tariff = np.zeros((6, 11))
    tariff[1, 1:4], tariff[1, 4:7], tariff[1, 7:] = p.tariff_vv_day_low, p.tariff_vv_day_mid, p.tariff_vv_day_high
    tariff[2, 1:], tariff[3, 1:] = p.tariff_vg_day, p.tariff_lg_day
    tariff[4, 1:], tariff[5, 1:] = p.tariff_zg_day, p.tariff_ggz_day
    return tariff


def tables(p) -> dict:
    return {"tariff_day": tariff_table(p)}


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
def need_split_week(p, need, ses):
    """(formal hours, the usual informal part) a week of the need table: the formal share of the hours, and the
    rest, less for higher incomes (``informal_income_effect``)."""
    total = weekly_need_hours(p, need)
    share = p.formal_share_base + p.formal_share_slope * need
    if share > 1.0:
        share = 1.0
    formal = total * share
    return formal, (total - formal) * (1.0 - p.informal_income_effect * ses / 2.0)


@rule
def informal_asked_week(p, need, usual):
    """Hours a week the care network is asked (mantelzorg as SCP/CBS count it), of the ``usual`` informal part of
    the need: none below the need score ``informal_need_from`` (light help is the household's usual help or done
    alone, not mantelzorg), above it ``informal_hours_factor`` times it. 0 and 1 give the usual part, as before."""
    if need < p.informal_need_from:
        return 0.0
    return p.informal_hours_factor * usual


@rule
def care_demand_week(p, need, has_carer, ses):
    """(formal hours, informal hours asked of the care network) per week. Without a carer part of the usual
    informal part becomes formal demand (``formal_no_carer_extra``), whether or not it would have been mantelzorg."""
    formal, usual = need_split_week(p, need, ses)
    if not has_carer:
        return formal + p.formal_no_carer_extra * usual, 0.0
    return formal, informal_asked_week(p, need, usual)


@rule
def informal_need_week(p, need, ses, has_carer=True):
    """Hours a week of informal help needed (the base of carers.py's shortfall): with a carer the hours its network
    is asked; without one the usual informal part, of which part became formal demand (care_demand_week)."""
    usual = need_split_week(p, need, ses)[1]
    return informal_asked_week(p, need, usual) if has_carer else usual


@rule
def household_need_of(p, ses):
    """Need score from which part of the formal hours is Wmo household help, by income third (``ses`` 0, 1, 2:
    lowest to highest): higher incomes paid a higher own contribution and more often buy private help (CBS)."""
    return p.household_need + p.household_need_income_step * ses


@rule
def formal_hours_by_type_month(p, formal_week, phys, cog, need, ses=0):
    """Monthly hours of (home care, district nursing, household help, support, day care). Below the need
    score ``nursing_need`` the physical part is no personal care or nursing (0, 0: the light physical help of
    the need levels is not asked of a nurse), so the types sum to less than the formal hours of
    ``care_demand_week``; use their sum (``formal_month``). Household help from ``household_need_of`` (income
    third ``ses``)."""
    month = formal_week * WEEKS_PER_MONTH
    household = p.household_share * month if need >= household_need_of(p, ses) else 0.0
    rest = month - household
    dp = 1.0 - phys
    dc = 1.0 - cog
    phys_frac = dp / (dp + dc) if dp + dc > 0.0 else 1.0
    physical = rest * phys_frac
    cognitive = rest - physical
    home = physical * p.personal_care_of_phys
    support = cognitive * p.support_of_cog
    if need < p.nursing_need:
        return 0.0, 0.0, household, support, cognitive - support
    return home, physical - home, household, support, cognitive - support


@rule
def formal_month(p, formal_week, phys, cog, need, ses=0):
    """Formal hours a month asked of the formal carers: the sum of ``formal_hours_by_type_month``."""
    h0, h1, h2, h3, h4 = formal_hours_by_type_month(p, formal_week, phys, cog, need, ses)
    return h0 + h1 + h2 + h3 + h4


@rule
def wlz_at_home(p, has_access, sector, level):
    """A client at home whose package gives intramural access gets a full Wlz package at home
    (VPT/MPT) from a minimum level; younger sectors always."""
    if not has_access:
        return False
    return sector >= 2 or level >= p.wlz_package_min_level_home


@rule
def informal_response(p, asked, formal_short_week):
    """Informal hours asked a week after the response to the formal supply: per formal hour needed but not
    delivered the network is asked ``informal_substitution`` hours more (> 0: substitution) or fewer (< 0:
    complementarity, formal carers who stay away no longer draw the family in). 0 (the default): no response
    (de Kam 2012: no substitution on average)."""
    asked = asked + p.informal_substitution * formal_short_week
    return asked if asked > 0.0 else 0.0


@rule
def staffed_ratio(ratio, unfilled, pm):
    """The supply ratio a resident gets this month: 0 with chance ``unfilled`` (the year's staff shortage falls on
    whole clients: a provider's client stop or visits not made, care asked and not delivered), else the
    neighbourhood's ``ratio``. No draw without a shortage."""
    if unfilled > 0.0 and uniform(pm, S_STOP) < unfilled:
        return 0.0
    return ratio


@step
def demand(p, st, i, need, cell_acc):
    """Pass A: a resident at home adds its formal hours to the neighbourhood's demand (``need``: its
    need score after this month's decline and events)."""
    formal_w, informal_w = care_demand_week(p, need, st.carer[i] > 0, st.ses[i])
    formal_m = formal_month(p, formal_w, np.float64(st.phys[i]), np.float64(st.cog[i]), need, st.ses[i])
    cell_acc[st.cell[i], C_DEMAND] += centi(formal_m)


@step
def at_home(p, st, i, need, ratio, access, acc, cell_acc, wmo_keep=1.0, wmo_supplied=1.0, zvw_supplied=1.0):
    """Pass B: formal care of a resident at home, supplied at the neighbourhood's ``ratio``. Stores
    the unmet share; returns (informal hours asked per week, Wlz 0/1, household help delivered,
    unmet share as float64, formal hours needed per week). The access route (mechanisms/access.py) sets ``wmo_keep``, the share of
    the Wmo hours (household help, support, day care) kept formal, the rest asked of the carer,
    ``wmo_supplied``, the share of those supplied (waiting, budget), and ``zvw_supplied``, the share of
    the personal care and nursing supplied (a client between two stools); 1.0, 1.0, 1.0 change nothing."""
    phys = np.float64(st.phys[i])
    cog = np.float64(st.cog[i])
    c = st.cell[i]
    formal_w, informal_w = care_demand_week(p, need, st.carer[i] > 0, st.ses[i])
    wlz = 1 if wlz_at_home(p, access, st.sector[i], st.level[i]) else 0
    h0, h1, h2, h3, h4 = formal_hours_by_type_month(p, formal_w, phys, cog, need, st.ses[i])
    formal_m = h0 + h1 + h2 + h3 + h4   # = formal_month, as in demand
    expected = (h2 + h3 + h4) * (1.0 - wmo_keep)     # asked of the network instead (access route)
    h2, h3, h4 = h2 * wmo_keep, h3 * wmo_keep, h4 * wmo_keep
    wmo_ratio = ratio * wmo_supplied
    nursing_ratio = ratio * zvw_supplied
    acc[A_HOURS0 + wlz] += centi(h0 * nursing_ratio)
    acc[A_HOURS0 + 2 + wlz] += centi(h1 * nursing_ratio)
    acc[A_HOURS0 + 4 + wlz] += centi(h2 * wmo_ratio)
    acc[A_HOURS0 + 6 + wlz] += centi(h3 * wmo_ratio)
    acc[A_HOURS0 + 8 + wlz] += centi(h4 * wmo_ratio)
    cell_acc[c, C_HOURS0 + wlz] += centi(h0 * nursing_ratio)
    cell_acc[c, C_HOURS0 + 2 + wlz] += centi(h1 * nursing_ratio)
    cell_acc[c, C_HOURS0 + 4 + wlz] += centi(h2 * wmo_ratio)
    cell_acc[c, C_HOURS0 + 6 + wlz] += centi(h3 * wmo_ratio)
    cell_acc[c, C_HOURS0 + 8 + wlz] += centi(h4 * wmo_ratio)
    needed = formal_m - expected
    withheld = (h2 + h3 + h4) * ratio * (1.0 - wmo_supplied)
    if zvw_supplied < 1.0:   # only then, so the arithmetic without a route is unchanged to the bit
        nursing_withheld = (h0 + h1) * ratio * (1.0 - zvw_supplied)
        withheld += nursing_withheld
        acc[A_NURSING_WITHHELD] += centi(nursing_withheld)
    delivered = needed * ratio - withheld
    acc[A_NEEDED] += centi(needed)
    acc[A_DELIVERED] += centi(delivered)
    cell_acc[c, C_NEEDED] += centi(needed)
    cell_acc[c, C_UNMET] += centi(needed) - centi(delivered)
    unmet = (1.0 - ratio + withheld / needed) if needed > 0.0 else 0.0
    st.unmet[i] = np.float32(unmet)
    st.formal_hours[i] = np.float32(delivered / WEEKS_PER_MONTH)
    asked = informal_w + expected / WEEKS_PER_MONTH
    asked = informal_response(p, asked, (needed - delivered) / WEEKS_PER_MONTH)
    return asked, wlz, (h2 * wmo_ratio if wlz == 0 else 0.0), unmet, needed / WEEKS_PER_MONTH


@rule
def reports_unmet(p, need, unmet):
    """(has a care need, reports too little help): a need score above ``care_need_s0`` (help received or wanted)
    and an unmet share (formal and informal, carers.py) of at least ``unmet_report_threshold``."""
    has_need = need > p.care_need_s0
    return has_need, has_need and unmet >= p.unmet_report_threshold


@step
def reported(p, st, i, need, unmet, acc):
    """Pass B, at home, after the month's informal care: counts a resident 65+ with a care need, and whether it
    reports too little help (``unmet``: its unmet share with the informal shortfall, carers.month)."""
    if age_years(st, i) < 65:
        return
    has_need, reports = reports_unmet(p, need, unmet)
    acc[A_NEED_MONTHS] += 1 if has_need else 0
    acc[A_REPORTED_MONTHS] += 1 if reports else 0



@step
def in_institution(tb, st, i, acc, cell_acc):
    """Pass B: an institution resident occupies a place of its sector, at the day tariff."""
    sector = st.sector[i]
    acc[A_OCC0 + sector - 1] += 1
    cost = centi(tb.tariff_day[sector, st.level[i]] * DAYS_PER_MONTH)
    acc[A_COST_GGZ if sector == 5 else A_COST_WLZ] += cost
    cell_acc[st.cell[i], C_COST_GGZ if sector == 5 else C_COST_WLZ] += cost
    if sector == 1:
        acc[A_COST_VV] += cost
    st.unmet[i] = np.float32(0.0)
    st.formal_hours[i] = np.float32(0.0)


def payer_of(care_type: int, year: int, wlz_flag: bool) -> str:
    """Who pays an hour of this care type in this year (AWBZ until 2014 is reported as Wlz)."""
    if care_type == HOUSEHOLD:
        return "wlz" if (wlz_flag and year >= 2015) else "wmo"
    if year < 2015 or wlz_flag:
        return "wlz"
    return "zvw" if care_type in (HOME_CARE, NURSING) else "wmo"
