"""Yearly indicators (the contract of INDICATORS.md) from one year's integer totals.

Both implementations (kernel and Mesa reference) produce the same totals; this module is the only
place that turns them into indicator values, so the two cannot differ here.
"""
from __future__ import annotations

import math

from sim.model.mechanisms.care import CARE_TYPES, payer_of
from sim.model.mechanisms.policy import GGZ_TO_WMO_YEAR

# the catalogue of INDICATORS.md, in its order, then the indicators this model adds
CATALOGUE = (
    "pop_65plus_share", "pop_75plus_share", "pop_80plus_share", "mortality_rate_65plus", "mortality_rate_80plus",
    "share_75plus_independent", "intramural_places_per_80plus", "intramural_residents_per_80plus",
    "intramural_residents_per_1000", "intramural_admissions_per_1000", "wlz_clients_at_home_share",
    "extramuralised_clients_per_1000", "decedents_80plus_intramural_at_death",
    "decedents_80plus_intramural_2y_before_death", "limitation_prevalence_65_74", "limitation_prevalence_75_84",
    "limitation_prevalence_85plus", "falls_per_1000_65plus", "hospital_admissions_per_1000_65plus",
    "wellbeing_mean_clients", "wmo_household_help_share_75_84", "wmo_household_help_share_85plus",
    "hours_home_care_per_1000", "hours_district_nursing_per_1000", "hours_wmo_support_per_1000",
    "hours_day_care_per_1000", "hours_respite_per_1000", "unmet_need_share", "alarm_calls_per_1000",
    "alarm_response_within_target_share", "mantelzorg_hours_per_1000", "carers_over_8h_share",
    "carers_overburdened_share", "carer_breakdowns_per_1000", "cost_wlz_per_capita", "cost_wmo_per_capita",
    "cost_zvw_per_capita", "cost_investment_per_capita", "cost_total_per_capita",
    "months_independent_after_indication", "moved_to_adapted_dwelling_per_1000",
)
SECTOR_NAMES = ("VV", "VG", "LG", "ZG", "GGZ")
# the indicators this model adds, by what they describe (INDICATORS keeps this order: it is the output's order)
# places, admissions, hours by kind and payer, inhabitants, and package holders by place and sector
PLACES_HOURS_AND_CLIENTS = (
    "intramural_places_vv_per_80plus", "intramural_admissions_cut_packages_per_1000", "hours_household_help_per_1000",
    "home_adaptations_per_1000", "hours_wlz_per_1000", "hours_wmo_per_1000", "hours_zvw_per_1000",
    "inhabitants") + tuple(f"clients_{where}_{s}_per_1000" for where in ("home", "institution") for s in SECTOR_NAMES)
# the waiting list for a place
WAITING_LIST = ("waiting_list_per_1000", "waiting_list_vv_per_1000", "waiting_months_mean",
                "admission_waiting_months_mean", "waiting_list_vv_active_per_1000", "waiting_list_vv_precaution_per_1000")
# who leaves, and how: deaths in nursing homes, younger clients' exits, widowhood
DEATHS_AND_EXITS = ("mortality_rate_nursing_home", "clients_young_sectors_per_1000", "young_client_exits_per_1000",
                    "widowed_per_1000")
# informal care: the hours a carer cannot give, unmet need with them, the carers of package holders
INFORMAL_CARE = ("informal_shortfall_share", "unmet_need_total_share", "unmet_need_reported_share",
                 "carers_of_clients_over_8h_share",
                 "carers_of_clients_overburdened_share")
# the care network, counted as SCP/CBS count carers (July: every main carer and secondary helper giving hours)
CARE_NETWORK = ("carers_per_1000", "carers_main_share", "carers_long_share", "carers_cbs_over_8h_share",
                "informal_help_75plus_share", "informal_help_65_74_share", "informal_hours_per_receiver_week",
                "carer_hours_week_mean")
# counted as national statistics count them (VWS's wijkverpleging, the Kamerbrief 2013, CBS's Wlz clients), to
# compare with calibration/targets.csv
AS_NATIONAL_STATISTICS = ("cost_zvw_district_nursing_per_capita", "extramuralised_admission_need_per_1000",
                          "intramural_vv_low_package_share", "wlz_clients_per_1000", "wlz_clients_at_home_vg_per_1000",
                          "clients_institution_vv_heavy_per_1000", "wlz_care_at_home_share")
# the access route and the Wmo budget (mechanisms/access.py), then what the route does with referrals, adaptations
# and dwellings; cost_access_route_per_capita is the route's running cost, which is also inside its payer's cost
# line (cost_wmo_per_capita for a municipality's route)
ACCESS_ROUTE = ("months_from_need_to_support", "wmo_support_starts_per_1000", "wmo_waiting_per_1000",
                "wmo_need_unnoticed_per_1000", "wmo_refused_per_1000", "referrals_wlz_per_1000",
                "referrals_zvw_per_1000", "housing_arranged_by_mandate_per_1000", "wmo_budget_per_capita",
                "wmo_capped_spending_per_capita", "wmo_spending_over_budget_share", "cost_access_route_per_capita",
                "referrals_kept_by_team_per_1000", "referrals_lost_per_1000", "wmo_adaptations_granted_per_1000",
                "moves_arranged_by_mandate_per_1000", "hours_nursing_between_stools_per_1000")
# the Wlz line split as VWS's Wlz accounts split it (ouderenzorg, gehandicaptenzorg, care at home), to
# compare each part with the national accounts (calibration/targets.csv)
WLZ_PARTS = ("cost_wlz_institution_vv_per_capita", "cost_wlz_institution_disability_per_capita",
             "cost_wlz_at_home_per_capita")
INDICATORS = (CATALOGUE + PLACES_HOURS_AND_CLIENTS + WAITING_LIST + DEATHS_AND_EXITS + INFORMAL_CARE + CARE_NETWORK
              + AS_NATIONAL_STATISTICS + ACCESS_ROUTE + WLZ_PARTS)
# cost indicators that are a part of a payer's line, not a payer's own
COST_PARTS = ("cost_access_route_per_capita", "cost_zvw_district_nursing_per_capita") + WLZ_PARTS
# Who pays. The care hours and their costs go to three schemes (the keys ``care.payer_of`` returns);
# ``cost_<key>_per_capita`` is a cost indicator for each of COST_PAYERS. An investment is paid by the
# organisation its scenario names (``cost.payer``, one of INVESTMENT_PAYERS). Labels, and which
# organisation pays which scheme's care, are in sim.workshop.labels.PAYERS.
WLZ, WMO, ZVW, INVESTMENT = "wlz", "wmo", "zvw", "investment"
CARE_PAYERS = (WLZ, WMO, ZVW)
COST_PAYERS = CARE_PAYERS + (INVESTMENT,)
INVESTMENT_PAYERS = ("municipality", "housing_association", "care_insurer", "care_office")


def cost_indicator(payer: str) -> str:
    """The cost indicator of a key of COST_PAYERS: euros per inhabitant per year."""
    return f"cost_{payer}_per_capita"


TARIFF = {"home_care": "tariff_home_care_hour", "district_nursing": "tariff_nursing_hour",
          "wmo_household_help": "tariff_household_hour", "wmo_support": "tariff_support_hour",
          "day_care": "tariff_day_care_hour", "respite": "tariff_respite_hour"}


def _ratio(a, b):
    return a / b if b else math.nan


def yearly_indicators(t: dict, year: int, p, inhabitants: float, places: float, places_vv: float,
                      investment: float, access: dict | None = None) -> dict:
    """``t``: the year's integer totals by accumulator name (hours and money in hundredths); ``access``:
    the route's running cost and payer line, the Wmo budget and the spending under it, euros
    (``access.WmoBudget.close_year``; none: no route cost, no budget)."""
    access = access or {"route_cost": 0.0, "route_payer": WMO, "budget": math.nan, "spending": math.nan}
    per_1000 = 1000.0 / inhabitants
    values = {"inhabitants": inhabitants}
    values.update(_population_and_health(t, inhabitants, per_1000))
    values.update(_institutions_and_packages(t, per_1000, places, places_vv))
    values.update(_care_hours(t, per_1000))
    values.update(_carers(t, per_1000))
    values.update(_money(t, year, p, inhabitants, investment, access))
    values.update(_access_route(t, per_1000))
    return {name: float(values[name]) for name in INDICATORS}


def _population_and_health(t: dict, inhabitants: float, per_1000: float) -> dict:
    """Ages, deaths, limitations, falls, hospital admissions, well-being, widowhood."""
    return {
        "pop_65plus_share": t["n65"] / inhabitants,
        "pop_75plus_share": t["n75"] / inhabitants,
        "pop_80plus_share": t["n80"] / inhabitants,
        "mortality_rate_65plus": _ratio(t["deaths_65plus"], t["n65"]),
        "mortality_rate_80plus": _ratio(t["deaths_80plus"], t["n80"]),
        "share_75plus_independent": _ratio(t["n75_home"], t["n75"]),
        "limitation_prevalence_65_74": _ratio(t["lim65_74"], t["n65_74"]),
        "limitation_prevalence_75_84": _ratio(t["lim75_84"], t["n75_84"]),
        "limitation_prevalence_85plus": _ratio(t["lim85"], t["n85"]),
        "falls_per_1000_65plus": _ratio(1000.0 * t["falls_65plus"], t["n65"]),
        "hospital_admissions_per_1000_65plus": _ratio(1000.0 * t["hospital_65plus"], t["n65"]),
        "wellbeing_mean_clients": _ratio(t["wellbeing_clients_micro"] / 1e6, t["clients"]),
        "months_independent_after_indication": _ratio(t["spell_months"], t["spells_ended"]),
        "moved_to_adapted_dwelling_per_1000": t["moves"] * per_1000,
        "home_adaptations_per_1000": t["adaptations"] * per_1000,
        "widowed_per_1000": t["widowed"] * per_1000,
    }


def _institutions_and_packages(t: dict, per_1000: float, places: float, places_vv: float) -> dict:
    """Places, residents, admissions and the waiting list; package holders by place and sector."""
    values = {
        "intramural_places_per_80plus": _ratio(places, t["n80"]),
        "intramural_places_vv_per_80plus": _ratio(places_vv, t["n80"]),
        "intramural_residents_per_80plus": _ratio(t["n80_intramural"], t["n80"]),
        "intramural_residents_per_1000": t["intramural_total"] * per_1000,
        "intramural_admissions_per_1000": t["admissions"] * per_1000,
        "intramural_admissions_cut_packages_per_1000": t["admissions_cut_packages"] * per_1000,
        # the contract's definition (INDICATORS.md): package holders with a right to a place, at home / all of them
        "wlz_clients_at_home_share": _ratio(t["entitled_home"], t["entitled"]),
        # as CBS counts it (Monitor Langdurige Zorg, without GGZ): Wlz clients with Wlz care at home / those with
        # Wlz care at home or a stay (census.py: a lighter package kept at home by the transitional right is no
        # Wlz client there; counted, as the contract's share does, they make it fall after 2015 as they die out)
        "wlz_care_at_home_share": _ratio(t["wlz_care_home"], t["wlz_care_home"] + t["wlz_care_institution"]),
        "extramuralised_clients_per_1000": t["extramuralised_home"] * per_1000,
        "extramuralised_admission_need_per_1000": t["extramuralised_admission_need"] * per_1000,
        # package holders with a right to a place, at home or inside, without GGZ (as CBS counts Wlz clients)
        "wlz_clients_per_1000": (t["entitled"] - t["entitled_ggz"]) * per_1000,
        "wlz_clients_at_home_vg_per_1000": t["entitled_home_vg"] * per_1000,
        # VV residents with a VV4+ package: CBS's "zwaardere zorg" in care and nursing homes
        "clients_institution_vv_heavy_per_1000": (t["clients_institution_VV"] - t["institution_vv_low"]) * per_1000,
        # the Kamerbrief 2013's cut packages among the VV residents: VV1-3 and half of VV4
        "intramural_vv_low_package_share": _ratio(t["institution_vv_low"] + 0.5 * t["institution_vv4"],
                                                  t["clients_institution_VV"]),
        "decedents_80plus_intramural_at_death": _ratio(t["dec80_intramural"], t["deaths_80plus"]),
        "decedents_80plus_intramural_2y_before_death": _ratio(t["dec80_intramural_2y"], t["deaths_80plus"]),
        # deaths of VV residents of an institution / their person-years (occ_VV is summed over the months)
        "mortality_rate_nursing_home": _ratio(t["deaths_institution_vv"], t["occ_VV"] / 12.0),
        "young_client_exits_per_1000": t["young_exits"] * per_1000,
    }
    for where in ("home", "institution"):
        for s in SECTOR_NAMES:
            values[f"clients_{where}_{s}_per_1000"] = t[f"clients_{where}_{s}"] * per_1000
    values["clients_young_sectors_per_1000"] = sum(
        t[f"clients_{where}_{s}"] for where in ("home", "institution") for s in SECTOR_NAMES[1:]) * per_1000
    # waiting list: people waiting at the end of a month's admissions (active: they ask for a place now), and VV
    # clients on the list by preference (at home with the Wlz, 'uit voorzorg'; mechanisms/waiting.py), averaged
    # over the year's 12 months; months waited so far by the people actively waiting (person-month weighted)
    # and by those admitted
    waiting = sum(t[f"waiting_{s}"] for s in SECTOR_NAMES)
    values["waiting_list_vv_active_per_1000"] = t["waiting_VV"] / 12.0 * per_1000
    values["waiting_list_vv_precaution_per_1000"] = t["waiting_precaution_VV"] / 12.0 * per_1000
    values["waiting_list_per_1000"] = waiting / 12.0 * per_1000   # every sector's active list (asking for a place)
    values["waiting_list_vv_per_1000"] = (t["waiting_VV"] + t["waiting_precaution_VV"]) / 12.0 * per_1000
    values["waiting_months_mean"] = _ratio(t["waiting_months"], waiting) if waiting else 0.0
    values["admission_waiting_months_mean"] = _ratio(t["admission_wait_months"], t["admissions"])
    return values


def _care_hours(t: dict, per_1000: float) -> dict:
    """Formal care hours by kind, unmet need, household help, the alarm."""
    hours = {ct: (t[ct + "_c"] + t[ct + "_wlz_c"]) / 100.0 for ct in CARE_TYPES}
    return {
        "hours_home_care_per_1000": hours["home_care"] * per_1000,
        "hours_district_nursing_per_1000": hours["district_nursing"] * per_1000,
        "hours_wmo_support_per_1000": hours["wmo_support"] * per_1000,
        "hours_day_care_per_1000": hours["day_care"] * per_1000,
        "hours_respite_per_1000": hours["respite"] * per_1000,
        "hours_household_help_per_1000": hours["wmo_household_help"] * per_1000,
        "unmet_need_share": 1.0 - t["delivered_c"] / t["needed_c"] if t["needed_c"] else 0.0,
        "wmo_household_help_share_75_84": _ratio(t["household_75_84"], t["n75_84"]),
        "wmo_household_help_share_85plus": _ratio(t["household_85plus"], t["n85"]),
        "alarm_calls_per_1000": t["alarm_calls"] * per_1000,
        "alarm_response_within_target_share": _ratio(t["alarm_on_time"], t["alarm_calls"]),
    }


def _carers(t: dict, per_1000: float) -> dict:
    """Informal care: hours, carers' load and breakdowns, the shortfall and the unmet need with it."""
    needed_all = t["needed_c"] + t["informal_needed_c"]
    return {
        "mantelzorg_hours_per_1000": t["mantelzorg_c"] / 100.0 * per_1000,
        # every carer of the network in July, main carers and secondary helpers, as SCP counts informal helpers
        # (anyone giving help, any hours); only main carers carry strain (carers.py, carer_network.py)
        "carers_over_8h_share": _ratio(t["carers_over_8h"], t["carers"]),
        "carers_overburdened_share": _ratio(t["carers_overburdened"], t["carers"]),
        "carers_per_1000": t["carers"] * per_1000,
        "carers_main_share": _ratio(t["carers_main"], t["carers"]),
        "carers_long_share": _ratio(t["carers_long"], t["carers"]),
        # CBS counts as mantelzorgers those who help > 3 months and/or > 8 h a week
        "carers_cbs_over_8h_share": _ratio(t["carers_cbs_over_8h"], t["carers_cbs"]),
        "informal_help_75plus_share": _ratio(t["informal_receivers_75plus"], t["n75_home"]),
        "informal_help_65_74_share": _ratio(t["informal_receivers_65_74"], t["n65_74_home"]),
        # July: the hours a week the networks give, per resident helped (CBS asks receivers) and per carer (SCP)
        "informal_hours_per_receiver_week": _ratio(t["informal_given_week_c"] / 100.0, t["informal_receivers"]),
        "carer_hours_week_mean": _ratio(t["informal_given_week_c"] / 100.0, t["carers"]),
        "carer_breakdowns_per_1000": t["breakdowns"] * per_1000,
        # unmet_need_share counts formal hours only (INDICATORS.md); the informal shortfall (hours a carer would
        # be asked but cannot give, carers.py) and the two together:
        "informal_shortfall_share": _ratio(t["informal_shortfall_c"], t["informal_needed_c"]),
        "unmet_need_total_share": _ratio(t["needed_c"] - t["delivered_c"] + t["informal_shortfall_c"], needed_all),
        # as people report it (care.reported): of the person-months 65+ at home with a care need, the share with an
        # unmet share (formal and informal) of at least unmet_report_threshold
        "unmet_need_reported_share": _ratio(t["unmet_reported_months_65"], t["care_need_months_65"]),
        # the main carers of residents with a package, averaged over the months (the package holders' subset)
        "carers_of_clients_over_8h_share": _ratio(t["client_carer_months_over_8h"], t["client_carer_months"]),
        "carers_of_clients_overburdened_share": _ratio(t["client_carer_months_overburdened"],
                                                       t["client_carer_months"]),
    }


def _money(t: dict, year: int, p, inhabitants: float, investment: float, access: dict) -> dict:
    """Costs per payer and their parts, hours per payer, the Wmo budget."""
    per_1000 = 1000.0 / inhabitants
    cost = {WLZ: t["intramural_cost_wlz_cents"] / 100.0, WMO: 0.0, ZVW: 0.0}
    payer_hours = {p: 0.0 for p in CARE_PAYERS}
    zvw_care = 0.0   # Zvw district nursing (home care and nursing hours), without the hospital admissions
    wlz_home = 0.0   # Wlz care at home (full packages at home from 2015; the AWBZ's extramural care before)
    ggz = t["intramural_cost_ggz_cents"] / 100.0
    cost[WMO if year >= GGZ_TO_WMO_YEAR else WLZ] += ggz
    for idx, ct in enumerate(CARE_TYPES):
        tariff = getattr(p, TARIFF[ct])
        for wlz_flag, suffix in ((False, "_c"), (True, "_wlz_c")):
            payer, hours_c = payer_of(idx, year, wlz_flag), t[ct + suffix] / 100.0
            cost[payer] += hours_c * tariff
            if payer == ZVW:
                zvw_care += hours_c * tariff
            elif payer == WLZ:
                wlz_home += hours_c * tariff
            payer_hours[payer] += hours_c
    cost[WMO] += t["alarm_users"] * p.tariff_alarm_month + t["adaptations"] * p.tariff_adaptation
    cost[ZVW] += t["hospital_all"] * p.tariff_hospital_admission
    if access["route_payer"] == INVESTMENT:
        investment += access["route_cost"]
    else:
        cost[access["route_payer"]] += access["route_cost"]
    return {
        **{cost_indicator(payer): cost[payer] / inhabitants for payer in CARE_PAYERS},
        cost_indicator(INVESTMENT): investment / inhabitants,
        "cost_total_per_capita": (cost[WLZ] + cost[WMO] + cost[ZVW] + investment) / inhabitants,
        **{f"hours_{payer}_per_1000": payer_hours[payer] * per_1000 for payer in CARE_PAYERS},
        # the national accounts' wijkverpleging (VWS Financieel Beeld Zorg) has no hospital care: the comparable line
        "cost_zvw_district_nursing_per_capita": zvw_care / inhabitants,
        # the Wlz's places of V&V and of VG/LG/ZG (GGZ places are beschermd wonen, Wmo from 2015) and its care at home
        "cost_wlz_institution_vv_per_capita": t["intramural_cost_vv_cents"] / 100.0 / inhabitants,
        "cost_wlz_institution_disability_per_capita": (
            (t["intramural_cost_wlz_cents"] - t["intramural_cost_vv_cents"]) / 100.0 / inhabitants),
        "cost_wlz_at_home_per_capita": wlz_home / inhabitants,
        "wmo_budget_per_capita": access["budget"] / inhabitants,
        "wmo_capped_spending_per_capita": access["spending"] / inhabitants,
        "wmo_spending_over_budget_share": access["spending"] / access["budget"] - 1.0 if access["budget"] else math.nan,
        "cost_access_route_per_capita": access["route_cost"] / inhabitants,
    }


def _access_route(t: dict, per_1000: float) -> dict:
    """The access route (mechanisms/access.py): support starts, waiting, referrals, mandates."""
    return {
        "months_from_need_to_support": _ratio(t["access_months_to_support"], t["access_support_starts"]),
        "wmo_support_starts_per_1000": t["access_support_starts"] * per_1000,
        "wmo_waiting_per_1000": t["access_waiting_months"] / 12.0 * per_1000,
        "wmo_need_unnoticed_per_1000": t["access_unnoticed_months"] / 12.0 * per_1000,
        "wmo_refused_per_1000": t["access_refused"] * per_1000,
        "referrals_wlz_per_1000": t["access_referrals_wlz"] * per_1000,
        "referrals_zvw_per_1000": t["access_referrals_zvw"] * per_1000,
        "housing_arranged_by_mandate_per_1000": t["access_housing_mandates"] * per_1000,
        "referrals_kept_by_team_per_1000": t["access_referrals_kept"] * per_1000,
        "referrals_lost_per_1000": t["access_referrals_lost"] * per_1000,
        "wmo_adaptations_granted_per_1000": t["access_adaptations"] * per_1000,
        "moves_arranged_by_mandate_per_1000": t["access_mandate_moves"] * per_1000,
        "hours_nursing_between_stools_per_1000": t["nursing_withheld_c"] / 100.0 * per_1000,
    }
