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
their support: the transitional right). Pass A (``month``) moves the states and asks the month's Wmo
cost of the supported; between the passes the model's ``WmoBudget`` turns it into the budget ratio;
pass B (``granted``) gives care.at_home the share of Wmo hours kept formal (the rest asked of the carer)
and the share of those supplied (0 while unnoticed or waiting; the voucher's hours; the budget's ratio), and
``housing_mandate`` sets a move wish where the route's worker arranges a dwelling.

Budget (``budget:``): the yearly Wmo budget for care at home plus the municipality's route cost cannot
be exceeded. When it binds (last month's ratio below 1) the route's response acts on new clients
(``waiting_list``: no new starts; ``stricter_access``: no new starts below ``access_strict_need``);
``lower_hours`` (and, as every route's last resort, the budget ratio itself) lowers the hours of the
supported, so spending stays within the budget.

Draws: ``access_notice``, ``access_intake``. Sources: seeds 000/001 (DOMAIN.md §4), Wmo 2015 art. 2.3.2
(investigation within 6 weeks of a notification) and 2.3.5 (decision within 2 weeks of a request).
"""
import math

import numpy as np

from sim.model.mechanisms.care import care_demand_week, formal_hours_by_type_month, wlz_at_home
from sim.model.mechanisms.common import centi, rule, step
from sim.model.mechanisms.housing import STEP_FREE, dwelling_needed
from sim.model.rng import STREAM, uniform
from sim.model.state import A, CRISIS, MOVE_STEP_FREE, MOVE_WHEELCHAIR

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

# the month's access settings, one float64 array ``ax`` built by the model (``settings``)
(AX_ROUTE, AX_ACTIVE, AX_MANDATE, AX_INTAKE_RATIO, AX_BINDING, AX_RESPONSE, AX_BUDGET_RATIO) = range(7)
N_AX = 7

STREAMS = ("access_notice", "access_intake")
COUNTERS = ("access_support_starts", "access_months_to_support", "access_unnoticed_months", "access_waiting_months",
            "access_intake_queue", "access_refused", "access_referrals_wlz", "access_referrals_zvw",
            "wmo_request_cents", "access_housing_mandates")
(A_STARTS, A_MONTHS_TO_SUPPORT, A_UNNOTICED, A_WAITING, A_QUEUE, A_REFUSED, A_REF_WLZ, A_REF_ZVW, A_REQUEST,
 A_MANDATES) = (A[c] for c in COUNTERS)
S_NOTICE, S_INTAKE = STREAM["access_notice"], STREAM["access_intake"]


@rule
def notice_probability_month(p, route, mandate, visits_layer):
    """Chance that this month the route notices a resident's Wmo need."""
    if route == INDICATION:
        return 1.0
    missed = 1.0 - p.access_self_report_month                  # GP or the resident comes forward
    if route == NEIGHBOURHOOD_TEAM:
        visits = p.access_visits_per_year if p.access_visits_per_year > visits_layer else visits_layer
        missed *= 1.0 - p.access_team_notice_month             # the team's own signalling
        missed *= 1.0 - min(1.0, visits / 12.0) * p.access_visit_signal   # a housing-association visit
    noticed = 1.0 - missed
    if route == NEIGHBOURHOOD_TEAM and mandate == 0:
        noticed *= 1.0 - p.access_no_mandate_lost              # lost in the handover to the desk
    return noticed


@rule
def assessment_months(p, route, mandate):
    """Months from notice to the decision (at most the statutory 6 + 2 weeks)."""
    if route == INDICATION or (route == NEIGHBOURHOOD_TEAM and mandate == 1):
        return 0.0
    return p.access_assessment_months


@rule
def kept_formal_share(p, route, has_carer, network):
    """Share of the assessed Wmo hours given as formal support (the rest is asked of the network)."""
    if route == KITCHEN_TABLE and has_carer:
        return 1.0 - p.access_network_first * network
    return 1.0


@rule
def bought_share(p, route, budget_ratio):
    """Share of the kept Wmo hours supplied to a supported client: the budget's ratio; with a voucher,
    hours = voucher value / the provider's one price (the rest goes unmet, not to the carer)."""
    if route == INTAKE_VOUCHER:
        return p.access_voucher_value_share * budget_ratio
    return budget_ratio


@rule
def wmo_hours_month(p, need, has_carer, ses, phys, cog):
    """(household help, support, day care) hours a month: the Wmo part of care.at_home's formal hours."""
    formal_w, informal_w = care_demand_week(p, need, has_carer, ses)
    h0, h1, h2, h3, h4 = formal_hours_by_type_month(p, formal_w, phys, cog, need)
    return h0 + h1, h2, h3, h4


@rule
def wmo_cost(p, household, support, day_care):
    return household * p.tariff_household_hour + support * p.tariff_support_hour + day_care * p.tariff_day_care_hour


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
        return
    route = int(ax[AX_ROUTE])
    state = st.wmo_state[i]
    if ax[AX_ACTIVE] == 0.0:                     # before the route: AWBZ support from the month need arises
        state = SUPPORTED
    elif state == NONE:                          # a new Wmo need
        state = UNNOTICED
        st.wmo_months[i] = 0
        st.wmo_since[i] = 0
    else:
        st.wmo_months[i] += 1
        if state != SUPPORTED:
            st.wmo_since[i] += 1
    if state == UNNOTICED and uniform(pm, S_NOTICE) < notice_probability_month(p, route, ax[AX_MANDATE],
                                                                               L.visits[st.cell[i]]):
        state = WAITING
        st.wmo_months[i] = 0
    if state == WAITING and st.wmo_months[i] >= assessment_months(p, route, ax[AX_MANDATE]):
        binding = ax[AX_BINDING] > 0.0
        response = int(ax[AX_RESPONSE])
        if binding and response == STRICTER_ACCESS and need < p.access_strict_need:
            state = UNNOTICED                   # refused: the need stays, the resident may come back
            st.wmo_months[i] = 0
            acc[A_REFUSED] += 1
        elif not (binding and response == WAITING_LIST):
            acc[A_QUEUE] += 1
            if uniform(pm, S_INTAKE) < ax[AX_INTAKE_RATIO]:
                state = SUPPORTED
                acc[A_STARTS] += 1
                acc[A_MONTHS_TO_SUPPORT] += st.wmo_since[i]
                # referrals from the assessment: a need of a Wlz package at home (to the CIZ); a need that
                # lies mainly in personal care and nursing (to the district nurse, Zvw)
                if need >= p.need_threshold_vv4:
                    acc[A_REF_WLZ] += 1
                if nursing > household + support + day_care:
                    acc[A_REF_ZVW] += 1
                st.wmo_months[i] = 0
                st.wmo_since[i] = 0
    st.wmo_state[i] = state
    if state == SUPPORTED:
        keep = 1.0
        if ax[AX_ACTIVE] > 0.0:
            keep = kept_formal_share(p, route, has_carer, np.float64(st.network[i])) * bought_share(p, route, 1.0)
        acc[A_REQUEST] += centi(wmo_cost(p, household * keep, support * keep, day_care * keep))
    elif state == WAITING:
        acc[A_WAITING] += 1
    else:
        acc[A_UNNOTICED] += 1


@step
def granted(p, ax, st, i):
    """Pass B, at home, before care.at_home: (share of the Wmo hours kept formal, share of those supplied).
    (1.0, 1.0) leaves care.at_home as it was (the indication route without a budget)."""
    if st.wmo_state[i] == NONE:
        return 1.0, 1.0          # no Wmo need, or a Wlz client
    if ax[AX_ACTIVE] == 0.0:
        return 1.0, 1.0          # before the route (and its budget): as the baseline
    if st.wmo_state[i] != SUPPORTED:
        return 1.0, 0.0          # not (yet) noticed or waiting: the Wmo hours go unmet
    route = int(ax[AX_ROUTE])
    return kept_formal_share(p, route, st.carer[i] > 0, np.float64(st.network[i])), bought_share(p, route, ax[AX_BUDGET_RATIO])


@step
def housing_mandate(p, ax, st, i, need, acc):
    """Pass B, at home, after housing.month: the team's or intake worker's mandate over housing arranges
    the move to an adapted dwelling, when support starts or in a crisis."""
    if ax[AX_MANDATE] == 0.0 or ax[AX_ACTIVE] == 0.0 or st.wmo_state[i] != SUPPORTED:
        return
    if st.wmo_months[i] != 0 and (st.flags[i] & CRISIS) == 0:
        return
    kind = dwelling_needed(p, need)
    if kind > st.dwelling[i] and not st.flags[i] & (MOVE_STEP_FREE | MOVE_WHEELCHAIR):
        st.flags[i] = st.flags[i] | np.uint8(MOVE_STEP_FREE if kind == STEP_FREE else MOVE_WHEELCHAIR)
        acc[A_MANDATES] += 1


# --- the municipality: settings of the month and the Wmo budget (plain Python, run by the model) -------------
def route_of(scenario: dict) -> dict:
    """The scenario's access block, or the default route when it has none."""
    return scenario.get("access") or {"route": "indication", "from_year": 2015, "team_mandate": True,
                                      "intake_per_1000_month": None, "payer": "municipality"}


def running_cost_per_inhabitant(p, access: dict) -> float:
    return float(getattr(p, f"access_cost_{access['route']}"))


def has_mandate(access: dict) -> int:
    route = access["route"]
    return int(route == "intake_voucher" or (route == "neighbourhood_team" and access["team_mandate"]))


class WmoBudget:
    """The yearly Wmo budget for care at home plus the municipality's route cost, and the monthly ratio that
    keeps spending within it.

    ``budget: {wmo_per_inhabitant: EUR}`` gives it directly; ``budget: {cut: c}`` is (1 - c) times the
    spending per inhabitant on the same care (household help, begeleiding, day care of non-Wlz clients,
    at the Wmo tariffs) in the year before ``from_year``, the AWBZ volume the municipality took over.
    Each month the hours it can still pay are (budget left - route cost of the months left) / months
    left; the ratio is that over the month's asked cost (``wmo_request_cents``, before the neighbourhood
    team's supply ratio, so spending is at most the budget)."""

    def __init__(self, scenario: dict, params):
        self.p = params
        self.cfg = scenario.get("budget")
        self.access = route_of(scenario)
        self.from_month = 12 * int(self.access["from_year"])
        self.reference_per_capita = None
        self.budget = math.nan        # this year's, euros
        self.spent = 0.0              # this year's, euros
        self.binding = False

    def route_cost_year(self, year: int, inhabitants: float) -> float:
        if year < int(self.access["from_year"]):
            return 0.0
        return running_cost_per_inhabitant(self.p, self.access) * inhabitants

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
    """The float64 array ``ax`` the passes read (AX_* above)."""
    access = budget.access
    response = (budget.cfg or {}).get("response") or DEFAULT_RESPONSE[access["route"]]
    ax = np.zeros(N_AX)
    ax[AX_ROUTE] = ROUTES.index(access["route"])
    ax[AX_ACTIVE] = 1.0 if month_abs >= budget.from_month else 0.0
    ax[AX_MANDATE] = has_mandate(access)
    ax[AX_INTAKE_RATIO] = intake_ratio
    ax[AX_BINDING] = 1.0 if binding else 0.0
    ax[AX_RESPONSE] = RESPONSES.index(response)
    ax[AX_BUDGET_RATIO] = budget_ratio
    return ax


def intake_ratio(access: dict, inhabitants: float, queue_last_month: int) -> float:
    """The intake's monthly capacity over last month's queue (1.0: no limit or no queue)."""
    cap = access.get("intake_per_1000_month")
    if cap is None or queue_last_month <= 0:
        return 1.0
    return min(1.0, float(cap) * inhabitants / 1000.0 / queue_last_month)
