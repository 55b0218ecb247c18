"""The report's one page for a wethouder: the question, the net effect per party with intervals, two or
three conclusions in plain words, what the model leaves out."""
from __future__ import annotations

from html import escape
from pathlib import Path

import pandas as pd

from sim.errors import InputError
from sim.workshop.labels import (caveats as caveat_texts, fmt_eur, fmt_eur_million, fmt_value, interval_name, label,
                                 summary_text as _s)
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



def _npv(folder: Path) -> pd.DataFrame | None:
    """ledger_summary.csv (NPV and break-even year per scenario and party), when the folder has a readable one."""
    from sim.analysis.ledger import SUMMARY_COLUMNS
    try:
        d = pd.read_csv(folder / "ledger_summary.csv")
    except (OSError, ValueError):
        return None
    return d if set(SUMMARY_COLUMNS) <= set(d.columns) else None


def money_section(folder: Path, table: pd.DataFrame, effects: pd.DataFrame, source: str, order, window,
                  lang: str) -> str:
    """The report's one money table (issue 27), from the compare folder's ledger.csv and ledger_summary.csv
    (``money_html`` draws it; the app draws its table with the same function)."""
    from sim.workshop.outcomes import money_table
    npv = _npv(folder) if source == "from_ledger" else None
    lines = money_table(pd.read_csv(folder / "ledger.csv"), npv, window) if npv is not None else None
    n = int(table["replicates"].max()) if "replicates" in table else 0
    return money_html(effects, lines, table, order, window, lang, n, _s(source, lang))


def money_html(effects: pd.DataFrame, lines: pd.DataFrame | None, table: pd.DataFrame, order, window, lang: str,
               n: int, source: str = "", narrow: bool = False) -> str:
    """The one money table of who pays and who saves (issue 27), in the report and in the app: per party and
    scenario the balance a year (``effects``: outcomes.ledger_window) and its NPV and break-even year
    (``lines``: outcomes.money_table, None without them), positive = better off than the first scenario; the
    sign convention in words (``n`` runs name the interval) and one sentence per party saying why (from the
    ledger's lines; ``table``: comparison.csv's columns scenario, outcome, diff_mean for the carers' and the
    care office's sentences). ``narrow`` (the app at 1024 px): a table per scenario, the interval under the
    amount, no heading (the app's card has its own)."""
    first, others = order[0], order[1:]
    years = f"{window[0]}–{window[1]}"
    amounts = [effects[c].abs().max() for c in ("net_mean", "net_p5", "net_p95")]
    amounts += [lines[c].abs().max() for c in ("npv_mean", "npv_p5", "npv_p95")] if lines is not None else []
    big = max([a for a in amounts if pd.notna(a)], default=0) >= 1e6   # one unit in the whole table
    eur = (lambda x, lang: fmt_eur_million(x, lang)) if big else fmt_eur
    gap = "<br>" if narrow else " "
    keep = (lambda x: f"<span class='nw'>{x}</span>") if narrow else (lambda x: x)   # narrow: break between amounts

    def amount(m, lo, hi, bold):
        value = f"<b>{keep(eur(m, lang))}</b>" if bold else keep(eur(m, lang))
        return f"{value}{gap}<small>[{keep(eur(lo, lang))}; {keep(eur(hi, lang))}]</small>"

    def money_rows(names):
        rows = []
        for p in dict.fromkeys(effects.party):
            cells = []
            for name in names:
                e = effects[(effects.party == p) & (effects.scenario == name)]
                cells.append("–" if e.empty else amount(e.net_mean.iloc[0], e.net_p5.iloc[0], e.net_p95.iloc[0], True))
                if lines is not None:
                    m = lines[(lines.party == p) & (lines.scenario == name)]
                    cells.append("–" if m.empty or pd.isna(m.npv_mean.iloc[0]) else
                                 amount(m.npv_mean.iloc[0], m.npv_p5.iloc[0], m.npv_p95.iloc[0], False))
                    be = m.breakeven_year.iloc[0] if len(m) else None
                    cells.append(escape(label("never", lang)) if be is None or pd.isna(be) else str(int(be)))
            rows.append([escape(label(p, lang))] + cells)
        return rows

    def heads(name):
        prefix = "" if narrow else f"{name}: "
        out = [escape(f"{prefix}{_s('per_year', lang)}")]
        if lines is not None:
            out += [escape(f"{prefix}{_s('npv', lang)}"), escape(f"{prefix}{label('breakeven_year', lang)}")]
        return out
    note = _s("net_note", lang, first=first, years=years, y0=window[0], interval=interval_name(n, lang), source=source)
    if narrow:
        out = [f"<p class='money-scenario'><b>{escape(_s('money_against', lang, name=name, first=first))}</b></p>"
               + table_html([escape(label("party", lang))] + heads(name), money_rows([name]), "money lt-table lt-money")
               for name in others]
    else:
        out = [f"<h3>{escape(_s('net_h' if big else 'net_h_eur', lang, years=years))}</h3>",
               table_html([escape(label("party", lang))] + [h for name in others for h in heads(name)],
                          money_rows(others), "wide summary money")]
    out.append(f"<p class='note'>{escape(note.strip())}</p>")
    if lines is not None:
        out.append(_reasons(lines, table, others, lang))
    return "".join(out)


def _difference(table: pd.DataFrame, scenario: str, outcome: str) -> float | None:
    """The paired difference of an outcome from the first scenario (comparison.csv), if the table has it."""
    row = table[(table.scenario == scenario) & (table.outcome == outcome)]
    return float(row.diff_mean.iloc[0]) if len(row) and "diff_mean" in row else None


def _reasons(lines: pd.DataFrame, table: pd.DataFrame, others, lang: str) -> str:
    """One sentence per party and scenario saying why it is better or worse off."""
    from sim.workshop.labels.money import party_reason
    out = []
    for name in others:
        m = lines[lines.scenario == name]
        if m.empty:
            continue
        scale = float(m[["paid_mean", "saved_mean", "net_mean"]].abs().max().max())
        burden, admissions = (_difference(table, name, o) for o in ("carers_overburdened_share",
                                                                     "intramural_admissions_per_1000"))
        items = [party_reason(r.party, label(r.party, lang), r.paid_mean, r.saved_mean, r.net_mean, scale, lang,
                              burden, admissions) for r in m.itertuples()]
        out.append(f"<p class='why'><b>{escape(_s('why', lang, name=name))}</b></p><ul class='why'>"
                   + "".join(f"<li>{escape(i)}</li>" for i in items) + "</ul>")
    return "".join(out)


def summary_section(folder: Path, manifest: dict, table: pd.DataFrame, lang: str, window) -> str:
    """One page for a wethouder: the question, the net effect per party in EUR million a year with intervals,
    two or three conclusions in plain words, what the model leaves out."""
    order = list(dict.fromkeys(table.scenario))
    first, others = order[0], order[1:]
    parts = [f"<section id='summary'><h2>{_s('h', lang)}</h2>",
             f"<p class='lead'>{escape(_s('question', lang, names=', '.join(others) or first, first=first))}</p>"]
    conclusions = []
    if others:
        effects, source = party_effects(folder, table, window, order)
        parts.append(money_section(folder, table, effects, source, order, window, lang))
        # months at home: the Kaplan-Meier restricted mean (as compare's table and the app's headline), else the
        # mean of the spells that ended (a folder written before compare had it)
        kind = "months_at_home_km" if (table.outcome == "months_at_home_km").any() else "months_independent_after_indication"
        months = table[table.outcome == kind].set_index("scenario")
        for name in others:
            if name in months.index and {"diff_mean", "diff_p5", "diff_p95"} <= set(months.columns):
                m = months.loc[name]
                fields = dict(name=name, first=first, diff=fmt_value("x", m.diff_mean, lang, signed=True),
                              interval=interval_name(int(m.get("replicates", 0) or 0), lang),
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
