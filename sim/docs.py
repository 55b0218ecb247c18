"""Generated parts of the model documentation (``python -m sim.docs``).

Two tables in ``docs/ODD.md`` are written by code, so that they cannot drift from the model:

* the parameter table (from ``sim/model/parameters.yaml`` through ``sim.model.parameters``), between the markers
  ``<!-- parameters:start -->`` and ``<!-- parameters:end -->``; the same table is written to
  ``docs/parameters.md``;
* the step order of one month (``sim.model.month.STEP_ORDER``), between ``<!-- steps:start -->`` and
  ``<!-- steps:end -->``;
* the investment types (``sim.model.blocks.BLOCKS``), between ``<!-- investments:start -->`` and
  ``<!-- investments:end -->``; their scenario keys likewise in ``scenarios/README.md``.

Run ``python -m sim.docs`` after changing a parameter value, the step order or an investment type;
``tests/test_docs.py`` and ``tests/test_blocks.py`` fail until the documentation is regenerated.
"""
from __future__ import annotations

import sys
from pathlib import Path

import yaml

from sim.model.parameters import footing, parameter_records, parameter_sources

ROOT = Path(__file__).resolve().parent.parent
ODD = ROOT / "docs" / "ODD.md"
PARAMETERS_MD = ROOT / "docs" / "parameters.md"
MARKERS = {"parameters": ("<!-- parameters:start -->", "<!-- parameters:end -->"),
           "steps": ("<!-- steps:start -->", "<!-- steps:end -->"),
           "investments": ("<!-- investments:start -->", "<!-- investments:end -->")}
SCENARIOS_README = ROOT / "scenarios" / "README.md"

CALIBRATION_CONFIG = ROOT / "calibration" / "config.yaml"


def format_value(value: float) -> str:
    """A parameter value as the tables show it (12 significant digits, no trailing zeros)."""
    return format(float(value), ".12g")


def _cell(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ").strip()


def calibrated_parameters() -> set[str]:
    """Model parameters that calibration/config.yaml fits (a derived free parameter moves several)."""
    from sim.model.ensemble import to_overrides
    free = (yaml.safe_load(CALIBRATION_CONFIG.read_text(encoding="utf-8")) or {}).get("parameters") or {}
    return set(to_overrides({name: 0.0 for name in free}))


def _prior(prior) -> str:
    """A prior of parameters.yaml in words: uniform low-high or triangular low-mode-high."""
    values = [format_value(x) for x in prior]
    return f"uniform {values[0]}-{values[1]}" if len(values) == 2 else f"triangular {values[0]}, mode {values[1]}, {values[2]}"


def parameter_rows() -> list[tuple[str, str, str, str, str, str]]:
    """(group, name, value, range, unit, source or assumption) for every parameter, in the file's order."""
    records, sources = parameter_records(), parameter_sources()
    return [(entry["group"], name, format_value(entry["value"]),
             f"{format_value(entry['min'])} to {format_value(entry['max'])}", entry["unit"],
             sources[name] + (f" (prior {_prior(entry['prior'])})" if "prior" in entry else ""))
            for name, entry in records.items()]


def parameter_footing(name: str, entry: dict, fitted: set[str]) -> str:
    """'calibrated' when calibration/config.yaml fits the parameter (its default's footing no longer decides its
    value in a calibrated run), else the record's own: 'source', 'set' (set by hand to a figure) or 'assumption'."""
    return "calibrated" if name in fitted else footing(entry)


def footing_counts(records: dict | None = None, fitted: set[str] | None = None) -> dict[str, int]:
    """How many parameters stand on each footing: sourced / calibrated / set / assumption, and of the
    assumptions how many have a prior (drawn per replicate, wide enough to include no effect)."""
    records = parameter_records() if records is None else records
    fitted = calibrated_parameters() if fitted is None else fitted
    kinds = {name: parameter_footing(name, e, fitted) for name, e in records.items()}
    counts = {k: sum(1 for v in kinds.values() if v == k) for k in ("source", "calibrated", "set", "assumption")}
    counts["assumption_with_prior"] = sum(1 for name, e in records.items()
                                          if kinds[name] == "assumption" and "prior" in e)
    counts["total"] = len(records)
    return counts


def parameter_counts(records: dict | None = None, fitted: set[str] | None = None) -> str:
    """One sentence: the count of parameters by footing (footing_counts)."""
    c = footing_counts(records, fitted)
    return (f"{c['total']} parameters by footing, sourced / calibrated / set / assumption: {c['source']} / "
            f"{c['calibrated']} / {c['set']} / {c['assumption']} (calibrated: fitted by calibration/config.yaml, "
            f"used by scenarios that say `parameters: calibrated`; set: set by hand to meet a published figure, whose "
            f"row in calibration/targets.csv has the role set; {c['assumption_with_prior']} of the assumptions have "
            f"a prior, drawn per replicate, that includes no effect).")


def parameter_table_markdown() -> str:
    """Markdown: one table per group of parameters.yaml (name, value, range, unit, source or assumption)."""
    lines = ["*Generated by `python -m sim.docs` from `sim/model/parameters.yaml`; do not edit by hand.*", "",
             parameter_counts(), "",
             "Units follow the file's conventions: rates are per year unless the name says `_month`, hours "
             "are per week unless the name says `_month`, money is in euros at 2015 prices; functioning, need "
             "score, network, strain and well-being are on 0..1 scales. The range is what a scenario may set "
             "(an override outside it is refused). A source that is not a citation starts with `assumption:`, or with "
             "`set by hand:` for a value set to meet a published figure (that figure is then no out-of-sample "
             "check)."]
    group = None
    for g, name, value, bounds, unit, source in parameter_rows():
        if g != group:
            group = g
            lines += ["", f"**{_cell(g)}**", "", "| parameter | value | range | unit | source or assumption |",
                      "|---|---|---|---|---|"]
        lines.append(f"| `{name}` | {value} | {bounds} | {_cell(unit)} | {_cell(source)} |")
    return "\n".join(lines) + "\n"


# where each step of STEP_ORDER is carried out (by step name; see the ODD, section 3)
STEP_WHERE = {
    "year start (January)": "model (`Neighbourhoods.set_year`, `capacity.CapacityPath.places`)",
    "inflow": "model (`population.YearInflow`)",
    "ageing and mortality": "kernel pass A",
    "decline": "kernel pass A",
    "events": "kernel pass A",
    "indications": "kernel pass A",
    "care demand": "kernel pass A",
    "access route": "kernel pass A (`access.month`), model (`WmoBudget.ratio`) and kernel pass B",
    "supply": "model (ratio) and kernel pass B",
    "informal care": "kernel pass B",
    "dwelling": "kernel pass B",
    "admission wish": "kernel pass B",
    "well-being and network": "kernel pass B",
    "moves": "kernel pass C",
    "admissions": "kernel pass C",
    "bookkeeping": "model (`_close_year`, `indicators.yearly_indicators`)",
}


def step_order_markdown() -> str:
    """Markdown table of ``sim.model.month.STEP_ORDER`` (number, step, what happens, where)."""
    from sim.model.month import STEP_ORDER

    lines = ["*Generated by `python -m sim.docs` from `sim.model.month.STEP_ORDER`; do not edit by hand.*", "",
             "| # | step | what happens | where |", "|---|---|---|---|"]
    for number, name, what in STEP_ORDER:
        lines.append(f"| {_cell(number)} | {_cell(name)} | {_cell(what)} | {STEP_WHERE.get(name, 'see `sim/model.py`')} |")
    return "\n".join(lines) + "\n"


def investment_table_markdown() -> str:
    """Markdown table of the investment types (ODD section 7.11): dose, rule, readers, downstream effects."""
    from sim.model.blocks import BLOCKS
    lines = ["*Generated by `python -m sim.docs` from `sim/model/blocks.py`; do not edit by hand.*", "",
             "| investment type | dose (no effect at) | effect on its cells | read by (`sim/model/`) | what it changes "
             "downstream (effect parameter) | payer in wsg_full |", "|---|---|---|---|---|---|"]
    for b in BLOCKS:
        dose = f"`{b.dose}` ({format_value(b.no_effect)})" if b.dose else "present (1)"
        reads = ", ".join(f"`{r}`" for r in b.reads)
        lines.append(f"| `{b.type}` | {dose} | {_cell(b.effect)} | {reads} | {_cell(b.downstream)} | "
                     f"{b.price.payer} |")
    lines += ["", "The layers only investments change, each owned by its type (section 2.2 has the others):", "",
              "| layer | type | meaning | where no investment is | kernel field | owned by |",
              "|---|---|---|---|---|---|"]
    for b in BLOCKS:
        for la in b.layers:
            kernel = f"`{la.kernel}`" if la.kernel else "derived"
            lines.append(f"| `{la.name}` | {la.dtype.__name__} | {_cell(la.meaning)} | {format_value(la.base)} | "
                         f"{kernel} | `{b.type}` |")
    return "\n".join(lines) + "\n"


def investment_keys_markdown() -> str:
    """Markdown table of every investment type's own scenario keys (scenarios/README.md)."""
    from sim.model.blocks import BLOCKS, REQUIRED
    kinds = {"int": "int", "number": "number", "choice": "string"}
    lines = ["*Generated by `python -m sim.docs` from `sim/model/blocks.py`; do not edit by hand.*", "",
             "| type | key | type | range | default | meaning |", "|---|---|---|---|---|---|"]
    for b in BLOCKS:
        if not b.keys:
            lines.append(f"| `{b.type}` | | | | | {_cell(b.summary)} |")
        for i, k in enumerate(b.keys):
            value = k.default if k.kind == "choice" else format_value(k.default) if k.default != REQUIRED else ""
            default = "required" if k.default == REQUIRED else f"`{value}`"
            dose = f"; the dose (no effect at {format_value(b.no_effect)})" if k.name == b.dose else ""
            kind = f"`{b.type}`" if i == 0 else ""
            lines.append(f"| {kind} | `{k.name}` | {kinds[k.kind]} | {k.expected_range()} | {default} | "
                         f"{_cell(k.meaning)}{dose} |")
    return "\n".join(lines) + "\n"


def replace_between(text: str, start: str, end: str, content: str) -> str:
    """``text`` with everything between the two marker lines replaced by ``content``."""
    i, j = text.find(start), text.find(end)
    if i < 0 or j < 0 or j < i:
        raise ValueError(f"markers {start} ... {end} not found (in this order)")
    return text[:i + len(start)] + "\n" + content + text[j:]


def parameters_page() -> str:
    return ("# Model parameters\n\n"
            "Every parameter of `sim/model/parameters.yaml` with its default value, range, unit and source or "
            "assumption. "
            "Scenario files may override any of them by name (`parameters: {name: value}`). The model "
            "description is in [ODD.md](ODD.md).\n\n" + parameter_table_markdown())


def main(argv: list[str] | None = None) -> int:
    text = ODD.read_text(encoding="utf-8")
    text = replace_between(text, *MARKERS["parameters"], parameter_table_markdown())
    text = replace_between(text, *MARKERS["steps"], step_order_markdown())
    text = replace_between(text, *MARKERS["investments"], investment_table_markdown())
    ODD.write_text(text, encoding="utf-8")
    PARAMETERS_MD.write_text(parameters_page(), encoding="utf-8")
    readme = SCENARIOS_README.read_text(encoding="utf-8")
    SCENARIOS_README.write_text(replace_between(readme, *MARKERS["investments"], investment_keys_markdown()),
                                encoding="utf-8")
    print(f"wrote {ODD.relative_to(ROOT)} (parameters, step order, investment types), "
          f"{PARAMETERS_MD.relative_to(ROOT)} and {SCENARIOS_README.relative_to(ROOT)} (investment types)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
