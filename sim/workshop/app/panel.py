"""The side panel: Run, the language, the scenarios, the levers with their tooltips and their cost before
anything runs, the replicates and the variant's name."""
from __future__ import annotations

from html import escape
from pathlib import Path

import solara

from sim.errors import InputError
from sim.model.scenario import load_scenario
from sim.workshop.app import questions
from sim.workshop.app.errors import room_error
from sim.workshop.app.actions import ask, cancel_run, run_all, start_run
from sim.model.blocks import lever_blocks
from sim.workshop.app.choices import ROUTES
from sim.workshop.app.state import (LEVER_VALUES, access_route, budget_cut, budget_from_year, cells_text, chosen,
                                    current_levers, lang, move_wsg, municipalities, municipality, plain_too,
                                    replicates, scenario_files, scenario_of,
                                    start_year, team_mandate, variant_name, warm_ready, where)
from sim.workshop.appcache import apply_levers, lever_costs
from sim.workshop.labels import (app_help, cell_names, describe_scenario, districts, fmt_number, fmt_percent,
                                 map_label as label, pick, scenario_description)
from sim.workshop.labels import app_text as t


@solara.component
def Help(key: str, tip: str | None = None, children=[]):
    """A control with its "what it does, what the evidence says" tooltip (``tip``, else the app's help text)."""
    with solara.Tooltip(tip or app_help(key, lang.value)):
        with solara.Div(classes=[f"lt-help-{key}"]):
            solara.Div(children=children)


@solara.component
def Lever(name: str, text: str, value, lo, hi, step=1, tip: str | None = None):
    """A slider with its label and value above it (Vuetify's side label squeezes the track); its tooltip is
    ``tip``, else the app's help text."""
    with solara.Tooltip(tip or app_help(name, lang.value)):
        # focusable (tabindex): a keyboard user tabbing through the sliders gets the tooltip too
        with solara.Div(classes=[f"lt-lever-{name}", "lt-lever"], attributes={"tabindex": "0"}):
            solara.Text(text, style={"font-size": "16px", "color": "#111"})
            slider = solara.SliderFloat if isinstance(step, float) else solara.SliderInt
            slider("", value=value, min=lo, max=hi, step=step)


@solara.component
def CostPreview():
    """Each lever's cost in euros, one-off and a year, and who pays, before anything runs."""
    L = lang.value
    files = scenario_files()
    if not chosen.value or chosen.value[0] not in files:
        return
    try:
        scenario = scenario_of(chosen.value[0])
        costs = lever_costs(scenario, current_levers())
        budget = apply_levers(scenario, current_levers()).get("budget") if budget_cut.value else None
    except (InputError, KeyError) as exc:
        solara.Text(room_error(exc, L), classes=["lt-cost", "lt-cost-error"])
        return
    grid = scenario["municipality"]["grid"]
    size = scenario["municipality"]["inhabitants"] / (grid["width"] * grid["height"])
    lines = [t("cost_preview", L, scenario=chosen.value[0])]
    for c in costs:
        if c["type"] == "access_route":
            lines.append(f"{t('route_cost', L, route=t('route_' + c['route'], L), year=c['from_year'])}: "
                         f"€ {fmt_number(c['yearly'], L, 0)} {t('per_year', L)} ({t('paid_by', L)} {label(c['payer'], L)})")
            continue
        money = []
        if c["one_off"]:
            money.append(f"€ {fmt_number(c['one_off'], L, 0)} {t('one_off', L)}")
        if c["yearly"]:
            money.append(f"€ {fmt_number(c['yearly'], L, 0)} {t('per_year', L)}")
        if c["by_use"]:
            money.append(t("by_use", L, amount=fmt_number(c["by_use"], L, 0)))
        lines.append(f"{label(c['type'], L)}: {', '.join(money)} ({t('paid_by', L)} {label(c['payer'], L)}; "
                     f"{t('n_cells', L, n=c['cells'], size=fmt_number(round(size, -2), L, 0))})")
    if budget and budget.get("cut") is not None:
        lines.append(t("budget_preview", L, year=budget["from_year"], before=budget["from_year"] - 1,
                       share=fmt_percent(1 - budget["cut"], L)))
    if not costs and not budget:
        lines.append(t("no_cost", L))
    solara.HTML("div", "<br>".join(escape(x) for x in lines), classes=["lt-cost"])


@solara.component
def Questions():
    """The workshop's three questions as buttons (each sets the panel and runs; the app computed them at its
    start, so the answer is usually there at once). Only the questions whose scenario files are offered."""
    L = lang.value
    files = scenario_files()
    offered = [q for q in questions.QUESTIONS if all(s in files for s in questions.SCENARIOS[q])]
    if not offered:
        return
    with solara.Row(classes=["lt-questions"], style={"flex-wrap": "wrap"}):
        for q in offered:
            letter = questions.LETTERS[q]
            with solara.Tooltip(t(f"question_{q}_help", L)):
                solara.Button(f"{letter}: {t('question_' + q, L)}", on_click=lambda q=q: ask(q),
                              disabled=run_all.pending or not warm_ready.value, classes=["lt-ask", f"lt-ask-{letter}"], outlined=True)


@solara.component
def Controls():
    """The side panel, top to bottom (helpers below draw its parts in this component: one render, no hooks)."""
    L = lang.value
    files = scenario_files()
    _run_bar(L)
    with Help("language"):
        solara.ToggleButtonsSingle(value=lang, classes=["lt-language"],
                                   children=[solara.Button("English", value="en"),
                                             solara.Button("Nederlands", value="nl")])
    _municipality_choice(files, L)
    _scenario_choice(files, L)
    solara.HTML("b", escape(t("levers", L)))
    _place_choice(files, L)
    _care_levers(L)
    solara.HTML("b", escape(t("access", L)))
    _access_levers(L)
    CostPreview()
    _run_options(L)


def _run_bar(L):
    """Run (and Cancel while a run is going), kept at the top of the panel."""
    with solara.Div(classes=["lt-run-bar"]):
        with solara.Row():
            solara.Button(t("run", L), on_click=lambda: start_run(), color="primary",
                          disabled=run_all.pending or not warm_ready.value, classes=["lt-run"], icon_name="mdi-play")
            if run_all.pending:
                solara.Button(t("cancel", L), on_click=cancel_run, classes=["lt-cancel"], icon_name="mdi-stop")


def _scenario_choice(files: dict, L):
    """A checkbox per scenario file, with its description in the room's language."""
    with Help("scenarios"):
        solara.HTML("b", escape(t("scenarios", L)))
    if municipality.value:   # the files' descriptions name their own town's size, not the chosen one's
        name = municipalities().get(municipality.value, municipality.value)
        solara.Text(t("scenarios_on", L, name=name), classes=["lt-scenarios-on"])
    for stem, path in files.items():
        def toggle(on, stem=stem):
            chosen.set([s for s in files if (s == stem and on) or (s != stem and s in chosen.value)])
        description = _description(stem, path, L)
        with solara.Div(classes=["lt-scenario", f"lt-scenario-{stem}"]):
            solara.Checkbox(label=f"{description} ({stem})", value=stem in chosen.value, on_value=toggle)


def _readable(stem):
    """The scenario on the chosen municipality, or None when its file is wrong: the panel still draws (the run
    says what is wrong, in one sentence), instead of a traceback filling the page."""
    try:
        return scenario_of(stem)
    except (InputError, KeyError):
        return None


def _municipality_choice(files: dict, L):
    """The municipality every scenario runs on: the scenarios' own first (the folder's default), then the CBS
    municipalities the loader knows, by name; kept in the address (``gm=``)."""
    known = municipalities()
    if not known:
        return
    try:      # the folder's own town: its baseline's (else its first scenario's)
        first = load_scenario(files["baseline" if "baseline" in files else next(iter(files))])["municipality"]
    except (InputError, StopIteration):
        first = {"inhabitants": 0}
    own = (known.get(first["code"], first["code"]) if first.get("code") else
           t("synthetic_town", L, n=fmt_number(first["inhabitants"], L, 0)))
    options = {t("municipality_own", L, name=own): ""} | {f"{name} ({code})": code for code, name in known.items()}
    shown_as = {v: k for k, v in options.items()}
    with Help("municipality"):
        with solara.Div(classes=["lt-municipality"]):
            # typed to find (342 names): Vuetify's autocomplete, the first option the scenarios' own town
            solara.v.Autocomplete(label=t("municipality", L), items=list(options),
                                  v_model=shown_as.get(municipality.value, next(iter(options))),
                                  on_v_model=lambda k: k in options and municipality.set(options[k]),
                                  hide_details=True, dense=True)


def _place_choice(files: dict, L):
    """Where the levers go: a scenario's area, a generated district, the whole municipality or listed
    neighbourhoods; and whether the scenario's own investments move there too."""
    loaded = {stem: _readable(stem) for stem in chosen.value if stem in files}
    areas = sorted({a for s in loaded.values() if s for a in s["areas"]})
    first = loaded.get(chosen.value[0]) if chosen.value else None
    grid = first["municipality"]["grid"] if first else {"width": 10, "height": 10}
    if first and first["municipality"].get("code"):     # a real municipality: its wijken by name
        names = {n: f"cells:{x},{y}" for (x, y), n in cell_names(first).items()}
    else:   # the generated districts ('Noord', ...), told apart from a scenario's areas ('centrum') by their size
        names = {t("district", L, name=d, n=len(cells)): "cells:" + "; ".join(f"{x},{y}" for x, y in cells)
                 for d, cells in districts(grid["width"], grid["height"]).items()}
    places = {a: a for a in areas} | {d: v for d, v in names.items()} | {t("all", L): "all", t("cells", L): "cells"}
    shown_place = {v: k for k, v in places.items()}
    current = where.value if where.value != "cells" or not cells_text.value else "cells"

    def choose_place(k):
        v = places.get(k)
        if v is None:        # an option of a list that changed meanwhile (another scenario's grid)
            return
        if v.startswith("cells:"):
            cells_text.set(v[len("cells:"):])
            where.set("cells")
        else:
            where.set(v)
    with Help("where"):
        with solara.Div(classes=["lt-lever-where"]):
            selected = shown_place.get(current, t("all", L))
            if where.value == "cells":
                match = [k for k, v in places.items() if v == "cells:" + cells_text.value.strip()]
                selected = match[0] if match else t("cells", L)
            solara.Select(t("where", L), values=list(places), value=selected, on_value=choose_place)
    if where.value == "cells":
        solara.InputText(t("cells_input", L), value=cells_text, classes=["lt-lever-cells"])
    with Help("move"):
        solara.Checkbox(label=t("move", L), value=move_wsg)


def _care_levers(L):
    """The woonservicegebied's levers: from which year, then one per building block that the registry
    (sim.model.blocks) offers as a lever, with the block's label and help text."""
    Lever("start_year", f"{t('start_year', L)}: {start_year.value}", start_year, 2011, 2040)
    for b in lever_blocks():
        _block_lever(b, L)


def _block_lever(b, L):
    """A building block's lever: a select of its choices (0: as in the scenario) or a slider."""
    lever, value, tip = b.lever, LEVER_VALUES[b.lever.field], pick(b.help, L)
    text = pick(lever.label, L)
    if lever.choices:
        unit = " min" if lever.field.endswith("_minutes") else ""
        labels = {(t("choice_none", L) if c == 0 else f"{c}{unit}"): c for c in lever.choices}
        with Help(lever.name, tip=tip):
            with solara.Div(classes=[f"lt-lever-{lever.name}"]):
                solara.Select(text, values=list(labels), value={c: k for k, c in labels.items()}[value.value],
                              on_value=lambda k: value.set(labels.get(k, value.value)))
    else:
        shown = fmt_number(value.value, L, 1) if isinstance(lever.step, float) else value.value
        Lever(lever.name, f"{text}: {shown}", value, lever.lo, lever.hi, lever.step, tip=tip)


def _access_levers(L):
    """Access to Wmo support: the route, the neighbourhood team's mandate, a budget cut and its first year."""
    route_labels = {t("route_none", L): ""} | {t(f"route_{r}", L): r for r in ROUTES}
    with Help("route"):
        with solara.Div(classes=["lt-lever-route"]):
            solara.Select(t("route", L), values=list(route_labels),
                          value={r: k for k, r in route_labels.items()}.get(access_route.value, t("route_none", L)),
                          on_value=lambda k: access_route.set(route_labels.get(k, access_route.value)))
    with Help("team_mandate"):
        solara.Checkbox(label=t("team_mandate", L), value=team_mandate)
    Lever("budget_cut", f"{t('budget_cut', L)}: {fmt_percent(budget_cut.value, L)}", budget_cut, 0.0, 0.5, 0.05)
    Lever("budget_from_year", f"{t('budget_from_year', L)}: {budget_from_year.value}", budget_from_year, 2011, 2040)


def _run_options(L):
    """Replicates (with a warning at one), the scenarios without levers too, the variant's name."""
    Lever("replicates", f"{t('replicates', L)}: {replicates.value}", replicates, 1, 20)
    if replicates.value < 2:
        with solara.Div(classes=["lt-one-replicate"]):
            solara.Warning(t("one_replicate", L), dense=True)
    with Help("plain_too"):
        solara.Checkbox(label=t("plain_too", L), value=plain_too)
    with Help("variant_name"):
        solara.InputText(t("variant_name", L), value=variant_name, classes=["lt-variant-name"])


def _description(stem, path, L) -> str:
    """The file's own description in the room's language (``description_nl`` in Dutch), read from the file itself
    so that a scenario that cannot be resolved here (a municipality whose CBS data are missing) still has one; a
    file that only extends another takes its parent's."""
    import yaml
    try:
        own = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError):
        own = {}
    if isinstance(own, dict) and (own.get("description") or own.get("description_nl")):
        return describe_scenario({**own, "_file": str(path)}, L)
    try:
        return describe_scenario(load_scenario(path), L)
    except InputError:
        return scenario_description(stem, "", L)

