"""The handout button: the HTML report of the comparison on screen, in the room's language. The runs on screen are
not made again: their records (kept by the runs of this server, appcache.run_records) become compare's folder
(sim.workshop.report.handout.computed_comparison) and the report is rendered from it. Only runs from an earlier
server (the disk cache keeps what the page shows, not compare's records) are compared again, once: the other
language then renders the same comparison. Folder and report are kept in the cache by the runs' inputs, so a
second click comes at once."""
from __future__ import annotations

import threading
from pathlib import Path

from sim.workshop import appcache

_comparisons: dict = {}        # key -> a comparison run again for runs without records (one per inputs)
_lock = threading.Lock()


def handout_folder(key: str, lang: str) -> Path:
    return appcache.cache_dir() / "handouts" / f"{key}-{lang}"


def comparison_of(results: dict, key: str):
    """The comparison of the results on screen (name -> Result, the base first): of their records when this
    server made the runs, else run again (effect_priors=None: every scenario as the app ran it)."""
    from sim.analysis.compare import Comparison
    from sim.workshop.report.handout import computed_comparison
    records = {n: appcache.run_records(r.scenario) for n, r in results.items()}
    if all(rec is not None for rec in records.values()):
        return computed_comparison({n: (r.scenario, r.table, records[n]) for n, r in results.items()})
    with _lock:
        if key not in _comparisons:
            scenarios = [r.scenario for r in results.values()]
            _comparisons[key] = Comparison(scenarios, replicates=int(scenarios[0]["replicates"]), progress=False,
                                           effect_priors=None).run()
        return _comparisons[key]


def make_handout(results: dict, key: str, lang: str) -> Path:
    """The handout HTML of the results on screen (``key``: jobs.run_key), written once per inputs and language."""
    from sim.workshop import comparison

    folder = handout_folder(key, lang)
    out = folder.with_name(folder.name + ".html")
    if out.is_file():
        return out
    if not (folder / "comparison.csv").is_file():
        comparison.save(comparison_of(results, key), folder, lang=lang, force=True)
    return write_handout_file(folder, out, lang)


def write_handout_file(folder: Path, out: Path, lang: str) -> Path:
    """The handout (``sim.workshop.report.handout``: the report, its one-page summary first, and a PDF of it when
    a headless Chromium is there) as ``out`` and ``out`` with ``.pdf``; the HTML is renamed last, so its presence
    says the handout is complete."""
    from sim.workshop.report.handout import PDF_NAME, write_handout
    html = write_handout(folder, out.with_name(out.stem + "-files"), lang, note=lambda line: None)
    pdf = html.with_name(PDF_NAME)
    if pdf.is_file():
        pdf.replace(out.with_suffix(".pdf"))
    html.replace(out)
    return out
