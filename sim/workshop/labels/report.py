"""The report's texts in English and Dutch (``langerthuis report``): its sections (``REPORT_TEXTS``), the
one-page summary for the council (``SUMMARY_TEXTS``) and what the model leaves out (``CAVEATS``)."""
from __future__ import annotations

REPORT_TEXTS = {
    "title": ("Langer thuis: scenario comparison", "Langer thuis: vergelijking van scenario's"),
    "question_h": ("The question", "De vraag"),
    "question": ("What do investments in a woonservicegebied (housing, care and welfare organised together in a "
                 "neighbourhood) change for older people who live at home longer since the long-term care reform "
                 "of 2013-2016, and who pays for it? The model simulates a municipality's residents aged 65+ and "
                 "adults with a long-term care package month by month, under the scenarios below.",
                 "Wat veranderen investeringen in een woonservicegebied (wonen, zorg en welzijn samen georganiseerd "
                 "in een wijk) voor ouderen die sinds de hervorming van de langdurige zorg (2013-2016) langer thuis "
                 "wonen, en wie betaalt daarvoor? Het model simuleert per maand de 65-plussers en de volwassenen met "
                 "een indicatie voor langdurige zorg van een gemeente, onder de scenario's hieronder."),
    "scenarios_h": ("Scenarios and their investments", "Scenario's en hun investeringen"),
    "facts": ("{inhabitants} inhabitants, {years}, seed {seed}, {n}",
              "{inhabitants} inwoners, {years}, seed {seed}, {n}"),
    "reference": ("the reference: differences are taken from this scenario",
                  "de referentie: verschillen zijn ten opzichte van dit scenario"),
    "no_investments": ("no investments", "geen investeringen"),
    "inv_cols": (("investment", "where", "from", "one-off", "a year", "payer", "source"),
                 ("investering", "waar", "vanaf", "eenmalig", "per jaar", "betaler", "bron")),
    "cells": ("{n} cells", "{n} cellen"),
    "all_cells": ("whole municipality", "hele gemeente"),
    "outcomes_h": ("Key outcomes", "Belangrijkste uitkomsten"),
    "outcomes_note": ("Years {years}. Each cell: mean over {n} with its {interval} (5th-95th "
                      "percentile) in brackets. Unless the comparison ran with --fixed-effects, every "
                      "replicate draws the uncertain effect sizes from their priors, so the intervals hold what we do "
                      "not know about the effects as well as chance variation between runs.",
                      "Jaren {years}. Per cel: gemiddelde over {n} met de {interval} (5e-95e "
                      "percentiel) tussen haken. Tenzij de vergelijking met --fixed-effects liep, trekt "
                      "elke herhaling de onzekere effectgroottes uit hun a-priori-verdeling, zodat de intervallen "
                      "ook tonen wat we over de effecten niet weten, naast toevalsvariatie tussen de runs."),
    "diff_h": ("Difference from {first} (paired per replicate)", "Verschil met {first} (gepaard per herhaling)"),
    "costs_note": ("Euros per inhabitant per year (prices of 2015), mean over the years compared. Care is paid by "
                   "the Wlz (care offices), the Wmo (municipality) and the Zvw (health insurers); investments by "
                   "the payer each scenario names.",
                   "Euro per inwoner per jaar (prijzen 2015), gemiddeld over de vergeleken jaren. Zorg wordt betaald "
                   "uit de Wlz (zorgkantoren), de Wmo (gemeente) en de Zvw (zorgverzekeraars); investeringen door de "
                   "betaler die het scenario noemt."),
    "costs_diff_note": ("The differences in these costs per party, with investments and all other lines, and one "
                        "sign (positive = better off), are in the one money table of the summary.",
                        "De verschillen in deze kosten per partij, met de investeringen en alle andere posten en met "
                        "één teken (positief = beter af), staan in de ene geldtabel van de samenvatting."),
    "ledger_in_summary": ("The NPV per party is in the summary's money table, with a sentence per party saying why.",
                          "De NCW per partij staat in de geldtabel van de samenvatting, met per partij een zin waarom."),
    "per_unit": ("{amount} per {unit} ({units}), {years} years", "{amount} per {unit} ({units}), {years} jaar"),
    "no_pdf_chromium": ("No PDF: there is no Chromium on this computer; the handout is HTML only (print it from "
                        "the browser).", "Geen pdf: er is geen Chromium op deze computer; de hand-out is alleen HTML "
                        "(druk hem af vanuit de browser)."),
    "no_pdf_failed": ("No PDF: Chromium could not print it; the handout is HTML only.",
                      "Geen pdf: Chromium kon hem niet afdrukken; de hand-out is alleen HTML."),
    "inv_payer_h": ("Spending on the investments per payer (EUR per inhabitant per year, as the model books it)",
                    "Uitgaven aan de investeringen per betaler (EUR per inwoner per jaar, zoals het model ze boekt)"),
    "figures_h": ("Figures", "Figuren"),
    "caveats_h": ("What the model does not include", "Wat het model niet bevat"),
    "manifest_h": ("Manifest: how these results were made", "Manifest: hoe deze resultaten zijn gemaakt"),
    "manifest_note": ("Rerun with the same version, scenario files and seeds to get the same numbers.",
                      "Met dezelfde versie, scenariobestanden en seeds geeft een nieuwe run dezelfde getallen."),
    "full_manifest": ("the full manifest.json", "het volledige manifest.json"),
    "made": ("Made on {day} with langerthuis {version} from {folder}.", "Gemaakt op {day} met langerthuis "
             "{version} uit {folder}."),
}


SUMMARY_TEXTS = {
    "h": ("Summary for the council", "Samenvatting voor de wethouder"),
    "question": ("What changes for older people living at home, and who pays, if the municipality and its "
                 "partners invest as in {names}, compared with {first}?",
                 "Wat verandert er voor ouderen die thuis wonen, en wie betaalt, als de gemeente en haar partners "
                 "investeren zoals in {names}, vergeleken met {first}?"),
    "net_h": ("Net effect per party, EUR million a year, {years}, and its net present value",
              "Netto effect per partij, miljoen euro per jaar, {years}, en de netto contante waarde"),
    "net_h_eur": ("Net effect per party, euros a year, {years}, and its net present value",
                  "Netto effect per partij, euro per jaar, {years}, en de netto contante waarde"),
    "per_year": ("a year", "per jaar"),
    "money_against": ("{name} against {first}", "{name} tegenover {first}"),
    "npv": ("NPV", "NCW"),
    "net_note": ("The one table of who pays and who saves. Sign: positive = the party is better off (pays less or "
                 "saves more) than under {first}; negative = it pays on balance. A year: the mean over {years}; NPV: "
                 "the yearly balances discounted at 4 % to {y0}. In brackets the {interval}. {source}",
                 "De ene tabel van wie betaalt en wie bespaart. Teken: positief = de partij is beter af (betaalt "
                 "minder of bespaart meer) dan bij {first}; negatief = zij betaalt per saldo. Per jaar: gemiddeld "
                 "over {years}; NCW: de jaarsaldi verdisconteerd tegen 4 % naar {y0}. Tussen haken de {interval}. "
                 "{source}"),
    "why": ("Why, per party ({name}):", "Waarom, per partij ({name}):"),
    "from_ledger": ("From the ledger (ledger.csv): yearly means, their 5 % and 95 % bounds averaged over the years.",
                    "Uit het grootboek (ledger.csv): jaargemiddelden, hun 5 %- en 95 %-grenzen gemiddeld over de jaren."),
    "from_costs": ("From the care and investment costs of the four organisations (clients and carers are not "
                   "valued in euros in this folder).",
                   "Uit de zorg- en investeringskosten van de vier organisaties (cliënten en mantelzorgers zijn in "
                   "deze map niet in euro's gewaardeerd)."),
    "concl_h": ("Conclusions", "Conclusies"),
    "months": ("{name}: {diff} months at home after an indication compared with {first} ({interval} {lo} to {hi}).",
               "{name}: {diff} maanden thuis na een indicatie vergeleken met {first} ({interval} {lo} tot {hi})."),
    "months_none": ("{name}: no clear change in the months at home after an indication (the interval {lo} to {hi} "
                    "includes no change).",
                    "{name}: geen duidelijke verandering in de maanden thuis na een indicatie (het interval {lo} tot "
                    "{hi} bevat geen verandering)."),
    "months_km": ("{name}: {diff} months at home within 10 years of a first package (Kaplan-Meier) compared with "
                  "{first} ({interval} {lo} to {hi}).",
                  "{name}: {diff} maanden thuis binnen 10 jaar na een eerste indicatie (Kaplan-Meier) vergeleken met "
                  "{first} ({interval} {lo} tot {hi})."),
    "months_none_km": ("{name}: no clear change in the months at home within 10 years of a first package (Kaplan-Meier; "
                       "the interval {lo} to {hi} includes no change).",
                       "{name}: geen duidelijke verandering in de maanden thuis binnen 10 jaar na een eerste indicatie "
                       "(Kaplan-Meier; het interval {lo} tot {hi} bevat geen verandering)."),
    "who": ("{name}: {losers} pay more; {winners} are better off; all parties together {total} a year.",
            "{name}: {losers} betalen meer; {winners} zijn beter af; alle partijen samen {total} per jaar."),
    "nobody": ("nobody", "niemand"),
    "out_h": ("What the model leaves out", "Wat het model weglaat"),
}


# what the model leaves out, in plain words ({assumed} of the {parameters} parameters are assumptions)
CAVEATS = {"en": [
    "No explicit housing market: prices, waiting lists for social housing, new building and moving between "
    "municipalities are not modelled. Residents can only move into a free adapted dwelling in their own "
    "neighbourhood; the number of inhabitants follows the national path.",
    "People with a VG, LG, ZG or GGZ package keep the package level they entered with; only older people's "
    "VV levels change with their need.",
    "Many parameters are assumptions: {assumed} of the {parameters} model parameters have no direct source "
    "(sim/model/parameters.yaml lists each value with its source or assumption). The effects of woonservicegebied "
    "building blocks are partly sized by assumption; a Rotterdam study found no effect of a comparable "
    "approach on quality of life.",
    "Investment costs are the scenario files' own estimates, in euros of 2015; capital is spread over its "
    "lifetime, and the ledger discounts costs at 4 % (Zorginstituut guideline 2016). Own contributions, "
    "living costs, rents and the value of informal care in the ledger rest on stated assumptions.",
    "The intervals hold chance variation between runs and the priors of the uncertain effect sizes; the "
    "other parameters are fixed (see `langerthuis sensitivity`).",
    "Only residents aged 65+ and adults with a long-term care package are simulated, in a municipality that is "
    "a scaled copy of the Dutch age structure with synthetic neighbourhoods. Care capacity is a neighbourhood "
    "team's hours shared equally by all who need care there: there is no labour market for care staff.",
    "Compare the scenarios with each other; do not read the numbers as a forecast for a real municipality.",
    # the model has had widowhood since the waiting-list round (mechanisms/mortality.py): no longer an example
    "All simplifications are listed in docs/ODD.md, section 9 (for example: institutions without location or "
    "discharge, alarm response without a limit on responders).",
], "nl": [
    "Geen expliciete woningmarkt: prijzen, wachtlijsten voor sociale huur, nieuwbouw en verhuizen tussen "
    "gemeenten zitten niet in het model. Bewoners kunnen alleen verhuizen naar een vrije aangepaste woning in de "
    "eigen buurt; het aantal inwoners volgt het landelijke verloop.",
    "Mensen met een VG-, LG-, ZG- of GGZ-indicatie houden de zorgzwaarte waarmee ze instroomden; alleen de "
    "VV-zorgzwaarte van ouderen verandert met hun zorgbehoefte.",
    "Veel parameters zijn aannames: {assumed} van de {parameters} modelparameters hebben geen directe bron "
    "(sim/model/parameters.yaml noemt per waarde de bron of de aanname). De effecten van de bouwstenen van een "
    "woonservicegebied zijn deels op aanname gebaseerd; een Rotterdams onderzoek vond geen effect van een "
    "vergelijkbare aanpak op de kwaliteit van leven.",
    "Investeringskosten zijn de schattingen uit de scenariobestanden, in euro's van 2015; kapitaal is over de "
    "levensduur verdeeld en het grootboek verdisconteert kosten tegen 4 % (richtlijn Zorginstituut 2016). Eigen "
    "bijdragen, woonlasten, huren en de waarde van mantelzorg in het grootboek berusten op vermelde aannames.",
    "De intervallen tonen toevalsvariatie tussen runs en de a-priori-verdelingen van de onzekere "
    "effectgroottes; de overige parameters liggen vast (zie `langerthuis sensitivity`).",
    "Alleen 65-plussers en volwassenen met een indicatie voor langdurige zorg worden gesimuleerd, in een "
    "gemeente die een geschaalde kopie is van de Nederlandse leeftijdsopbouw, met fictieve buurten. "
    "Zorgcapaciteit is het aantal uren van een buurtteam, gelijk verdeeld over wie er zorg nodig heeft: er is "
    "geen arbeidsmarkt voor zorgpersoneel.",
    "Vergelijk de scenario's met elkaar; lees de getallen niet als voorspelling voor een echte gemeente.",
    "Alle vereenvoudigingen staan in docs/ODD.md, paragraaf 9 (bijvoorbeeld: instellingen zonder locatie of "
    "ontslag, alarmopvolging zonder grens aan het aantal hulpverleners).",
]}


# the effect per area in the report (sim.workshop.area_report): (en, nl)
AREA_TEXTS = {
    "title": ("Effect per area", "Effect per gebied"),
    "ledger": ("Who pays and who saves within the area (euros a year; positive: better off, as in the money table)",
               "Wie betaalt en wie bespaart binnen het gebied (euro per jaar; positief: beter af, zoals in de geldtabel)"),
    "note": ("Paired effect per named area, the rest of the municipality and the whole municipality, mean over "
             "{lo}-{hi}, {n}, in brackets the {kind}. Area costs include respite, Wmo home adaptations and the "
             "access route's running cost, each with its payer (sim/model/areas.py).",
             "Gepaard effect per benoemd gebied, de rest van de gemeente en de hele gemeente, gemiddeld over "
             "{lo}-{hi}, {n}, met de {kind}. Kosten per gebied met respijtzorg, Wmo-woningaanpassingen en de "
             "lopende kosten van de toegangsroute, elk bij zijn betaler (sim/model/areas.py)."),
    "head": (["area", "outcome", "scenario", "effect", "interval"], ["gebied", "uitkomst", "scenario", "effect", "interval"]),
    "head_ledger": (["area", "party", "scenario", "balance a year", "interval"],
                    ["gebied", "partij", "scenario", "saldo per jaar", "interval"]),
    "all": ("whole municipality", "hele gemeente"),
    "outside": ("rest of the municipality (outside {area})", "rest van de gemeente (buiten {area})"),
    "informal_care_hours": ("Informal care hours a year", "Mantelzorguren per jaar"),
    "cost_total_complete_per_capita": ("Total cost per inhabitant (euros a year)",
                                       "Totale kosten per inwoner (euro per jaar)"),
    "wsg": ("Woonservicegebied building blocks (share)", "Bouwstenen woonservicegebied (aandeel)"),
}
