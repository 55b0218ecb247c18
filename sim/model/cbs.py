"""CBS Kerncijfers wijken en buurten (KWB) 2024 and the wijk boundaries: where they come from, once.

The data are three files in one folder (the layout of ``../shared/data/neighbourhoods``, described in its
README): ``wijken_2024_nl.csv`` (one row per wijk), ``gemeenten_2024_nl.csv`` (one row per municipality)
and ``wijken_2024_nl.geojson`` (the wijk polygons, WGS84, with ``wijkcode`` and ``gemeentecode``).
:func:`data_dir` finds that folder:

1. ``$LANGERTHUIS_CBS_DIR`` when it is set (the tests and CI point it at the shared folder);
2. otherwise the user's cache, ``$XDG_CACHE_HOME/langerthuis/cbs`` (default ``~/.cache/langerthuis/cbs``),
   which :func:`download` fills once: the figures from CBS OData (StatLine table ``85984NED``, with the
   ``cbsodata`` package) and the boundaries from the PDOK WFS of the CBS/Kadaster Wijk- en buurtkaart 2024.
   The folder appears whole or not at all.

Without data and without a connection: one line (:class:`CbsDataError`) that says how to get them.
Every output that uses these data carries :func:`credit` (CC BY 4.0 asks for it).
"""
from __future__ import annotations

import csv
import json
import math
import os
import re
import shutil
import tempfile
import urllib.parse
import urllib.request
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pandas as pd

from sim.errors import InputError

DATA_YEAR = 2024                   # KWB 2024: inhabitants on 1 January 2024
KWB_TABLE = "85984NED"             # StatLine: Kerncijfers wijken en buurten 2024
PDOK_WFS = "https://service.pdok.nl/cbs/wijkenbuurten/2024/wfs/v1_0"
PDOK_PAGE = 1000                   # features per WFS request (the service's maximum)
ENV_DIR = "LANGERTHUIS_CBS_DIR"
WIJKEN_CSV, GEMEENTEN_CSV, WIJKEN_GEOJSON = "wijken_2024_nl.csv", "gemeenten_2024_nl.csv", "wijken_2024_nl.geojson"
FILES = (WIJKEN_CSV, GEMEENTEN_CSV, WIJKEN_GEOJSON)

CREDIT = {
    "nl": "Bron: CBS, Kerncijfers wijken en buurten 2024; CBS/Kadaster (wijkgrenzen), CC BY 4.0",
    "en": "Source: CBS, Kerncijfers wijken en buurten (key figures of districts and neighbourhoods) 2024; "
          "CBS/Kadaster (district boundaries), CC BY 4.0",
}

# the columns of the two CSV files (as in the shared folder; a download writes the same)
WIJK_COLUMNS = ["wijkcode", "wijknaam", "gemeentecode", "gemeentenaam", "aantal_inwoners", "mannen", "vrouwen",
                "pct_0_15", "pct_15_25", "pct_25_45", "pct_45_65", "pct_65plus", "inw_65plus_afgeleid",
                "huishoudens", "gem_huishouden_grootte", "bevolkingsdichtheid", "personenautos"]
GEMEENTE_COLUMNS = ["gemeentecode", "gemeentenaam", "aantal_inwoners", "mannen", "vrouwen", "pct_0_15",
                    "pct_15_25", "pct_25_45", "pct_45_65", "pct_65plus", "huishoudens", "gem_huishouden_grootte",
                    "pct_eenpersoonshhd", "pct_hhd_zonder_kind", "pct_hhd_met_kind", "bevolkingsdichtheid",
                    "omgevingsadressendichtheid", "stedelijkheid", "opp_land", "opp_water"]
AGE_GROUPS = ("0_15", "15_25", "25_45", "45_65", "65plus")


class CbsDataError(InputError):
    """The CBS data cannot be found or fetched: one line, exit status 2 from the command line."""


def credit(lang: str = "nl") -> str:
    """The attribution every output that uses the CBS data carries (CC BY 4.0)."""
    return CREDIT.get(lang, CREDIT["nl"])


# ----------------------------------------------------------------------------- where the data are
def cache_dir() -> Path:
    """``$XDG_CACHE_HOME/langerthuis/cbs`` (default ``~/.cache/langerthuis/cbs``): where a download goes."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "langerthuis" / "cbs"


def missing_files(folder: Path) -> list[str]:
    return [name for name in FILES if not (folder / name).is_file()]


def data_dir(odata=None, http_get=None) -> Path:
    """The folder with the three files: ``$LANGERTHUIS_CBS_DIR``, else the cache, downloaded into once.

    ``odata`` (an object with ``get_data`` like the ``cbsodata`` module) and ``http_get`` (url, params ->
    parsed JSON) replace the network in tests."""
    given = os.environ.get(ENV_DIR)
    if given:
        folder = Path(given).expanduser()
        missing = missing_files(folder)
        if missing:
            raise CbsDataError(f"{ENV_DIR}={given}: expected a folder with {', '.join(FILES)}, "
                               f"found {'no such folder' if not folder.is_dir() else 'no ' + ', '.join(missing)}")
        return folder
    folder = cache_dir()
    if not missing_files(folder):
        return folder
    return download(folder, odata=odata, http_get=http_get)


def _how_to_get_it(reason: str) -> str:
    return (f"CBS data: expected the KWB 2024 files ({', '.join(FILES)}) in ${ENV_DIR} or a connection to "
            f"download them once into {cache_dir()}, found neither (download failed: {reason}); set {ENV_DIR} "
            f"to a folder with them (e.g. ../shared/data/neighbourhoods) or connect to the internet once")


def download(folder: Path, odata=None, http_get=None) -> Path:
    """Fetch KWB 2024 (CBS OData) and the wijk boundaries (PDOK) and write the three files into ``folder``.

    Written into a temporary folder beside it and renamed when complete, so an interrupted download
    leaves nothing half-written. Any failure to fetch is one line (:class:`CbsDataError`)."""
    try:
        rows = fetch_kwb(odata)
        features = fetch_boundaries(http_get)
    except CbsDataError:
        raise
    except Exception as exc:  # noqa: BLE001 - no network, a proxy, a changed service: all one line
        reason = " ".join(f"{type(exc).__name__}: {exc}".split())[:200]
        raise CbsDataError(_how_to_get_it(reason)) from None
    wijken, gemeenten = kwb_tables(rows)
    folder.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".cbs-", dir=folder.parent))
    try:
        wijken.to_csv(tmp / WIJKEN_CSV, index=False, columns=WIJK_COLUMNS)
        gemeenten.to_csv(tmp / GEMEENTEN_CSV, index=False, columns=GEMEENTE_COLUMNS)
        with open(tmp / WIJKEN_GEOJSON, "w", encoding="utf-8") as f:
            json.dump({"type": "FeatureCollection", "features": features}, f, separators=(",", ":"))
        (tmp / "SOURCE.txt").write_text(
            f"CBS StatLine {KWB_TABLE} (OData, cbsodata) and PDOK {PDOK_WFS} layer wijken.\n"
            "inw_65plus_afgeleid holds CBS's own 65+ count here; the pct_ columns are computed from counts.\n"
            f"{CREDIT['nl']}\n", encoding="utf-8")
        if folder.exists():          # a stale, incomplete cache (missing_files said so)
            shutil.rmtree(folder)
        os.replace(tmp, folder)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
    return folder


# ----------------------------------------------------------------------------- CBS OData (cbsodata)
def _cbsodata():
    try:
        import cbsodata
    except ImportError:
        raise CbsDataError(_how_to_get_it("the cbsodata package is not installed (pip install cbsodata)")) from None
    return cbsodata


def fetch_kwb(odata=None) -> list[dict]:
    """The municipality and wijk rows of KWB 2024 as ``cbsodata.get_data`` returns them (one dict a row)."""
    odata = odata or _cbsodata()
    return odata.get_data(KWB_TABLE, typed=True, timeout=120,   # typed: numbers and None, not padded text
                          filters="startswith(WijkenEnBuurten,'GM') or startswith(WijkenEnBuurten,'WK')")


def _columns(row: dict) -> dict:
    """OData property names without their position suffix (``AantalInwoners_5`` -> ``AantalInwoners``):
    the suffix numbers shift between KWB years, the names do not."""
    return {re.sub(r"_\d+$", "", key): key for key in row}


def _number(value):
    if isinstance(value, str):   # an untyped table: padded text, '.' where CBS gives no figure
        value = value.strip().strip(".") and value.strip()
    if value is None or value == "":
        return None
    value = float(value)
    return None if math.isnan(value) or value <= -99990 else value   # PDOK/CBS markers of 'secret'


def _percent(part, whole):
    return None if part is None or not whole else round(100.0 * part / whole, 2)


def kwb_tables(rows: list[dict]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Wijk and municipality tables in the layout of the shared folder, from OData rows.

    KWB 2024 gives age groups and household types as counts; the ``pct_`` columns are computed from them
    (not rounded), and ``inw_65plus_afgeleid`` is CBS's own 65+ count."""
    if not rows:
        raise CbsDataError(_how_to_get_it(f"table {KWB_TABLE} returned no rows"))
    col = _columns(rows[0])
    need = ["Codering", "Gemeentenaam", "AantalInwoners", "k_65JaarOfOuder", "HuishoudensTotaal"]
    absent = [name for name in need if name not in col]
    if absent:
        raise CbsDataError(_how_to_get_it(f"table {KWB_TABLE} has no column {', '.join(absent)}"))

    def get(row, name):
        return _number(row.get(col[name])) if name in col else None

    ages = {"0_15": "k_0Tot15Jaar", "15_25": "k_15Tot25Jaar", "25_45": "k_25Tot45Jaar",
            "45_65": "k_45Tot65Jaar", "65plus": "k_65JaarOfOuder"}
    wijken, gemeenten = [], []
    for r in rows:
        code = str(r[col["Codering"]]).strip()
        n = get(r, "AantalInwoners")
        row = {"gemeentenaam": str(r.get(col["Gemeentenaam"]) or "").strip(), "aantal_inwoners": n, "mannen": get(r, "Mannen"), "vrouwen": get(r, "Vrouwen"),
               "huishoudens": get(r, "HuishoudensTotaal"), "gem_huishouden_grootte": get(r, "GemiddeldeHuishoudensgrootte"),
               "bevolkingsdichtheid": get(r, "Bevolkingsdichtheid")}
        row.update({f"pct_{band}": _percent(get(r, key), n) for band, key in ages.items()})
        if code.startswith("WK"):
            row.update(wijkcode=code, wijknaam=str(r.get("WijkenEnBuurten") or code).strip(),
                       gemeentecode="GM" + code[2:6],
                       inw_65plus_afgeleid=get(r, "k_65JaarOfOuder"), personenautos=get(r, "PersonenautoSTotaal"))
            wijken.append(row)
        elif code.startswith("GM"):
            households = row["huishoudens"]
            row.update(gemeentecode=code,
                       pct_eenpersoonshhd=_percent(get(r, "Eenpersoonshuishoudens"), households),
                       pct_hhd_zonder_kind=_percent(get(r, "HuishoudensZonderKinderen"), households),
                       pct_hhd_met_kind=_percent(get(r, "HuishoudensMetKinderen"), households),
                       omgevingsadressendichtheid=get(r, "Omgevingsadressendichtheid"),
                       stedelijkheid=get(r, "MateVanStedelijkheid"), opp_land=get(r, "OppervlakteLand"),
                       opp_water=get(r, "OppervlakteWater"))
            gemeenten.append(row)
    return (pd.DataFrame(wijken, columns=WIJK_COLUMNS).sort_values("wijkcode"),
            pd.DataFrame(gemeenten, columns=GEMEENTE_COLUMNS).sort_values("gemeentecode"))


# ----------------------------------------------------------------------------- PDOK boundaries
def _http_get_json(url: str, params: dict) -> dict:
    request = urllib.request.Request(f"{url}?{urllib.parse.urlencode(params)}",
                                     headers={"User-Agent": "langerthuis (CBS wijkgrenzen)"})
    with urllib.request.urlopen(request, timeout=120) as response:
        return json.load(response)


def _rounded(coords, digits=5):
    """Coordinates rounded to 5 decimals (about 1 m): the cache stays a few MB."""
    if coords and isinstance(coords[0], (int, float)):
        return [round(c, digits) for c in coords]
    return [_rounded(c, digits) for c in coords]


def fetch_boundaries(http_get=None) -> list[dict]:
    """Every wijk polygon of the Wijk- en buurtkaart 2024 (PDOK WFS, layer ``wijken``, WGS84), page by page,
    as GeoJSON features with only ``wijkcode`` and ``gemeentecode``."""
    http_get = http_get or _http_get_json
    features, start = [], 0
    while True:
        page = http_get(PDOK_WFS, {"service": "WFS", "version": "2.0.0", "request": "GetFeature",
                                   "typeNames": "wijken", "outputFormat": "application/json",
                                   "srsName": "EPSG:4326", "count": PDOK_PAGE, "startIndex": start})
        got = page.get("features") or []
        for f in got:
            p, geometry = f.get("properties") or {}, f.get("geometry")
            if p.get("wijkcode") and geometry:
                features.append({"type": "Feature",
                                 "properties": {"wijkcode": p["wijkcode"], "gemeentecode": p.get("gemeentecode")},
                                 "geometry": {"type": geometry["type"], "coordinates": _rounded(geometry["coordinates"])}})
        if len(got) < PDOK_PAGE:
            break
        start += len(got)
    if not features:
        raise CbsDataError(_how_to_get_it(f"{PDOK_WFS} returned no wijken"))
    return features


# ----------------------------------------------------------------------------- reading the folder
@dataclass(frozen=True, eq=False)   # hashed by identity: municipalities are cached per loaded folder
class KwbData:
    """The loaded files: ``wijken`` and ``gemeenten`` (DataFrames in the CSV layout) and ``geometry``
    (wijk code -> GeoJSON geometry dict), with the folder they came from."""
    folder: Path
    wijken: pd.DataFrame
    gemeenten: pd.DataFrame
    geometry: dict


def _read_csv(path: Path, columns: list[str], key: str) -> pd.DataFrame:
    with open(path, newline="", encoding="utf-8") as f:
        header = next(csv.reader(f), [])
    absent = [c for c in columns if c not in header]
    if absent:
        raise CbsDataError(f"{path}:1: header: expected the columns {', '.join(absent)}, found {', '.join(header)}")
    table = pd.read_csv(path, dtype={key: str, "gemeentecode": str, "wijknaam": str, "gemeentenaam": str})
    return table.sort_values(key, kind="stable").reset_index(drop=True)


@lru_cache(maxsize=4)
def _load_folder(folder: Path) -> KwbData:
    wijken = _read_csv(folder / WIJKEN_CSV, WIJK_COLUMNS, "wijkcode")
    gemeenten = _read_csv(folder / GEMEENTEN_CSV, GEMEENTE_COLUMNS, "gemeentecode")
    try:
        with open(folder / WIJKEN_GEOJSON, encoding="utf-8") as f:
            collection = json.load(f)
        geometry = {f["properties"]["wijkcode"]: f["geometry"] for f in collection["features"] if f.get("geometry")}
    except (ValueError, KeyError, TypeError) as exc:
        raise CbsDataError(f"{folder / WIJKEN_GEOJSON}: features: expected GeoJSON features with a wijkcode, "
                           f"found {type(exc).__name__}: {' '.join(str(exc).split())[:120]}") from None
    return KwbData(folder, wijken, gemeenten, geometry)


def load(odata=None, http_get=None) -> KwbData:
    """KWB 2024 and the wijk polygons (read once per folder; see :func:`data_dir` for where they come from)."""
    return _load_folder(data_dir(odata=odata, http_get=http_get).resolve())
