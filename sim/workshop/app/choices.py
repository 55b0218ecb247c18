"""What the app offers to choose: the indicators of the time series, the map's values, the access routes, the
alarm times; and which direction of each key outcome is better."""
from __future__ import annotations

from sim.model.blocks import block
from sim.model.indicators import COST_PAYERS, cost_indicator
from sim.workshop.outcomes import KEY_INDICATORS

MONTHS_KM = "months_at_home_km"                         # sim.analysis.compare.MONTHS_KM
MONTHS_SPELLS = "months_independent_after_indication"   # the mean of the spells that ended (a yearly indicator)
# the access route's indicators, selectable in the time series: months from need to support,
# people waiting, and Wmo spending against the budget
ROUTE_INDICATORS = ("months_from_need_to_support", "wmo_waiting_per_1000", "wmo_need_unnoticed_per_1000",
                    "wmo_budget_per_capita", "wmo_capped_spending_per_capita", "wmo_spending_over_budget_share",
                    "cost_access_route_per_capita")
ROUTES = ("indication", "kitchen_table", "neighbourhood_team", "intake_voucher")   # sim.model.mechanisms.access
# the map's per-neighbourhood values
MAP_VALUES = ("unmet_need_share", "hours_unmet", "hours_needed", "falls", "residents_65plus", "wsg")
SERIES_CHOICES = tuple(dict.fromkeys(KEY_INDICATORS + (
    "intramural_residents_per_1000", "extramuralised_clients_per_1000", "wellbeing_mean_clients",
    "mantelzorg_hours_per_1000", "carer_breakdowns_per_1000", "moved_to_adapted_dwelling_per_1000",
    ) + tuple(cost_indicator(p) for p in COST_PAYERS) + ROUTE_INDICATORS))
ALARM_CHOICES = block("care_on_call").lever.choices   # minutes; 0: as in the scenario
# +1: higher is better for the people (or cheaper for the payers: -1 on costs)
DIRECTION = {"months_independent_after_indication": 1, "share_75plus_independent": 1, "unmet_need_share": -1,
             "intramural_admissions_per_1000": -1, "falls_per_1000_65plus": -1,
             "hospital_admissions_per_1000_65plus": -1, "carers_overburdened_share": -1,
             "alarm_response_within_target_share": 1, "cost_total_per_capita": -1, MONTHS_KM: 1,
             "months_from_need_to_support": -1, "wmo_waiting_per_1000": -1, "wmo_need_unnoticed_per_1000": -1,
             "wmo_spending_over_budget_share": -1}


def years_text(window) -> str:
    """'2016–2020'."""
    return f"{window[0]}–{window[1]}"

