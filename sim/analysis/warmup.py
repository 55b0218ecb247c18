"""``langerthuis warmup``: compile the simulation kernel now (Numba caches it for every later command), so
that the first run, comparison or workshop question does not wait 30-60 s for the compiler."""
from __future__ import annotations

import sys
import time


def register(sub):
    p = sub.add_parser("warmup", help="compile the simulation kernel once (cached for every later command)")
    p.set_defaults(func=main)


def warm_up() -> float:
    """Compile the kernel with a tiny run (2,000 inhabitants, two years: every pass of the month runs);
    returns the seconds it took (about 1 s once compiled)."""
    from sim.model.model import LangerThuisModel
    from sim.model.scenario import resolve_scenario

    started = time.monotonic()
    tiny = resolve_scenario({"name": "warmup", "start_year": 2013, "end_year": 2014,
                             "municipality": {"inhabitants": 2_000, "grid": {"width": 4, "height": 4}}})
    LangerThuisModel(tiny, replicate=0).run()
    return time.monotonic() - started


def main(args) -> int:
    from sim.model.engines.kernel import is_compiled

    if is_compiled():
        print("the simulation kernel is compiled (Numba's cache); checking it runs ...", file=sys.stderr)
    else:
        print("compiling the simulation kernel (once per installation, about 30-60 s) ...", file=sys.stderr)
    print(f"kernel ready in {warm_up():.1f} s")
    return 0
