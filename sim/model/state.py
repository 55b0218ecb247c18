"""The resident state, assembled once: fields and dtypes (the person's here, the rest as each mechanism declares
them, ``sim.model.declarations``), residence codes, flag bits, the accumulator slots, the struct of arrays
(``Residents``) and the named state (``State``) the engines pass to the mechanisms.

A mechanism reads and writes ``st.<field>[i]``: in the kernel ``st`` holds the arrays of all residents,
in the Mesa reference it holds one agent's fields as one-element lists (``i`` = 0). Floats are stored
as float32 (``np.float32(x)`` on every store), so both engines keep the same bits.
"""
from __future__ import annotations

from collections import namedtuple

import numpy as np

from sim.model.declarations import declarations

# residence codes
HOME, INSTITUTION, DEAD = 0, 1, 2
# flags bits
PKG_IN_RUN, CRISIS, WANTS_ADMISSION, MOVE_STEP_FREE, MOVE_WHEELCHAIR, STOCK_UNIT, PLACEABLE = 1, 2, 4, 8, 16, 32, 64
# wmo_path bits (mechanisms/access.py)
PATH_REFERRED_WLZ, PATH_DWELLING, PATH_ZVW_LOST = 1, 2, 4
U32 = 0xFFFFFFFF
MAX_AGE_YEARS = 120
DRAWN = "drawn"   # the initial value of a field that ``population._new_people`` draws

# One resident field: its dtype, the value a new resident starts with (or DRAWN), its unit, and who owns it.
Field = namedtuple("Field", ["name", "dtype", "initial", "unit", "owner"])
# the person, owned by no single mechanism: (name, dtype, initial value, unit); the mechanisms declare the rest
PERSON_FIELDS = (
    ("pid", "int32", DRAWN, "person id, in order of entry"),
    ("age_months", "int16", DRAWN, "months"),
    ("sex", "int8", DRAWN, "0 male, 1 female"),
    ("partner", "int8", DRAWN, "1: lives with a partner (0 after widowhood, mechanisms/mortality.py)"),
    ("ses", "int8", DRAWN, "income tertile: 0 lowest, 1 middle, 2 highest"),
    ("cell", "int16", DRAWN, "neighbourhood (grid cell x * height + y)"),
    ("residence", "int8", HOME, "HOME, INSTITUTION or DEAD"),
    ("flags", "uint8", 0, "bits PKG_IN_RUN, CRISIS, WANTS_ADMISSION, MOVE_STEP_FREE, MOVE_WHEELCHAIR, STOCK_UNIT, PLACEABLE"),
)


def _fields() -> tuple[Field, ...]:
    declared = [(PERSON_FIELDS, "state")] + [(d["FIELDS"], owner) for owner, d in declarations().items()]
    fields = tuple(Field(name, np.dtype(dtype).type, initial, unit, owner)
                   for rows, owner in declared for name, dtype, initial, unit in rows)
    names = [f.name for f in fields]
    twice = sorted({n for n in names if names.count(n) > 1})
    if twice:
        raise ValueError(f"resident fields declared twice: {twice}")
    return fields


# the state of one resident, assembled: the person, then each mechanism's fields (modules in alphabetical order).
# Bytes per resident = sum of the item sizes (see ``bytes_per_resident``).
FIELD_SPECS = _fields()
STATE = tuple((f.name, f.dtype) for f in FIELD_SPECS)
FIELDS = tuple(name for name, _ in STATE)
# the state handed to the mechanisms: ``st.phys[i]``, not a positional tuple
State = namedtuple("State", FIELDS)

# Integer accumulators (one row per chunk in the kernel), assembled from the mechanisms' ``COUNTERS`` (each
# module's in its order, so a block such as occ_VV..occ_GGZ stays contiguous; a name two modules add to keeps
# its first place). Flows are summed over a year; snapshot counts are taken in July (mid-year); occ_* are the
# current month's institution residents per capacity sector. Indicators read them by name, so the order of
# slots does not change results.
ACC_NAMES = tuple(dict.fromkeys(c for d in declarations().values() for c in d["COUNTERS"]))
A = {name: i for i, name in enumerate(ACC_NAMES)}
N_ACC = len(ACC_NAMES)
# per-neighbourhood accumulators
CELL_NAMES = ("demand_c", "release_step_free", "release_wheelchair", "needed_c", "unmet_c", "falls", "residents_65plus")
N_CELL = len(CELL_NAMES)
C_DEMAND, C_REL_SF, C_REL_WC, C_NEEDED, C_UNMET, C_FALLS, C_N65 = range(7)
# issue 26, per-area results (sim/model/areas.py): town counters also kept per cell, under the town's names;
# admissions, spells and the intramural cost per cell come from pass C's result (areas.pass_c_cells)
CELL_NAMES += ("home_care_c", "home_care_wlz_c", "district_nursing_c", "district_nursing_wlz_c",
               "wmo_household_help_c", "wmo_household_help_wlz_c", "wmo_support_c", "wmo_support_wlz_c",
               "day_care_c", "day_care_wlz_c", "alarm_users", "hospital_all", "spells_ended", "spell_months",
               "carers", "carers_overburdened", "carer_hours_week_c", "admissions",
               "intramural_cost_wlz_cents", "intramural_cost_ggz_cents")
N_CELL = len(CELL_NAMES)
CA = {name: i for i, name in enumerate(CELL_NAMES)}
# pass C's counts: (moves, admissions, admissions of cut packages, spells ended, spell months)
PASS_C_COUNTS = ("moves", "admissions", "admissions_cut_packages", "spells_ended", "spell_months")


def initial_values() -> dict:
    """Field name -> the value every new resident starts with (the fields not drawn)."""
    return {f.name: f.initial for f in FIELD_SPECS if f.initial != DRAWN}


class Residents:
    """Struct of arrays with spare capacity; ``n`` slots are used (dead residents stay until compaction)."""

    def __init__(self, capacity: int):
        self.n = 0
        for name, dtype in STATE:
            setattr(self, name, np.zeros(capacity, dtype=dtype))

    @property
    def capacity(self) -> int:
        return len(self.pid)

    def append(self, new: dict):
        k = len(new["pid"])
        if self.n + k > self.capacity:
            self._resize(max(int(self.capacity * 1.5), self.n + k))
        for name, _ in STATE:
            getattr(self, name)[self.n:self.n + k] = new[name]
        self.n += k

    def _resize(self, capacity: int):
        for name, dtype in STATE:
            old = getattr(self, name)
            arr = np.zeros(capacity, dtype=dtype)
            arr[:self.n] = old[:self.n]
            setattr(self, name, arr)

    def compact(self) -> int:
        """Drop the dead (order kept, so nothing random depends on it); returns how many."""
        keep = np.flatnonzero(self.residence[:self.n] != DEAD)
        for name, _ in STATE:
            arr = getattr(self, name)
            arr[:len(keep)] = arr[keep]
        dropped, self.n = self.n - len(keep), len(keep)
        return dropped

    def view(self, name: str) -> np.ndarray:
        return getattr(self, name)[:self.n]

    def state(self) -> State:
        """The used slots as the named state the kernel takes."""
        return State(*(self.view(name) for name in FIELDS))


def bytes_per_resident() -> int:
    return sum(np.dtype(d).itemsize for _, d in STATE)
