"""The page: its own two-column layout (the side panel and the main column of results and variants), the
address that follows the shown variant and language, the CSS."""
from __future__ import annotations

from html import escape

import solara

from sim.workshop.app.actions import run_all, start_run
from sim.workshop.app.address import Address
from sim.workshop.app.panel import Controls, Questions
from sim.workshop.app.results import Preparing, Progress, Results, Stale
from sim.workshop.app.state import lang, panel_open, shown, warm_ready
from sim.workshop.app.variants import Variants
from sim.workshop.labels import app_text as t

CSS = """
.lt-scenario .v-input__details, .lt-scenario .v-messages { display: none; }
.lt-scenario .v-input--selection-controls { margin-top: 0; padding-top: 0; }
.lt-scenario label { font-size: 16px !important; color: #111 !important; }
.lt-table { border-collapse: collapse; font-size: 18px; }
.lt-parties-table td:not(:first-child) { white-space: nowrap; }
.lt-money { font-size: 17px; }
.lt-money th { font-size: 16px; white-space: normal; vertical-align: bottom; }
.lt-money td { vertical-align: top; padding: 3px 6px; }
.lt-money td small { font-size: 15px; color: #222; }
.lt-money .nw { white-space: nowrap; }
.lt-money td:first-child { min-width: 7em; }
.lt-main ul.why li, .lt-main p.note { font-size: 16px; }
.lt-table-wrap { overflow-x: auto; max-width: 100%; }
.lt-table th, .lt-table td { border-bottom: 1px solid #ddd; padding: 4px 10px; text-align: left; }
.lt-main img { width: 100%; max-width: 1000px; height: auto; }
.lt-lever .v-input__details, .lt-lever .v-messages { display: none; }
.lt-lever .v-input { margin-top: -6px; }
.lt-help { font-size: 16px; color: #222; }
.lt-cost { font-size: 16px; color: #111; background: #f4f4f4; padding: 4px 6px; margin: 2px 0 6px 0; }
.lt-headline { display: flex; flex-wrap: wrap; gap: 12px; }
.lt-number { flex: 1 1 200px; border: 2px solid #0072B2; border-radius: 6px; padding: 8px 12px; }
.lt-number .big { font-size: 34px; font-weight: bold; line-height: 1.2; }
.lt-number .what { font-size: 18px; }
.lt-number .range { font-size: 18px; color: #222; }
.lt-layout { display: flex; align-items: flex-start; width: 100%; }
.lt-side { flex: none; width: 330px; max-height: 100vh; overflow-y: auto; position: sticky; top: 0;
           padding: 0 10px 10px 4px; border-right: 1px solid #ddd; background: #fafafa; }
.lt-main { flex: 1 1 auto; min-width: 0; font-size: 18px; padding: 0 8px; }
.lt-main .v-card__subtitle, .lt-main .v-card__text, .lt-main p { font-size: 18px; }
.lt-ask.v-btn { text-transform: none !important; letter-spacing: 0 !important; font-size: 18px !important;
                height: auto !important; min-height: 40px; max-width: 100%; padding: 6px 12px !important; margin: 2px 0; }
.lt-ask .v-btn__content { white-space: normal !important; flex: 1 1 auto !important; text-align: left; max-width: 100%; }
.lt-title { margin: 0; font-size: 24px; }
.lt-swatch { display: inline-block; width: 14px; height: 14px; border: 1px solid #000; vertical-align: middle; }
.lt-split { font-size: 18px; margin: 6px 0; }
@media (max-width: 1100px) { .lt-side { width: 290px; } }   /* 1024 x 768: the figures' ticks stay >= 14 px */
.lt-run-bar { position: sticky; top: 0; z-index: 5; background: #fafafa; padding: 6px 0; }
"""


@solara.component
def Page():
    L = lang.value
    solara.Title(t("title", L))
    solara.Style(CSS)
    Address()
    # an own two-column layout rather than Solara's drawer: at 1024 px the drawer covers the page and cannot be
    # reopened; here the panel is a column that a button hides and shows, and Run stays at its top. The panel and
    # the ☰ bar are components of their own that read ``panel_open``: ☰ re-renders them, never the result cards
    # (which kept the page busy, and grey, for seconds after a run)
    with solara.Div(classes=["lt-layout"]):
        Side()
        with solara.Column(classes=["lt-main"]):
            TopBar()
            solara.HTML("p", escape(t("question", L)), classes=["lt-question"])
            Preparing()
            Questions()
            Progress()
            results = shown.value
            Stale()
            if results:
                Results(results)
            Variants()
            solara.HTML("p", f"<i>{escape(t('caveat', L))}</i>", classes=["lt-caveat"])


@solara.component
def Side():
    if panel_open.value:
        with solara.Div(classes=["lt-side"]):
            Controls()


@solara.component
def TopBar():
    L = lang.value
    with solara.Row(classes=["lt-top"], style={"align-items": "center"}):
        solara.Button(icon_name="mdi-menu", on_click=lambda: panel_open.set(not panel_open.value),
                      classes=["lt-panel-toggle"], text=True)
        if not panel_open.value:
            solara.Button(t("run", L), on_click=lambda: start_run(), color="primary",
                          disabled=run_all.pending or not warm_ready.value, classes=["lt-run-main"], icon_name="mdi-play")
        solara.HTML("h2", escape(t("title", L)), classes=["lt-title"])
