"""Langer Thuis: agent-based simulation of extramuralisation and woonservicegebieden."""
__version__ = "0.1.0"


def run_function(**params):
    """Plain keyword arguments in, indicator values out (see ``sim.analysis.interop.run_function``)."""
    from sim.analysis.interop import run_function as run
    return run(**params)
