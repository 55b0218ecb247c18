"""What each mechanism declares it owns: the literal ``FIELDS``, ``COUNTERS`` and ``STREAMS`` at the top of every
module in ``sim/model/mechanisms/``.

They are read from the source (``ast.literal_eval``), not imported: the mechanisms themselves import the tables
assembled from them (``state.STATE``, ``state.A``, ``rng.STREAM``), so importing them here would be a cycle.
A module that declares none of the three is no mechanism (``common.py``). The declarations:

* ``FIELDS``: ``(name, dtype, initial value, unit)`` per resident field; the initial value is a number every new
  resident starts with, or ``"drawn"`` when ``population._new_people`` draws it;
* ``COUNTERS``: the accumulator slots (``state.ACC_NAMES``) the module adds to;
* ``STREAMS``: ``{name: id}``, the random streams it draws from with their fixed ids (never renumber: ids are part
  of the results; a new stream takes the next free id).
"""
from __future__ import annotations

import ast
from functools import lru_cache
from pathlib import Path

MECHANISMS = Path(__file__).parent / "mechanisms"
DECLARED = {"FIELDS": (), "COUNTERS": (), "STREAMS": {}}


def _literals(path: Path) -> dict:
    found = {}
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and getattr(node.targets[0], "id", None) in DECLARED:
            try:
                found[node.targets[0].id] = ast.literal_eval(node.value)
            except ValueError:
                raise ValueError(f"{path}:{node.lineno}: {node.targets[0].id}: expected a literal, found an expression")
    return found


@lru_cache(maxsize=1)
def declarations() -> dict[str, dict]:
    """Mechanism module name -> its ``FIELDS``, ``COUNTERS`` and ``STREAMS``, modules in alphabetical order."""
    out = {}
    for path in sorted(MECHANISMS.glob("*.py")):
        found = _literals(path)
        if found:
            out[path.stem] = {name: found.get(name, empty) for name, empty in DECLARED.items()}
    return out
