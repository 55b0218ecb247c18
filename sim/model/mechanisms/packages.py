"""Care packages (ZZP). Older people get a VV level when their need score crosses that level's
threshold and the indication comes through (faster with signalling); psychogeriatric (VV5, VV7) when
the cognitive deficit dominates, somatic (VV6, VV8) otherwise. VG/LG/ZG/GGZ clients keep the level
they entered with (lifelong conditions).

Draw: ``indication``. Changes sector, level and the month it was indicated; a first package at home
starts a spell (flag ``PKG_IN_RUN``, months at home from 0). A resident the access route referred to the
CIZ last month (``wmo_path`` bit ``PATH_REFERRED_WLZ``, mechanisms/access.py) is assessed this month: the
indication comes through whatever the draw, and the referral is used up. Counts nothing here (spells ended are
counted where they end: death, admission).
"""
import numpy as np

from sim.model.mechanisms.common import rule, step
from sim.model.rng import uniform
from sim.model.state import INSTITUTION, PATH_REFERRED_WLZ, PKG_IN_RUN

# what this mechanism owns: its random streams (fixed ids), resident fields, counters and the parameters it
# reads (the first three as literals: sim.model.declarations reads them to assemble rng.STREAM and state.STATE)
STREAMS = {"indication": 9}
FIELDS = (
    ("sector", "int8", "drawn", "NONE, VV, VG, LG, ZG or GGZ"),
    ("level", "int8", "drawn", "package level (0: no package)"),
    ("indicated_month", "int16", 0, "month (year * 12 + month) the package was indicated"),
    ("months_home", "int16", 0, "months of the package spell at home"),
)
COUNTERS = ()
PARAMETERS = ("indication_apply_month", "indication_signalling", "need_threshold_vv1", "need_threshold_vv2",
              "need_threshold_vv3", "need_threshold_vv4", "need_threshold_vv56", "need_threshold_vv78")
S_IND = STREAMS["indication"]

NONE, VV, VG, LG, ZG, GGZ = 0, 1, 2, 3, 4, 5
SECTORS = ("none", "VV", "VG", "LG", "ZG", "GGZ")


@rule
def vv_level_for_need(p, need, cog_dominant):
    if need >= p.need_threshold_vv78:
        return 7 if cog_dominant else 8
    if need >= p.need_threshold_vv56:
        return 5 if cog_dominant else 6
    if need >= p.need_threshold_vv4:
        return 4
    if need >= p.need_threshold_vv3:
        return 3
    if need >= p.need_threshold_vv2:
        return 2
    if need >= p.need_threshold_vv1:
        return 1
    return 0


@rule
def vv_rank(level):
    """Order of VV levels by care intensity (5 and 6 are one step, as are 7 and 8)."""
    return (0, 1, 2, 3, 4, 5, 5, 6, 6, 7, 7)[level]


@rule
def indication_month(p, sector, level, need, cog_dominant, signalling, u, referred=False):
    """(sector, level) after this month's indication process (``referred``: the CIZ assesses this month)."""
    if sector >= 2:
        return sector, level
    target = vv_level_for_need(p, need, cog_dominant)
    if vv_rank(target) > vv_rank(level) and (referred or
                                             u < p.indication_apply_month * (1.0 + p.indication_signalling * signalling)):
        return 1, target
    return sector, level


@step
def month(p, L, st, i, pm, month_abs, need):
    """Indication of resident ``i`` from its stored functioning after this month's decline and events
    (``need``: the need score of that stored functioning)."""
    phys = np.float64(st.phys[i])
    cog = np.float64(st.cog[i])
    old_level = st.level[i]
    referred = (st.wmo_path[i] & PATH_REFERRED_WLZ) != 0
    sector, level = indication_month(p, st.sector[i], old_level, need, (1.0 - cog) > (1.0 - phys),
                                     L.signalling[st.cell[i]], uniform(pm, S_IND), referred)
    if referred:
        st.wmo_path[i] = st.wmo_path[i] - PATH_REFERRED_WLZ   # the bit is set: used up
    st.sector[i] = sector
    st.level[i] = level
    if level != old_level:
        st.indicated_month[i] = month_abs
    if old_level == 0 and level > 0 and st.residence[i] != INSTITUTION:
        st.flags[i] |= np.uint8(PKG_IN_RUN)
        st.months_home[i] = 0


@step
def spell_month(st, i):
    """Pass B, at home: one more month of a package spell at home."""
    if st.flags[i] & PKG_IN_RUN:
        st.months_home[i] += 1
