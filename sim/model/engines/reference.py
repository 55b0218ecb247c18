"""The Mesa reference: the same model with one ``mesa.Agent`` per resident, in plain Python.

``ReferenceEngine`` is the engine of ``sim.model.model.ReferenceModel``: it provides the same hooks as
the kernel's ``KernelEngine`` (``add_residents``, ``pass_a``/``_b``/``_c``, ``start_of_year``,
``count_alive``, ``state``). Everything else (inflow, the supply ratio, capacity, bookkeeping,
indicators) is the model's own code, so the two engines must give bit-identical indicator tables for
the same scenario and seed (tests/test_reference.py).

Each ``Resident`` keeps its fields (``sim.model.state.STATE``) in ``self.st``, a ``State`` of
one-element lists, and shows them as attributes (``resident.phys``). The passes below visit the
agents and call the very month functions the kernel calls (``sim.model.month``), on ``(st, 0)``: a
mechanism reads and writes ``st.phys[i]`` whatever the engine. What makes the results identical:

* the month and the mechanisms run as their Python originals (``pure``): ``.py_func`` of each Numba
  rule, with the rules and mechanism modules it calls rebound to their originals too, the counter-based
  ``uniform`` and ``person_month_key`` bound to ``uniform_py`` and ``person_month_key_py`` (same bits) and ``np`` bound to Python casts (``np.float32(x)`` rounds to float32
  and gives a Python float, ``np.uint8``/``np.uint32``/``np.int64`` are ``int``), so no compiled code
  runs in a reference step;
* every float the kernel stores in a float32 array is stored here through the same ``np.float32``,
  and the integer accumulators truncate alike; the integer fields never wrap (age, months at home and
  waiting fit int16 for any run; ``inst_history`` is masked to 32 bits by the mechanism).

Dead residents: an agent is deregistered from the model (``agent.remove()``) the month it dies, so
``model.agents`` is always the living residents; like the kernel's arrays, the pid-ordered list keeps
the dead (residence DEAD) until ``start_of_year`` drops them. Nothing in the results depends on it.
"""
from __future__ import annotations

import types
from functools import lru_cache

import mesa
import numpy as np
from numba.core.dispatcher import Dispatcher

from sim.model import month, rng
from sim.model.month import World
from sim.model.neighbourhoods import KernelLayers
from sim.model.state import DEAD, FIELDS, N_ACC, N_CELL, STATE, State


# --- the rules, as plain Python ------------------------------------------------------------------------
def f32(x) -> float:
    """What the kernel keeps when it stores a float64 in a float32 array, read back as a float64."""
    return float(np.float32(x))


# ``np`` inside a rule run by the reference: the dtype casts the rules use, as Python casts
PY_NP = types.SimpleNamespace(float64=float, float32=f32, int64=int, uint8=int, uint32=int)
# compiled helpers with a Python twin that gives the same bits
TWINS = {rng.uniform: rng.uniform_py, rng.person_month_key: rng.person_month_key_py}
_PURE: dict = {}


def pure(dispatcher):
    """The Python original of a Numba rule, with every rule it calls bound to its Python original too."""
    if dispatcher in _PURE:
        return _PURE[dispatcher]
    if dispatcher in TWINS:
        return TWINS[dispatcher]
    f = dispatcher.py_func
    g = dict(f.__globals__)   # a copy of the rule module's globals, so the module itself is untouched
    fn = types.FunctionType(f.__code__, g, f.__name__, f.__defaults__, f.__closure__)
    _PURE[dispatcher] = fn    # before recursing: rules may call each other
    if "np" in g:
        g["np"] = PY_NP
    for name, value in list(g.items()):
        if isinstance(value, Dispatcher):
            g[name] = pure(value)
        elif isinstance(value, types.ModuleType) and value.__name__.startswith("sim.model.mechanisms."):
            g[name] = python_rules(value)   # the month calls ``mortality.month``: the module's originals
    return fn


@lru_cache(maxsize=None)
def python_rules(module) -> types.SimpleNamespace:
    """A mechanism module's names, its rules as Python originals (``events.month``)."""
    return types.SimpleNamespace(**{name: pure(value) if isinstance(value, Dispatcher) else value
                                    for name, value in vars(module).items()})


# the resident's month (sim.model.month), as plain Python
resident_month_a, resident_month_b = pure(month.resident_month_a), pure(month.resident_month_b)
resident_move, admission_priority = pure(month.resident_move), pure(month.admission_priority)
resident_admission = pure(month.resident_admission)
# a few rules by name, for inspection (tests/test_reference.py)
_decline, _care = python_rules(month.decline), python_rules(month.care)
_packages, _wellbeing = python_rules(month.packages), python_rules(month.wellbeing)
decline_month, care_demand_week, indication_month = _decline.decline_month, _care.care_demand_week, _packages.indication_month
wellbeing_month, network_month = _wellbeing.wellbeing_month, _wellbeing.network_month


class _Grid:
    """A 2-D table as nested lists, indexed like the kernel's array: ``table[a, b]``."""

    def __init__(self, array):
        self.rows = np.asarray(array).tolist()

    def __getitem__(self, ab):
        return self.rows[ab[0]][ab[1]]


class _Tables:
    """The model's tables as Python lists (the same float64 values, cheaper to index)."""

    def __init__(self, tb):
        for name in tb._fields:
            a = np.asarray(getattr(tb, name))
            setattr(self, name, _Grid(a) if a.ndim == 2 else a.tolist())


# --- one resident --------------------------------------------------------------------------------------
class Resident(mesa.Agent):
    """One simulated resident; ``self.st`` holds its fields, shown as attributes (``self.phys``)."""

    def __init__(self, model, **state):
        super().__init__(model)
        self.st = State(*([state[name]] for name in FIELDS))


def _field(name):
    return property(lambda self: getattr(self.st, name)[0],
                    lambda self, value: getattr(self.st, name).__setitem__(0, value))


for _name in FIELDS:
    setattr(Resident, _name, _field(_name))


# --- the engine ----------------------------------------------------------------------------------------
class ReferenceEngine:
    """The model's residents as one ``Resident`` agent each; the engine of ``model.ReferenceModel``."""

    name = "reference"

    def __init__(self, model):
        self.model = model
        self.resident_list: list[Resident] = []   # pid order (= the kernel's array order)
        self.dead_removed = 0                      # dead dropped from the list by start_of_year

    def add_residents(self, people: dict):
        k = len(people["pid"])
        # cast through the kernel's dtypes, so values are what the kernel's arrays hold
        cols = [np.broadcast_to(np.asarray(people[name]).astype(dtype), (k,)).tolist() for name, dtype in STATE]
        for row in zip(*cols):
            self.resident_list.append(Resident(self.model, **dict(zip(FIELDS, row))))

    def state(self) -> State:
        """The residents as the kernel's struct of arrays (same order, dtypes and dead slots)."""
        rs = self.resident_list
        return State(*(np.array([getattr(r.st, name)[0] for r in rs], dtype=dtype) for name, dtype in STATE))

    def _python_tables(self) -> _Tables:
        if not hasattr(self, "_tb_py"):
            self._tb_py = _Tables(self.model.tables)
        return self._tb_py

    def _accumulators(self):
        return [0] * N_ACC, np.zeros((self.model.hood.n_cells, N_CELL), dtype=np.int64)

    def _python_world(self, w: World) -> World:
        """The world record as Python values: tables and the access settings as nested lists, layers as lists."""
        return w._replace(tb=self._python_tables(), L=KernelLayers(*(np.asarray(a).tolist() for a in w.L)),
                          mkey=int(w.mkey), split_key=int(w.split_key), improvement=float(w.improvement),
                          month_abs=int(w.month_abs), ax=_Grid(w.ax), snapshot=bool(w.snapshot),
                          supply_ratio=np.asarray(w.supply_ratio, dtype=np.float64).tolist(), unfilled=float(w.unfilled))

    def pass_a(self, world: World):
        """kernel.pass_a, agent by agent; a resident who dies is no longer an agent of the model (it stays in
        the pid list until January)."""
        acc, cell_acc = self._accumulators()
        w = self._python_world(world)
        for r in self.resident_list:
            if resident_month_a(w, r.st, 0, acc, cell_acc):
                r.remove()
        return np.array(acc, dtype=np.int64), cell_acc

    def pass_b(self, world: World):
        """kernel.pass_b, agent by agent."""
        acc, cell_acc = self._accumulators()
        w = self._python_world(world)
        for r in self.resident_list:
            resident_month_b(w, r.st, 0, acc, cell_acc)
        return np.array(acc, dtype=np.int64), cell_acc

    def pass_c(self, free_places):
        """kernel.pass_c: moves into free adapted dwellings (pid order), then admissions in priority
        order (crises first, then the longest waiting, then the earliest resident: a stable sort)."""
        acc, cell_acc = self._accumulators()
        stock = self.model.hood.stock
        askers = [r for r in self.resident_list if resident_move(r.st, 0, stock, acc)]
        askers.sort(key=lambda r: admission_priority(r.st, 0))   # stable
        for r in askers:
            resident_admission(r.st, 0, free_places, self.model.cut_pairs, stock, acc, cell_acc)
        return np.array(acc, dtype=np.int64), cell_acc

    def start_of_year(self):
        """Drop the dead from the pid list (as the kernel compacts its arrays); they left the model
        (``agent.remove()``) when they died."""
        alive = [r for r in self.resident_list if r.residence != DEAD]
        self.dead_removed += len(self.resident_list) - len(alive)
        self.resident_list = alive

    def count_alive(self) -> tuple[int, int]:
        """(living residents, residents who died since the start): living = the model's agents."""
        dead_in_list = sum(1 for r in self.resident_list if r.residence == DEAD)
        return len(self.model.agents_by_type.get(Resident, ())), dead_in_list + self.dead_removed
