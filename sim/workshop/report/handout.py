"""The handout to take home (issue 27): the report of a comparison, the one-page summary first, in the room's
language, as one self-contained HTML file and, when a headless Chromium is on this computer, a PDF of it.

>>> from sim.workshop.report.handout import write_handout
>>> write_handout("results/cmp", "handout", "nl")                  # a `langerthuis compare` folder
>>> write_handout(Comparison([...]).run(), "handout", "nl")       # a comparison already run: only rendered
>>> write_handout(computed_comparison(runs), "handout", "nl")     # the app's runs on screen: only rendered
>>> write_handout([variant_a, variant_b], "handout", "nl")        # variant records of the app (appcache)

A compare folder or a run comparison is only rendered (a comparison is saved as compare's folder in
``out_dir/comparison`` first); for variants (or resolved scenarios) the scenarios are compared again, paired, as
`langerthuis compare` does. Either way the handout's numbers are the comparison.csv's.
"""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from sim.errors import InputError
from sim.workshop.labels import LANGUAGES, report_text

HTML_NAME = "handout.html"
PDF_NAME = "handout.pdf"
CHROMIUM = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
PDF_SECONDS = 120


def _scenarios(variants) -> list[dict]:
    """The resolved scenarios of variant records (appcache.variant_record: their ``results``' scenarios, in
    order, each once) or of resolved scenarios given as they are."""
    out, seen = [], set()
    for v in variants if isinstance(variants, (list, tuple)) else [variants]:
        found = [r["scenario"] for r in v["results"].values()] if isinstance(v, dict) and "results" in v else [v]
        for s in found:
            if not isinstance(s, dict) or "name" not in s:
                raise InputError(f"handout: expected variant records or resolved scenarios, found {type(s).__name__}")
            key = s.get("_hash") or repr(sorted(s.items(), key=str))
            if key not in seen:
                seen.add(key)
                out.append(s)
    if not out:
        raise InputError("handout: expected at least one variant or scenario, found none")
    return out


def comparison_folder(source, out_dir: Path, lang: str) -> Path:
    """A compare folder: the one given, or one written into ``out_dir/comparison`` from a run comparison (no run)
    or from variants (their scenarios compared again)."""
    if isinstance(source, (str, Path)):
        return Path(source)
    from sim.analysis.compare import Comparison
    from sim.workshop.comparison import save
    if isinstance(source, Comparison):
        if source.table is None:
            raise InputError("handout: expected a comparison that has run, found one that has not (call run())")
        c = source
    else:
        c = Comparison(_scenarios(source), progress=False, effect_priors=None).run()
    return save(c, out_dir / "comparison", lang=lang, force=True)


def computed_comparison(runs: dict):
    """A ``Comparison`` of runs already made, as if it had run them: ``runs`` is name -> (resolved scenario,
    indicator table of all its replicates, per replicate (cells by year, spells, areas): appcache.run_records),
    the base first, all with the first one's seed and replicates (the app's runs: jobs.jobs_for). The tables
    are put together in compare's order (replicate by replicate, the scenarios in order), so the folder is
    the one `langerthuis compare` writes of the same scenarios."""
    import pandas as pd

    from sim.analysis.compare import Comparison
    c = Comparison([s for s, _, _ in runs.values()], progress=False, effect_priors=None)
    if [s["name"] for s, _, _ in runs.values()] != c.order:
        raise InputError(f"handout: expected runs with different names, found {', '.join(runs)}")
    parts = {"table": [], "cells": [], "spells": [], "areas": []}
    for r in range(c.replicates):
        for s, table, records in runs.values():
            if records is None or len(records) <= r:
                raise InputError(f"handout: expected the records of every replicate of {s['name']}, found "
                                 f"{0 if records is None else len(records)} of {c.replicates}")
            parts["table"].append(table[table.replicate == r])
            for key, frame in zip(("cells", "spells", "areas"), records[r]):
                parts[key].append(frame)
    c.table, c.spells, c.areas = (pd.concat(parts[k], ignore_index=True) for k in ("table", "spells", "areas"))
    cells = pd.concat(parts["cells"], ignore_index=True)
    c.cells = cells[["scenario", "replicate", "year"] + [k for k in cells.columns
                                                         if k not in ("scenario", "replicate", "year")]]
    c._ledger_cache = None
    return c


def chromium() -> str | None:
    """The path of a Chromium (or Chrome) that can print a page to PDF headless, if there is one."""
    return next((p for p in map(shutil.which, CHROMIUM) if p), None)


def print_pdf(html: Path, pdf: Path) -> str | None:
    """Print ``html`` to ``pdf`` with headless Chromium; None when done, else the text key of why not."""
    browser = chromium()
    if browser is None:
        return "no_pdf_chromium"
    tmp = pdf.with_name(f".{pdf.name}.tmp")
    cmd = [browser, "--headless", "--disable-gpu", "--no-sandbox", "--no-pdf-header-footer",
           f"--print-to-pdf={tmp}", html.resolve().as_uri()]
    try:
        subprocess.run(cmd, capture_output=True, timeout=PDF_SECONDS, check=False)
    except (OSError, subprocess.TimeoutExpired):
        tmp.unlink(missing_ok=True)
        return "no_pdf_failed"
    if not tmp.is_file() or tmp.stat().st_size == 0:
        tmp.unlink(missing_ok=True)
        return "no_pdf_failed"
    tmp.replace(pdf)
    return None


def write_handout(variants_or_comparison_dir, out_dir, lang: str = "nl", note=None) -> Path:
    """Write ``out_dir/handout.html`` (the report, its one-page summary first, in ``lang``) and, when a
    headless Chromium is available, ``out_dir/handout.pdf``; return the HTML file's path.

    ``variants_or_comparison_dir``: a `langerthuis compare` output folder or a comparison that has run (both only
    rendered: ``computed_comparison`` makes one of runs already made), or a variant record of the app
    (sim.workshop.appcache.variant_record / load_variant), a list of them, or a list of resolved scenarios
    (the first is the base: compared again). ``note(line)`` is called with one line when no PDF could be made (default: the
    line goes to stderr)."""
    from sim.workshop.report.command import write_report
    if lang not in LANGUAGES:
        raise InputError(f"handout: lang: expected one of {', '.join(LANGUAGES)}, found {lang!r}")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    folder = comparison_folder(variants_or_comparison_dir, out_dir, lang)
    html = write_report(folder, out_dir / HTML_NAME, lang, force=True)
    why = print_pdf(html, out_dir / PDF_NAME)
    if why is not None:
        (note or (lambda line: print(line, file=sys.stderr)))(report_text(why, lang))
    return html
