"""A map of a real municipality's wijken (CBS/Kadaster polygons, matplotlib; no tile server).

``wijk_map(path, geojson, values, areas=...)`` draws each wijk of a GeoJSON FeatureCollection (features
with a ``wijkcode`` property, WGS84; ``Municipality.geojson()`` of sim.model.wijken gives one) coloured by
a value per wijk code, outlines the named areas (lists of wijk codes; their names in the legend), and prints the CBS
credit line in the figure. A wijk without a value is grey and hatched. ``draw_wijken`` draws on a given
axes, for figures with several panels.
"""
from __future__ import annotations

import math
import re
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib.collections import PatchCollection  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402
from matplotlib.patches import PathPatch  # noqa: E402
from matplotlib.path import Path as MplPath  # noqa: E402

import sim  # noqa: E402
from sim.model.cbs import credit  # noqa: E402
from sim.workshop.labels import WSG_OUTLINE  # noqa: E402

# the named areas' outline, as the app's maps draw the woonservicegebied: black under white, one of the two
# contrasts with every map colour, also for colour-blind readers (tests/test_labels.py); several areas differ
# by the white line's dashes
AREA_OUTLINE = tuple(zip(WSG_OUTLINE, (5.0, 2.0)))
AREA_DASHES = ("-", (0, (5, 2)), (0, (1, 1.5)), "-.")
CLOSE_GAPS_DEG = 0.0005   # the shared polygons are simplified per wijk (~40 m): an area's outline closes
#                           the slivers between its wijken by growing and shrinking their union this much


def _polygons(geometry):
    """The shapely polygons of a GeoJSON geometry, exterior counter-clockwise (holes then fill right)."""
    from shapely.geometry import shape
    from shapely.geometry.polygon import orient
    shp = shape(geometry)
    return [orient(p, 1.0) for p in getattr(shp, "geoms", [shp]) if not p.is_empty]


def _path(polygon) -> MplPath:
    """One matplotlib path for a polygon with its holes (rings of opposite orientation)."""
    vertices, codes = [], []
    for ring in [polygon.exterior, *polygon.interiors]:
        xy = np.asarray(ring.coords)
        vertices.extend(xy)
        codes.extend([MplPath.MOVETO] + [MplPath.LINETO] * (len(xy) - 2) + [MplPath.CLOSEPOLY])
    return MplPath(np.asarray(vertices), codes)


def short_name(name: str) -> str:
    """'Wijk 05 Berflo Es' -> 'Berflo Es' (CBS prefixes many wijk names with 'Wijk NN')."""
    return re.sub(r"^Wijk\s+\d+\s+", "", str(name)).strip() or str(name)


def draw_wijken(ax, geojson: dict, values: dict, *, areas: dict | None = None, cmap: str = "viridis",
                labels: dict | None = None, vmin=None, vmax=None):
    """Draw the wijken on ``ax`` coloured by ``values`` (wijk code -> number; missing or NaN: grey,
    hatched), outline ``areas`` (name -> wijk codes) and write ``labels`` (wijk code -> text) at each wijk.
    Returns the colour mappable (for a colour bar)."""
    from shapely import union_all
    coloured, missing, shapes, ys = [], [], {}, []
    for feature in geojson["features"]:
        code = feature["properties"]["wijkcode"]
        shapes[code] = _polygons(feature["geometry"])
        value = values.get(code)
        target = missing if value is None or not np.isfinite(value) else coloured
        target.extend((PathPatch(_path(p)), value) for p in shapes[code])
        ys.extend(p.centroid.y for p in shapes[code])
    finite = [v for _, v in coloured]
    collection = PatchCollection([p for p, _ in coloured], cmap=cmap, edgecolor="white", linewidth=0.6)
    collection.set_array(np.asarray(finite, dtype=float))
    if finite:
        collection.set_clim(vmin if vmin is not None else min(finite), vmax if vmax is not None else max(finite))
    ax.add_collection(collection)
    if missing:
        ax.add_collection(PatchCollection([p for p, _ in missing], facecolor="#dddddd", edgecolor="white",
                                          hatch="///", linewidth=0.6))
    handles, names = [], []
    for i, (name, codes) in enumerate((areas or {}).items()):
        members = [p for c in codes for p in shapes.get(c, [])]
        if not members:
            continue
        outline = _polygons(union_all([p.buffer(CLOSE_GAPS_DEG) for p in members]).buffer(-CLOSE_GAPS_DEG)
                            .__geo_interface__)
        lines = []
        for (colour, width), dashes in zip(AREA_OUTLINE, ("-", AREA_DASHES[i % len(AREA_DASHES)])):
            for polygon in outline:
                ax.add_patch(PathPatch(_path(polygon), fill=False, edgecolor=colour, linewidth=width,
                                       linestyle=dashes, zorder=3))
            lines.append(Line2D([], [], color=colour, linewidth=width, linestyle=dashes))
        handles.append(tuple(lines))   # the legend overlays the two lines
        names.append(name)
    if handles:
        ax.legend(handles, names, loc="upper left", fontsize=8, frameon=False)
    for code, text in (labels or {}).items():
        if shapes.get(code):
            spot = max(shapes[code], key=lambda p: p.area).representative_point()
            ax.annotate(text, (spot.x, spot.y), ha="center", va="center", fontsize=7, zorder=4,
                        bbox={"boxstyle": "round,pad=0.15", "facecolor": "white", "alpha": 0.6, "linewidth": 0})
    ax.autoscale_view()
    ax.set_aspect(1.0 / math.cos(math.radians(float(np.mean(ys)) if ys else 52.0)))  # lon/lat at this latitude
    ax.set_axis_off()
    return collection


def wijk_map(path, geojson: dict, values: dict, *, areas: dict | None = None, title: str = "",
             value_label: str = "", names: dict | None = None, lang: str = "nl", cmap: str = "viridis",
             vmin=None, vmax=None) -> Path:
    """A PNG of the wijken coloured by ``values`` with ``areas`` outlined and the CBS credit line;
    ``names`` (wijk code -> name) labels the wijken when there are at most 40. Returns the path."""
    fig, ax = plt.subplots(figsize=(7.5, 7.0))
    labels = {c: short_name(n) for c, n in (names or {}).items()} if len(names or {}) <= 40 else None
    mappable = draw_wijken(ax, geojson, values, areas=areas, cmap=cmap, labels=labels, vmin=vmin, vmax=vmax)
    fig.colorbar(mappable, ax=ax, shrink=0.7, label=value_label)
    if title:
        ax.set_title(title)
    fig.text(0.01, 0.01, credit(lang), fontsize=6.5, color="#444444", ha="left", va="bottom")
    fig.tight_layout(rect=(0, 0.03, 1, 1))
    fig.savefig(path, dpi=110, metadata={"Software": f"langerthuis {sim.__version__}"})
    plt.close(fig)
    return Path(path)


def run_maps(folder, scenario: dict, area_table, lang: str = "en") -> list[str]:
    """The run's wijk maps (a real municipality only; none for a synthetic grid): the last year's unmet need
    share and months at home after indication per wijk, mean over the replicates, the scenario's areas
    outlined. Returns the file names written in ``folder``."""
    from sim.model import municipality_layout
    if not municipality_layout.is_real(scenario):
        return []
    place = municipality_layout.place(scenario["municipality"]["code"])
    codes = place.codes
    areas = {name: [codes[int(x)] for x, _ in cells] for name, cells in scenario["areas"].items()}
    last = area_table[(area_table.year == area_table.year.max()) & area_table.area.isin(codes)]
    written = []
    for indicator, label in (("unmet_need_share", "unmet need (share of the hours needed)"),
                             ("months_independent_after_indication", "months at home after indication")):
        values = last[last.indicator == indicator].groupby("area").value.mean().to_dict()
        name = f"map_wijken_{indicator}.png"
        wijk_map(Path(folder) / name, place.geojson(), values, areas=areas, value_label=label, lang=lang,
                 names={w.code: w.name for w in place.wijken},
                 title=f"{place.name} {int(area_table.year.max())}: {label}")
        written.append(name)
    return written
