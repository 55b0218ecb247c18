"""The workshop app: a Solara page (``langerthuis app``) to choose scenarios, move the main levers, run
them (in a thread, cached, cancellable) and look at the results: headline numbers per comparison, a map of
the neighbourhoods, time series with intervals, differences from a base scenario, yearly costs per party in
euros million; every run kept as a named variant that survives a reload, can be compared with another
(A vs B), exported, imported and opened from a link (``?variant=...``); in English or Dutch.

Plain Solara rather than Mesa's ``SolaraViz``: SolaraViz steps one model instance interactively, while a
workshop compares finished runs of several scenarios with replicates. The model itself is the same
``mesa.Model`` (``sim.model.model.LangerThuisModel``).
"""
from __future__ import annotations

import io
import json
import os
import threading
import time
from collections import namedtuple
from html import escape
from urllib.parse import parse_qs

import matplotlib

matplotlib.use("Agg")
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import solara  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.ticker import ScalarFormatter  # noqa: E402
from matplotlib.patches import Patch, Rectangle  # noqa: E402
from solara.lab import task  # noqa: E402

import sim  # noqa: E402
from sim.errors import InputError  # noqa: E402
from sim.model.indicators import COST_PAYERS, cost_indicator  # noqa: E402
from sim.model.scenario import load_scenario  # noqa: E402
from sim.workshop import appcache  # noqa: E402
from sim.workshop.appcache import (BIG_RUN_SECONDS, KEY_INDICATORS, PAYERS, SCENARIO_DIR, Levers,  # noqa: E402
                                   apply_levers, bands, cached_run, differences, estimate_seconds, km_differences,
                                   km_months, lever_costs, ledger_tables, list_scenarios, paired_ledger, party_costs,
                                   party_summary, result_window, run_full, window_differences)
from sim.workshop.labels import (MAP_COLOURMAP, PARTY_COLOURS, SCENARIO_COLOURS, SCENARIO_HATCHES,  # noqa: E402
                                 SCENARIO_STYLES, TEXTS, WSG_OUTLINE, districts, fmt_eur_million,
                                 fmt_number, fmt_percent, fmt_value, label as shared_label, neighbourhood_names,
                                 scenario_description, text as shared_text)

# ---- labels (en, nl) -----------------------------------------------------------------------------------

TEXT = {
    "title": ("Langer thuis: woonservicegebied workshop", "Langer thuis: workshop woonservicegebied"),
    "question": ("What do investments in a woonservicegebied change for older people living at home "
                 "after the 2013-2016 reform, and who pays?",
                 "Wat veranderen investeringen in een woonservicegebied voor ouderen die na de hervorming "
                 "van 2013-2016 thuis wonen, en wie betaalt?"),
    "scenarios": ("Scenarios", "Scenario's"),
    "levers": ("Levers (added to every chosen scenario)", "Knoppen (toegevoegd aan elk gekozen scenario)"),
    "where": ("Where is the woonservicegebied?", "Waar ligt het woonservicegebied?"),
    "all": ("the whole municipality", "de hele gemeente"),
    "cells": ("neighbourhoods I list", "buurten die ik opgeef"),
    "cells_input": ("neighbourhoods, e.g. Noord 1; Oost 2 (or x,y)", "buurten, bijv. Noord 1; Oost 2 (of x,y)"),
    "district": ("{name} ({n} neighbourhoods)", "{name} ({n} buurten)"),
    "n_cells": ("{n} neighbourhoods of about {size} inhabitants", "{n} buurten van ongeveer {size} inwoners"),
    "move": ("Also move the scenario's own investments here", "Verplaats ook de eigen investeringen van het scenario hierheen"),
    "start_year": ("from year", "vanaf jaar"),
    "dwellings": ("extra adapted dwellings per neighbourhood", "extra aangepaste woningen per buurt"),
    "team": ("extra district nursing hours per neighbourhood per month",
             "extra uren wijkverpleging per buurt per maand"),
    "alarm": ("alarm response (home care on call)", "opvolging alarm (zorg op afroep)"),
    "alarm_none": ("as in the scenario", "zoals in het scenario"),
    "carer": ("carer support: strain relief (0 = none)", "mantelzorgondersteuning: ontlasting (0 = geen)"),
    "access": ("Access to Wmo support", "Toegang tot Wmo-ondersteuning"),
    "route": ("access route", "toegangsroute"),
    "route_none": ("as in the scenario", "zoals in het scenario"),
    "route_indication": ("indication (need met from the month it arises)", "indicatie (vraag gedekt vanaf de maand zelf)"),
    "route_kitchen_table": ("kitchen-table conversation", "keukentafelgesprek"),
    "route_neighbourhood_team": ("neighbourhood team (wijkteam)", "wijkteam"),
    "route_intake_voucher": ("intake desk and voucher", "loket en voucher"),
    "team_mandate": ("the neighbourhood team has a mandate", "het wijkteam heeft mandaat"),
    "budget_cut": ("Wmo budget cut (0 = as in the scenario)", "korting Wmo-budget (0 = zoals in het scenario)"),
    "budget_from_year": ("budget from year", "budget vanaf jaar"),
    "route_cost": ("running cost of the {route} route from {year}", "lopende kosten van de route {route} vanaf {year}"),
    "budget_preview": ("Wmo budget from {year}: {share} of the {before} spending on the same care (computed in the run)",
                       "Wmo-budget vanaf {year}: {share} van de uitgaven aan dezelfde zorg in {before} (berekend in de run)"),
    "replicates": ("replicates (runs per scenario)", "herhalingen (runs per scenario)"),
    "one_replicate": ("With 1 replicate there is no interval: chance variation is not shown. Use 3 or more.",
                      "Met 1 herhaling is er geen interval: toevalsvariatie is niet te zien. Kies 3 of meer."),
    "plain_too": ("also run the scenarios without my levers", "reken de scenario's ook zonder mijn knoppen door"),
    "variant_name": ("name of this variant (optional)", "naam van deze variant (optioneel)"),
    "run": ("Run", "Doorrekenen"),
    "cancel": ("Cancel", "Annuleren"),
    "cancelled": ("Cancelled: nothing was kept of the unfinished run.",
                  "Geannuleerd: van de onafgemaakte berekening is niets bewaard."),
    "warming": ("Preparing the model (compiling, once per installation)…",
                "Het model wordt voorbereid (eenmalig compileren)…"),
    "progress": ("scenario {i} of {n} ({name}): {done} of {total} simulated years ({reps} replicates × {years} years)",
                 "scenario {i} van {n} ({name}): {done} van {total} gesimuleerde jaren ({reps} herhalingen × {years} jaar)"),
    "ready": ("ready", "klaar"),
    "from_cache": ("ready (from the cache)", "klaar (uit de cache)"),
    "stale": ("The levers have changed since these results: press Run to update them.",
              "De knoppen zijn veranderd sinds deze resultaten: druk op Doorrekenen om ze bij te werken."),
    "big_run": ("This run is large: about {minutes} minutes on this computer. Run it anyway?",
                "Deze berekening is groot: ongeveer {minutes} minuten op deze computer. Toch doorrekenen?"),
    "run_anyway": ("Run anyway", "Toch doorrekenen"),
    "idle": ("Choose scenarios and press Run.", "Kies scenario's en druk op Doorrekenen."),
    "choose": ("Choose at least one scenario.", "Kies ten minste één scenario."),
    "cost_preview": ("Cost of the levers in {scenario}", "Kosten van de knoppen in {scenario}"),
    "one_off": ("one-off", "eenmalig"),
    "per_year": ("a year", "per jaar"),
    "by_use": ("billed by use: up to € {amount} a year at the district-nursing tariff",
               "gedeclareerd naar gebruik: tot € {amount} per jaar tegen het tarief wijkverpleging"),
    "paid_by": ("paid by", "betaald door"),
    "no_cost": ("The levers add nothing yet.", "De knoppen voegen nog niets toe."),
    "headline": ("Headline: {name} against {base}, {years}", "Kern: {name} tegenover {base}, {years}"),
    "h_months": ("months at home within 10 years of a first package (Kaplan-Meier)",
                 "maanden thuis binnen 10 jaar na een eerste indicatie (Kaplan-Meier)"),
    "h_unmet": ("unmet care need", "onvervulde zorgvraag"),
    "h_cost": ("public cost a year (all payers)", "publieke kosten per jaar (alle betalers)"),
    "h_interval": ("90 % interval", "90 %-interval"),
    "map": ("Map of the neighbourhoods", "Kaart van de buurten"),
    "map_value": ("colour by", "kleur naar"),
    "map_note": ("last simulated year, mean over replicates; outlined: woonservicegebied",
                 "laatste gesimuleerde jaar, gemiddelde over herhalingen; omlijnd: woonservicegebied"),
    "series": ("Time series (mean and 5-95 % interval over replicates)",
               "Tijdreeksen (gemiddelde en 5-95 %-interval over herhalingen)"),
    "indicators": ("indicators", "indicatoren"),
    "diff": ("Difference from the base scenario", "Verschil met het basisscenario"),
    "base": ("base scenario", "basisscenario"),
    "diff_note": ("paired by replicate (same random streams); needs two or more scenarios",
                  "gepaard per herhaling (dezelfde toevalsstromen); vraagt twee of meer scenario's"),
    "parties": ("Who pays: euros million a year, {years}", "Wie betaalt: miljoen euro per jaar, {years}"),
    "parties_note": ("the whole municipality: each party's care plus its investments, mean a year over {years}; "
                     "5-95 % interval over replicates; right: the difference from the base (positive: pays more)",
                     "de hele gemeente: zorg van elke partij plus haar investeringen, gemiddeld per jaar over "
                     "{years}; 5-95 %-interval over herhalingen; rechts: verschil met de basis (positief: betaalt meer)"),
    "party": ("party", "partij"),
    "eur_million": ("EUR million a year", "miljoen euro per jaar"),
    "ledger": ("Who pays and who saves: the six parties, {years}", "Wie betaalt en wie bespaart: de zes partijen, {years}"),
    "ledger_note": ("Per party against {base} in the same replicate (paired), euros million a year for the whole "
                    "municipality, positive: the party is better off. Paid: its investments; saved: the fall in "
                    "everything else it spends (care billed by use, own contributions, vacancy; carers: their hours "
                    "at EUR 14). Net a year: mean over {years} with the yearly 5-95 % bounds averaged (as in the "
                    "report); NPV: the nets discounted at 4 % to {y0}, 5-95 % over {n} replicates; break-even: the "
                    "first year from which the cumulative discounted net stays at or above 0.",
                    "Per partij tegenover {base} in dezelfde herhaling (gepaard), miljoen euro per jaar voor de hele "
                    "gemeente, positief: de partij is beter af. Betaald: haar investeringen; bespaard: de daling van "
                    "al het andere dat zij uitgeeft (zorg naar gebruik, eigen bijdragen, leegstand; mantelzorgers: "
                    "hun uren tegen EUR 14). Saldo per jaar: gemiddelde over {years} met de jaarlijkse 5-95 %-grenzen "
                    "gemiddeld (als in het rapport); NCW: de saldi verdisconteerd tegen 4 % naar {y0}, 5-95 % over "
                    "{n} herhalingen; terugverdienjaar: het eerste jaar vanaf wanneer het cumulatieve "
                    "verdisconteerde saldo op of boven 0 blijft."),
    "ledger_needs_two": ("The ledger compares two scenarios: tick a second one (or 'also run the scenarios without "
                         "my levers').",
                         "Het grootboek vergelijkt twee scenario's: vink er een tweede aan (of 'reken de scenario's "
                         "ook zonder mijn knoppen door')."),
    "ledger_old": ("This variant was saved before the app kept the ledger: run it again to see it.",
                   "Deze variant is bewaard voordat de app het grootboek bijhield: reken hem opnieuw door."),
    "ledger_axis": ("net, EUR million a year", "saldo, miljoen euro per jaar"),
    "npv_axis": ("NPV of B − A, EUR million (costs at 4 %)", "NCW van B − A, miljoen euro (kosten 4 %)"),
    "net_year": ("net a year (90 % bounds)", "saldo per jaar (90 %-grenzen)"),
    "npv": ("NPV (5-95 %)", "NCW (5-95 %)"),
    "breakeven": ("break-even year", "terugverdienjaar"),
    "n_replicates": ("replicates", "herhalingen"),
    "never": ("never", "nooit"),
    "nobody": ("nobody", "niemand"),
    "outcomes": ("Key outcomes, mean over {years}", "Belangrijkste uitkomsten, gemiddeld over {years}"),
    "downloads": ("Downloads", "Downloads"),
    "mean": ("mean (5-95 %)", "gemiddelde (5-95 %)"),
    "vs_base": ("difference from base", "verschil met basis"),
    "better": ("better", "beter"),
    "worse": ("worse", "slechter"),
    "unclear": ("no clear difference", "geen duidelijk verschil"),
    "variants": ("Variants (every run is kept)", "Varianten (elke berekening wordt bewaard)"),
    "open": ("open a saved variant", "open een bewaarde variant"),
    "open_button": ("Open", "Openen"),
    "shown_variant": ("shown: {name}", "getoond: {name}"),
    "link": ("link to this variant", "link naar deze variant"),
    "export": ("export this variant (one file)", "exporteer deze variant (één bestand)"),
    "import": ("Drop a variant file here to import it", "Sleep een variantbestand hierheen om het te importeren"),
    "compare_ab": ("Compare variant A with variant B", "Vergelijk variant A met variant B"),
    "variant_a": ("variant A", "variant A"),
    "variant_b": ("variant B", "variant B"),
    "ab_note": ("B − A of the first scenario with levers of each, paired by replicate when both used the same seed "
                "and replicates; mean over {years}",
                "B − A van het eerste scenario met knoppen van elk, gepaard per herhaling als beide dezelfde seed en "
                "herhalingen gebruikten; gemiddeld over {years}"),
    "ab_series": ("B − A per year, paired by replicate (mean and 5-95 % band)",
                  "B − A per jaar, gepaard per herhaling (gemiddelde en 5-95 %-band)"),
    "ab_ledger": ("Who pays and who saves, B − A: NPV per party over {years} (positive: better off under B)",
                  "Wie betaalt en wie bespaart, B − A: NCW per partij over {years} (positief: beter af met B)"),
    "ab_unpaired": ("A and B used different seeds or replicates: the difference is not paired.",
                    "A en B gebruikten verschillende seeds of herhalingen: het verschil is niet gepaard."),
    "caveat": ("The model has no explicit housing market; VG/LG/ZG/GGZ clients keep their package level; "
               "many parameters are assumptions (see sim/model/parameters.yaml). Compare scenarios, do not read "
               "the numbers as forecasts.",
               "Het model heeft geen expliciete woningmarkt; cliënten VG/LG/ZG/GGZ houden hun zorgzwaarte; "
               "veel parameters zijn aannames (zie sim/model/parameters.yaml). Vergelijk scenario's, lees de "
               "getallen niet als voorspelling."),
}

# "what this lever does, and what the evidence says": the tooltip of every control (DOMAIN.md, seeds)
HELP = {
    "language": ("All labels, numbers, figures and downloads switch language.",
                 "Alle teksten, getallen, figuren en downloads wisselen van taal."),
    "scenarios": ("Each ticked scenario runs with the seed of the first, so differences are paired (same chance). "
                  "Details of each in scenarios/README.md.",
                  "Elk aangevinkt scenario rekent met de seed van het eerste, zodat verschillen gepaard zijn "
                  "(hetzelfde toeval). Details in scenarios/README.md."),
    "where": ("Where your levers go. A neighbourhood (cell) has about 1,000 inhabitants; a woonservicegebied has "
              "5,000-10,000 (DOMAIN.md §3), e.g. centrum: 8 neighbourhoods.",
              "Waar uw knoppen terechtkomen. Een buurt (cel) heeft ongeveer 1.000 inwoners; een woonservicegebied "
              "5.000-10.000 (DOMAIN.md §3), bijv. centrum: 8 buurten."),
    "move": ("Ticked: the scenario's own investments (its woonservicegebied) move to the place chosen above; their "
             "costs stay as the scenario states them.",
             "Aangevinkt: de eigen investeringen van het scenario (zijn woonservicegebied) verhuizen naar de plek "
             "hierboven; hun kosten blijven zoals het scenario ze opgeeft."),
    "start_year": ("The year the levers start (investments before 2013 predate the reform).",
                   "Het jaar waarin de knoppen ingaan (vóór 2013 is vóór de hervorming)."),
    "dwellings": ("Step-free, adapted dwellings older people can move to. Evidence: adapting dwellings lowers home "
                  "care (de Kam 2012), but in Hengelo few of 58 such dwellings reached the target group. "
                  "EUR 25,000 each, one-off, paid by the housing association.",
                  "Nultredenwoningen waar ouderen heen kunnen verhuizen. Bewijs: aanpassen van woningen verlaagt "
                  "thuiszorg (de Kam 2012), maar in Hengelo bereikten weinig van 58 zulke woningen de doelgroep. "
                  "EUR 25.000 per woning, eenmalig, betaald door de woningcorporatie."),
    "team": ("Extra wijkverpleging (district nursing, Zvw) in the area: more care delivered, less unmet need. "
             "Evidence: integrated neighbourhood teams in the experimental areas (de Kam 2012); Rotterdam found no "
             "effect on quality of life (2016). EUR 75 an hour, paid by the health insurer.",
             "Extra wijkverpleging (Zvw) in het gebied: meer geleverde zorg, minder onvervulde vraag. Bewijs: "
             "geïntegreerde buurtteams in de proefgebieden (de Kam 2012); Rotterdam vond geen effect op kwaliteit "
             "van leven (2016). EUR 75 per uur, betaald door de zorgverzekeraar."),
    "alarm": ("Home care on call within this many minutes after an alarm. Evidence: VV3 clients sometimes need "
              "help within 10 minutes, 20-30 minutes is the usual norm (RIGO). EUR 45,000 a neighbourhood a year, "
              "paid by the health insurer.",
              "Zorg op afroep binnen zoveel minuten na een alarm. Bewijs: VV3-cliënten hebben soms binnen 10 "
              "minuten hulp nodig, 20-30 minuten is de gebruikelijke norm (RIGO). EUR 45.000 per buurt per jaar, "
              "betaald door de zorgverzekeraar."),
    "carer": ("Support for mantelzorgers (informal carers): the share of strain relieved. Evidence: support for "
              "carers is a software block of a woonservicegebied (DOMAIN.md §3); the size of the relief is an "
              "assumption. EUR 50,000 × relief a neighbourhood a year, paid by the municipality (Wmo).",
              "Mantelzorgondersteuning: het deel van de belasting dat wegvalt. Bewijs: steun voor mantelzorgers "
              "hoort bij de software van een woonservicegebied (DOMAIN.md §3); de omvang is een aanname. "
              "EUR 50.000 × ontlasting per buurt per jaar, betaald door de gemeente (Wmo)."),
    "route": ("How residents reach Wmo support (household help, begeleiding, day care) from 2015. Indication: need is "
              "met from the month it arises (the calibrated baseline). Kitchen table: the resident comes forward, an "
              "assessment of up to 2 months (Wmo 2015 art. 2.3.2 and 2.3.5), the network is asked first (its share is "
              "an assumption). Neighbourhood team: generalists notice need themselves and hear of it at "
              "housing-association visits (about twice a year, seed 001); in Enschede referrals to specialist care fell "
              "after the teams started (DOMAIN.md §4). Intake desk and voucher: the Swedish model, one price at every "
              "provider. How fast each route notices need is an assumption whose range includes no effect. Running "
              "cost a year per inhabitant (assumptions, sim/model/parameters.yaml 'access route'): kitchen table "
              "EUR 5, team EUR 15, desk EUR 5, paid by the municipality.",
              "Hoe inwoners Wmo-ondersteuning krijgen (huishoudelijke hulp, begeleiding, dagbesteding) vanaf 2015. "
              "Indicatie: de vraag wordt gedekt vanaf de maand waarin zij ontstaat (de gekalibreerde basis). "
              "Keukentafel: de inwoner meldt zich, een onderzoek van hooguit 2 maanden (Wmo 2015 art. 2.3.2 en 2.3.5), "
              "eerst wordt het netwerk gevraagd (dat aandeel is een aanname). Wijkteam: generalisten zien de vraag zelf "
              "en horen ervan bij bezoeken van de corporatie (ongeveer twee keer per jaar, seed 001); in Enschede daalden "
              "verwijzingen naar specialistische zorg na de start van de teams (DOMAIN.md §4). Loket en voucher: het "
              "Zweedse model, één prijs bij elke aanbieder. Hoe snel elke route de vraag ziet is een aanname waarvan "
              "het bereik geen effect insluit. Lopende kosten per inwoner per jaar (aannames, sim/model/parameters.yaml "
              "'access route'): keukentafel EUR 5, wijkteam EUR 15, loket EUR 5, betaald door de gemeente."),
    "team_mandate": ("Neighbourhood team only. With a mandate (as Delft's generalists with a mandate and a budget, seed "
                     "000) the team decides at once and arranges a dwelling in an emergency; without one it hands cases "
                     "to the desk (up to 2 months) and loses a share of them in the handover (20 %, an assumption).",
                     "Alleen voor het wijkteam. Met mandaat (zoals de generalisten in Delft met mandaat en budget, seed "
                     "000) beslist het team meteen en regelt het in nood een woning; zonder mandaat draagt het zaken "
                     "over aan het loket (hooguit 2 maanden) en raakt een deel kwijt bij de overdracht (20 %, een aanname)."),
    "budget_cut": ("A yearly Wmo budget this share below the spending on the same care in the year before it starts "
                   "(the decentralisation cut the budget it transferred by about 25 %, seed 000). When it binds, the "
                   "route's response follows: a waiting list (indication), stricter access (kitchen table) or fewer "
                   "hours (team, voucher), and spending stays within the budget. 0: as in the scenario.",
                   "Een jaarlijks Wmo-budget dat dit deel lager ligt dan de uitgaven aan dezelfde zorg in het jaar "
                   "ervoor (bij de decentralisatie ging er ongeveer 25 % af van het overgehevelde budget, seed 000). Als "
                   "het knelt volgt de reactie van de route: een wachtlijst (indicatie), strengere toegang "
                   "(keukentafel) of minder uren (wijkteam, voucher), en de uitgaven blijven binnen het budget. 0: zoals "
                   "in het scenario."),
    "budget_from_year": ("First year of the budget: not before the route starts (2015) and, for a cut, after the first "
                         "simulated year (the cut is measured against the year before).",
                         "Eerste jaar van het budget: niet vóór de start van de route (2015) en, bij een korting, na het "
                         "eerste gesimuleerde jaar (de korting wordt gemeten aan het jaar ervoor)."),
    "replicates": ("Runs per scenario with different chance. More replicates give narrower intervals and take "
                   "longer; 3 is a good start, 1 shows no interval.",
                   "Runs per scenario met ander toeval. Meer herhalingen geven smallere intervallen en duren "
                   "langer; 3 is een goed begin, 1 toont geen interval."),
    "plain_too": ("Shows each scenario with and without your levers side by side.",
                  "Toont elk scenario met en zonder uw knoppen naast elkaar."),
    "variant_name": ("Every run is saved under this name (or a generated one) and can be opened again later.",
                     "Elke berekening wordt onder deze naam (of een gegenereerde) bewaard en kan later weer "
                     "geopend worden."),
}
MONTHS_KM = "months_at_home_km"                         # sim.studies.compare.MONTHS_KM
MONTHS_SPELLS = "months_independent_after_indication"   # the mean of the spells that ended (a yearly indicator)
# the access route's indicators (issue 14), selectable in the time series: months from need to support,
# people waiting, and Wmo spending against the budget
ROUTE_INDICATORS = ("months_from_need_to_support", "wmo_waiting_per_1000", "wmo_need_unnoticed_per_1000",
                    "wmo_budget_per_capita", "wmo_capped_spending_per_capita", "wmo_spending_over_budget_share",
                    "cost_access_route_per_capita")
ROUTES = ("indication", "kitchen_table", "neighbourhood_team", "intake_voucher")   # sim.model.mechanisms.access
# the map's per-neighbourhood values
MAP_LABELS = {
    "residents_65plus": ("Residents 65+", "Inwoners 65+"),
    "adapted_dwellings": ("adapted dwellings", "aangepaste woningen"),
    "care_team_hours": ("district nursing hours (wijkverpleging)", "uren wijkverpleging"),
    "care_on_call": ("home care on call", "zorg op afroep"),
    "carer_support": ("carer support (mantelzorg)", "mantelzorgondersteuning"),
    "falls": ("Falls", "Valincidenten"),
    "hours_needed": ("Care hours needed", "Benodigde zorguren"),
    "hours_unmet": ("Care hours unmet", "Onvervulde zorguren"),
    "wsg": ("Woonservicegebied completeness (0-1)", "Volledigheid woonservicegebied (0-1)"),
}
MAP_VALUES = ("unmet_need_share", "hours_unmet", "hours_needed", "falls", "residents_65plus", "wsg")
SERIES_CHOICES = tuple(dict.fromkeys(KEY_INDICATORS + (
    "intramural_residents_per_1000", "extramuralised_clients_per_1000", "wellbeing_mean_clients",
    "mantelzorg_hours_per_1000", "carer_breakdowns_per_1000", "moved_to_adapted_dwelling_per_1000",
    ) + tuple(cost_indicator(p) for p in COST_PAYERS) + ROUTE_INDICATORS))
ALARM_CHOICES = (0, 5, 10, 15, 20, 30)
LEDGER_STYLES = ("-", "--", "-.", ":", (0, (5, 1)), (0, (3, 1, 1, 1)))   # parties differ by line style too
# +1: higher is better for the people (or cheaper for the payers: -1 on costs)
DIRECTION = {"months_independent_after_indication": 1, "share_75plus_independent": 1, "unmet_need_share": -1,
             "intramural_admissions_per_1000": -1, "falls_per_1000_65plus": -1,
             "hospital_admissions_per_1000_65plus": -1, "carers_overburdened_share": -1,
             "alarm_response_within_target_share": 1, "cost_total_per_capita": -1, MONTHS_KM: 1,
             "months_from_need_to_support": -1, "wmo_waiting_per_1000": -1, "wmo_need_unnoticed_per_1000": -1,
             "wmo_spending_over_budget_share": -1}


def t(key: str, lang: str, **fields) -> str:
    """The app's text, or a text shared with the other outputs (sim.workshop.labels.TEXTS)."""
    text = (TEXT.get(key) or TEXTS[key])[lang == "nl"]
    return text.format(**fields) if fields else text


def label(name: str, lang: str) -> str:
    pair = MAP_LABELS.get(name)
    return pair[lang == "nl"] if pair else shared_label(name, lang)


def years_text(window) -> str:
    return f"{window[0]}–{window[1]}"


# ---- figures: for a projector (matplotlib's object API, no pyplot: figures are drawn in several threads) -

FONT = 18           # points at 100 dpi: 25 px in the PNG; the smallest (FONT - 4) stays >= 16 px on a 1280 x 720 screen
FIG_WIDTH = 9.6     # inches at 100 dpi: 960 px, about the main column at 1280 px (tests/test_app.py)
_figure_lock = threading.Lock()   # Agg and font caches are not guaranteed thread-safe
# spells and yearly (the Kaplan-Meier months at home and the ledger) are None in a variant saved before them
Result = namedtuple("Result", ["scenario", "table", "cells", "spells", "yearly"], defaults=(None, None))


def _figure(height: float, width: float = FIG_WIDTH) -> Figure:
    fig = Figure(figsize=(width, height), layout="constrained")
    return fig


def _style(ax):
    ax.tick_params(labelsize=FONT - 3)
    ax.xaxis.label.set_size(FONT - 2)
    ax.yaxis.label.set_size(FONT - 2)
    ax.title.set_size(FONT)


def _png(fig: Figure) -> bytes:
    buf = io.BytesIO()
    with _figure_lock:
        fig.savefig(buf, format="png", dpi=100, metadata={"Software": f"langerthuis {sim.__version__}"})
    return buf.getvalue()


class _Ticks(ScalarFormatter):
    """Matplotlib's own tick labels, with a decimal comma and a thousands point in Dutch."""
    def __init__(self, lang):
        super().__init__(useOffset=False)
        self.lang = lang

    def __call__(self, x, pos=None):
        s = super().__call__(x, pos).replace("\N{MINUS SIGN}", "-")
        return s.translate(str.maketrans(",.", ".,")) if self.lang == "nl" else s


def _decimal(lang):
    return _Ticks(lang)


def map_png(results: dict, value: str, lang: str) -> bytes:
    """One map per scenario on a common colour scale (cividis), woonservicegebied neighbourhoods outlined black
    and white, districts named; at most three maps a row so eight scenarios stay readable."""
    n = len(results)
    cols = min(n, 3)
    rows = -(-n // cols)
    fig = _figure(4.6 * rows + 0.4)
    axes = fig.subplots(rows, cols, squeeze=False).ravel()
    columns = list(dict.fromkeys([value, "wsg"]))   # colouring by "wsg" must not select it twice
    means = {name: r.cells.groupby(["x", "y"], as_index=False)[columns].mean() for name, r in results.items()}
    vmin = min(m[value].min() for m in means.values())
    vmax = max(max(m[value].max() for m in means.values()), vmin + 1e-9)
    for ax, (name, mean) in zip(axes, means.items()):
        width, height = int(mean.x.max()) + 1, int(mean.y.max()) + 1
        grid = np.full((height, width), np.nan)
        grid[mean.y.astype(int), mean.x.astype(int)] = mean[value]
        image = ax.imshow(grid, origin="lower", cmap=MAP_COLOURMAP, vmin=vmin, vmax=vmax)
        for row in mean[mean.wsg > 0].itertuples():
            for colour, lw in zip(WSG_OUTLINE, (5, 2)):
                ax.add_patch(Rectangle((row.x - 0.45, row.y - 0.45), 0.9, 0.9, fill=False, edgecolor=colour,
                                       linewidth=lw))
        for d, cells in districts(width, height).items():
            x, y = np.mean([c[0] for c in cells]), np.mean([c[1] for c in cells])
            ax.text(x, y, d, ha="center", va="center", fontsize=FONT - 4, color="black",
                    bbox={"facecolor": "white", "alpha": 0.7, "linewidth": 0, "pad": 1})
        ax.set_title(name, fontsize=FONT)
        ax.set_xticks([])
        ax.set_yticks([])
    for ax in axes[n:]:
        ax.set_visible(False)
    bar = fig.colorbar(image, ax=list(axes[:n]), shrink=0.9)
    bar.set_label(label(value, lang), fontsize=FONT - 2)
    bar.ax.tick_params(labelsize=FONT - 4)
    bar.ax.yaxis.set_major_formatter(_decimal(lang))
    return _png(fig)


def _panels(k: int):
    cols = min(k, 2)
    rows = -(-k // cols)
    fig = _figure(3.9 * rows + 1.0)
    return fig, fig.subplots(rows, cols, squeeze=False).ravel()


def _band_plot(ax, frame: pd.DataFrame, names: list[str], all_names: list[str]):
    for name in names:
        i = all_names.index(name)
        s = frame[frame.scenario == name]
        colour = SCENARIO_COLOURS[i % len(SCENARIO_COLOURS)]
        ax.plot(s.year, s["mean"], color=colour, linestyle=SCENARIO_STYLES[i % len(SCENARIO_STYLES)],
                linewidth=2.5, label=name)
        ax.fill_between(s.year, s["low"].astype(float), s["high"].astype(float), color=colour, alpha=0.18)


def _legend(fig, axes, title=None):
    handles, labels = axes[0].get_legend_handles_labels()
    if handles:
        fig.legend(handles, labels, loc="outside lower center", ncols=min(len(labels), 3), fontsize=FONT - 3,
                   title=title, title_fontsize=FONT - 3)


def series_png(table: pd.DataFrame, indicators: list[str], lang: str) -> bytes:
    fig, axes = _panels(len(indicators))
    names = list(table.scenario.unique())
    for ax, ind in zip(axes, indicators):
        _band_plot(ax, bands(table, ind), names, names)
        ax.set_title(label(ind, lang))
        ax.set_xlabel(t("year", lang))
        ax.yaxis.set_major_formatter(_decimal(lang))
        _style(ax)
    for ax in axes[len(indicators):]:
        ax.set_visible(False)
    _legend(fig, axes)
    return _png(fig)


def difference_png(table: pd.DataFrame, indicators: list[str], base: str, lang: str) -> bytes:
    fig, axes = _panels(len(indicators))
    all_names = list(table.scenario.unique())
    names = [n for n in all_names if n != base]
    for ax, ind in zip(axes, indicators):
        _band_plot(ax, differences(table, ind, base), names, all_names)
        ax.axhline(0, color="grey", linewidth=1)
        ax.set_title(label(ind, lang))
        ax.set_xlabel(t("year", lang))
        ax.yaxis.set_major_formatter(_decimal(lang))
        _style(ax)
    for ax in axes[len(indicators):]:
        ax.set_visible(False)
    if names:
        _legend(fig, axes, title=f"− {base}")
    return _png(fig)


def parties_png(summary: pd.DataFrame, base: str, lang: str) -> bytes:
    """Left: each party's yearly euros million per scenario (bars by party colour, scenarios by hatch);
    right: each party's paired difference from the base with its 5-95 % interval."""
    names = list(summary.scenario.unique())
    others = [n for n in names if n != base]
    fig = _figure(5.4)
    axes = fig.subplots(1, 2 if others else 1, squeeze=False)[0]
    x = np.arange(len(PAYERS))

    def bars(ax, scen, col, lo, hi):
        width = 0.8 / len(scen)
        for j, name in enumerate(scen):
            s = summary[summary.scenario == name].set_index("payer").reindex(list(PAYERS))
            m = s[col].to_numpy() / 1e6
            err = np.vstack([m - s[lo].to_numpy() / 1e6, s[hi].to_numpy() / 1e6 - m])
            ax.bar(x + (j - (len(scen) - 1) / 2) * width, m, width, yerr=np.clip(err, 0, None), capsize=3,
                   color=[PARTY_COLOURS[p] for p in PAYERS], edgecolor="black", linewidth=0.8,
                   hatch=SCENARIO_HATCHES[names.index(name) % len(SCENARIO_HATCHES)])
        ax.set_xticks(x, [label(p, lang).split(" (")[0] for p in PAYERS], rotation=15)
        ax.yaxis.set_major_formatter(_decimal(lang))
        _style(ax)

    bars(axes[0], names, "mean", "low", "high")
    axes[0].set_ylabel(t("eur_million", lang))
    if others:
        bars(axes[1], others, "diff_mean", "diff_low", "diff_high")
        axes[1].axhline(0, color="grey", linewidth=1)
        axes[1].set_title(f"{t('vs_base', lang)}: {base}", fontsize=FONT)
    # the legend names the scenarios by their hatch (grey swatches: the colour belongs to the party)
    handles = [Patch(facecolor="#DDDDDD", edgecolor="black", hatch=SCENARIO_HATCHES[i % len(SCENARIO_HATCHES)],
                     label=n) for i, n in enumerate(names)]
    fig.legend(handles=handles, loc="outside lower center", ncols=min(len(names), 3), fontsize=FONT - 3)
    return _png(fig)


def ledger_png(ledger: pd.DataFrame, order: list[str], lang: str) -> bytes:
    """Per scenario after the base: each of the six parties' net a year (euros million, positive: better off
    than in the base) with its 5-95 % band over the replicates; colour and line style per party."""
    from sim.studies.ledger import PARTIES
    others = order[1:]
    fig = _figure(4.2 * len(others) + 1.2)
    axes = fig.subplots(len(others), 1, squeeze=False)[:, 0]
    for ax, name in zip(axes, others):
        g = ledger[ledger.scenario == name]
        for k, party in enumerate(PARTIES):
            q = g[g.party == party].sort_values("year")
            colour = PARTY_COLOURS[party]
            ax.plot(q.year, q.net_mean / 1e6, color=colour, linestyle=LEDGER_STYLES[k % len(LEDGER_STYLES)],
                    linewidth=2.5, label=label(party, lang))
            ax.fill_between(q.year, q.net_p5 / 1e6, q.net_p95 / 1e6, color=colour, alpha=0.15, linewidth=0)
        ax.axhline(0, color="grey", linewidth=1)
        ax.set_title(f"{name} − {order[0]}")
        ax.set_ylabel(t("ledger_axis", lang))
        ax.set_xlabel(t("year", lang))
        ax.yaxis.set_major_formatter(_decimal(lang))
        _style(ax)
    handles, labels = axes[0].get_legend_handles_labels()     # two columns: the long party names fit
    fig.legend(handles, labels, loc="outside lower center", ncols=2, fontsize=FONT - 3)
    return _png(fig)


def ledger_difference_png(summary: pd.DataFrame, lang: str, scenario: str = "B") -> bytes:
    """B − A per party: the NPV of the net (euros million) with its 5-95 % interval, bars in the party colours."""
    from sim.studies.ledger import PARTIES
    d = summary[summary.scenario == scenario].set_index("party").reindex(list(PARTIES))
    fig = _figure(4.8)
    ax = fig.subplots()
    m = d.npv_mean.to_numpy(dtype=float) / 1e6
    err = np.vstack([m - d.npv_p5.to_numpy(dtype=float) / 1e6, d.npv_p95.to_numpy(dtype=float) / 1e6 - m])
    ax.barh(np.arange(len(PARTIES)), m, xerr=np.clip(err, 0, None), capsize=4,
            color=[PARTY_COLOURS[p] for p in PARTIES], edgecolor="black", linewidth=0.8)
    ax.set_yticks(np.arange(len(PARTIES)), [label(p, lang) for p in PARTIES])
    ax.invert_yaxis()
    ax.axvline(0, color="grey", linewidth=1)
    ax.set_xlabel(t("npv_axis", lang))
    ax.xaxis.set_major_formatter(_decimal(lang))
    _style(ax)
    return _png(fig)


# ---- tables -------------------------------------------------------------------------------------------


def window_outcomes(table: pd.DataFrame, base: str, window, indicators=KEY_INDICATORS, km=None) -> pd.DataFrame:
    """Per scenario and indicator: mean over the window (5-95 % over replicates) and the paired difference.

    With ``km`` (``appcache.km_months``: per scenario and replicate) the months at home are the Kaplan-Meier
    restricted mean of compare and the report (``months_at_home_km``), in place of the mean of the spells
    that happened to end in the window (biased by censoring and truncation: sim/studies/survival.py)."""
    lo, hi = window
    t_ = table[(table.year >= lo) & (table.year <= hi)]
    rows = []
    if km is not None and len(km):
        indicators = [i for i in indicators if i != MONTHS_SPELLS]
        d = km_differences(km, base).set_index("scenario")
        for name, v in km.groupby("scenario", sort=False)[MONTHS_KM]:
            values = v.to_numpy(dtype=float)
            has = name in d.index
            rows.append({"indicator": MONTHS_KM, "scenario": name, "from_year": lo, "to_year": hi,
                         "mean": float(np.mean(values)), "low": float(np.percentile(values, 5)),
                         "high": float(np.percentile(values, 95)),
                         "diff_mean": d.loc[name, "mean"] if has else np.nan,
                         "diff_low": d.loc[name, "low"] if has else np.nan,
                         "diff_high": d.loc[name, "high"] if has else np.nan})
    for ind in indicators:
        per_rep = t_[t_.indicator == ind].groupby(["scenario", "replicate"], sort=False)["value"].mean()
        d = window_differences(table, ind, base, window).set_index("scenario")
        for name, v in per_rep.groupby(level="scenario", sort=False):
            values = v.to_numpy(dtype=float)
            has = name in d.index
            rows.append({"indicator": ind, "scenario": name, "from_year": lo, "to_year": hi,
                         "mean": float(np.mean(values)), "low": float(np.percentile(values, 5)),
                         "high": float(np.percentile(values, 95)),
                         "diff_mean": d.loc[name, "mean"] if has else np.nan,
                         "diff_low": d.loc[name, "low"] if has else np.nan,
                         "diff_high": d.loc[name, "high"] if has else np.nan})
    return pd.DataFrame(rows)


def cue(indicator: str, low, high, lang: str) -> str:
    """'better' / 'worse' when the whole interval of the difference lies on one side of zero."""
    sign = DIRECTION.get(indicator)
    if sign is None or not np.isfinite(low) or not np.isfinite(high):
        return ""
    if low > 0 or high < 0:
        good = (low > 0) == (sign > 0)
        return f"{'▲' if low > 0 else '▼'} {t('better' if good else 'worse', lang)}"
    return t("unclear", lang)


def outcomes_html(outcomes: pd.DataFrame, lang: str) -> str:
    """The key outcomes as an HTML table (not Markdown: Solara's Markdown loads a diagram library)."""
    def fmt(ind, m, lo, hi, signed=False):
        if pd.isna(m):
            return ""
        return (f"{fmt_value(ind, m, lang, signed)} ({fmt_value(ind, lo, lang, signed)} – "
                f"{fmt_value(ind, hi, lang, signed)})")
    head = "".join(f"<th>{escape(t(k, lang))}</th>" for k in ("indicators", "scenario", "mean", "vs_base"))
    rows = "".join(f"<tr><td>{escape(label(r.indicator, lang))}</td><td>{escape(r.scenario)}</td>"
                   f"<td>{fmt(r.indicator, r.mean, r.low, r.high)}</td>"
                   f"<td>{fmt(r.indicator, r.diff_mean, r.diff_low, r.diff_high, True)} "
                   f"<b>{escape(cue(r.indicator, r.diff_low, r.diff_high, lang))}</b></td></tr>"
                   for r in outcomes.itertuples())
    return f'<table class="lt-table"><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>'


def parties_html(summary: pd.DataFrame, lang: str) -> str:
    def fmt(m, lo, hi):
        return "" if pd.isna(m) else f"{fmt_eur_million(m, lang)} ({fmt_eur_million(lo, lang)} – {fmt_eur_million(hi, lang)})"
    head = "".join(f"<th>{escape(h)}</th>" for h in (t("party", lang), t("scenario", lang), t("mean", lang),
                                                       t("vs_base", lang)))
    rows = "".join(f"<tr><td>{escape(label(r.payer, lang))}</td><td>{escape(r.scenario)}</td>"
                   f"<td>{fmt(r.mean, r.low, r.high)}</td><td>{fmt(r.diff_mean, r.diff_low, r.diff_high)}</td></tr>"
                   for r in summary.itertuples())
    return f'<table class="lt-table lt-parties-table"><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>'


def ledger_html(tables: dict, order: list[str], lang: str) -> str:
    """The ledger per party: net a year over the window (euros million, 90 % bounds), NPV with its interval,
    break-even year and the number of replicates; then the split-incentive line of each scenario."""
    from sim.studies.ledger import PARTIES, split_incentive
    yearly = tables["yearly"].set_index(["scenario", "party"])
    summary = tables["summary"].set_index(["scenario", "party"])

    def m(v, lo, hi):
        return f"{fmt_eur_million(v, lang)} ({fmt_eur_million(lo, lang)} – {fmt_eur_million(hi, lang)})"
    head = "".join(f"<th>{escape(t(k, lang))}</th>" for k in ("party", "scenario", "net_year", "npv", "breakeven",
                                                             "n_replicates"))
    rows, lines = [], []
    for name in order[1:]:
        for party in PARTIES:
            if (name, party) not in summary.index:
                continue
            y, n = yearly.loc[(name, party)], summary.loc[(name, party)]
            be = n.breakeven_year
            rows.append(f"<tr><td><span class='lt-swatch' style='background:{PARTY_COLOURS[party]}'></span> "
                        f"{escape(label(party, lang))}</td><td>{escape(name)}</td>"
                        f"<td>{escape(m(y.net_mean, y.net_p5, y.net_p95))}</td>"
                        f"<td>{escape(m(n.npv_mean, n.npv_p5, n.npv_p95))}</td>"
                        f"<td>{escape(t('never', lang) if pd.isna(be) else str(int(be)))}</td>"
                        f"<td>{int(n.replicates)}</td></tr>")
        si = split_incentive(tables["summary"], name)
        names = lambda keys: ", ".join(label(k, lang) for k in keys) or t("nobody", lang)
        amounts = lambda keys: "; ".join(f"{label(k, lang)} {fmt_eur_million(si['npv'][k], lang)}" for k in keys) or "–"
        lines.append(shared_text("split_incentive", lang, scenario=name, losers=names(si["losers"]),
                       pay_verb="s" if len(si["losers"]) == 1 else "", they="it" if len(si["losers"]) == 1 else "they",
                       loss=amounts(si["losers"]), gainers=names(si["gainers"]),
                       gain_verb="s" if len(si["gainers"]) == 1 else "", gain=amounts(si["gainers"]),
                       society=fmt_eur_million(si["society"], lang)))
    return (f'<table class="lt-table lt-ledger-table"><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody>'
            f'</table>' + "".join(f'<p class="lt-split">{escape(x)}</p>' for x in lines))


def ledger_of(results: dict, order: list[str], window):
    """The ledger tables (``appcache.ledger_tables``) of the scenarios in ``order`` against the first, or
    None when a run has no ledger records (an old variant) or only one scenario is shown."""
    paired = paired_ledger({n: results[n].scenario for n in order}, {n: results[n].table for n in order},
                           {n: results[n].yearly for n in order}, order, window)
    return None if paired is None else ledger_tables(paired, window)


def km_of(results: dict, window) -> pd.DataFrame:
    """Per scenario and replicate the Kaplan-Meier months at home (empty for an old variant without spells)."""
    if any(r.spells is None for r in results.values()):
        return km_months({}, window)
    return km_months({n: r.spells for n, r in results.items()}, window)


def headline(table: pd.DataFrame, costs: pd.DataFrame, name: str, base: str, window, km=None) -> dict:
    """The three numbers that matter for one comparison, each (mean, low, high) of the paired difference from
    ``base`` over the window: months at home (Kaplan-Meier with ``km``, as compare and the report), unmet need
    share, public cost a year (all parties, euros)."""
    def diff(ind):
        if ind == MONTHS_KM:
            d = km_differences(km, base).set_index("scenario")
        else:
            d = window_differences(table, ind, base, window).set_index("scenario")
        return tuple(float(d.loc[name, c]) for c in ("mean", "low", "high")) if name in d.index else (np.nan,) * 3
    total = costs.groupby(["scenario", "replicate"], sort=False)["eur"].sum().unstack("scenario")
    if name in total and base in total:    # the interval of a sum: from the per-replicate totals
        d = (total[name] - total[base]).to_numpy()
        cost = (float(d.mean()), float(np.percentile(d, 5)), float(np.percentile(d, 95)))
    else:
        cost = (np.nan,) * 3
    months = diff(MONTHS_KM) if km is not None and len(km) else diff(MONTHS_SPELLS)
    return {"months": months, "unmet": diff("unmet_need_share"), "cost": cost}


def csv_text(frame: pd.DataFrame, lang: str) -> str:
    """A table as CSV for a spreadsheet: in Dutch ';' between fields and a decimal comma (a Dutch Excel reads
    '1.5' as a date or text), with Dutch column names where the app has them."""
    if lang != "nl":
        return frame.to_csv(index=False)
    names = {c: shared_label(c, "nl") if c in TEXTS else CSV_NL.get(c, c) for c in frame.columns}
    return frame.rename(columns=names).to_csv(index=False, sep=";", decimal=",")


CSV_NL = {"replicate": "herhaling", "indicator": "indicator", "value": "waarde", "payer": "betaler",
          "low": "p5", "high": "p95", "diff_mean": "verschil_gemiddelde", "diff_low": "verschil_p5",
          "diff_high": "verschil_p95", "from_year": "vanaf_jaar", "to_year": "tot_en_met_jaar", "eur": "euro",
          "n_replicates": "herhalingen", "x": "x", "y": "y", "neighbourhood": "buurt"}


CSS = """
.lt-scenario .v-input__details, .lt-scenario .v-messages { display: none; }
.lt-scenario .v-input--selection-controls { margin-top: 0; padding-top: 0; }
.lt-scenario label { font-size: 14px !important; }
.lt-table { border-collapse: collapse; font-size: 17px; }
.lt-table th, .lt-table td { border-bottom: 1px solid #ddd; padding: 4px 10px; text-align: left; }
.lt-main img { width: 100%; max-width: 1000px; height: auto; }
.lt-lever .v-input__details, .lt-lever .v-messages { display: none; }
.lt-lever .v-input { margin-top: -6px; }
.lt-help { font-size: 12px; color: #444; }
.lt-cost { font-size: 13px; color: #333; background: #f4f4f4; padding: 4px 6px; margin: 2px 0 6px 0; }
.lt-headline { display: flex; flex-wrap: wrap; gap: 12px; }
.lt-number { flex: 1 1 200px; border: 2px solid #0072B2; border-radius: 6px; padding: 8px 12px; }
.lt-number .big { font-size: 34px; font-weight: bold; line-height: 1.2; }
.lt-number .what { font-size: 17px; }
.lt-number .range { font-size: 15px; color: #444; }
.lt-layout { display: flex; align-items: flex-start; width: 100%; }
.lt-side { flex: none; width: 330px; max-height: 100vh; overflow-y: auto; position: sticky; top: 0;
           padding: 0 10px 10px 4px; border-right: 1px solid #ddd; background: #fafafa; }
.lt-main { flex: 1 1 auto; min-width: 0; font-size: 17px; padding: 0 8px; }
.lt-title { margin: 0; font-size: 24px; }
.lt-swatch { display: inline-block; width: 14px; height: 14px; border: 1px solid #000; vertical-align: middle; }
.lt-split { font-size: 17px; margin: 6px 0; }
.lt-run-bar { position: sticky; top: 0; z-index: 5; background: #fafafa; padding: 6px 0; }
"""


# ---- state of one browser session ----------------------------------------------------------------------

lang = solara.reactive("en")
chosen = solara.reactive(["baseline"])
where = solara.reactive("centrum")
cells_text = solara.reactive("")
move_wsg = solara.reactive(True)
start_year = solara.reactive(2016)
dwellings = solara.reactive(0)
team_hours = solara.reactive(0)
alarm = solara.reactive(0)
carer = solara.reactive(0.0)
replicates = solara.reactive(3)
plain_too = solara.reactive(True)
access_route = solara.reactive("")
team_mandate = solara.reactive(True)
budget_cut = solara.reactive(0.0)
budget_from_year = solara.reactive(2015)
variant_name = solara.reactive("")
status = solara.reactive("")
error = solara.reactive("")
map_value = solara.reactive("unmet_need_share")
series_choice = solara.reactive(list(KEY_INDICATORS[:4]))
base_choice = solara.reactive("")
shown = solara.reactive(None)           # the results on the page: {name: Result}
shown_meta = solara.reactive({})        # variant name, slug and the settings the results were made with
from_cache = solara.reactive(False)
confirm = solara.reactive("")           # the time-estimate warning of a big run awaiting "Run anyway"
cancel_event = solara.reactive(None)
cancelled = solara.reactive(False)
open_choice = solara.reactive("")
ab_choice = solara.reactive(("", ""))
url_loaded = solara.reactive(False)
pending_import = solara.reactive(None)    # a dropped variant file, imported after the render
panel_open = solara.reactive(True)

# the kernel compiles once per installation (Numba's cache): a tiny run in the background at server start
_warm = {"done": threading.Event(), "seconds": None}


def _warm_up():
    try:
        _warm["seconds"] = appcache.warm_up()
    except Exception:   # noqa: BLE001 - a failed warm-up only costs the first Run its speed
        pass
    finally:
        _warm["done"].set()


if os.environ.get("LANGERTHUIS_NO_WARMUP") != "1":
    threading.Thread(target=_warm_up, daemon=True, name="langerthuis-warm-up").start()
else:
    _warm["done"].set()


class Cancelled(Exception):
    """The room pressed Cancel (or closed the page): the run stops at the end of the simulated year."""


def scenario_files() -> dict:
    return list_scenarios(os.environ.get("LANGERTHUIS_SCENARIOS") or SCENARIO_DIR)


def current_levers() -> Levers:
    return Levers(where=where.value, cells=cells_of(cells_text.value), move_scenario_wsg=move_wsg.value,
                  start_year=start_year.value, adapted_dwellings=dwellings.value,
                  care_team_hours=float(team_hours.value), alarm_minutes=float(alarm.value),
                  carer_support=round(float(carer.value), 2), replicates=replicates.value,
                  access_route=access_route.value, team_mandate=team_mandate.value,
                  budget_cut=round(float(budget_cut.value), 2), budget_from_year=budget_from_year.value)


def cells_of(text: str) -> str:
    """Neighbourhood names ('Noord 1; Oost 2') or coordinates ('3,4') as the 'x,y; x,y' of Levers."""
    if not text.strip() or not chosen.value:
        return text
    files = scenario_files()
    stem = chosen.value[0]
    if stem not in files:
        return text
    grid = load_scenario(files[stem])["municipality"]["grid"]
    by_name = {n.lower(): xy for xy, n in neighbourhood_names(grid["width"], grid["height"]).items()}
    parts = []
    for part in text.replace("\n", ";").split(";"):
        xy = by_name.get(" ".join(part.split()).lower())
        parts.append(f"{xy[0]},{xy[1]}" if xy else part)
    return "; ".join(parts)


def settings() -> dict:
    """What the shown results depend on: compared with the side panel to mark them out of date."""
    return {"chosen": list(chosen.value), "levers": current_levers(), "plain_too": plain_too.value}


def build_jobs() -> dict:
    """name -> resolved scenario of every run the choices ask for (InputError on a bad choice)."""
    levers = current_levers()
    files, jobs = scenario_files(), {}
    for stem in chosen.value:
        plain = apply_levers(load_scenario(files[stem]), Levers(replicates=replicates.value, move_scenario_wsg=False))
        changed = apply_levers(plain, levers)
        for s in ([plain] if plain_too.value or changed["name"] == plain["name"] else []) + [changed]:
            jobs[s["name"]] = s
    # paired as in `langerthuis compare`: every run uses the first scenario's seed (common random numbers)
    seed = next(iter(jobs.values()))["seed"]
    return {n: s if s["seed"] == seed else apply_levers(dict(s, seed=seed), Levers(move_scenario_wsg=False))
            for n, s in jobs.items()}


def _auto_name(levers: Levers, stems: list[str]) -> str:
    parts = [", ".join(stems)]
    if levers.adapted_dwellings:
        parts.append(f"{levers.adapted_dwellings} dw")
    if levers.care_team_hours:
        parts.append(f"{levers.care_team_hours:g} h")
    if levers.alarm_minutes:
        parts.append(f"{levers.alarm_minutes:g} min")
    if levers.carer_support:
        parts.append(f"cs {levers.carer_support:g}")
    if len(parts) > 1:
        parts.insert(1, levers.where if levers.where != "cells" else levers.cells)
    return f"{time.strftime('%H:%M:%S')} {' · '.join(parts)}"


def keep(results: dict, meta: dict, cache_hit: bool):
    """Show the results and save them as a named variant (a reload or another laptop opens them again)."""
    name = meta["name"]
    record = appcache.variant_record(name, meta["levers"], meta["chosen"], {n: tuple(r) for n, r in results.items()})
    record["plain_too"] = meta.get("plain_too")      # the side panel comes back with the variant
    slug = record["slug"]
    existing = {v["slug"] for v in appcache.list_variants()}
    k = 2
    while slug in existing:
        slug = f"{record['slug']}-{k}"
        k += 1
    record["slug"] = slug
    try:
        appcache.save_variant(record)
    except OSError as exc:
        error.value = f"variant not saved: {exc}"
    shown_meta.value = dict(meta, slug=slug)
    from_cache.value = cache_hit
    shown.value = results


@task
def run_all(jobs: list, meta: dict, stop: threading.Event, closed) -> dict:
    """Run (or fetch from the cache) every job, reporting progress in scenarios and simulated years."""
    L = lang.value
    if not _warm["done"].is_set():
        status.value = t("warming", L)
        _warm["done"].wait()
    results = {}
    for i, s in enumerate(jobs, start=1):
        reps, years = int(s["replicates"]), s["end_year"] - s["start_year"] + 1

        def progress(done, s=s, i=i, reps=reps, years=years):
            if stop.is_set() or (closed is not None and closed.is_set()):
                raise Cancelled()
            status.value = t("progress", L, i=i, n=len(jobs), name=s["name"], done=done, total=reps * years,
                             reps=reps, years=years)
            run_all.progress = 100.0 * ((i - 1) + done / (reps * years)) / len(jobs)
        progress(0)
        started = time.monotonic()
        run = run_full(s, progress)
        appcache.record_speed(s, time.monotonic() - started)
        results[s["name"]] = Result(s, *run)
    status.value = ""
    keep(results, meta, False)
    return results


def start_run(confirmed: bool = False):
    """Build the jobs from the choices (errors shown at once, nothing run); answer from the cache at once;
    ask before a run estimated to take long; else start the thread."""
    error.value = ""
    cancelled.value = False
    if not chosen.value:
        error.value = t("choose", lang.value)
        return
    try:
        jobs = build_jobs()
    except (InputError, KeyError) as exc:
        error.value = str(exc)
        return
    meta = dict(settings(), name=variant_name.value.strip() or _auto_name(current_levers(), chosen.value))
    hits = {n: cached_run(s) for n, s in jobs.items()}
    if all(h is not None for h in hits.values()):      # every run is in the cache: no thread, no "running"
        confirm.value = ""
        keep({n: Result(jobs[n], *hits[n]) for n in jobs}, meta, True)
        return
    seconds = sum(estimate_seconds(s) for n, s in jobs.items() if hits[n] is None)
    if seconds > BIG_RUN_SECONDS and not confirmed:
        confirm.value = t("big_run", lang.value, minutes=fmt_number(max(1.0, seconds / 60), lang.value, 0))
        return
    confirm.value = ""
    try:
        from solara.lifecycle import kernel_closed_event
        closed = kernel_closed_event()        # a reload or a closed tab stops the run too
    except (ImportError, RuntimeError):
        closed = None
    stop = threading.Event()
    cancel_event.value = stop
    run_all(list(jobs.values()), meta, stop, closed)


def cancel_run():
    if cancel_event.value is not None:
        cancel_event.value.set()
    cancelled.value = True


def open_variant(slug: str):
    try:
        record = appcache.load_variant(slug)
    except InputError as exc:
        error.value = str(exc)
        return
    results = {n: Result(*r) for n, r in appcache.variant_runs(record).items()}
    levers = Levers(**record["levers"])
    restore_panel(levers, record["chosen"], record.get("plain_too"))
    shown_meta.value = {"name": record["name"], "slug": record.get("slug", slug), "chosen": list(chosen.value),
                        "levers": current_levers(), "plain_too": plain_too.value}
    from_cache.value = True
    shown.value = results
    error.value = ""


def restore_panel(levers: Levers, stems: list, plain=None):
    """The side panel set to a variant's settings (after a reload, from a link, or opening it), so that Run
    makes the same variant again and a changed lever marks the results out of date."""
    files = scenario_files()
    chosen.set([s for s in stems if s in files] or list(chosen.value))
    where.set(levers.where)
    cells_text.set(levers.cells)
    move_wsg.set(bool(levers.move_scenario_wsg))
    start_year.set(int(levers.start_year))
    dwellings.set(int(levers.adapted_dwellings))
    team_hours.set(int(levers.care_team_hours))
    alarm.set(int(levers.alarm_minutes) if int(levers.alarm_minutes) in ALARM_CHOICES else 0)
    carer.set(float(levers.carer_support))
    if levers.replicates:
        replicates.set(int(levers.replicates))
    access_route.set(levers.access_route if levers.access_route in ROUTES else "")
    team_mandate.set(bool(levers.team_mandate))
    budget_cut.set(float(levers.budget_cut))
    budget_from_year.set(int(levers.budget_from_year))
    if plain is not None:
        plain_too.set(bool(plain))


def import_variant(file_info: dict):
    """FileDrop's callback, in FileDrop's thread: only hand the file over. Opening it changes the Variants card,
    which remounts the FileDrop and cancels its thread mid-way (the variant was named but never shown); the
    import itself runs after the next render (``import_pending``)."""
    pending_import.value = {"data": file_info["data"], "name": file_info.get("name", "file")}


def import_pending():
    file_info = pending_import.value
    if not file_info:
        return
    pending_import.value = None
    _import(file_info)


def _import(file_info: dict):
    try:
        record = appcache.check_variant(json.loads(file_info["data"].decode("utf-8")), file_info.get("name", "file"))
    except (ValueError, UnicodeDecodeError):
        error.value = f"{file_info.get('name', 'file')}: expected a langerthuis variant file, found other data"
        return
    except InputError as exc:
        error.value = str(exc)
        return
    record["slug"] = appcache.variant_slug(record["name"])
    appcache.save_variant(record)
    open_variant(record["slug"])


# ---- components ----------------------------------------------------------------------------------------


@solara.component
def Help(key: str, children=[]):
    """A control with its "what it does, what the evidence says" tooltip."""
    with solara.Tooltip(HELP[key][lang.value == "nl"]):
        with solara.Div(classes=[f"lt-help-{key}"]):
            solara.Div(children=children)


@solara.component
def Lever(name: str, text: str, value, lo, hi, step=1):
    """A slider with its label and value above it (Vuetify's side label squeezes the track)."""
    with solara.Tooltip(HELP[name][lang.value == "nl"]):
        # focusable (tabindex): a keyboard user tabbing through the sliders gets the tooltip too
        with solara.Div(classes=[f"lt-lever-{name}", "lt-lever"], attributes={"tabindex": "0"}):
            solara.Text(text, style={"font-size": "14px", "color": "#333"})
            slider = solara.SliderFloat if isinstance(step, float) else solara.SliderInt
            slider("", value=value, min=lo, max=hi, step=step)


@solara.component
def CostPreview():
    """Each lever's cost in euros, one-off and a year, and who pays, before anything runs."""
    L = lang.value
    files = scenario_files()
    if not chosen.value or chosen.value[0] not in files:
        return
    try:
        scenario = load_scenario(files[chosen.value[0]])
        costs = lever_costs(scenario, current_levers())
        budget = apply_levers(scenario, current_levers()).get("budget") if budget_cut.value else None
    except (InputError, KeyError) as exc:
        solara.Text(str(exc), classes=["lt-cost", "lt-cost-error"])
        return
    grid = scenario["municipality"]["grid"]
    size = scenario["municipality"]["inhabitants"] / (grid["width"] * grid["height"])
    lines = [t("cost_preview", L, scenario=chosen.value[0])]
    for c in costs:
        if c["type"] == "access_route":
            lines.append(f"{t('route_cost', L, route=t('route_' + c['route'], L), year=c['from_year'])}: "
                         f"€ {fmt_number(c['yearly'], L, 0)} {t('per_year', L)} ({t('paid_by', L)} {label(c['payer'], L)})")
            continue
        money = []
        if c["one_off"]:
            money.append(f"€ {fmt_number(c['one_off'], L, 0)} {t('one_off', L)}")
        if c["yearly"]:
            money.append(f"€ {fmt_number(c['yearly'], L, 0)} {t('per_year', L)}")
        if c["by_use"]:
            money.append(t("by_use", L, amount=fmt_number(c["by_use"], L, 0)))
        lines.append(f"{label(c['type'], L)}: {', '.join(money)} ({t('paid_by', L)} {label(c['payer'], L)}; "
                     f"{t('n_cells', L, n=c['cells'], size=fmt_number(round(size, -2), L, 0))})")
    if budget and budget.get("cut") is not None:
        lines.append(t("budget_preview", L, year=budget["from_year"], before=budget["from_year"] - 1,
                       share=fmt_percent(1 - budget["cut"], L)))
    if not costs and not budget:
        lines.append(t("no_cost", L))
    solara.HTML("div", "<br>".join(escape(x) for x in lines), classes=["lt-cost"])


@solara.component
def Controls():
    L = lang.value
    files = scenario_files()
    with solara.Div(classes=["lt-run-bar"]):
        with solara.Row():
            solara.Button(t("run", L), on_click=lambda: start_run(), color="primary", disabled=run_all.pending,
                          classes=["lt-run"], icon_name="mdi-play")
            if run_all.pending:
                solara.Button(t("cancel", L), on_click=cancel_run, classes=["lt-cancel"], icon_name="mdi-stop")
    with Help("language"):
        solara.ToggleButtonsSingle(value=lang, classes=["lt-language"],
                                   children=[solara.Button("English", value="en"),
                                             solara.Button("Nederlands", value="nl")])
    with Help("scenarios"):
        solara.HTML("b", escape(t("scenarios", L)))
    for stem, path in files.items():
        def toggle(on, stem=stem):
            chosen.set([s for s in files if (s == stem and on) or (s != stem and s in chosen.value)])
        description = scenario_description(stem, _description(path), L)
        with solara.Div(classes=["lt-scenario", f"lt-scenario-{stem}"]):
            solara.Checkbox(label=f"{description} ({stem})", value=stem in chosen.value, on_value=toggle)
    solara.HTML("b", escape(t("levers", L)))
    areas = sorted({a for stem in chosen.value if stem in files for a in load_scenario(files[stem])["areas"]})
    grid = load_scenario(files[chosen.value[0]])["municipality"]["grid"] if chosen.value and chosen.value[0] in files \
        else {"width": 10, "height": 10}
    # the generated districts ('Noord', ...), told apart from a scenario's own areas ('centrum') by their size
    names = {t("district", L, name=d, n=len(cells)): "cells:" + "; ".join(f"{x},{y}" for x, y in cells)
             for d, cells in districts(grid["width"], grid["height"]).items()}
    places = {a: a for a in areas} | {d: v for d, v in names.items()} | {t("all", L): "all", t("cells", L): "cells"}
    shown_place = {v: k for k, v in places.items()}
    current = where.value if where.value != "cells" or not cells_text.value else "cells"

    def choose_place(k):
        v = places.get(k)
        if v is None:        # an option of a list that changed meanwhile (another scenario's grid)
            return
        if v.startswith("cells:"):
            cells_text.set(v[len("cells:"):])
            where.set("cells")
        else:
            where.set(v)
    with Help("where"):
        with solara.Div(classes=["lt-lever-where"]):
            selected = shown_place.get(current, t("all", L))
            if where.value == "cells":
                match = [k for k, v in places.items() if v == "cells:" + cells_text.value.strip()]
                selected = match[0] if match else t("cells", L)
            solara.Select(t("where", L), values=list(places), value=selected, on_value=choose_place)
    if where.value == "cells":
        solara.InputText(t("cells_input", L), value=cells_text, classes=["lt-lever-cells"])
    with Help("move"):
        solara.Checkbox(label=t("move", L), value=move_wsg)
    Lever("start_year", f"{t('start_year', L)}: {start_year.value}", start_year, 2011, 2040)
    Lever("dwellings", f"{t('dwellings', L)}: {dwellings.value}", dwellings, 0, 20)
    Lever("team", f"{t('team', L)}: {team_hours.value}", team_hours, 0, 100, 5)
    alarm_labels = {(t("alarm_none", L) if m == 0 else f"{m} min"): m for m in ALARM_CHOICES}
    with Help("alarm"):
        with solara.Div(classes=["lt-lever-alarm"]):
            solara.Select(t("alarm", L), values=list(alarm_labels),
                          value={m: k for k, m in alarm_labels.items()}[alarm.value],
                          on_value=lambda k: alarm.set(alarm_labels.get(k, alarm.value)))
    Lever("carer", f"{t('carer', L)}: {fmt_number(carer.value, L, 1)}", carer, 0.0, 1.0, 0.1)
    solara.HTML("b", escape(t("access", L)))
    route_labels = {t("route_none", L): ""} | {t(f"route_{r}", L): r for r in ROUTES}
    with Help("route"):
        with solara.Div(classes=["lt-lever-route"]):
            solara.Select(t("route", L), values=list(route_labels),
                          value={r: k for k, r in route_labels.items()}.get(access_route.value, t("route_none", L)),
                          on_value=lambda k: access_route.set(route_labels.get(k, access_route.value)))
    with Help("team_mandate"):
        solara.Checkbox(label=t("team_mandate", L), value=team_mandate)
    Lever("budget_cut", f"{t('budget_cut', L)}: {fmt_percent(budget_cut.value, L)}", budget_cut, 0.0, 0.5, 0.05)
    Lever("budget_from_year", f"{t('budget_from_year', L)}: {budget_from_year.value}", budget_from_year, 2011, 2040)
    CostPreview()
    Lever("replicates", f"{t('replicates', L)}: {replicates.value}", replicates, 1, 20)
    if replicates.value < 2:
        with solara.Div(classes=["lt-one-replicate"]):
            solara.Warning(t("one_replicate", L), dense=True)
    with Help("plain_too"):
        solara.Checkbox(label=t("plain_too", L), value=plain_too)
    with Help("variant_name"):
        solara.InputText(t("variant_name", L), value=variant_name, classes=["lt-variant-name"])


def _description(path) -> str:
    try:
        return load_scenario(path).get("description") or ""
    except InputError:
        return ""


@solara.component
def Progress():
    L = lang.value
    with solara.Div(classes=["lt-progress"]):
        if run_all.pending:
            solara.ProgressLinear(run_all.progress if run_all.progress else True)
            solara.Text(status.value or (t("warming", L) if not _warm["done"].is_set() else "…"), classes=["lt-status"])
        elif run_all.error and isinstance(run_all.exception, Cancelled) or cancelled.value and not run_all.pending \
                and shown.value is None:
            solara.Text(t("cancelled", L), classes=["lt-status", "lt-cancelled"])
        elif run_all.error and not isinstance(run_all.exception, Cancelled):
            solara.Error(str(run_all.exception))
        elif shown.value:
            solara.Text(t("from_cache", L) if from_cache.value else t("ready", L), classes=["lt-status", "lt-ready"])
        else:
            solara.Text(t("idle", L), classes=["lt-status"])
        if confirm.value:
            with solara.Row(classes=["lt-confirm"]):
                solara.Warning(confirm.value)
                solara.Button(t("run_anyway", L), on_click=lambda: start_run(confirmed=True), classes=["lt-run-anyway"])
        if error.value:
            with solara.Div(classes=["lt-error"]):
                solara.Error(error.value)


@solara.component
def Headline(table, costs, name, base, window, km=None):
    L = lang.value
    h = headline(table, costs, name, base, window, km)
    months, unmet, cost = h["months"], h["unmet"], h["cost"]
    with solara.Card(t("headline", L, name=name, base=base, years=years_text(window)), classes=["lt-headline-card"]):
        solara.HTML("div", "".join(
            f'<div class="lt-number"><div class="big">{escape(big)}</div><div class="what">{escape(what)}</div>'
            f'<div class="range">{escape(rng)}</div></div>' for big, what, rng in (
                (fmt_value("x", months[0], L, True), t("h_months", L),
                 f"{t('h_interval', L)}: {fmt_number(months[1], L)} – {fmt_number(months[2], L)}"),
                (fmt_percent(unmet[0], L, 1, True).replace("%", "pp" if L == "en" else "%-punt"), t("h_unmet", L),
                 f"{t('h_interval', L)}: {fmt_percent(unmet[1], L, 1)} – {fmt_percent(unmet[2], L, 1)}"),
                (("+" if cost[0] > 0 else "") + fmt_eur_million(cost[0], L), t("h_cost", L),
                 f"{t('h_interval', L)}: {fmt_eur_million(cost[1], L)} – {fmt_eur_million(cost[2], L)}"))),
            classes=["lt-headline"])


@solara.component
def Results(results: dict):
    L = lang.value
    key = tuple(r.scenario["_hash"] for r in results.values())
    table = solara.use_memo(lambda: pd.concat([r.table for r in results.values()], ignore_index=True), [key])
    names = list(results)
    base = base_choice.value if base_choice.value in names else names[0]
    scenarios = {n: r.scenario for n, r in results.items()}
    window = result_window(scenarios)
    indicators = [i for i in series_choice.value if i in SERIES_CHOICES] or [KEY_INDICATORS[0]]

    map_image = solara.use_memo(lambda: map_png(results, map_value.value, L), [key, map_value.value, L])
    series_image = solara.use_memo(lambda: series_png(table, indicators, L), [key, tuple(indicators), L])
    diff_image = solara.use_memo(lambda: difference_png(table, indicators, base, L), [key, tuple(indicators), base, L])
    costs = solara.use_memo(lambda: party_costs(table, scenarios, window), [key])
    parties = solara.use_memo(lambda: party_summary(costs, base), [key, base])
    parties_image = solara.use_memo(lambda: parties_png(parties, base, L), [key, base, L])
    km = solara.use_memo(lambda: km_of(results, window), [key])
    outcomes = solara.use_memo(lambda: window_outcomes(table, base, window, km=km), [key, base])
    order = [base] + [n for n in names if n != base]
    ledger = solara.use_memo(lambda: ledger_of(results, order, window), [key, base])
    ledger_image = solara.use_memo(lambda: ledger_png(ledger["ledger"], order, L) if ledger else None, [key, base, L])

    for name in names:
        if name != base:
            Headline(table, costs, name, base, window, km)
    with solara.Card(t("parties", L, years=years_text(window)), subtitle=t("parties_note", L, years=years_text(window)),
                     classes=["lt-costs-card"]):
        solara.Image(parties_image, classes=["lt-costs"])
        solara.HTML("div", parties_html(parties, L))
    with solara.Card(t("ledger", L, years=years_text(window)), classes=["lt-ledger-card"]):
        if ledger is None:
            solara.Text(t("ledger_needs_two" if len(names) < 2 else "ledger_old", L), classes=["lt-help"])
        else:
            n_rep = int(ledger["summary"].replicates.max())
            solara.Text(t("ledger_note", L, base=base, years=years_text(window), y0=window[0], n=n_rep),
                        classes=["lt-help"])
            solara.Image(ledger_image, classes=["lt-ledger"])
            solara.HTML("div", ledger_html(ledger, order, L))
    with solara.Card(t("outcomes", L, years=years_text(window)), classes=["lt-outcomes-card"]):
        solara.HTML("div", outcomes_html(outcomes, L))
    with solara.Card(t("map", L), subtitle=t("map_note", L), classes=["lt-map-card"]):
        with solara.Div(classes=["lt-map-value"]):
            solara.Select(t("map_value", L), values=[label(v, L) for v in MAP_VALUES], value=label(map_value.value, L),
                          on_value=lambda k: map_value.set({label(v, L): v for v in MAP_VALUES}.get(k, map_value.value)))
        solara.Image(map_image, classes=["lt-map"])
    with solara.Card(t("series", L), classes=["lt-series-card"]):
        with solara.Div(classes=["lt-series-choice"]):
            solara.SelectMultiple(t("indicators", L), values=[label(i, L) for i in indicators],
                                  all_values=[label(i, L) for i in SERIES_CHOICES],
                                  on_value=lambda ks: series_choice.set(
                                      [i for i in SERIES_CHOICES if label(i, L) in ks]))
        solara.Image(series_image, classes=["lt-series"])
    with solara.Card(t("diff", L), subtitle=t("diff_note", L), classes=["lt-diff-card"]):
        with solara.Div(classes=["lt-base"]):
            solara.Select(t("base", L), values=names, value=base, on_value=base_choice.set)
        solara.Image(diff_image, classes=["lt-diff"])
    with solara.Card(t("downloads", L), classes=["lt-downloads"]):
        meta = shown_meta.value or {}
        levers = meta.get("levers")
        settings_row = {"variant": meta.get("name", ""), "chosen": " ".join(meta.get("chosen") or []),
                        **({f"lever_{k}": v for k, v in levers.__dict__.items()} if levers else {})}
        cells = pd.concat([_named_cells(r.cells).assign(scenario=n) for n, r in results.items()], ignore_index=True)
        with solara.Row(style={"flex-wrap": "wrap"}):
            images = [("map.png", map_image), ("time_series.png", series_image), ("difference.png", diff_image),
                      ("costs_by_party.png", parties_image)] + ([("ledger.png", ledger_image)] if ledger else [])
            for name, data in images:
                solara.FileDownload(data, filename=name, label=name, mime_type="image/png")
            tables = [("indicators.csv", table), ("key_outcomes.csv", outcomes),
                      ("costs_by_party.csv", parties.assign(from_year=window[0], to_year=window[1])),
                      ("neighbourhoods.csv", cells)]
            if ledger:      # the files `langerthuis compare` writes, with the same columns
                tables += [("ledger.csv", ledger["ledger"]), ("ledger_summary.csv", ledger["summary"].assign(
                    from_year=window[0], to_year=window[1]))]
            for name, frame in tables:
                # every download records the levers it was made with (one column each)
                solara.FileDownload(lambda frame=frame: csv_text(frame.assign(**settings_row), L), filename=name,
                                    label=name, mime_type="text/csv")


def _named_cells(cells: pd.DataFrame) -> pd.DataFrame:
    width, height = int(cells.x.max()) + 1, int(cells.y.max()) + 1
    names = neighbourhood_names(width, height)
    return cells.assign(neighbourhood=[names[(int(x), int(y))] for x, y in zip(cells.x, cells.y)])


@solara.component
def Variants():
    L = lang.value
    saved = appcache.list_variants()
    meta = shown_meta.value or {}
    by_label = {f"{v['name']}": v["slug"] for v in saved}
    solara.use_effect(import_pending, [pending_import.value])
    with solara.Card(t("variants", L), classes=["lt-variants-card"]):
        solara.FileDrop(label=t("import", L), on_file=import_variant, lazy=False)
        if meta.get("slug"):
            solara.Text(t("shown_variant", L, name=meta["name"]), classes=["lt-shown-variant"])
            solara.HTML("div", f"{escape(t('link', L))}: <a class='lt-link' href='?variant={escape(meta['slug'])}'>"
                               f"?variant={escape(meta['slug'])}</a>")
            path = appcache.variants_dir() / f"{meta['slug']}.json"
            solara.FileDownload(lambda: path.read_bytes(), filename=f"{meta['slug']}.json", label=t("export", L),
                                mime_type="application/json")
        if saved:
            with solara.Row(classes=["lt-open"]):
                names = list(by_label)
                current = open_choice.value if open_choice.value in by_label else names[0]
                solara.Select(t("open", L), values=names, value=current, on_value=open_choice.set)
                solara.Button(t("open_button", L), on_click=lambda: open_variant(by_label[current]),
                              classes=["lt-open-button"])
        if len(saved) >= 2:
            names = list(by_label)
            a, b = ab_choice.value
            a = a if a in by_label else names[1]
            b = b if b in by_label else names[0]
            solara.HTML("b", escape(t("compare_ab", L)))
            with solara.Row(classes=["lt-ab"]):
                with solara.Div(classes=["lt-ab-a"]):
                    solara.Select(t("variant_a", L), values=names, value=a, on_value=lambda v: ab_choice.set((v, b)))
                with solara.Div(classes=["lt-ab-b"]):
                    solara.Select(t("variant_b", L), values=names, value=b, on_value=lambda v: ab_choice.set((a, v)))
            CompareAB(by_label[a], by_label[b])


def ab_data(rec_a: dict, rec_b: dict) -> dict:
    """B − A of the first scenario with levers of each variant (else its first), paired by replicate: the key
    outcomes (Kaplan-Meier months when both have spells), the table of both runs (for the figure of the yearly
    differences), the ledger of B against A (None for a variant saved without it), the window and whether the
    pair shares seed and replicates."""
    def main(record):
        runs = appcache.variant_runs(record)
        name = next((n for n in runs if n.endswith(" + levers")), next(iter(runs)))
        return Result(*runs[name])
    a, b = main(rec_a), main(rec_b)
    results = {"A": a._replace(table=a.table.assign(scenario="A")), "B": b._replace(table=b.table.assign(scenario="B"))}
    table = pd.concat([results["A"].table, results["B"].table], ignore_index=True)
    window = result_window({"A": a.scenario, "B": b.scenario})
    paired = a.scenario["seed"] == b.scenario["seed"] and a.scenario["replicates"] == b.scenario["replicates"]
    km = km_of(results, window)
    return {"outcomes": window_outcomes(table, "A", window, km=km), "table": table, "window": window,
            "paired": paired, "ledger": ledger_of(results, ["A", "B"], window) if paired else None}


def ab_table(rec_a: dict, rec_b: dict) -> tuple[pd.DataFrame, tuple, bool]:
    """Key outcomes of B − A (``ab_data``); returns (outcomes, window, paired)."""
    d = ab_data(rec_a, rec_b)
    return d["outcomes"], d["window"], d["paired"]


@solara.component
def CompareAB(slug_a: str, slug_b: str):
    L = lang.value

    def compute():
        try:
            return ab_data(appcache.load_variant(slug_a), appcache.load_variant(slug_b))
        except InputError as exc:
            return str(exc)
    out = solara.use_memo(compute, [slug_a, slug_b])
    indicators = [i for i in series_choice.value if i in SERIES_CHOICES] or [KEY_INDICATORS[0]]
    diff_image = solara.use_memo(lambda: None if isinstance(out, str) else
                                 difference_png(out["table"], indicators, "A", L), [slug_a, slug_b, tuple(indicators), L])
    ledger = None if isinstance(out, str) else out["ledger"]
    ledger_image = solara.use_memo(lambda: ledger_difference_png(ledger["summary"], L) if ledger else None,
                                   [slug_a, slug_b, L])
    if isinstance(out, str):
        solara.Error(out)
        return
    window = out["window"]
    solara.Text(t("ab_note", L, years=years_text(window)), classes=["lt-help"])
    if not out["paired"]:
        solara.Warning(t("ab_unpaired", L))
    solara.HTML("div", outcomes_html(out["outcomes"], L), classes=["lt-ab-table"])
    # the yearly paired differences B − A with their bands (the indicators of the time series above)
    solara.HTML("b", escape(t("ab_series", L)))
    solara.Image(diff_image, classes=["lt-ab-diff"])
    if ledger:
        solara.HTML("b", escape(t("ab_ledger", L, years=years_text(window))))
        solara.Image(ledger_image, classes=["lt-ab-ledger"])
        solara.HTML("div", ledger_html(ledger, ["A", "B"], L), classes=["lt-ab-ledger-table"])


@solara.component
def Stale():
    """A warning when the side panel no longer matches the shown results (its own component, so that moving a
    lever re-renders only this and the panel, not the figures)."""
    meta = shown_meta.value or {}
    if shown.value and meta.get("plain_too") is not None and (
            meta.get("chosen") != list(chosen.value) or meta.get("levers") != current_levers()
            or meta.get("plain_too") != plain_too.value):
        with solara.Div(classes=["lt-stale"]):
            solara.Warning(t("stale", lang.value))


@solara.component
def Page():
    L = lang.value
    router = solara.use_router()
    solara.Title(t("title", L))
    solara.Style(CSS)
    if not url_loaded.value:               # ?variant=slug opens a saved variant once (and ?lang=nl its language)
        query = parse_qs(router.search or "")
        wanted = query.get("variant", [""])[0]
        url_loaded.set(True)
        if query.get("lang", [""])[0] in ("en", "nl"):
            lang.set(query["lang"][0])
        if wanted:
            open_variant(wanted)
    slug = (shown_meta.value or {}).get("slug")

    def remember_in_url():
        """The address follows the shown variant (and the language): a reload, or the laptop waking up, opens
        the same results with the same side panel."""
        if slug:
            search = f"variant={slug}" + ("&lang=nl" if L == "nl" else "")
            if (router.search or "") != search:
                router.push(f"{router.path or '/'}?{search}")
    solara.use_effect(remember_in_url, [slug, L])
    # an own two-column layout rather than Solara's drawer: at 1024 px the drawer covers the page and cannot be
    # reopened; here the panel is a column that a button hides and shows, and Run stays at its top
    with solara.Div(classes=["lt-layout"]):
        if panel_open.value:
            with solara.Div(classes=["lt-side"]):
                Controls()
        with solara.Column(classes=["lt-main"]):
            with solara.Row(classes=["lt-top"], style={"align-items": "center"}):
                solara.Button(icon_name="mdi-menu", on_click=lambda: panel_open.set(not panel_open.value),
                              classes=["lt-panel-toggle"], text=True)
                if not panel_open.value:
                    solara.Button(t("run", L), on_click=lambda: start_run(), color="primary",
                                  disabled=run_all.pending, classes=["lt-run-main"], icon_name="mdi-play")
                solara.HTML("h2", escape(t("title", L)), classes=["lt-title"])
            solara.HTML("p", escape(t("question", L)), classes=["lt-question"])
            Progress()
            results = shown.value
            Stale()
            if results:
                Results(results)
            Variants()
            solara.HTML("p", f"<i>{escape(t('caveat', L))}</i>", classes=["lt-caveat"])
