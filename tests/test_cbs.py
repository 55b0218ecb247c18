"""sim/model/cbs.py: where the CBS KWB 2024 data come from (shared folder, cache, download) and what
happens without them. The download is tested with a fake CBS OData and a fake PDOK on small data made
here; no test touches the network."""
import json
import urllib.error

import pytest

from sim.model import cbs, wijken
from conftest import langerthuis_in_process


# ----------------------------------------------------------------------------- fakes of CBS OData and PDOK
def _kwb_row(code, name, municipality, inhabitants, old, households, one_person=None):
    """A row as cbsodata.get_data returns it: property names with their position suffix, padded codes."""
    return {"WijkenEnBuurten": name, "Gemeentenaam_1": municipality + "   ", "SoortRegio_2": "x",
            "Codering_3": code + "  ", "AantalInwoners_5": inhabitants, "Mannen_6": None, "Vrouwen_7": None,
            "k_0Tot15Jaar_8": None, "k_15Tot25Jaar_9": None, "k_25Tot45Jaar_10": None, "k_45Tot65Jaar_11": None,
            "k_65JaarOfOuder_12": old, "HuishoudensTotaal_29": households, "Eenpersoonshuishoudens_30": one_person,
            "GemiddeldeHuishoudensgrootte_33": 2.0, "Bevolkingsdichtheid_34": None}


class FakeOData:
    """Testdorp (GM9999): two inhabited wijken and a water wijk without figures."""
    def __init__(self, fail=None):
        self.calls, self.fail = 0, fail

    def get_data(self, table, filters=None, **kwargs):
        self.calls += 1
        if self.fail:
            raise self.fail
        assert table == cbs.KWB_TABLE and "WK" in filters and "GM" in filters and kwargs["typed"]
        return [_kwb_row("GM9999", "Testdorp", "Testdorp", 3000, 700, 1400, one_person=560),
                _kwb_row("WK999900", "Wijk 00 Dorp", "Testdorp", 2000, 500, 900),
                _kwb_row("WK999901", "Wijk 01 Veld", "Testdorp", 1000, 200, 500),
                _kwb_row("WK999902", "Groot water", "Testdorp", None, None, None)]


def _square(x, y, code):
    ring = [[x, y], [x + 0.01, y], [x + 0.01, y + 0.01], [x, y + 0.01], [x, y]]
    return {"type": "Feature", "properties": {"wijkcode": code, "gemeentecode": "GM9999", "wijknaam": "?"},
            "geometry": {"type": "Polygon", "coordinates": [ring]}}


class FakePdok:
    """Dorp and Veld share a 1.1 km border; the water wijk meets Veld only at a corner. Two per page."""
    def __init__(self, fail=None):
        self.calls, self.fail = 0, fail
        self.features = [_square(5.00, 52.00, "WK999900"), _square(5.01, 52.00, "WK999901"),
                         _square(5.02, 52.01, "WK999902")]

    def __call__(self, url, params):
        self.calls += 1
        if self.fail:
            raise self.fail
        assert url == cbs.PDOK_WFS and params["typeNames"] == "wijken" and params["srsName"] == "EPSG:4326"
        start = params["startIndex"]
        return {"type": "FeatureCollection", "features": self.features[start:start + params["count"]]}


@pytest.fixture
def no_shared_folder(tmp_path, monkeypatch):
    """No LANGERTHUIS_CBS_DIR; the user's cache in tmp_path (empty); PDOK pages of two features."""
    monkeypatch.delenv(cbs.ENV_DIR, raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setattr(cbs, "PDOK_PAGE", 2)
    return tmp_path / "cache" / "langerthuis" / "cbs"


# ----------------------------------------------------------------------------- download and cache
def test_the_download_writes_the_cache_once_and_reads_it_afterwards(no_shared_folder):
    odata, pdok = FakeOData(), FakePdok()
    data = cbs.load(odata=odata, http_get=pdok)
    assert (odata.calls, pdok.calls) == (1, 2)          # two PDOK pages
    assert data.folder == no_shared_folder.resolve()
    assert sorted(p.name for p in no_shared_folder.iterdir()) == sorted([*cbs.FILES, "SOURCE.txt"])
    assert [p.name for p in no_shared_folder.parent.iterdir()] == ["cbs"]     # no temporary folder left
    # a second time: read from the cache, no request
    again = cbs.load(odata=odata, http_get=pdok)
    assert (odata.calls, pdok.calls) == (1, 2)
    assert list(again.wijken.wijkcode) == ["WK999900", "WK999901", "WK999902"]
    place = wijken.municipality("testdorp", again)
    assert (place.code, place.name, place.inhabitants, place.households) == ("GM9999", "Testdorp", 3000, 1400)
    assert place.one_person_share == pytest.approx(0.4)                       # 560 of 1,400 households
    assert [(w.code, w.name, w.inhabitants, w.inhabitants_65plus) for w in place.wijken] == [
        ("WK999900", "Wijk 00 Dorp", 2000, 500), ("WK999901", "Wijk 01 Veld", 1000, 200),
        ("WK999902", "Groot water", 0, 0)]
    # the download keeps CBS's own 65+ count and computes the share from it
    assert again.wijken.set_index("wijkcode").loc["WK999900", "pct_65plus"] == 25.0
    assert place.neighbours == {"WK999900": ("WK999901",), "WK999901": ("WK999900",), "WK999902": ()}
    assert [(g.code, g.reason) for g in place.gaps] == [("WK999902", "no_figures")]


@pytest.mark.parametrize("broken", ["odata", "pdok"])
def test_without_data_and_without_network_one_line_says_how_to_get_them(no_shared_folder, broken):
    odata = FakeOData(fail=ConnectionError("Max retries exceeded") if broken == "odata" else None)
    pdok = FakePdok(fail=urllib.error.URLError("Network is unreachable") if broken == "pdok" else None)
    with pytest.raises(cbs.CbsDataError) as caught:
        cbs.load(odata=odata, http_get=pdok)
    message = str(caught.value)
    assert "\n" not in message and cbs.ENV_DIR in message and "connect to the internet once" in message
    assert ("Max retries" if broken == "odata" else "Network is unreachable") in message
    assert not no_shared_folder.parent.exists() or not any(no_shared_folder.parent.iterdir())  # nothing written


def test_the_command_line_without_data_and_network_exits_2_with_one_line(no_shared_folder, monkeypatch, capsys):
    def offline(odata=None):
        raise OSError("[Errno 101] Network is unreachable")
    monkeypatch.setattr(cbs, "fetch_kwb", offline)
    status, out, err = langerthuis_in_process(capsys, "municipalities", "hengelo")
    assert status == 2 and out == "", (status, out, err)
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert err.startswith("langerthuis: error: CBS data:") and cbs.ENV_DIR in err


def test_a_table_without_the_needed_columns_is_one_line(no_shared_folder):
    class Renamed(FakeOData):
        def get_data(self, table, filters=None, **kwargs):
            return [{k.replace("AantalInwoners", "Inwoners"): v for k, v in row.items()}
                    for row in super().get_data(table, filters, **kwargs)]
    with pytest.raises(cbs.CbsDataError, match="has no column AantalInwoners"):
        cbs.load(odata=Renamed(), http_get=FakePdok())


# ----------------------------------------------------------------------------- the shared folder
def test_a_folder_given_without_the_files_is_one_line_naming_them(tmp_path, monkeypatch):
    (tmp_path / cbs.WIJKEN_CSV).write_text("wijkcode\n", encoding="utf-8")
    monkeypatch.setenv(cbs.ENV_DIR, str(tmp_path))
    with pytest.raises(cbs.CbsDataError) as caught:
        cbs.load(odata=FakeOData(fail=AssertionError("no download when the folder is given")))
    assert str(caught.value) == (f"{cbs.ENV_DIR}={tmp_path}: expected a folder with {', '.join(cbs.FILES)}, "
                                 f"found no {cbs.GEMEENTEN_CSV}, {cbs.WIJKEN_GEOJSON}")


def test_a_csv_without_its_columns_is_one_line_with_file_and_line(tmp_path, monkeypatch):
    for name in cbs.FILES:
        (tmp_path / name).write_text("wijkcode,wijknaam\n" if name.endswith(".csv") else "{}", encoding="utf-8")
    monkeypatch.setenv(cbs.ENV_DIR, str(tmp_path))
    with pytest.raises(cbs.CbsDataError, match=rf"{cbs.WIJKEN_CSV}:1: header: expected the columns gemeentecode"):
        cbs.load()


def test_the_shared_folder_has_every_wijk_and_municipality_of_2024():
    """The counts the shared README gives: 3,475 wijken of 342 municipalities, 82 without population
    figures (81 'Groot water' and Buitenland), and 94 more whose age groups CBS keeps secret."""
    data = cbs.load()
    assert len(data.wijken) == 3475 and data.wijken.wijkcode.is_unique
    assert data.gemeenten.aantal_inwoners.notna().sum() == 342
    assert set(data.geometry) == set(data.wijken.wijkcode)
    no_figures = data.wijken[data.wijken.aantal_inwoners.isna()]
    assert len(no_figures) == 82 and set(no_figures.wijknaam) == {"Groot water", "Buitenland"}
    secret_ages = data.wijken.aantal_inwoners.notna() & data.wijken.inw_65plus_afgeleid.isna()
    assert secret_ages.sum() == 94 and data.wijken.aantal_inwoners[secret_ages].max() <= 50
    national = data.gemeenten.aantal_inwoners.sum()
    assert 17.9e6 < national < 18.0e6        # CBS: 17,942,942 on 1 January 2024


def test_the_credit_line_names_cbs_kadaster_and_the_licence():
    for lang in ("nl", "en"):
        text = cbs.credit(lang)
        assert "CBS" in text and "Kadaster" in text and "CC BY 4.0" in text and "2024" in text
    assert cbs.credit("nl") == "Bron: CBS, Kerncijfers wijken en buurten 2024; CBS/Kadaster (wijkgrenzen), CC BY 4.0"
    assert wijken.municipality("GM0164").credit("en") == cbs.credit("en")


def test_the_geojson_in_the_cache_is_plain_geojson(no_shared_folder):
    cbs.load(odata=FakeOData(), http_get=FakePdok())
    collection = json.loads((no_shared_folder / cbs.WIJKEN_GEOJSON).read_text(encoding="utf-8"))
    assert collection["type"] == "FeatureCollection"
    assert [f["properties"] for f in collection["features"]][0] == {"wijkcode": "WK999900", "gemeentecode": "GM9999"}
