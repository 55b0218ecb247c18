"""The workshop's three questions as ready choices of the side panel, each with the base its signs read against:
(A) what did the reform do: the enacted reform (baseline) against ``no_reform``, so a sign is the reform's effect;
(B) a woonservicegebied in one neighbourhood or carer support in the whole town, both against the baseline;
(C) neighbourhood team or intake desk under a 25 % Wmo cut, both against the cut with the usual access.
The app computes them when it starts (``precompute``), so the first answer is there when the room asks."""
from __future__ import annotations

import sys
import time

from sim.errors import InputError
from sim.model.scenario import load_scenario
from sim.workshop.appcache import Levers
from sim.workshop.app.jobs import on_municipality
from sim.workshop.labels import cell_names

QUESTIONS = ("reform", "wsg_or_carers", "access")
SCENARIOS = {"reform": ["no_reform", "baseline"],
             "wsg_or_carers": ["baseline", "wsg_full", "carer_support"],
             "access": ["wmo_cut_25", "access_neighbourhood_team", "access_intake_voucher"]}
LETTERS = dict(zip(QUESTIONS, "ABC"))


def question(key: str, files: dict, replicates: int, municipality: str = "") -> dict | None:
    """The side panel of a question on ``municipality`` (a CBS code, "": the scenarios' own town): chosen
    scenarios (the base first), levers, base, the neighbourhood's name; None when the scenario folder lacks one of
    its files."""
    stems = SCENARIOS[key]
    if not all(s in files for s in stems):
        return None
    levers, cells_text = Levers(replicates=replicates, municipality=municipality), ""
    if key == "wsg_or_carers":        # wsg_full's investments moved to one neighbourhood of its own area
        full = on_municipality(load_scenario(files["wsg_full"]), municipality)
        area = next(iter(full["areas"].values()), [[0, 0]])
        x, y = sorted(area)[0]
        cells_text = cell_names(full)[(x, y)]
        levers = Levers(where="cells", cells=f"{x},{y}", move_scenario_wsg=True, replicates=replicates,
                        municipality=municipality)
    return {"chosen": stems, "levers": levers, "plain_too": False, "base": stems[0], "cells_text": cells_text}


def precompute(files: dict, replicates: int, warm, started: float) -> dict:
    """Run the questions (on the scenarios' own town) one after the other on the server (jobs.py: a Run pressed meanwhile attaches to the
    same run); returns question -> seconds from ``started`` to its answer, each also printed for the log."""
    from sim.workshop.app import jobs
    ready = {}
    for key in QUESTIONS:
        q = question(key, files, replicates)
        if q is None:
            continue
        try:
            scenarios = list(jobs.jobs_for(files, q["chosen"], q["levers"], q["plain_too"]).values())
        except (InputError, KeyError) as exc:
            print(f"langerthuis app: question {LETTERS[key]} not prepared: {exc}", file=sys.stderr, flush=True)
            continue
        job = jobs.start(scenarios, warm)
        job.done.wait()
        if job.error is None:
            ready[key] = time.time() - started
            print(f"langerthuis app: question {LETTERS[key]} ready {ready[key]:.0f} s after the start",
                  file=sys.stderr, flush=True)
    return ready
