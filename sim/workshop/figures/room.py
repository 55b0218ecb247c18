"""The app's figures of the results (time series, differences, costs by party, the ledger), for a projector:
the room's colours, Dutch decimal commas, each returned as PNG bytes; the app's maps are ``maps.map_png``."""
from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.patches import Patch

from sim.workshop.outcomes import PAYERS, bands, differences
from sim.workshop.figures.projector import FONT, decimal_ticks, png_bytes, projector_figure, style
from sim.workshop.labels import (PARTY_COLOURS, SCENARIO_COLOURS, SCENARIO_HATCHES, SCENARIO_STYLES, axis_formatter,
                                 is_share)
from sim.workshop.labels import app_text as t, map_label as label

LEDGER_STYLES = ("-", "--", "-.", ":", (0, (5, 1)), (0, (3, 1, 1, 1)))   # parties differ by line style too


def _panels(k: int):
    cols = min(k, 2)
    rows = -(-k // cols)
    fig = projector_figure(3.9 * rows + 1.0)
    return fig, fig.subplots(rows, cols, squeeze=False).ravel()


def _band_plot(ax, frame: pd.DataFrame, names: list[str], all_names: list[str]):
    for name in names:
        i = all_names.index(name)
        s = frame[frame.scenario == name]
        colour = SCENARIO_COLOURS[i % len(SCENARIO_COLOURS)]
        ax.plot(s.year, s["mean"], color=colour, linestyle=SCENARIO_STYLES[i % len(SCENARIO_STYLES)],
                linewidth=2.5, label=name)
        ax.fill_between(s.year, s["low"].astype(float), s["high"].astype(float), color=colour, alpha=0.18)


def _legend(fig, axes, title=None):
    handles, labels = axes[0].get_legend_handles_labels()
    if handles:
        fig.legend(handles, labels, loc="outside lower center", ncols=min(len(labels), 3), fontsize=FONT - 3,
                   title=title, title_fontsize=FONT - 3)


def _band_panels(indicators: list[str], frame_of, names: list[str], all_names: list[str], lang: str,
                 zero_line: bool = False):
    """One panel per indicator with the bands ``frame_of(indicator)`` of ``names``; unused panels hidden."""
    fig, axes = _panels(len(indicators))
    for ax, ind in zip(axes, indicators):
        _band_plot(ax, frame_of(ind), names, all_names)
        if zero_line:
            ax.axhline(0, color="grey", linewidth=1)
        ax.set_title(label(ind, lang))
        ax.set_xlabel(t("year", lang))
        # shares as 93 %, their differences in percentage points (the tables' formats)
        kind = ("points" if zero_line else "share") if is_share(ind) else None
        ax.yaxis.set_major_formatter(axis_formatter(kind, lang) if kind else decimal_ticks(lang))
        if kind == "points":
            ax.set_ylabel(t("points_axis", lang))
        style(ax)
    for ax in axes[len(indicators):]:
        ax.set_visible(False)
    return fig, axes


def series_png(table: pd.DataFrame, indicators: list[str], lang: str) -> bytes:
    names = list(table.scenario.unique())
    fig, axes = _band_panels(indicators, lambda ind: bands(table, ind), names, names, lang)
    _legend(fig, axes)
    return png_bytes(fig)


def difference_png(table: pd.DataFrame, indicators: list[str], base: str, lang: str) -> bytes:
    all_names = list(table.scenario.unique())
    names = [n for n in all_names if n != base]
    fig, axes = _band_panels(indicators, lambda ind: differences(table, ind, base), names, all_names, lang,
                             zero_line=True)
    if names:
        _legend(fig, axes, title=f"− {base}")
    return png_bytes(fig)


def parties_png(summary: pd.DataFrame, base: str, lang: str) -> bytes:
    """Left: each party's yearly euros million per scenario (bars by party colour, scenarios by hatch);
    right: each party's paired difference from the base with its 5-95 % interval."""
    names = list(summary.scenario.unique())
    others = [n for n in names if n != base]
    fig = projector_figure(5.4)
    axes = fig.subplots(1, 2 if others else 1, squeeze=False)[0]
    x = np.arange(len(PAYERS))

    def bars(ax, scen, col, lo, hi):
        width = 0.8 / len(scen)
        for j, name in enumerate(scen):
            s = summary[summary.scenario == name].set_index("payer").reindex(list(PAYERS))
            m = s[col].to_numpy() / 1e6
            err = np.vstack([m - s[lo].to_numpy() / 1e6, s[hi].to_numpy() / 1e6 - m])
            ax.bar(x + (j - (len(scen) - 1) / 2) * width, m, width, yerr=np.clip(err, 0, None), capsize=3,
                   color=[PARTY_COLOURS[p] for p in PAYERS], edgecolor="black", linewidth=0.8,
                   hatch=SCENARIO_HATCHES[names.index(name) % len(SCENARIO_HATCHES)])
        ax.set_xticks(x, [label(p, lang).split(" (")[0] for p in PAYERS], rotation=15)
        ax.yaxis.set_major_formatter(decimal_ticks(lang))
        style(ax)

    bars(axes[0], names, "mean", "low", "high")
    axes[0].set_ylabel(t("eur_million", lang))
    if others:
        bars(axes[1], others, "diff_mean", "diff_low", "diff_high")
        axes[1].axhline(0, color="grey", linewidth=1)
        axes[1].set_title(f"{t('vs_base', lang)}: {base}", fontsize=FONT)
    # the legend names the scenarios by their hatch (grey swatches: the colour belongs to the party)
    handles = [Patch(facecolor="#DDDDDD", edgecolor="black", hatch=SCENARIO_HATCHES[i % len(SCENARIO_HATCHES)],
                     label=n) for i, n in enumerate(names)]
    fig.legend(handles=handles, loc="outside lower center", ncols=min(len(names), 3), fontsize=FONT - 3)
    return png_bytes(fig)


def ledger_png(ledger: pd.DataFrame, order: list[str], lang: str) -> bytes:
    """Per scenario after the base: each of the six parties' net a year (euros million, positive: better off
    than in the base) with its 5-95 % band over the replicates; colour and line style per party."""
    from sim.analysis.ledger import PARTIES
    others = order[1:]
    fig = projector_figure(4.2 * len(others) + 1.2)
    axes = fig.subplots(len(others), 1, squeeze=False)[:, 0]
    for ax, name in zip(axes, others):
        g = ledger[ledger.scenario == name]
        for k, party in enumerate(PARTIES):
            q = g[g.party == party].sort_values("year")
            colour = PARTY_COLOURS[party]
            ax.plot(q.year, q.net_mean / 1e6, color=colour, linestyle=LEDGER_STYLES[k % len(LEDGER_STYLES)],
                    linewidth=2.5, label=label(party, lang))
            ax.fill_between(q.year, q.net_p5 / 1e6, q.net_p95 / 1e6, color=colour, alpha=0.15, linewidth=0)
        ax.axhline(0, color="grey", linewidth=1)
        ax.set_title(f"{name} − {order[0]}")
        ax.set_ylabel(t("ledger_axis", lang))
        ax.set_xlabel(t("year", lang))
        ax.yaxis.set_major_formatter(decimal_ticks(lang))
        style(ax)
    handles, labels = axes[0].get_legend_handles_labels()     # two columns: the long party names fit
    fig.legend(handles, labels, loc="outside lower center", ncols=2, fontsize=FONT - 3)
    return png_bytes(fig)


def ledger_difference_png(summary: pd.DataFrame, lang: str, scenario: str = "B") -> bytes:
    """B − A per party: the NPV of the net (euros million) with its 5-95 % interval, bars in the party colours."""
    from sim.analysis.ledger import PARTIES
    d = summary[summary.scenario == scenario].set_index("party").reindex(list(PARTIES))
    fig = projector_figure(4.8)
    ax = fig.subplots()
    m = d.npv_mean.to_numpy(dtype=float) / 1e6
    err = np.vstack([m - d.npv_p5.to_numpy(dtype=float) / 1e6, d.npv_p95.to_numpy(dtype=float) / 1e6 - m])
    ax.barh(np.arange(len(PARTIES)), m, xerr=np.clip(err, 0, None), capsize=4,
            color=[PARTY_COLOURS[p] for p in PARTIES], edgecolor="black", linewidth=0.8)
    ax.set_yticks(np.arange(len(PARTIES)), [label(p, lang) for p in PARTIES])
    ax.invert_yaxis()
    ax.axvline(0, color="grey", linewidth=1)
    ax.set_xlabel(t("npv_axis", lang))
    ax.xaxis.set_major_formatter(decimal_ticks(lang))
    style(ax)
    return png_bytes(fig)

