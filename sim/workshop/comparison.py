"""``langerthuis compare SCENARIO... --out DIR``: the presentation of a paired comparison.

``sim.studies.compare.Comparison`` runs the scenarios paired and summarises them; this module labels the
tables (en/nl), draws the figures, writes the markdown table and the output folder:

>>> from sim.studies.compare import Comparison
>>> from sim.workshop import comparison
>>> c = Comparison(["scenarios/baseline.yaml", "scenarios/wsg_full.yaml"], replicates=5).run()
>>> comparison.labelled(c.summary(), "nl")   # the summary with a column of Dutch labels
>>> comparison.figures(c)                    # {file name: matplotlib figure}
>>> comparison.save(c, "results/cmp", lang="nl", areas=["centrum"])   # all files, written atomically
"""
from __future__ import annotations

import os
import re
import sys
from pathlib import Path

import numpy as np
import pandas as pd

from sim.errors import InputError
from sim.model.indicators import COST_PAYERS, cost_indicator
from sim.studies.compare import COST_PER_MONTH, KEY_OUTCOMES, MIN_REPLICATES_90, OUTCOMES, Comparison, area_cells
from sim.studies.summary import replicate_summary
from sim.workshop.labels import LANGUAGES, label, number, text


def labelled(table: pd.DataFrame, lang: str = "en") -> pd.DataFrame:
    """A summary (``Comparison.summary`` or ``.area``) with the outcomes' labels as its third column."""
    out = table.copy()
    out.insert(2, "label", [label(o, lang) for o in out.outcome])
    return out


# ----------------------------------------------------------------------------- figures
def _plt():
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    return plt


def _grid(n, per_row=4, size=(3.6, 2.8)):
    plt = _plt()
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
        ax.tick_params(labelsize=7)
    axes[0].legend(fontsize=7)
    fig.suptitle(text("title_timeseries", lang))
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
        ax.set_title(label(outcome, lang), fontsize=9)
        ax.tick_params(labelsize=7)
    fig.suptitle(text("title_differences", lang, first=order[0], years=f"{window[0]}-{window[1]}"))
    fig.tight_layout()
    return fig


def fig_costs(summary, order, window, lang):
    plt = _plt()
    fig, ax = plt.subplots(figsize=(1.6 * len(order) + 5, 4.5))
    bottom = np.zeros(len(order))
    for k, payer in enumerate(COST_PAYERS):
        d = summary[summary.outcome == cost_indicator(payer)].set_index("scenario").loc[order, "mean"].values
        ax.bar(range(len(order)), d, bottom=bottom, label=label(payer, lang), color=f"C{k}")
        bottom += d
    ax.set_xticks(range(len(order)), order, rotation=20, ha="right")
    ax.set_ylabel(label("eur_per_inhabitant", lang))
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8)
    ax.set_title(text("title_costs", lang, years=f"{window[0]}-{window[1]}"))
    fig.tight_layout()
    return fig


def fig_maps(cells_last, order, year, lang):
    from sim.workshop.plots import neighbourhood_map
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


# ----------------------------------------------------------------------------- the ledger (issue 13)
def _money(x) -> str:
    return number(x) if not np.isfinite(x) or abs(x) < 1e6 else f"{x / 1e6:,.1f} M"


def fig_ledger(ledger, summary, order, window, lang):
    """Per scenario after the first: NPV per party (mean, 90 % interval) and the cumulative discounted mean
    net per party over the years."""
    plt = _plt()
    from sim.studies.ledger import PARTIES, discount
    others = order[1:]
    fig, axes = plt.subplots(max(1, len(others)), 2, figsize=(12, 3.8 * max(1, len(others))), squeeze=False)
    for row, s in zip(axes, others):
        d = summary[summary.scenario == s].set_index("party").reindex(list(PARTIES))
        err = np.vstack([(d.npv_mean - d.npv_p5).clip(lower=0), (d.npv_p95 - d.npv_mean).clip(lower=0)])
        colors = ["C2" if v >= 0 else "C3" for v in d.npv_mean.fillna(0)]
        row[0].barh(range(len(PARTIES)), d.npv_mean, xerr=err, color=colors, capsize=3)
        row[0].set_yticks(range(len(PARTIES)), [label(p, lang) for p in PARTIES], fontsize=8)
        row[0].axvline(0, color="black", linewidth=0.7)
        row[0].invert_yaxis()
        row[0].set_xlabel(label("ledger_npv_axis", lang), fontsize=8)
        row[0].set_title(text("title_ledger", lang, scenario=s, first=order[0]), fontsize=9)
        g = ledger[ledger.scenario == s]
        for k, party in enumerate(PARTIES):
            q = g[g.party == party].sort_values("year")
            cum = discount(q.net_mean, q.year, 0.04, window[0]).cumsum()
            row[1].plot(q.year, cum, color=f"C{k}", label=label(party, lang))
        row[1].axhline(0, color="black", linewidth=0.7)
        row[1].set_ylabel(label("ledger_cum_axis", lang), fontsize=8)
        row[1].set_xlabel(label("year", lang), fontsize=8)
        row[1].legend(fontsize=7)
        for ax in row:
            ax.tick_params(labelsize=7)
    fig.tight_layout()
    return fig


def fig_breakeven(table, lang):
    """NPV per party and for society against the effect scale (sim.studies.breakeven), one panel a scenario."""
    from sim.studies.breakeven import SOCIETY
    from sim.studies.ledger import PARTIES
    scenarios = list(dict.fromkeys(table.scenario))
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
        ax.set_ylabel(label("ledger_npv_axis", lang), fontsize=8)
        ax.set_title(text("title_breakeven", lang, scenario=s), fontsize=9)
        ax.tick_params(labelsize=7)
        ax.legend(fontsize=7)
    fig.tight_layout()
    return fig


def fig_deciding(deciding, lang, top: int = 10):
    """A tornado per scenario: the societal NPV with each uncertain effect alone at the low and the high end of
    its prior (sim.studies.deciding_effects), the ``top`` largest swings, the default as a line."""
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
        ax.set_title(text("title_deciding", lang, scenario=s), fontsize=9)
        ax.tick_params(axis="x", labelsize=7)
        ax.legend(fontsize=7)
    fig.tight_layout()
    return fig


def deciding_markdown(deciding, order, lang="en") -> str:
    """Which uncertain effect decides each scenario's societal NPV: a table per scenario and one verdict line."""
    lines = [f"### {label('deciding_section', lang)}", ""]
    for s in order[1:]:
        g = deciding[deciding.scenario == s]
        if g.empty:
            continue
        lines += [text("deciding_note", lang, scenario=s, replicates=int(g.replicates.min())), ""]
        head = ("effect", "prior_low", "prior_high", "npv_at_low", "npv_at_default", "npv_at_high", "decides",
                "breakeven_value")
        lines += ["| " + " | ".join(label(k, lang) for k in head) + " |", "|---|" + "---|" * (len(head) - 1)]
        for r in g.itertuples():
            lines.append(f"| `{r.effect}` ({getattr(r, 'basis', '–')}) | {number(r.low)} | {number(r.high)} | {_money(r.npv_low)} | "
                         f"{_money(r.npv_default)} | {_money(r.npv_high)} | {label('yes' if r.decides else 'no', lang)} | "
                         f"{'–' if pd.isna(r.breakeven_value) else number(r.breakeven_value)} |")
        decide = g[g.decides]
        if len(decide):
            lines += ["", text("deciding_verdict", lang, scenario=s,
                               effects=", ".join(f"`{r.effect}` ({getattr(r, 'basis', '–')})" for r in decide.itertuples()),
                               values="; ".join(f"`{r.effect}` = {number(r.breakeven_value)}"
                                                for r in decide.itertuples()))]
        else:
            top = g.iloc[0]
            lines += ["", text("deciding_none", lang, scenario=s, effect=f"`{top.effect}`",
                               swing=_money(top.swing), npv=_money(top.npv_default))]
        lines.append("")
    return "\n".join(lines + [""])


def split_incentive_text(summary, scenario, lang="en") -> str:
    """One paragraph: who pays more than they get back, who gains, and the societal NPV."""
    from sim.studies.ledger import split_incentive
    si = split_incentive(summary, scenario)
    names = lambda keys: ", ".join(label(k, lang) for k in keys) or label("nobody", lang)
    amounts = lambda keys: "; ".join(f"{label(k, lang)} {_money(si['npv'][k])}" for k in keys) or "–"
    return text("split_incentive", lang, scenario=scenario, losers=names(si["losers"]),
                pay_verb="s" if len(si["losers"]) == 1 else "", they="it" if len(si["losers"]) == 1 else "they",
                loss=amounts(si["losers"]), gainers=names(si["gainers"]),
                gain_verb="s" if len(si["gainers"]) == 1 else "", gain=amounts(si["gainers"]),
                society=_money(si["society"]))


def ledger_markdown(summary, evaluation, order, window, replicates, lang="en", scales=None, deciding=None) -> str:
    """The ledger section: NPV and break-even year per party, the split incentive, the evaluation."""
    from sim.studies.compare import interval_kind
    from sim.studies.ledger import PARTIES
    lines = [f"## {label('ledger_section', lang)}", "",
             text("ledger_note", lang, first=order[0], years=f"{window[0]}-{window[1]}", y0=window[0],
                  replicates=replicates, interval=interval_kind(replicates)), ""]
    head = [label("party", lang)] + [f"{s}: {label('npv', lang)}" for s in order[1:]] + \
           [f"{s}: {label('breakeven_year', lang)}" for s in order[1:]]
    lines += ["| " + " | ".join(head) + " |", "|---|" + "---|" * (len(head) - 1)]
    for party in PARTIES:
        cells = []
        for s in order[1:]:
            r = summary[(summary.scenario == s) & (summary.party == party)].iloc[0]
            cells.append(f"{_money(r.npv_mean)} [{_money(r.npv_p5)}, {_money(r.npv_p95)}]")
        for s in order[1:]:
            be = summary[(summary.scenario == s) & (summary.party == party)].iloc[0].breakeven_year
            cells.append(label("never", lang) if pd.isna(be) else str(int(be)))
        lines.append(f"| {label(party, lang)} | " + " | ".join(cells) + " |")
    lines.append("")
    for s in order[1:]:
        lines += [split_incentive_text(summary, s, lang), ""]
    lines += [f"## {label('evaluation_section', lang)}", "",
              "| " + label("outcome", lang) + " | " + " | ".join(order[1:]) + " |", "|---|" + "---|" * len(order[1:])]
    for outcome in dict.fromkeys(evaluation.outcome):
        d = evaluation[evaluation.outcome == outcome].set_index("scenario")
        cells = [f"{number(d.loc[s, 'mean'])} [{number(d.loc[s, 'p5'])}, {number(d.loc[s, 'p95'])}]" for s in order[1:]]
        lines.append(f"| {label(outcome, lang)} | " + " | ".join(cells) + " |")
    if scales is not None:
        lines += ["", f"### {label('breakeven_scale', lang)}", "", "| " + label("party", lang) + " | " + " | ".join(order[1:]) + " |",
                  "|---|" + "---|" * len(order[1:])]
        for party in dict.fromkeys(scales.party):
            d = scales[scales.party == party].set_index("scenario").breakeven_scale
            lines.append(f"| {label(party, lang)} | " + " | ".join(
                "–" if pd.isna(d.get(s)) else f"{d[s]:.2f}" for s in order[1:]) + " |")
    if deciding is not None:
        lines += ["", deciding_markdown(deciding, order, lang)]
    return "\n".join(lines + [""])


def comparison_markdown(summary, order, window, replicates, lang="en") -> str:
    nl = lang == "nl"
    first = order[0]
    lines = [f"# {label('comparison', lang)}: {', '.join(order)}", ""]
    lines += [(f"Jaren {window[0]}–{window[1]}, {replicates} herhalingen per scenario, gepaard: herhaling r van elk "
               f"scenario gebruikt dezelfde seed en hetzelfde herhalingsnummer als {first}. Per cel: gemiddelde over "
               f"herhalingen [90 %-interval, 5e–95e percentiel]. Verschillen met {first} zijn per herhaling "
               f"berekend (gepaard) en daarna samengevat.") if nl else
              (f"Years {window[0]}–{window[1]}, {replicates} replicates per scenario, paired: replicate r of every "
               f"scenario uses the same seed and replicate number as {first}. Each cell: mean over replicates "
               f"[90 % interval, 5th–95th percentile]. Differences from {first} are computed per replicate "
               f"(paired), then summarised."), ""]
    if replicates < MIN_REPLICATES_90:
        lines += [(f"**Let op:** {replicates} herhalingen: de 'intervallen' zijn het bereik van {replicates} runs, geen "
                   f"90 %-intervallen (daarvoor zijn er minstens {MIN_REPLICATES_90} nodig).") if nl else
                  (f"**Note:** {replicates} replicates: the 'intervals' are the range of {replicates} runs, not 90 % "
                   f"intervals (those need at least {MIN_REPLICATES_90})."), ""]

    others = order[1:] or order

    def table(rows, value, lo, hi, title, columns):
        head = f"| {label('outcome', lang)} | " + " | ".join(columns) + " |"
        out = [f"## {title}", "", head, "|---|" + "---|" * len(columns)]
        for outcome in rows:
            d = summary[summary.outcome == outcome].set_index("scenario")
            cells = [f"{number(d.loc[s, value])} [{number(d.loc[s, lo])}, {number(d.loc[s, hi])}]" for s in columns]
            out.append(f"| {label(outcome, lang)} | " + " | ".join(cells) + " |")
        return out + [""]

    lines += table(OUTCOMES, "mean", "p5", "p95", text("values", lang), order)
    lines += table(OUTCOMES, "diff_mean", "diff_p5", "diff_p95", text("difference", lang, first=first).capitalize(),
                   others)
    lines += table(("extra_cost_eur", "extra_months_at_home", COST_PER_MONTH), "mean", "p5", "p95",
                   text("title_per_month", lang), others)
    lines += [("Definitie. Extra kosten = som over de jaren van (totale kosten per inwoner − die van "
               f"{first}) × inwoners. Extra maanden thuis = N × (M − M₀): N is het aantal perioden van thuis wonen na "
               "een eerste indicatie die in de jaren eindigden (opname of overlijden), M hun gemiddelde duur in "
               f"maanden en M₀ die van {first}. Kosten per gewonnen maand = extra kosten / extra maanden; leeg (–) "
               "waar geen maanden gewonnen worden; negatief: het scenario bespaart geld én wint maanden. Het gemiddelde "
               "is gemiddelde extra kosten / gemiddelde extra maanden; het interval komt uit de ratio's per "
               "herhaling en staat er alleen als elke herhaling maanden wint.") if nl else
              ("Definition. Extra cost = sum over the years of (total cost per inhabitant − that of "
               f"{first}) × inhabitants. Extra months at home = N × (M − M₀): N is the number of spells of living at "
               "home after a first package that ended in the years (admission or death), M their mean length in "
               f"months and M₀ that of {first}. Cost per month gained = extra cost / extra months; empty (–) where "
               "no months are gained; negative: the scenario saves money while gaining months. The mean is mean extra "
               "cost / mean extra months; the interval comes from the per-replicate ratios and is given only when "
               "every replicate gains months."), ""]
    return "\n".join(lines)


def markdown(c: Comparison, lang: str = "en", summary: pd.DataFrame | None = None) -> str:
    """The comparison as markdown tables (``summary``: ``c.summary()`` when not given), with the ledger."""
    summary = c.summary() if summary is None else summary
    out = comparison_markdown(summary, c.order, c.window, c.replicates, lang)
    if len(c.order) > 1:
        out += "\n" + ledger_markdown(c.ledger_summary(), c.evaluation(), c.order, c.window, c.replicates, lang,
                                      getattr(c, "breakeven_scales", None), getattr(c, "deciding", None))
    return out


def figures(c: Comparison, lang: str = "en", summary: pd.DataFrame | None = None) -> dict:
    """The figures as {file name: matplotlib figure}."""
    summary = c.summary() if summary is None else summary
    year = int(c.cells.year.max())
    out = {"timeseries.png": fig_timeseries(c.table, c.order, c.window, lang),
           "differences.png": fig_differences(summary, c.order, c.window, lang),
           "costs_by_payer.png": fig_costs(summary, c.order, c.window, lang),
           "maps.png": fig_maps(c.last_cells(), c.order, year, lang)}
    if len(c.order) > 1:
        out["ledger.png"] = fig_ledger(c.ledger(), c.ledger_summary(), c.order, c.window, lang)
    if getattr(c, "breakeven", None) is not None:
        out["breakeven.png"] = fig_breakeven(c.breakeven, lang)
    if getattr(c, "deciding", None) is not None:
        out["deciding_effects.png"] = fig_deciding(c.deciding, lang)
    return out


def save(c: Comparison, out, lang: str = "en", areas=(), force: bool = False) -> Path:
    """Write indicators, neighbourhoods, comparison (csv, md), figures and manifest of a run comparison into
    ``out`` atomically; for each of ``areas`` (names of scenario areas) also ``area_<name>.csv``."""
    import sim
    from sim.output import atomic_folder, write_json
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}: use one of {', '.join(LANGUAGES)}")
    plt = _plt()
    summary = c.summary()
    area_tables = {name: c.area(name) for name in areas}     # a bad area name stops before writing
    with atomic_folder(out, command="compare", force=force) as tmp:
        c.table.to_parquet(tmp / "indicators.parquet", index=False)
        c.last_cells().to_parquet(tmp / "neighbourhoods.parquet", index=False)
        c.cells.to_parquet(tmp / "cells_by_year.parquet", index=False)
        labelled(summary, lang).to_csv(tmp / "comparison.csv", index=False)
        c.ledger().to_csv(tmp / "ledger.csv", index=False)                # every comparison, empty for one scenario
        c.ledger_summary().to_csv(tmp / "ledger_summary.csv", index=False)
        if len(c.order) > 1:
            c.evaluation().to_csv(tmp / "evaluation.csv", index=False)
        if getattr(c, "breakeven", None) is not None:
            c.breakeven.to_csv(tmp / "breakeven.csv", index=False)
            c.breakeven_scales.to_csv(tmp / "breakeven_scales.csv", index=False)
        if getattr(c, "deciding", None) is not None:
            c.deciding_table.to_csv(tmp / "deciding_effects_runs.csv", index=False)
            c.deciding.to_csv(tmp / "deciding_effects.csv", index=False)
        (tmp / "comparison.md").write_text(markdown(c, lang, summary), encoding="utf-8")
        for name, table in area_tables.items():
            labelled(table, lang).to_csv(tmp / f"area_{name}.csv", index=False)
        drawn = figures(c, lang, summary)
        for name, fig in drawn.items():
            fig.savefig(tmp / name, dpi=110, metadata={"Software": f"langerthuis {sim.__version__}"})
            plt.close(fig)
        write_json(tmp / "manifest.json", c.manifest(areas, figures=list(drawn), language=lang))
    return Path(out)


# ----------------------------------------------------------------------------- command line
def register(sub):
    p = sub.add_parser("compare", help="run scenarios paired (same seeds) and compare them with the first")
    p.add_argument("scenario", nargs="+", help="scenario YAML files; the first is the reference")
    p.add_argument("--out", required=True, help="output folder (replaced atomically when complete)")
    p.add_argument("--replicates", type=int, help="replicates per scenario (default: the first scenario's)")
    p.add_argument("--from-year", type=int, help="first year of the summary window (default: first investment year)")
    p.add_argument("--to-year", type=int, help="last year of the summary window (default: the end year)")
    p.add_argument("--lang", choices=LANGUAGES, default="en", help="language of labels (default en)")
    p.add_argument("--area", action="append", default=[], metavar="NAME",
                   help="also write area_NAME.csv: outcomes inside a scenario area (repeatable)")
    p.add_argument("--fixed-effects", action="store_true",
                   help="run the effect sizes at their defaults instead of drawing them from their priors per replicate")
    p.add_argument("--breakeven", action="store_true",
                   help="also run the break-even analysis: NPV per party against the size of the uncertain effects "
                        "together (breakeven.csv, breakeven_scales.csv, breakeven.png), and each uncertain effect "
                        "alone at the ends of its prior (deciding_effects.csv, deciding_effects.png); about 30 extra "
                        "comparisons")
    p.add_argument("--breakeven-replicates", type=int, default=5, metavar="N",
                   help="paired replicates per break-even run (default 5, at most --replicates)")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    p.set_defaults(func=main)


AREA_NAME = re.compile(r"[A-Za-z0-9_-]+")


def check_args(args) -> None:
    """Before any run (``sim.cli`` calls it): an area name becomes part of a file name (area_NAME.csv)."""
    for name in args.area:
        if not AREA_NAME.fullmatch(name):
            raise InputError(f"compare: --area: expected an area name of letters, digits, '_' and '-', found {name!r}")
    if args.breakeven_replicates < 1:
        raise InputError(f"compare: --breakeven-replicates: expected a whole number of at least 1, found "
                         f"{args.breakeven_replicates}")


def main(args) -> int:
    c = Comparison(args.scenario, replicates=args.replicates, from_year=args.from_year, to_year=args.to_year,
                   progress=not args.no_progress, effect_priors=not args.fixed_effects)   # bad input stops here
    for name in args.area:
        area_cells(name, c.scenarios)                                  # ... and so does a bad area name
    c.run()
    if c.replicates < MIN_REPLICATES_90:
        print(f"warning: {c.replicates} replicate(s): the intervals are the range of {c.replicates} runs, not 90 % "
              f"intervals (use --replicates {MIN_REPLICATES_90} or more)", file=sys.stderr)
    if args.breakeven:
        from sim.studies import breakeven, deciding_effects
        n = min(c.replicates, args.breakeven_replicates)
        c.breakeven = breakeven.run(c.scenarios, n, c.window, progress=not args.no_progress)
        c.breakeven_scales = breakeven.breakeven_scales(c.breakeven)
        c.deciding_table = deciding_effects.run(c.scenarios, n, c.window, progress=not args.no_progress)
        c.deciding = deciding_effects.deciding(c.deciding_table)
    save(c, args.out, lang=args.lang, areas=args.area, force=getattr(args, "force", False))
    print(f"wrote {os.fspath(args.out)}: {len(c.order)} scenarios x {c.replicates} replicate(s), "
          f"years {c.window[0]}-{c.window[1]}, in {c.wall_time:.1f} s")
    return 0
