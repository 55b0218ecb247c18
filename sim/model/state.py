"""The resident state, defined once: fields and dtypes, residence codes, flag bits, the accumulator
slots, the struct of arrays (``Residents``) and the named state (``State``) the engines pass to the
mechanisms.

A mechanism reads and writes ``st.<field>[i]``: in the kernel ``st`` holds the arrays of all residents,
in the Mesa reference it holds one agent's fields as one-element lists (``i`` = 0). Floats are stored
as float32 (``np.float32(x)`` on every store), so both engines keep the same bits.
"""
from __future__ import annotations

from collections import namedtuple

import numpy as np

# state of one resident: (name, dtype). Bytes per resident = sum of the item sizes (see ``bytes_per_resident``).
STATE = (
    ("pid", np.int32), ("age_months", np.int16), ("sex", np.int8), ("partner", np.int8), ("ses", np.int8),
    ("sector", np.int8), ("level", np.int8), ("phys", np.float32), ("cog", np.float32), ("network", np.float32),
    ("carer", np.int8), ("carer_hours", np.float32), ("strain", np.float32), ("dwelling", np.int8),
    ("cell", np.int16), ("residence", np.int8), ("months_home", np.int16), ("inst_history", np.uint32),
    ("wellbeing", np.float32), ("waiting", np.int16), ("unmet", np.float32), ("flags", np.uint8),
    ("indicated_month", np.int16),
    # the way to Wmo support (mechanisms/access.py): state, months in that state, months since the need arose
    ("wmo_state", np.int8), ("wmo_months", np.int16), ("wmo_since", np.int16),
    # what the route set in motion (mechanisms/access.py, bits PATH_*): a referral to the CIZ, a dwelling
    # arranged by a mandate, a district-nursing referral lost between two stools
    ("wmo_path", np.int8),
    # formal hours a week delivered at home last month (mechanisms/care.py; 0 in an institution)
    ("formal_hours", np.float32),
)
FIELDS = tuple(name for name, _ in STATE)
# the state handed to the mechanisms: ``st.phys[i]``, not a positional tuple
State = namedtuple("State", FIELDS)

# residence codes
HOME, INSTITUTION, DEAD = 0, 1, 2
# flags bits
PKG_IN_RUN, CRISIS, WANTS_ADMISSION, MOVE_STEP_FREE, MOVE_WHEELCHAIR, STOCK_UNIT = 1, 2, 4, 8, 16, 32
# wmo_path bits (mechanisms/access.py)
PATH_REFERRED_WLZ, PATH_DWELLING, PATH_ZVW_LOST = 1, 2, 4
U32 = 0xFFFFFFFF
MAX_AGE_YEARS = 120

# Integer accumulators (one row per chunk in the kernel). Flows are summed over a year; snapshot
# counts are taken in July (mid-year); occ_* are the current month's institution residents per
# capacity sector. Each mechanism module lists the ones it adds to in its ``COUNTERS``; indicators
# read them by name, so the order of slots does not change results.
ACC_NAMES = (
    "deaths_65plus", "deaths_80plus", "dec80_intramural", "dec80_intramural_2y", "admissions",
    "admissions_cut_packages", "falls_65plus", "hospital_65plus", "hospital_all", "alarm_users",
    "alarm_calls", "alarm_on_time", "needed_c", "delivered_c",
    "home_care_c", "home_care_wlz_c", "district_nursing_c", "district_nursing_wlz_c",
    "wmo_household_help_c", "wmo_household_help_wlz_c", "wmo_support_c", "wmo_support_wlz_c",
    "day_care_c", "day_care_wlz_c", "respite_c", "respite_wlz_c",
    "mantelzorg_c", "breakdowns", "intramural_cost_wlz_cents", "intramural_cost_ggz_cents",
    "adaptations", "moves", "spells_ended", "spell_months",
    "n65", "n75", "n80", "n65_74", "n75_84", "n85", "lim65_74", "lim75_84", "lim85", "n75_home",
    "n80_intramural", "intramural_total", "entitled", "entitled_home", "extramuralised_home",
    "clients", "wellbeing_clients_micro", "household_75_84", "household_85plus", "carers",
    "carers_over_8h", "carers_overburdened",
    "occ_VV", "occ_VG", "occ_LG", "occ_ZG", "occ_GGZ",
    "clients_home_VV", "clients_home_VG", "clients_home_LG", "clients_home_ZG", "clients_home_GGZ",
    "clients_institution_VV", "clients_institution_VG", "clients_institution_LG", "clients_institution_ZG",
    "clients_institution_GGZ",
    # issue 12 (wt12): waiting list, young clients' exits, widowhood, deaths in an institution
    "waiting_VV", "waiting_VG", "waiting_LG", "waiting_ZG", "waiting_GGZ", "waiting_months", "admission_wait_months",
    "young_exits", "widowed", "deaths_institution_vv",
    "informal_needed_c", "informal_shortfall_c", "client_carer_months", "client_carer_months_over_8h",
    "client_carer_months_overburdened",
    # mechanisms/access.py
    "access_support_starts", "access_months_to_support", "access_unnoticed_months", "access_waiting_months",
    "access_intake_queue", "access_refused", "access_referrals_wlz", "access_referrals_zvw", "wmo_request_cents",
    "access_housing_mandates",
    # mechanisms/access.py, issue 14 (remaining items): referrals kept or lost, adaptations, mandate moves;
    # care.py: district-nursing hours withheld between two stools (access.granted)
    "access_referrals_kept", "access_referrals_lost", "access_adaptations", "access_mandate_moves",
    "nursing_withheld_c",
    # mechanisms/events.py: late alarm responses that became a crisis
    "crises",
    # census.py, issue 12: the extramuralised whose need would make them ask for a place
    "extramuralised_admission_need",
    # census.py, issue 12: the package mix of the VV institution residents (the Kamerbrief's cut packages)
    "institution_vv_low", "institution_vv4",
    # census.py: package holders with a right to a place in the GGZ sector (CBS counts Wlz clients without them)
    "entitled_ggz",
    # care.py: the V&V part of intramural_cost_wlz_cents (the national accounts' ouderenzorg line)
    "intramural_cost_vv_cents",
    # census.py: VG holders with access at home (CBS's VG clients with Wlz care at home)
    "entitled_home_vg",
)
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
