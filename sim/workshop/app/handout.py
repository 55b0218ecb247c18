"""The handout button: the HTML report of the comparison on screen, in the room's language. The runs are made
again as `langerthuis compare` makes them (the same resolved scenarios, seeds and replicates, so the same
numbers as the app's), saved as compare's folder, and turned into the report; both kept in the cache by the runs'
inputs, so a second click, or the other language, comes at once."""
from __future__ import annotations

from pathlib import Path

from sim.workshop import appcache


def handout_folder(key: str, lang: str) -> Path:
    return appcache.cache_dir() / "handouts" / f"{key}-{lang}"


def make_handout(scenarios: list, key: str, lang: str) -> Path:
    """The handout HTML of these runs (``key``: jobs.run_key), written once per inputs and language."""
    from sim.analysis.compare import Comparison
    from sim.workshop import comparison

    folder = handout_folder(key, lang)
    out = folder.with_name(folder.name + ".html")
    if out.is_file():
        return out
    if not (folder / "comparison.csv").is_file():
        # effect_priors=None: every scenario as the app ran it (compare draws the effect sizes otherwise)
        c = Comparison(scenarios, replicates=int(scenarios[0]["replicates"]), progress=False,
                       effect_priors=None).run()
        comparison.save(c, folder, lang=lang, force=True)
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
