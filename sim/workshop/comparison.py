"""``langerthuis compare SCENARIO... --out DIR``: the presentation of a paired comparison.

``sim.analysis.compare.Comparison`` runs the scenarios paired and summarises them; this module labels the
tables (en/nl), writes the markdown table and the output folder with the figures of
``sim.workshop.figures.comparison`` (imported here too, as ``comparison.fig_*``):

>>> from sim.analysis.compare import Comparison
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

import pandas as pd

from sim.errors import InputError
from sim.analysis.compare import COST_PER_MONTH, MIN_REPLICATES_90, OUTCOMES, Comparison, area_cells
from sim.workshop import area_report
from sim.workshop.figures import pyplot
from sim.workshop.figures.comparison import (fig_breakeven, fig_costs, fig_deciding, fig_differences,  # noqa: F401
                                             fig_ledger, fig_maps, fig_timeseries)
from sim.workshop.labels import LANGUAGES, count, fmt_eur, fmt_number, fmt_value, interval_name, label, text


def labelled(table: pd.DataFrame, lang: str = "en") -> pd.DataFrame:
    """A summary (``Comparison.summary`` or ``.area``) with the outcomes' labels as its third column."""
    out = table.copy()
    out.insert(2, "label", [label(o, lang) for o in out.outcome])
    return out


# ----------------------------------------------------------------------------- the ledger
def _money(x, lang="en") -> str:
    """Euros in the reader's format: € 1,2 mln, € 850.000 (sim.workshop.labels.fmt_eur)."""
    return fmt_eur(x, lang)


def _with_interval(name, mean, lo, hi, lang, difference=False) -> str:
    """'value [low; high]' in the reader's format (a difference of shares in %-punt)."""
    f = lambda x: fmt_value(name, x, lang, signed=difference, difference=difference)
    return f"{f(mean)} [{f(lo)}; {f(hi)}]"


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
            lines.append(f"| `{r.effect}` ({getattr(r, 'basis', '–')}) | {fmt_number(r.low, lang)} | "
                         f"{fmt_number(r.high, lang)} | "
                         f"{_money(r.npv_low, lang)} | {_money(r.npv_default, lang)} | {_money(r.npv_high, lang)} | "
                         f"{label('yes' if r.decides else 'no', lang)} | "
                         f"{'–' if pd.isna(r.breakeven_value) else fmt_number(r.breakeven_value, lang)} |")
        decide = g[g.decides]
        if len(decide):
            lines += ["", text("deciding_verdict", lang, scenario=s,
                               effects=", ".join(f"`{r.effect}` ({getattr(r, 'basis', '–')})" for r in decide.itertuples()),
                               values="; ".join(f"`{r.effect}` = {fmt_number(r.breakeven_value, lang)}"
                                                for r in decide.itertuples()))]
        else:
            top = g.iloc[0]
            lines += ["", text("deciding_none", lang, scenario=s, effect=f"`{top.effect}`",
                               swing=_money(top.swing, lang), npv=_money(top.npv_default, lang))]
        lines.append("")
    return "\n".join(lines + [""])


def split_incentive_text(summary, scenario, lang="en") -> str:
    """One paragraph: who pays more than they get back, who gains, and the societal NPV."""
    from sim.analysis.ledger import split_incentive
    si = split_incentive(summary, scenario)
    names = lambda keys: ", ".join(label(k, lang) for k in keys) or label("nobody", lang)
    amounts = lambda keys: "; ".join(f"{label(k, lang)} {_money(si['npv'][k], lang)}" for k in keys) or "–"
    return text("split_incentive", lang, scenario=scenario, losers=names(si["losers"]),
                pay_verb="s" if len(si["losers"]) == 1 else "", they="it" if len(si["losers"]) == 1 else "they",
                loss=amounts(si["losers"]), gainers=names(si["gainers"]),
                gain_verb="s" if len(si["gainers"]) == 1 else "", gain=amounts(si["gainers"]),
                society=_money(si["society"], lang))


def ledger_markdown(summary, evaluation, order, window, replicates, lang="en", scales=None, deciding=None,
                    npv_table=True) -> str:
    """The ledger section: NPV and break-even year per party (unless ``npv_table`` is False: the report shows
    them in its one money table), the split incentive, the evaluation."""
    from sim.analysis.ledger import PARTIES
    lines = [f"## {label('ledger_section', lang)}", "",
             text("ledger_note", lang, first=order[0], years=f"{window[0]}-{window[1]}", y0=window[0],
                  replicates=count(replicates, "replicate", lang), interval=interval_name(replicates, lang)), ""]
    if npv_table:
        head = [label("party", lang)] + [f"{s}: {label('npv', lang)}" for s in order[1:]] + \
               [f"{s}: {label('breakeven_year', lang)}" for s in order[1:]]
        lines += ["| " + " | ".join(head) + " |", "|---|" + "---|" * (len(head) - 1)]
        for party in PARTIES:
            cells = []
            for s in order[1:]:
                r = summary[(summary.scenario == s) & (summary.party == party)].iloc[0]
                cells.append(f"{_money(r.npv_mean, lang)} [{_money(r.npv_p5, lang)}; {_money(r.npv_p95, lang)}]")
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
        name, change = outcome.removeprefix("change_"), outcome.startswith("change_")
        cells = [_with_interval(name, d.loc[s, "mean"], d.loc[s, "p5"], d.loc[s, "p95"], lang, difference=change)
                 for s in order[1:]]
        lines.append(f"| {label(outcome, lang)} | " + " | ".join(cells) + " |")
    if scales is not None:
        lines += ["", f"### {label('breakeven_scale', lang)}", "", "| " + label("party", lang) + " | " + " | ".join(order[1:]) + " |",
                  "|---|" + "---|" * len(order[1:])]
        for party in dict.fromkeys(scales.party):
            d = scales[scales.party == party].set_index("scenario").breakeven_scale
            lines.append(f"| {label(party, lang)} | " + " | ".join(
                "–" if pd.isna(d.get(s)) else fmt_number(d[s], lang, 2) for s in order[1:]) + " |")
    if deciding is not None:
        lines += ["", deciding_markdown(deciding, order, lang)]
    return "\n".join(lines + [""])


def comparison_markdown(summary, order, window, replicates, lang="en") -> str:
    first = order[0]
    lines = [f"# {label('comparison', lang)}: {', '.join(order)}", ""]
    lines += [text("comparison_intro", lang, lo=window[0], hi=window[1], replicates=count(replicates, "replicate", lang),
                   interval=interval_name(replicates, lang), first=first), ""]
    if replicates < MIN_REPLICATES_90:
        lines += [text("comparison_few_replicates", lang, replicates=replicates, needed=MIN_REPLICATES_90), ""]

    others = order[1:] or order

    def table(rows, value, lo, hi, title, columns):
        head = f"| {label('outcome', lang)} | " + " | ".join(columns) + " |"
        out = [f"## {title}", "", head, "|---|" + "---|" * len(columns)]
        for outcome in rows:
            d = summary[summary.outcome == outcome].set_index("scenario")
            cells = [_with_interval(outcome, d.loc[s, value], d.loc[s, lo], d.loc[s, hi], lang,
                                    difference=value == "diff_mean") for s in columns]
            out.append(f"| {label(outcome, lang)} | " + " | ".join(cells) + " |")
        return out + [""]

    lines += table(OUTCOMES, "mean", "p5", "p95", text("values", lang), order)
    lines += table(OUTCOMES, "diff_mean", "diff_p5", "diff_p95", text("difference", lang, first=first).capitalize(),
                   others)
    lines += table(("extra_cost_eur", "extra_months_at_home", COST_PER_MONTH), "mean", "p5", "p95",
                   text("title_per_month", lang), others)
    lines += [text("comparison_per_month", lang, first=first), ""]
    return "\n".join(lines)


def markdown(c: Comparison, lang: str = "en", summary: pd.DataFrame | None = None) -> str:
    """The comparison as markdown tables (``summary``: ``c.summary()`` when not given), with the ledger."""
    summary = c.summary() if summary is None else summary
    out = comparison_markdown(summary, c.order, c.window, c.replicates, lang)
    if len(c.order) > 1:
        out += "\n" + ledger_markdown(c.ledger_summary(), c.evaluation(), c.order, c.window, c.replicates, lang,
                                      getattr(c, "breakeven_scales", None), getattr(c, "deciding", None))
    if len(c.order) > 1 and c.scenarios[0]["areas"]:   # the effect in each named area (issue 26)
        from sim.analysis import area_effects
        effects, ledger = c.area_effects()
        out += "\n" + (area_effects.markdown(effects, ledger, c.order[0], c.replicates, _data_note(c)) if lang == "en"
                       else area_report.markdown(effects, ledger, lang, _data_note(c, lang)))
    return out


def _data_note(c: Comparison, lang: str = "en") -> str:
    """The CBS credit and the synthetic facilities, for a comparison on a real municipality's wijken."""
    from sim.model import municipality_layout
    if not municipality_layout.is_real(c.scenarios[0]):
        return ""
    return municipality_layout.FACILITIES_NOTE[lang] + " " + municipality_layout.place(
        c.scenarios[0]["municipality"]["code"]).credit(lang) + "."


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
    plt = pyplot()
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
        if len(c.order) > 1:   # per cell and area (sim/model/areas.py, sim/analysis/area_effects.py)
            c.areas.to_parquet(tmp / "areas.parquet", index=False)
            effects, ledger = c.area_effects()
            effects.to_csv(tmp / "areas_comparison.csv", index=False)
            ledger.to_csv(tmp / "ledger_areas.csv", index=False)
            area_report.effect_map(c, tmp)   # real wijken only: the effect per wijk on the map
        drawn = figures(c, lang, summary)
        for name, fig in drawn.items():
            fig.savefig(tmp / name, dpi=110, metadata={"Software": f"langerthuis {sim.__version__}"})
            plt.close(fig)
        write_json(tmp / "manifest.json", c.manifest(areas, figures=list(drawn), language=lang,
                                                     **area_report.manifest_note(c)))
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
    p.add_argument("--workers", type=int, metavar="N", help="worker processes for the runs (default: one per core; 1: in this "
                                               "process); the results are the same for any number")
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
    from sim.analysis.pool import default_workers, open_pool
    workers = args.workers or default_workers()
    c = Comparison(args.scenario, replicates=args.replicates, from_year=args.from_year, to_year=args.to_year,
                   progress=not args.no_progress, effect_priors=not args.fixed_effects)   # bad input stops here
    for name in args.area:
        area_cells(name, c.scenarios)                                  # ... and so does a bad area name
    runs = len(c.scenarios) * c.replicates          # no more processes than runs (the break-even has more)
    with open_pool(workers if args.breakeven else min(workers, runs)) as pool:   # one pool for all the runs
        c.pool = pool
        c.run()
        if c.replicates < MIN_REPLICATES_90:
            print(f"warning: {c.replicates} replicate(s): the intervals are the range of {c.replicates} runs, not "
                  f"90 % intervals (use --replicates {MIN_REPLICATES_90} or more)", file=sys.stderr)
        if args.breakeven:
            from sim.analysis import breakeven, deciding_effects
            n = min(c.replicates, args.breakeven_replicates)
            c.breakeven = breakeven.run(c.scenarios, n, c.window, progress=not args.no_progress, pool=pool)
            c.breakeven_scales = breakeven.breakeven_scales(c.breakeven)
            c.deciding_table = deciding_effects.run(c.scenarios, n, c.window, progress=not args.no_progress,
                                                    pool=pool)
            c.deciding = deciding_effects.deciding(c.deciding_table)
        c.pool = None
    save(c, args.out, lang=args.lang, areas=args.area, force=getattr(args, "force", False))
    print(f"wrote {os.fspath(args.out)}: {len(c.order)} scenarios x {c.replicates} replicate(s), "
          f"years {c.window[0]}-{c.window[1]}, in {c.wall_time:.1f} s")
    return 0
