"""Policy: the extramuralisation schedule (DOMAIN.md §1), intramural capacity per sector, and who
seeks admission.

From a cut date, new clients with that package get no intramural place: the rule looks at the month
the package was indicated, so people indicated before the date keep their right (transitional right),
and people already inside stay. ``policy.transitional_right: false`` drops that right (from the cut date
everyone with the package at home loses access; ``without_transitional_right``), and ``policy.cuts`` moves
or drops single packages of the schedule (``cut_table``): the reform's parts one at a time.
The 50 % VG3 and 25 % VV4 splits use one fixed uniform per person (stream ``split``).

Pass B (``wish``, draws ``admission_request`` and ``home_preference``): a resident at home whose package gives
access asks for (or keeps waiting for) a place (flag ``WANTS_ADMISSION``), unless it prefers a full Wlz package
at home (VPT, MPT or pgb; a fixed share ``wlz_home_preference`` of the people, one fixed uniform per person) and
has a carer: then only a crisis makes it ask. A VG/LG/ZG client prefers the Wlz at home with its own share
``wlz_home_preference_young`` (living with parents or in a pgb group home), carer or not (CBS: 46,000 VG clients had
Wlz care at home in 2018). Pass C (``admit``, no draw), in the
order of ``priority``: a free place of the sector admits the resident once its placement time has passed (counted; a
package spell at home ends; its adapted dwelling from the stock becomes free), otherwise it waits a month longer.
``waiting.py`` (issue #25) holds the placement time, the list by preference ('uit voorzorg') and the growing uptake
of the Wlz at home; an older resident's preference gives way from the need ``wlz_home_need_limit`` on.
"""
import numpy as np

from sim.model.mechanisms.common import rule, step
from sim.model.mechanisms.housing import STEP_FREE
from sim.model.mechanisms.packages import GGZ, LG, VG, VV, ZG
from sim.model.mechanisms.waiting import (A_PRECAUTION_VV, home_preference_share, home_still_responsible, placeable,
                                         waits_by_preference)
from sim.model.rng import uniform
from sim.model.state import A, CRISIS, INSTITUTION, PKG_IN_RUN, PLACEABLE, STOCK_UNIT, WANTS_ADMISSION

# what this mechanism owns: its random streams (fixed ids), resident fields, counters and the parameters it
# reads (the first three as literals: sim.model.declarations reads them to assemble rng.STREAM and state.STATE)
STREAMS = {"split": 15, "admission_request": 14, "home_preference": 22}
FIELDS = (
    ("waiting", "int16", 0, "months on the waiting list for a place"),
)
COUNTERS = ("admissions", "admissions_cut_packages", "spells_ended", "spell_months",
            "waiting_VV", "waiting_VG", "waiting_LG", "waiting_ZG", "waiting_GGZ", "waiting_months",
            "admission_wait_months")
PARAMETERS = ("admit_need", "admit_need_alone", "admit_request_month", "capacity_ggz_per_1000",
              "capacity_lg_per_1000", "capacity_vg_per_1000", "capacity_vv_per_80plus", "capacity_zg_per_1000",
              "wlz_home_preference", "wlz_home_preference_young")
A_ADMISSIONS, A_ADM_CUT, A_SPELLS, A_SPELL_MONTHS = (A[c] for c in COUNTERS[:4])
A_WAITING0, A_WAITING_MONTHS, A_ADMISSION_WAIT = A["waiting_VV"], A["waiting_months"], A["admission_wait_months"]
S_SPLIT, S_ADMIT, S_HOME_PREFERENCE = STREAMS["split"], STREAMS["admission_request"], STREAMS["home_preference"]

# (sector, level, share of clients cut, year the cut starts) — KCWZ 2013, RIGO 2014 (seed 003)
ENACTED_CUTS = (
    (VV, 1, 1.0, 2013), (VV, 2, 1.0, 2013), (VG, 1, 1.0, 2013), (VG, 2, 1.0, 2013),
    (GGZ, 1, 1.0, 2013), (GGZ, 2, 1.0, 2013),
    (VV, 3, 1.0, 2014),
    (VG, 3, 0.5, 2015),
    (VV, 4, 0.25, 2016),
    (LG, 1, 1.0, 2016), (LG, 3, 1.0, 2016), (ZG, 1, 1.0, 2016),
)
# From 2015 beschermd wonen (GGZ C) is paid by the municipalities (Wmo), no longer by the Wlz.
GGZ_TO_WMO_YEAR = 2015
CAPACITY_SECTORS = ("VV", "VG", "LG", "ZG", "GGZ")


SECTOR_CODES = {VV: "VV", VG: "VG", LG: "LG", ZG: "ZG", GGZ: "GGZ"}
# the packages the enacted reform cut, by name ("VV3"): the keys of policy.cuts (scenarios/README.md)
CUT_PACKAGES = tuple(f"{SECTOR_CODES[sector]}{level}" for sector, level, _, _ in ENACTED_CUTS)
NO_RIGHT_KEPT = -(2 ** 15)   # a first indicated month below every int16 indicated_month: nobody keeps a right


def cut_table(schedule: str, cuts: dict | None = None) -> np.ndarray:
    """Rows (sector, level, share, first month index = year*12) for the kernel; empty for 'none'.

    ``cuts`` (policy.cuts) moves single packages of the enacted schedule: {package: year} cuts it from that
    year (with the enacted share), {package: None} does not cut it; packages not named keep the schedule's
    rule (enacted: their enacted year; none: not cut). So the reform's parts can be switched one at a time."""
    years = {name: year for name, (_, _, _, year) in zip(CUT_PACKAGES, ENACTED_CUTS)} if schedule == "enacted" else {}
    years.update(cuts or {})
    rows = [(sector, level, share, years[name]) for name, (sector, level, share, _) in zip(CUT_PACKAGES, ENACTED_CUTS)
            if years.get(name) is not None]
    table = np.zeros((len(rows), 4))
    for r, (sector, level, share, year) in enumerate(rows):
        table[r] = (sector, level, share, year * 12)
    return table


def without_transitional_right(cuts: np.ndarray, month_abs: int) -> np.ndarray:
    """The cut table when the transitional right is switched off (policy.transitional_right: false): from a
    cut's first month, a package indicated before it loses its right too (people already inside stay)."""
    out = cuts.copy()
    out[out[:, 3] <= month_abs, 3] = NO_RIGHT_KEPT
    return out


@rule
def has_access(cuts, sector, level, split_u, indicated_month):
    """Does this package, indicated in ``indicated_month`` (year * 12 + month), give a right to an
    intramural place?"""
    if level == 0:
        return False
    for r in range(cuts.shape[0]):
        if cuts[r, 0] == sector and cuts[r, 1] == level and indicated_month >= cuts[r, 3] and split_u < cuts[r, 2]:
            return False
    return True


@rule
def seeks_admission(p, need, has_carer, crisis, waiting, u, prefers_home=False, young=False):
    """Asks for (or keeps waiting for) an intramural place this month. An older resident who prefers a package
    at home keeps it while a carer makes care at home responsible; a younger (VG/LG/ZG) client who takes the Wlz
    at home keeps it without (the package pays the 24-hour care: parents, a pgb group home); a crisis still admits."""
    if crisis:
        return True
    if prefers_home and (has_carer or young):
        return False
    if waiting > 0:
        return True
    return need >= admission_threshold(p, has_carer) and u < p.admit_request_month


@rule
def admission_threshold(p, has_carer):
    """The need score from which a resident with access asks for a place."""
    return p.admit_need if has_carer else p.admit_need_alone


@rule
def is_young_sector(sector):
    """VG, LG or ZG: the lifelong packages of younger clients that CBS counts as Wlz (GGZ apart)."""
    return sector == VG or sector == LG or sector == ZG


@rule
def prefers_home(p, home_u, young=False, year=2015):
    """Does this person prefer a full Wlz package at home to a place (``home_u``: its fixed uniform)? The share is
    ``wlz_home_preference_young`` for a VG/LG/ZG client (``young``), for the others ``wlz_home_preference`` grown
    with the uptake of the Wlz at home to ``year`` (``waiting.home_preference_share``)."""
    return home_u < (p.wlz_home_preference_young if young else home_preference_share(p, year))


@step
def access(cuts, st, i, split_pm):
    """Does resident ``i``'s package give access this month (``split_pm``: its key of the fixed split)?"""
    return has_access(cuts, st.sector[i], st.level[i], uniform(split_pm, S_SPLIT), st.indicated_month[i])


@step
def wish(p, st, i, pm, split_pm, need, has_right, year, acc):
    """Pass B, at home: ask for a place this month (placeable this month or not: ``waiting.placeable``), or stop
    waiting; a VV client who keeps the Wlz at home by preference may be on the list by preference (counted).
    ``split_pm``: the person's fixed key."""
    f = st.flags[i] & ~np.uint8(WANTS_ADMISSION | PLACEABLE)
    young = is_young_sector(st.sector[i])
    crisis = (f & CRISIS) != 0
    asks, home = False, False
    if has_right:   # no right, no draw
        u = uniform(pm, S_ADMIT)
        home = (prefers_home(p, uniform(split_pm, S_HOME_PREFERENCE), young, year)
                and home_still_responsible(p, need, young))
        asks = seeks_admission(p, need, st.carer[i] > 0, crisis, st.waiting[i], u, home, young)
    if asks:
        f |= np.uint8(WANTS_ADMISSION)
        if placeable(p, crisis, st.waiting[i]):
            f |= np.uint8(PLACEABLE)
    else:
        st.waiting[i] = 0
        if home and waits_by_preference(p, need, st.carer[i] > 0, home, st.sector[i] == VV):
            acc[A_PRECAUTION_VV] += 1
    st.flags[i] = f


@step
def priority(st, i):
    """Admission order (lower first): crises, then the longest waiting; ties by resident order."""
    return (0 if st.flags[i] & CRISIS else 1) * 1000000 - st.waiting[i]


@step
def admit(st, i, free_places, cut_pairs, stock, acc):
    """Pass C: admit resident ``i`` if its sector has a free place and its placement is arranged (flag
    ``PLACEABLE``), else it waits a month longer (the active waiting list: people waiting per sector and the months
    they have waited, counted every month)."""
    sector = st.sector[i]
    if free_places[sector - 1] <= 0 or not (st.flags[i] & PLACEABLE):
        st.waiting[i] += 1
        acc[A_WAITING0 + sector - 1] += 1
        acc[A_WAITING_MONTHS] += st.waiting[i]
        return
    free_places[sector - 1] -= 1
    acc[A_ADMISSION_WAIT] += st.waiting[i]
    st.residence[i] = INSTITUTION
    st.waiting[i] = 0
    st.flags[i] = st.flags[i] & ~np.uint8(PLACEABLE)
    acc[A_ADMISSIONS] += 1
    if cut_pairs[sector, st.level[i]]:
        acc[A_ADM_CUT] += 1
    if st.flags[i] & PKG_IN_RUN:
        acc[A_SPELLS] += 1
        acc[A_SPELL_MONTHS] += st.months_home[i]
    if st.flags[i] & STOCK_UNIT:
        stock[st.cell[i], st.dwelling[i] - STEP_FREE] += 1
        st.flags[i] = st.flags[i] & ~np.uint8(STOCK_UNIT)


def initial_capacity(p, inhabitants: float, people_80plus: float) -> np.ndarray:
    """Places per sector (VV, VG, LG, ZG, GGZ) at the start (later years: ``sim.model.capacity``)."""
    per_1000 = inhabitants / 1000.0
    return np.array([p.capacity_vv_per_80plus * people_80plus, p.capacity_vg_per_1000 * per_1000,
                     p.capacity_lg_per_1000 * per_1000, p.capacity_zg_per_1000 * per_1000,
                     p.capacity_ggz_per_1000 * per_1000])
