"""The workshop app's texts in English and Dutch: its own words (``APP_TEXTS``, which come before the shared
texts of ``outputs``), the tooltip of every control (``APP_HELP``: what the lever does and what the evidence
says) and the names of the map's per-neighbourhood values (``MAP_LABELS``)."""
from __future__ import annotations

APP_TEXTS = {
    "title": ("Langer thuis: woonservicegebied workshop", "Langer thuis: workshop woonservicegebied"),
    "question": ("What do investments in a woonservicegebied change for older people living at home "
                 "after the 2013-2016 reform, and who pays?",
                 "Wat veranderen investeringen in een woonservicegebied voor ouderen die na de hervorming "
                 "van 2013-2016 thuis wonen, en wie betaalt?"),
    "scenarios": ("Scenarios", "Scenario's"),
    "municipality": ("Municipality", "Gemeente"),
    "municipality_own": ("as in the scenarios ({name})", "zoals in de scenario's ({name})"),
    "scenarios_on": ("All on the wijken of {name}; the descriptions speak of the model town they were written for.",
                     "Alle op de wijken van {name}; de beschrijvingen gaan over de modelgemeente waarvoor ze zijn "
                     "geschreven."),
    "synthetic_town": ("a model town of {n} inhabitants", "een modelgemeente van {n} inwoners"),
    "levers": ("Levers (added to every chosen scenario)", "Knoppen (toegevoegd aan elk gekozen scenario)"),
    "where": ("Where is the woonservicegebied?", "Waar ligt het woonservicegebied?"),
    "all": ("the whole municipality", "de hele gemeente"),
    "cells": ("neighbourhoods I list", "buurten die ik opgeef"),
    "cells_input": ("neighbourhoods, e.g. Noord 1; Oost 2 (or x,y)", "buurten, bijv. Noord 1; Oost 2 (of x,y)"),
    # "district": a generated district, told apart from a scenario's own area of the same name (centrum)
    "district": ("district {name} ({n} neighbourhoods)", "wijk {name} ({n} buurten)"),
    "n_cells": ("{n} neighbourhoods of about {size} inhabitants", "{n} buurten van ongeveer {size} inwoners"),
    "move": ("Also move the scenario's own investments here", "Verplaats ook de eigen investeringen van het scenario hierheen"),
    "start_year": ("from year", "vanaf jaar"),
    "choice_none": ("as in the scenario", "zoals in het scenario"),   # a lever's choice 0
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
    "preparing": ("preparing the model… (it compiles once; Run and the questions start when it is ready)",
                  "bezig met voorbereiden… (het model wordt eenmalig gecompileerd; daarna kunnen Doorrekenen en de "
                  "vragen starten)"),
    "warming": ("Preparing the model (compiling, once per installation)…",
                "Het model wordt voorbereid (eenmalig compileren)…"),
    "progress": ("scenario {i} of {n} ({name}): {done} of {total} simulated years ({reps} replicates × {years} years)",
                 "scenario {i} van {n} ({name}): {done} van {total} gesimuleerde jaren ({reps} herhalingen × {years} jaar)"),
    "left_seconds": ("about {n} s left", "nog ongeveer {n} s"),
    "left_minutes": ("about {n} min left", "nog ongeveer {n} min"),
    "not_saved": ("The variant was not saved ({reason}).", "De variant is niet bewaard ({reason})."),
    "question_reform": ("What did the reform do here?", "Wat deed de hervorming hier?"),
    "question_reform_help": ("The enacted reform (baseline) against no reform (no_reform): every sign reads as the "
                             "reform's effect.",
                             "De doorgevoerde hervorming (baseline) tegenover geen hervorming (no_reform): elk teken "
                             "leest als het effect van de hervorming."),
    "question_wsg_or_carers": ("A woonservicegebied in one neighbourhood, or carer support citywide?",
                               "Woonservicegebied in één buurt, of mantelzorgondersteuning in de hele gemeente?"),
    "question_wsg_or_carers_help": ("wsg_full's investments moved to one neighbourhood, and carer_support in the whole "
                                    "municipality, both against the baseline: who pays and who saves.",
                                    "De investeringen van wsg_full in één buurt, en carer_support in de hele "
                                    "gemeente, beide tegenover de baseline: wie betaalt en wie bespaart."),
    "question_access": ("Neighbourhood team or intake desk under a 25 % Wmo cut?",
                        "Wijkteam of loket bij 25 % korting op de Wmo?"),
    "question_access_help": ("The neighbourhood team and the intake desk with voucher, both with the Wmo budget 25 % "
                             "below the 2014 volume, against the same cut with the usual access (wmo_cut_25).",
                             "Het wijkteam en het loket met voucher, beide met het Wmo-budget 25 % onder het volume "
                             "van 2014, tegenover dezelfde korting met de gewone toegang (wmo_cut_25)."),
    "handout": ("Handout", "Hand-out"),
    "handout_note": ("the report of the results on screen, in this language: the one-page summary for the "
                     "wethouder first, then outcomes, who pays and who saves, figures and what the model leaves out",
                     "het rapport van de resultaten op het scherm, in deze taal: eerst de samenvatting van één "
                     "pagina voor de wethouder, dan uitkomsten, wie betaalt en wie bespaart, figuren en wat het "
                     "model weglaat"),
    "handout_make": ("Make the handout", "Maak de hand-out"),
    "handout_making": ("Making the handout (the runs once more, as `langerthuis compare` makes them)…",
                       "De hand-out wordt gemaakt (de berekeningen nog eens, zoals `langerthuis compare` ze maakt)…"),
    "handout_download": ("download the handout (HTML)", "download de hand-out (HTML)"),
    "handout_file": ("handout", "hand-out"),
    "per_group": ("Saved variants per group", "Bewaarde varianten per groep"),
    "no_group": ("without a group name", "zonder groepsnaam"),
    "area_effect": ("Where it is built: {name} against {base} in its neighbourhoods and in the whole town, {year}",
                    "Waar het gebouwd is: {name} tegenover {base} in de eigen buurten en in de hele gemeente, {year}"),
    "in_area": ("in {where}", "in {where}"),
    "in_town": ("whole town", "hele gemeente"),
    "area_cost": ("Built there (all payers): {one_off} one-off and {yearly} a year. Differences are paired by "
                  "replicate, the last simulated year; in brackets the lowest and highest replicate.",
                  "Daar gebouwd (alle betalers): {one_off} eenmalig en {yearly} per jaar. Verschillen gepaard per "
                  "herhaling, het laatste gesimuleerde jaar; tussen haakjes de laagste en hoogste herhaling."),
    "ready": ("ready", "klaar"),
    "from_cache": ("ready (from the cache)", "klaar (uit de cache)"),
    "stale": ("The levers have changed since these results: press Run to update them.",
              "De knoppen zijn veranderd sinds deze resultaten: druk op Doorrekenen om ze bij te werken."),
    "big_run": ("This run is large: about {minutes} minutes on this computer. Run it anyway?",
                "Deze berekening is groot: ongeveer {minutes} minuten op deze computer. Toch doorrekenen?"),
    "run_anyway": ("Run anyway", "Toch doorrekenen"),
    "idle": ("Choose scenarios and press Run.", "Kies scenario's en druk op Doorrekenen."),
    "choose": ("Choose at least one scenario.", "Kies ten minste één scenario."),
    # what went wrong, in one sentence without file paths (sim/workshop/app/errors.py)
    "err_cells": ("The neighbourhoods '{cells}' are not on the map: give names from the map (e.g. Noord 1) or x,y "
                  "inside the grid.",
                  "De buurten '{cells}' liggen niet op de kaart: geef namen van de kaart (bijv. Noord 1) of x,y "
                  "binnen het raster."),
    "err_where": ("The place '{where}' is not an area of this scenario: choose the whole municipality or "
                  "neighbourhoods.",
                  "De plek '{where}' is geen gebied van dit scenario: kies de hele gemeente of buurten."),
    "err_scenario": ("The scenario '{name}' is not in the scenario folder (any more): tick another one.",
                     "Het scenario '{name}' staat niet (meer) in de map met scenario's: vink een ander aan."),
    "err_variant": ("This variant cannot be read (removed, or not a variant of this app): open another one.",
                    "Deze variant is niet te lezen (verwijderd, of geen variant van deze app): open een andere."),
    "err_input": ("A choice does not fit the scenario ({key}: {found}): change it and run again.",
                  "Een keuze past niet bij het scenario ({key}: {found}): pas hem aan en reken opnieuw."),
    "err_run": ("The run failed ({what}) and nothing of it was kept: run again, or tell the facilitator.",
                "De berekening is mislukt ({what}) en er is niets van bewaard: reken opnieuw, of zeg het tegen de "
                "begeleider."),
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
    "party": ("party", "partij"),
    "eur_million": ("EUR million a year", "miljoen euro per jaar"),
    "ledger": ("Who pays and who saves: the six parties, {years}", "Wie betaalt en wie bespaart: de zes partijen, {years}"),
    "ledger_note": ("Per party against {base} in the same replicate (paired), in euros for the whole municipality (the "
                    "figure: EUR million a year), positive: the party is better off. Paid: its investments; saved: the fall in "
                    "everything else it spends (care billed by use, own contributions, vacancy; carers: their hours "
                    "at EUR 14). Net a year: mean over {years} with the yearly 5-95 % bounds averaged (as in the "
                    "report); NPV: the nets discounted at 4 % to {y0}, 5-95 % over {n} replicates; break-even: the "
                    "first year from which the cumulative discounted net stays at or above 0.",
                    "Per partij tegenover {base} in dezelfde herhaling (gepaard), in euro's voor de hele gemeente (de "
                    "figuur: miljoen euro per jaar), positief: de partij is beter af. Betaald: haar investeringen; bespaard: de daling van "
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
APP_HELP = {
    "municipality": ("Every chosen scenario (and every question A/B/C) on the wijken of this municipality: one "
                     "neighbourhood per CBS wijk, its inhabitants and people 65+ from CBS KWB 2024 back-cast to the "
                     "start year; the facilities of each wijk are synthetic draws. A scenario's own area goes to the "
                     "wijk with the most people 65+ (move it with the place below).",
                     "Elk gekozen scenario (en elke vraag A/B/C) op de wijken van deze gemeente: één buurt per "
                     "CBS-wijk, inwoners en 65-plussers uit CBS KWB 2024 teruggerekend naar het startjaar; de "
                     "voorzieningen per wijk zijn synthetische trekkingen. Het eigen gebied van een scenario komt in "
                     "de wijk met de meeste 65-plussers (verplaats het met de plek hieronder)."),
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
# the map's per-neighbourhood values
MAP_LABELS = {
    "residents_65plus": ("Residents 65+", "Inwoners 65+"),
    "falls": ("Falls", "Valincidenten"),
    "hours_needed": ("Care hours needed", "Benodigde zorguren"),
    "hours_unmet": ("Care hours unmet", "Onvervulde zorguren"),
    "wsg": ("Woonservicegebied completeness (0-1)", "Volledigheid woonservicegebied (0-1)"),
}
