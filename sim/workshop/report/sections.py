"""The report's sections: the scenarios and their investments, key outcomes, costs by payer and who pays
for the investments, the ledger, the figures (drawn again in the report's language), what the model leaves out
and the manifest; ``build_html`` puts them together in one self-contained page."""
from __future__ import annotations

import base64
import json
from datetime import date
from html import escape
from pathlib import Path

import pandas as pd

import sim
from sim.errors import InputError
from sim.analysis.compare import COST_OUTCOMES, COST_PER_MONTH
from sim.workshop.labels import (LANGUAGES, ORGANISATIONS, PAYERS, REPORT_TEXTS, count, fmt_eur, fmt_number,
                                 interval_name, label, map_label, pick)
from sim.workshop import area_report
from sim.workshop.labels import report_text as t
from sim.workshop.report.folder import inhabitants_by_year, read_results
from sim.workshop.report.markup import figure_html, number_html, page, table_html, wide_table
from sim.workshop.report.summary import caveats, summary_section

COSTS = COST_OUTCOMES
PER_MONTH = ("extra_cost_eur", "extra_months_at_home", COST_PER_MONTH)


def _cost_cell(inv: dict, key: str, n_cells: int, lang: str) -> str:
    """The one-off or yearly cost of an investment: the fixed amount, and a per-unit cost with what it is per
    (as sim.model.neighbourhoods.investment_cost prices it: euros per unit of dose per cell, capital spread over
    its lifetime), so adapted dwellings show their cost per dwelling, not 0."""
    from sim.model.blocks import TYPES, block
    cost = inv.get("cost", {})
    fixed, per_unit = float(cost.get(key, 0) or 0), float(cost.get(f"{key}_per_unit", 0) or 0)
    parts = [fmt_eur(fixed, lang)] if fixed or not per_unit else []
    if per_unit:
        dose_key = block(inv["type"]).dose if inv.get("type") in TYPES else None
        units = float(inv.get(dose_key, 0) or 0) * n_cells if dose_key else 0.0
        noun = "dwelling" if inv.get("type") == "adapted_dwellings" else "unit"
        years = int(cost.get("lifetime_years", 1)) if key == "one_off" else None
        text = t("per_unit", lang, amount=fmt_eur(per_unit, lang), unit=count(1, noun, lang).split(" ", 1)[1],
                 units=f"{count(units, noun, lang)}, {fmt_eur(per_unit * units, lang)}", years=years)
        parts.append(text if years else text.rsplit(", ", 1)[0])
    return escape(" + ".join(parts))


def _source_cell(inv: dict, lang: str) -> str:
    """The investment's source: in Dutch the building block's Dutch text (evidence and price), the scenario's
    own (English) source as its tooltip."""
    from sim.model.blocks import TYPES, block
    source = inv.get("cost", {}).get("source", "")
    if lang == "nl" and inv.get("type") in TYPES:
        return f"<small title='{escape(source)}'>{escape(pick(block(inv['type']).help, lang))}</small>"
    return f"<small>{escape(source)}</small>"


def _investments(s: dict, lang: str) -> str:
    resolved = s.get("resolved") or {}
    invs = resolved.get("investments") or []
    if not invs:
        return f"<p><i>{t('no_investments', lang)}</i></p>"
    grid = resolved.get("municipality", {}).get("grid", {})
    n_all = grid.get("width", 0) * grid.get("height", 0)
    rows = []
    for inv in invs:
        cells = inv.get("cells") or []
        where = inv.get("area") or (t("all_cells", lang) if n_all and len(cells) == n_all
                                    else count(len(cells), "cell", lang))
        extra = ", ".join(f"{k}: {fmt_number(v, lang) if isinstance(v, (int, float)) else v}" for k, v in inv.items()
                          if k not in ("type", "cells", "area", "start_year", "cost"))
        cost = inv.get("cost", {})
        payer = label(cost["payer"], lang) if cost.get("payer") in PAYERS else cost.get("payer", "")
        rows.append([f"<b>{escape(map_label(inv.get('type', ''), lang))}</b>"
                     + (f"<br><small>{escape(extra)}</small>" if extra else ""),
                     escape(str(where)), escape(str(inv.get("start_year", ""))), _cost_cell(inv, "one_off", len(cells), lang),
                     _cost_cell(inv, "yearly", len(cells), lang), escape(payer), _source_cell(inv, lang)])
    return table_html(list(pick(REPORT_TEXTS["inv_cols"], lang)), rows, "investments")


def _investment_payers(manifest: dict, window, lang: str, inhabitants: pd.Series | None) -> str:
    """Yearly investment spending per payer, per inhabitant, over the window, from the resolved scenarios
    (per inhabitant of each year, as the model's cost indicators are)."""
    from sim.model.neighbourhoods import investment_cost_by_payer
    from sim.model.parameters import make_params

    lo, hi = window
    rows, payers = [], ORGANISATIONS
    for s in manifest["scenarios"]:
        r = s.get("resolved") or {}
        start = r.get("municipality", {}).get("inhabitants")
        if not start or lo is None:
            continue
        per_year = {p: [] for p in payers}
        rate = make_params(r.get("parameters") or {}).discount_rate_costs
        for year in range(int(lo), int(hi) + 1):
            n = inhabitants.get((s["name"], year), start) if inhabitants is not None else start
            spent = investment_cost_by_payer(r.get("investments") or [], year, rate)   # as the model books it
            for p in payers:
                per_year[p].append(spent.get(p, 0.0) / n)
        rows.append([escape(s["name"])] + [number_html("", sum(v) / len(v), lang) for p, v in per_year.items()])
    head = [escape(label("scenario", lang))] + [escape(label(p, lang)) for p in payers]
    return table_html(head, rows, "wide") if rows else ""


def _ledger_section(folder: Path, order, window, n_rep, lang: str) -> str:
    """Who pays and who saves (ledger_summary.csv, evaluation.csv of the folder): NPV and break-even year per
    party, the split-incentive paragraph and the economic evaluation; empty without a ledger."""
    from sim.workshop.comparison import ledger_markdown
    files = [folder / "ledger_summary.csv", folder / "evaluation.csv"]
    if len(order) < 2 or not all(f.is_file() for f in files):
        return ""
    from sim.analysis.deciding_effects import DECIDING_COLUMNS
    from sim.analysis.ledger import SUMMARY_COLUMNS
    need = {files[0]: set(SUMMARY_COLUMNS), files[1]: {"scenario", "outcome", "mean", "p5", "p95"},
            folder / "breakeven_scales.csv": {"scenario", "party", "breakeven_scale"},
            folder / "deciding_effects.csv": set(DECIDING_COLUMNS)}
    tables = {}
    for f, columns in need.items():
        if not f.is_file():
            continue
        try:
            df = pd.read_csv(f)
        except Exception as exc:  # any unreadable table: one line, no traceback
            raise InputError(f"{f}: expected a table written by `langerthuis compare`, found "
                             f"{' '.join(str(exc).split())[:80] or 'unreadable'}") from None
        numeric = columns - {"scenario", "party", "outcome", "effect", "basis"}
        bad = [c for c in numeric if c in df and not pd.api.types.is_numeric_dtype(df[c])]
        if not columns <= set(df.columns) or bad:
            raise InputError(f"{f}: expected columns {', '.join(sorted(columns))} (numbers in "
                             f"{', '.join(sorted(numeric))}), found {', '.join(map(str, df.columns))[:80]}")
        tables[f] = df
    summary, evaluation = tables[files[0]], tables[files[1]]
    scales = tables.get(folder / "breakeven_scales.csv")
    from sim.analysis.ledger import PARTIES
    if summary.groupby("scenario").party.apply(lambda p: sorted(p) != sorted(PARTIES)).any():
        raise InputError(f"{files[0]}: expected one row per scenario and party ({', '.join(PARTIES)}), found "
                         f"{', '.join(map(str, dict.fromkeys(summary.party)))[:80]}")
    if set(summary.scenario) != set(order[1:]) or set(evaluation.scenario) != set(order[1:]):
        raise InputError(f"{files[0]}: expected the scenarios {', '.join(order[1:])}, found "
                         f"{', '.join(map(str, dict.fromkeys(summary.scenario)))[:80]}")
    md = ledger_markdown(summary, evaluation, order, window, n_rep, lang, scales,
                         tables.get(folder / "deciding_effects.csv"), npv_table=False)
    html, rows = [], []
    for line in md.splitlines() + [""]:
        if line.startswith("|"):
            if not set(line) <= set("|- "):
                rows.append([escape(c.strip()) for c in line.strip("|").split("|")])
            continue
        if rows:
            html.append(table_html(rows[0], rows[1:], "wide"))
            rows = []
        if line.startswith("### "):
            html.append(f"<h3>{escape(line[4:])}</h3>")
        elif line.startswith("## "):
            html.append(f"<h3>{escape(line[3:])}</h3>")
        elif line.strip():
            html.append(f"<p class='note'>{escape(line)}</p>")
    return (f"<section id='ledger'><h2>{escape(label('ledger_section', lang))}</h2><p class='note'>"
            f"{t('ledger_in_summary', lang)}</p>" + "".join(html[1:]) + "</section>")


def build_html(folder, lang: str | None = None) -> str:
    """The report of a compare folder as one self-contained HTML page (in ``lang``, else the comparison's)."""
    folder = Path(folder)
    manifest, table, figures = read_results(folder)
    lang = lang or (manifest.get("language") if manifest.get("language") in LANGUAGES else "en")
    order = list(dict.fromkeys(table.scenario))
    window = manifest.get("window") or {}
    lo = window.get("from_year", table["from_year"].iloc[0] if "from_year" in table else None)
    hi = window.get("to_year", table["to_year"].iloc[0] if "to_year" in table else None)
    years = f"{lo}–{hi}" if lo is not None else "?"
    n_rep = int(table["replicates"].max()) if "replicates" in table else manifest["scenarios"][0].get("replicates", "?")

    parts = [f"<h1>{t('title', lang)}: {escape(', '.join(order))}</h1>",
             summary_section(folder, manifest, table, lang, (lo, hi)),
             f"<section id='question'><h2>{t('question_h', lang)}</h2><p>{t('question', lang)}</p></section>",
             _scenarios_section(manifest, order[0], lang),
             _outcomes_section(table, order, years, n_rep, lang),
             _costs_section(folder, manifest, table, order, (lo, hi), lang),
             _ledger_section(folder, order, (lo, hi), n_rep, lang),
             area_report.html(folder, lang),   # the effect per area, when the folder has it
             f"<section id='figures'><h2>{t('figures_h', lang)}</h2>"
             f"{figures_html(folder, manifest, table, figures, lang, (lo, hi))}</section>",
             f"<section id='caveats'><h2>{t('caveats_h', lang)}</h2><ul>"
             + "".join(f"<li>{escape(c)}</li>" for c in caveats(lang)) + "</ul></section>",
             _manifest_section(manifest, years, lang)]
    made = t("made", lang, day=date.today().isoformat(), version=sim.__version__, folder=folder.name)
    return page(lang, t("title", lang), parts, made)


def _scenarios_section(manifest: dict, first: str, lang: str) -> str:
    """Each scenario: its description, inhabitants, years, seed and replicates, and its investments."""
    parts = [f"<section id='scenarios'><h2>{t('scenarios_h', lang)}</h2>"]
    for s in manifest["scenarios"]:
        r = s.get("resolved") or {}
        facts = t("facts", lang, inhabitants=number_html("", r.get("municipality", {}).get("inhabitants", 0), lang),
                  years=f"{r.get('start_year')}–{r.get('end_year')}", seed=s.get("seed"),
                  n=count(s.get("replicates") or 0, "replicate", lang))
        ref = f" <small>({t('reference', lang)})</small>" if s["name"] == first else ""
        parts.append(f"<h3>{escape(s['name'])}{ref}</h3><p>{escape(describe(s, lang))}<br>"
                     f"<small>{escape(facts)}; {escape(str(s.get('file') or ''))}</small></p>{_investments(s, lang)}")
    return "\n".join(parts + ["</section>"])


def describe(s: dict, lang: str) -> str:
    """A scenario of the manifest described in the report's language (labels.describe_scenario)."""
    from sim.workshop.labels import describe_scenario
    r = dict(s.get("resolved") or {}, name=s["name"], _file=s.get("file") or "")
    return describe_scenario(r, lang)


def _has_differences(table: pd.DataFrame, order: list) -> bool:
    return {"diff_mean", "diff_p5", "diff_p95"} <= set(table.columns) and len(order) > 1


def _outcomes_section(table: pd.DataFrame, order: list, years: str, n_rep, lang: str) -> str:
    """The key outcomes with their intervals, and their paired differences from the first scenario."""
    key = [o for o in dict.fromkeys(table.outcome) if o not in COSTS + PER_MONTH]
    parts = [f"<section id='outcomes'><h2>{t('outcomes_h', lang)}</h2>"
             f"<p class='note'>{t('outcomes_note', lang, years=years, n=count(n_rep, 'replicate', lang), interval=interval_name(n_rep, lang))}</p>"
             f"<h3>{t('values', lang)}</h3>{wide_table(table, key, order, 'mean', 'p5', 'p95', lang)}"]
    if _has_differences(table, order):
        parts.append(f"<h3>{escape(t('diff_h', lang, first=order[0]))}</h3>"
                     f"{wide_table(table, key, order[1:], 'diff_mean', 'diff_p5', 'diff_p95', lang)}")
    return "\n".join(parts + ["</section>"])


def _costs_section(folder: Path, manifest: dict, table: pd.DataFrame, order: list, window, lang: str) -> str:
    """Costs by payer (and their differences), who pays for the investments, the cost per month gained."""
    parts = [f"<section id='costs'><h2>{t('costs_by_payer', lang)}</h2><p class='note'>{t('costs_note', lang)}</p>"
             f"{wide_table(table, COSTS, order, 'mean', 'p5', 'p95', lang)}"]
    if len(order) > 1:   # the differences per party are the summary's money table (one sign convention)
        parts.append(f"<p class='note'>{t('costs_diff_note', lang)}</p>")
    payers = _investment_payers(manifest, window, lang, inhabitants_by_year(folder))
    if payers:
        parts.append(f"<h3>{t('inv_payer_h', lang)}</h3>{payers}")
    if table.outcome.isin(PER_MONTH).any() and len(order) > 1:
        parts.append(f"<h3>{t('title_per_month', lang)}</h3>"
                     f"{wide_table(table, PER_MONTH, order[1:], 'mean', 'p5', 'p95', lang)}")
    return "\n".join(parts + ["</section>"])


def _manifest_section(manifest: dict, years: str, lang: str) -> str:
    """How the results were made: version, commit, command, window, pairing, versions, the scenario files."""
    facts = [("version", manifest.get("version")), ("git commit", manifest.get("git_commit")),
             ("command", manifest.get("command")), ("window", years),
             ("pairing", (manifest.get("pairing") or {}).get("note")),
             ("python / numpy / numba / mesa",
              " / ".join(str(manifest.get(k)) for k in ("python", "numpy", "numba", "mesa"))),
             ("wall time (s)", manifest.get("wall_time_s"))]
    facts += [(f"scenario {s['name']}", f"hash {s.get('scenario_hash')}; file {s.get('file')} "
               f"(sha256 {s.get('file_sha256')})") for s in manifest["scenarios"]]
    return (f"<section id='manifest'><h2>{t('manifest_h', lang)}</h2>"
            f"<p class='note'>{t('manifest_note', lang)}</p>"
            + table_html(["", ""], [[escape(k), escape(str(v))] for k, v in facts if v is not None])
            + f"<details><summary>{t('full_manifest', lang)}</summary><pre>"
            + escape(json.dumps(manifest, indent=1, ensure_ascii=False)) + "</pre></details></section>")


def figures_html(folder: Path, manifest: dict, table: pd.DataFrame, figures: list[Path], lang: str, window) -> str:
    """The comparison's figures, drawn again in the report's language when compare ran in another one (from the
    folder's own tables, so the numbers are the same); the folder's PNG files otherwise."""
    if manifest.get("language", "en") == lang or not (folder / "indicators.parquet").is_file():
        return "".join(figure_html(p) for p in figures)
    import io

    from sim.workshop.figures import comparison, pyplot

    indicators = pd.read_parquet(folder / "indicators.parquet")
    order = list(dict.fromkeys(table.scenario))
    drawn = {"timeseries.png": comparison.fig_timeseries(indicators, order, window, lang),
             "differences.png": comparison.fig_differences(table, order, window, lang),
             "costs_by_payer.png": comparison.fig_costs(table, order, window, lang)}
    if (folder / "neighbourhoods.parquet").is_file():
        cells = pd.read_parquet(folder / "neighbourhoods.parquet")
        drawn["maps.png"] = comparison.fig_maps(cells, order, int(cells.year.max()) if "year" in cells else
                                                int(window[1]), lang)
    drawn.update(_ledger_figures(folder, order, window, lang))
    out = []
    for name, fig in drawn.items():
        buf = io.BytesIO()
        fig.savefig(buf, format="png", dpi=110, metadata={"Software": f"langerthuis {sim.__version__}"})
        pyplot().close(fig)
        data = base64.b64encode(buf.getvalue()).decode("ascii")
        out.append(f'<figure><img src="data:image/png;base64,{data}" alt="{escape(Path(name).stem)}">'
                   f"<figcaption>{escape(name)}</figcaption></figure>")
    done = set(drawn)
    out += [figure_html(p) for p in figures if p.name not in done]     # any other figure as it is
    return "".join(out)


def _ledger_figures(folder: Path, order, window, lang: str) -> dict:
    """ledger.png, breakeven.png and deciding_effects.png drawn again in ``lang`` from the folder's ledger tables; a figure whose
    tables are missing or not of the ledger's shape stays the folder's own PNG."""
    from sim.analysis.ledger import LEDGER_COLUMNS, SUMMARY_COLUMNS
    from sim.workshop.figures import comparison

    def table(name, columns):
        path = folder / name
        if not path.is_file():
            return None
        try:
            df = pd.read_csv(path)
        except (ValueError, OSError, UnicodeDecodeError):
            return None
        return df if set(columns) <= set(df.columns) else None

    drawn = {}
    ledger, summary = table("ledger.csv", LEDGER_COLUMNS), table("ledger_summary.csv", SUMMARY_COLUMNS)
    if ledger is not None and summary is not None and len(ledger) and len(order) > 1:
        drawn["ledger.png"] = comparison.fig_ledger(ledger, summary, order, window, lang)
    breakeven = table("breakeven.csv", ("scenario",))
    if breakeven is not None and len(breakeven):
        drawn["breakeven.png"] = comparison.fig_breakeven(breakeven, lang)
    from sim.analysis.deciding_effects import DECIDING_COLUMNS
    deciding = table("deciding_effects.csv", DECIDING_COLUMNS)
    if deciding is not None and len(deciding):
        drawn["deciding_effects.png"] = comparison.fig_deciding(deciding, lang)
    return drawn

