"""Ageing, mortality, widowhood and the exits of younger clients.

Death rates: Gompertz by sex and age (CBS life table 2010), improving over time, raised by frailty
(need score) and lower with income (the SES gradient in mortality, CBS: ``ses_mortality_gradient``, on
top of the frailty that low incomes carry more of); a flat rate below 65 for younger package holders. A resident of a nursing home (VV, in an
institution) dies at least at the rate that gives the median survival after admission of Dutch
nursing-home residents (``mort_nursing_home_annual``), so deaths happen where they happen.

Each month a resident ages by a month, the two-year institution history shifts, and a death draw
(stream ``mortality``) may end the life. A death counts by age and place; a death at home ends a
package spell, and frees an adapted dwelling of the stock.

Younger clients (VG/LG/ZG/GGZ, under 65) also leave the simulated population for other reasons: their
package ends (GGZ recovery, outflow from beschermd wonen) or they move away (stream ``young_exit``,
``young_exit_<sector>``); they are no longer simulated (residence DEAD, counted as exits, not deaths).

Widowhood (stream ``widowhood``): a resident's partner dies at the life-table rate of the other sex at
the resident's age (partners are assumed the same age); a co-resident carer who was the partner is gone.
"""
import numpy as np

from sim.model.mechanisms.common import age_years, rule, step
from sim.model.mechanisms.carers import CO_RESIDENT, NO_CARER
from sim.model.mechanisms.housing import STEP_FREE
from sim.model.rng import uniform
from sim.model.state import A, CA, C_REL_SF, C_REL_WC, DEAD, INSTITUTION, PKG_IN_RUN, STOCK_UNIT, U32

C_SPELLS, C_SPELL_MONTHS = CA["spells_ended"], CA["spell_months"]   # per cell (areas.parquet)

# what this mechanism owns: its random streams (fixed ids), resident fields, counters and the parameters it
# reads (the first three as literals: sim.model.declarations reads them to assemble rng.STREAM and state.STATE)
STREAMS = {"mortality": 0, "young_exit": 16, "widowhood": 17}
FIELDS = (
    ("inst_history", "uint32", 0, "bit k: in an institution k months ago"),
)
COUNTERS = ("deaths_65plus", "deaths_80plus", "dec80_intramural", "dec80_intramural_2y",
            "spells_ended", "spell_months", "young_exits", "widowed", "deaths_institution_vv")
PARAMETERS = ("mort_frailty", "mort_gompertz_a_female", "mort_gompertz_a_male", "mort_gompertz_b_female",
              "mort_gompertz_b_male", "mort_improvement", "mort_nursing_home_annual", "mort_young_annual",
              "ses_mortality_gradient", "young_exit_ggz", "young_exit_lg", "young_exit_vg", "young_exit_zg")
A_DEATHS65, A_DEATHS80, A_DEC80_INST, A_DEC80_INST2Y, A_SPELLS, A_SPELL_MONTHS = (A[c] for c in COUNTERS[:6])
A_YOUNG_EXITS, A_WIDOWED, A_DEATHS_INST_VV = A["young_exits"], A["widowed"], A["deaths_institution_vv"]
S_MORT, S_EXIT, S_WIDOW = STREAMS["mortality"], STREAMS["young_exit"], STREAMS["widowhood"]
VV_SECTOR = 1

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
def death_probability_month(p, annual_base, improvement, need, nursing_home, ses):
    """Monthly death probability from the life-table rate, the year's improvement, frailty and income
    (x (1 + m) in the lowest tertile, x (1 - m) in the highest); in a nursing home at least the published
    nursing-home rate."""
    annual = annual_base * improvement * (1.0 + p.mort_frailty * need) * (1.0 + p.ses_mortality_gradient * (1.0 - ses))
    if nursing_home and annual < p.mort_nursing_home_annual:
        annual = p.mort_nursing_home_annual
    if annual > 0.95:
        annual = 0.95
    return annual / 12.0


@rule
def young_exit_month(p, sector):
    """Monthly chance that a younger client (sector VG 2, LG 3, ZG 4, GGZ 5) leaves the simulation."""
    if sector == 2:
        annual = p.young_exit_vg
    elif sector == 3:
        annual = p.young_exit_lg
    elif sector == 4:
        annual = p.young_exit_zg
    elif sector == 5:
        annual = p.young_exit_ggz
    else:
        annual = 0.0
    return annual / 12.0


@step
def _release_home(st, i, cell_acc):
    """Leaving home for good (death or exit): a dwelling of the adapted stock becomes free."""
    if st.flags[i] & STOCK_UNIT:
        cell_acc[st.cell[i], C_REL_SF if st.dwelling[i] == STEP_FREE else C_REL_WC] += 1


def tables(p) -> dict:
    """This mechanism's yearly tables (fields of the model's ``Tables``)."""
    return {"death_annual": annual_death_table(p)}


@step
def month(p, tb, st, i, pm, improvement, need, acc, cell_acc):
    """Ageing, death, exit and widowhood of resident ``i`` (``need`` at the start of the month); True
    if it died or left."""
    st.age_months[i] += 1
    ay = age_years(st, i)
    inst = st.residence[i] == INSTITUTION
    # bit k = in an institution k months ago; masked for the Python reference (a no-op in uint32)
    hist = ((st.inst_history[i] << np.uint32(1)) | np.uint32(1 if inst else 0)) & np.uint32(U32)
    st.inst_history[i] = hist
    nursing_home = inst and st.sector[i] == VV_SECTOR
    if uniform(pm, S_MORT) < death_probability_month(p, tb.death_annual[st.sex[i], ay], improvement, need,
                                                      nursing_home, np.float64(st.ses[i])):
        st.residence[i] = DEAD
        if ay >= 65:
            acc[A_DEATHS65] += 1
        if nursing_home:
            acc[A_DEATHS_INST_VV] += 1
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
                cell_acc[st.cell[i], C_SPELLS] += 1
                cell_acc[st.cell[i], C_SPELL_MONTHS] += st.months_home[i]
            _release_home(st, i, cell_acc)
        return True
    if st.sector[i] >= 2 and ay < 65 and uniform(pm, S_EXIT) < young_exit_month(p, st.sector[i]):
        st.residence[i] = DEAD       # leaves the simulated population (not a death)
        # a package spell at home is not ended by admission or death: it leaves uncounted (censored), and the
        # flag goes so that a reader of the state (sim.analysis.compare.TrackedModel) does not count it either
        st.flags[i] = st.flags[i] & ~np.uint8(PKG_IN_RUN)
        acc[A_YOUNG_EXITS] += 1
        if not inst:
            _release_home(st, i, cell_acc)
        return True
    if st.partner[i] > 0 and uniform(pm, S_WIDOW) < tb.death_annual[1 - st.sex[i], ay] * improvement / 12.0:
        st.partner[i] = 0
        acc[A_WIDOWED] += 1
        if st.carer[i] == CO_RESIDENT:
            st.carer[i] = NO_CARER
            st.carer_hours[i] = np.float32(0.0)
            st.strain[i] = np.float32(0.0)
    return False
