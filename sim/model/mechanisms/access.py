"""How residents reach Wmo support: the municipality's access route, and its response to a capped budget.

From the Wmo 2015 (``access.from_year``) the municipality decides who gets household help, begeleiding
(support) and day care at home; the route is a scenario choice (scenarios/README.md, ``access:``):

* ``indication`` (the default, the model's baseline): a need is met from the month it arises, in kind,
  as the calibrated baseline assumes (no detection delay, no wait): it changes nothing without a budget.
* ``kitchen_table`` (De Kanteling, Almere): the resident comes forward (GP, self-report); the
  conversation takes the assessment months; the network is asked first: a share of the Wmo hours,
  rising with the network's strength, is expected from the carer instead (formal only for what it cannot).
* ``neighbourhood_team`` (Nijmegen, Enschede, Delft): besides coming forward, the team notices need
  itself and hears of it at housing-association visits (about twice a year, seed 001). With a mandate
  (Delft's generalists) it grants support at once and arranges a dwelling in an emergency; without one
  it hands the case to the desk (the assessment months), and a share of signals is lost ("between two
  stools", seed 001).
* ``intake_voucher`` (the Swedish model, seed 000): the resident comes forward at the desk, which
  assesses; support is a voucher at one price with provider choice (hours = voucher value / provider
  price); the intake worker has a mandate over housing in an emergency (corporations take part).

A resident at home whose Wmo need is not a Wlz client's goes through the states NONE -> UNNOTICED ->
WAITING (noticed: the assessment months, then the intake, whose monthly capacity the model shares out)
-> SUPPORTED. Before the route starts everyone with need is SUPPORTED (so the AWBZ clients of 2014 keep
their support: the transitional right). Pass A (``month``) moves the states, makes the assessment's
referrals (``_refer``: to the CIZ, whose indication then comes next month in packages.py, and to the district
nurse; a team with a mandate keeps some in its own plan, one without loses some) and asks the month's Wmo
cost of the supported; between the passes the model's ``WmoBudget`` turns it into the budget ratio;
pass B (``granted``) gives care.at_home the share of Wmo hours kept formal (the rest asked of the carer),
the share of those supplied (0 while unnoticed or waiting; the voucher's hours; the budget's ratio) and the
share of personal care and nursing supplied (a gap between two stools without a mandate), and ``housing``
grants a home adaptation with support and keeps a dwelling arranged by a mandate asked for until the move.

Per area (``access.areas``): every setting is a row per cell (``ax[cell, AX_*]``), so the residents of an
area's cells follow its route and its own route parameters, the others the municipality's.

Budget (``budget:``): the yearly Wmo budget for care at home plus the municipality's route cost cannot
be exceeded. When it binds (last month's ratio below 1) the route's response acts on new clients
(``waiting_list``: no new starts; ``stricter_access``: no new starts below ``access_strict_need``);
``lower_hours`` (and, as every route's last resort, the budget ratio itself) lowers the hours of the
supported, so spending stays within the budget.

Draws: ``access_notice``, ``access_intake``, ``access_referral``, ``access_adaptation``. Sources: seeds 000/001 (DOMAIN.md §4), Wmo 2015 art. 2.3.2
(investigation within 6 weeks of a notification) and 2.3.5 (decision within 2 weeks of a request).
"""
import math

import numpy as np

from sim.model.mechanisms.care import care_demand_week, formal_hours_by_type_month, wlz_at_home
from sim.model.mechanisms.common import centi, rule, step
from sim.model.mechanisms.housing import C_ADAPT, GRAB_BARS, NONE as UNADAPTED, STEP_FREE, dwelling_needed
from sim.model.rng import uniform
from sim.model.state import (A, CRISIS, MOVE_STEP_FREE, MOVE_WHEELCHAIR, PATH_DWELLING, PATH_REFERRED_WLZ,
                             PATH_ZVW_LOST, STOCK_UNIT)

ROUTES = ("indication", "kitchen_table", "neighbourhood_team", "intake_voucher")
INDICATION, KITCHEN_TABLE, NEIGHBOURHOOD_TEAM, INTAKE_VOUCHER = range(4)
RESPONSES = ("waiting_list", "lower_hours", "stricter_access")
WAITING_LIST, LOWER_HOURS, STRICTER_ACCESS = range(3)
# what each route does when the budget binds, unless ``budget.response`` says otherwise (assumption:
# an entitlement cannot be cut, so the indication route queues; the kitchen table asks more of the
# network by a stricter door; a team and a voucher spread the budget over the clients' hours)
DEFAULT_RESPONSE = {"indication": "waiting_list", "kitchen_table": "stricter_access",
                    "neighbourhood_team": "lower_hours", "intake_voucher": "lower_hours"}
# who pays the route's running cost -> the cost line it lands in (sim.model.indicators)
ROUTE_PAYER_LINE = {"municipality": "wmo", "care_insurer": "zvw", "care_office": "wlz",
                    "housing_association": "investment"}

# resident states (field ``wmo_state``)
NONE, UNNOTICED, WAITING, SUPPORTED = 0, 1, 2, 3

# The month's access settings: one float64 row per cell, ``ax[cell, AX_*]`` (``settings``), so that an area
# can follow its own route with its own parameters (``access.areas``). The first columns are the month's
# (route active, intake and budget); then the cell's route, mandate and budget response; then the route
# parameters, the municipality's values or the area's (``AREA_PARAMETERS``).
(AX_ACTIVE, AX_INTAKE_RATIO, AX_BINDING, AX_BUDGET_RATIO, AX_ROUTE, AX_MANDATE, AX_RESPONSE) = range(7)
AREA_PARAMETERS = ("access_self_report_month", "access_team_notice_month", "access_visits_per_year",
                   "access_visit_signal", "access_no_mandate_lost", "access_assessment_months",
                   "access_network_first", "access_voucher_value_share", "access_strict_need",
                   "access_adaptation_share", "access_team_keeps_referrals", "access_no_mandate_nursing_gap")
(AX_SELF_REPORT, AX_TEAM_NOTICE, AX_VISITS, AX_VISIT_SIGNAL, AX_NO_MANDATE_LOST, AX_ASSESSMENT, AX_NETWORK_FIRST,
 AX_VOUCHER, AX_STRICT_NEED, AX_ADAPTATION, AX_TEAM_KEEPS, AX_NURSING_GAP) = range(7, 7 + len(AREA_PARAMETERS))
N_AX = 7 + len(AREA_PARAMETERS)

# what this mechanism owns: its random streams (fixed ids), resident fields, counters and the parameters it
# reads (the first three as literals: sim.model.declarations reads them to assemble rng.STREAM and state.STATE)
STREAMS = {"access_notice": 18, "access_intake": 19, "access_referral": 20, "access_adaptation": 21}
FIELDS = (
    ("wmo_state", "int8", 0, "NONE, UNNOTICED, WAITING or SUPPORTED (the way to Wmo support)"),
    ("wmo_months", "int16", 0, "months in that state"),
    ("wmo_since", "int16", 0, "months since the Wmo need arose"),
    ("wmo_path", "int8", 0, "bits PATH_*: a referral to the CIZ, a dwelling arranged, a nursing referral lost"),
)
COUNTERS = ("access_support_starts", "access_months_to_support", "access_unnoticed_months", "access_waiting_months",
            "access_intake_queue", "access_refused", "access_referrals_wlz", "access_referrals_zvw",
            "wmo_request_cents", "access_housing_mandates", "access_referrals_kept", "access_referrals_lost",
            "access_adaptations", "access_mandate_moves")
# (the route parameters an area may set for itself, and each route's running cost, are read by name)
PARAMETERS = ("adaptation_need", "need_threshold_vv4", "tariff_day_care_hour", "tariff_household_hour",
              "tariff_support_hour") + AREA_PARAMETERS + tuple(f"access_cost_{route}" for route in ROUTES)
(A_STARTS, A_MONTHS_TO_SUPPORT, A_UNNOTICED, A_WAITING, A_QUEUE, A_REFUSED, A_REF_WLZ, A_REF_ZVW, A_REQUEST,
 A_MANDATES, A_KEPT, A_LOST, A_ADAPTATIONS, A_MANDATE_MOVES) = (A[c] for c in COUNTERS)
A_ADAPT = A["adaptations"]   # housing.py's count of adaptations: one granted with support is one more
S_NOTICE, S_INTAKE = STREAMS["access_notice"], STREAMS["access_intake"]
S_REFERRAL, S_ADAPTATION = STREAMS["access_referral"], STREAMS["access_adaptation"]


@rule
def notice_probability_month(ax, c, visits_layer):
    """Chance that this month the route of cell ``c`` notices a resident's Wmo need."""
    route = int(ax[c, AX_ROUTE])
    if route == INDICATION:
        return 1.0
    missed = 1.0 - ax[c, AX_SELF_REPORT]                        # GP or the resident comes forward
    if route == NEIGHBOURHOOD_TEAM:
        visits = ax[c, AX_VISITS] if ax[c, AX_VISITS] > visits_layer else visits_layer
        missed *= 1.0 - ax[c, AX_TEAM_NOTICE]                   # the team's own signalling
        missed *= 1.0 - min(1.0, visits / 12.0) * ax[c, AX_VISIT_SIGNAL]   # a housing-association visit
    noticed = 1.0 - missed
    if route == NEIGHBOURHOOD_TEAM and ax[c, AX_MANDATE] == 0.0:
        noticed *= 1.0 - ax[c, AX_NO_MANDATE_LOST]              # lost in the handover to the desk
    return noticed


@rule
def assessment_months(ax, c):
    """Months from notice to the decision (at most the statutory 6 + 2 weeks)."""
    route = int(ax[c, AX_ROUTE])
    if route == INDICATION or (route == NEIGHBOURHOOD_TEAM and ax[c, AX_MANDATE] == 1.0):
        return 0.0
    return ax[c, AX_ASSESSMENT]


@rule
def kept_formal_share(ax, c, has_carer, network):
    """Share of the assessed Wmo hours given as formal support (the rest is asked of the network)."""
    if int(ax[c, AX_ROUTE]) == KITCHEN_TABLE and has_carer:
        return 1.0 - ax[c, AX_NETWORK_FIRST] * network
    return 1.0


@rule
def bought_share(ax, c, budget_ratio):
    """Share of the kept Wmo hours supplied to a supported client: the budget's ratio; with a voucher,
    hours = voucher value / the provider's one price (the rest goes unmet, not to the carer)."""
    if int(ax[c, AX_ROUTE]) == INTAKE_VOUCHER:
        return ax[c, AX_VOUCHER] * budget_ratio
    return budget_ratio


@rule
def referral_outcome(ax, c, u):
    """What becomes of a referral to specialist care at the decision: 0 referred, 1 kept in the team's own
    plan (a team with a mandate: Enschede, seed 002), 2 lost between two stools (a team without one, seed 001)."""
    if int(ax[c, AX_ROUTE]) == NEIGHBOURHOOD_TEAM:
        if ax[c, AX_MANDATE] == 1.0:
            return 1 if u < ax[c, AX_TEAM_KEEPS] else 0
        return 2 if u < ax[c, AX_NO_MANDATE_LOST] else 0
    return 0


@rule
def nursing_supplied_share(ax, c, state, path):
    """Share of a resident's personal care and nursing supplied: a team without a mandate that has noticed
    the need but not yet handed it over (waiting), or whose district-nursing referral was lost, leaves a
    share ``access_no_mandate_nursing_gap`` of it unarranged ('between two stools', seed 001)."""
    if int(ax[c, AX_ROUTE]) != NEIGHBOURHOOD_TEAM or ax[c, AX_MANDATE] == 1.0:
        return 1.0
    if state == WAITING or (path & PATH_ZVW_LOST) != 0:
        return 1.0 - ax[c, AX_NURSING_GAP]
    return 1.0


@rule
def wmo_hours_month(p, need, has_carer, ses, phys, cog):
    """(household help, support, day care) hours a month: the Wmo part of care.at_home's formal hours."""
    formal_w, informal_w = care_demand_week(p, need, has_carer, ses)
    h0, h1, h2, h3, h4 = formal_hours_by_type_month(p, formal_w, phys, cog, need, ses)
    return h0 + h1, h2, h3, h4


@rule
def wmo_cost(p, household, support, day_care):
    return household * p.tariff_household_hour + support * p.tariff_support_hour + day_care * p.tariff_day_care_hour


@step
def _refer(p, ax, c, st, i, pm, need, nursing, wmo, acc):
    """At the decision that starts support: the assessment refers a need of a Wlz package at home to the CIZ
    (its indication then comes through next month, packages.py) and a need that lies mainly in personal care
    and nursing to the district nurse (Zvw); the route decides whether the referral is made, kept in the
    team's own plan (the indication process then takes its usual course) or lost."""
    wlz_need = need >= p.need_threshold_vv4
    zvw_need = nursing > wmo
    if not (wlz_need or zvw_need):
        return
    outcome = 0
    if int(ax[c, AX_ROUTE]) != INDICATION:   # the indication route is the CIZ's own assessment: always referred
        outcome = referral_outcome(ax, c, uniform(pm, S_REFERRAL))
    if outcome == 1:
        acc[A_KEPT] += 1
        return
    if outcome == 2:
        acc[A_LOST] += 1
        if zvw_need:
            st.wmo_path[i] = st.wmo_path[i] | PATH_ZVW_LOST
        return
    if wlz_need:
        acc[A_REF_WLZ] += 1
        if int(ax[c, AX_ROUTE]) != INDICATION:
            st.wmo_path[i] = st.wmo_path[i] | PATH_REFERRED_WLZ
    if zvw_need:
        acc[A_REF_ZVW] += 1


@step
def month(p, L, ax, st, i, pm, need, has_right, acc):
    """Pass A, at home, after this month's decline, events and indication: the resident's way to Wmo support."""
    has_carer = st.carer[i] > 0
    nursing, household, support, day_care = wmo_hours_month(p, need, has_carer, st.ses[i], np.float64(st.phys[i]),
                                                            np.float64(st.cog[i]))
    wlz = wlz_at_home(p, has_right, st.sector[i], st.level[i])
    if wlz or household + support + day_care <= 0.0:
        st.wmo_state[i] = NONE
        st.wmo_months[i] = 0
        st.wmo_since[i] = 0
        st.wmo_path[i] = st.wmo_path[i] & PATH_DWELLING   # a referral lost ends with the need
        return
    c = st.cell[i]
    state = st.wmo_state[i]
    if ax[c, AX_ACTIVE] == 0.0:                  # before the route: AWBZ support from the month need arises
        state = SUPPORTED
    elif state == NONE:                          # a new Wmo need
        state = UNNOTICED
        st.wmo_months[i] = 0
        st.wmo_since[i] = 0
    else:
        st.wmo_months[i] += 1
        if state != SUPPORTED:
            st.wmo_since[i] += 1
    if state == UNNOTICED and uniform(pm, S_NOTICE) < notice_probability_month(ax, c, L.visits[c]):
        state = WAITING
        st.wmo_months[i] = 0
    if state == WAITING and st.wmo_months[i] >= assessment_months(ax, c):
        binding = ax[c, AX_BINDING] > 0.0
        response = int(ax[c, AX_RESPONSE])
        if binding and response == STRICTER_ACCESS and need < ax[c, AX_STRICT_NEED]:
            state = UNNOTICED                   # refused: the need stays, the resident may come back
            st.wmo_months[i] = 0
            acc[A_REFUSED] += 1
        elif not (binding and response == WAITING_LIST):
            acc[A_QUEUE] += 1
            if uniform(pm, S_INTAKE) < ax[c, AX_INTAKE_RATIO]:
                state = SUPPORTED
                acc[A_STARTS] += 1
                acc[A_MONTHS_TO_SUPPORT] += st.wmo_since[i]
                _refer(p, ax, c, st, i, pm, need, nursing, household + support + day_care, acc)
                st.wmo_months[i] = 0
                st.wmo_since[i] = 0
    st.wmo_state[i] = state
    if state == SUPPORTED:
        keep = 1.0
        if ax[c, AX_ACTIVE] > 0.0:
            keep = kept_formal_share(ax, c, has_carer, np.float64(st.network[i])) * bought_share(ax, c, 1.0)
        acc[A_REQUEST] += centi(wmo_cost(p, household * keep, support * keep, day_care * keep))
    elif state == WAITING:
        acc[A_WAITING] += 1
    else:
        acc[A_UNNOTICED] += 1


@step
def granted(p, ax, st, i):
    """Pass B, at home, before care.at_home: (share of the Wmo hours kept formal, share of those supplied,
    share of the personal care and nursing supplied). (1.0, 1.0, 1.0) leaves care.at_home as it was (the
    indication route without a budget)."""
    c = st.cell[i]
    if st.wmo_state[i] == NONE:
        return 1.0, 1.0, 1.0     # no Wmo need, or a Wlz client
    if ax[c, AX_ACTIVE] == 0.0:
        return 1.0, 1.0, 1.0     # before the route (and its budget): as the baseline
    nursing = nursing_supplied_share(ax, c, st.wmo_state[i], st.wmo_path[i])
    if st.wmo_state[i] != SUPPORTED:
        return 1.0, 0.0, nursing  # not (yet) noticed or waiting: the Wmo hours go unmet
    return (kept_formal_share(ax, c, st.carer[i] > 0, np.float64(st.network[i])),
            bought_share(ax, c, ax[c, AX_BUDGET_RATIO]), nursing)


@step
def housing(p, ax, st, i, pm, need, acc, cell_acc):
    """Pass B, at home, after housing.month: what the route grants for the home when support starts.

    A route that assesses the whole situation (kitchen table, team, desk; not the fixed-entitlement
    indication) grants a Wmo home adaptation to a share ``access_adaptation_share`` of its new clients whose
    need calls for one in an unadapted dwelling. The team's or intake worker's mandate over housing arranges
    the move to the adapted dwelling the need calls for, when support starts or in a crisis; the arranged
    dwelling stays asked for (each month, after housing.month's own wish) until the move is made, the need
    for it is gone or the mandate ends."""
    c = st.cell[i]
    if ax[c, AX_ACTIVE] == 0.0:
        return
    kind = dwelling_needed(p, need)
    if st.wmo_path[i] & PATH_DWELLING:             # a dwelling arranged earlier
        if ax[c, AX_MANDATE] == 0.0 or kind <= st.dwelling[i]:
            st.wmo_path[i] = st.wmo_path[i] - PATH_DWELLING
            if ax[c, AX_MANDATE] != 0.0 and st.dwelling[i] >= kind and st.flags[i] & STOCK_UNIT:
                acc[A_MANDATE_MOVES] += 1         # moved into the adapted unit arranged
        elif not st.flags[i] & (MOVE_STEP_FREE | MOVE_WHEELCHAIR):
            st.flags[i] = st.flags[i] | np.uint8(MOVE_STEP_FREE if kind == STEP_FREE else MOVE_WHEELCHAIR)
    if st.wmo_state[i] != SUPPORTED:
        return
    starts = st.wmo_months[i] == 0
    if starts and int(ax[c, AX_ROUTE]) != INDICATION and st.dwelling[i] == UNADAPTED and need >= p.adaptation_need:
        if uniform(pm, S_ADAPTATION) < ax[c, AX_ADAPTATION]:
            st.dwelling[i] = GRAB_BARS
            acc[A_ADAPT] += 1
            acc[A_ADAPTATIONS] += 1
            cell_acc[c, C_ADAPT] += 1
    if ax[c, AX_MANDATE] == 0.0 or not (starts or (st.flags[i] & CRISIS) != 0):
        return
    if kind > st.dwelling[i] and not st.wmo_path[i] & PATH_DWELLING:
        if not st.flags[i] & (MOVE_STEP_FREE | MOVE_WHEELCHAIR):
            st.flags[i] = st.flags[i] | np.uint8(MOVE_STEP_FREE if kind == STEP_FREE else MOVE_WHEELCHAIR)
        st.wmo_path[i] = st.wmo_path[i] | PATH_DWELLING
        acc[A_MANDATES] += 1


# --- the municipality: settings of the month and the Wmo budget (plain Python, run by the model) -------------
def route_of(scenario: dict) -> dict:
    """The scenario's access block, or the default route when it has none."""
    return scenario.get("access") or {"route": "indication", "from_year": 2015, "team_mandate": True,
                                      "intake_per_1000_month": None, "payer": "municipality"}


def running_cost_per_inhabitant(p, access: dict) -> float:
    """The route's running cost per inhabitant (``access_cost_<route>``; an area's block may set its own)."""
    name = f"access_cost_{access['route']}"
    return float((access.get("parameters") or {}).get(name, getattr(p, name)))


def has_mandate(access: dict) -> int:
    route = access["route"]
    return int(route == "intake_voucher" or (route == "neighbourhood_team" and access["team_mandate"]))


def area_blocks(scenario: dict) -> list:
    """[(access block of the area, its cells)] of ``access.areas`` (the area's keys over the municipality's)."""
    access = route_of(scenario)
    out = []
    for name, block in (access.get("areas") or {}).items():
        merged = dict(access, route=block["route"], team_mandate=block["team_mandate"],
                      parameters=dict(block.get("parameters") or {}))
        out.append((merged, scenario["areas"][name]))
    return out


def cell_rows(scenario: dict, p, budget_cfg) -> np.ndarray:
    """The static columns of ``ax``: every cell's route, mandate, budget response and route parameters."""
    grid = scenario["municipality"]["grid"]
    height = int(grid["height"])
    ax = np.zeros((int(grid["width"]) * height, N_AX))

    def fill(idx, access):
        response = (budget_cfg or {}).get("response") or DEFAULT_RESPONSE[access["route"]]
        ax[idx, AX_ROUTE] = ROUTES.index(access["route"])
        ax[idx, AX_MANDATE] = has_mandate(access)
        ax[idx, AX_RESPONSE] = RESPONSES.index(response)
        own = access.get("parameters") or {}
        for k, name in enumerate(AREA_PARAMETERS):
            ax[idx, AX_SELF_REPORT + k] = float(own.get(name, getattr(p, name)))

    fill(slice(None), route_of(scenario))
    for access, cells in area_blocks(scenario):
        fill(np.array([x * height + y for x, y in cells], dtype=np.int64), access)
    return ax


class WmoBudget:
    """The yearly Wmo budget for care at home plus the municipality's route cost, and the monthly ratio that
    keeps spending within it.

    ``budget: {wmo_per_inhabitant: EUR}`` gives it directly; ``budget: {cut: c}`` is (1 - c) times the
    spending per inhabitant on the same care (household help, begeleiding, day care of non-Wlz clients,
    at the Wmo tariffs) in the year before ``from_year``, the AWBZ volume the municipality took over.
    Each month the hours it can still pay are (budget left - route cost of the months left) / months
    left; the ratio is that over the month's asked cost (``wmo_request_cents``, before the neighbourhood
    team's supply ratio, so spending is at most the budget)."""

    def __init__(self, scenario: dict, params, inhabitants_by_cell=None):
        self.p = params
        self.cfg = scenario.get("budget")
        self.access = route_of(scenario)
        self.cells = cell_rows(scenario, params, self.cfg)   # ax's static columns, one row per cell
        # running cost per inhabitant: the municipality's route, or each area's route for its share of the
        # inhabitants (``inhabitants_by_cell``: the neighbourhoods' layer)
        self.cost_per_inhabitant = running_cost_per_inhabitant(params, self.access)
        blocks = area_blocks(scenario)
        if blocks:
            n = len(self.cells)
            share = np.full(n, 1.0 / n) if inhabitants_by_cell is None else \
                np.asarray(inhabitants_by_cell, dtype=np.float64) / float(np.sum(inhabitants_by_cell))
            cost = np.full(n, self.cost_per_inhabitant)
            height = int(scenario["municipality"]["grid"]["height"])
            for access, cells in blocks:
                cost[[x * height + y for x, y in cells]] = running_cost_per_inhabitant(params, access)
            self.cost_per_inhabitant = float(np.sum(share * cost))
        self.from_month = 12 * int(self.access["from_year"])
        self.reference_per_capita = None
        self.budget = math.nan        # this year's, euros
        self.spent = 0.0              # this year's, euros
        self.binding = False

    def route_cost_year(self, year: int, inhabitants: float) -> float:
        if year < int(self.access["from_year"]):
            return 0.0
        return self.cost_per_inhabitant * inhabitants

    def _charged_route_cost_year(self, year, inhabitants):
        return self.route_cost_year(year, inhabitants) if self.access["payer"] == "municipality" else 0.0

    def start_year(self, year: int, inhabitants: float):
        self.year, self.inhabitants, self.spent = year, inhabitants, 0.0
        self.budget = math.nan
        if self.cfg is not None and year >= int(self.cfg["from_year"]):
            if self.cfg["wmo_per_inhabitant"] is not None:
                self.budget = float(self.cfg["wmo_per_inhabitant"]) * inhabitants
            else:
                self.budget = (1.0 - float(self.cfg["cut"])) * self.reference_per_capita * inhabitants

    def ratio(self, month: int, request_cents: int) -> float:
        """The share of the asked Wmo hours the budget pays this month (1.0 without a binding budget)."""
        if math.isnan(self.budget):
            self.binding = False
            return 1.0
        months_left = 12 - month
        route = self._charged_route_cost_year(self.year, self.inhabitants) / 12.0
        available = (self.budget - self.spent) / months_left - route
        r = 1.0 if request_cents <= 0 else min(1.0, max(0.0, available / (request_cents / 100.0)))
        self.binding = r < 1.0
        return r

    def add_month(self, totals_month: dict) -> None:
        self.spent += envelope_care_cost(totals_month, self.p) + \
            self._charged_route_cost_year(self.year, self.inhabitants) / 12.0

    def close_year(self, year: int, totals: dict, inhabitants: float) -> dict:
        """What the indicators need of the route and the budget this year (``yearly_indicators(access=...)``)."""
        spending = envelope_care_cost(totals, self.p) + self._charged_route_cost_year(year, inhabitants)
        if self.cfg is not None and year == int(self.cfg["from_year"]) - 1:
            self.reference_per_capita = envelope_care_cost(totals, self.p) / inhabitants
        return {"route_cost": self.route_cost_year(year, inhabitants),
                "route_payer": ROUTE_PAYER_LINE[self.access["payer"]],
                "budget": self.budget, "spending": spending}


ENVELOPE = ("wmo_household_help_c", "wmo_support_c", "day_care_c")
ENVELOPE_TARIFFS = ("tariff_household_hour", "tariff_support_hour", "tariff_day_care_hour")


def envelope_care_cost(totals, p) -> float:
    """Euros of the care at home under the Wmo budget (non-Wlz household help, support, day care); ``totals``:
    a mapping of accumulator name to integer hundredths of hours."""
    return sum(totals[name] / 100.0 * getattr(p, tariff) for name, tariff in zip(ENVELOPE, ENVELOPE_TARIFFS))


def settings(budget: WmoBudget, month_abs: int, intake_ratio: float, budget_ratio: float, binding: bool) -> np.ndarray:
    """The float64 array ``ax[cell, AX_*]`` the passes read: the cells' routes and parameters, and the month's
    route start, intake ratio and budget."""
    ax = budget.cells.copy()
    ax[:, AX_ACTIVE] = 1.0 if month_abs >= budget.from_month else 0.0
    ax[:, AX_INTAKE_RATIO] = intake_ratio
    ax[:, AX_BINDING] = 1.0 if binding else 0.0
    ax[:, AX_BUDGET_RATIO] = budget_ratio
    return ax


def intake_ratio(access: dict, inhabitants: float, queue_last_month: int) -> float:
    """The intake's monthly capacity over last month's queue (1.0: no limit or no queue)."""
    cap = access.get("intake_per_1000_month")
    if cap is None or queue_last_month <= 0:
        return 1.0
    return min(1.0, float(cap) * inhabitants / 1000.0 / queue_last_month)
