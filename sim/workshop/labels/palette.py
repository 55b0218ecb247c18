"""Colours told apart with colour-vision deficiency: one per party, one per scenario, the map's colour map."""
from __future__ import annotations

# Okabe & Ito (2008), "Color universal design": eight colours told apart with every common colour-vision
# deficiency (tests/test_labels.py simulates deuteranopia and protanopia and measures the distances)
OKABE_ITO = {"orange": "#E69F00", "sky_blue": "#56B4E9", "bluish_green": "#009E73", "yellow": "#F0E442",
             "blue": "#0072B2", "vermillion": "#D55E00", "reddish_purple": "#CC79A7", "black": "#000000"}
# one colour per paying party, everywhere (app, report, figures); the six parties of the ledger
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
