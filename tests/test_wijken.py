"""sim/model/wijken.py: a real municipality's wijken from KWB 2024 (the shared folder, see conftest.py),
their neighbours, the wijken without figures, the 65+ split and the back-cast; the `municipalities`
command; and the wijk map (sim/workshop/figures/wijken.py)."""
import json

import matplotlib.pyplot as plt
import numpy as np
import pytest
from conftest import CBS_DIR, langerthuis_in_process

from sim.errors import ScenarioError
from sim.model import cbs
from sim.model.wijken import (GAP_REASONS, MIN_SHARED_M, backcast_65plus_factor, backcast_factor, municipalities,
                              municipality, national_65plus, split_65plus, start_population)

HENGELO = {  # KWB 2024 (hengelo_wijken_2024.csv): code, name, inhabitants, 65+ (inhabitants x rounded share)
    "WK016400": ("Wijk 00 Binnenstad", 3010, 632), "WK016401": ("Wijk 01 Hengelose Es", 11030, 2206),
    "WK016402": ("Wijk 02 Noord", 10255, 1743), "WK016403": ("Wijk 03 Hasseler Es", 11975, 2874),
    "WK016404": ("Wijk 04 Groot Driene", 9160, 2382), "WK016405": ("Wijk 05 Berflo Es", 7295, 1167),
    "WK016406": ("Wijk 06 Wilderinkshoek", 10075, 2216), "WK016407": ("Wijk 07 Woolde", 7530, 2033),
    "WK016408": ("Wijk 08 Slangenbeek", 10740, 1611), "WK016409": ("Wijk 09 Buitengebied", 1990, 418),
}


def test_hengelo_has_its_ten_wijken_with_codes_names_and_figures():
    place = municipality("GM0164")
    assert (place.code, place.name) == ("GM0164", "Hengelo (O.)")
    assert {w.code: (w.name, w.inhabitants, w.inhabitants_65plus) for w in place.wijken} == HENGELO
    assert place.codes == sorted(HENGELO)
    # wijk figures are rounded to 5 by CBS: their sum is the municipality's total within 2.5 per wijk
    assert place.inhabitants == 83058
    assert abs(sum(w.inhabitants for w in place.wijken) - place.inhabitants) <= 2.5 * len(place.wijken)
    # households and the one-person share from the municipality row
    assert (place.households, place.one_person_share, place.household_size) == (39858, 0.41, 2.1)
    assert place.gaps == ()
    table = place.table()
    assert list(table.columns) == ["code", "name", "inhabitants", "inhabitants_65plus", "households",
                                   "neighbours", "gap"]
    assert table.households.sum() == 39855     # the wijk rows (rounded to 5); the municipality row: 39,858


@pytest.mark.parametrize("code, name, size", [("GM0363", "Amsterdam", 111), ("GM0093", "Terschelling", 7)])
def test_a_large_and_a_small_municipality_load_with_their_inhabitants(code, name, size):
    place = municipality(code)
    assert place.name == name and len(place.wijken) == size
    rows = cbs.load().wijken
    assert place.codes == sorted(rows[rows.gemeentecode == code].wijkcode)     # every wijk kept
    assert abs(sum(w.inhabitants for w in place.wijken) - place.inhabitants) <= 2.5 * size
    assert all(w.inhabitants_65plus <= w.inhabitants for w in place.wijken)
    kwb = rows.set_index("wijkcode")
    for w in place.wijken:
        if not np.isnan(kwb.loc[w.code, "inw_65plus_afgeleid"]):
            assert w.inhabitants_65plus == kwb.loc[w.code, "inw_65plus_afgeleid"]


def test_lookup_by_name_is_forgiving_but_never_ambiguous():
    assert municipality("Hengelo").code == municipality("hengelo (o.)").code == municipality("gm0164").code == "GM0164"
    assert municipality("Bergen (NH.)").code == "GM0373" and municipality("bergen l").code == "GM0893"
    assert municipality("'s-Hertogenbosch").code == municipality("s hertogenbosch").code
    with pytest.raises(ScenarioError) as caught:
        municipality("Bergen")
    assert "Bergen (L.) (GM0893), Bergen (NH.) (GM0373)" in str(caught.value)


def test_a_wrong_name_or_code_is_one_line_naming_close_matches():
    with pytest.raises(ScenarioError) as caught:
        municipality("Hengleo", file="scenarios/x.yaml", key="municipality.name", line=4)
    message = str(caught.value)
    assert message.startswith("scenarios/x.yaml:4: municipality.name: expected a CBS municipality code")
    assert "found 'Hengleo'; close: Hengelo (O.) (GM0164)" in message and "\n" not in message
    with pytest.raises(ScenarioError, match="found 'GM0998'"):     # Buitenland: no municipality, no figures
        municipality("GM0998")


def test_neighbours_are_symmetric_and_berflo_es_has_the_wijken_its_polygon_borders():
    for code in ("GM0164", "GM0363", "GM0093"):
        place = municipality(code)
        pairs = {(a, b) for a, near in place.neighbours.items() for b in near}
        assert pairs and pairs == {(b, a) for a, b in pairs}
        assert set(place.neighbours) == set(place.codes)
    hengelo = municipality("GM0164")
    assert hengelo.neighbours["WK016405"] == ("WK016400", "WK016404", "WK016406", "WK016409")
    # the same four as on the 2014 wijk map, whose polygons share their borders exactly (TopoJSON arcs)
    from shapely.geometry import shape
    map_2014 = json.loads((CBS_DIR / "hengelo_wijken_2014.geojson").read_text(encoding="utf-8"))
    shapes = {f["properties"]["wijkcode"]: shape(f["geometry"]) for f in map_2014["features"]}
    touching = sorted(c for c, s in shapes.items()
                      if c != "WK016405" and s.boundary.intersection(shapes["WK016405"].boundary).length > 0)
    assert tuple(touching) == hengelo.neighbours["WK016405"]
    # the simplified 2024 polygons do not touch exactly: without the tolerance two of the four would be lost
    berflo = hengelo.wijk("WK016405").polygon
    assert sum(berflo.touches(hengelo.wijk(c).polygon) for c in touching) < len(touching)
    # Binnenstad and Wilderinkshoek meet only at a corner: not neighbours
    assert "WK016406" not in hengelo.neighbours["WK016400"] and MIN_SHARED_M > 0


def test_wijken_without_figures_are_kept_and_reported():
    almere = municipality("GM0034")
    reasons = {g.code: g.reason for g in almere.gaps}
    assert set(reasons.values()) <= set(GAP_REASONS)
    water = almere.wijk("WK003499")
    assert reasons["WK003499"] == "no_figures" and (water.inhabitants, water.inhabitants_65plus) == (0, 0)
    share = cbs.load().gemeenten.set_index("gemeentecode").loc["GM0034", "pct_65plus"] / 100
    secret = [almere.wijk(c) for c, r in reasons.items() if r == "no_age_groups"]
    assert secret and all(w.inhabitants > 0 and w.inhabitants_65plus == round(w.inhabitants * share) for w in secret)
    assert all(almere.wijk(c).inhabitants == 0 for c, r in reasons.items() if r == "no_inhabitants")
    assert GAP_REASONS["no_figures"][1].startswith("geen cijfers") and almere.gaps[0].text("nl")


def test_the_65plus_split_follows_the_national_profile_of_the_nearest_year():
    bands = split_65plus(1000, 2012)            # nearest profile year: 2013 (950, 665, 500, 370, 225, 95, 22)
    assert bands.sum() == pytest.approx(1000)
    assert bands == pytest.approx(1000 * np.array([950, 665, 500, 370, 225, 95, 22]) / 2827)
    assert split_65plus(1000, 2010)[0] == pytest.approx(1000 * 790 / 2540)


def test_the_backcast_follows_the_national_path():
    assert backcast_factor(cbs.DATA_YEAR) == 1.0
    # profile_nl.yaml: 16,780 thousand in 2013; 2024 between 17,408 (2020) and 17,900 (2025)
    assert backcast_factor(2013) == pytest.approx(16780 / (17408 + 0.8 * (17900 - 17408)))
    assert national_65plus(2013) == 2_827_000 and national_65plus(2010) == 2_540_000
    assert 3.6e6 < national_65plus(2024) < 3.75e6          # CBS: about 3.68 million on 1 January 2024
    assert national_65plus(2020) == pytest.approx(2_827_000 + 7 / 11 * (national_65plus(2024) - 2_827_000))
    assert 0.7 < backcast_65plus_factor(2013) < backcast_factor(2013) < 1.0     # the 65+ grew faster


def test_the_start_population_is_kwb_in_the_data_year_and_smaller_before():
    hengelo = municipality("GM0164")
    now = start_population(hengelo, cbs.DATA_YEAR).set_index("code")
    assert {c: (round(r.inhabitants), round(r.inhabitants_65plus)) for c, r in now.iterrows()} == \
        {c: (n, old) for c, (_, n, old) in HENGELO.items()}
    then = start_population(hengelo, 2013).set_index("code")
    bands = [c for c in then.columns if c.startswith("age_")]
    assert bands == ["age_65", "age_70", "age_75", "age_80", "age_85", "age_90", "age_95"]
    assert then[bands].sum(axis=1).to_numpy() == pytest.approx(then.inhabitants_65plus.to_numpy())
    assert (then.inhabitants < now.inhabitants).all() and (then.inhabitants_65plus < now.inhabitants_65plus).all()


# ----------------------------------------------------------------------------- the municipalities command
def test_municipalities_filters_codes_and_names():
    table = municipalities("hengelo")
    assert list(table.code) == ["GM0164"] and table.wijken.tolist() == [10]
    assert table.inhabitants.tolist() == [83058]
    assert set(municipalities("bergen").code) >= {"GM0373", "GM0893", "GM0748"}
    assert len(municipalities()) == 342


def test_the_municipalities_command_lists_hengelo_and_its_wijken(capsys):
    status, out, err = langerthuis_in_process(capsys, "municipalities", "hengelo", "--wijken")
    assert status == 0, err
    lines = out.splitlines()
    assert lines[0].split()[:3] == ["GM0164", "Hengelo", "(O.)"] and "83,058 inhabitants" in lines[0]
    assert sum(line.strip().startswith("WK0164") for line in lines) == 10
    assert "WK016405  Wijk 05 Berflo Es" in out and cbs.credit("en") in lines[-1]


def test_the_municipalities_command_refuses_an_unknown_text_with_close_matches(capsys):
    status, out, err = langerthuis_in_process(capsys, "municipalities", "Hengleo")
    assert status == 2 and out == ""
    assert err.strip() == ("langerthuis: error: municipalities: TEXT: expected a CBS municipality code (e.g. "
                           "GM0164) or name (e.g. Hengelo), found 'Hengleo'; close: Hengelo (O.) (GM0164), "
                           "Rhenen (GM0340), Venlo (GM0983)")


# ----------------------------------------------------------------------------- the wijk map
def test_the_wijk_map_colours_each_wijk_outlines_areas_and_carries_the_credit(tmp_path, monkeypatch):
    from sim.workshop.figures import wijken as wijkmap
    hengelo = municipality("GM0164")
    values = {w.code: w.inhabitants_65plus / w.inhabitants for w in hengelo.wijken}
    values["WK016409"] = float("nan")                            # a wijk without a value: grey, hatched
    fig, ax = plt.subplots()
    mappable = wijkmap.draw_wijken(ax, hengelo.geojson(), values, areas={"berflo_es": ["WK016405"]})
    drawn = mappable.get_array()
    expected = [v for c, v in values.items() for _ in (hengelo.wijk(c).polygon.geoms
                if hasattr(hengelo.wijk(c).polygon, "geoms") else [0]) if np.isfinite(v)]
    assert list(drawn) == pytest.approx(expected)
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["berflo_es"]
    assert any(c.get_hatch() == "///" for c in ax.collections)
    plt.close(fig)
    texts = []
    monkeypatch.setattr(wijkmap.plt, "close", lambda f: texts.extend(t.get_text() for t in f.texts))
    path = wijkmap.wijk_map(tmp_path / "hengelo.png", hengelo.geojson(), values, areas={"berflo_es": ["WK016405"]},
                            names={w.code: w.name for w in hengelo.wijken}, lang="nl")
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert texts == [cbs.credit("nl")]
    assert wijkmap.short_name("Wijk 05 Berflo Es") == "Berflo Es"
