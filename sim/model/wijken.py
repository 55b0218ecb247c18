"""A real municipality's wijken from CBS KWB 2024 (sim.model.cbs), as the model needs them.

``municipality("GM0164")`` or ``municipality("Hengelo")`` gives a :class:`Municipality`: per wijk its CBS
code (``WKggggww``), name, inhabitants, people 65+, households and polygon; the municipality row's
households, one-person share and household size; the neighbours of each wijk (shared borders); and the
wijken whose figures are missing (``gaps``), which outputs should show.

Wijken without figures are KEPT (never merged), so every CBS code of the municipality is a cell:
* no figures at all (in 2024 these are the 81 "Groot water" wijken, water without inhabitants; CBS
  publishes nothing for them): 0 inhabitants, 0 people 65+, 0 households;
* inhabitants but no age groups (CBS keeps age groups secret in wijken of a few dozen people): the
  65+ count is the wijk's inhabitants times the municipality's 65+ share, rounded;
* 0 inhabitants (industrial estates, nature): kept as they are.
Each appears in ``gaps`` with its reason (:data:`GAP_REASONS`, English and Dutch).

Neighbours: two wijken are neighbours when they share a border of at least :data:`MIN_SHARED_M` metres,
measured with a tolerance of :data:`TOLERANCE_M` metres. The shared polygons are simplified (about 40 m)
and rounded (about 10 m) per wijk, so borders that are one line in reality leave gaps of up to ~30 m
(Binnenstad-Berflo Es in Hengelo: 28 m): an exact ``touches`` would miss them. A corner that two wijken
only meet at counts up to 2 x TOLERANCE_M, hence the minimum length.

The model's older age bands and the start year: :func:`split_65plus` and :func:`backcast_factor` /
:func:`backcast_65plus_factor` say in their docstrings exactly what they assume.
"""
from __future__ import annotations

import difflib
import math
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
import pandas as pd

from sim.errors import ScenarioError
from sim.model import cbs

TOLERANCE_M = 40.0     # gap between two wijken still counted as one border (simplification, rounding)
MIN_SHARED_M = 150.0   # shorter contact is a corner (a corner counts up to 2 x TOLERANCE_M)
GAP_REASONS = {
    "no_figures": ("no figures in KWB 2024 (water or an area CBS publishes nothing for): 0 inhabitants",
                   "geen cijfers in KWB 2024 (water of een gebied zonder publicatie): 0 inwoners"),
    "no_age_groups": ("age groups secret (a small wijk): 65+ from the municipality's 65+ share",
                      "leeftijdsgroepen geheim (kleine wijk): 65+ naar het aandeel 65+ van de gemeente"),
    "no_inhabitants": ("no inhabitants", "geen inwoners"),
    "no_boundary": ("no polygon in the boundary file: no neighbours, not on the map",
                    "geen polygoon in de grenzenkaart: geen buren, niet op de kaart"),
}


@dataclass(frozen=True)
class Wijk:
    """One wijk: CBS code, name, inhabitants and people 65+ on 1 January 2024, private households,
    and its polygon (a GeoJSON geometry dict in WGS84 longitude/latitude, None if the file has none)."""
    code: str
    name: str
    inhabitants: int
    inhabitants_65plus: int
    households: int
    geometry: dict | None = field(default=None, repr=False, compare=False)

    @property
    def polygon(self):
        """The polygon as a shapely geometry (longitude, latitude), or None."""
        from shapely.geometry import shape
        return None if self.geometry is None else shape(self.geometry)


@dataclass(frozen=True)
class Gap:
    """A wijk whose figures are missing or estimated; ``reason`` is a key of GAP_REASONS."""
    code: str
    name: str
    reason: str

    def text(self, lang: str = "en") -> str:
        return GAP_REASONS[self.reason][lang == "nl"]


@dataclass(frozen=True, eq=False)   # hashed by identity (it holds a dict)
class Municipality:
    """A municipality's wijken (sorted by code) and its own KWB row.

    ``inhabitants`` is the municipality row (exact); the wijken's inhabitants are rounded to 5 by CBS and
    sum to it within a few dozen. ``one_person_share`` (0-1) and ``household_size`` are the municipality
    row's: KWB 2024 has no one-person share per wijk in the files used here."""
    code: str
    name: str
    inhabitants: int
    households: int
    one_person_share: float
    household_size: float
    wijken: tuple[Wijk, ...]
    neighbours: dict = field(repr=False)      # wijk code -> tuple of neighbouring wijk codes (sorted)
    gaps: tuple[Gap, ...] = ()
    data_year: int = cbs.DATA_YEAR

    @property
    def codes(self) -> list[str]:
        return [w.code for w in self.wijken]

    @property
    def inhabitants_65plus(self) -> int:
        return sum(w.inhabitants_65plus for w in self.wijken)

    def wijk(self, code: str) -> Wijk:
        return next(w for w in self.wijken if w.code == code)

    def table(self) -> pd.DataFrame:
        """One row per wijk: code, name, inhabitants, inhabitants_65plus, households, neighbours, gap."""
        reasons = {g.code: g.reason for g in self.gaps}
        return pd.DataFrame([{"code": w.code, "name": w.name, "inhabitants": w.inhabitants,
                              "inhabitants_65plus": w.inhabitants_65plus, "households": w.households,
                              "neighbours": " ".join(self.neighbours[w.code]), "gap": reasons.get(w.code, "")}
                             for w in self.wijken])

    def geojson(self) -> dict:
        """The wijk polygons as a GeoJSON FeatureCollection (properties ``wijkcode``, ``wijknaam``)."""
        return {"type": "FeatureCollection",
                "features": [{"type": "Feature", "properties": {"wijkcode": w.code, "wijknaam": w.name},
                              "geometry": w.geometry} for w in self.wijken if w.geometry is not None]}

    def credit(self, lang: str = "nl") -> str:
        return cbs.credit(lang)


# ----------------------------------------------------------------------------- finding a municipality
def _norm(text: str) -> str:
    """Lower case, no accents, punctuation as spaces: 'Hengelo (O.)' -> 'hengelo o'."""
    text = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", " ", text).strip()


def _base(name: str) -> str:
    """The name without its bracketed addition: 'Bergen (NH.)' -> 'bergen'."""
    return _norm(re.sub(r"\(.*?\)", "", name))


def _index(data: cbs.KwbData) -> pd.DataFrame:
    """The municipalities with figures (GM0998 'Buitenland' has none and is no municipality)."""
    g = data.gemeenten
    return g[g.aantal_inwoners.notna()][["gemeentecode", "gemeentenaam", "aantal_inwoners"]]


def find_code(code_or_name: str, data: cbs.KwbData, *, file: str = "CBS KWB 2024", key: str = "municipality",
              line: int | None = None) -> str:
    """The GM code of a code (``GM0164``, any case) or a name (``Hengelo``, ``Hengelo (O.)``, ``bergen nh``).

    A name that fits two municipalities (``Bergen``) or none is a ScenarioError of one line naming the
    candidates or the closest matches (``file``, ``key`` and ``line`` say where the text came from)."""
    index = _index(data)
    text = str(code_or_name).strip()
    names = dict(zip(index.gemeentecode, index.gemeentenaam))
    if text.upper() in names:
        return text.upper()
    for fit in (_norm, _base):
        hits = [c for c, n in names.items() if fit(n) == _norm(text)]
        if len(hits) == 1:
            return hits[0]
        if len(hits) > 1:
            raise ScenarioError(file, key, "one municipality (give its code or the name in brackets)",
                                f"{text!r}, which names {_listing(hits, names)}", line)
    candidates = {}
    for c, n in names.items():
        for alias in (c.lower(), _norm(n), _base(n)):
            candidates.setdefault(alias, c)
    close = difflib.get_close_matches(_norm(text) or text.lower(), list(candidates), n=6, cutoff=0.6)
    codes = list(dict.fromkeys(candidates[a] for a in close))[:3]
    hint = f"; close: {_listing(codes, names)}" if codes else "; `langerthuis municipalities TEXT` lists them"
    raise ScenarioError(file, key, "a CBS municipality code (e.g. GM0164) or name (e.g. Hengelo)",
                        f"{text!r}{hint}", line)


def _listing(codes, names) -> str:
    return ", ".join(f"{names[c]} ({c})" for c in sorted(codes, key=lambda c: names[c]))


def municipalities(text: str = "", data: cbs.KwbData | None = None) -> pd.DataFrame:
    """Municipalities whose code or name contains ``text`` (case-insensitive; accents ignored): columns
    code, name, wijken (number of wijken), inhabitants (the municipality row), sorted by name."""
    data = data or cbs.load()
    index = _index(data)
    count = data.wijken.groupby("gemeentecode").size()
    table = pd.DataFrame({"code": index.gemeentecode, "name": index.gemeentenaam,
                          "wijken": index.gemeentecode.map(count).fillna(0).astype(int),
                          "inhabitants": index.aantal_inwoners.astype(int)})
    wanted = _norm(text)
    keep = [wanted in _norm(f"{c} {n}") for c, n in zip(table.code, table.name)]
    return table[keep].sort_values("name", key=lambda s: s.map(_norm)).reset_index(drop=True)


def municipality(code_or_name: str, data: cbs.KwbData | None = None, **where) -> Municipality:
    """The municipality with its wijken, neighbours and gaps (see the module docstring). ``where``: the
    ``file``, ``key`` and ``line`` a wrong name is reported at (see :func:`find_code`)."""
    data = data or cbs.load()
    return _build(find_code(code_or_name, data, **where), data)


@lru_cache(maxsize=16)
def _build(code: str, data: cbs.KwbData) -> Municipality:
    row = data.gemeenten.set_index("gemeentecode").loc[code]
    rows = data.wijken[data.wijken.gemeentecode == code]
    share_65 = float(row.pct_65plus) / 100.0
    wijken, gaps = [], []
    for r in rows.itertuples(index=False):
        geometry = data.geometry.get(r.wijkcode)
        reasons = []
        if pd.isna(r.aantal_inwoners):
            reasons.append("no_figures")
            n = old = households = 0
        else:
            n = int(r.aantal_inwoners)
            if pd.isna(r.inw_65plus_afgeleid):
                old = int(round(n * share_65))
                reasons.append("no_inhabitants" if n == 0 else "no_age_groups")
            else:
                old = int(r.inw_65plus_afgeleid)
                if n == 0:
                    reasons.append("no_inhabitants")
            households = (int(r.huishoudens) if not pd.isna(r.huishoudens)
                          else int(round(n / float(row.gem_huishouden_grootte))))
        if geometry is None:
            reasons.append("no_boundary")
        gaps += [Gap(r.wijkcode, r.wijknaam, reason) for reason in reasons]
        wijken.append(Wijk(r.wijkcode, r.wijknaam, n, old, households, geometry))
    return Municipality(code, row.gemeentenaam, int(row.aantal_inwoners), int(row.huishoudens),
                        float(row.pct_eenpersoonshhd) / 100.0, float(row.gem_huishouden_grootte),
                        tuple(wijken), neighbours(wijken), tuple(gaps))


# ----------------------------------------------------------------------------- neighbours
def _metres(geometry, lat0: float):
    """A lon/lat shapely geometry in metres around latitude ``lat0`` (equirectangular: exact enough
    within one municipality, a few km across)."""
    import shapely
    kx, ky = 111_320.0 * math.cos(math.radians(lat0)), 110_574.0
    return shapely.transform(geometry, lambda xy: xy * np.array([kx, ky]))


def shared_border(a, b, tolerance: float = TOLERANCE_M) -> float:
    """Metres of border two polygons (in metres) share, with ``tolerance``: the mean over both sides of
    the length of one's boundary within ``tolerance`` of the other (symmetric by construction)."""
    return 0.5 * (a.boundary.intersection(b.buffer(tolerance)).length
                  + b.boundary.intersection(a.buffer(tolerance)).length)


def neighbours(wijken) -> dict:
    """Wijk code -> sorted tuple of the codes it shares at least MIN_SHARED_M of border with."""
    from shapely import STRtree
    shapes = {w.code: w.polygon for w in wijken if w.geometry is not None}
    found = {w.code: [] for w in wijken}
    if shapes:
        lat0 = float(np.mean([s.centroid.y for s in shapes.values()]))
        codes = list(shapes)
        flat = [_metres(shapes[c], lat0) for c in codes]
        tree = STRtree(flat)
        for i, a in enumerate(flat):
            for j in tree.query(a.buffer(TOLERANCE_M)):
                if j > i and shared_border(a, flat[j]) >= MIN_SHARED_M:
                    found[codes[i]].append(codes[j])
                    found[codes[j]].append(codes[i])
    return {code: tuple(sorted(near)) for code, near in found.items()}


# ----------------------------------------------------------------------------- age bands and start year
def split_65plus(count: float, year: int) -> np.ndarray:
    """``count`` people aged 65+ spread over the model's older age bands (65-69, 70-74, ..., 90-94, 95+:
    ``age_bands`` of sim/model/data/profile_nl.yaml) in proportion to the NATIONAL numbers per band of the
    profile year nearest ``year`` (the same year sim.model.population.initial_population draws the 65+
    from). Assumes every wijk's 65+ has the national age structure within 65+: KWB gives no band above
    65+ at any level. Returns expected counts (floats) that sum to ``count``."""
    from sim.model.population import profile
    table = profile()["people_65plus"]
    bands = np.asarray(table[min(table, key=lambda y: abs(y - year))], dtype=float)
    return count * bands / bands.sum()


def national_65plus(year: float, data: cbs.KwbData | None = None) -> float:
    """People 65+ in the Netherlands on 1 January of ``year`` along the national path: the profile's
    years (sum of its 65+ bands: 2010 and 2013, CBS 03759ned) and the KWB data year (the sum over the
    municipality rows of inhabitants x the 65+ share, 3.68 million in 2024); linear in between, constant
    before the first and after the last of these years."""
    from sim.model.population import profile
    data = data or cbs.load()
    points = {int(y): 1000.0 * sum(v) for y, v in profile()["people_65plus"].items()}
    g = data.gemeenten.dropna(subset=["aantal_inwoners", "pct_65plus"])
    points[cbs.DATA_YEAR] = float((g.aantal_inwoners * g.pct_65plus / 100.0).round().sum())
    years = sorted(points)
    return float(np.interp(year, years, [points[y] for y in years]))


def backcast_factor(start_year: float, data_year: int = cbs.DATA_YEAR) -> float:
    """Inhabitants in ``start_year`` per inhabitant in ``data_year``, along the model's national path
    (sim.model.population.national_inhabitants: CBS to 2020, the Kernprognose after). Assumes the
    municipality and each of its wijken grew like the Netherlands, so that the model, whose inhabitants
    follow that path from the start year, has the KWB inhabitants again in the data year."""
    from sim.model.population import national_inhabitants
    return national_inhabitants(start_year) / national_inhabitants(data_year)


def backcast_65plus_factor(start_year: float, data: cbs.KwbData | None = None) -> float:
    """People 65+ in ``start_year`` per person 65+ in the data year (2024), along :func:`national_65plus`.
    Assumes each wijk's 65+ grew like the national 65+ (ageing in place alike everywhere)."""
    return national_65plus(start_year, data) / national_65plus(cbs.DATA_YEAR, data)


def start_population(place: Municipality, start_year: int, data: cbs.KwbData | None = None) -> pd.DataFrame:
    """Per wijk (rows in code order): ``code``, ``inhabitants`` and ``inhabitants_65plus`` back-cast from
    the data year to ``start_year`` (expected values, floats) and the 65+ split over the age bands
    (``age_65`` ... ``age_95``), with the assumptions of the three functions it uses."""
    from sim.model.population import profile
    f, f65 = backcast_factor(start_year), backcast_65plus_factor(start_year, data)
    rows = []
    for w in place.wijken:
        old = w.inhabitants_65plus * f65
        bands = split_65plus(old, start_year)
        rows.append({"code": w.code, "inhabitants": w.inhabitants * f, "inhabitants_65plus": old,
                     **{f"age_{b}": v for b, v in zip(profile()["age_bands"], bands)}})
    return pd.DataFrame(rows)
