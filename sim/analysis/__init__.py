"""Studies on the model: running replicates and worker pools, scenario comparisons, sweeps, sensitivity
analysis, calibration, validation, interoperability with other tools, benchmarks.

Imports ``sim.model``; never ``sim.workshop``."""
