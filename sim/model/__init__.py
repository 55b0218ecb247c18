"""Everything results depend on: the Mesa model and its step order, the scenario schema, the
parameters, the calibrated ensemble, the population, the neighbourhoods, the random streams, the
indicators, the mechanisms (one module each) and the two engines that run them.

Nothing here imports ``sim.analysis`` or ``sim.workshop`` (checked by import-linter in the tests).
"""


def __getattr__(name):
    # lazy, so that importing one submodule does not import the engines
    if name == "LangerThuisModel":
        from sim.model.model import LangerThuisModel
        return LangerThuisModel
    if name == "load_scenario":
        from sim.model.scenario import load_scenario
        return load_scenario
    raise AttributeError(f"module 'sim.model' has no attribute {name!r}")
