"""The Numba step kernel: one month for all residents, as three passes over a struct of arrays.

Pass A (parallel): ageing, mortality, decline, events, indications, care demand per neighbourhood.
Between A and B the model computes each neighbourhood's supply ratio (capacity / demand).
Pass B (parallel): supply and unmet need, informal care and carers, adaptations, move and admission
wishes, well-being, snapshot counts.
Pass C (sequential, priority order): moves into free adapted dwellings, intramural admissions.

Bit-for-bit reproducibility for any thread count: every draw is counter-based (``sim.model.rng``), every
resident writes only its own slots, and every sum is an integer (hours in hundredths, money in
cents) accumulated per chunk, so no floating-point sum depends on the order of threads.
"""
from __future__ import annotations

import numba
import numpy as np
from numba import njit, prange

from sim.model.mechanisms.care import care_demand_week, formal_hours_by_type_month, wlz_at_home, WEEKS_PER_MONTH
from sim.model.mechanisms.carers import carer_month
from sim.model.mechanisms.decline import decline_month, decline_multiplier
from sim.model.mechanisms.events import (alarm_call_probability_month, fall_probability_month, has_alarm,
                        hospital_probability_month, required_response_minutes)
from sim.model.mechanisms.housing import adaptation_probability_month, move_wish, STEP_FREE, WHEELCHAIR
from sim.model.mechanisms.mortality import death_probability_month
from sim.model.mechanisms.packages import indication_month
from sim.model.mechanisms.policy import has_access, seeks_admission
from sim.model.rng import STREAM, person_month_key, uniform
from sim.model.mechanisms.common import clip01, need_score
from sim.model.mechanisms.wellbeing import network_month, wellbeing_month

# the modules whose code the compiled kernel contains
KERNEL_SOURCES = ("engines/kernel", "rng", "mechanisms/common", "mechanisms/mortality", "mechanisms/decline",
                  "mechanisms/events", "mechanisms/packages", "mechanisms/care", "mechanisms/carers",
                  "mechanisms/housing", "mechanisms/wellbeing", "mechanisms/policy")


def _drop_stale_cache():
    """Numba's cache of this module only watches this file; the mechanisms it inlines live in other
    modules. Drop the cached kernel when any of their sources changed."""
    import hashlib
    from pathlib import Path

    here = Path(__file__).parent
    sources = [here.parent / f"{name}.py" for name in KERNEL_SOURCES]
    digest = hashlib.sha256(b"".join(f.read_bytes() for f in sources)).hexdigest()
    stamp = here / "__pycache__" / "kernel.sources.sha256"
    try:
        if stamp.exists() and stamp.read_text() == digest:
            return
        for f in (here / "__pycache__").glob("kernel.*.nb[ic]"):
            f.unlink()
        stamp.parent.mkdir(exist_ok=True)
        stamp.write_text(digest)
    except OSError:  # a read-only install: Numba then compiles in memory anyway
        pass


_drop_stale_cache()

# The parameters reach the parallel passes as one NamedTuple of ~130 floats; Numba's default limit
# for tuples in parallel regions is 100.
numba.config.PARFOR_MAX_TUPLE_SIZE = max(numba.config.PARFOR_MAX_TUPLE_SIZE, 512)

HOME, INSTITUTION, DEAD = 0, 1, 2
PKG_IN_RUN, CRISIS, WANTS_ADMISSION, MOVE_STEP_FREE, MOVE_WHEELCHAIR, STOCK_UNIT = 1, 2, 4, 8, 16, 32
DAYS_PER_MONTH = 365.25 / 12.0

# Integer accumulators, one row per chunk. Flows are summed over a year; snapshot counts are taken in
# July (mid-year); occ_* are the current month's institution residents per capacity sector.
ACC_NAMES = (
    "deaths_65plus", "deaths_80plus", "dec80_intramural", "dec80_intramural_2y", "admissions",
    "admissions_cut_packages", "falls_65plus", "hospital_65plus", "hospital_all", "alarm_users",
    "alarm_calls", "alarm_on_time", "needed_c", "delivered_c",
    "home_care_c", "home_care_wlz_c", "district_nursing_c", "district_nursing_wlz_c",
    "wmo_household_help_c", "wmo_household_help_wlz_c", "wmo_support_c", "wmo_support_wlz_c",
    "day_care_c", "day_care_wlz_c", "respite_c", "respite_wlz_c",
    "mantelzorg_c", "breakdowns", "intramural_cost_wlz_cents", "intramural_cost_ggz_cents",
    "adaptations", "moves", "spells_ended", "spell_months",
    "n65", "n75", "n80", "n65_74", "n75_84", "n85", "lim65_74", "lim75_84", "lim85", "n75_home",
    "n80_intramural", "intramural_total", "entitled", "entitled_home", "extramuralised_home",
    "clients", "wellbeing_clients_micro", "household_75_84", "household_85plus", "carers",
    "carers_over_8h", "carers_overburdened",
    "occ_VV", "occ_VG", "occ_LG", "occ_ZG", "occ_GGZ",
    "clients_home_VV", "clients_home_VG", "clients_home_LG", "clients_home_ZG", "clients_home_GGZ",
    "clients_institution_VV", "clients_institution_VG", "clients_institution_LG", "clients_institution_ZG",
    "clients_institution_GGZ",
)
A = {name: i for i, name in enumerate(ACC_NAMES)}
N_ACC = len(ACC_NAMES)
# snapshot slots used by snapshot_counts
A_N65 = A["n65"]
A_N75 = A["n75"]
A_N80 = A["n80"]
A_N65_74 = A["n65_74"]
A_N75_84 = A["n75_84"]
A_N85 = A["n85"]
A_LIM65_74 = A["lim65_74"]
A_LIM75_84 = A["lim75_84"]
A_LIM85 = A["lim85"]
A_N75_HOME = A["n75_home"]
A_N80_INTRAMURAL = A["n80_intramural"]
A_INTRAMURAL_TOTAL = A["intramural_total"]
A_ENTITLED = A["entitled"]
A_ENTITLED_HOME = A["entitled_home"]
A_EXTRAMURALISED_HOME = A["extramuralised_home"]
A_CLIENTS = A["clients"]
A_WELLBEING_CLIENTS_MICRO = A["wellbeing_clients_micro"]
A_HOUSEHOLD_75_84 = A["household_75_84"]
A_HOUSEHOLD_85PLUS = A["household_85plus"]
A_CARERS = A["carers"]
A_CARERS_OVER_8H = A["carers_over_8h"]
A_CARERS_OVERBURDENED = A["carers_overburdened"]
(A_DEATHS65, A_DEATHS80, A_DEC80_INST, A_DEC80_INST2Y, A_ADMISSIONS, A_ADM_CUT, A_FALLS65, A_HOSP65,
 A_HOSP_ALL, A_ALARM_USERS, A_ALARM_CALLS, A_ALARM_ON_TIME, A_NEEDED, A_DELIVERED, A_HOURS0) = range(15)
A_RESPITE = A["respite_c"]
A_MANTELZORG, A_BREAKDOWNS, A_COST_WLZ, A_COST_GGZ = A["mantelzorg_c"], A["breakdowns"], A["intramural_cost_wlz_cents"], A["intramural_cost_ggz_cents"]
A_ADAPT, A_MOVES, A_SPELLS, A_SPELL_MONTHS = A["adaptations"], A["moves"], A["spells_ended"], A["spell_months"]
A_OCC0 = A["occ_VV"]
A_CLIENTS_HOME0 = A["clients_home_VV"]   # + sector - 1, + 5 in an institution
# per-neighbourhood accumulators
CELL_NAMES = ("demand_c", "release_step_free", "release_wheelchair", "needed_c", "unmet_c", "falls", "residents_65plus")
N_CELL = len(CELL_NAMES)
C_DEMAND, C_REL_SF, C_REL_WC, C_NEEDED, C_UNMET, C_FALLS, C_N65 = range(N_CELL)

S_MORT, S_DECLINE, S_SHOCK, S_COG = STREAM["mortality"], STREAM["decline"], STREAM["decline_shock"], STREAM["cognition"]
S_FALL, S_INJURY, S_HOSP, S_ALARM, S_CRISIS = STREAM["fall"], STREAM["fall_injury"], STREAM["hospital"], STREAM["alarm_call"], STREAM["crisis"]
S_IND, S_BREAK, S_NEW, S_ADAPT, S_MOVE = STREAM["indication"], STREAM["carer_breakdown"], STREAM["carer_new"], STREAM["adaptation"], STREAM["move"]
S_ADMIT, S_SPLIT = STREAM["admission_request"], STREAM["split"]


@njit(cache=True, inline="always")
def centi(x):
    """Hours (or euros) to integer hundredths, so that sums are exact and order-free."""
    return np.int64(x * 100.0 + 0.5)


def chunking(n: int) -> tuple[int, int]:
    """(chunk size, number of chunks): results do not depend on it; it only sets parallel grain."""
    size = max(2048, -(-n // 64))
    return size, max(1, -(-n // size))


@njit(cache=True, parallel=True)
def pass_a(st, p, tb, L, mkey, improvement, month_abs, acc, cell_acc, chunk):
    (pid, age_months, sex, partner, ses, sector, level, phys_a, cog_a, network_a, carer, carer_hours,
     strain_a, dwelling, cell, residence, months_home, inst_history, wellbeing_a, waiting, unmet_a, flags,
     indicated_month) = st
    n = pid.shape[0]
    n_chunks = acc.shape[0]
    for k in prange(n_chunks):
        for i in range(k * chunk, min(n, (k + 1) * chunk)):
            if residence[i] == DEAD:
                continue
            pm = person_month_key(mkey, pid[i])
            age_m = age_months[i] + 1
            age_months[i] = age_m
            ay = min(age_m // 12, 120)
            inst = residence[i] == INSTITUTION
            hist = (inst_history[i] << np.uint32(1)) | np.uint32(1 if inst else 0)
            inst_history[i] = hist
            phys = np.float64(phys_a[i])
            cog = np.float64(cog_a[i])
            need = need_score(phys, cog)
            c = cell[i]
            # mortality
            if uniform(pm, S_MORT) < death_probability_month(p, tb.death_annual[sex[i], ay], improvement, need):
                residence[i] = DEAD
                if ay >= 65:
                    acc[k, A_DEATHS65] += 1
                if ay >= 80:
                    acc[k, A_DEATHS80] += 1
                    if inst:
                        acc[k, A_DEC80_INST] += 1
                    if (hist >> np.uint32(24)) & np.uint32(1):
                        acc[k, A_DEC80_INST2Y] += 1
                if not inst:
                    if flags[i] & PKG_IN_RUN:
                        acc[k, A_SPELLS] += 1
                        acc[k, A_SPELL_MONTHS] += months_home[i]
                    if flags[i] & STOCK_UNIT:
                        cell_acc[k, c, C_REL_SF if dwelling[i] == STEP_FREE else C_REL_WC] += 1
                continue
            # decline of functioning
            mult = decline_multiplier(p, sector[i], np.float64(network_a[i]), not inst, np.float64(unmet_a[i]),
                                      dwelling[i], L.facilities[c], L.wsg[c])
            phys, cog = decline_month(p, phys, cog, tb.decline_phys[ay], tb.decline_cog[ay], mult,
                                      uniform(pm, S_DECLINE), uniform(pm, S_SHOCK), uniform(pm, S_COG))
            # events: falls, hospital admissions, alarm calls and crises
            hospital = False
            if uniform(pm, S_FALL) < fall_probability_month(p, tb.fall_annual[ay], phys, not inst, dwelling[i]):
                phys -= p.fall_phys_loss
                if ay >= 65:
                    acc[k, A_FALLS65] += 1
                cell_acc[k, c, C_FALLS] += 1
                if uniform(pm, S_INJURY) < p.fall_injury_hospital:
                    hospital = True
            if uniform(pm, S_HOSP) < hospital_probability_month(p, tb.hospital_annual[ay], need, L.wsg[c], L.signalling[c]):
                hospital = True
            crisis = False
            if not inst and has_alarm(p, need):
                acc[k, A_ALARM_USERS] += 1
                if uniform(pm, S_ALARM) < alarm_call_probability_month(p, need):
                    acc[k, A_ALARM_CALLS] += 1
                    if L.alarm_minutes[c] <= required_response_minutes(p, need):
                        acc[k, A_ALARM_ON_TIME] += 1
                    elif uniform(pm, S_CRISIS) < p.crisis_if_late:
                        crisis = True
                        hospital = True
                        phys -= p.crisis_phys_loss
            if hospital:
                phys -= p.hospital_phys_loss
                acc[k, A_HOSP_ALL] += 1
                if ay >= 65:
                    acc[k, A_HOSP65] += 1
            phys = clip01(phys)
            phys_a[i] = np.float32(phys)
            cog_a[i] = np.float32(cog)
            phys = np.float64(phys_a[i])
            cog = np.float64(cog_a[i])
            need = need_score(phys, cog)
            # indications (new and upgraded packages)
            old_level = level[i]
            s_new, l_new = indication_month(p, sector[i], old_level, need, (1.0 - cog) > (1.0 - phys),
                                            L.signalling[c], uniform(pm, S_IND))
            sector[i] = s_new
            level[i] = l_new
            if l_new != old_level:
                indicated_month[i] = month_abs
            f = flags[i] & ~np.uint8(CRISIS)
            if old_level == 0 and l_new > 0 and not inst:
                f |= np.uint8(PKG_IN_RUN)
                months_home[i] = 0
            if crisis:
                f |= np.uint8(CRISIS)
            flags[i] = f
            # care demand per neighbourhood, for the supply ratio
            if not inst:
                formal_w, informal_w = care_demand_week(p, need, carer[i] > 0, ses[i])
                cell_acc[k, c, C_DEMAND] += centi(formal_w * WEEKS_PER_MONTH)


@njit(cache=True, parallel=True)
def pass_b(st, p, tb, L, cuts, mkey, split_key, month_abs, snapshot, supply_ratio, acc, cell_acc, chunk):
    (pid, age_months, sex, partner, ses, sector, level, phys_a, cog_a, network_a, carer, carer_hours,
     strain_a, dwelling, cell, residence, months_home, inst_history, wellbeing_a, waiting, unmet_a, flags,
     indicated_month) = st
    n = pid.shape[0]
    n_chunks = acc.shape[0]
    for k in prange(n_chunks):
        for i in range(k * chunk, min(n, (k + 1) * chunk)):
            if residence[i] == DEAD:
                continue
            pm = person_month_key(mkey, pid[i])
            split_u = uniform(person_month_key(split_key, pid[i]), S_SPLIT)
            ay = min(age_months[i] // 12, 120)
            c = cell[i]
            phys = np.float64(phys_a[i])
            cog = np.float64(cog_a[i])
            need = need_score(phys, cog)
            network = np.float64(network_a[i])
            access = has_access(cuts, sector[i], level[i], split_u, indicated_month[i])
            inst = residence[i] == INSTITUTION
            household = 0.0
            if inst:
                unmet = 0.0
                acc[k, A_OCC0 + sector[i] - 1] += 1
                cost = centi(tb.tariff_day[sector[i], level[i]] * DAYS_PER_MONTH)
                acc[k, A_COST_GGZ if sector[i] == 5 else A_COST_WLZ] += cost
                wellbeing_a[i] = np.float32(wellbeing_month(p, np.float64(wellbeing_a[i]), phys, cog, 0.0, network, True, 0.0))
            else:
                # formal care: demand, supplied at the neighbourhood's ratio, by type and payer
                formal_w, informal_w = care_demand_week(p, need, carer[i] > 0, ses[i])
                ratio = supply_ratio[c]
                wlz = 1 if wlz_at_home(p, access, sector[i], level[i]) else 0
                h0, h1, h2, h3, h4 = formal_hours_by_type_month(p, formal_w, phys, cog, need)
                acc[k, A_HOURS0 + wlz] += centi(h0 * ratio)
                acc[k, A_HOURS0 + 2 + wlz] += centi(h1 * ratio)
                acc[k, A_HOURS0 + 4 + wlz] += centi(h2 * ratio)
                acc[k, A_HOURS0 + 6 + wlz] += centi(h3 * ratio)
                acc[k, A_HOURS0 + 8 + wlz] += centi(h4 * ratio)
                household = h2 * ratio
                needed = formal_w * WEEKS_PER_MONTH
                acc[k, A_NEEDED] += centi(needed)
                acc[k, A_DELIVERED] += centi(needed * ratio)
                cell_acc[k, c, C_NEEDED] += centi(needed)
                cell_acc[k, c, C_UNMET] += centi(needed) - centi(needed * ratio)
                unmet = (1.0 - ratio) if needed > 0.0 else 0.0
                # informal care and the carer
                cr, given, strain, respite, broke = carer_month(
                    p, carer[i], np.float64(strain_a[i]), informal_w, ay, network, L.respite_access[c],
                    L.carer_support[c], uniform(pm, S_NEW), uniform(pm, S_BREAK))
                carer[i] = cr
                carer_hours[i] = np.float32(given)
                strain_a[i] = np.float32(strain)
                acc[k, A_MANTELZORG] += centi(given * WEEKS_PER_MONTH)
                acc[k, A_RESPITE + wlz] += centi(respite)
                acc[k, A_BREAKDOWNS] += broke
                # the dwelling: adaptation where one lives, or a wish to move
                if uniform(pm, S_ADAPT) < adaptation_probability_month(p, need, dwelling[i], L.advice[c], L.visits[c], L.uptake[c]):
                    dwelling[i] = 1
                    acc[k, A_ADAPT] += 1
                f = flags[i] & ~np.uint8(WANTS_ADMISSION | MOVE_STEP_FREE | MOVE_WHEELCHAIR)
                wish = move_wish(p, need, dwelling[i], L.broker[c], uniform(pm, S_MOVE))
                if wish == STEP_FREE:
                    f |= np.uint8(MOVE_STEP_FREE)
                elif wish == WHEELCHAIR:
                    f |= np.uint8(MOVE_WHEELCHAIR)
                # admission wish (only with a package that gives access this month)
                if access and seeks_admission(p, need, cr > 0, (f & CRISIS) != 0, waiting[i], uniform(pm, S_ADMIT)):
                    f |= np.uint8(WANTS_ADMISSION)
                else:
                    waiting[i] = 0
                flags[i] = f
                network = network_month(p, network, cog, L.meeting_near[c])
                network_a[i] = np.float32(network)
                wellbeing_a[i] = np.float32(wellbeing_month(p, np.float64(wellbeing_a[i]), phys, cog, unmet, network, False, L.wsg[c]))
                if f & PKG_IN_RUN:
                    months_home[i] += 1
            unmet_a[i] = np.float32(unmet)
            if snapshot:
                snapshot_counts(p, acc, cell_acc, k, c, ay, inst, phys, sector[i], level[i], access, wellbeing_a[i],
                                household, carer[i], carer_hours[i], strain_a[i])


@njit(cache=True, inline="always")
def snapshot_counts(p, acc, cell_acc, k, c, ay, inst, phys, sector, level, access, wellbeing, household, carer, hours,
                    strain):
    """Mid-year (July) counts of one living resident."""
    limited = phys < p.limitation_phys
    if ay >= 65:
        acc[k, A_N65] += 1
        cell_acc[k, c, C_N65] += 1
        if ay < 75:
            acc[k, A_N65_74] += 1
            acc[k, A_LIM65_74] += 1 if limited else 0
    if ay >= 75:
        acc[k, A_N75] += 1
        acc[k, A_N75_HOME] += 1 if not inst else 0
        if ay < 85:
            acc[k, A_N75_84] += 1
            acc[k, A_LIM75_84] += 1 if limited else 0
            acc[k, A_HOUSEHOLD_75_84] += 1 if household > 0.0 else 0
        else:
            acc[k, A_N85] += 1
            acc[k, A_LIM85] += 1 if limited else 0
            acc[k, A_HOUSEHOLD_85PLUS] += 1 if household > 0.0 else 0
    if ay >= 80:
        acc[k, A_N80] += 1
        acc[k, A_N80_INTRAMURAL] += 1 if inst else 0
    acc[k, A_INTRAMURAL_TOTAL] += 1 if inst else 0
    if level > 0:
        acc[k, A_CLIENTS_HOME0 + sector - 1 + (5 if inst else 0)] += 1
        acc[k, A_CLIENTS] += 1
        acc[k, A_WELLBEING_CLIENTS_MICRO] += np.int64(np.float64(wellbeing) * 1e6 + 0.5)
        if access:
            acc[k, A_ENTITLED] += 1
            acc[k, A_ENTITLED_HOME] += 1 if not inst else 0
        elif not inst:
            acc[k, A_EXTRAMURALISED_HOME] += 1   # had access under the 2012 rules (any level), not now
    if not inst and carer > 0 and hours > 0.0:
        acc[k, A_CARERS] += 1
        acc[k, A_CARERS_OVER_8H] += 1 if hours > 8.0 else 0
        acc[k, A_CARERS_OVERBURDENED] += 1 if strain > p.strain_threshold else 0


@njit(cache=True)
def pass_c(st, stock, free_places, cut_pairs, counts, cand, key):
    """Moves into free adapted dwellings (index order), then admissions in priority order: crises first,
    then the longest waiting, then the earliest resident. ``counts`` gets (moves, admissions,
    admissions of cut packages, spells ended, spell months); ``cand`` and ``key`` are scratch space of
    at least the residents' length (one scan collects the admission candidates)."""
    (pid, age_months, sex, partner, ses, sector, level, phys_a, cog_a, network_a, carer, carer_hours,
     strain_a, dwelling, cell, residence, months_home, inst_history, wellbeing_a, waiting, unmet_a, flags,
     indicated_month) = st
    n = pid.shape[0]
    n_cand = 0
    for i in range(n):
        if residence[i] != HOME:
            continue
        f = flags[i]
        if f & (MOVE_STEP_FREE | MOVE_WHEELCHAIR):
            kind = STEP_FREE if f & MOVE_STEP_FREE else WHEELCHAIR
            slot = kind - STEP_FREE
            c = cell[i]
            if stock[c, slot] > 0:
                stock[c, slot] -= 1
                if f & STOCK_UNIT:
                    stock[c, dwelling[i] - STEP_FREE] += 1
                dwelling[i] = kind
                flags[i] = f | np.uint8(STOCK_UNIT)
                counts[0] += 1
        if f & WANTS_ADMISSION:
            cand[n_cand] = i
            key[n_cand] = (0 if f & CRISIS else 1) * 1000000 - waiting[i]
            n_cand += 1
    if n_cand == 0:
        return
    order = np.argsort(key[:n_cand], kind="mergesort")
    for j in range(n_cand):
        i = cand[order[j]]
        s = sector[i] - 1
        if free_places[s] > 0:
            free_places[s] -= 1
            residence[i] = INSTITUTION
            waiting[i] = 0
            counts[1] += 1
            if cut_pairs[sector[i], level[i]]:
                counts[2] += 1
            if flags[i] & PKG_IN_RUN:
                counts[3] += 1
                counts[4] += months_home[i]
            if flags[i] & STOCK_UNIT:
                stock[cell[i], dwelling[i] - STEP_FREE] += 1
                flags[i] = flags[i] & ~np.uint8(STOCK_UNIT)
        else:
            waiting[i] += 1
