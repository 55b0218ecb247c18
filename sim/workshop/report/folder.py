"""Reading a `langerthuis compare` folder for the report: manifest.json and comparison.csv checked (one-line
errors naming the file and the key), its PNG figures, the yearly inhabitants and the resolved scenarios."""
from __future__ import annotations

import json
import math
from pathlib import Path

import pandas as pd

from sim.errors import InputError
from sim.model.loader import InputFileError, read_text, short
from sim.model.blocks import TYPES, block

REQUIRED_COLUMNS = {"scenario", "outcome", "mean", "p5", "p95"}

MAX_MANIFEST_BYTES = 100_000_000  # a manifest holds the resolved scenarios: a few MB at most


def _number(v) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)


def _check_manifest(manifest, file: Path) -> None:
    """The parts of manifest.json the report uses have the types it needs; else a one-line InputError."""
    def fail(path, expected, found):
        raise InputFileError(str(file), path, expected, found)

    def field(d, key, path, types, expected, required=False, null_ok=False):
        """d[key] is of ``types``; it may be absent unless ``required``, null only if ``null_ok``."""
        if key not in d:
            if required:
                fail(path, expected, "nothing (the key is missing)")
            return {}
        value = d[key]
        if value is None and null_ok:
            return {}
        if not isinstance(value, types) or (isinstance(value, bool) and bool not in types):
            fail(path, expected, short(value))
        return value

    if not isinstance(manifest, dict):
        fail("", "a JSON object (a compare manifest)", type(manifest).__name__)
    scenarios = manifest.get("scenarios")
    if not isinstance(scenarios, list) or not scenarios:
        fail("scenarios", "a non-empty list of scenarios (a `langerthuis compare` manifest)", short(scenarios))
    for i, name in enumerate(field(manifest, "figures", "figures", list, "a list of file names", null_ok=True)):
        if not isinstance(name, str) or not name or "\0" in name or Path(name).name != name:
            fail(f"figures[{i}]", "the name of a file in the folder", short(name))
    window = field(manifest, "window", "window", dict, "a mapping with from_year, to_year", null_ok=True)
    for key in ("from_year", "to_year"):
        field(window, key, f"window.{key}", (int,), "a year (an integer)", null_ok=True)
    field(manifest, "pairing", "pairing", dict, "a mapping", null_ok=True)
    for i, s in enumerate(scenarios):
        where = f"scenarios[{i}]"
        if not isinstance(s, dict):
            fail(where, "a mapping with name and resolved", short(s))
        field(s, "name", f"{where}.name", str, "a scenario name (a string)", required=True)
        r = field(s, "resolved", f"{where}.resolved", dict, "a resolved scenario (a mapping)", null_ok=True)
        field(r, "description", f"{where}.resolved.description", str, "a string")
        municipality = field(r, "municipality", f"{where}.resolved.municipality", dict, "a mapping")
        field(municipality, "inhabitants", f"{where}.resolved.municipality.inhabitants", (int,), "an integer")
        grid = field(municipality, "grid", f"{where}.resolved.municipality.grid", dict, "a mapping")
        for key in ("width", "height"):
            field(grid, key, f"{where}.resolved.municipality.grid.{key}", (int,), "an integer")
        investments = field(r, "investments", f"{where}.resolved.investments", list, "a list of investments",
                            required=bool(r), null_ok=True)
        for j, inv in enumerate(investments):
            at = f"{where}.resolved.investments[{j}]"
            if not isinstance(inv, dict):
                fail(at, "an investment (a mapping)", short(inv))
            field(inv, "type", f"{at}.type", str, "a string", required=True)
            field(inv, "start_year", f"{at}.start_year", (int,), "a year", required=True)
            field(inv, "cells", f"{at}.cells", list, "a list of cells", null_ok=True)
            field(inv, "area", f"{at}.area", str, "an area name", null_ok=True)
            cost = field(inv, "cost", f"{at}.cost", dict, "a mapping with one_off, yearly, payer, source", required=True)
            for key in ("one_off", "yearly"):
                if not _number(cost.get(key)):
                    fail(f"{at}.cost.{key}", "a number", short(cost.get(key)))
            # what the investment's yearly cost is computed from (sim.model.neighbourhoods.investment_cost)
            for key in ("one_off_per_unit", "yearly_per_unit"):
                if key in cost and not _number(cost[key]):
                    fail(f"{at}.cost.{key}", "a number", short(cost[key]))
            lifetime = field(cost, "lifetime_years", f"{at}.cost.lifetime_years", (int,), "an integer from 1")
            if lifetime != {} and lifetime < 1:
                fail(f"{at}.cost.lifetime_years", "an integer from 1", short(lifetime))
            dose = block(inv["type"]).dose if inv["type"] in TYPES else None    # the registry's dose key
            if dose is not None and not _number(inv.get(dose)):
                fail(f"{at}.{dose}", "a number (the investment's dose)", short(inv.get(dose)))
            field(cost, "payer", f"{at}.cost.payer", str, "a payer", required=True)
            field(cost, "source", f"{at}.cost.source", str, "a string")


NUMERIC_COLUMNS = ("mean", "p5", "p95", "diff_mean", "diff_p5", "diff_p95", "from_year", "to_year", "replicates")


def _check_table(table: pd.DataFrame, file: Path) -> None:
    """comparison.csv: rows, text scenario and outcome, numbers where numbers are read."""
    if table.empty:
        raise InputFileError(str(file), "", "at least one row", "none")
    for column in ("scenario", "outcome"):
        bad = table[column].isna() | ~table[column].map(lambda v: isinstance(v, str))
        if bad.any():
            raise InputFileError(str(file), column, "a name in every row", short(table.loc[bad.idxmax(), column]),
                                 int(bad.to_numpy().argmax()) + 2)
    for column in NUMERIC_COLUMNS:
        if column in table and not pd.api.types.is_numeric_dtype(table[column]):
            values = pd.to_numeric(table[column], errors="coerce")
            bad = values.isna() & table[column].notna()
            row = int(bad.to_numpy().argmax())
            raise InputFileError(str(file), column, "numbers", short(table[column].iloc[row]), row + 2)
    for column in ("from_year", "to_year", "replicates"):
        if column in table and (table[column].isna().any() or not (table[column] % 1 == 0).all()):
            raise InputFileError(str(file), column, "an integer in every row", "a missing or fractional value")


def read_results(folder) -> tuple[dict, pd.DataFrame, list[Path]]:
    """(manifest, comparison table, PNG figures) of a compare folder; InputError naming what is wrong."""
    folder = Path(folder)
    expected = "a `langerthuis compare` output folder with manifest.json and comparison.csv"
    if not folder.is_dir():
        raise InputError(f"{folder}: expected {expected}, found {'a file' if folder.exists() else 'nothing'}")
    if not (folder / "manifest.json").exists():
        raise InputError(f"{folder}: expected {expected}, found no manifest.json")
    try:
        manifest = json.loads(read_text(folder / "manifest.json", "manifest", max_bytes=MAX_MANIFEST_BYTES))
    except ValueError as exc:  # JSONDecodeError, or an integer of thousands of digits
        raise InputFileError(str(folder / "manifest.json"), "", "JSON", getattr(exc, "msg", str(exc)), getattr(exc, "lineno", None)) from None
    _check_manifest(manifest, folder / "manifest.json")
    csv = folder / "comparison.csv"
    if not csv.exists():
        raise InputError(f"{folder}: expected {expected}, found no comparison.csv")
    read_text(csv, "CSV table", max_bytes=MAX_MANIFEST_BYTES)  # size, UTF-8, control characters
    try:
        table = pd.read_csv(csv)
    except (OSError, ValueError, pd.errors.ParserError) as exc:
        raise InputError(f"{csv}: expected a CSV table, found {type(exc).__name__}: "
                         f"{' '.join(str(exc).split()) or 'unreadable'}") from None
    missing = REQUIRED_COLUMNS - set(table.columns)
    if missing:
        raise InputError(f"{csv}: expected the columns {', '.join(sorted(REQUIRED_COLUMNS))}, "
                         f"found no {', '.join(sorted(missing))}")
    _check_table(table, csv)
    listed = [folder / name for name in manifest.get("figures") or [] if (folder / name).is_file()]
    figures = listed + sorted(p for p in folder.glob("*.png") if p not in listed)
    return manifest, table, figures



def inhabitants_by_year(folder: Path) -> pd.Series | None:
    """Inhabitants by (scenario, year) from indicators.parquet (the model's yearly count), if it is there."""
    try:
        t = pd.read_parquet(folder / "indicators.parquet", columns=["scenario", "year", "indicator", "value"])
    except Exception:  # optional: without it the scenario's starting inhabitants are used
        return None
    return t[t.indicator == "inhabitants"].groupby(["scenario", "year"])["value"].mean()



def manifest_scenarios(folder: Path) -> list[dict]:
    return json.loads((folder / "manifest.json").read_text(encoding="utf-8"))["scenarios"]

