"""The en/nl labels (sim.workshop.labels): the payer table against the model's payers and cost indicators."""
from __future__ import annotations

import pytest

from sim.model.indicators import COST_PARTS, COST_PAYERS, INDICATORS, INVESTMENT_PAYERS, cost_indicator
from sim.workshop.labels import LANGUAGES, ORGANISATIONS, PAYERS, label


def test_payer_table_covers_every_cost_indicator_and_payer_of_the_model():
    # cost_access_route_per_capita (issue 14), cost_zvw_district_nursing_per_capita and the Wlz's parts (issue 12,
    # for the national accounts) are parts of a payer's line, not a payer's own
    costs = {i for i in INDICATORS if i.startswith("cost_") and i != "cost_total_per_capita" and i not in COST_PARTS}
    assert {cost_indicator(p) for p in COST_PAYERS} == costs
    assert set(PAYERS) == set(COST_PAYERS) | set(INVESTMENT_PAYERS)
    assert set(ORGANISATIONS) == set(INVESTMENT_PAYERS)
    for key in COST_PAYERS:
        assert PAYERS[key].indicator == cost_indicator(key)
    # each care cost indicator is paid by exactly one organisation
    paid = [PAYERS[o].indicator for o in ORGANISATIONS if PAYERS[o].indicator]
    assert sorted(paid) == sorted(cost_indicator(p) for p in COST_PAYERS if p != "investment")


@pytest.mark.parametrize("key", sorted(PAYERS))
def test_every_payer_has_an_english_and_a_dutch_label(key):
    en, nl = (label(key, lang) for lang in LANGUAGES)
    assert en and nl and en == PAYERS[key].en and nl == PAYERS[key].nl
    assert en != key.replace("_", " ") or nl != key.replace("_", " ")   # not the fallback


def test_cost_indicators_have_labels_in_both_languages():
    for key in COST_PAYERS:
        en, nl = label(cost_indicator(key), "en"), label(cost_indicator(key), "nl")
        assert "EUR" in en and "EUR" in nl and en != nl


@pytest.mark.parametrize("name", INDICATORS)
def test_every_indicator_a_run_reports_has_an_english_and_a_dutch_name(name):
    """The series menus and tables of the app and the report show these names; the fallback (the key with
    spaces) is English-looking text in a Dutch workshop."""
    en, nl = label(name, "en"), label(name, "nl")
    assert en != name.replace("_", " ") and nl != name.replace("_", " ") and en != nl


def test_unknown_language_is_refused():
    with pytest.raises(ValueError):
        label("wlz", "de")


# ---- the workshop's formats, words and palette (issue 15) -------------------------------------------------

from itertools import combinations  # noqa: E402

import numpy as np  # noqa: E402

from sim.workshop.labels import (MAP_COLOURMAP, PARTY_COLOURS, POLICY_TERMS, SCENARIO_COLOURS, WSG_OUTLINE,  # noqa: E402
                                 districts, fmt_eur_million, fmt_number, fmt_percent, fmt_value,
                                 neighbourhood_names, scenario_description)

CVD = ("deuteranomaly", "protanomaly")     # colorspacious' names; severity 100 = deuteranopia, protanopia
MIN_PAIR = 12.0     # CAM02-UCS distance between two colours that must be told apart (about 1 is just noticeable)
MIN_OUTLINE = 40.0  # the woonservicegebied outline against every map colour (one of its two lines)


def _seen(colour, cvd):
    """A colour as seen with full deuteranopia or protanopia (Machado et al. 2009, via colorspacious), in
    CAM02-UCS coordinates."""
    import colorspacious
    from matplotlib.colors import to_rgb
    space = {"name": "sRGB1+CVD", "cvd_type": cvd, "severity": 100}
    seen = np.clip(colorspacious.cspace_convert(np.array(to_rgb(colour)), space, "sRGB1"), 0, 1)
    return colorspacious.cspace_convert(seen, "sRGB1", "CAM02-UCS")


def _closest_pair(colours, cvd):
    return min(float(np.linalg.norm(_seen(a, cvd) - _seen(b, cvd))) for a, b in combinations(colours, 2))


@pytest.mark.parametrize("cvd", CVD)
def test_party_and_scenario_colours_stay_apart_with_colour_blindness(cvd):
    assert _closest_pair(PARTY_COLOURS.values(), cvd) >= MIN_PAIR
    assert _closest_pair(SCENARIO_COLOURS, cvd) >= MIN_PAIR
    # the check tells the old palette (matplotlib's default: Zvw green next to the housing association's red)
    # from the new one: under deuteranopia those two were nearly the same
    if cvd == "deuteranomaly":
        assert _closest_pair(["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728"], cvd) < MIN_PAIR


@pytest.mark.parametrize("cvd", CVD)
def test_woonservicegebied_outline_shows_on_every_map_colour(cvd):
    from matplotlib import colormaps
    from matplotlib.colors import to_hex

    def worst(outline, cmap):
        return min(max(float(np.linalg.norm(_seen(o, cvd) - _seen(to_hex(colormaps[cmap](x)), cvd))) for o in outline)
                   for x in np.linspace(0, 1, 65))
    assert worst(WSG_OUTLINE, MAP_COLOURMAP) >= MIN_OUTLINE
    if cvd == "protanomaly":                   # the old red outline on viridis fails the same check
        assert worst(("red",), "viridis") < MIN_OUTLINE


def test_dutch_number_and_percent_formats():
    assert fmt_number(1234.5, "nl", 1) == "1.234,5" and fmt_number(1234.5, "en", 1) == "1,234.5"
    assert fmt_percent(0.244, "nl") == "24 %" and fmt_percent(0.244, "en") == "24%"
    assert fmt_number(0.00000797, "en") == "0.0000080"          # never 7.97e-06, never 0.000
    assert fmt_value("unmet_need_share", 0.031, "nl", signed=True) == "+3,1 %"
    assert fmt_value("falls_per_1000_65plus", -0.00001, "en", signed=True) in ("-0.000010", "0")
    # shares whose name does not end in _share are percentages too (the A-vs-B table showed 0.92)
    assert fmt_value("share_75plus_independent", 0.92, "en") == "92%"
    assert fmt_value("wmo_household_help_share_85plus", 0.31, "nl") == "31 %"
    assert fmt_value("decedents_80plus_intramural_at_death", 0.33, "en") == "33%"
    assert fmt_value("mortality_rate_80plus", 0.12, "en") == "0.12"      # a rate, not a share
    assert fmt_number(-0.0001, "nl", 2) == "0,00"               # no "-0,00"
    assert fmt_eur_million(-2_345_678, "nl") == "-€ 2,35 mln" and fmt_eur_million(12_500_000, "en") == "€12.5 million"
    assert fmt_number(float("nan"), "nl") == "–"
    with pytest.raises(ValueError):
        fmt_number(1.0, "de")


def test_the_rooms_money_points_and_intervals():
    """Issue 27: the numbers the Dutch handout printed wrongly, now in Dutch (Babel), and read back."""
    from sim.workshop.labels import fmt_eur, fmt_points, interval_name, parse_number
    assert fmt_eur(-595_915, "nl") == "-€ 596.000" and fmt_eur(850_000, "nl") == "€ 850.000"
    assert fmt_eur(26_640_174, "nl") == "€ 26,6 mln" and fmt_eur(-6.5e6, "nl") == "-€ 6,50 mln"
    assert fmt_eur(0, "nl") == "€ 0" and fmt_eur(1234, "en", signed=True) == "+€1,230"
    assert fmt_points(-5.3e-05, "nl") == "-0,0053 %-punt" and fmt_points(0.031, "nl") == "+3,1 %-punt"
    assert fmt_points(-0.00015, "en") == "-0.015 pp"
    assert fmt_value("unmet_need_share", -0.021, "nl", signed=True, difference=True) == "-2,1 %-punt"
    assert fmt_value("unmet_need_share", -0.021, "nl", signed=True) == "-2,1 %"     # a level stays a share
    assert interval_name(3, "nl") == "spreiding over 3 runs" and interval_name(12, "en") == "90 % interval"
    for shown, value in (("-€ 596.000", -596_000), ("€ 26,6 mln", 26.6e6), ("+3,1 %-punt", 0.031),
                         ("1.234,5", 1234.5), ("24 %", 0.24)):
        assert parse_number(shown, "nl") == pytest.approx(value)
    assert parse_number("1,234.5", "en") == 1234.5


def test_axes_read_as_the_tables():
    """Shares as 93 %, share differences in percentage points, money in the axis's unit, Dutch separators."""
    from sim.workshop.labels import axis_formatter, money_scale
    share = axis_formatter("share", "nl")
    share.set_locs([0.90, 0.95, 1.0])
    assert share(0.93) == "93 %" and axis_formatter("share", "en")(0.5) == "50%"
    number = axis_formatter("number", "nl")
    number.set_locs([0.642, 0.644, 0.646])
    assert number(0.644) == "0,644" and number(0.646) != number(0.644)     # as many decimals as the steps need
    number.set_locs([8000, 10000, 12000])
    assert number(12000) == "12.000"
    assert money_scale([-2.4e6, 0.2e6], "nl") == (1e6, "€ mln") and money_scale([850_000], "nl")[1] == "€ duizend"
    money = axis_formatter("money", "nl", 1e6)
    money.set_locs([-2.5e6, -2e6, -1.5e6])
    assert money(-2.5e6) == "-2,5"


def test_policy_words_name_the_right_scheme():
    """wijkverpleging is Zvw (the health insurer), a wijkteam Wmo, the zorgkantoor the Wlz (DOMAIN.md §1)."""
    from sim.model.blocks import block
    from sim.workshop.labels import map_label as app_label
    team, carer = block("care_team_hours").lever.label, block("carer_support").lever.label
    assert POLICY_TERMS["care_team_hours"] == ("wijkverpleging", "care_insurer")
    assert "wijkverpleging" in team[1] and "wijkteam" not in team[1]
    assert label("care_insurer", "nl") == "zorgverzekeraar (Zvw)" and label("care_office", "nl") == "zorgkantoor (Wlz)"
    assert label("municipality", "nl") == "gemeente (Wmo)" and "mantelzorg" in carer[1]
    for kind, (word, payer) in POLICY_TERMS.items():
        assert word in app_label(kind, "nl")
    from sim.workshop.appcache import Levers, lever_costs
    from sim.model.scenario import load_scenario
    from conftest import ROOT
    costs = lever_costs(load_scenario(ROOT / "scenarios" / "small.yaml"),
                        Levers(care_team_hours=10, carer_support=0.5, adapted_dwellings=1, alarm_minutes=10))
    assert {c["type"]: c["payer"] for c in costs} == {k: p for k, (_, p) in POLICY_TERMS.items()}


def test_one_dutch_word_for_replicates():
    """'herhaling' everywhere (the app, the report, compare's tables and figures), never 'replicatie'."""
    from conftest import ROOT
    for path in sorted((ROOT / "sim" / "workshop").rglob("*.py")) + [ROOT / "docs" / "workshop.md"]:
        assert "replicati" not in path.read_text(encoding="utf-8").lower(), path


def test_scenario_descriptions_and_neighbourhood_names():
    assert scenario_description("wsg_full + levers", "Woonservicegebied hardware", "nl").startswith("Woonservicegebied")
    assert scenario_description("mine", "My own", "nl") == "My own"
    names = neighbourhood_names(10, 10)
    assert len(set(names.values())) == 100 and names[(0, 0)] == "Zuidwest 1" and names[(9, 9)].startswith("Noordoost")
    assert names[(5, 5)].startswith("Centrum")
    d = districts(10, 10)
    assert len(d) == 9 and sum(len(c) for c in d.values()) == 100


def test_a_variants_name_reads_in_dutch():
    """Issue 27: 'all · 20 h · cs 1' becomes words in the room's language."""
    from sim.workshop.appcache import Levers
    from sim.workshop.labels.variants import variant_name
    levers = Levers(where="all", care_team_hours=20, carer_support=1, adapted_dwellings=1)
    nl = variant_name(levers, ["baseline"], "nl")
    assert nl == ("baseline · hele gemeente · 1 woning extra per buurt · 20 uur wijkverpleging per maand per buurt"
                  " · mantelzorgsteun 1")
    assert " h " not in nl and "cs " not in nl
    assert variant_name(Levers(), ["baseline"], "en") == "baseline"
