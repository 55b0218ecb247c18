"""Standard figures of one run (matplotlib, Agg): PNG files with the version in their metadata."""
from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

import sim  # noqa: E402
from sim.model.indicators import CARE_PAYERS, SECTOR_NAMES  # noqa: E402
from sim.studies.summary import replicate_summary  # noqa: E402
from sim.workshop.labels import label  # noqa: E402


def _series(table: pd.DataFrame, indicator: str) -> pd.DataFrame:
    """Per year (the index): mean and 5-95 % band over replicates."""
    s = replicate_summary(table[table.indicator == indicator], "year").set_index("year")
    return s.rename(columns={"p5": "low", "p95": "high"})[["mean", "low", "high"]]


def _save(fig, path, title):
    fig.suptitle(title)
    fig.tight_layout()
    fig.savefig(path, dpi=110, metadata={"Software": f"langerthuis {sim.__version__}"})
    plt.close(fig)


def residents_by_sector(table, path):
    fig, axes = plt.subplots(1, len(SECTOR_NAMES), figsize=(15, 3.4), sharex=True)
    for ax, sector in zip(axes, SECTOR_NAMES):
        for where, style in (("home", "-"), ("institution", "--")):
            s = _series(table, f"clients_{where}_{sector}_per_1000")
            ax.plot(s.index, s["mean"], style, label=where)
            ax.fill_between(s.index, s["low"], s["high"], alpha=0.2)
        ax.set_title(sector)
        ax.set_xlabel("year")
    axes[0].set_ylabel("clients per 1,000 inhabitants")
    axes[0].legend()
    _save(fig, path, "Package holders at home and in institutions, by sector")


def care_hours_by_payer(table, path):
    fig, ax = plt.subplots(figsize=(7, 4))
    series = [_series(table, f"hours_{p}_per_1000") for p in CARE_PAYERS]
    ax.stackplot(series[0].index, [s["mean"].values for s in series],
                 labels=[label(p) for p in CARE_PAYERS], alpha=0.8)
    ax.set_xlabel("year")
    ax.set_ylabel("formal care hours at home per 1,000 inhabitants")
    ax.legend(loc="upper left")
    _save(fig, path, "Formal care hours at home by payer (Wlz: AWBZ until 2014)")


def informal_care(table, path):
    fig, ax = plt.subplots(figsize=(7, 4))
    s = _series(table, "mantelzorg_hours_per_1000")
    ax.plot(s.index, s["mean"], color="C0", label="informal care hours per 1,000")
    ax.fill_between(s.index, s["low"], s["high"], color="C0", alpha=0.2)
    ax.set_xlabel("year")
    ax.set_ylabel("informal care hours per 1,000 inhabitants")
    ax2 = ax.twinx()
    for name, color in (("carers_overburdened_share", "C3"), ("carers_over_8h_share", "C1")):
        s = _series(table, name)
        ax2.plot(s.index, s["mean"], color=color, label=name.replace("_", " "))
    ax2.set_ylabel("share of carers")
    ax2.set_ylim(0, 1)
    fig.legend(loc="upper left", bbox_to_anchor=(0.1, 0.9))
    _save(fig, path, "Informal care and carer strain")


def neighbourhood_map(cells: pd.DataFrame, path, value="unmet_need_share", title=None, ax=None):
    """Grid coloured by a per-neighbourhood value (mean over replicates); woonservicegebied cells outlined."""
    mean = cells.groupby(["x", "y"], as_index=False)[list(dict.fromkeys([value, "wsg"]))].mean()
    width, height = int(mean.x.max()) + 1, int(mean.y.max()) + 1
    grid = np.full((height, width), np.nan)
    grid[mean.y.astype(int), mean.x.astype(int)] = mean[value]
    own = ax is None
    if own:
        fig, ax = plt.subplots(figsize=(5.5, 4.8))
    im = ax.imshow(grid, origin="lower", cmap="viridis")
    for _, row in mean[mean.wsg > 0].iterrows():
        ax.add_patch(plt.Rectangle((row.x - 0.5, row.y - 0.5), 1, 1, fill=False, edgecolor="red", linewidth=2))
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    plt.colorbar(im, ax=ax, label=value.replace("_", " "))
    if own:
        _save(fig, path, title or f"Neighbourhoods: {value.replace('_', ' ')} (red: woonservicegebied)")


def standard_figures(table: pd.DataFrame, cells: pd.DataFrame, folder) -> list[str]:
    names = ["residents_by_sector.png", "care_hours_by_payer.png", "informal_care.png", "neighbourhood_map.png"]
    residents_by_sector(table, f"{folder}/{names[0]}")
    care_hours_by_payer(table, f"{folder}/{names[1]}")
    informal_care(table, f"{folder}/{names[2]}")
    neighbourhood_map(cells, f"{folder}/{names[3]}")
    return names
