"""The variants card: every run kept under a name, opened again, linked, exported and imported, and variant A
compared with variant B."""
from __future__ import annotations

from html import escape

import solara

from sim.errors import InputError
from sim.workshop import appcache
from sim.workshop.app.errors import room_error
from sim.workshop.app.actions import import_pending, import_variant, open_variant
from sim.workshop.app.choices import SERIES_CHOICES, years_text
from sim.workshop.app.numbers import ab_data
from sim.workshop.app.state import ab_choice, lang, open_choice, pending_import, series_choice, shown_meta
from sim.workshop.app.tables import differences, ledger_html, outcomes_html
from sim.workshop.outcomes import KEY_INDICATORS
from sim.workshop.figures.room import difference_png, ledger_difference_png
from sim.workshop.labels import app_text as t


@solara.component
def Variants():
    L = lang.value
    saved = appcache.list_variants()
    meta = shown_meta.value or {}
    by_label = variant_labels(saved)
    solara.use_effect(import_pending, [pending_import.value])
    with solara.Card(t("variants", L), classes=["lt-variants-card"]):
        solara.FileDrop(label=t("import", L), on_file=import_variant, lazy=False)
        if meta.get("slug"):
            solara.Text(t("shown_variant", L, name=meta["name"]), classes=["lt-shown-variant"])
            solara.HTML("div", f"{escape(t('link', L))}: <a class='lt-link' href='?variant={escape(meta['slug'])}'>"
                               f"?variant={escape(meta['slug'])}</a>")
            path = appcache.variants_dir() / f"{meta['slug']}.json"
            solara.FileDownload(lambda: path.read_bytes(), filename=f"{meta['slug']}.json", label=t("export", L),
                                mime_type="application/json")
        if saved:
            solara.HTML("div", groups_html(saved, L), classes=["lt-groups"])
            with solara.Row(classes=["lt-open"]):
                names = list(by_label)
                current = open_choice.value if open_choice.value in by_label else names[0]
                solara.Select(t("open", L), values=names, value=current, on_value=open_choice.set)
                solara.Button(t("open_button", L), on_click=lambda: open_variant(by_label[current]),
                              classes=["lt-open-button"])
        if len(saved) >= 2:
            names = list(by_label)
            a, b = ab_choice.value
            a = a if a in by_label else names[1]
            b = b if b in by_label else names[0]
            solara.HTML("b", escape(t("compare_ab", L)))
            with solara.Row(classes=["lt-ab"]):
                with solara.Div(classes=["lt-ab-a"]):
                    solara.Select(t("variant_a", L), values=names, value=a, on_value=lambda v: ab_choice.set((v, b)))
                with solara.Div(classes=["lt-ab-b"]):
                    solara.Select(t("variant_b", L), values=names, value=b, on_value=lambda v: ab_choice.set((a, v)))
            CompareAB(by_label[a], by_label[b])


def variant_labels(saved: list) -> dict:
    """label -> slug: the variant's name, with the time it was saved when another one has the same name."""
    names = [v["name"] for v in saved]
    return {(v["name"] if names.count(v["name"]) == 1 else f"{v['name']} ({v.get('saved', '')[-5:]}, {v['slug']})"):
            v["slug"] for v in saved}


def groups_html(saved: list, L: str) -> str:
    """The saved variants per group (the name typed in the side panel), newest first."""
    groups: dict = {}
    for v in saved:
        groups.setdefault(v.get("group") or "", []).append(v)
    rows = [f"<li><b>{escape(g or t('no_group', L))}</b>: "
            + ", ".join(escape(f"{v['name']} ({v.get('saved', '')[-5:]})") for v in vs) + "</li>"
            for g, vs in sorted(groups.items(), key=lambda gv: (gv[0] == "", gv[0].lower()))]
    return f"<b>{escape(t('per_group', L))}</b><ul>{''.join(rows)}</ul>"


@solara.component
def CompareAB(slug_a: str, slug_b: str):
    L = lang.value

    def compute():
        try:
            return ab_data(appcache.load_variant(slug_a), appcache.load_variant(slug_b))
        except InputError as exc:
            return room_error(exc, L)
    out = solara.use_memo(compute, [slug_a, slug_b])
    indicators = [i for i in series_choice.value if i in SERIES_CHOICES] or [KEY_INDICATORS[0]]
    diff_image = solara.use_memo(lambda: None if isinstance(out, str) else
                                 difference_png(out["table"], indicators, "A", L), [slug_a, slug_b, tuple(indicators), L])
    ledger = None if isinstance(out, str) else out["ledger"]
    ledger_image = solara.use_memo(lambda: ledger_difference_png(ledger["summary"], L) if ledger else None,
                                   [slug_a, slug_b, L])
    if isinstance(out, str):
        solara.Error(out)
        return
    window = out["window"]
    solara.Text(t("ab_note", L, years=years_text(window)), classes=["lt-help"])
    if not out["paired"]:
        solara.Warning(t("ab_unpaired", L))
    solara.HTML("div", outcomes_html(out["outcomes"], L), classes=["lt-ab-table"])
    # the yearly paired differences B − A with their bands (the indicators of the time series above)
    solara.HTML("b", escape(t("ab_series", L)))
    solara.Image(diff_image, classes=["lt-ab-diff"])
    if ledger:
        solara.HTML("b", escape(t("ab_ledger", L, years=years_text(window))))
        solara.Image(ledger_image, classes=["lt-ab-ledger"])
        solara.HTML("div", ledger_html(ledger, ["A", "B"], window, L, differences(out["outcomes"])), classes=["lt-ab-ledger-table"])

