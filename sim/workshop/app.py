"""The workshop app: a Solara page (``langerthuis app``) to choose scenarios, move the main levers, run
them (in a thread, cached) and look at the results: a map of the neighbourhoods, time series with
intervals, differences from a base scenario, costs by payer; in English or Dutch; figures and tables
to download.

Plain Solara rather than Mesa's ``SolaraViz``: SolaraViz steps one model instance interactively, while a
workshop compares finished runs of several scenarios with replicates. The model itself is the same
``mesa.Model`` (``sim.model.model.LangerThuisModel``).
"""
from __future__ import annotations

import io
from html import escape
import os
import threading
from collections import namedtuple

import matplotlib

matplotlib.use("Agg")
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import solara  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.patches import Rectangle  # noqa: E402
from solara.lab import task  # noqa: E402

import sim  # noqa: E402
from sim.workshop.appcache import (KEY_INDICATORS, PAYERS, SCENARIO_DIR, Levers, apply_levers, bands,  # noqa: E402
                          costs_by_payer, differences, key_outcomes, list_scenarios, run_cached, run_years)
from sim.errors import InputError  # noqa: E402
from sim.workshop.labels import TEXTS, label as shared_label  # noqa: E402
from sim.model.indicators import COST_PAYERS, cost_indicator  # noqa: E402
from sim.model.scenario import load_scenario  # noqa: E402

# ---- labels (en, nl) -----------------------------------------------------------------------------------

TEXT = {
    "title": ("Langer thuis: woonservicegebied workshop", "Langer thuis: workshop woonservicegebied"),
    "question": ("What do investments in a woonservicegebied change for older people living at home "
                 "after the 2013-2016 reform, and who pays?",
                 "Wat veranderen investeringen in een woonservicegebied voor ouderen die na de hervorming "
                 "van 2013-2016 thuis wonen, en wie betaalt?"),
    "scenarios": ("Scenarios", "Scenario's"),
    "levers": ("Levers (added to every chosen scenario)", "Knoppen (toegevoegd aan elk gekozen scenario)"),
    "where": ("Where is the woonservicegebied?", "Waar ligt het woonservicegebied?"),
    "all": ("the whole municipality", "de hele gemeente"),
    "cells": ("cells I list", "cellen die ik opgeef"),
    "cells_input": ("cells x,y; x,y", "cellen x,y; x,y"),
    "move": ("Move the scenario's own woonservicegebied there", "Verplaats het woonservicegebied van het scenario"),
    "start_year": ("from year", "vanaf jaar"),
    "dwellings": ("extra adapted dwellings per cell", "extra aangepaste woningen per cel"),
    "team": ("extra care-team hours per cell per month", "extra uren wijkteam per cel per maand"),
    "alarm": ("alarm response (home care on call)", "opvolging alarm (zorg op afroep)"),
    "alarm_none": ("as in the scenario", "zoals in het scenario"),
    "carer": ("carer support: strain relief (0 = none)", "mantelzorgondersteuning: ontlasting (0 = geen)"),
    "replicates": ("replicates (runs per scenario)", "herhalingen (runs per scenario)"),
    "plain_too": ("also run the scenarios without my levers", "reken de scenario's ook zonder mijn knoppen door"),
    "run": ("Run", "Doorrekenen"),
    "running": ("running", "bezig"),
    "ready": ("ready", "klaar"),
    "idle": ("Choose scenarios and press Run.", "Kies scenario's en druk op Doorrekenen."),
    "choose": ("Choose at least one scenario.", "Kies ten minste één scenario."),
    "map": ("Map of the neighbourhoods", "Kaart van de buurten"),
    "map_value": ("colour by", "kleur naar"),
    "map_note": ("last simulated year, mean over replicates; red outline: woonservicegebied",
                 "laatste gesimuleerde jaar, gemiddelde over herhalingen; rode rand: woonservicegebied"),
    "series": ("Time series (mean and 5-95 % interval over replicates)",
               "Tijdreeksen (gemiddelde en 5-95 %-interval over herhalingen)"),
    "indicators": ("indicators", "indicatoren"),
    "diff": ("Difference from the base scenario", "Verschil met het basisscenario"),
    "base": ("base scenario", "basisscenario"),
    "diff_note": ("paired by replicate (same random streams); needs two or more scenarios",
                  "gepaard per herhaling (dezelfde toevalsstromen); vraagt twee of meer scenario's"),
    "costs_note": ("mean euros per inhabitant per year over the run: care paid by each payer plus their "
                   "investments", "gemiddelde euro's per inwoner per jaar over de looptijd: zorg per betaler plus "
                   "hun investeringen"),
    "outcomes": ("Key outcomes in the last year", "Belangrijkste uitkomsten in het laatste jaar"),
    "downloads": ("Downloads", "Downloads"),
    "mean": ("mean (5-95 %)", "gemiddelde (5-95 %)"),
    "vs_base": ("difference from base", "verschil met basis"),
    "care": ("care", "zorg"),
    "investment": ("investment", "investering"),
    "caveat": ("The model has no explicit housing market; VG/LG/ZG/GGZ clients keep their package level; "
               "many parameters are assumptions (see sim/model/parameters.yaml). Compare scenarios, do not read "
               "the numbers as forecasts.",
               "Het model heeft geen expliciete woningmarkt; cliënten VG/LG/ZG/GGZ houden hun zorgzwaarte; "
               "veel parameters zijn aannames (zie sim/model/parameters.yaml). Vergelijk scenario's, lees de "
               "getallen niet als voorspelling."),
}
# indicator and payer labels come from sim.workshop.labels (shared with `compare` and `report`); these are
# the map's per-neighbourhood values
MAP_LABELS = {
    "residents_65plus": ("Residents 65+", "Inwoners 65+"),
    "falls": ("Falls", "Valincidenten"),
    "hours_needed": ("Care hours needed", "Benodigde zorguren"),
    "hours_unmet": ("Care hours unmet", "Onvervulde zorguren"),
    "wsg": ("Woonservicegebied completeness (0-1)", "Volledigheid woonservicegebied (0-1)"),
}
MAP_VALUES = ("unmet_need_share", "hours_unmet", "hours_needed", "falls", "residents_65plus", "wsg")
SERIES_CHOICES = tuple(dict.fromkeys(KEY_INDICATORS + (
    "intramural_residents_per_1000", "extramuralised_clients_per_1000", "wellbeing_mean_clients",
    "mantelzorg_hours_per_1000", "carer_breakdowns_per_1000", "moved_to_adapted_dwelling_per_1000",
    ) + tuple(cost_indicator(p) for p in COST_PAYERS)))
ALARM_CHOICES = (0, 5, 10, 15, 20, 30)


def t(key: str, lang: str) -> str:
    """The app's text, or a text shared with the other outputs (sim.workshop.labels.TEXTS)."""
    return (TEXT.get(key) or TEXTS[key])[lang == "nl"]


def label(name: str, lang: str) -> str:
    pair = MAP_LABELS.get(name)
    return pair[lang == "nl"] if pair else shared_label(name, lang)


# ---- figures (matplotlib's object API, no pyplot: figures are drawn in several sessions' threads) ------

_figure_lock = threading.Lock()   # Agg and font caches are not guaranteed thread-safe
Result = namedtuple("Result", ["scenario", "table", "cells"])


def _png(fig: Figure) -> bytes:
    buf = io.BytesIO()
    with _figure_lock:
        fig.savefig(buf, format="png", dpi=100, metadata={"Software": f"langerthuis {sim.__version__}"})
    return buf.getvalue()


def map_png(results: dict, value: str, lang: str) -> bytes:
    """One map per scenario on a common colour scale, woonservicegebied cells outlined in red."""
    n = len(results)
    fig = Figure(figsize=(3.6 * n + 1.2, 3.8), layout="constrained")
    axes = fig.subplots(1, n, squeeze=False)[0]
    means = {name: r.cells.groupby(["x", "y"], as_index=False)[[value, "wsg"]].mean() for name, r in results.items()}
    vmin = min(m[value].min() for m in means.values())
    vmax = max(max(m[value].max() for m in means.values()), vmin + 1e-9)
    for ax, (name, mean) in zip(axes, means.items()):
        grid = np.full((int(mean.y.max()) + 1, int(mean.x.max()) + 1), np.nan)
        grid[mean.y.astype(int), mean.x.astype(int)] = mean[value]
        image = ax.imshow(grid, origin="lower", cmap="viridis", vmin=vmin, vmax=vmax)
        for row in mean[mean.wsg > 0].itertuples():
            ax.add_patch(Rectangle((row.x - 0.5, row.y - 0.5), 1, 1, fill=False, edgecolor="red", linewidth=2))
        ax.set_title(name, fontsize=10)
        ax.set_xticks(range(grid.shape[1]))
        ax.set_yticks(range(grid.shape[0]))
        ax.set_xlabel("x")
        ax.set_ylabel("y")
    fig.colorbar(image, ax=list(axes), label=label(value, lang), shrink=0.9)
    return _png(fig)


def _panels(k: int):
    cols = min(k, 3)
    rows = -(-k // cols)
    fig = Figure(figsize=(4.3 * cols, 3.1 * rows + 0.6), layout="constrained")
    return fig, fig.subplots(rows, cols, squeeze=False).ravel()


def _band_plot(ax, frame: pd.DataFrame, names: list[str]):
    for i, name in enumerate(names):
        s = frame[frame.scenario == name]
        ax.plot(s.year, s["mean"], color=f"C{i}", label=name)
        ax.fill_between(s.year, s["low"], s["high"], color=f"C{i}", alpha=0.2)


def series_png(table: pd.DataFrame, indicators: list[str], lang: str) -> bytes:
    fig, axes = _panels(len(indicators))
    names = list(table.scenario.unique())
    for ax, ind in zip(axes, indicators):
        _band_plot(ax, bands(table, ind), names)
        ax.set_title(label(ind, lang), fontsize=10)
        ax.set_xlabel(t("year", lang))
    for ax in axes[len(indicators):]:
        ax.set_visible(False)
    axes[0].legend(fontsize=8)
    return _png(fig)


def difference_png(table: pd.DataFrame, indicators: list[str], base: str, lang: str) -> bytes:
    fig, axes = _panels(len(indicators))
    names = [n for n in table.scenario.unique() if n != base]
    for ax, ind in zip(axes, indicators):
        _band_plot(ax, differences(table, ind, base), names)
        ax.axhline(0, color="grey", linewidth=0.8)
        ax.set_title(label(ind, lang), fontsize=10)
        ax.set_xlabel(t("year", lang))
    for ax in axes[len(indicators):]:
        ax.set_visible(False)
    if names:
        axes[0].legend(fontsize=8, title=f"− {base}")
    return _png(fig)


def costs_png(costs: pd.DataFrame, base: str, lang: str) -> bytes:
    """Left: per scenario the yearly euros per inhabitant of each payer (care + investments), stacked.
    Right: each payer's difference from the base scenario (the totals hide it: Wlz care dominates)."""
    names = list(costs.scenario.unique())
    totals = costs.pivot(index="scenario", columns="payer", values="total").reindex(index=names, columns=PAYERS)
    others = [n for n in names if n != base]
    fig = Figure(figsize=(4.0 + 1.3 * len(names) + 2.0 * bool(others), 4.2), layout="constrained")
    axes = fig.subplots(1, 2 if others else 1, squeeze=False)[0]
    bottom = np.zeros(len(names))
    for i, payer in enumerate(PAYERS):
        axes[0].bar(names, totals[payer].to_numpy(), bottom=bottom, color=f"C{i}", label=label(payer, lang))
        bottom += totals[payer].to_numpy()
    axes[0].set_ylabel(t("eur_per_inhabitant", lang))
    axes[0].tick_params(axis="x", labelsize=8, rotation=20)
    if others:
        width = 0.8 / len(others)
        for j, name in enumerate(others):
            diff = (totals.loc[name] - totals.loc[base]).to_numpy()
            axes[1].bar(np.arange(len(PAYERS)) + (j - (len(others) - 1) / 2) * width, diff, width,
                        color=[f"C{i}" for i in range(len(PAYERS))], edgecolor="black", linewidth=0.5,
                        hatch=["", "//", "..", "xx"][j % 4], label=name)
        axes[1].axhline(0, color="grey", linewidth=0.8)
        axes[1].set_xticks(range(len(PAYERS)), [label(p, lang) for p in PAYERS], fontsize=8, rotation=20)
        axes[1].set_title(f"{t('vs_base', lang)}: {base}", fontsize=10)
        axes[1].legend(fontsize=8)
    axes[0].legend(fontsize=8, loc="lower left")
    return _png(fig)


def number(v: float) -> str:
    """Three significant digits without scientific notation (workshop readers)."""
    if abs(v) >= 1000:
        return f"{v:,.0f}"
    if abs(v) < 1e-9:   # floating-point noise of a difference that is zero
        return "0"
    return np.format_float_positional(v, precision=3, fractional=False, trim="-")


def outcomes_html(outcomes: pd.DataFrame, lang: str) -> str:
    """The key outcomes as an HTML table (not Markdown: Solara's Markdown loads a diagram library from the CDN)."""
    def fmt(m, lo, hi):
        return "" if pd.isna(m) else f"{number(m)} ({number(lo)} – {number(hi)})"
    head = "".join(f"<th>{escape(t(k, lang))}</th>" for k in ("indicators", "scenario", "mean", "vs_base"))
    rows = "".join(f"<tr><td>{escape(label(r.indicator, lang))}</td><td>{escape(r.scenario)}</td>"
                   f"<td>{fmt(r.mean, r.low, r.high)}</td><td>{fmt(r.diff_mean, r.diff_low, r.diff_high)}</td></tr>"
                   for r in outcomes.itertuples())
    return f'<table class="lt-table"><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>'


CSS = """
.lt-scenario .v-input__details { display: none; }
.lt-scenario .v-input, .lt-scenario .v-selection-control { min-height: 30px; height: 30px; }
.lt-table { border-collapse: collapse; font-size: 13px; }
.lt-table th, .lt-table td { border-bottom: 1px solid #ddd; padding: 3px 8px; text-align: left; }
.lt-main img { max-width: 100%; }
.lt-lever .v-input__details { display: none; }
.lt-lever .v-input { margin-top: -6px; }
"""


# ---- state of one browser session ----------------------------------------------------------------------

lang = solara.reactive("en")
chosen = solara.reactive(["baseline"])
where = solara.reactive("centrum")
cells_text = solara.reactive("")
move_wsg = solara.reactive(True)
start_year = solara.reactive(2016)
dwellings = solara.reactive(0)
team_hours = solara.reactive(0)
alarm = solara.reactive(0)
carer = solara.reactive(0.0)
replicates = solara.reactive(3)
plain_too = solara.reactive(True)
status = solara.reactive("")
error = solara.reactive("")
map_value = solara.reactive("unmet_need_share")
series_choice = solara.reactive(list(KEY_INDICATORS[:4]))
base_choice = solara.reactive("")


def scenario_files() -> dict:
    return list_scenarios(os.environ.get("LANGERTHUIS_SCENARIOS") or SCENARIO_DIR)


@task
def run_all(jobs: list) -> dict:
    """Run (or fetch from the cache) every job, reporting progress in simulated years of all jobs."""
    total = max(sum(run_years(s) for s in jobs), 1)
    before, results = 0, {}
    for s in jobs:
        def progress(done, s=s, before=before):
            run_all.progress = 100.0 * (before + done) / total
            status.value = f"{s['name']}: {done} / {run_years(s)}"
        status.value = s["name"]
        table, cells = run_cached(s, progress)
        before += run_years(s)
        run_all.progress = 100.0 * before / total
        results[s["name"]] = Result(s, table, cells)
    status.value = ""
    return results


def start_run():
    """Build the jobs from the choices (errors shown at once, nothing run) and start the thread."""
    error.value = ""
    if not chosen.value:
        error.value = t("choose", lang.value)
        return
    levers = Levers(where=where.value, cells=cells_text.value, move_scenario_wsg=move_wsg.value,
                    start_year=start_year.value, adapted_dwellings=dwellings.value,
                    care_team_hours=float(team_hours.value), alarm_minutes=float(alarm.value),
                    carer_support=float(carer.value), replicates=replicates.value)
    files, jobs = scenario_files(), {}
    try:
        for stem in chosen.value:
            plain = apply_levers(load_scenario(files[stem]), Levers(replicates=replicates.value,
                                                                      move_scenario_wsg=False))
            changed = apply_levers(plain, levers)
            for s in ([plain] if plain_too.value or changed["name"] == plain["name"] else []) + [changed]:
                jobs[s["name"]] = s
        # paired as in `langerthuis compare`: every run uses the first scenario's seed (common random numbers)
        seed = next(iter(jobs.values()))["seed"]
        jobs = {n: s if s["seed"] == seed else apply_levers(dict(s, seed=seed), Levers(move_scenario_wsg=False))
                for n, s in jobs.items()}
    except (InputError, KeyError) as exc:
        error.value = str(exc)
        return
    run_all(list(jobs.values()))


# ---- components ----------------------------------------------------------------------------------------


@solara.component
def Lever(name: str, text: str, value, lo, hi, step=1):
    """A slider with its label and value above it (Vuetify's side label squeezes the track)."""
    with solara.Div(classes=[f"lt-lever-{name}", "lt-lever"]):
        solara.Text(text, style={"font-size": "13px", "color": "#555"})
        slider = solara.SliderFloat if isinstance(step, float) else solara.SliderInt
        slider("", value=value, min=lo, max=hi, step=step)


@solara.component
def Controls():
    L = lang.value
    files = scenario_files()
    solara.ToggleButtonsSingle(value=lang, classes=["lt-language"],
                               children=[solara.Button("English", value="en"), solara.Button("Nederlands", value="nl")])
    solara.HTML("b", escape(t("scenarios", L)))
    for stem in files:
        def toggle(on, stem=stem):
            chosen.set([s for s in files if (s == stem and on) or (s != stem and s in chosen.value)])
        with solara.Div(classes=["lt-scenario"]):
            solara.Checkbox(label=stem, value=stem in chosen.value, on_value=toggle)
    solara.HTML("b", escape(t("levers", L)))
    areas = sorted({a for stem in chosen.value if stem in files for a in load_scenario(files[stem])["areas"]})
    places = {a: a for a in areas} | {t("all", L): "all", t("cells", L): "cells"}
    shown = {v: k for k, v in places.items()}
    with solara.Div(classes=["lt-lever-where"]):
        solara.Select(t("where", L), values=list(places), value=shown.get(where.value, t("all", L)),
                      on_value=lambda k: where.set(places[k]))
    if where.value == "cells":
        solara.InputText(t("cells_input", L), value=cells_text, classes=["lt-lever-cells"])
    solara.Checkbox(label=t("move", L), value=move_wsg)
    Lever("start", f"{t('start_year', L)}: {start_year.value}", start_year, 2011, 2040)
    Lever("dwellings", f"{t('dwellings', L)}: {dwellings.value}", dwellings, 0, 20)
    Lever("team", f"{t('team', L)}: {team_hours.value}", team_hours, 0, 100, 5)
    alarm_labels = {(t("alarm_none", L) if m == 0 else f"{m} min"): m for m in ALARM_CHOICES}
    with solara.Div(classes=["lt-lever-alarm"]):
        solara.Select(t("alarm", L), values=list(alarm_labels),
                      value={m: k for k, m in alarm_labels.items()}[alarm.value],
                      on_value=lambda k: alarm.set(alarm_labels[k]))
    Lever("carer", f"{t('carer', L)}: {carer.value:.1f}", carer, 0.0, 1.0, 0.1)
    Lever("replicates", f"{t('replicates', L)}: {replicates.value}", replicates, 1, 20)
    solara.Checkbox(label=t("plain_too", L), value=plain_too)
    solara.Button(t("run", L), on_click=start_run, color="primary", disabled=run_all.pending,
                  classes=["lt-run"], icon_name="mdi-play")


@solara.component
def Progress():
    L = lang.value
    with solara.Div(classes=["lt-progress"]):
        if run_all.pending:
            solara.ProgressLinear(run_all.progress if run_all.progress is not None else True)
            solara.Text(f"{t('running', L)}: {status.value}", classes=["lt-status"])
        elif run_all.error:
            solara.Error(str(run_all.exception))
        elif run_all.finished:
            solara.Text(t("ready", L), classes=["lt-status", "lt-ready"])
        else:
            solara.Text(t("idle", L), classes=["lt-status"])
        if error.value:
            solara.Error(error.value, classes=["lt-error"])


@solara.component
def Results(results: dict):
    L = lang.value
    key = tuple(r.scenario["_hash"] for r in results.values())
    table = solara.use_memo(lambda: pd.concat([r.table for r in results.values()], ignore_index=True), [key])
    names = list(results)
    base = base_choice.value if base_choice.value in names else names[0]
    scenarios = {n: r.scenario for n, r in results.items()}
    indicators = [i for i in series_choice.value if i in SERIES_CHOICES] or [KEY_INDICATORS[0]]

    map_image = solara.use_memo(lambda: map_png(results, map_value.value, L), [key, map_value.value, L])
    series_image = solara.use_memo(lambda: series_png(table, indicators, L), [key, tuple(indicators), L])
    diff_image = solara.use_memo(lambda: difference_png(table, indicators, base, L), [key, tuple(indicators), base, L])
    costs = solara.use_memo(lambda: costs_by_payer(table, scenarios), [key])
    costs_image = solara.use_memo(lambda: costs_png(costs, base, L), [key, base, L])
    outcomes = solara.use_memo(lambda: key_outcomes(table, base), [key, base])

    with solara.Card(t("map", L), subtitle=t("map_note", L), classes=["lt-map-card"]):
        solara.Select(t("map_value", L), values=[label(v, L) for v in MAP_VALUES], value=label(map_value.value, L),
                      on_value=lambda k: map_value.set({label(v, L): v for v in MAP_VALUES}[k]))
        solara.Image(map_image, classes=["lt-map"])
    with solara.Card(t("series", L), classes=["lt-series-card"]):
        solara.SelectMultiple(t("indicators", L), values=[label(i, L) for i in indicators],
                              all_values=[label(i, L) for i in SERIES_CHOICES],
                              on_value=lambda ks: series_choice.set(
                                  [i for i in SERIES_CHOICES if label(i, L) in ks]))
        solara.Image(series_image, classes=["lt-series"])
    with solara.Card(t("diff", L), subtitle=t("diff_note", L), classes=["lt-diff-card"]):
        solara.Select(t("base", L), values=names, value=base, on_value=base_choice.set)
        solara.Image(diff_image, classes=["lt-diff"])
    with solara.Card(t("costs_by_payer", L), subtitle=t("costs_note", L), classes=["lt-costs-card"]):
        solara.Image(costs_image, classes=["lt-costs"])
    with solara.Card(t("outcomes", L), classes=["lt-outcomes-card"]):
        solara.HTML("div", outcomes_html(outcomes, L))
    with solara.Card(t("downloads", L), classes=["lt-downloads"]):
        cells = pd.concat([r.cells.assign(scenario=n) for n, r in results.items()], ignore_index=True)
        with solara.Row(style={"flex-wrap": "wrap"}):
            for name, data in (("map.png", map_image), ("time_series.png", series_image),
                               ("difference.png", diff_image), ("costs_by_payer.png", costs_image)):
                solara.FileDownload(data, filename=name, label=name, mime_type="image/png")
            for name, frame in (("indicators.csv", table), ("key_outcomes.csv", outcomes),
                                ("costs_by_payer.csv", costs), ("neighbourhoods.csv", cells)):
                solara.FileDownload(lambda frame=frame: frame.to_csv(index=False), filename=name, label=name,
                                    mime_type="text/csv")


@solara.component
def Page():
    L = lang.value
    solara.Title(t("title", L))
    solara.Style(CSS)
    with solara.Sidebar():
        Controls()
    with solara.Column(classes=["lt-main"]):
        solara.HTML("h2", escape(t("title", L)), classes=["lt-title"])
        solara.HTML("p", escape(t("question", L)), classes=["lt-question"])
        Progress()
        results = run_all.latest
        if results:
            Results(results)
        solara.HTML("p", f"<i>{escape(t('caveat', L))}</i>", classes=["lt-caveat"])
