"""The one map renderer: a municipality's grid of neighbourhoods coloured by a per-neighbourhood value (mean
over replicates), the woonservicegebied's neighbourhoods outlined. The app's maps (``map_png``: the room's
colours, district names) and the maps of a run and of compare (``neighbourhood_map``: viridis) both draw with
``draw_map``, the woonservicegebied outlined black under white (shows on every colour, for colour-blind readers
too: tests/test_labels.py)."""
from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.patches import Rectangle

from sim.workshop.figures import pyplot, save
from sim.workshop.figures.projector import FONT, decimal_ticks, png_bytes, projector_figure
from sim.workshop.labels import MAP_COLOURMAP, WSG_OUTLINE, districts, map_label

ROOM_OUTLINE = tuple(zip(WSG_OUTLINE, (5, 2)))    # black under white: shows on every colour of every map


def cell_means(cells: pd.DataFrame, value: str) -> pd.DataFrame:
    """x, y, ``value`` and wsg per neighbourhood, averaged over replicates (and years)."""
    columns = list(dict.fromkeys([value, "wsg"]))   # colouring by "wsg" must not select it twice
    return cells.groupby(["x", "y"], as_index=False)[columns].mean()


def draw_map(ax, mean: pd.DataFrame, value: str, cmap: str = "viridis", vmin=None, vmax=None,
             outline=ROOM_OUTLINE, margin: float = 0.0):
    """The grid of ``mean`` (``cell_means``) on ``ax``; each woonservicegebied neighbourhood outlined with the
    (colour, line width) pairs of ``outline``, ``margin`` inside its edge. Returns the image (for a colour bar)."""
    width, height = int(mean.x.max()) + 1, int(mean.y.max()) + 1
    grid = np.full((height, width), np.nan)
    grid[mean.y.astype(int), mean.x.astype(int)] = mean[value]
    image = ax.imshow(grid, origin="lower", cmap=cmap, vmin=vmin, vmax=vmax)
    half, side = 0.5 - margin, 1 - 2 * margin
    for row in mean[mean.wsg > 0].itertuples():
        for colour, lw in outline:
            ax.add_patch(Rectangle((row.x - half, row.y - half), side, side, fill=False,
                                   edgecolor=colour, linewidth=lw))
    return image


def neighbourhood_map(cells: pd.DataFrame, path, value="unmet_need_share", title=None, ax=None):
    """Grid coloured by a per-neighbourhood value (mean over replicates); woonservicegebied cells outlined.
    Saved to ``path`` with a title, or drawn on ``ax`` (compare's maps)."""
    plt = pyplot()
    own = ax is None
    if own:
        fig, ax = plt.subplots(figsize=(5.5, 4.8))
    im = draw_map(ax, cell_means(cells, value), value, margin=0.05)
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    plt.colorbar(im, ax=ax, label=value.replace("_", " "))
    if own:
        save(fig, path, title or f"Neighbourhoods: {value.replace('_', ' ')} (outlined: woonservicegebied)")


def map_png(results: dict, value: str, lang: str) -> bytes:
    """One map per scenario on a common colour scale (cividis), woonservicegebied neighbourhoods outlined black
    and white, districts named; at most three maps a row so eight scenarios stay readable."""
    n = len(results)
    cols = min(n, 3)
    rows = -(-n // cols)
    fig = projector_figure(4.6 * rows + 0.4)
    axes = fig.subplots(rows, cols, squeeze=False).ravel()
    means = {name: cell_means(r.cells, value) for name, r in results.items()}
    vmin = min(m[value].min() for m in means.values())
    vmax = max(max(m[value].max() for m in means.values()), vmin + 1e-9)
    for ax, (name, mean) in zip(axes, means.items()):
        image = draw_map(ax, mean, value, MAP_COLOURMAP, vmin, vmax, ROOM_OUTLINE, margin=0.05)
        width, height = int(mean.x.max()) + 1, int(mean.y.max()) + 1
        for d, cells in districts(width, height).items():
            x, y = np.mean([c[0] for c in cells]), np.mean([c[1] for c in cells])
            ax.text(x, y, d, ha="center", va="center", fontsize=FONT - 4, color="black",
                    bbox={"facecolor": "white", "alpha": 0.7, "linewidth": 0, "pad": 1})
        ax.set_title(name, fontsize=FONT)
        ax.set_xticks([])
        ax.set_yticks([])
    for ax in axes[n:]:
        ax.set_visible(False)
    bar = fig.colorbar(image, ax=list(axes[:n]), shrink=0.9)
    bar.set_label(map_label(value, lang), fontsize=FONT - 2)
    bar.ax.tick_params(labelsize=FONT - 4)
    bar.ax.yaxis.set_major_formatter(decimal_ticks(lang))
    return png_bytes(fig)
