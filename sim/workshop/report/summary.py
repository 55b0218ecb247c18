"""The report's one page for a wethouder: the question, the net effect per party with intervals, two or
three conclusions in plain words, what the model leaves out."""
from __future__ import annotations

from html import escape
from pathlib import Path

import pandas as pd

from sim.errors import InputError
from sim.workshop.labels import caveats as caveat_texts, fmt_eur_million, fmt_value, label, summary_text as _s
from sim.workshop.report.folder import manifest_scenarios
from sim.workshop.report.markup import table_html


def caveats(lang: str) -> list[str]:
    """What the model leaves out, in plain words; the share of assumed parameters counted from the model."""
    from sim.model.parameters import parameter_footings

    footings = parameter_footings()   # a value set by hand to a figure has no source either
    assumed = sum(1 for f in footings.values() if f != "source")
    return caveat_texts(lang if lang == "nl" else "en", assumed, len(footings))


def party_effects(folder: Path, table: pd.DataFrame, window, order) -> tuple[pd.DataFrame, str]:
    """scenario, party, net_mean, net_p5, net_p95 (euros a year, positive = better off than the first scenario)
    and where they come from: ``ledger.csv`` of the ledger when the folder has it, else the four
    organisations' costs from the folder's indicators (per replicate, paired)."""
    lo, hi = window
    ledger = folder / "ledger.csv"
    if ledger.is_file():
        d = pd.read_csv(ledger)
        need = {"scenario", "party", "year", "net_mean", "net_p5", "net_p95"}
        if not need <= set(d.columns):
            raise InputError(f"{ledger}: expected columns {', '.join(sorted(need))}, found {', '.join(d.columns)}")
        from sim.workshop.outcomes import ledger_window   # the app's "who pays" shows the same numbers
        out = ledger_window(d, window)
        return out[out.scenario != order[0]], "from_ledger"
    if not (folder / "indicators.parquet").is_file():
        return pd.DataFrame(columns=["scenario", "party", "net_mean", "net_p5", "net_p95"]), "from_costs"
    from sim.workshop.outcomes import party_costs, party_summary
    indicators = pd.read_parquet(folder / "indicators.parquet")
    scenarios = {s["name"]: s["resolved"] for s in manifest_scenarios(folder)}
    summary = party_summary(party_costs(indicators, scenarios, window), order[0])
    out = summary[summary.scenario != order[0]].rename(columns={"payer": "party"})
    # a cost saved is a gain: the sign turns, and so do the bounds
    out = out.assign(net_mean=-out.diff_mean, net_p5=-out.diff_high, net_p95=-out.diff_low)
    return out[["scenario", "party", "net_mean", "net_p5", "net_p95"]], "from_costs"



def summary_section(folder: Path, manifest: dict, table: pd.DataFrame, lang: str, window) -> str:
    """One page for a wethouder: the question, the net effect per party in EUR million a year with intervals,
    two or three conclusions in plain words, what the model leaves out."""
    order = list(dict.fromkeys(table.scenario))
    first, others = order[0], order[1:]
    years = f"{window[0]}–{window[1]}"
    parts = [f"<section id='summary'><h2>{_s('h', lang)}</h2>",
             f"<p class='lead'>{escape(_s('question', lang, names=', '.join(others) or first, first=first))}</p>"]
    conclusions = []
    if others:
        effects, source = party_effects(folder, table, window, order)
        parties = list(dict.fromkeys(effects.party))
        rows = []
        for p in parties:
            cells = []
            for name in others:
                e = effects[(effects.party == p) & (effects.scenario == name)]
                cells.append("–" if e.empty else
                             f"<b>{fmt_eur_million(e.net_mean.iloc[0], lang)}</b> <small>[{fmt_eur_million(e.net_p5.iloc[0], lang)}; "
                             f"{fmt_eur_million(e.net_p95.iloc[0], lang)}]</small>")
            rows.append([escape(label(p, lang))] + cells)
        parts.append(f"<h3>{escape(_s('net_h', lang, years=years))}</h3>"
                     + table_html([escape(label("scenario", lang))] + [escape(n) for n in others], rows, "wide summary")
                     + f"<p class='note'>{escape(_s('net_note', lang, first=first, source=_s(source, lang)))}</p>")
        # months at home: the Kaplan-Meier restricted mean (as compare's table and the app's headline), else the
        # mean of the spells that ended (a folder written before compare had it)
        kind = "months_at_home_km" if (table.outcome == "months_at_home_km").any() else "months_independent_after_indication"
        months = table[table.outcome == kind].set_index("scenario")
        for name in others:
            if name in months.index and {"diff_mean", "diff_p5", "diff_p95"} <= set(months.columns):
                m = months.loc[name]
                fields = dict(name=name, first=first, diff=fmt_value("x", m.diff_mean, lang, signed=True),
                              lo=fmt_value("x", m.diff_p5, lang, signed=True), hi=fmt_value("x", m.diff_p95, lang, signed=True))
                clear = m.diff_p5 > 0 or m.diff_p95 < 0
                conclusions.append(_s(("months" if clear else "months_none") + ("_km" if kind == "months_at_home_km" else ""),
                                      lang, **fields))
            e = effects[effects.scenario == name]
            if not e.empty:
                losers = [label(p, lang) for p in e[e.net_p95 < 0].party]
                winners = [label(p, lang) for p in e[e.net_p5 > 0].party]
                conclusions.append(_s("who", lang, name=name, losers=", ".join(losers) or _s("nobody", lang),
                                      winners=", ".join(winners) or _s("nobody", lang),
                                      total=fmt_eur_million(e.net_mean.sum(), lang)))
        conclusions = conclusions[:3]
    if conclusions:
        parts.append(f"<h3>{_s('concl_h', lang)}</h3><ul class='conclusions'>"
                     + "".join(f"<li>{escape(c)}</li>" for c in conclusions) + "</ul>")
    parts.append(f"<h3>{_s('out_h', lang)}</h3><ul>" + "".join(f"<li>{escape(c)}</li>" for c in caveats(lang)[:3])
                 + "</ul></section>")
    return "".join(parts)
