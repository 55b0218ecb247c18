"""Langer Thuis: agent-based simulation of extramuralisation and woonservicegebieden."""
__version__ = "0.1.0"


def run_function(**params):
    """Plain keyword arguments in, indicator values out (see ``sim.studies.interop.run_function``)."""
    from sim.studies.interop import run_function as run
    return run(**params)
