"""Intramural capacity per sector and year: the observed Dutch path, then a scenario's rule.

Places at the start come from the parameters (``policy.initial_capacity``: VV per person 80+, the other
sectors per 1,000 inhabitants). Through ``policy.capacity.observed_until`` they follow the observed
national path (``data/capacity_nl.yaml``: occupied places per sector, CBS/Zorginstituut/VNG) as an index
on the start year, so the municipality keeps its own level and the country's changes. After that year
the scenario's ``rule`` sets the places (scenarios/README.md):

* ``fixed``: the places of the last observed year;
* ``per_80plus``: VV places per person 80+ held (the CBS projection of the 80+), the other sectors'
  places per inhabitant held;
* ``follow_demand`` (the default): each January the places move towards last December's occupied places
  plus the people waiting, by at most ``build_rate`` x places (building and closing take time; default
  4.5 %: the sector's planned expansion, ActiZ/TNO about 50,000 extra places needed by 2030, approximate);
* ``explicit``: ``{year: index}``, places relative to the last observed year, linear between the
  years given and held outside them;
* ``change``: a yearly relative change per sector (``change_per_year``) through ``change_until``,
  then places per 80+ held as in ``per_80plus`` (the counterfactual trend of ``no_reform``).

Places are whole numbers (floor). Nothing here draws or depends on the engine.

Home care's staff shortage (``home_care_unfilled_share``): the share of the home-care hours asked that providers
cannot staff, from the vacancy rate in care and welfare above that of its balanced year
(``data/home_care_staff_nl.yaml``, CBS AZW), times ``home_care_vacancy_effect``: each month that share of the residents at home goes without formal
care (mechanisms/care.py ``staffed_ratio``).
"""
from __future__ import annotations

from functools import lru_cache
from importlib import resources

import numpy as np
import yaml

SECTORS = ("VV", "VG", "LG", "ZG", "GGZ")
RULES = ("fixed", "per_80plus", "follow_demand", "explicit", "change")


@lru_cache(maxsize=1)
def observed() -> dict:
    text = resources.files("sim.model").joinpath("data/capacity_nl.yaml").read_text(encoding="utf-8")
    return yaml.safe_load(text)


def last_observed_year() -> int:
    return int(observed()["last_observed_year"])


def _interp(table: dict, year: float) -> float:
    years = sorted(table)
    return float(np.interp(year, years, [table[y] for y in years]))


def observed_places(sector: str, year: float) -> float:
    """National occupied places of a sector (thousands) in ``year``; held outside the observed years."""
    return _interp(observed()["places"][sector], year)


def people_80plus(year: float) -> float:
    """People 80+ in the Netherlands (thousands): observed, then the CBS projection."""
    return _interp(observed()["people_80plus"], year)


class CapacityPath:
    """Places per sector (VV, VG, LG, ZG, GGZ) year by year for one run.

    ``initial``: places at the start; ``config``: the scenario's ``policy.capacity``; ``inhabitants``:
    a function year -> the municipality's inhabitants. ``places(year, demand)`` is called once per year
    in order; ``demand`` (occupied + waiting last December, per sector) is used by ``follow_demand`` only.
    """

    def __init__(self, initial: np.ndarray, config: dict, start_year: int, inhabitants):
        self.initial = np.asarray(initial, dtype=np.float64)
        self.config, self.start_year, self.inhabitants = config, int(start_year), inhabitants
        self.anchor_year = max(int(config["observed_until"]), self.start_year)
        self.previous = None

    def _observed(self, year: int) -> np.ndarray:
        index = [observed_places(s, year) / observed_places(s, self.start_year) for s in SECTORS]
        return self.initial * np.array(index)

    def _held_per_head(self, base: np.ndarray, base_year: int, year: int) -> np.ndarray:
        """VV per person 80+, the other sectors per inhabitant, as in ``base_year``."""
        growth = np.full(5, self.inhabitants(year + 0.5) / self.inhabitants(base_year + 0.5))
        growth[0] = people_80plus(year + 0.5) / people_80plus(base_year + 0.5)
        return base * growth

    def _exact(self, year: int, demand) -> np.ndarray:
        c = self.config
        if year <= self.anchor_year:
            return self._observed(min(year, int(c["observed_until"])))
        base = self._observed(min(self.anchor_year, int(c["observed_until"])))
        rule = c["rule"]
        if rule == "fixed":
            return base
        if rule == "per_80plus":
            return self._held_per_head(base, self.anchor_year, year)
        if rule == "explicit":
            table = {int(y): float(v) for y, v in c["explicit"].items()}
            return base * _interp(table, year)
        if rule == "change":
            rates = np.array([c["change_per_year"][s] for s in SECTORS])
            until = min(year, int(c["change_until"]))
            changed = base * (1.0 + rates) ** max(0, until - self.anchor_year)
            return changed if until == year else self._held_per_head(changed, until, year)
        # follow_demand: towards occupied + waiting, at most build_rate x places a year
        prev = self.previous if self.previous is not None else base
        if demand is None:
            return prev
        step = c["build_rate"] * prev
        return prev + np.clip(np.asarray(demand, dtype=np.float64) - prev, -step, step)

    def places(self, year: int, demand=None) -> np.ndarray:
        exact = self._exact(year, demand)
        self.previous = exact
        return np.floor(exact + 1e-9)


# --- home care: the staff shortage that binds (the workforce path of the teams is neighbourhoods.team_capacity_factor)
@lru_cache(maxsize=1)
def home_care_staff() -> dict:
    text = resources.files("sim.model").joinpath("data/home_care_staff_nl.yaml").read_text(encoding="utf-8")
    return yaml.safe_load(text)


def home_care_unfilled_share(year: int, effect: float) -> float:
    """Share of the home-care hours asked that cannot be staffed in ``year``: ``effect`` x (the vacancy rate of
    care and welfare - that of the balanced year) / 1,000, 0 up to the balanced year, held after the last year
    listed (0 with ``effect`` 0)."""
    data = home_care_staff()
    rates = data["vacancies_per_1000_jobs"]
    excess = _interp(rates, year) - float(rates[int(data["balanced_year"])])
    return min(1.0, max(0.0, effect * excess / 1000.0))
