"""``langerthuis report RESULTS_DIR --out report.html``: the report written atomically."""
from __future__ import annotations

import os
from pathlib import Path

from sim.workshop.labels import LANGUAGES
from sim.workshop.report.sections import build_html


def write_report(folder, out, lang: str | None = None, force: bool = False) -> Path:
    """Build the report and write it atomically: a temporary file next to ``out``, renamed when complete.
    A previous report at ``out`` is replaced only with ``force``; any other file never (sim.output.check_out)."""
    from sim.output import atomic_file, check_out
    check_out(out, "report", force, kind="file", inputs=[folder])  # before the work
    html = build_html(folder, lang)          # every input problem is raised before anything is written
    out = Path(out)
    with atomic_file(out, "report", force) as tmp:
        tmp.write_text(html, encoding="utf-8")
        os.chmod(tmp, 0o644)
    return out


def register(sub):
    p = sub.add_parser("report", help="turn a `compare` output folder into one self-contained HTML handout")
    p.add_argument("results", metavar="RESULTS_DIR", help="output folder of `langerthuis compare`")
    p.add_argument("--out", required=True, help="HTML file to write (a previous report is replaced only with --force)")
    p.add_argument("--lang", choices=LANGUAGES, default="nl",
                   help="language of the report (default nl, the workshop's; --lang en for English)")
    p.set_defaults(func=main)


def main(args) -> int:
    out = write_report(args.results, args.out, args.lang, force=getattr(args, "force", False))
    print(f"wrote {out} ({out.stat().st_size / 1e6:.1f} MB)")
    return 0

