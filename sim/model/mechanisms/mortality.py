"""Ageing and mortality: Gompertz death rates by sex and age (CBS life table 2010), improving over time,
raised by frailty (need score); a flat rate below 65 for younger package holders."""
import numpy as np

from sim.model.mechanisms.common import rule

MAX_AGE = 121


def annual_death_table(p) -> np.ndarray:
    """Annual death probability at the base year, indexed [sex, age in years] (sex 0 male, 1 female)."""
    age = np.arange(MAX_AGE, dtype=np.float64)
    table = np.empty((2, MAX_AGE))
    for sex, (a, b) in enumerate(((p.mort_gompertz_a_male, p.mort_gompertz_b_male),
                                  (p.mort_gompertz_a_female, p.mort_gompertz_b_female))):
        table[sex] = np.where(age >= 65, a * np.exp(b * (age - 65.0)), p.mort_young_annual)
    return np.minimum(table, 0.95)


def improvement_factor(p, year: int, base_year: int = 2010) -> float:
    """Mortality relative to the life table's base year (falling ~1.2 % a year)."""
    return float((1.0 - p.mort_improvement) ** (year - base_year))


@rule
def death_probability_month(p, annual_base, improvement, need):
    """Monthly death probability from the life-table rate, the year's improvement and frailty."""
    annual = annual_base * improvement * (1.0 + p.mort_frailty * need)
    if annual > 0.95:
        annual = 0.95
    return annual / 12.0
