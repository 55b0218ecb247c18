"""Helpers shared by the mechanism modules: the need score and the ``rule`` decorator.

Every mechanism is written once, as scalar functions decorated with ``rule``: the Numba kernel calls
the compiled function, the Mesa reference calls the same function's Python original (``.py_func``),
so both implementations apply the same arithmetic in the same order.
"""
from numba import njit

rule = njit(cache=True)


@rule
def need_score(phys, cog):
    """Care need 0..1 from physical and cognitive functioning: the larger deficit plus half the other."""
    dp = 1.0 - phys
    dc = 1.0 - cog
    hi = dp if dp > dc else dc
    lo = dc if dp > dc else dp
    s = hi + 0.5 * lo
    return 1.0 if s > 1.0 else s


@rule
def clip01(x):
    return 0.0 if x < 0.0 else (1.0 if x > 1.0 else x)
