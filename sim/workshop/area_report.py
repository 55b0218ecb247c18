"""The effect per area in the report and on the map (issue 26): the tables ``areas_comparison.csv`` and
``ledger_areas.csv`` of a comparison folder (sim/analysis/area_effects.py) as HTML, and the wijk map of the
effect on months at home after indication (real municipalities only, sim/workshop/figures/wijken.py)."""
from __future__ import annotations

from html import escape
from pathlib import Path

import pandas as pd

from sim.workshop.labels import AREA_TEXTS as TEXT, count, fmt_eur, fmt_value, interval_name

SHOWN = ("months_independent_after_indication", "unmet_need_share", "intramural_admissions_per_1000",
         "informal_care_hours", "carers_overburdened_share", "cost_total_complete_per_capita", "wsg")
MAP_FILE = "map_wijken_effect.png"


def effect_map(c, folder) -> str | None:
    """Write MAP_FILE in ``folder``: each wijk coloured by the paired effect of the second scenario on months
    at home after indication, the first scenario's areas outlined; None when not on real wijken."""
    from sim.model import municipality_layout
    from sim.analysis import area_effects
    from sim.analysis.compare import interval_kind
    from sim.workshop.figures.wijken import wijk_map
    first = c.scenarios[0]
    if len(c.order) < 2 or not municipality_layout.is_real(first):
        return None
    place = municipality_layout.place(first["municipality"]["code"])
    effects = area_effects.area_effects(c.areas, c.order[:2], c.window, place.codes, interval_kind)
    months = effects[effects.outcome == "months_independent_after_indication"]
    areas = {name: [place.codes[int(x)] for x, _ in cells] for name, cells in first["areas"].items()}
    values = dict(zip(months.area, months.effect_mean))
    top = max([abs(v) for v in values.values() if v == v] + [1e-9])   # a diverging scale centred on no effect
    wijk_map(Path(folder) / MAP_FILE, place.geojson(), values, areas=areas, vmin=-top, vmax=top,
             names={w.code: w.name for w in place.wijken}, lang="en", cmap="RdBu",
             value_label=f"months at home after indication, {c.order[1]} - {c.order[0]}",
             title=f"{place.name}: effect per wijk, {c.window[0]}-{c.window[1]}")
    return MAP_FILE


def manifest_note(c) -> dict:
    """The manifest's ``data`` entry (CBS credit, assumptions, gaps) when the comparison runs on real wijken."""
    from sim.model import municipality_layout
    return municipality_layout.manifest_note(c.scenarios[0])


def _fmt(outcome, x, lang: str) -> str:
    """An effect in the reader's format: a difference of shares in %-punt, 1.234,5 in Dutch, never 5.3e-05."""
    return fmt_value(outcome, None if pd.isna(x) else float(x), lang, signed=True, difference=True)


def _eur(x, lang: str) -> str:
    return fmt_eur(None if pd.isna(x) else float(x), lang, signed=True)


def _area(name: str, lang: str) -> str:
    """'all' and 'outside:centrum' in Dutch words (English keeps the table's names, as areas_comparison.csv)."""
    if lang != "nl":
        return name
    if name == "all":
        return _t("all", lang)
    return _t("outside", lang).format(area=name.split(":", 1)[1]) if name.startswith("outside:") else name


def _table(head, rows) -> str:
    return ("<table class='wide'><tr>" + "".join(f"<th>{escape(h)}</th>" for h in head) + "</tr>"
            + "".join("<tr>" + "".join(f"<td>{escape(str(v))}</td>" for v in r) + "</tr>" for r in rows) + "</table>")


def _t(key, lang) -> str:
    return TEXT[key][lang == "nl"]


def _label(key, lang) -> str:
    from sim.workshop.labels import label
    return _t(key, lang) if key in TEXT else label(key, lang)


def _tables(effects: pd.DataFrame, ledger: pd.DataFrame, lang: str) -> tuple[list, list, str]:
    """(effect rows, money rows, note) in the reader's words and formats; money in the ledger's sign."""
    n = int(effects.replicates.max())
    shown = effects[effects.outcome.isin(SHOWN)]
    rows = [[_area(r.area, lang), _label(r.outcome, lang), r.scenario, _fmt(r.outcome, r.effect_mean, lang),
             f"{_fmt(r.outcome, r.effect_p5, lang)} … {_fmt(r.outcome, r.effect_p95, lang)}"]
            for r in shown.itertuples()]
    # the ledger's sign (positive: better off): the area table holds what a party spends more, so it turns
    money = [[_area(r.area, lang), _label(r.party, lang), r.scenario, _eur(-r.difference_mean, lang),
              f"{_eur(-r.difference_p95, lang)} … {_eur(-r.difference_p5, lang)}"] for r in ledger.itertuples()]
    note = _t("note", lang).format(lo=int(effects.from_year.iloc[0]), hi=int(effects.to_year.iloc[0]),
                                   n=count(n, "replicate", lang), kind=interval_name(n, lang))
    return rows, money, note


def markdown(effects: pd.DataFrame, ledger: pd.DataFrame, lang: str, note: str = "") -> str:
    """The effect per area as a markdown section of a Dutch comparison.md (English: area_effects.markdown)."""
    if not len(effects):
        return ""
    rows, money, text = _tables(effects, ledger, lang)
    table = lambda head, body: ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)] + [
        "| " + " | ".join(map(str, r)) + " |" for r in body]
    lines = [f"## {_t('title', lang)}", "", text, ""] + table(TEXT["head"][lang == "nl"], rows)
    lines += ["", f"### {_t('ledger', lang)}", ""] + table(TEXT["head_ledger"][lang == "nl"], money)
    return "\n".join(lines + (["", note] if note else [])) + "\n"


def html(folder, lang: str = "en") -> str:
    """The report's section "Effect per area" from the folder's tables; empty when it has none."""
    folder = Path(folder)
    files = folder / "areas_comparison.csv", folder / "ledger_areas.csv"
    if not all(f.is_file() for f in files):
        return ""
    effects, ledger = (pd.read_csv(f) for f in files)
    if not len(effects):
        return ""
    rows, money, note = _tables(effects, ledger, lang)
    return (f"<section id='areas'><h2>{escape(_t('title', lang))}</h2><p class='note'>{escape(note)}</p>"
            + _table(TEXT["head"][lang == "nl"], rows) + f"<h3>{escape(_t('ledger', lang))}</h3>"
            + _table(TEXT["head_ledger"][lang == "nl"], money) + _credit(folder, lang) + "</section>")


def _credit(folder: Path, lang: str = "en") -> str:
    """The CBS credit and the synthetic facilities, when the folder's scenarios run on real wijken."""
    import json
    from sim.model import cbs, municipality_layout
    try:
        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return ""
    if not any("code" in ((s.get("resolved") or {}).get("municipality") or {}) for s in manifest.get("scenarios", [])):
        return ""
    lang = "nl" if lang == "nl" else "en"
    return f"<p class='note'>{escape(municipality_layout.FACILITIES_NOTE[lang])} {escape(cbs.credit(lang))}.</p>"
