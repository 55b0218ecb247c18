"""``langerthuis report RESULTS_DIR --out report.html``: one self-contained HTML handout of a
``langerthuis compare`` folder, for participants after a workshop.

Sections: the question; the scenarios and their investments (manifest.json); key outcomes with their
intervals and the differences from the first scenario (comparison.csv); costs by payer; the figures
(PNG files of the folder, embedded as base64); what the model does not include; the manifest.
Nothing is fetched from elsewhere: the file opens offline and can be mailed as it is.
"""
from __future__ import annotations

import base64
import json
import math
import os
from datetime import date
from html import escape
from pathlib import Path

import pandas as pd

import sim
from sim.errors import InputError
from sim.studies.compare import COST_OUTCOMES, COST_PER_MONTH, interval_kind
from sim.workshop.labels import LANGUAGES, ORGANISATIONS, PAYERS, TEXTS, fmt_eur_million, fmt_value, label
from sim.output import REPORT_SIGNATURE
from sim.model.loader import InputFileError, read_text, short
from sim.model.neighbourhoods import DOSE

REQUIRED_COLUMNS = {"scenario", "outcome", "mean", "p5", "p95"}
COSTS = COST_OUTCOMES
PER_MONTH = ("extra_cost_eur", "extra_months_at_home", COST_PER_MONTH)

TEXT = {
    "title": ("Langer thuis: scenario comparison", "Langer thuis: vergelijking van scenario's"),
    "question_h": ("The question", "De vraag"),
    "question": ("What do investments in a woonservicegebied (housing, care and welfare organised together in a "
                 "neighbourhood) change for older people who live at home longer since the long-term care reform "
                 "of 2013-2016, and who pays for it? The model simulates a municipality's residents aged 65+ and "
                 "adults with a long-term care package month by month, under the scenarios below.",
                 "Wat veranderen investeringen in een woonservicegebied (wonen, zorg en welzijn samen georganiseerd "
                 "in een wijk) voor ouderen die sinds de hervorming van de langdurige zorg (2013-2016) langer thuis "
                 "wonen, en wie betaalt daarvoor? Het model simuleert per maand de 65-plussers en de volwassenen met "
                 "een indicatie voor langdurige zorg van een gemeente, onder de scenario's hieronder."),
    "scenarios_h": ("Scenarios and their investments", "Scenario's en hun investeringen"),
    "facts": ("{inhabitants} inhabitants, {years}, seed {seed}, {n} replicates",
              "{inhabitants} inwoners, {years}, seed {seed}, {n} herhalingen"),
    "reference": ("the reference: differences are taken from this scenario",
                  "de referentie: verschillen zijn ten opzichte van dit scenario"),
    "no_investments": ("no investments", "geen investeringen"),
    "inv_cols": (("investment", "where", "from", "one-off (EUR)", "yearly (EUR)", "payer", "source"),
                 ("investering", "waar", "vanaf", "eenmalig (EUR)", "per jaar (EUR)", "betaler", "bron")),
    "cells": ("{n} cells", "{n} cellen"),
    "all_cells": ("whole municipality", "hele gemeente"),
    "outcomes_h": ("Key outcomes", "Belangrijkste uitkomsten"),
    "outcomes_note": ("Years {years}. Each cell: mean over {n} replicates with its 90 % interval (5th-95th "
                      "percentile) in brackets ({interval}). Unless the comparison ran with --fixed-effects, every "
                      "replicate draws the uncertain effect sizes from their priors, so the intervals hold what we do "
                      "not know about the effects as well as chance variation between runs.",
                      "Jaren {years}. Per cel: gemiddelde over {n} herhalingen met het 90 %-interval (5e-95e "
                      "percentiel) tussen haken ({interval}). Tenzij de vergelijking met --fixed-effects liep, trekt "
                      "elke herhaling de onzekere effectgroottes uit hun a-priori-verdeling, zodat de intervallen "
                      "ook tonen wat we over de effecten niet weten, naast toevalsvariatie tussen de runs."),
    "diff_h": ("Difference from {first} (paired per replicate)", "Verschil met {first} (gepaard per herhaling)"),
    "costs_note": ("Euros per inhabitant per year (prices of 2015), mean over the years compared. Care is paid by "
                   "the Wlz (care offices), the Wmo (municipality) and the Zvw (health insurers); investments by "
                   "the payer each scenario names.",
                   "Euro per inwoner per jaar (prijzen 2015), gemiddeld over de vergeleken jaren. Zorg wordt betaald "
                   "uit de Wlz (zorgkantoren), de Wmo (gemeente) en de Zvw (zorgverzekeraars); investeringen door de "
                   "betaler die het scenario noemt."),
    "inv_payer_h": ("Who pays for the investments (EUR per inhabitant per year)",
                    "Wie betaalt de investeringen (EUR per inwoner per jaar)"),
    "figures_h": ("Figures", "Figuren"),
    "caveats_h": ("What the model does not include", "Wat het model niet bevat"),
    "manifest_h": ("Manifest: how these results were made", "Manifest: hoe deze resultaten zijn gemaakt"),
    "manifest_note": ("Rerun with the same version, scenario files and seeds to get the same numbers.",
                      "Met dezelfde versie, scenariobestanden en seeds geeft een nieuwe run dezelfde getallen."),
    "full_manifest": ("the full manifest.json", "het volledige manifest.json"),
    "made": ("Made on {day} with langerthuis {version} from {folder}.", "Gemaakt op {day} met langerthuis "
             "{version} uit {folder}."),
}


def t(key, lang, **fields):
    """The report's text, or a text shared with the other outputs (sim.workshop.labels.TEXTS)."""
    value = (TEXT.get(key) or TEXTS[key])[LANGUAGES.index(lang)]
    return value.format(**fields) if fields else value


def caveats(lang: str) -> list[str]:
    """What the model leaves out, in plain words; the share of assumed parameters counted from the model."""
    from sim.model.parameters import parameter_sources

    sources = parameter_sources()
    assumed = sum(1 for s in sources.values() if s.startswith("assumption"))
    en = [
        "No explicit housing market: prices, waiting lists for social housing, new building and moving between "
        "municipalities are not modelled. Residents can only move into a free adapted dwelling in their own "
        "neighbourhood; the number of inhabitants follows the national path.",
        "People with a VG, LG, ZG or GGZ package keep the package level they entered with; only older people's "
        "VV levels change with their need.",
        f"Many parameters are assumptions: {assumed} of the {len(sources)} model parameters have no direct source "
        "(sim/model/parameters.yaml lists each value with its source or assumption). The effects of woonservicegebied "
        "building blocks are partly sized by assumption; a Rotterdam study found no effect of a comparable "
        "approach on quality of life.",
        "Investment costs are the scenario files' own estimates, in euros of 2015; capital is spread over its "
        "lifetime, and the ledger discounts costs at 4 % (Zorginstituut guideline 2016). Own contributions, "
        "living costs, rents and the value of informal care in the ledger rest on stated assumptions.",
        "The intervals hold chance variation between runs and the priors of the uncertain effect sizes; the "
        "other parameters are fixed (see `langerthuis sensitivity`).",
        "Only residents aged 65+ and adults with a long-term care package are simulated, in a municipality that is "
        "a scaled copy of the Dutch age structure with synthetic neighbourhoods. Care capacity is a neighbourhood "
        "team's hours shared equally by all who need care there: there is no labour market for care staff.",
        "Compare the scenarios with each other; do not read the numbers as a forecast for a real municipality.",
        "All simplifications are listed in docs/ODD.md, section 9 (for example: no widowhood, institutions without "
        "location, alarm response without a limit on responders).",
    ]
    nl = [
        "Geen expliciete woningmarkt: prijzen, wachtlijsten voor sociale huur, nieuwbouw en verhuizen tussen "
        "gemeenten zitten niet in het model. Bewoners kunnen alleen verhuizen naar een vrije aangepaste woning in de "
        "eigen buurt; het aantal inwoners volgt het landelijke verloop.",
        "Mensen met een VG-, LG-, ZG- of GGZ-indicatie houden de zorgzwaarte waarmee ze instroomden; alleen de "
        "VV-zorgzwaarte van ouderen verandert met hun zorgbehoefte.",
        f"Veel parameters zijn aannames: {assumed} van de {len(sources)} modelparameters hebben geen directe bron "
        "(sim/model/parameters.yaml noemt per waarde de bron of de aanname). De effecten van de bouwstenen van een "
        "woonservicegebied zijn deels op aanname gebaseerd; een Rotterdams onderzoek vond geen effect van een "
        "vergelijkbare aanpak op de kwaliteit van leven.",
        "Investeringskosten zijn de schattingen uit de scenariobestanden, in euro's van 2015; kapitaal is over de "
        "levensduur verdeeld en het kasboek verdisconteert kosten tegen 4 % (richtlijn Zorginstituut 2016). Eigen "
        "bijdragen, woonlasten, huren en de waarde van mantelzorg in het kasboek berusten op vermelde aannames.",
        "De intervallen tonen toevalsvariatie tussen runs en de a-priori-verdelingen van de onzekere "
        "effectgroottes; de overige parameters liggen vast (zie `langerthuis sensitivity`).",
        "Alleen 65-plussers en volwassenen met een indicatie voor langdurige zorg worden gesimuleerd, in een "
        "gemeente die een geschaalde kopie is van de Nederlandse leeftijdsopbouw, met fictieve buurten. "
        "Zorgcapaciteit is het aantal uren van een buurtteam, gelijk verdeeld over wie er zorg nodig heeft: er is "
        "geen arbeidsmarkt voor zorgpersoneel.",
        "Vergelijk de scenario's met elkaar; lees de getallen niet als voorspelling voor een echte gemeente.",
        "Alle vereenvoudigingen staan in docs/ODD.md, paragraaf 9 (bijvoorbeeld: geen verweduwing, instellingen "
        "zonder locatie, alarmopvolging zonder grens aan het aantal hulpverleners).",
    ]
    return nl if lang == "nl" else en


# ---- reading the folder ---------------------------------------------------------------------------------


MAX_MANIFEST_BYTES = 100_000_000  # a manifest holds the resolved scenarios: a few MB at most


def _number(v) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)


def _check_manifest(manifest, file: Path) -> None:
    """The parts of manifest.json the report uses have the types it needs; else a one-line InputError."""
    def fail(path, expected, found):
        raise InputFileError(str(file), path, expected, found)

    def field(d, key, path, types, expected, required=False, null_ok=False):
        """d[key] is of ``types``; it may be absent unless ``required``, null only if ``null_ok``."""
        if key not in d:
            if required:
                fail(path, expected, "nothing (the key is missing)")
            return {}
        value = d[key]
        if value is None and null_ok:
            return {}
        if not isinstance(value, types) or (isinstance(value, bool) and bool not in types):
            fail(path, expected, short(value))
        return value

    if not isinstance(manifest, dict):
        fail("", "a JSON object (a compare manifest)", type(manifest).__name__)
    scenarios = manifest.get("scenarios")
    if not isinstance(scenarios, list) or not scenarios:
        fail("scenarios", "a non-empty list of scenarios (a `langerthuis compare` manifest)", short(scenarios))
    for i, name in enumerate(field(manifest, "figures", "figures", list, "a list of file names", null_ok=True)):
        if not isinstance(name, str) or not name or "\0" in name or Path(name).name != name:
            fail(f"figures[{i}]", "the name of a file in the folder", short(name))
    window = field(manifest, "window", "window", dict, "a mapping with from_year, to_year", null_ok=True)
    for key in ("from_year", "to_year"):
        field(window, key, f"window.{key}", (int,), "a year (an integer)", null_ok=True)
    field(manifest, "pairing", "pairing", dict, "a mapping", null_ok=True)
    for i, s in enumerate(scenarios):
        where = f"scenarios[{i}]"
        if not isinstance(s, dict):
            fail(where, "a mapping with name and resolved", short(s))
        field(s, "name", f"{where}.name", str, "a scenario name (a string)", required=True)
        r = field(s, "resolved", f"{where}.resolved", dict, "a resolved scenario (a mapping)", null_ok=True)
        field(r, "description", f"{where}.resolved.description", str, "a string")
        municipality = field(r, "municipality", f"{where}.resolved.municipality", dict, "a mapping")
        field(municipality, "inhabitants", f"{where}.resolved.municipality.inhabitants", (int,), "an integer")
        grid = field(municipality, "grid", f"{where}.resolved.municipality.grid", dict, "a mapping")
        for key in ("width", "height"):
            field(grid, key, f"{where}.resolved.municipality.grid.{key}", (int,), "an integer")
        investments = field(r, "investments", f"{where}.resolved.investments", list, "a list of investments",
                            required=bool(r), null_ok=True)
        for j, inv in enumerate(investments):
            at = f"{where}.resolved.investments[{j}]"
            if not isinstance(inv, dict):
                fail(at, "an investment (a mapping)", short(inv))
            field(inv, "type", f"{at}.type", str, "a string", required=True)
            field(inv, "start_year", f"{at}.start_year", (int,), "a year", required=True)
            field(inv, "cells", f"{at}.cells", list, "a list of cells", null_ok=True)
            field(inv, "area", f"{at}.area", str, "an area name", null_ok=True)
            cost = field(inv, "cost", f"{at}.cost", dict, "a mapping with one_off, yearly, payer, source", required=True)
            for key in ("one_off", "yearly"):
                if not _number(cost.get(key)):
                    fail(f"{at}.cost.{key}", "a number", short(cost.get(key)))
            # what the investment's yearly cost is computed from (sim.model.neighbourhoods.investment_cost)
            for key in ("one_off_per_unit", "yearly_per_unit"):
                if key in cost and not _number(cost[key]):
                    fail(f"{at}.cost.{key}", "a number", short(cost[key]))
            lifetime = field(cost, "lifetime_years", f"{at}.cost.lifetime_years", (int,), "an integer from 1")
            if lifetime != {} and lifetime < 1:
                fail(f"{at}.cost.lifetime_years", "an integer from 1", short(lifetime))
            if inv["type"] in DOSE and not _number(inv.get(DOSE[inv["type"]][0])):
                fail(f"{at}.{DOSE[inv['type']][0]}", "a number (the investment's dose)", short(inv.get(DOSE[inv["type"]][0])))
            field(cost, "payer", f"{at}.cost.payer", str, "a payer", required=True)
            field(cost, "source", f"{at}.cost.source", str, "a string")


NUMERIC_COLUMNS = ("mean", "p5", "p95", "diff_mean", "diff_p5", "diff_p95", "from_year", "to_year", "replicates")


def _check_table(table: pd.DataFrame, file: Path) -> None:
    """comparison.csv: rows, text scenario and outcome, numbers where numbers are read."""
    if table.empty:
        raise InputFileError(str(file), "", "at least one row", "none")
    for column in ("scenario", "outcome"):
        bad = table[column].isna() | ~table[column].map(lambda v: isinstance(v, str))
        if bad.any():
            raise InputFileError(str(file), column, "a name in every row", short(table.loc[bad.idxmax(), column]),
                                 int(bad.to_numpy().argmax()) + 2)
    for column in NUMERIC_COLUMNS:
        if column in table and not pd.api.types.is_numeric_dtype(table[column]):
            values = pd.to_numeric(table[column], errors="coerce")
            bad = values.isna() & table[column].notna()
            row = int(bad.to_numpy().argmax())
            raise InputFileError(str(file), column, "numbers", short(table[column].iloc[row]), row + 2)
    for column in ("from_year", "to_year", "replicates"):
        if column in table and (table[column].isna().any() or not (table[column] % 1 == 0).all()):
            raise InputFileError(str(file), column, "an integer in every row", "a missing or fractional value")


def read_results(folder) -> tuple[dict, pd.DataFrame, list[Path]]:
    """(manifest, comparison table, PNG figures) of a compare folder; InputError naming what is wrong."""
    folder = Path(folder)
    expected = "a `langerthuis compare` output folder with manifest.json and comparison.csv"
    if not folder.is_dir():
        raise InputError(f"{folder}: expected {expected}, found {'a file' if folder.exists() else 'nothing'}")
    if not (folder / "manifest.json").exists():
        raise InputError(f"{folder}: expected {expected}, found no manifest.json")
    try:
        manifest = json.loads(read_text(folder / "manifest.json", "manifest", max_bytes=MAX_MANIFEST_BYTES))
    except ValueError as exc:  # JSONDecodeError, or an integer of thousands of digits
        raise InputFileError(str(folder / "manifest.json"), "", "JSON", getattr(exc, "msg", str(exc)), getattr(exc, "lineno", None)) from None
    _check_manifest(manifest, folder / "manifest.json")
    csv = folder / "comparison.csv"
    if not csv.exists():
        raise InputError(f"{folder}: expected {expected}, found no comparison.csv")
    read_text(csv, "CSV table", max_bytes=MAX_MANIFEST_BYTES)  # size, UTF-8, control characters
    try:
        table = pd.read_csv(csv)
    except (OSError, ValueError, pd.errors.ParserError) as exc:
        raise InputError(f"{csv}: expected a CSV table, found {type(exc).__name__}: "
                         f"{' '.join(str(exc).split()) or 'unreadable'}") from None
    missing = REQUIRED_COLUMNS - set(table.columns)
    if missing:
        raise InputError(f"{csv}: expected the columns {', '.join(sorted(REQUIRED_COLUMNS))}, "
                         f"found no {', '.join(sorted(missing))}")
    _check_table(table, csv)
    listed = [folder / name for name in manifest.get("figures") or [] if (folder / name).is_file()]
    figures = listed + sorted(p for p in folder.glob("*.png") if p not in listed)
    return manifest, table, figures


# ---- HTML pieces ----------------------------------------------------------------------------------------


def _table(head: list[str], rows: list[list[str]], cls: str = "") -> str:
    """Cells are HTML already (escaped by the caller)."""
    h = "".join(f"<th>{c}</th>" for c in head)
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in r) + "</tr>" for r in rows)
    return f'<table class="{cls}"><thead><tr>{h}</tr></thead><tbody>{body}</tbody></table>'


def _wide(table: pd.DataFrame, outcomes, order, value, lo, hi, lang) -> str:
    rows = []
    for outcome in outcomes:
        d = table[table.outcome == outcome].set_index("scenario")
        if d.empty:
            continue
        cells = [f"{_num(outcome, d.loc[s, value], lang)} <small>[{_num(outcome, d.loc[s, lo], lang)}; "
                 f"{_num(outcome, d.loc[s, hi], lang)}]</small>" if s in d.index else "–" for s in order]
        rows.append([escape(label(outcome, lang))] + cells)
    return _table([escape(label("outcome", lang))] + [escape(s) for s in order], rows, "wide")


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
                                    else t("cells", lang, n=len(cells)))
        extra = ", ".join(f"{k}: {v}" for k, v in inv.items()
                          if k not in ("type", "cells", "area", "start_year", "cost"))
        cost = inv.get("cost", {})
        payer = label(cost["payer"], lang) if cost.get("payer") in PAYERS else cost.get("payer", "")
        rows.append([f"<b>{escape(inv.get('type', ''))}</b>" + (f"<br><small>{escape(extra)}</small>" if extra else ""),
                     escape(str(where)), escape(str(inv.get("start_year", ""))), _num("", cost.get("one_off", 0), lang),
                     _num("", cost.get("yearly", 0), lang), escape(payer), f"<small>{escape(cost.get('source', ''))}</small>"])
    return _table(list(TEXT["inv_cols"][LANGUAGES.index(lang)]), rows, "investments")


def _inhabitants(folder: Path) -> pd.Series | None:
    """Inhabitants by (scenario, year) from indicators.parquet (the model's yearly count), if it is there."""
    try:
        t = pd.read_parquet(folder / "indicators.parquet", columns=["scenario", "year", "indicator", "value"])
    except Exception:  # optional: without it the scenario's starting inhabitants are used
        return None
    return t[t.indicator == "inhabitants"].groupby(["scenario", "year"])["value"].mean()


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
        rows.append([escape(s["name"])] + [_num("", sum(v) / len(v), lang) for p, v in per_year.items()])
    head = [escape(label("scenario", lang))] + [escape(label(p, lang)) for p in payers]
    return _table(head, rows, "wide") if rows else ""


def _ledger_section(folder: Path, order, window, n_rep, lang: str) -> str:
    """Who pays and who saves (ledger_summary.csv, evaluation.csv of the folder): NPV and break-even year per
    party, the split-incentive paragraph and the economic evaluation; empty without a ledger."""
    from sim.workshop.comparison import ledger_markdown
    files = [folder / "ledger_summary.csv", folder / "evaluation.csv"]
    if len(order) < 2 or not all(f.is_file() for f in files):
        return ""
    from sim.studies.deciding_effects import DECIDING_COLUMNS
    from sim.studies.ledger import SUMMARY_COLUMNS
    need = {files[0]: set(SUMMARY_COLUMNS), files[1]: {"scenario", "outcome", "mean", "p5", "p95"},
            folder / "breakeven_scales.csv": {"scenario", "party", "breakeven_scale"},
            folder / "deciding_effects.csv": set(DECIDING_COLUMNS)}
    tables = {}
    for f, columns in need.items():
        if not f.is_file():
            continue
        try:
            t = pd.read_csv(f)
        except Exception as exc:  # any unreadable table: one line, no traceback
            raise InputError(f"{f}: expected a table written by `langerthuis compare`, found "
                             f"{' '.join(str(exc).split())[:80] or 'unreadable'}") from None
        numeric = columns - {"scenario", "party", "outcome", "effect", "basis"}
        bad = [c for c in numeric if c in t and not pd.api.types.is_numeric_dtype(t[c])]
        if not columns <= set(t.columns) or bad:
            raise InputError(f"{f}: expected columns {', '.join(sorted(columns))} (numbers in "
                             f"{', '.join(sorted(numeric))}), found {', '.join(map(str, t.columns))[:80]}")
        tables[f] = t
    summary, evaluation = tables[files[0]], tables[files[1]]
    scales = tables.get(folder / "breakeven_scales.csv")
    from sim.studies.ledger import PARTIES
    if summary.groupby("scenario").party.apply(lambda p: sorted(p) != sorted(PARTIES)).any():
        raise InputError(f"{files[0]}: expected one row per scenario and party ({', '.join(PARTIES)}), found "
                         f"{', '.join(map(str, dict.fromkeys(summary.party)))[:80]}")
    if set(summary.scenario) != set(order[1:]) or set(evaluation.scenario) != set(order[1:]):
        raise InputError(f"{files[0]}: expected the scenarios {', '.join(order[1:])}, found "
                         f"{', '.join(map(str, dict.fromkeys(summary.scenario)))[:80]}")
    md = ledger_markdown(summary, evaluation, order, window, n_rep, lang, scales,
                         tables.get(folder / "deciding_effects.csv"))
    html, rows = [], []
    for line in md.splitlines() + [""]:
        if line.startswith("|"):
            if not set(line) <= set("|- "):
                rows.append([escape(c.strip()) for c in line.strip("|").split("|")])
            continue
        if rows:
            html.append(_table(rows[0], rows[1:], "wide"))
            rows = []
        if line.startswith("### "):
            html.append(f"<h3>{escape(line[4:])}</h3>")
        elif line.startswith("## "):
            html.append(f"<h3>{escape(line[3:])}</h3>")
        elif line.strip():
            html.append(f"<p class='note'>{escape(line)}</p>")
    return f"<section id='ledger'><h2>{escape(label('ledger_section', lang))}</h2>" + "".join(html[1:]) + "</section>"


def _figure(path: Path) -> str:
    data = base64.b64encode(path.read_bytes()).decode("ascii")
    return (f'<figure><img src="data:image/png;base64,{data}" alt="{escape(path.stem)}">'
            f"<figcaption>{escape(path.name)}</figcaption></figure>")


CSS = """
body { font-family: system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif; max-width: 1100px; margin: 2em auto;
       padding: 0 1em; color: #222; line-height: 1.45; }
h1 { font-size: 1.7em; } h2 { border-bottom: 2px solid #7b1fa2; padding-bottom: .2em; margin-top: 1.8em; }
table { border-collapse: collapse; margin: .6em 0 1.2em; font-size: .9em; }
th, td { border: 1px solid #ccc; padding: .3em .6em; text-align: left; vertical-align: top; }
th { background: #f3e5f5; } small { color: #555; }
figure { margin: 1em 0; } figure img { max-width: 100%; border: 1px solid #ddd; }
figcaption { font-size: .8em; color: #666; }
pre { background: #f6f6f6; padding: 1em; overflow-x: auto; font-size: .8em; }
.note { color: #444; font-size: .92em; }
@media print { section { page-break-inside: avoid; } #summary { page-break-after: always; } }
#summary { border: 2px solid #0072B2; padding: 0 1em .5em; } .lead { font-size: 1.15em; }
"""


def build_html(folder, lang: str | None = None) -> str:
    folder = Path(folder)
    manifest, table, figures = read_results(folder)
    lang = lang or (manifest.get("language") if manifest.get("language") in LANGUAGES else "en")
    order = list(dict.fromkeys(table.scenario))
    first = order[0]
    window = manifest.get("window") or {}
    lo = window.get("from_year", table["from_year"].iloc[0] if "from_year" in table else None)
    hi = window.get("to_year", table["to_year"].iloc[0] if "to_year" in table else None)
    years = f"{lo}–{hi}" if lo is not None else "?"
    n_rep = int(table["replicates"].max()) if "replicates" in table else manifest["scenarios"][0].get("replicates", "?")
    key = [o for o in dict.fromkeys(table.outcome) if o not in COSTS + PER_MONTH]
    has_diff = {"diff_mean", "diff_p5", "diff_p95"} <= set(table.columns)

    parts = [f"<h1>{t('title', lang)}: {escape(', '.join(order))}</h1>",
             summary_section(folder, manifest, table, lang, (lo, hi)),
             f"<section id='question'><h2>{t('question_h', lang)}</h2><p>{t('question', lang)}</p></section>",
             f"<section id='scenarios'><h2>{t('scenarios_h', lang)}</h2>"]
    for s in manifest["scenarios"]:
        r = s.get("resolved") or {}
        facts = t("facts", lang, inhabitants=_num("", r.get("municipality", {}).get("inhabitants", 0), lang),
                  years=f"{r.get('start_year')}–{r.get('end_year')}", seed=s.get("seed"), n=s.get("replicates"))
        ref = f" <small>({t('reference', lang)})</small>" if s["name"] == first else ""
        parts.append(f"<h3>{escape(s['name'])}{ref}</h3><p>{escape(r.get('description', ''))}<br>"
                     f"<small>{escape(facts)}; {escape(str(s.get('file') or ''))}</small></p>{_investments(s, lang)}")
    parts.append("</section>")

    parts.append(f"<section id='outcomes'><h2>{t('outcomes_h', lang)}</h2>"
                 f"<p class='note'>{t('outcomes_note', lang, years=years, n=n_rep, interval=interval_kind(n_rep))}</p>"
                 f"<h3>{t('values', lang)}</h3>{_wide(table, key, order, 'mean', 'p5', 'p95', lang)}")
    if has_diff and len(order) > 1:
        parts.append(f"<h3>{escape(t('diff_h', lang, first=first))}</h3>"
                     f"{_wide(table, key, order[1:], 'diff_mean', 'diff_p5', 'diff_p95', lang)}")
    parts.append("</section>")

    parts.append(f"<section id='costs'><h2>{t('costs_by_payer', lang)}</h2><p class='note'>{t('costs_note', lang)}</p>"
                 f"{_wide(table, COSTS, order, 'mean', 'p5', 'p95', lang)}")
    if has_diff and len(order) > 1:
        parts.append(f"<h3>{escape(t('diff_h', lang, first=first))}</h3>"
                     f"{_wide(table, COSTS, order[1:], 'diff_mean', 'diff_p5', 'diff_p95', lang)}")
    payers = _investment_payers(manifest, (lo, hi), lang, _inhabitants(folder))
    if payers:
        parts.append(f"<h3>{t('inv_payer_h', lang)}</h3>{payers}")
    if table.outcome.isin(PER_MONTH).any() and len(order) > 1:
        parts.append(f"<h3>{t('title_per_month', lang)}</h3>"
                     f"{_wide(table, PER_MONTH, order[1:], 'mean', 'p5', 'p95', lang)}")
    parts.append("</section>")

    parts.append(_ledger_section(folder, order, (lo, hi), n_rep, lang))
    parts.append(f"<section id='figures'><h2>{t('figures_h', lang)}</h2>"
                 f"{figures_html(folder, manifest, table, figures, lang, (lo, hi))}</section>")
    parts.append(f"<section id='caveats'><h2>{t('caveats_h', lang)}</h2><ul>"
                 + "".join(f"<li>{escape(c)}</li>" for c in caveats(lang)) + "</ul></section>")

    facts = [("version", manifest.get("version")), ("git commit", manifest.get("git_commit")),
             ("command", manifest.get("command")), ("window", years),
             ("pairing", (manifest.get("pairing") or {}).get("note")),
             ("python / numpy / numba / mesa",
              " / ".join(str(manifest.get(k)) for k in ("python", "numpy", "numba", "mesa"))),
             ("wall time (s)", manifest.get("wall_time_s"))]
    facts += [(f"scenario {s['name']}", f"hash {s.get('scenario_hash')}; file {s.get('file')} "
               f"(sha256 {s.get('file_sha256')})") for s in manifest["scenarios"]]
    parts.append(f"<section id='manifest'><h2>{t('manifest_h', lang)}</h2>"
                 f"<p class='note'>{t('manifest_note', lang)}</p>"
                 + _table(["", ""], [[escape(k), escape(str(v))] for k, v in facts if v is not None])
                 + f"<details><summary>{t('full_manifest', lang)}</summary><pre>"
                 + escape(json.dumps(manifest, indent=1, ensure_ascii=False)) + "</pre></details></section>")
    made = t("made", lang, day=date.today().isoformat(), version=sim.__version__, folder=folder.name)
    parts.append(f"<p class='note'>{escape(made)}</p>")
    return (f"<!DOCTYPE html>\n<html lang='{lang}'><head><meta charset='utf-8'>{REPORT_SIGNATURE}"
            f"<meta name='viewport' content='width=device-width, initial-scale=1'>"
            f"<title>{t('title', lang)}</title><style>{CSS}</style></head><body>\n" + "\n".join(parts)
            + "\n</body></html>\n")


def write_report(folder, out, lang: str | None = None, force: bool = False) -> Path:
    """Build the report and write it atomically: a temporary file next to ``out``, renamed when complete.
    A previous report at ``out`` is replaced only with ``force``; any other file never (sim.output.check_out)."""
    from sim.output import atomic_file, check_out
    check_out(out, "report", force, kind="file", inputs=[folder])  # before the work
    html = build_html(folder, lang)          # every input problem is raised before anything is written
    out = Path(out)
    with atomic_file(out, "report", force) as tmp:
        tmp.write_text(html, encoding="utf-8")
        os.chmod(tmp, 0o644)
    return out


def register(sub):
    p = sub.add_parser("report", help="turn a `compare` output folder into one self-contained HTML handout")
    p.add_argument("results", metavar="RESULTS_DIR", help="output folder of `langerthuis compare`")
    p.add_argument("--out", required=True, help="HTML file to write (a previous report is replaced only with --force)")
    p.add_argument("--lang", choices=LANGUAGES, help="language (default: the comparison's)")
    p.set_defaults(func=main)


def main(args) -> int:
    out = write_report(args.results, args.out, args.lang, force=getattr(args, "force", False))
    print(f"wrote {out} ({out.stat().st_size / 1e6:.1f} MB)")
    return 0


# ---- issue 15: the report's numbers in its language, its figures in its language, a one-page summary ------

def _num(outcome: str, value, lang: str) -> str:
    """A table value in the report's language: shares as percentages, Dutch 1.234,5 (sim.workshop.labels)."""
    try:
        value = float(value)
    except (TypeError, ValueError):
        return escape(str(value))
    return fmt_value(outcome, value, lang)


def figures_html(folder: Path, manifest: dict, table: pd.DataFrame, figures: list[Path], lang: str, window) -> str:
    """The comparison's figures, drawn again in the report's language when compare ran in another one (from the
    folder's own tables, so the numbers are the same); the folder's PNG files otherwise."""
    if manifest.get("language", "en") == lang or not (folder / "indicators.parquet").is_file():
        return "".join(_figure(p) for p in figures)
    import io

    from sim.workshop import comparison

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
        comparison._plt().close(fig)
        data = base64.b64encode(buf.getvalue()).decode("ascii")
        out.append(f'<figure><img src="data:image/png;base64,{data}" alt="{escape(Path(name).stem)}">'
                   f"<figcaption>{escape(name)}</figcaption></figure>")
    done = set(drawn)
    out += [_figure(p) for p in figures if p.name not in done]     # any other figure as it is
    return "".join(out)


def _ledger_figures(folder: Path, order, window, lang: str) -> dict:
    """ledger.png, breakeven.png and deciding_effects.png drawn again in ``lang`` from the folder's ledger tables; a figure whose
    tables are missing or not of the ledger's shape stays the folder's own PNG."""
    from sim.studies.ledger import LEDGER_COLUMNS, SUMMARY_COLUMNS
    from sim.workshop import comparison

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
    from sim.studies.deciding_effects import DECIDING_COLUMNS
    deciding = table("deciding_effects.csv", DECIDING_COLUMNS)
    if deciding is not None and len(deciding):
        drawn["deciding_effects.png"] = comparison.fig_deciding(deciding, lang)
    return drawn


SUMMARY = {
    "h": ("Summary for the council", "Samenvatting voor de wethouder"),
    "question": ("What changes for older people living at home, and who pays, if the municipality and its "
                 "partners invest as in {names}, compared with {first}?",
                 "Wat verandert er voor ouderen die thuis wonen, en wie betaalt, als de gemeente en haar partners "
                 "investeren zoals in {names}, vergeleken met {first}?"),
    "net_h": ("Net effect per party, EUR million a year, {years}", "Netto effect per partij, miljoen euro per jaar, {years}"),
    "net_note": ("Positive: the party is better off (pays less or saves more) than under {first}. In brackets the "
                 "90 % interval over the replicates. {source}",
                 "Positief: de partij is beter af (betaalt minder of bespaart meer) dan bij {first}. Tussen haken het "
                 "90 %-interval over de herhalingen. {source}"),
    "from_ledger": ("From the ledger (ledger.csv): yearly means, their 90 % bounds averaged over the years.",
                    "Uit het grootboek (ledger.csv): jaargemiddelden, hun 90 %-grenzen gemiddeld over de jaren."),
    "from_costs": ("From the care and investment costs of the four organisations (clients and carers are not "
                   "valued in euros in this folder).",
                   "Uit de zorg- en investeringskosten van de vier organisaties (cliënten en mantelzorgers zijn in "
                   "deze map niet in euro's gewaardeerd)."),
    "concl_h": ("Conclusions", "Conclusies"),
    "months": ("{name}: {diff} months at home after an indication compared with {first} (90 % interval {lo} to {hi}).",
               "{name}: {diff} maanden thuis na een indicatie vergeleken met {first} (90 %-interval {lo} tot {hi})."),
    "months_none": ("{name}: no clear change in the months at home after an indication (the interval {lo} to {hi} "
                    "includes no change).",
                    "{name}: geen duidelijke verandering in de maanden thuis na een indicatie (het interval {lo} tot "
                    "{hi} bevat geen verandering)."),
    "months_km": ("{name}: {diff} months at home within 10 years of a first package (Kaplan-Meier) compared with "
                  "{first} (90 % interval {lo} to {hi}).",
                  "{name}: {diff} maanden thuis binnen 10 jaar na een eerste indicatie (Kaplan-Meier) vergeleken met "
                  "{first} (90 %-interval {lo} tot {hi})."),
    "months_none_km": ("{name}: no clear change in the months at home within 10 years of a first package (Kaplan-Meier; "
                       "the interval {lo} to {hi} includes no change).",
                       "{name}: geen duidelijke verandering in de maanden thuis binnen 10 jaar na een eerste indicatie "
                       "(Kaplan-Meier; het interval {lo} tot {hi} bevat geen verandering)."),
    "who": ("{name}: {losers} pay more; {winners} are better off; all parties together {total} a year.",
            "{name}: {losers} betalen meer; {winners} zijn beter af; alle partijen samen {total} per jaar."),
    "nobody": ("nobody", "niemand"),
    "out_h": ("What the model leaves out", "Wat het model weglaat"),
}


def _s(key, lang, **fields):
    text = SUMMARY[key][LANGUAGES.index(lang)]
    return text.format(**fields) if fields else text


def party_effects(folder: Path, table: pd.DataFrame, window, order) -> tuple[pd.DataFrame, str]:
    """scenario, party, net_mean, net_p5, net_p95 (euros a year, positive = better off than the first scenario)
    and where they come from: ``ledger.csv`` of the ledger (issue 13) when the folder has it, else the four
    organisations' costs from the folder's indicators (per replicate, paired)."""
    lo, hi = window
    ledger = folder / "ledger.csv"
    if ledger.is_file():
        d = pd.read_csv(ledger)
        need = {"scenario", "party", "year", "net_mean", "net_p5", "net_p95"}
        if not need <= set(d.columns):
            raise InputError(f"{ledger}: expected columns {', '.join(sorted(need))}, found {', '.join(d.columns)}")
        from sim.workshop.appcache import ledger_window   # the app's "who pays" shows the same numbers
        out = ledger_window(d, window)
        return out[out.scenario != order[0]], "from_ledger"
    if not (folder / "indicators.parquet").is_file():
        return pd.DataFrame(columns=["scenario", "party", "net_mean", "net_p5", "net_p95"]), "from_costs"
    from sim.workshop.appcache import party_costs, party_summary
    indicators = pd.read_parquet(folder / "indicators.parquet")
    scenarios = {s["name"]: s["resolved"] for s in _manifest_scenarios(folder)}
    summary = party_summary(party_costs(indicators, scenarios, window), order[0])
    out = summary[summary.scenario != order[0]].rename(columns={"payer": "party"})
    # a cost saved is a gain: the sign turns, and so do the bounds
    out = out.assign(net_mean=-out.diff_mean, net_p5=-out.diff_high, net_p95=-out.diff_low)
    return out[["scenario", "party", "net_mean", "net_p5", "net_p95"]], "from_costs"


def _manifest_scenarios(folder: Path) -> list[dict]:
    return json.loads((folder / "manifest.json").read_text(encoding="utf-8"))["scenarios"]


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
                     + _table([escape(label("scenario", lang))] + [escape(n) for n in others], rows, "wide summary")
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
