"""``langerthuis municipalities [TEXT] [--wijken]``: the CBS codes and names a scenario can name.

Lists every Dutch municipality (KWB 2024) whose code or name contains TEXT (case-insensitive, accents
ignored) with its number of wijken and inhabitants; ``--wijken`` adds each one's wijken (code, name,
inhabitants, 65+, neighbours, missing figures). TEXT that matches nothing is a one-line error naming the
closest names, exit status 2. The data come from sim.model.cbs (``$LANGERTHUIS_CBS_DIR`` or the cache).
"""
from __future__ import annotations


def register(sub):
    p = sub.add_parser("municipalities", help="list CBS municipality codes and names (KWB 2024), filtered by TEXT")
    p.add_argument("text", nargs="?", default="", metavar="TEXT", help="part of a code or name (e.g. hengelo, GM03)")
    p.add_argument("--wijken", action="store_true", help="also list each municipality's wijken")
    p.add_argument("--lang", choices=("en", "nl"), default="en", help="language of the notes (default en)")
    p.set_defaults(func=main)


def main(args) -> int:
    from sim.model import cbs
    from sim.model.wijken import find_code, municipalities, municipality

    data = cbs.load()
    table = municipalities(args.text, data)
    if table.empty:   # raises with the closest names (an exact name would have matched)
        find_code(args.text, data, file="municipalities", key="TEXT")
    for row in table.itertuples(index=False):
        print(f"{row.code}  {row.name:<28} {row.wijken:>4} wijken {row.inhabitants:>10,} inhabitants")
        if args.wijken:
            _print_wijken(municipality(row.code, data), args.lang)
    print(f"{len(table)} municipalit{'y' if len(table) == 1 else 'ies'}. {cbs.credit(args.lang)}")
    return 0


def _print_wijken(place, lang: str) -> None:
    gaps = {}
    for gap in place.gaps:
        gaps.setdefault(gap.code, []).append(gap.text(lang))
    for w in place.wijken:
        near = " ".join(place.neighbours[w.code]) or "-"
        note = f"  [{'; '.join(gaps[w.code])}]" if w.code in gaps else ""
        print(f"    {w.code}  {w.name:<32} {w.inhabitants:>8,} inh. {w.inhabitants_65plus:>7,} 65+  "
              f"neighbours {near}{note}")
