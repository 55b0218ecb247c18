"""The figures of `langerthuis compare` (and of the report, which draws them again in its own language):
time series, differences, costs by payer, maps, the ledger, break-even and the deciding effects; each a
matplotlib figure for the caller to save."""
from __future__ import annotations

import numpy as np

from sim.model.indicators import COST_PAYERS, cost_indicator
from sim.analysis.compare import KEY_OUTCOMES, OUTCOMES
from sim.analysis.summary import replicate_summary
from sim.workshop.figures import pyplot
from sim.workshop.figures.maps import neighbourhood_map
from sim.workshop.labels import axis_formatter, interval_name, is_share, label, money_scale, text


def _grid(n, per_row=4, size=(3.6, 2.8)):
    plt = pyplot()
    rows = -(-n // per_row)
    cols = min(n, per_row)
    fig, axes = plt.subplots(rows, cols, figsize=(size[0] * cols, size[1] * rows + 0.6), squeeze=False)
    for ax in axes.flat[n:]:
        ax.set_visible(False)
    return fig, axes.flat


def fig_timeseries(table, order, window, lang):
    present = set(table.indicator)   # outcomes of the comparison only (months at home by survival) have no series
    outcomes = [o for o in KEY_OUTCOMES + ("cost_total_per_capita",) if o in present]
    fig, axes = _grid(len(outcomes))
    for ax, outcome in zip(axes, outcomes):
        bands = replicate_summary(table[table.indicator == outcome], ["scenario", "year"])
        for k, s in enumerate(order):
            b = bands[bands.scenario == s]
            ax.plot(b.year, b["mean"], color=f"C{k}", label=s)
            ax.fill_between(b.year, b.p5, b.p95, color=f"C{k}", alpha=0.15, linewidth=0)
        ax.axvspan(window[0] - 0.5, window[1] + 0.5, color="0.9", zorder=0)
        ax.set_title(label(outcome, lang), fontsize=9)
        ax.set_xlabel(label("year", lang), fontsize=8)
        ax.yaxis.set_major_formatter(axis_formatter("share" if is_share(outcome) else "number", lang))
        ax.tick_params(labelsize=7)
    axes[0].legend(fontsize=7)
    runs = int(table.replicate.nunique()) if "replicate" in table else 0
    fig.suptitle(text("title_timeseries", lang, interval=interval_name(runs, lang)))
    fig.tight_layout()
    return fig


def fig_differences(summary, order, window, lang):
    outcomes = [o for o in OUTCOMES if o in set(summary.outcome)]
    others = order[1:] or order
    fig, axes = _grid(len(outcomes))
    for ax, outcome in zip(axes, outcomes):
        d = summary[(summary.outcome == outcome)].set_index("scenario").loc[others]
        err = np.vstack([(d.diff_mean - d.diff_p5).clip(lower=0), (d.diff_p95 - d.diff_mean).clip(lower=0)])
        ax.bar(range(len(others)), d.diff_mean, yerr=err, capsize=3,
               color=[f"C{order.index(s)}" for s in others])
        ax.axhline(0, color="black", linewidth=0.7)
        ax.set_xticks(range(len(others)), others, rotation=30, ha="right", fontsize=7)
        ax.yaxis.set_major_formatter(axis_formatter("points" if is_share(outcome) else "number", lang))
        if is_share(outcome):
            ax.set_ylabel(label("points_axis", lang), fontsize=8)
        ax.set_title(label(outcome, lang), fontsize=9)
        ax.tick_params(labelsize=7)
    runs = int(summary.replicates.max()) if "replicates" in summary else 0
    fig.suptitle(text("title_differences", lang, first=order[0], years=f"{window[0]}-{window[1]}",
                      interval=interval_name(runs, lang)))
    fig.tight_layout()
    return fig


def fig_costs(summary, order, window, lang):
    plt = pyplot()
    fig, ax = plt.subplots(figsize=(1.6 * len(order) + 5, 4.5))
    bottom = np.zeros(len(order))
    for k, payer in enumerate(COST_PAYERS):
        d = summary[summary.outcome == cost_indicator(payer)].set_index("scenario").loc[order, "mean"].values
        ax.bar(range(len(order)), d, bottom=bottom, label=label(payer, lang), color=f"C{k}")
        bottom += d
    ax.set_xticks(range(len(order)), order, rotation=20, ha="right")
    ax.set_ylabel(label("eur_per_inhabitant", lang))
    ax.yaxis.set_major_formatter(axis_formatter("number", lang))
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8)
    ax.set_title(text("title_costs", lang, years=f"{window[0]}-{window[1]}"))
    fig.tight_layout()
    return fig


def fig_maps(cells_last, order, year, lang):
    fig, axes = _grid(len(order), per_row=3, size=(4.6, 4.0))
    top = float(cells_last.groupby(["scenario", "x", "y"]).unmet_need_share.mean().max() or 0.0)
    for ax, s in zip(axes, order):
        neighbourhood_map(cells_last[cells_last.scenario == s], None, value="unmet_need_share", ax=ax)
        image = ax.images[0]
        image.set_clim(0.0, max(top, 1e-6))          # one colour scale for all scenarios
        image.colorbar.set_label(label("unmet_need_share", lang))
        ax.set_title(s)
    fig.suptitle(text("title_maps", lang, year=year))
    fig.tight_layout()
    return fig



def fig_ledger(ledger, summary, order, window, lang):
    """Per scenario after the first: NPV per party (mean, 90 % interval) and the cumulative discounted mean
    net per party over the years."""
    plt = pyplot()
    from sim.analysis.ledger import PARTIES, discount
    others = order[1:]
    scale, unit = money_scale(list(summary[["npv_p5", "npv_p95"]].to_numpy().ravel()), lang)
    money = axis_formatter("money", lang, scale)
    fig, axes = plt.subplots(max(1, len(others)), 2, figsize=(12, 3.8 * max(1, len(others))), squeeze=False)
    for row, s in zip(axes, others):
        d = summary[summary.scenario == s].set_index("party").reindex(list(PARTIES))
        err = np.vstack([(d.npv_mean - d.npv_p5).clip(lower=0), (d.npv_p95 - d.npv_mean).clip(lower=0)])
        colors = ["C2" if v >= 0 else "C3" for v in d.npv_mean.fillna(0)]
        row[0].barh(range(len(PARTIES)), d.npv_mean, xerr=err, color=colors, capsize=3)
        row[0].set_yticks(range(len(PARTIES)), [label(p, lang) for p in PARTIES], fontsize=8)
        row[0].axvline(0, color="black", linewidth=0.7)
        row[0].invert_yaxis()
        row[0].set_xlabel(text("ledger_npv_axis", lang, unit=unit), fontsize=8)
        row[0].xaxis.set_major_formatter(money)
        row[0].set_title(text("title_ledger", lang, scenario=s, first=order[0]), fontsize=9)
        g = ledger[ledger.scenario == s]
        for k, party in enumerate(PARTIES):
            q = g[g.party == party].sort_values("year")
            cum = discount(q.net_mean, q.year, 0.04, window[0]).cumsum()
            row[1].plot(q.year, cum, color=f"C{k}", label=label(party, lang))
        row[1].axhline(0, color="black", linewidth=0.7)
        row[1].set_ylabel(text("ledger_cum_axis", lang, unit=unit), fontsize=8)
        row[1].yaxis.set_major_formatter(money)
        row[1].set_xlabel(label("year", lang), fontsize=8)
        row[1].legend(fontsize=7)
        for ax in row:
            ax.tick_params(labelsize=7)
    fig.tight_layout()
    return fig


def fig_breakeven(table, lang):
    """NPV per party and for society against the effect scale (sim.analysis.breakeven), one panel a scenario."""
    from sim.analysis.breakeven import SOCIETY
    from sim.analysis.ledger import PARTIES
    scenarios = list(dict.fromkeys(table.scenario))
    scale, unit = money_scale(list(table[["npv_p5", "npv_p95"]].to_numpy().ravel()), lang)
    fig, axes = _grid(max(1, len(scenarios)), per_row=2, size=(6.0, 4.2))
    for ax, s in zip(axes, scenarios):
        g = table[table.scenario == s]
        for k, party in enumerate(PARTIES + (SOCIETY,)):
            q = g[g.party == party].sort_values("scale")
            style = dict(color="black", linewidth=2.2) if party == SOCIETY else dict(color=f"C{k}")
            ax.plot(q.scale, q.npv_mean, marker="o", markersize=3, label=label(party, lang), **style)
            ax.fill_between(q.scale, q.npv_p5, q.npv_p95, alpha=0.10, linewidth=0, color=style["color"])
        ax.axhline(0, color="black", linewidth=0.7)
        ax.set_xlabel(label("effect_scale", lang), fontsize=8)
        ax.set_ylabel(text("ledger_npv_axis", lang, unit=unit), fontsize=8)
        ax.yaxis.set_major_formatter(axis_formatter("money", lang, scale))
        ax.set_title(text("title_breakeven", lang, scenario=s), fontsize=9)
        ax.tick_params(labelsize=7)
        ax.legend(fontsize=7)
    fig.tight_layout()
    return fig


def fig_deciding(deciding, lang, top: int = 10):
    """A tornado per scenario: the societal NPV with each uncertain effect alone at the low and the high end of
    its prior (sim.analysis.deciding_effects), the ``top`` largest swings, the default as a line."""
    scenarios = list(dict.fromkeys(deciding.scenario))
    fig, axes = _grid(max(1, len(scenarios)), per_row=2, size=(6.4, 4.4))
    for ax, s in zip(axes, scenarios):
        g = deciding[deciding.scenario == s].head(top).iloc[::-1]
        y, low, mid, high = np.arange(len(g)), g.npv_low / 1e6, g.npv_default / 1e6, g.npv_high / 1e6
        ax.barh(y, low - mid, left=mid, color="C3", alpha=0.7, label=label("prior_low", lang))
        ax.barh(y, high - mid, left=mid, color="C0", alpha=0.7, label=label("prior_high", lang))
        ax.axvline(float(mid.iloc[0]) if len(g) else 0.0, color="grey", linewidth=0.8)
        ax.axvline(0, color="black", linewidth=1.0)
        ax.set_yticks(y, [f"{e}{' *' if d else ''}" for e, d in zip(g.effect, g.decides)], fontsize=7)
        ax.set_xlabel(label("deciding_axis", lang), fontsize=8)
        ax.xaxis.set_major_formatter(axis_formatter("number", lang))
        ax.set_title(text("title_deciding", lang, scenario=s), fontsize=9)
        ax.tick_params(axis="x", labelsize=7)
        ax.legend(fontsize=7)
    fig.tight_layout()
    return fig

