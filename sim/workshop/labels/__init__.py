"""Every text the workshop shows, in English and Dutch, and the room's formats, colours and place names.

One package, a module per kind of text: ``indicators`` (the indicators' names), ``parties`` (payers, the
ledger's parties, the levers' policy words), ``outputs`` (the tables and figures of compare, the report and
the app, and the ledger's texts), ``app`` (the app's own words, tooltips and map values), ``report`` (the
report's sections, its summary and what the model leaves out); ``formats``, ``palette`` and ``places`` hold
the numbers, colours and names of the room.

``label(key, lang)`` looks a key up in the indicators, payers, parties and shared texts; an unknown key falls
back to the key itself with underscores as spaces, so a new indicator never breaks a figure (it only lacks a
nice name). ``app_text`` and ``report_text`` look in their own table first, then in the shared texts.
"""
from __future__ import annotations

import numpy as np

from sim.model.blocks import TYPES, block
from sim.workshop.labels.app import APP_HELP, APP_TEXTS, MAP_LABELS
from sim.workshop.labels.formats import (axis_formatter, count, fmt_eur, fmt_eur_million, fmt_number, fmt_percent,
                                         fmt_points, fmt_value, interval_name, is_money, is_share, money_scale,
                                         parse_number)
from sim.workshop.labels.indicators import INDICATOR_LABELS
from sim.workshop.labels.languages import LANGUAGES, pick
from sim.workshop.labels.outputs import LEDGER_TEXTS, TEXTS
from sim.workshop.labels.palette import (MAP_COLOURMAP, OKABE_ITO, PARTY_COLOURS, SCENARIO_COLOURS,
                                         SCENARIO_HATCHES, SCENARIO_STYLES, WSG_OUTLINE)
from sim.workshop.labels.parties import ORGANISATIONS, PARTIES, PAYERS, POLICY_TERMS, Payer
from sim.workshop.labels.places import (COMPASS, SCENARIO_NL, cell_names, describe_scenario, district_of, districts,
                                        neighbourhood_names, scenario_description)
from sim.workshop.labels.report import AREA_TEXTS, CAVEATS, REPORT_TEXTS, SUMMARY_TEXTS

__all__ = ["APP_HELP", "APP_TEXTS", "AREA_TEXTS", "CAVEATS", "COMPASS", "INDICATOR_LABELS", "LANGUAGES", "LEDGER_TEXTS",
           "MAP_COLOURMAP", "MAP_LABELS", "OKABE_ITO", "ORGANISATIONS", "PARTIES", "PARTY_COLOURS", "PAYERS",
           "POLICY_TERMS", "Payer", "REPORT_TEXTS", "SCENARIO_COLOURS", "SCENARIO_HATCHES", "SCENARIO_NL",
           "SCENARIO_STYLES", "SUMMARY_TEXTS", "TEXTS", "WSG_OUTLINE", "app_help", "app_text", "caveats",
           "axis_formatter", "cell_names", "count", "describe_scenario", "district_of", "districts", "fmt_eur", "fmt_eur_million", "fmt_points",
           "interval_name", "is_money", "money_scale", "parse_number", "fmt_number", "fmt_percent", "fmt_value", "is_share",
           "label", "map_label", "neighbourhood_names", "number", "pick", "report_text", "scenario_description",
           "summary_text", "text"]


def label(key: str, lang: str = "en") -> str:
    """The label of an indicator, payer or text key in ``lang`` ('en' or 'nl')."""
    if key in PAYERS:
        return pick((PAYERS[key].en, PAYERS[key].nl), lang)
    for table in (INDICATOR_LABELS, TEXTS, PARTIES, LEDGER_TEXTS):
        if key in table:
            return pick(table[key], lang)
    pick(("", ""), lang)  # still refuse an unknown language
    return key.replace("_", " ")


def text(key: str, lang: str = "en", **fields) -> str:
    """A text with ``{fields}`` filled in."""
    return label(key, lang).format(**fields)


def number(x) -> str:
    """A value for a table cell: three significant figures or so, thousands separated, '–' for none."""
    if x is None or not np.isfinite(x):
        return "–"
    a = abs(x)
    if a == 0:
        return "0"
    return f"{x:,.0f}" if a >= 1000 else f"{x:.1f}" if a >= 10 else f"{x:.3f}" if a >= 0.01 else f"{x:.2g}"


def _phrase(table: dict, key: str, lang: str, fields: dict) -> str:
    """``key`` from ``table``, else from the shared texts, with ``{fields}`` filled in (when there are any)."""
    value = pick(table.get(key) or TEXTS[key], lang)
    return value.format(**fields) if fields else value


def app_text(key: str, lang: str, **fields) -> str:
    """The app's text, or a text shared with the other outputs."""
    return _phrase(APP_TEXTS, key, lang, fields)


def app_help(key: str, lang: str) -> str:
    """The tooltip of a control: what it does and what the evidence says."""
    return pick(APP_HELP[key], lang)


def map_label(name: str, lang: str) -> str:
    """The name of a map value (a per-neighbourhood column) or of an investment type (the building-block
    registry's, sim.model.blocks), else the shared label."""
    pair = MAP_LABELS.get(name) or (block(name).label if name in TYPES else None)
    return pick(pair, lang) if pair else label(name, lang)


def report_text(key: str, lang: str, **fields) -> str:
    """The report's text, or a text shared with the other outputs."""
    return _phrase(REPORT_TEXTS, key, lang, fields)


def summary_text(key: str, lang: str, **fields) -> str:
    """A text of the report's one-page summary for the council."""
    return _phrase(SUMMARY_TEXTS, key, lang, fields)


def caveats(lang: str, assumed: int, parameters: int) -> list[str]:
    """What the model leaves out, in plain words; ``assumed`` of the ``parameters`` model parameters are
    assumptions."""
    pick(("", ""), lang)
    return [c.format(assumed=assumed, parameters=parameters) for c in CAVEATS[lang]]
