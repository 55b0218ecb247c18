"""Labels in English and Dutch for indicators, payers and the texts of tables and figures.

``label(key, lang)`` looks a key up in all tables; an unknown key falls back to the key itself with
underscores as spaces, so a new indicator never breaks a figure (it only lacks a nice name).
"""
from __future__ import annotations

from collections import namedtuple

import numpy as np

from sim.model.indicators import INVESTMENT, INVESTMENT_PAYERS, SECTOR_NAMES, WLZ, WMO, ZVW, cost_indicator

LANGUAGES = ("en", "nl")

INDICATOR_LABELS = {  # name: (English, Dutch)
    "months_independent_after_indication": ("Months at home after indication",
                                            "Maanden thuis na indicatie"),
    "intramural_admissions_per_1000": ("Intramural admissions per 1,000",
                                       "Intramurale opnames per 1.000"),
    "intramural_admissions_cut_packages_per_1000": ("Admissions with a cut package per 1,000",
                                                    "Opnames met een geschrapt pakket per 1.000"),
    "extramuralised_clients_per_1000": ("Extramuralised clients per 1,000", "Geëxtramuraliseerde cliënten per 1.000"),
    "wlz_clients_per_1000": ("Wlz clients (a right to a place, at home or inside, without GGZ) per 1,000",
                             "Wlz-cliënten (recht op verblijf, thuis of binnen, zonder ggz) per 1.000"),
    "intramural_vv_low_package_share": ("VV residents with a light package (VV1-3 and half of VV4; share)",
                                        "VV-bewoners met een licht pakket (VV1-3 en de helft van VV4; aandeel)"),
    "extramuralised_admission_need_per_1000": ("Extramuralised clients who would ask for a place, per 1,000",
                                               "Geëxtramuraliseerde cliënten die een plaats zouden vragen, per 1.000"),
    "hospital_admissions_per_1000_65plus": ("Hospital admissions per 1,000 aged 65+",
                                            "Ziekenhuisopnames per 1.000 65-plussers"),
    "falls_per_1000_65plus": ("Falls per 1,000 aged 65+", "Valincidenten per 1.000 65-plussers"),
    "unmet_need_share": ("Unmet care need (share)", "Onvervulde zorgvraag (aandeel)"),
    "carers_overburdened_share": ("Overburdened carers (share)", "Overbelaste mantelzorgers (aandeel)"),
    "carer_breakdowns_per_1000": ("Carer breakdowns per 1,000", "Uitgevallen mantelzorg per 1.000"),
    "wellbeing_mean_clients": ("Well-being of clients (0-1)", "Welbevinden cliënten (0-1)"),
    "mantelzorg_hours_per_1000": ("Informal care hours per 1,000", "Uren mantelzorg per 1.000"),
    "hours_wlz_per_1000": ("Wlz care hours at home per 1,000", "Uren Wlz-zorg thuis per 1.000"),
    "hours_wmo_per_1000": ("Wmo care hours per 1,000", "Uren Wmo-ondersteuning per 1.000"),
    "hours_zvw_per_1000": ("Zvw care hours per 1,000", "Uren Zvw-zorg per 1.000"),
    "hours_home_care_per_1000": ("Personal care hours per 1,000", "Uren persoonlijke verzorging per 1.000"),
    "share_75plus_independent": ("75+ living independently (share)", "75+ zelfstandig wonend (aandeel)"),
    "intramural_residents_per_1000": ("Intramural residents per 1,000", "Intramurale bewoners per 1.000"),
    "alarm_response_within_target_share": ("Alarm followed up in time (share)", "Alarm op tijd opgevolgd (aandeel)"),
    "moved_to_adapted_dwelling_per_1000": ("Moves to an adapted dwelling per 1,000",
                                           "Verhuizingen naar aangepaste woning per 1.000"),
    "cost_wlz_per_capita": ("Wlz cost per inhabitant (EUR)", "Kosten Wlz per inwoner (EUR)"),
    "cost_wmo_per_capita": ("Wmo cost per inhabitant (EUR)", "Kosten Wmo per inwoner (EUR)"),
    "cost_zvw_per_capita": ("Zvw cost per inhabitant (EUR)", "Kosten Zvw per inwoner (EUR)"),
    "cost_investment_per_capita": ("Investment per inhabitant (EUR)", "Investering per inwoner (EUR)"),
    "cost_total_per_capita": ("Total cost per inhabitant (EUR)", "Totale kosten per inwoner (EUR)"),
    "cost_per_month_independent_gained": ("Cost per month at home gained (EUR)",
                                          "Kosten per gewonnen maand thuis (EUR)"),
    "extra_cost_eur": ("Extra cost over the years (EUR)", "Extra kosten over de jaren (EUR)"),
    "extra_months_at_home": ("Extra months at home", "Extra maanden thuis"),
    # area outcomes (sim.studies.compare.area_outcomes)
    "wellbeing_need_slope": ("Well-being lost per unit of need (slope, 65+ at home)",
                             "Verlies aan welbevinden per eenheid zorgbehoefte (helling, 65+ thuis)"),
    "spells_ended": ("Spells at home after indication ended", "Beëindigde perioden thuis na indicatie"),
    "residents_65plus": ("Residents 65+ (summed over years)", "Inwoners 65+ (opgeteld over jaren)"),
    "hours_needed_per_65plus": ("Formal care hours needed per resident 65+",
                                "Benodigde uren formele zorg per 65-plusser"),
    "informal_hours_week_per_65plus": ("Informal care hours a week per resident 65+",
                                       "Uren mantelzorg per week per 65-plusser"),
    # the access route and the Wmo budget (sim.model.mechanisms.access)
    "months_from_need_to_support": ("Months from need to Wmo support", "Maanden van hulpvraag tot Wmo-ondersteuning"),
    "wmo_support_starts_per_1000": ("Wmo support started per 1,000", "Gestarte Wmo-ondersteuning per 1.000"),
    "wmo_waiting_per_1000": ("Waiting for Wmo support per 1,000", "Wachtend op Wmo-ondersteuning per 1.000"),
    "wmo_need_unnoticed_per_1000": ("Wmo need not yet noticed per 1,000", "Nog niet opgemerkte Wmo-hulpvraag per 1.000"),
    "wmo_refused_per_1000": ("Wmo requests refused per 1,000", "Afgewezen Wmo-aanvragen per 1.000"),
    "referrals_wlz_per_1000": ("Referrals to Wlz care per 1,000", "Verwijzingen naar Wlz-zorg per 1.000"),
    "referrals_zvw_per_1000": ("Referrals to district nursing (Zvw) per 1,000",
                               "Verwijzingen naar wijkverpleging (Zvw) per 1.000"),
    "housing_arranged_by_mandate_per_1000": ("Dwellings arranged by mandate per 1,000",
                                             "Woningen geregeld met mandaat per 1.000"),
    "wmo_budget_per_capita": ("Wmo budget per inhabitant (EUR)", "Wmo-budget per inwoner (EUR)"),
    "wmo_capped_spending_per_capita": ("Wmo spending under the budget per inhabitant (EUR)",
                                       "Wmo-uitgaven binnen het budget per inwoner (EUR)"),
    "wmo_spending_over_budget_share": ("Wmo spending over budget (share)", "Wmo-uitgaven boven budget (aandeel)"),
    "cost_access_route_per_capita": ("Access route cost per inhabitant (EUR)", "Kosten toegang per inwoner (EUR)"),
}

# issue 12 (wt12): the waiting list, nursing-home deaths, younger clients, widowhood
INDICATOR_LABELS.update({
    "waiting_list_per_1000": ("People waiting for a place per 1,000", "Wachtenden op een plaats per 1.000"),
    "waiting_list_vv_per_1000": ("People waiting for a nursing-home place per 1,000",
                                 "Wachtenden op een verpleeghuisplaats per 1.000"),
    "waiting_months_mean": ("Months waited so far (people waiting)", "Maanden al gewacht (wachtenden)"),
    "admission_waiting_months_mean": ("Months waited before admission", "Maanden gewacht voor opname"),
    "mortality_rate_nursing_home": ("Mortality of nursing-home residents (per year)",
                                    "Sterfte van verpleeghuisbewoners (per jaar)"),
    "clients_young_sectors_per_1000": ("VG/LG/ZG/GGZ clients per 1,000", "VG/LG/ZG/GGZ-cliënten per 1.000"),
    "young_client_exits_per_1000": ("Younger clients leaving per 1,000", "Uitstroom jongere cliënten per 1.000"),
    "widowed_per_1000": ("Widowed in the year per 1,000", "Verweduwd in het jaar per 1.000"),
    "informal_shortfall_share": ("Informal care needed but not given (share)",
                                 "Mantelzorg nodig maar niet gegeven (aandeel)"),
    "unmet_need_total_share": ("Unmet need, formal and informal (share)",
                               "Onvervulde zorgvraag, formeel en informeel (aandeel)"),
    "carers_of_clients_over_8h_share": ("Carers of clients giving > 8 h a week (share)",
                                        "Mantelzorgers van cliënten > 8 uur per week (aandeel)"),
    "carers_of_clients_overburdened_share": ("Overburdened carers of clients (share)",
                                             "Overbelaste mantelzorgers van cliënten (aandeel)"),
    "cost_zvw_district_nursing_per_capita": ("Zvw district nursing per inhabitant (EUR)",
                                             "Zvw-wijkverpleging per inwoner (EUR)"),
    "cost_wlz_institution_vv_per_capita": ("Wlz nursing and care home places per inhabitant (EUR)",
                                           "Wlz-verblijf ouderenzorg per inwoner (EUR)"),
    "cost_wlz_institution_disability_per_capita": ("Wlz disability care places per inhabitant (EUR)",
                                                   "Wlz-verblijf gehandicaptenzorg per inwoner (EUR)"),
    "cost_wlz_at_home_per_capita": ("Wlz care at home per inhabitant (EUR)", "Wlz-zorg thuis per inwoner (EUR)"),
    "clients_institution_vv_heavy_per_1000": ("VV residents with a VV4+ package per 1,000",
                                              "Bewoners ouderenzorg met ZZP VV4+ per 1.000"),
    "wlz_clients_at_home_vg_per_1000": ("VG clients with Wlz care at home per 1,000",
                                        "Wlz-cliënten gehandicaptenzorg (VG) thuis per 1.000"),
})

# the rest of the catalogue (../shared/INDICATORS.md) and the model's own indicators: every indicator a run
# reports has a name in both languages (tests/test_labels.py runs the model to check it)
INDICATOR_LABELS.update({
    "inhabitants": ("Inhabitants", "Inwoners"),
    "pop_65plus_share": ("Inhabitants aged 65+ (share)", "Inwoners van 65 jaar en ouder (aandeel)"),
    "pop_75plus_share": ("Inhabitants aged 75+ (share)", "Inwoners van 75 jaar en ouder (aandeel)"),
    "pop_80plus_share": ("Inhabitants aged 80+ (share)", "Inwoners van 80 jaar en ouder (aandeel)"),
    "mortality_rate_65plus": ("Mortality aged 65+ (per year)", "Sterfte 65-plussers (per jaar)"),
    "mortality_rate_80plus": ("Mortality aged 80+ (per year)", "Sterfte 80-plussers (per jaar)"),
    "limitation_prevalence_65_74": ("Limitations aged 65-74 (share)", "Beperkingen 65-74 jaar (aandeel)"),
    "limitation_prevalence_75_84": ("Limitations aged 75-84 (share)", "Beperkingen 75-84 jaar (aandeel)"),
    "limitation_prevalence_85plus": ("Limitations aged 85+ (share)", "Beperkingen 85 jaar en ouder (aandeel)"),
    "decedents_80plus_intramural_at_death": ("Decedents 80+ in an institution at death (share)",
                                             "Overledenen 80+ in een instelling bij overlijden (aandeel)"),
    "decedents_80plus_intramural_2y_before_death": ("Decedents 80+ in an institution two years before death (share)",
                                                    "Overledenen 80+ in een instelling twee jaar voor overlijden "
                                                    "(aandeel)"),
    "wlz_clients_at_home_share": ("Wlz clients living at home (share)", "Wlz-cliënten die thuis wonen (aandeel)"),
    "intramural_places_per_80plus": ("Intramural places per inhabitant 80+", "Intramurale plaatsen per 80-plusser"),
    "intramural_places_vv_per_80plus": ("Nursing-home places per inhabitant 80+",
                                        "Verpleeghuisplaatsen per 80-plusser"),
    "intramural_residents_per_80plus": ("Intramural residents per inhabitant 80+",
                                        "Intramurale bewoners per 80-plusser"),
    "alarm_calls_per_1000": ("Alarm calls per 1,000", "Alarmoproepen per 1.000"),
    "home_adaptations_per_1000": ("Home adaptations per 1,000", "Woningaanpassingen per 1.000"),
    "carers_over_8h_share": ("Carers giving > 8 h a week (share)", "Mantelzorgers > 8 uur per week (aandeel)"),
    "wmo_household_help_share_75_84": ("Wmo household help aged 75-84 (share)",
                                       "Wmo-huishoudelijke hulp 75-84 jaar (aandeel)"),
    "wmo_household_help_share_85plus": ("Wmo household help aged 85+ (share)",
                                        "Wmo-huishoudelijke hulp 85 jaar en ouder (aandeel)"),
    "hours_district_nursing_per_1000": ("District nursing hours per 1,000", "Uren wijkverpleging per 1.000"),
    "hours_household_help_per_1000": ("Household help hours per 1,000", "Uren huishoudelijke hulp per 1.000"),
    "hours_wmo_support_per_1000": ("Wmo support hours per 1,000", "Uren Wmo-begeleiding per 1.000"),
    "hours_day_care_per_1000": ("Day care hours per 1,000", "Uren dagbesteding per 1.000"),
    "hours_respite_per_1000": ("Respite care hours per 1,000", "Uren respijtzorg per 1.000"),
    "hours_nursing_between_stools_per_1000": ("Nursing hours lost between payers per 1,000",
                                              "Uren verpleging tussen wal en schip per 1.000"),
    "referrals_kept_by_team_per_1000": ("Referrals the team handles itself per 1,000",
                                        "Verwijzingen die het team zelf oppakt per 1.000"),
    "referrals_lost_per_1000": ("Referrals lost on the way per 1,000", "Verwijzingen onderweg verloren per 1.000"),
    "wmo_adaptations_granted_per_1000": ("Wmo home adaptations granted per 1,000",
                                         "Toegekende Wmo-woningaanpassingen per 1.000"),
    "moves_arranged_by_mandate_per_1000": ("Moves arranged by mandate per 1,000",
                                           "Verhuizingen geregeld met mandaat per 1.000"),
    **{f"clients_home_{s}_per_1000": (f"{s} clients at home per 1,000", f"{s}-cliënten thuis per 1.000")
       for s in SECTOR_NAMES},
    **{f"clients_institution_{s}_per_1000": (f"{s} clients in an institution per 1,000",
                                             f"{s}-cliënten in een instelling per 1.000")
       for s in SECTOR_NAMES},
})

# Who pays, one row a payer: the model's cost lines (sim.model.indicators.COST_PAYERS) and the organisations
# that pay (a scenario's investment names one: INVESTMENT_PAYERS); ``indicator`` is the cost indicator of
# the care each pays (an organisation: the scheme it pays, DOMAIN.md §1; a housing association pays no care).
Payer = namedtuple("Payer", "key en nl indicator")
PAYERS = {p.key: p for p in (
    Payer(WLZ, "Wlz (long-term care)", "Wlz (langdurige zorg)", cost_indicator(WLZ)),
    Payer(WMO, "Wmo (municipality)", "Wmo (gemeente)", cost_indicator(WMO)),
    Payer(ZVW, "Zvw (health insurer)", "Zvw (zorgverzekeraar)", cost_indicator(ZVW)),
    Payer(INVESTMENT, "Investment (woonservicegebied)", "Investering (woonservicegebied)", cost_indicator(INVESTMENT)),
    Payer("care_office", "care office (Wlz)", "zorgkantoor (Wlz)", cost_indicator(WLZ)),
    Payer("municipality", "municipality (Wmo)", "gemeente (Wmo)", cost_indicator(WMO)),
    Payer("care_insurer", "health insurer (Zvw)", "zorgverzekeraar (Zvw)", cost_indicator(ZVW)),
    Payer("housing_association", "housing association", "woningcorporatie", None),
)}
# the organisations in the table's order (the schemes' payers first): the columns of the app's and the
# report's tables of who pays
ORGANISATIONS = tuple(key for key in PAYERS if key in INVESTMENT_PAYERS)

TEXTS = {
    "year": ("year", "jaar"),
    "scenario": ("scenario", "scenario"),
    "outcome": ("outcome", "uitkomst"),
    "mean": ("mean", "gemiddelde"),
    "interval": ("90 % interval", "90 %-interval"),
    "difference": ("difference from {first}", "verschil met {first}"),
    "costs_by_payer": ("Costs by payer", "Kosten per betaler"),
    "values": ("Values", "Waarden"),
    "title_per_month": ("Cost per month of living at home gained", "Kosten per gewonnen maand thuis wonen"),
    "eur_per_inhabitant": ("EUR per inhabitant per year", "EUR per inwoner per jaar"),
    "title_timeseries": ("Key outcomes per scenario (mean and 90 % band over replicates)",
                         "Kernuitkomsten per scenario (gemiddelde en 90 %-band over herhalingen)"),
    "title_differences": ("Difference from {first}, {years} (mean and 90 % interval of paired differences)",
                          "Verschil met {first}, {years} (gemiddelde en 90 %-interval van gepaarde verschillen)"),
    "title_costs": ("Yearly cost by payer, mean over {years}", "Jaarlijkse kosten per betaler, gemiddeld over {years}"),
    "title_maps": ("Unmet care need per neighbourhood in {year} (red: woonservicegebied)",
                   "Onvervulde zorgvraag per buurt in {year} (rood: woonservicegebied)"),
    "window": ("years compared", "vergeleken jaren"),
    "comparison": ("Scenario comparison", "Vergelijking van scenario's"),
}


# ---- issue 13: the parties of the ledger (sim.studies.ledger.PARTIES) and its texts, en/nl
PARTIES = {
    "municipality": ("municipality (Wmo)", "gemeente (Wmo)"),
    "care_office": ("care office (Wlz)", "zorgkantoor (Wlz)"),
    "care_insurer": ("health insurer (Zvw)", "zorgverzekeraar (Zvw)"),
    "housing_association": ("housing association", "woningcorporatie"),
    "clients": ("clients", "cliënten"),
    "carers": ("informal carers (hours valued)", "mantelzorgers (uren gewaardeerd)"),
}
LEDGER_TEXTS = {
    "months_at_home_km": ("Months at home within 10 years of a first package (Kaplan-Meier)",
                          "Maanden thuis binnen 10 jaar na een eerste indicatie (Kaplan-Meier)"),
    "society_npv_eur": ("Societal net present value (EUR, costs at 4 %)", "Maatschappelijke netto contante waarde (EUR, kosten 4 %)"),
    "months_at_home_gained_discounted": ("Months at home gained (discounted at 1.5 %)",
                                         "Gewonnen maanden thuis (verdisconteerd 1,5 %)"),
    "cost_per_month_at_home_gained": ("Net cost per month at home gained (EUR)", "Netto kosten per gewonnen maand thuis (EUR)"),
    "change_unmet_need_share": ("Change in unmet care need (share)", "Verandering onvervulde zorgvraag (aandeel)"),
    "change_carers_overburdened_share": ("Change in overburdened carers (share)",
                                         "Verandering overbelaste mantelzorgers (aandeel)"),
    "change_mantelzorg_hours_per_1000": ("Change in informal care hours per 1,000", "Verandering uren mantelzorg per 1.000"),
    "party": ("party", "partij"),
    "npv": ("NPV (EUR, 90 % interval)", "NCW (EUR, 90 %-interval)"),
    "breakeven_year": ("break-even year", "terugverdienjaar"),
    "never": ("never", "nooit"),
    "title_ledger": ("Who pays and who saves: {scenario} against {first}", "Wie betaalt en wie bespaart: {scenario} tegenover {first}"),
    "ledger_npv_axis": ("net present value, EUR (costs discounted at 4 %)", "netto contante waarde, EUR (kosten verdisconteerd 4 %)"),
    "ledger_cum_axis": ("cumulative discounted net, EUR", "cumulatief verdisconteerd saldo, EUR"),
    "ledger_section": ("Who pays and who saves", "Wie betaalt en wie bespaart"),
    "evaluation_section": ("Economic evaluation", "Economische evaluatie"),
    "ledger_note": (
        "Per party, relative to {first} in the same replicate: paid = its investments (capital annualised over its "
        "lifetime at 4 %, running costs), saved = the fall in everything else it spends (care billed by use, own "
        "contributions, vacancy, informal care hours at EUR 14 an hour); net = saved - paid. NPV: yearly nets "
        "{years} discounted at 4 % to {y0} (Zorginstituut 2016 guideline). {replicates} replicates; {interval}.",
        "Per partij, ten opzichte van {first} in dezelfde herhaling: betaald = de eigen investeringen (kapitaal "
        "over de levensduur verdeeld tegen 4 %, lopende kosten), bespaard = de daling van al het andere dat de partij "
        "uitgeeft (zorg naar gebruik, eigen bijdragen, leegstand, mantelzorguren tegen EUR 14 per uur); saldo = "
        "bespaard - betaald. NCW: jaarlijkse saldi {years} verdisconteerd tegen 4 % naar {y0} (richtlijn Zorginstituut "
        "2016). {replicates} herhalingen; {interval}."),
    "split_incentive": (
        "Split incentive in {scenario}: {losers} pay{pay_verb} more than {they} get back ({loss}), while {gainers} "
        "gain{gain_verb} ({gain}); for society as a whole the net present value is {society}.",
        "Gesplitste prikkel in {scenario}: {losers} betaalt meer dan terugkomt ({loss}), terwijl {gainers} wint "
        "({gain}); voor de samenleving als geheel is de netto contante waarde {society}."),
    "nobody": ("nobody", "niemand"),
    "title_breakeven": ("Break-even: NPV against the size of the uncertain effects ({scenario})",
                        "Terugverdienen: NCW tegen de grootte van de onzekere effecten ({scenario})"),
    "effect_scale": ("effect scale (0 = no effect, 1 = the parameters' default sizes)",
                     "effectschaal (0 = geen effect, 1 = de standaardgrootte van de parameters)"),
    "society": ("society", "samenleving"),
    "breakeven_scale": ("Break-even effect scale: how large the uncertain effects must be, relative to their default "
                        "sizes, for the NPV to reach 0 (– : not within 0-2)",
                        "Terugverdienschaal: hoe groot de onzekere effecten moeten zijn, ten opzichte van hun "
                        "standaardgrootte, voor een NCW van 0 (– : niet binnen 0-2)"),
    "deciding_section": ("Which uncertain effect decides the answer", "Welk onzeker effect beslist de uitkomst"),
    "deciding_note": (
        "Each assumption on the NPV channel, alone, at the low and the high end of its stated range, the others at "
        "their defaults (fixed effects, {replicates} paired replicates): every effect size with a prior (at the ends "
        "of its prior), the numbers without a prior at their stated ranges (`scan` in sim/model/parameters.yaml), "
        "the investment costs at 0.5 and 2 times the scenario's and the evaluation's last year; the societal NPV of "
        "{scenario}, in EUR, largest swing first. After each name its footing: `source` (a study or a statistic "
        "gives the number), `assumption` (no source gives it) or `set` (the scan's own choice). 'decides': the "
        "societal NPV is at or above 0 at one end of the range and below 0 at the other.",
        "Elke aanname in het NCW-kanaal, alleen, aan de onder- en de bovenkant van haar opgegeven bereik, de andere "
        "op hun standaardwaarde (vaste effecten, {replicates} gepaarde herhalingen): elke effectgrootte met een prior "
        "(aan de randen van de prior), de getallen zonder prior over hun opgegeven bereik (`scan` in "
        "sim/model/parameters.yaml), de investeringskosten maal 0,5 en 2 en het laatste jaar van de evaluatie; de "
        "maatschappelijke NCW van {scenario}, in EUR, grootste uitslag eerst. Na elke naam de grondslag: `source` "
        "(een studie of statistiek geeft het getal), `assumption` (geen bron geeft het) of `set` (de keuze van de "
        "scan zelf). 'beslist': de maatschappelijke NCW is 0 of meer aan de ene kant van het bereik en onder 0 aan "
        "de andere."),
    "deciding_verdict": (
        "Whether {scenario} pays back for society depends on {effects} alone: the societal NPV changes sign within "
        "the range (break-even: {values}); the footing of each is given after its name.",
        "Of {scenario} zich voor de samenleving terugverdient, hangt alleen al af van {effects}: de maatschappelijke "
        "NCW wisselt van teken binnen het bereik (omslagpunt: {values}); de grondslag van elk staat na de naam."),
    "deciding_none": (
        "No single uncertain effect changes the sign of the societal NPV of {scenario} ({npv} at the defaults) "
        "within its prior; the one that moves it most is {effect} (swing {swing}).",
        "Geen enkel onzeker effect verandert binnen zijn prior het teken van de maatschappelijke NCW van {scenario} "
        "({npv} bij de standaardwaarden); het effect dat haar het meest beweegt is {effect} (uitslag {swing})."),
    "effect": ("effect", "effect"),
    "prior_low": ("low end of prior", "onderkant prior"),
    "prior_high": ("high end of prior", "bovenkant prior"),
    "npv_at_low": ("societal NPV at low end", "maatsch. NCW onderkant"),
    "npv_at_default": ("at default", "bij standaard"),
    "npv_at_high": ("at high end", "bij bovenkant"),
    "decides": ("decides", "beslist"),
    "breakeven_value": ("break-even value", "omslagpunt"),
    "yes": ("yes", "ja"),
    "no": ("no", "nee"),
    "title_deciding": ("Societal NPV of {scenario}: each uncertain effect alone across its prior",
                       "Maatschappelijke NCW van {scenario}: elk onzeker effect alleen over zijn prior"),
    "deciding_axis": ("societal NPV, EUR million (costs discounted at 4 %; *: decides the sign)",
                      "maatschappelijke NCW, miljoen EUR (kosten verdisconteerd 4 %; *: beslist het teken)"),
}


def _pick(pair, lang: str) -> str:
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}: use one of {', '.join(LANGUAGES)}")
    return pair[LANGUAGES.index(lang)]


def label(key: str, lang: str = "en") -> str:
    """The label of an indicator, payer or text key in ``lang`` ('en' or 'nl')."""
    if key in PAYERS:
        return _pick((PAYERS[key].en, PAYERS[key].nl), lang)
    for table in (INDICATOR_LABELS, TEXTS, PARTIES, LEDGER_TEXTS):
        if key in table:
            return _pick(table[key], lang)
    _pick(("", ""), lang)  # still refuse an unknown language
    return key.replace("_", " ")


def number(x) -> str:
    """A value for a table cell: three significant figures or so, thousands separated, '–' for none."""
    if x is None or not np.isfinite(x):
        return "–"
    a = abs(x)
    if a == 0:
        return "0"
    return f"{x:,.0f}" if a >= 1000 else f"{x:.1f}" if a >= 10 else f"{x:.3f}" if a >= 0.01 else f"{x:.2g}"


def text(key: str, lang: str = "en", **fields) -> str:
    """A text with ``{fields}`` filled in."""
    return label(key, lang).format(**fields)


# ---- the workshop's formats, palette and place names (issue 15) -----------------------------------------

def fmt_number(x, lang: str = "en", digits: int | None = None) -> str:
    """A number for the room: 1,234.5 in English, 1.234,5 in Dutch; ``digits`` decimals, or about three
    significant figures; never scientific notation; '–' for none."""
    if x is None or not np.isfinite(x):
        return "–"
    if digits is None:
        a = abs(x)
        digits = (0 if a >= 100 or a == 0 else 1 if a >= 10 else 2 if a >= 0.995
                  else min(8, max(2, 1 - int(np.floor(np.log10(a))))))
    s = f"{x:,.{digits}f}"
    if float(s.replace(",", "")) == 0:
        s = s.lstrip("-")                 # no "-0.0" for a difference that rounds to nothing
    _pick(("", ""), lang)
    return s.translate(str.maketrans(",.", ".,")) if lang == "nl" else s


def fmt_percent(share, lang: str = "en", digits: int = 0, signed: bool = False) -> str:
    """A share 0..1 as a percentage: '24%' in English, '24 %' in Dutch (Dutch writes a space)."""
    if share is None or not np.isfinite(share):
        return "–"
    value = fmt_number(100 * share, lang, digits)
    if signed and round(100 * share, digits) > 0:
        value = "+" + value
    return f"{value} %" if lang == "nl" else f"{value}%"


def is_share(name: str) -> bool:
    """Whether an indicator is a share 0..1: 'share' is one of its words (``unmet_need_share``,
    ``share_75plus_independent``, ``wmo_household_help_share_85plus``), or it is a prevalence or a share
    of decedents."""
    return "share" in name.split("_") or name.startswith(("limitation_prevalence_", "decedents_"))


def fmt_value(name: str, x, lang: str = "en", signed: bool = False) -> str:
    """An indicator value: shares (``is_share``) as percentages, other values as numbers."""
    if is_share(name):
        return fmt_percent(x, lang, 1 if x is not None and np.isfinite(x) and abs(x) < 0.1 else 0, signed)
    s = fmt_number(x, lang)
    return "+" + s if signed and x > 0 and s.strip("0.,") else s


def fmt_eur_million(x, lang: str = "en") -> str:
    """Euros as '€ 1.2 million' / '€ 1,2 mln'."""
    if x is None or not np.isfinite(x):
        return "–"
    m = x / 1e6
    s = fmt_number(abs(m), lang, 2 if abs(m) < 10 else 1)
    sign = "-" if m < 0 and s.strip("0.,") else ""
    return f"{sign}€ {s} mln" if lang == "nl" else f"{sign}€{s} million"


# Okabe & Ito (2008), "Color universal design": eight colours told apart with every common colour-vision
# deficiency (tests/test_labels.py simulates deuteranopia and protanopia and measures the distances)
OKABE_ITO = {"orange": "#E69F00", "sky_blue": "#56B4E9", "bluish_green": "#009E73", "yellow": "#F0E442",
             "blue": "#0072B2", "vermillion": "#D55E00", "reddish_purple": "#CC79A7", "black": "#000000"}
# one colour per paying party, everywhere (app, report, figures); the six parties of the ledger (issue 13)
PARTY_COLOURS = {"care_office": OKABE_ITO["blue"], "municipality": OKABE_ITO["orange"],
                 "care_insurer": OKABE_ITO["bluish_green"], "housing_association": OKABE_ITO["vermillion"],
                 "clients": OKABE_ITO["reddish_purple"], "carers": OKABE_ITO["black"]}
# scenarios in figures: colour and line style both change, so eight lines stay apart even in grey
SCENARIO_COLOURS = tuple(OKABE_ITO[k] for k in ("blue", "orange", "bluish_green", "vermillion", "reddish_purple",
                                                "sky_blue", "black", "yellow"))
SCENARIO_STYLES = ("-", "--", "-.", ":")
SCENARIO_HATCHES = ("", "//", "..", "xx", "\\\\", "oo", "++", "--")
MAP_COLOURMAP = "cividis"         # perceptually uniform and readable with red-green deficiency
WSG_OUTLINE = ("#000000", "#FFFFFF")  # black under white: one of the two contrasts with every map colour

# generated neighbourhood names: the grid in a 3 x 3 compass, in Dutch (place names stay Dutch in English)
COMPASS = (("Zuidwest", "Zuid", "Zuidoost"), ("West", "Centrum", "Oost"), ("Noordwest", "Noord", "Noordoost"))


def district_of(x: int, y: int, width: int, height: int) -> str:
    """The compass district of cell (x, y) (y grows northwards, as the maps are drawn)."""
    return COMPASS[min(3 * y // height, 2)][min(3 * x // width, 2)]


def neighbourhood_names(width: int, height: int) -> dict[tuple[int, int], str]:
    """(x, y) -> a name such as 'Noord 2': the compass district and a number within it (west to east,
    south to north), so the room can say 'Noord 2' instead of '4,8'."""
    names, count = {}, {}
    for y in range(height):
        for x in range(width):
            d = district_of(x, y, width, height)
            count[d] = count.get(d, 0) + 1
            names[(x, y)] = f"{d} {count[d]}"
    return names


def districts(width: int, height: int) -> dict[str, list[list[int]]]:
    """district name -> its cells, in the compass order."""
    out = {name: [] for row in reversed(COMPASS) for name in row}
    for y in range(height):
        for x in range(width):
            out[district_of(x, y, width, height)].append([x, y])
    return {k: v for k, v in out.items() if v}


# Dutch descriptions of the project's scenarios (a scenario file's ``description`` is English); by file name
SCENARIO_NL = {
    "baseline": "Hervorming zoals ingevoerd, gemeente van 100.000 inwoners met de Nederlandse leeftijdsopbouw, "
                "geen investeringen",
    "carer_support": "Mantelzorgondersteuning en respijtplaatsen in alle buurten vanaf 2016",
    "housing_broker": "Aangepaste woningen en een seniorenmakelaar in centrum vanaf 2016",
    "netherlands": "Nederland, 2013-2040, hervorming zoals ingevoerd, geen investeringen",
    "no_reform": "Tegenfeitelijk: regels van vóór 2013 blijven (geen extramuralisering)",
    "small": "Basisscenario verkleind voor snelle tests",
    "wsg_citywide": "Woonservicegebied: hardware en software in alle buurten vanaf 2016",
    "wsg_full": "Woonservicegebied: hardware en software in centrum vanaf 2016",
    "wsg_hardware": "Woonservicegebied: hardware (woningen, omgeving) in centrum vanaf 2016",
    "wsg_software": "Woonservicegebied: software (zorg en ondersteuning) in centrum vanaf 2016",
}


def scenario_description(stem: str, description: str, lang: str) -> str:
    """What a scenario is, in the room's language: the Dutch text above or the file's own description."""
    base = stem.split(" + ")[0]
    return SCENARIO_NL.get(base, description) if lang == "nl" else (description or stem)


# Policy words, checked by tests/test_labels.py: the lever's Dutch term and the scheme that pays it
# (DOMAIN.md section 1: wijkverpleging is Zvw, a wijkteam is Wmo, the zorgkantoor runs the Wlz, mantelzorg is
# informal care, the housing association is the woningcorporatie)
POLICY_TERMS = {"care_team_hours": ("wijkverpleging", "care_insurer"), "care_on_call": ("zorg op afroep", "care_insurer"),
                "carer_support": ("mantelzorgondersteuning", "municipality"),
                "adapted_dwellings": ("aangepaste woningen", "housing_association")}
