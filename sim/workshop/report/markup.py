"""The report's HTML pieces: tables, numbers in the report's language, embedded figures, the CSS."""
from __future__ import annotations

import base64
from html import escape
from pathlib import Path

import pandas as pd

from sim.workshop.labels import fmt_value, label


def table_html(head: list[str], rows: list[list[str]], cls: str = "") -> str:
    """Cells are HTML already (escaped by the caller)."""
    h = "".join(f"<th>{c}</th>" for c in head)
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in r) + "</tr>" for r in rows)
    return f'<table class="{cls}"><thead><tr>{h}</tr></thead><tbody>{body}</tbody></table>'


def wide_table(table: pd.DataFrame, outcomes, order, value, lo, hi, lang) -> str:
    rows = []
    for outcome in outcomes:
        d = table[table.outcome == outcome].set_index("scenario")
        if d.empty:
            continue
        cells = [f"{number_html(outcome, d.loc[s, value], lang)} <small>[{number_html(outcome, d.loc[s, lo], lang)}; "
                 f"{number_html(outcome, d.loc[s, hi], lang)}]</small>" if s in d.index else "–" for s in order]
        rows.append([escape(label(outcome, lang))] + cells)
    return table_html([escape(label("outcome", lang))] + [escape(s) for s in order], rows, "wide")



def number_html(outcome: str, value, lang: str) -> str:
    """A table value in the report's language: shares as percentages, Dutch 1.234,5 (sim.workshop.labels)."""
    try:
        value = float(value)
    except (TypeError, ValueError):
        return escape(str(value))
    return fmt_value(outcome, value, lang)



def figure_html(path: Path) -> str:
    data = base64.b64encode(path.read_bytes()).decode("ascii")
    return (f'<figure><img src="data:image/png;base64,{data}" alt="{escape(path.stem)}">'
            f"<figcaption>{escape(path.name)}</figcaption></figure>")


# the page: the sections are HTML already (each escapes its own texts); the title and the footer are text
PAGE = """<!DOCTYPE html>
<html lang="{{ lang }}"><head><meta charset="utf-8">{{ signature | safe }}<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ title }}</title><style>{{ css | safe }}</style></head><body>
{% for section in sections %}{{ section | safe }}
{% endfor %}<p class="note">{{ made }}</p>
</body></html>
"""


def page(lang: str, title: str, sections: list[str], made: str) -> str:
    """The report's page from its sections (Jinja2, texts escaped, sections as they are)."""
    from jinja2 import Environment
    from sim.output import REPORT_SIGNATURE
    template = Environment(autoescape=True).from_string(PAGE)
    return template.render(lang=lang, title=title, sections=[s for s in sections if s], made=made,
                           signature=REPORT_SIGNATURE, css=CSS)


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

