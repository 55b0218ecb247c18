"""Labels in English and Dutch for indicators, payers and the texts of tables and figures.

``label(key, lang)`` looks a key up in all tables; an unknown key falls back to the key itself with
underscores as spaces, so a new indicator never breaks a figure (it only lacks a nice name).
"""
from __future__ import annotations

from collections import namedtuple

import numpy as np

from sim.model.indicators import INVESTMENT, INVESTMENT_PAYERS, WLZ, WMO, ZVW, cost_indicator

LANGUAGES = ("en", "nl")

INDICATOR_LABELS = {  # name: (English, Dutch)
    "months_independent_after_indication": ("Months at home after indication",
                                            "Maanden thuis na indicatie"),
    "intramural_admissions_per_1000": ("Intramural admissions per 1,000",
                                       "Intramurale opnames per 1.000"),
    "intramural_admissions_cut_packages_per_1000": ("Admissions with a cut package per 1,000",
                                                    "Opnames met een geschrapt pakket per 1.000"),
    "extramuralised_clients_per_1000": ("Extramuralised clients per 1,000", "Geëxtramuraliseerde cliënten per 1.000"),
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
                         "Kernuitkomsten per scenario (gemiddelde en 90 %-band over replicaties)"),
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
        "Per partij, ten opzichte van {first} in dezelfde replicatie: betaald = de eigen investeringen (kapitaal "
        "over de levensduur verdeeld tegen 4 %, lopende kosten), bespaard = de daling van al het andere dat de partij "
        "uitgeeft (zorg naar gebruik, eigen bijdragen, leegstand, mantelzorguren tegen EUR 14 per uur); saldo = "
        "bespaard - betaald. NCW: jaarlijkse saldi {years} verdisconteerd tegen 4 % naar {y0} (richtlijn Zorginstituut "
        "2016). {replicates} replicaties; {interval}."),
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
