"""Policy: the extramuralisation schedule (DOMAIN.md §1), intramural capacity per sector, and who
seeks admission.

From a cut date, new clients with that package get no intramural place: the rule looks at the month
the package was indicated, so people indicated before the date keep their right (transitional right),
and people already inside stay.
The 50 % VG3 and 25 % VV4 splits use one fixed uniform per person (stream ``split``).
"""
import numpy as np

from sim.model.mechanisms.packages import GGZ, LG, VG, VV, ZG
from sim.model.mechanisms.common import rule

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


def cut_table(schedule: str) -> np.ndarray:
    """Rows (sector, level, share, first month index = year*12) for the kernel; empty for 'none'."""
    rows = ENACTED_CUTS if schedule == "enacted" else ()
    table = np.zeros((len(rows), 4))
    for r, (sector, level, share, year) in enumerate(rows):
        table[r] = (sector, level, share, year * 12)
    return table


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
def seeks_admission(p, need, has_carer, crisis, waiting, u):
    """Asks for (or keeps waiting for) an intramural place this month."""
    if crisis or waiting > 0:
        return True
    threshold = p.admit_need if has_carer else p.admit_need_alone
    return need >= threshold and u < p.admit_request_month


def initial_capacity(p, inhabitants: float, people_80plus: float) -> np.ndarray:
    """Places per sector (VV, VG, LG, ZG, GGZ) at the start."""
    per_1000 = inhabitants / 1000.0
    return np.array([p.capacity_vv_per_80plus * people_80plus, p.capacity_vg_per_1000 * per_1000,
                     p.capacity_lg_per_1000 * per_1000, p.capacity_zg_per_1000 * per_1000,
                     p.capacity_ggz_per_1000 * per_1000])


def capacity_in_year(initial: np.ndarray, policy: dict, year: int) -> np.ndarray:
    """Places per sector in ``year``: the start capacity changed by a yearly rate from a given year."""
    years = max(0, year - int(policy["capacity_change_from_year"]) + 1)
    rates = np.array([policy["capacity_change_per_year"][s] for s in CAPACITY_SECTORS])
    return np.floor(initial * (1.0 + rates) ** years)
