"""The simulated residents: a struct of NumPy arrays, built from the Dutch profile, plus inflow.

Simulated are everyone aged 65+ and every adult of any age with a VG, LG, ZG or GGZ package. The
municipality is a scaled copy of the Netherlands (``scale`` = inhabitants / national inhabitants in
the start year); its inhabitants follow the national path (CBS, projections after 2020).
"""
from __future__ import annotations

from functools import lru_cache
from importlib import resources

import numpy as np
import yaml

from sim.model.mechanisms.packages import GGZ, LG, VG, VV, ZG

from sim.model.state import (CRISIS, DEAD, HOME, INSTITUTION, MOVE_STEP_FREE, MOVE_WHEELCHAIR,  # noqa: F401 (old imports)
                             PKG_IN_RUN, STATE, STOCK_UNIT, WANTS_ADMISSION, Residents, bytes_per_resident,
                             initial_values)
from sim.model.mechanisms.common import need_score_array

# package levels of younger clients (weights per level 1..n): RIGO 2013 client counts (seed 003) where given,
# the rest of each sector's clients spread over the higher levels (assumption)
YOUNG_LEVEL_WEIGHTS = {
    VG: [1065, 7590, 20160, 15000, 8000, 10000, 5000, 3000],
    LG: [695, 1500, 2140, 2000, 1500, 1000, 800],
    ZG: [345, 700, 600, 400],
    GGZ: [635, 4610, 17405, 8000, 4000, 1500, 985],
}
# mean network quality by group (DOMAIN.md §2): GGZ very small, light ID (VG1-3) poor, moderate ID stronger
NETWORK_MEAN = {"older": 0.55, "ggz": 0.2, "vg_light": 0.3, "vg_moderate": 0.6, "lg_zg": 0.5}


@lru_cache(maxsize=1)
def profile() -> dict:
    text = resources.files("sim.model").joinpath("data/profile_nl.yaml").read_text(encoding="utf-8")
    return yaml.safe_load(text)


def _interp(table: dict, year: float) -> float:
    years = sorted(table)
    return float(np.interp(year, years, [table[y] for y in years]))


def national_inhabitants(year: float) -> float:
    return 1000.0 * _interp(profile()["inhabitants"], year)


def turning_65_per_year(year: float) -> float:
    return 1000.0 * _interp(profile()["turning_65"], year)


def _beta(rng, mean, concentration, size):
    mean = np.clip(mean, 0.01, 0.99)
    return rng.beta(mean * concentration, (1 - mean) * concentration, size)


def _new_people(rng, p, n, ages_years, sex, cell, first_pid, sector=None, level=None):
    """Arrays for ``n`` new residents of the given ages; functioning drawn for their age (or package). The fields
    not drawn here start at the initial value their owner declares (``state.initial_values``); a scalar stands
    for all ``n``."""
    age_y = np.asarray(ages_years, dtype=np.float64)
    years = np.maximum(age_y - 65.0, 0.0)
    phys = 1.0 - _beta(rng, p.init_deficit_65 * np.exp(p.init_deficit_age * years), p.init_deficit_concentration, n)
    cog = 1.0 - _beta(rng, p.init_cog_deficit_65 * np.exp(p.init_cog_deficit_age * years), p.init_deficit_concentration, n)
    sector = np.zeros(n, dtype=np.int8) if sector is None else sector.astype(np.int8)
    level = np.zeros(n, dtype=np.int8) if level is None else level.astype(np.int8)
    young = sector >= VG
    # younger clients: the level sets the need (assumption: need 0.25 + 0.06 per level), deficit by sector
    need = 0.25 + 0.06 * level
    cog = np.where(young & ((sector == VG) | (sector == GGZ)), 1.0 - need, cog)
    phys = np.where(young & ((sector == VG) | (sector == GGZ)), 1.0 - 0.3 * need, phys)
    phys = np.where(young & ((sector == LG) | (sector == ZG)), 1.0 - need, phys)
    group_mean = np.full(n, NETWORK_MEAN["older"])
    group_mean[sector == GGZ] = NETWORK_MEAN["ggz"]
    group_mean[(sector == VG) & (level <= 3)] = NETWORK_MEAN["vg_light"]
    group_mean[(sector == VG) & (level > 3)] = NETWORK_MEAN["vg_moderate"]
    group_mean[(sector == LG) | (sector == ZG)] = NETWORK_MEAN["lg_zg"]
    network = _beta(rng, group_mean, 6.0, n)
    partner_p = np.where(age_y < 65, 0.3, np.where(age_y < 75, p.partner_share_65_74,
                         np.where(age_y < 85, p.partner_share_75_84, p.partner_share_85plus)))
    partner = rng.random(n) < partner_p
    parents = young & (sector == VG) & (level > 3) & (rng.random(n) < 0.4)  # moderate ID: parents active
    elsewhere = rng.random(n) < p.carer_elsewhere_from_network * network
    carer = np.where(partner | parents, 1, np.where(elsewhere, 2, 0))
    u = rng.random(n)
    dwelling = np.where(u < p.dwelling_share_wheelchair, 3, np.where(u < p.dwelling_share_wheelchair + p.dwelling_share_step_free, 2,
                        np.where(u < p.dwelling_share_wheelchair + p.dwelling_share_step_free + p.dwelling_share_grab_bars, 1, 0)))
    ses = rng.integers(0, 3, n)   # income tertile: 0 lowest, 1 middle, 2 highest
    if p.ses_limitation_gradient != 0.0:
        # the SES gradient in limitations (CBS/RIVM): older people's deficits x (1 + g) in the lowest tertile,
        # x (1 - g) in the highest (younger clients' need is set by their package level)
        f = 1.0 + p.ses_limitation_gradient * (1.0 - ses)
        phys = np.where(young, phys, 1.0 - np.minimum(1.0, (1.0 - phys) * f))
        cog = np.where(young, cog, 1.0 - np.minimum(1.0, (1.0 - cog) * f))
    wellbeing = 1.0 - 0.35 * (1 - phys) - 0.3 * (1 - cog) - 0.2 * (1 - network)
    people = initial_values()   # every field a new resident starts with (as its owner declares it) ...
    people.update({              # ... and the fields drawn here
        "pid": np.arange(first_pid, first_pid + n, dtype=np.int32), "age_months": (age_y * 12).astype(np.int16),
        "sex": sex, "partner": partner, "ses": ses, "cell": cell, "sector": sector, "level": level, "phys": phys,
        "cog": cog, "network": network, "carer": carer, "dwelling": dwelling, "wellbeing": np.clip(wellbeing, 0, 1),
    })
    missing = [name for name, _ in STATE if name not in people]
    if missing:
        raise ValueError(f"fields declared 'drawn' that _new_people does not draw: {missing}")
    return people


def _young_clients(rng, p, inhabitants, rate_scale, periods=None):
    """Sectors and levels of younger package holders: stock (rate_scale 1) or inflow per period.

    With ``periods`` (e.g. 12 months) also returns each person's period: the counts are drawn per period.
    """
    sectors, levels, when = [], [], []
    for sector, per_1000 in ((VG, p.young_clients_vg_per_1000), (LG, p.young_clients_lg_per_1000),
                             (ZG, p.young_clients_zg_per_1000), (GGZ, p.young_clients_ggz_per_1000)):
        k = rng.poisson(per_1000 * inhabitants / 1000.0 * rate_scale, periods)
        if periods:
            when.append(np.repeat(np.arange(periods), k))
            k = int(k.sum())
        w = np.array(YOUNG_LEVEL_WEIGHTS[sector], dtype=float)
        sectors.append(np.full(k, sector))
        levels.append(1 + rng.choice(len(w), size=k, p=w / w.sum()))
    if periods:
        return np.concatenate(sectors), np.concatenate(levels), np.concatenate(when)
    return np.concatenate(sectors), np.concatenate(levels)


def _cells(rng, cell_weights, n, old):
    """Neighbourhoods of new residents: by population, and for older people by its 65+ share too."""
    w = cell_weights[1] if old else cell_weights[0]
    return rng.choice(len(w), size=n, p=w / w.sum()).astype(np.int16)


def initial_population(rng, p, scenario, cell_weights) -> dict:
    """Residents at 1 January of the start year (everyone at home; the model then fills institutions)."""
    start = scenario["start_year"]
    scale = scenario["municipality"]["inhabitants"] / national_inhabitants(start)
    prof = profile()
    band_year = min(prof["people_65plus"], key=lambda y: abs(y - start))
    scale_old = scale * scenario["municipality"].get("scale_65plus", 1.0)   # a real municipality's own 65+ share
    counts = rng.poisson(np.array(prof["people_65plus"][band_year]) * 1000.0 * scale_old)
    bands = prof["age_bands"]
    ages = np.concatenate([rng.uniform(b, b + 5, k) for b, k in zip(bands, counts)])
    female = np.concatenate([rng.random(k) < f for f, k in zip(prof["female_share"], counts)])
    n_old = len(ages)
    old = _new_people(rng, p, n_old, ages, female.astype(np.int8), _cells(rng, cell_weights, n_old, True), 0)
    sector, level = _young_clients(rng, p, scenario["municipality"]["inhabitants"], 1.0)
    k = len(sector)
    young = _new_people(rng, p, k, rng.uniform(18, 65, k), (rng.random(k) < 0.45).astype(np.int8),
                        _cells(rng, cell_weights, k, False), n_old, sector, level)
    people = {name: np.concatenate([np.broadcast_to(old[name], n_old), np.broadcast_to(young[name], k)])
              for name, _ in STATE}
    # older people whose need qualifies already hold a VV package at the start
    phys, cog = people["phys"][:n_old].astype(np.float32), people["cog"][:n_old].astype(np.float32)
    level_old = vv_levels(p, phys.astype(np.float64), cog.astype(np.float64))
    people["level"][:n_old] = level_old
    people["sector"][:n_old] = np.where(level_old > 0, VV, 0)
    return people


CARER_CODES = {"none": 0, "co_resident": 1, "elsewhere": 2}       # mechanisms/carers.py
DWELLING_CODES = {"none": 0, "grab_bars": 1, "step_free": 2, "wheelchair": 3}   # mechanisms/housing.py
COHORT_BATCH = 4096


def cohort_population(rng, p, scenario, cell_weights) -> dict:
    """A study cohort (scenario key ``cohort``) instead of the municipality's population: ``size`` people
    65+ at home who hold the VV package ``package`` at the start, drawn with the model's own rules (ages
    from the Dutch 65+ profile, functioning for their age, network and carers as ``_new_people`` draws
    them), keeping only those whose need gives that package (so its mix of physical and cognitive need is
    the model's). ``carer`` and ``dwelling`` then set the situation: a co-resident carer is the partner,
    a carer elsewhere or none means living alone. Each starts a package spell at home (PKG_IN_RUN)."""
    spec = scenario["cohort"]
    size, level = int(spec["size"]), int(spec["package"][2:])
    prof = profile()
    start = scenario["start_year"]
    band_year = min(prof["people_65plus"], key=lambda y: abs(y - start))
    weights = np.array(prof["people_65plus"][band_year], dtype=float)
    bands, female_share = prof["age_bands"], prof["female_share"]
    parts, have = [], 0
    while have < size:   # rejection: draw 65+ residents in batches, keep the package holders
        band = rng.choice(len(bands), size=COHORT_BATCH, p=weights / weights.sum())
        ages = np.asarray(bands, dtype=float)[band] + rng.uniform(0.0, 5.0, COHORT_BATCH)
        female = (rng.random(COHORT_BATCH) < np.asarray(female_share)[band]).astype(np.int8)
        batch = _new_people(rng, p, COHORT_BATCH, ages, female, _cells(rng, cell_weights, COHORT_BATCH, True), 0)
        keep = vv_levels(p, batch["phys"].astype(np.float32).astype(np.float64),
                         batch["cog"].astype(np.float32).astype(np.float64)) == level
        parts.append({name: np.broadcast_to(batch[name], COHORT_BATCH)[keep] for name, _ in STATE})
        have += int(keep.sum())
    people = {name: np.concatenate([part[name] for part in parts])[:size].copy() for name, _ in STATE}
    people["sector"][:] = VV
    people["level"][:] = level
    people["flags"][:] = PKG_IN_RUN
    if spec["carer"] != "drawn":
        people["carer"][:] = CARER_CODES[spec["carer"]]
        people["partner"][:] = spec["carer"] == "co_resident"
    if spec["dwelling"] != "drawn":
        people["dwelling"][:] = DWELLING_CODES[spec["dwelling"]]
    return people


def vv_levels(p, phys, cog):
    """Vectorised ``packages.vv_level_for_need`` for initialisation."""
    need = need_score_array(phys, cog)
    cogdom = (1.0 - cog) > (1.0 - phys)
    return np.select(
        [need >= p.need_threshold_vv78, need >= p.need_threshold_vv56, need >= p.need_threshold_vv4,
         need >= p.need_threshold_vv3, need >= p.need_threshold_vv2, need >= p.need_threshold_vv1],
        [np.where(cogdom, 7, 8), np.where(cogdom, 5, 6), 4, 3, 2, 1], 0).astype(np.int8)


class YearInflow:
    """People entering during one year, drawn at once (Python overhead once a year, not every month):
    those turning 65, and younger adults getting a package. ``month(m)`` gives month m's entrants."""

    def __init__(self, rng, p, scenario, year, cell_weights):
        scale = scenario["municipality"]["inhabitants"] / national_inhabitants(scenario["start_year"])
        scale_old = scale * scenario["municipality"].get("scale_65plus", 1.0)   # a real municipality's own 65+ share
        n65 = rng.poisson(turning_65_per_year(year) * scale_old / 12.0, 12)   # per month
        n_old = int(n65.sum())
        ages = 65.0 + rng.uniform(0.0, 1.0 / 12.0, n_old)
        old = _new_people(rng, p, n_old, ages, (rng.random(n_old) < 0.5).astype(np.int8),
                          _cells(rng, cell_weights, n_old, True), 0)
        inhabitants = scale * national_inhabitants(year)
        sector, level, young_month = _young_clients(rng, p, inhabitants, p.young_client_inflow_share / 12.0, 12)
        k = len(sector)
        young = _new_people(rng, p, k, rng.uniform(18, 65, k), (rng.random(k) < 0.45).astype(np.int8),
                            _cells(rng, cell_weights, k, False), n_old, sector, level)
        young["flags"] = PKG_IN_RUN
        # order: by month, and within a month those turning 65 before the younger clients
        entry = np.concatenate([np.repeat(np.arange(12), n65), young_month])
        order = np.argsort(entry, kind="stable")
        self.people = {name: np.concatenate([np.broadcast_to(old[name], n_old), np.broadcast_to(young[name], k)])[order]
                       for name, _ in STATE}
        self.bounds = np.searchsorted(entry[order], np.arange(13))

    def month(self, m: int) -> dict:
        lo, hi = self.bounds[m], self.bounds[m + 1]
        return {name: arr[lo:hi].copy() for name, arr in self.people.items()}
