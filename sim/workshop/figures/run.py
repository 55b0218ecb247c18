"""Standard figures of one run (``langerthuis run``; matplotlib, Agg): PNG files with the version in their
metadata."""
from __future__ import annotations

import pandas as pd

from sim.model.indicators import CARE_PAYERS, SECTOR_NAMES
from sim.analysis.summary import replicate_summary
from sim.workshop.figures import pyplot, save
from sim.workshop.figures.maps import neighbourhood_map
from sim.workshop.labels import label


def _series(table: pd.DataFrame, indicator: str) -> pd.DataFrame:
    """Per year (the index): mean and 5-95 % band over replicates."""
    s = replicate_summary(table[table.indicator == indicator], "year").set_index("year")
    return s.rename(columns={"p5": "low", "p95": "high"})[["mean", "low", "high"]]


def residents_by_sector(table, path):
    fig, axes = pyplot().subplots(1, len(SECTOR_NAMES), figsize=(15, 3.4), sharex=True)
    for ax, sector in zip(axes, SECTOR_NAMES):
        for where, style in (("home", "-"), ("institution", "--")):
            s = _series(table, f"clients_{where}_{sector}_per_1000")
            ax.plot(s.index, s["mean"], style, label=where)
            ax.fill_between(s.index, s["low"], s["high"], alpha=0.2)
        ax.set_title(sector)
        ax.set_xlabel("year")
    axes[0].set_ylabel("clients per 1,000 inhabitants")
    axes[0].legend()
    save(fig, path, "Package holders at home and in institutions, by sector")


def care_hours_by_payer(table, path):
    fig, ax = pyplot().subplots(figsize=(7, 4))
    series = [_series(table, f"hours_{p}_per_1000") for p in CARE_PAYERS]
    ax.stackplot(series[0].index, [s["mean"].values for s in series],
                 labels=[label(p) for p in CARE_PAYERS], alpha=0.8)
    ax.set_xlabel("year")
    ax.set_ylabel("formal care hours at home per 1,000 inhabitants")
    ax.legend(loc="upper left")
    save(fig, path, "Formal care hours at home by payer (Wlz: AWBZ until 2014)")


def informal_care(table, path):
    fig, ax = pyplot().subplots(figsize=(7, 4))
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
    save(fig, path, "Informal care and carer strain")


def standard_figures(table: pd.DataFrame, cells: pd.DataFrame, folder, grid_map: bool = True) -> list[str]:
    """A run's figures; ``grid_map`` False for a municipality on its real wijken, whose map is drawn from the
    wijk polygons instead (sim.workshop.figures.wijken.run_maps), not as a strip of grid cells."""
    names = ["residents_by_sector.png", "care_hours_by_payer.png", "informal_care.png"]
    residents_by_sector(table, f"{folder}/{names[0]}")
    care_hours_by_payer(table, f"{folder}/{names[1]}")
    informal_care(table, f"{folder}/{names[2]}")
    if grid_map:
        names.append("neighbourhood_map.png")
        neighbourhood_map(cells, f"{folder}/{names[3]}")
    return names
