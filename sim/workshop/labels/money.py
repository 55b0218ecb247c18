"""The words of the one money table (who pays and who saves, per party): its sign convention, its columns and
one sentence per party saying why, built from the ledger's lines (paid: the party's investments; saved: the
fall in what else it spends, sim/analysis/ledger.py). Used by the report and offered to the app."""
from __future__ import annotations

import numpy as np

from sim.workshop.labels.formats import fmt_eur, fmt_number, fmt_points
from sim.workshop.labels.languages import pick

MONEY_TEXTS = {
    "h": ("Who pays and who saves, per party: {scenario} against {first}",
          "Wie betaalt en wie bespaart, per partij: {scenario} tegenover {first}"),
    "sign": ("Sign: positive = the party is better off than under {first} (it saves more than it pays); negative = "
             "it pays on balance. Per year: the mean over {years}; NPV: the yearly balances discounted at 4 % to "
             "{y0}. In brackets the {interval}.",
             "Teken: positief = de partij is beter af dan bij {first} (zij bespaart meer dan zij betaalt); negatief "
             "= zij betaalt per saldo. Per jaar: gemiddeld over {years}; NCW: de jaarsaldi verdisconteerd tegen "
             "4 % naar {y0}. Tussen haken de {interval}."),
    "head": (("party", "pays for investments, a year", "spends less on care etc., a year", "balance a year",
              "balance NPV", "break-even year", "why"),
             ("partij", "betaalt aan investeringen, per jaar", "geeft minder uit aan zorg e.d., per jaar",
              "saldo per jaar", "saldo NCW", "terugverdienjaar", "waarom")),
    "never": ("never", "nooit"),
    "better": ("better off", "beter af"),
    "worse": ("worse off", "slechter af"),
    "same": ("hardly different", "nauwelijks anders"),
    "pays": ("pays {amount} a year for investments", "betaalt {amount} per jaar aan investeringen"),
    "less": ("spends {amount} a year less on {what}", "geeft {amount} per jaar minder uit aan {what}"),
    "more": ("spends {amount} a year more on {what}", "geeft {amount} per jaar meer uit aan {what}"),
    "sentence": ("{party}: {verdict} ({net} a year), because it {reasons}.",
                 "{party}: {verdict} ({net} per jaar), want {subject} {reasons}."),
    "subject": ("", "zij"),
    "and": (" and ", " en "),
    "nothing": ("pays and spends the same", "betaalt en besteedt evenveel"),
    # why carers can be 'worse off' in euros while better off in strain: their hours are valued at a shadow price
    # carers pay in hours: valued at a shadow price, more hours of care read as 'worse off' in euros
    "carers_hours": ("gives {amount} a year more in hours of care (valued at EUR 14 an hour){why}",
                     "geven {amount} per jaar meer aan uren mantelzorg (gewaardeerd tegen € 14 per uur){why}"),
    "carers_fewer": ("gives {amount} a year less in hours of care (valued at EUR 14 an hour)",
                     "geven {amount} per jaar minder aan uren mantelzorg (gewaardeerd tegen € 14 per uur)"),
    "carers_hold_on": (": with support fewer carers are overburdened ({diff}) and give up, so they go on caring "
                       "for longer; in strain they are better off",
                       ": met steun raken minder mantelzorgers overbelast ({diff}) en haken minder vaak af, dus "
                       "zorgen ze langer; in belasting zijn ze beter af"),
    # the care office's lines: nursing-home admissions, when they move the same way as its spending
    "admissions": (" ({diff} admissions to a nursing home a year per 1,000 inhabitants)",
                   " ({diff} opnames in een verpleeghuis per jaar per 1.000 inwoners)"),
    "carers_longer": (": more people live at home for longer", ": meer mensen wonen langer thuis"),
}

# what each party spends besides investments (the ledger's lines, sim/analysis/ledger.py)
SPENDS = {
    "municipality": ("Wmo care (household help, support, day care, respite, alarms, adaptations) less own "
                     "contributions",
                     "Wmo-zorg (huishoudelijke hulp, begeleiding, dagbesteding, respijtzorg, alarmering, "
                     "aanpassingen) min eigen bijdragen"),
    "care_office": ("Wlz care at home and in nursing homes", "Wlz-zorg thuis en in verpleeghuizen"),
    "care_insurer": ("district nursing, personal care at home and hospital admissions",
                     "wijkverpleging, persoonlijke verzorging thuis en ziekenhuisopnames"),
    "housing_association": ("rent lost on empty adapted dwellings", "huurderving op leegstaande aangepaste woningen"),
    "clients": ("own contributions and living costs at home", "eigen bijdragen en woonlasten thuis"),
    "carers": ("informal care (hours valued at EUR 14 an hour)", "mantelzorg (uren gewaardeerd tegen € 14 per uur)"),
}


def money_text(key: str, lang: str, **fields) -> str:
    value = pick(MONEY_TEXTS[key], lang)
    return value.format(**fields) if fields else value


def party_reason(party: str, party_label: str, paid: float, saved: float, net: float, scale: float, lang: str,
                 overburdened_diff: float | None = None, admissions_diff: float | None = None) -> str:
    """One sentence saying why a party is better or worse off, from its ledger lines (euros a year, window
    mean): what it pays for investments and how much less or more it spends on what it spends on.
    ``scale``: the largest amount of the table; amounts below 0.5 % of it count as nothing.
    ``overburdened_diff``: the change in the share of overburdened carers, for the carers' sentence;
    ``admissions_diff``: the change in nursing-home admissions per 1,000, for the care office's."""
    small = max(1.0, 0.005 * scale)
    reasons = []
    if abs(paid) >= small:
        reasons.append(money_text("pays", lang, amount=fmt_eur(paid, lang)))
    if party == "carers" and abs(saved) >= small:
        why = "" if saved > 0 else money_text("carers_longer", lang) if not (
            overburdened_diff is not None and np.isfinite(overburdened_diff) and overburdened_diff < 0) else \
            money_text("carers_hold_on", lang, diff=fmt_points(overburdened_diff, lang))
        reasons.append(money_text("carers_fewer" if saved > 0 else "carers_hours", lang,
                                  amount=fmt_eur(abs(saved), lang), why=why))
    elif abs(saved) >= small:
        why = pick(SPENDS[party], lang)
        if party == "care_office" and admissions_diff is not None and np.isfinite(admissions_diff) and \
                admissions_diff != 0 and (admissions_diff < 0) == (saved > 0):
            why += money_text("admissions", lang, diff=fmt_number(admissions_diff, lang))
        reasons.append(money_text("less" if saved > 0 else "more", lang, amount=fmt_eur(abs(saved), lang), what=why))
    verdict = "same" if abs(net) < small else "better" if net > 0 else "worse"
    text = money_text("sentence", lang, party=party_label, verdict=money_text(verdict, lang),
                      subject=money_text("subject", lang),
                      net=fmt_eur(net, lang, signed=True),
                      reasons=money_text("and", lang).join(reasons) or money_text("nothing", lang))
    return text[0].upper() + text[1:]
