"""Decline of physical and cognitive functioning (0..1, 1 = no limitation).

Faster with age (exponential), falling over time with a share of the mortality improvement
(``decline_follows_mortality``: healthy ageing keeps pace with longer lives), at a low income (the SES gradient in limitations, CBS/RIVM:
``ses_limitation_gradient``, which also sets the initial deficits by income), with a poor network and with unmet care need; slower for lifelong
conditions (VG/LG/ZG/GGZ), in an adapted dwelling (the route by which adaptations lower home care:
Carnemolla & Bridge 2019 as an upper bound, de Kam 2012) and with facilities nearby. There is no
separate woonservicegebied effect on decline: older people in the experimental areas were "about as
healthy as elsewhere" (de Kam 2012, DOMAIN.md §3). Acute events (stroke, fracture) cause jumps.

Draws: ``decline`` (noise on the physical loss), ``decline_shock`` (a jump), ``cognition`` (noise on
the cognitive loss). Stores the new cognition; returns the new physical functioning unstored, as the
month's events still change it (``events.month`` stores it). Counts nothing.
"""
import numpy as np

from sim.model.mechanisms.common import age_years, clip01, rule, step
from sim.model.mechanisms.mortality import MAX_AGE
from sim.model.rng import uniform
from sim.model.state import INSTITUTION

# what this mechanism owns: its random streams (fixed ids), resident fields, counters and the parameters it
# reads (the first three as literals: sim.model.declarations reads them to assemble rng.STREAM and state.STATE)
STREAMS = {"decline": 1, "decline_shock": 2, "cognition": 3}
FIELDS = (
    ("phys", "float32", "drawn", "physical functioning, 0..1 (1: no limitation)"),
    ("cog", "float32", "drawn", "cognitive functioning, 0..1 (1: no limitation)"),
)
COUNTERS = ()
PARAMETERS = ("decline_cog_age", "decline_cog_base", "decline_dwelling_adapted", "decline_facilities",
              "decline_follows_mortality", "decline_network", "decline_noise", "decline_package_vv",
              "decline_package_young", "decline_phys_age", "decline_phys_base", "decline_shock_annual",
              "decline_shock_size", "decline_unmet", "ses_limitation_gradient")
S_DECLINE, S_SHOCK, S_COG = STREAMS["decline"], STREAMS["decline_shock"], STREAMS["cognition"]


def tables(p) -> dict:
    """Mean yearly loss of physical and cognitive functioning by age in years."""
    age = np.maximum(np.arange(MAX_AGE, dtype=np.float64) - 65.0, 0.0)
    return {"decline_phys": p.decline_phys_base * np.exp(p.decline_phys_age * age),
            "decline_cog": p.decline_cog_base * np.exp(p.decline_cog_age * age)}


@rule
def decline_multiplier(p, sector, network, at_home, unmet, dwelling, facilities, ses):
    m = 1.0 + p.ses_limitation_gradient * (1.0 - ses)   # income tertile 0 declines faster, 2 slower
    if sector == 1:
        m *= 1.0 + p.decline_package_vv
    elif sector >= 2:
        m *= 1.0 + p.decline_package_young
    m *= 1.0 + p.decline_network * (1.0 - 2.0 * network)
    if at_home:
        m *= 1.0 + p.decline_unmet * unmet
        if dwelling > 0:
            m *= 1.0 - p.decline_dwelling_adapted
        m *= 1.0 - p.decline_facilities * facilities
    return m if m > 0.0 else 0.0


@rule
def decline_month(p, phys, cog, base_phys_annual, base_cog_annual, mult, u_phys, u_shock, u_cog):
    """New (phys, cog) after one month."""
    noise_phys = 1.0 - 0.5 * p.decline_noise + p.decline_noise * u_phys
    noise_cog = 1.0 - 0.5 * p.decline_noise + p.decline_noise * u_cog
    phys = phys - base_phys_annual / 12.0 * mult * noise_phys
    if u_shock < p.decline_shock_annual / 12.0:
        phys = phys - p.decline_shock_size
    cog = cog - base_cog_annual / 12.0 * mult * noise_cog
    return clip01(phys), clip01(cog)


@rule
def improvement_of_decline(p, improvement):
    """The age-specific decline relative to the base year: the share ``decline_follows_mortality`` of the
    year's mortality improvement (1: the decline at each age falls as fast as mortality, a dynamic
    equilibrium; 0: no improvement, every year of life gained adds years with limitations)."""
    f = 1.0 - p.decline_follows_mortality * (1.0 - improvement)
    return f if f > 0.0 else 0.0


@step
def month(p, tb, L, st, i, pm, improvement):
    """One month's decline of resident ``i``: stores cognition, returns physical functioning (float64).
    ``improvement``: the year's mortality improvement (mortality.improvement_factor)."""
    ay = age_years(st, i)
    c = st.cell[i]
    mult = decline_multiplier(p, st.sector[i], np.float64(st.network[i]), st.residence[i] != INSTITUTION,
                              np.float64(st.unmet[i]), st.dwelling[i], L.facilities[c],
                              np.float64(st.ses[i])) * improvement_of_decline(p, improvement)
    phys, cog = decline_month(p, np.float64(st.phys[i]), np.float64(st.cog[i]), tb.decline_phys[ay],
                              tb.decline_cog[ay], mult, uniform(pm, S_DECLINE), uniform(pm, S_SHOCK),
                              uniform(pm, S_COG))
    st.cog[i] = np.float32(cog)
    return phys
