"""The main column's result cards: progress and errors, the headline numbers, who pays, the ledger, the key
outcomes, the map, the time series, the differences and the downloads; and the out-of-date warning."""
from __future__ import annotations

from html import escape

import pandas as pd
import solara

from solara.lab import task

from sim.workshop.app import jobs
from sim.workshop.app.actions import run_all, start_run
from sim.workshop.app.errors import room_error
from sim.workshop.app.handout import handout_folder, make_handout
from sim.workshop.app.choices import MAP_VALUES, SERIES_CHOICES, years_text
from sim.workshop.app.numbers import area_effect, headline, km_of, ledger_of, window_outcomes
from sim.workshop.app.state import (Cancelled, base_choice, cancelled, chosen, confirm, current_levers, error,
                                    from_cache, lang, map_value, plain_too, series_choice, shown, shown_meta, status,
                                    warm, warm_ready)
from sim.workshop.app.tables import (area_html, csv_text, differences, eur_amount, ledger_html, named_cells,
                                    outcomes_html)
from sim.workshop.outcomes import KEY_INDICATORS, party_costs, party_summary, result_window
from sim.workshop.figures.maps import map_png
from sim.workshop.figures.room import difference_png, ledger_png, series_png
from sim.workshop.labels import cell_names, fmt_eur, fmt_points, fmt_value, interval_name, map_label as label
from sim.workshop.labels import app_text as t


@solara.component
def Preparing():
    """Until the model is compiled (issue 29: the server warms Numba's cache when it starts) the page says so and
    Run and the questions wait (disabled): the first question is answered by a warm kernel, never by one that
    compiles while the room waits without being told."""
    def wait():
        warm["done"].wait()
        warm_ready.set(True)
    solara.use_thread(wait, dependencies=[])
    if not warm_ready.value:
        with solara.Div(classes=["lt-preparing"]):
            solara.ProgressLinear(True)
            solara.Text(t("preparing", lang.value), classes=["lt-status"])


@solara.component
def Progress():
    L = lang.value
    with solara.Div(classes=["lt-progress"]):
        if run_all.pending:
            solara.ProgressLinear(run_all.progress if run_all.progress else True)
            solara.Text(status.value or (t("warming", L) if not warm["done"].is_set() else "…"), classes=["lt-status"])
        elif run_all.error and isinstance(run_all.exception, Cancelled) or cancelled.value and not run_all.pending \
                and shown.value is None:
            solara.Text(t("cancelled", L), classes=["lt-status", "lt-cancelled"])
        elif run_all.error and not isinstance(run_all.exception, Cancelled):
            solara.Error(room_error(run_all.exception, L))
        elif shown.value:
            solara.Text(t("from_cache", L) if from_cache.value else t("ready", L), classes=["lt-status", "lt-ready"])
        else:
            solara.Text(t("idle", L), classes=["lt-status"])
        if confirm.value:
            with solara.Row(classes=["lt-confirm"]):
                solara.Warning(confirm.value)
                solara.Button(t("run_anyway", L), on_click=lambda: start_run(confirmed=True), classes=["lt-run-anyway"])
        if error.value:
            with solara.Div(classes=["lt-error"]):
                solara.Error(error.value)


@solara.component
def Headline(table, costs, name, base, window, km=None):
    """The three numbers of one comparison, each with its interval named by the shared rule (a 90 % interval from
    enough runs, else the spread of the runs: ``interval_name``), as the report names it; the unmet need's
    difference in percentage points."""
    L = lang.value
    h = headline(table, costs, name, base, window, km)
    months, unmet, cost = h["months"], h["unmet"], h["cost"]
    interval = interval_name(int(table[table.scenario == name].replicate.nunique()), L)
    with solara.Card(t("headline", L, name=name, base=base, years=years_text(window)), classes=["lt-headline-card"]):
        solara.HTML("div", "".join(
            f'<div class="lt-number"><div class="big">{escape(big)}</div><div class="what">{escape(what)}</div>'
            f'<div class="range">{escape(rng)}</div></div>' for big, what, rng in (
                (fmt_value("x", months[0], L, True), t("h_months", L),
                 f"{interval}: {fmt_value('x', months[1], L, True)} – {fmt_value('x', months[2], L, True)}"),
                (fmt_points(unmet[0], L), t("h_unmet", L),
                 f"{interval}: {fmt_points(unmet[1], L)} – {fmt_points(unmet[2], L)}"),
                (fmt_eur(cost[0], L, signed=True), t("h_cost", L),
                 f"{interval}: {fmt_eur(cost[1], L, signed=True)} – {fmt_eur(cost[2], L, signed=True)}"))),
            classes=["lt-headline"])


@solara.component
def Results(results: dict):
    """The result cards of the shown runs; figures and tables are memoised, so moving a lever redraws none."""
    L = lang.value
    key = tuple(r.scenario["_hash"] for r in results.values())
    table = solara.use_memo(lambda: pd.concat([r.table for r in results.values()], ignore_index=True), [key])
    names = list(results)
    base = base_choice.value if base_choice.value in names else names[0]
    scenarios = {n: r.scenario for n, r in results.items()}
    window = result_window(scenarios)
    indicators = [i for i in series_choice.value if i in SERIES_CHOICES] or [KEY_INDICATORS[0]]

    map_image = solara.use_memo(lambda: map_png(results, map_value.value, L), [key, map_value.value, L])
    series_image = solara.use_memo(lambda: series_png(table, indicators, L), [key, tuple(indicators), L])
    diff_image = solara.use_memo(lambda: difference_png(table, indicators, base, L), [key, tuple(indicators), base, L])
    costs = solara.use_memo(lambda: party_costs(table, scenarios, window), [key])
    parties = solara.use_memo(lambda: party_summary(costs, base), [key, base])     # costs_by_party.csv only
    km = solara.use_memo(lambda: km_of(results, window), [key])
    outcomes = solara.use_memo(lambda: window_outcomes(table, base, window, km=km), [key, base])
    order = [base] + [n for n in names if n != base]
    ledger = solara.use_memo(lambda: ledger_of(results, order, window), [key, base])
    ledger_image = solara.use_memo(lambda: ledger_png(ledger["ledger"], order, L) if ledger else None, [key, base, L])

    for name in names:
        if name != base:
            Headline(table, costs, name, base, window, km)
    for name in names:
        if name != base:
            AreaEffect(results, name, base)
    _ledger_card(ledger, ledger_image, order, window, outcomes, L)
    with solara.Card(t("outcomes", L, years=years_text(window)), classes=["lt-outcomes-card"]):
        solara.HTML("div", outcomes_html(outcomes, L), classes=["lt-table-wrap"])
    _figure_cards(map_image, series_image, diff_image, indicators, names, base, L)
    images = [("map.png", map_image), ("time_series.png", series_image), ("difference.png", diff_image)] + ([("ledger.png", ledger_image)] if ledger else [])
    tables = [("indicators.csv", table), ("key_outcomes.csv", outcomes),
              ("costs_by_party.csv", parties.assign(from_year=window[0], to_year=window[1]))]
    if ledger:      # the files `langerthuis compare` writes, with the same columns
        tables += [("ledger.csv", ledger["ledger"]), ("ledger_summary.csv", ledger["summary"].assign(
            from_year=window[0], to_year=window[1]))]
    _downloads(results, images, tables, L)
    Handout(results)


@solara.component
def AreaEffect(results: dict, name: str, base: str):
    """The effect where it is built: the neighbourhoods of the scenario's local investments beside the whole
    town (nothing for a town-wide scenario)."""
    L = lang.value
    key = (tuple(r.scenario["_hash"] for r in results.values()), name, base)
    effect = solara.use_memo(lambda: area_effect(results, name, base), [key])
    if effect is None:
        return
    names = cell_names(results[name].scenario)     # a real municipality's wijken, else 'Noord 2'
    where = ", ".join(names[c] for c in effect["cells"][:6]) + (" …" if len(effect["cells"]) > 6 else "")
    with solara.Card(t("area_effect", L, name=name, base=base, year=effect["year"]), classes=["lt-area-card"]):
        solara.HTML("div", area_html(effect, where, L), classes=["lt-table-wrap"])
        solara.Text(t("area_cost", L, one_off=eur_amount(effect["one_off"], L), yearly=eur_amount(effect["yearly"], L)),
                    classes=["lt-help"])


@task
def handout_task(results: dict, key: str, lang: str):
    return make_handout(results, key, lang)


@solara.component
def Handout(results: dict):
    """The handout of the comparison on screen in the room's language (the report: one-page summary first),
    and the comparison's table it takes its numbers from."""
    L = lang.value
    scenarios = [r.scenario for r in results.values()]
    key = jobs.run_key(scenarios)
    html = handout_folder(key, L).with_name(f"{key}-{L}.html")
    slug = (shown_meta.value or {}).get("slug") or "workshop"
    with solara.Card(t("handout", L), subtitle=t("handout_note", L), classes=["lt-handout"]):
        if handout_task.pending:
            solara.ProgressLinear(True)
            solara.Text(t("handout_making", L), classes=["lt-handout-status"])
        elif html.is_file():
            csv = handout_folder(key, L) / "comparison.csv"
            with solara.Row(style={"flex-wrap": "wrap"}):
                with solara.Div(classes=["lt-handout-download"]):
                    solara.FileDownload(lambda: html.read_bytes(), filename=f"{t('handout_file', L)}_{slug}.html",
                                        label=t("handout_download", L), mime_type="text/html")
                if html.with_suffix(".pdf").is_file():
                    with solara.Div(classes=["lt-handout-pdf"]):
                        solara.FileDownload(lambda: html.with_suffix(".pdf").read_bytes(),
                                            filename=f"{t('handout_file', L)}_{slug}.pdf", label="PDF",
                                            mime_type="application/pdf")
                with solara.Div(classes=["lt-handout-csv"]):
                    solara.FileDownload(lambda: csv.read_bytes(), filename="comparison.csv", label="comparison.csv",
                                        mime_type="text/csv")
        else:
            if handout_task.error:
                solara.Error(room_error(handout_task.exception, L))
            solara.Button(t("handout_make", L), on_click=lambda: handout_task(results, key, L),
                          classes=["lt-handout-make"], icon_name="mdi-file-document")


def _ledger_card(ledger, ledger_image, order: list, window, outcomes, L):
    """Who pays and who saves, the app's one money picture: the six parties against the base (the ledger's
    figure and the report's money table, positive = better off), or why there is no ledger."""
    base = order[0]
    with solara.Card(t("ledger", L, years=years_text(window)), classes=["lt-ledger-card"]):
        if ledger is None:
            solara.Text(t("ledger_needs_two" if len(order) < 2 else "ledger_old", L), classes=["lt-help"])
        else:
            n_rep = int(ledger["summary"].replicates.max())
            solara.Text(t("ledger_note", L, base=base, years=years_text(window), y0=window[0], n=n_rep),
                        classes=["lt-help"])
            solara.Image(ledger_image, classes=["lt-ledger"])
            solara.HTML("div", ledger_html(ledger, order, window, L, differences(outcomes)), classes=["lt-table-wrap"])


def _figure_cards(map_image, series_image, diff_image, indicators: list, names: list, base: str, L):
    """The map, the time series and the differences from the base, each with its choice."""
    with solara.Card(t("map", L), subtitle=t("map_note", L), classes=["lt-map-card"]):
        with solara.Div(classes=["lt-map-value"]):
            solara.Select(t("map_value", L), values=[label(v, L) for v in MAP_VALUES], value=label(map_value.value, L),
                          on_value=lambda k: map_value.set({label(v, L): v for v in MAP_VALUES}.get(k, map_value.value)))
        solara.Image(map_image, classes=["lt-map"])
    with solara.Card(t("series", L), classes=["lt-series-card"]):
        with solara.Div(classes=["lt-series-choice"]):
            solara.SelectMultiple(t("indicators", L), values=[label(i, L) for i in indicators],
                                  all_values=[label(i, L) for i in SERIES_CHOICES],
                                  on_value=lambda ks: series_choice.set(
                                      [i for i in SERIES_CHOICES if label(i, L) in ks]))
        solara.Image(series_image, classes=["lt-series"])
    with solara.Card(t("diff", L), subtitle=t("diff_note", L), classes=["lt-diff-card"]):
        with solara.Div(classes=["lt-base"]):
            solara.Select(t("base", L), values=names, value=base, on_value=base_choice.set)
        solara.Image(diff_image, classes=["lt-diff"])


def _downloads(results: dict, images: list, tables: list, L):
    """Every figure as PNG and every table as CSV (with the neighbourhoods), each table with the levers it was
    made with."""
    with solara.Card(t("downloads", L), classes=["lt-downloads"]):
        meta = shown_meta.value or {}
        levers = meta.get("levers")
        settings_row = {"variant": meta.get("name", ""), "chosen": " ".join(meta.get("chosen") or []),
                        **({f"lever_{k}": v for k, v in levers.__dict__.items()} if levers else {})}
        cells = pd.concat([named_cells(r.cells).assign(scenario=n) for n, r in results.items()], ignore_index=True)
        tables = tables[:3] + [("neighbourhoods.csv", cells)] + tables[3:]
        with solara.Row(style={"flex-wrap": "wrap"}):
            for name, data in images:
                solara.FileDownload(data, filename=name, label=name, mime_type="image/png")
            for name, frame in tables:
                # every download records the levers it was made with (one column each)
                solara.FileDownload(lambda frame=frame: csv_text(frame.assign(**settings_row), L), filename=name,
                                    label=name, mime_type="text/csv")


@solara.component
def Stale():
    """A warning when the side panel no longer matches the shown results (its own component, so that moving a
    lever re-renders only this and the panel, not the figures)."""
    meta = shown_meta.value or {}
    if shown.value and meta.get("plain_too") is not None and (
            meta.get("chosen") != list(chosen.value) or meta.get("levers") != current_levers()
            or meta.get("plain_too") != plain_too.value):
        with solara.Div(classes=["lt-stale"]):
            solara.Warning(t("stale", lang.value))

