"""Helpers shared by the mechanism modules: the need score, ``centi`` and the ``rule`` and ``step`` decorators.

Every mechanism is written once, as functions decorated with ``rule``: the Numba kernel calls the
compiled function, the Mesa reference calls the same function's Python original (``.py_func``, see
``engines.reference.pure``), so both engines apply the same arithmetic in the same order.
A mechanism's month function takes the named state ``st`` and a resident index ``i``, reads and
writes ``st.<field>[i]`` and adds to the accumulator row ``acc``. Each module declares what it owns, as
literals at its top (``sim.model.declarations``): ``FIELDS`` (its resident fields: dtype, initial value,
unit), ``COUNTERS`` (the ``state.ACC_NAMES`` it adds to), ``STREAMS`` (its random streams with their fixed
ids) and ``PARAMETERS`` (the parameters it reads); tests/test_mechanisms.py checks them.
"""
import numpy as np
from numba import njit

from sim.model.state import MAX_AGE_YEARS

rule = njit(cache=True)
# a rule that takes the state arrays: inlined into the kernel's loop (a call would pass ~160 array
# fields and change the reference counts of 23 arrays, several times per resident)
step = njit(cache=True, inline="always")


@rule
def need_score(phys, cog):
    """Care need 0..1 from physical and cognitive functioning: the larger deficit plus half the other."""
    dp = 1.0 - phys
    dc = 1.0 - cog
    hi = dp if dp > dc else dc
    lo = dc if dp > dc else dp
    s = hi + 0.5 * lo
    return 1.0 if s > 1.0 else s


def need_score_array(phys, cog) -> np.ndarray:
    """``need_score`` for NumPy arrays (initialisation, analyses); float64."""
    dp = 1.0 - np.asarray(phys, dtype=np.float64)
    dc = 1.0 - np.asarray(cog, dtype=np.float64)
    return np.minimum(1.0, np.maximum(dp, dc) + 0.5 * np.minimum(dp, dc))


@rule
def clip01(x):
    return 0.0 if x < 0.0 else (1.0 if x > 1.0 else x)


@rule
def centi(x):
    """Hours (or euros) to integer hundredths, so that sums are exact and order-free."""
    return np.int64(x * 100.0 + 0.5)


@step
def age_years(st, i):
    return min(st.age_months[i] // 12, MAX_AGE_YEARS)


@step
def current_need(st, i):
    """The need score from the stored (float32) functioning."""
    return need_score(np.float64(st.phys[i]), np.float64(st.cog[i]))
