"""The result cards' tables as HTML (not Markdown: Solara's Markdown loads a diagram library) and the
downloads as CSV (Dutch: ';' and a decimal comma)."""
from __future__ import annotations

from html import escape

import pandas as pd

from sim.workshop.app.numbers import cue
from sim.workshop.labels import (TEXTS, fmt_eur_million, fmt_number, fmt_value, label as shared_label,
                                 neighbourhood_names, text as shared_text)
from sim.workshop.labels import app_text as t, map_label as label


def outcomes_html(outcomes: pd.DataFrame, lang: str) -> str:
    """The key outcomes as an HTML table (not Markdown: Solara's Markdown loads a diagram library)."""
    def fmt(ind, m, lo, hi, signed=False):
        """The value with its interval; a ``signed`` difference of shares in percentage points."""
        if pd.isna(m):
            return ""
        return (f"{fmt_value(ind, m, lang, signed, signed)} ({fmt_value(ind, lo, lang, signed, signed)} – "
                f"{fmt_value(ind, hi, lang, signed, signed)})")
    head = "".join(f"<th>{escape(t(k, lang))}</th>" for k in ("indicators", "scenario", "mean", "vs_base"))
    rows = "".join(f"<tr><td>{escape(label(r.indicator, lang))}</td><td>{escape(r.scenario)}</td>"
                   f"<td>{fmt(r.indicator, r.mean, r.low, r.high)}</td>"
                   f"<td>{fmt(r.indicator, r.diff_mean, r.diff_low, r.diff_high, True)} "
                   f"<b>{escape(cue(r.indicator, r.diff_low, r.diff_high, lang))}</b></td></tr>"
                   for r in outcomes.itertuples())
    return f'<table class="lt-table"><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>'


def ledger_html(ledger: dict, order: list[str], window, lang: str, differences: pd.DataFrame | None = None) -> str:
    """Who pays and who saves: the report's one money table (sim.workshop.report.summary.money_html, the same
    function, so the app and the handout show the same numbers with the same sign: positive = better off), a
    table per scenario with a sentence per party saying why; then the split-incentive line of each scenario.
    ``differences``: scenario, outcome, diff_mean of the carers' strain and the nursing-home admissions."""
    from sim.analysis.ledger import split_incentive
    from sim.workshop.outcomes import money_table
    from sim.workshop.report.summary import money_html
    lines = money_table(ledger["ledger"], ledger["summary"], window)
    effects = ledger["yearly"][ledger["yearly"].scenario != order[0]]
    if differences is None:
        differences = pd.DataFrame(columns=["scenario", "outcome", "diff_mean"])
    n = int(ledger["summary"].replicates.max())
    out = [money_html(effects, lines, differences, order, window, lang, n, narrow=True)]
    for name in order[1:]:
        si = split_incentive(ledger["summary"], name)
        names = lambda keys: ", ".join(label(k, lang) for k in keys) or t("nobody", lang)
        amounts = lambda keys: "; ".join(f"{label(k, lang)} {fmt_eur_million(si['npv'][k], lang)}" for k in keys) or "–"
        one_loser, one_gainer = len(si["losers"]) == 1, len(si["gainers"]) == 1
        line = shared_text("split_incentive", lang, scenario=name, losers=names(si["losers"]),
                           pay_verb="s" if one_loser else "", they="it" if one_loser else "they",
                           loss=amounts(si["losers"]), gainers=names(si["gainers"]),
                           gain_verb="s" if one_gainer else "", gain=amounts(si["gainers"]),
                           society=fmt_eur_million(si["society"], lang))
        out.append(f'<p class="lt-split">{escape(line)}</p>')
    return "".join(out)


def differences(outcomes: pd.DataFrame) -> pd.DataFrame:
    """The paired differences of the key outcomes as comparison.csv has them (scenario, outcome, diff_mean): the
    money table's sentences cite the carers' strain and the nursing-home admissions."""
    return outcomes.rename(columns={"indicator": "outcome"})[["scenario", "outcome", "diff_mean"]]


def eur_amount(x: float, lang: str) -> str:
    """Euros for the room: millions from a million on, else thousands ('€ 850 duizend': a local investment
    shown as '€ 0,85 mln' reads as nothing)."""
    if abs(x) >= 1e6:
        return fmt_eur_million(x, lang)
    amount = fmt_number(x / 1e3, lang, 0 if abs(x) >= 1e4 else 1)
    return f"€ {amount} duizend" if lang == "nl" else f"€{amount} thousand"


def area_html(effect: dict, where: str, lang: str) -> str:
    """The effect in the area beside the whole town: paired difference, mean (lowest – highest replicate)."""
    def cell(ind, v):
        m, lo, hi = v
        return "–" if pd.isna(m) else (f"{fmt_value(ind, m, lang, True, True)} ({fmt_value(ind, lo, lang, True, True)}"
                                       f" – {fmt_value(ind, hi, lang, True, True)})")      # shares: %-punt
    head = "".join(f"<th>{escape(h)}</th>" for h in (t("indicators", lang), t("in_area", lang, where=where),
                                                       t("in_town", lang)))
    rows = "".join(f"<tr><td>{escape(label(r['indicator'], lang))}</td><td>{escape(cell(r['indicator'], r['area']))}"
                   f"</td><td>{escape(cell(r['indicator'], r['town']))}</td></tr>" for r in effect["rows"])
    return f'<table class="lt-table lt-area-table"><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>'


def csv_text(frame: pd.DataFrame, lang: str) -> str:
    """A table as CSV for a spreadsheet: in Dutch ';' between fields and a decimal comma (a Dutch Excel reads
    '1.5' as a date or text), with Dutch column names where the app has them."""
    if lang != "nl":
        return frame.to_csv(index=False)
    names = {c: shared_label(c, "nl") if c in TEXTS else CSV_NL.get(c, c) for c in frame.columns}
    return frame.rename(columns=names).to_csv(index=False, sep=";", decimal=",")


CSV_NL = {"replicate": "herhaling", "indicator": "indicator", "value": "waarde", "payer": "betaler",
          "low": "p5", "high": "p95", "diff_mean": "verschil_gemiddelde", "diff_low": "verschil_p5",
          "diff_high": "verschil_p95", "from_year": "vanaf_jaar", "to_year": "tot_en_met_jaar", "eur": "euro",
          "n_replicates": "herhalingen", "x": "x", "y": "y", "neighbourhood": "buurt"}


def named_cells(cells: pd.DataFrame) -> pd.DataFrame:
    width, height = int(cells.x.max()) + 1, int(cells.y.max()) + 1
    names = neighbourhood_names(width, height)
    return cells.assign(neighbourhood=[names[(int(x), int(y))] for x, y in zip(cells.x, cells.y)])

