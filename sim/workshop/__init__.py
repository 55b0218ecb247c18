"""What people look at: en/nl labels, figures, the HTML report, the workshop app and its cache.

Imports ``sim.studies`` and ``sim.model``."""
