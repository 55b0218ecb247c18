"""The workshop app: a Solara page (``langerthuis app``) to choose scenarios, move the main levers, run
them (in a thread, cached, cancellable) and look at the results: headline numbers per comparison, a map of
the neighbourhoods, time series with intervals, differences from a base scenario, yearly costs per party in
euros million; every run kept as a named variant that survives a reload, can be compared with another
(A vs B), exported, imported and opened from a link (``?variant=...``); in English or Dutch.

Plain Solara rather than Mesa's ``SolaraViz``: SolaraViz steps one model instance interactively, while a
workshop compares finished runs of several scenarios with replicates. The model itself is the same
``mesa.Model`` (``sim.model.model.LangerThuisModel``).
"""
from __future__ import annotations

# the rooms: ``state`` (one browser session's choices and results), ``actions`` (run, cancel, open, import),
# ``panel`` (the side panel of levers), ``results`` and ``variants`` (the cards of the main column), ``page``
# (the page and its layout); ``numbers`` and ``tables`` compute and format what the cards show; the figures are
# sim.workshop.figures, the texts sim.workshop.labels, the runs, cache and variants sim.workshop.appcache.
# `langerthuis app` serves sim.workshop.app.page:Page (a package would make Solara add a tab per module).
from sim.workshop.app.page import Page

__all__ = ["Page"]
