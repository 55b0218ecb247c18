"""Command line: ``langerthuis SUBCOMMAND ...`` (also ``python -m sim``).

Each subcommand lives in the module that owns the work and registers itself through
``register(subparsers)``; this file only dispatches. Input errors (``ScenarioError`` and
friends, all subclasses of ``sim.errors.InputError``) print one line and exit with status 2.
"""
from __future__ import annotations

import argparse
import importlib
import sys

from sim.errors import InputError

# modules that contribute subcommands, in the order `--help` lists them
SUBCOMMAND_MODULES = ("sim.run", "sim.studies.bench", "sim.workshop.comparison", "sim.studies.sweep", "sim.studies.sensitivity",
                      "sim.studies.calibrate", "sim.studies.validate", "sim.workshop.app_cli", "sim.workshop.report")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="langerthuis", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    for name in SUBCOMMAND_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name == name:  # not written yet: the subcommand is simply absent
                continue
            raise
        module.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except InputError as exc:
        print(f"langerthuis: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("langerthuis: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
