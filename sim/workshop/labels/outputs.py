"""Texts of the comparison's tables and figures and of the ledger, shared by `langerthuis compare`, the
report and the app (looked up by ``label`` and ``text``)."""
from __future__ import annotations

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
    "title_timeseries": ("Key outcomes per scenario (mean and {interval} over replicates)",
                         "Kernuitkomsten per scenario (gemiddelde en {interval} over herhalingen)"),
    "title_differences": ("Difference from {first}, {years} (mean and {interval} of paired differences)",
                          "Verschil met {first}, {years} (gemiddelde en {interval} van gepaarde verschillen)"),
    "title_costs": ("Yearly cost by payer, mean over {years}", "Jaarlijkse kosten per betaler, gemiddeld over {years}"),
    "title_maps": ("Unmet care need per neighbourhood in {year} (outlined: woonservicegebied)",
                   "Onvervulde zorgvraag per buurt in {year} (omlijnd: woonservicegebied)"),
    "window": ("years compared", "vergeleken jaren"),
    "points_axis": ("percentage points", "%-punt"),
    "comparison": ("Scenario comparison", "Vergelijking van scenario's"),
}

# the ledger's words: who pays and who saves, the economic evaluation, break-even and the deciding effects
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
    "npv": ("NPV (EUR) [interval]", "NCW (EUR) [interval]"),
    "breakeven_year": ("break-even year", "terugverdienjaar"),
    "never": ("never", "nooit"),
    "title_ledger": ("Who pays and who saves: {scenario} against {first}", "Wie betaalt en wie bespaart: {scenario} tegenover {first}"),
    "ledger_npv_axis": ("net present value, {unit} (costs discounted at 4 %; positive: better off)",
                        "netto contante waarde, {unit} (kosten verdisconteerd 4 %; positief: beter af)"),
    "ledger_cum_axis": ("cumulative discounted net, {unit}", "cumulatief verdisconteerd saldo, {unit}"),
    "ledger_section": ("Who pays and who saves", "Wie betaalt en wie bespaart"),
    "evaluation_section": ("Economic evaluation", "Economische evaluatie"),
    "ledger_note": (
        "Per party, relative to {first} in the same replicate: paid = its investments (capital annualised over its "
        "lifetime at 4 %, running costs), saved = the fall in everything else it spends (care billed by use, own "
        "contributions, vacancy, informal care hours at EUR 14 an hour); net = saved - paid. NPV: yearly nets "
        "{years} discounted at 4 % to {y0} (Zorginstituut 2016 guideline). {replicates}; in brackets the {interval}.",
        "Per partij, ten opzichte van {first} in dezelfde herhaling: betaald = de eigen investeringen (kapitaal "
        "over de levensduur verdeeld tegen 4 %, lopende kosten), bespaard = de daling van al het andere dat de partij "
        "uitgeeft (zorg naar gebruik, eigen bijdragen, leegstand, mantelzorguren tegen EUR 14 per uur); saldo = "
        "bespaard - betaald. NCW: jaarlijkse saldi {years} verdisconteerd tegen 4 % naar {y0} (richtlijn Zorginstituut "
        "2016). {replicates}; tussen haken de {interval}."),
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


# the notes of compare's markdown table (comparison.md)
COMPARISON_TEXTS = {
    "comparison_intro": (
        "Years {lo}–{hi}, {replicates} per scenario, paired: replicate r of every "
        "scenario uses the same seed and replicate number as {first}. Each cell: mean over replicates "
        "[{interval}, 5th–95th percentile]. Differences from {first} are computed per replicate "
        "(paired), then summarised.",
        "Jaren {lo}–{hi}, {replicates} per scenario, gepaard: herhaling r van elk "
        "scenario gebruikt dezelfde seed en hetzelfde herhalingsnummer als {first}. Per cel: gemiddelde over "
        "herhalingen [{interval}, 5e–95e percentiel]. Verschillen met {first} zijn per herhaling "
        "berekend (gepaard) en daarna samengevat."),
    "comparison_few_replicates": (
        "**Note:** {replicates} replicates: the 'intervals' are the range of {replicates} runs, not 90 % "
        "intervals (those need at least {needed}).",
        "**Let op:** {replicates} herhalingen: de 'intervallen' zijn het bereik van {replicates} runs, geen "
        "90 %-intervallen (daarvoor zijn er minstens {needed} nodig)."),
    "comparison_per_month": (
        "Definition. Extra cost = sum over the years of (total cost per inhabitant − that of "
        "{first}) × inhabitants. Extra months at home = N × (M − M₀): N is the number of spells of living at "
        "home after a first package that ended in the years (admission or death), M their mean length in "
        "months and M₀ that of {first}. Cost per month gained = extra cost / extra months; empty (–) where "
        "no months are gained; negative: the scenario saves money while gaining months. The mean is mean extra "
        "cost / mean extra months; the interval comes from the per-replicate ratios and is given only when "
        "every replicate gains months.",
        "Definitie. Extra kosten = som over de jaren van (totale kosten per inwoner − die van "
        "{first}) × inwoners. Extra maanden thuis = N × (M − M₀): N is het aantal perioden van thuis wonen na "
        "een eerste indicatie die in de jaren eindigden (opname of overlijden), M hun gemiddelde duur in "
        "maanden en M₀ die van {first}. Kosten per gewonnen maand = extra kosten / extra maanden; leeg (–) "
        "waar geen maanden gewonnen worden; negatief: het scenario bespaart geld én wint maanden. Het gemiddelde "
        "is gemiddelde extra kosten / gemiddelde extra maanden; het interval komt uit de ratio's per "
        "herhaling en staat er alleen als elke herhaling maanden wint."),
}
TEXTS.update(COMPARISON_TEXTS)
