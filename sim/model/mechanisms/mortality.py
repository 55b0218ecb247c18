"""Ageing and mortality: Gompertz death rates by sex and age (CBS life table 2010), improving over time,
raised by frailty (need score); a flat rate below 65 for younger package holders.

Each month a resident ages by a month, the two-year institution history shifts, and a death draw
(stream ``mortality``) may end the life. A death counts by age and place; a death at home ends a
package spell, and frees an adapted dwelling of the stock.
"""
import numpy as np

from sim.model.mechanisms.common import age_years, rule, step
from sim.model.mechanisms.housing import STEP_FREE
from sim.model.rng import STREAM, uniform
from sim.model.state import A, C_REL_SF, C_REL_WC, DEAD, INSTITUTION, PKG_IN_RUN, STOCK_UNIT, U32

STREAMS = ("mortality",)
COUNTERS = ("deaths_65plus", "deaths_80plus", "dec80_intramural", "dec80_intramural_2y",
            "spells_ended", "spell_months")
A_DEATHS65, A_DEATHS80, A_DEC80_INST, A_DEC80_INST2Y, A_SPELLS, A_SPELL_MONTHS = (A[c] for c in COUNTERS)
S_MORT = STREAM["mortality"]

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


def tables(p) -> dict:
    """This mechanism's yearly tables (fields of the model's ``Tables``)."""
    return {"death_annual": annual_death_table(p)}


@step
def month(p, tb, st, i, pm, improvement, need, acc, cell_acc):
    """Ageing and death of resident ``i`` (``need`` at the start of the month); True if it died."""
    st.age_months[i] += 1
    ay = age_years(st, i)
    inst = st.residence[i] == INSTITUTION
    # bit k = in an institution k months ago; masked for the Python reference (a no-op in uint32)
    hist = ((st.inst_history[i] << np.uint32(1)) | np.uint32(1 if inst else 0)) & np.uint32(U32)
    st.inst_history[i] = hist
    if uniform(pm, S_MORT) >= death_probability_month(p, tb.death_annual[st.sex[i], ay], improvement, need):
        return False
    st.residence[i] = DEAD
    if ay >= 65:
        acc[A_DEATHS65] += 1
    if ay >= 80:
        acc[A_DEATHS80] += 1
        if inst:
            acc[A_DEC80_INST] += 1
        if (hist >> np.uint32(24)) & np.uint32(1):
            acc[A_DEC80_INST2Y] += 1
    if not inst:
        if st.flags[i] & PKG_IN_RUN:
            acc[A_SPELLS] += 1
            acc[A_SPELL_MONTHS] += st.months_home[i]
        if st.flags[i] & STOCK_UNIT:
            cell_acc[st.cell[i], C_REL_SF if st.dwelling[i] == STEP_FREE else C_REL_WC] += 1
    return True
