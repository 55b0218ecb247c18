"""Care packages (ZZP). Older people get a VV level when their need score crosses that level's
threshold and the indication comes through (faster with signalling); psychogeriatric (VV5, VV7) when
the cognitive deficit dominates, somatic (VV6, VV8) otherwise. VG/LG/ZG/GGZ clients keep the level
they entered with (lifelong conditions)."""
from sim.model.mechanisms.common import rule

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
def indication_month(p, sector, level, need, cog_dominant, signalling, u):
    """(sector, level) after this month's indication process."""
    if sector >= 2:
        return sector, level
    target = vv_level_for_need(p, need, cog_dominant)
    if vv_rank(target) > vv_rank(level) and u < p.indication_apply_month * (1.0 + p.indication_signalling * signalling):
        return 1, target
    return sector, level
