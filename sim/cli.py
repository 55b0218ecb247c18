"""Command line: ``langerthuis SUBCOMMAND ...`` (also ``python -m sim``).

The ``run`` command lives here; every other subcommand lives in the module that owns the work and
registers itself through ``register(subparsers)``. Before dispatching, ``main`` checks ``--out`` (one
place for all commands: sim.output.check_out) and calls the command module's ``check_args(args)`` if it
has one, so impossible requests fail before any work (sim.cli_checks: argument errors and numeric ranges in
one line, every input file the arguments name, free space). Input errors (``ScenarioError`` and friends, all
subclasses of ``sim.errors.InputError``) print one line and exit with status 2; any other exception prints
one line naming a log file with the traceback and exits with status 1; Ctrl-C exits with 130.
"""
from __future__ import annotations

import argparse
import errno
import importlib
import os
import sys
import tempfile
import time
import traceback
from pathlib import Path

from sim.errors import InputError

# modules that contribute subcommands (after `run`), in the order `--help` lists them
SUBCOMMAND_MODULES = (
    "sim.analysis.bench",
    "sim.analysis.warmup",
    "sim.workshop.comparison",
    "sim.analysis.sweep",
    "sim.analysis.sensitivity",
    "sim.analysis.calibrate",
    "sim.analysis.validate",
    "sim.workshop.app_cli",
    "sim.workshop.report",
    "sim.experiments.cli",
    "sim.analysis.municipalities",
)

# the module that registers each command: a command line imports only its own command's module, so that a
# one-line input error comes in about a second (tests/test_cli.py checks this table against the modules)
COMMANDS = {"bench": "sim.analysis.bench", "warmup": "sim.analysis.warmup", "compare": "sim.workshop.comparison", "sweep": "sim.analysis.sweep",
            "sensitivity": "sim.analysis.sensitivity", "calibrate": "sim.analysis.calibrate",
            "validate": "sim.analysis.validate", "app": "sim.workshop.app_cli", "report": "sim.workshop.report",
            "experiment": "sim.experiments.cli",
            "municipalities": "sim.analysis.municipalities"}
# former command names, still accepted so that old scripts run; not shown in --help
ALIASES = {"study": "experiment"}

# what --out names, per command (default "folder": a result folder replaced whole; see sim.output.check_out)
OUT_KINDS = {"report": "file", "sweep": "sweep", "sensitivity": "addto"}
FORCE_HELP = {
    None: "replace a previous result of this command at --out (never a file or a folder langerthuis did not write)",
    "sweep": "delete the previous sweep at --out and start it again (default: resume it)",
    "sensitivity": "accepted for uniformity: sensitivity adds its files to the folder and replaces only its own",
}
# argument names that hold input files or folders (--out may not contain them)
INPUT_ARGS = ("scenario", "sweep_file", "config", "targets", "results", "sweep_out")


# ----------------------------------------------------------------------------- the run command
def register_run(sub):
    p = sub.add_parser("run", help="simulate a scenario and write its indicators, figures and manifest")
    p.add_argument("scenario", help="scenario YAML file (see scenarios/README.md)")
    p.add_argument("--out", required=True, help="output folder (written when complete; a previous result of "
                                                "`run` is replaced only with --force)")
    p.add_argument("--replicates", type=int, help="override the scenario's number of replicates")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    p.set_defaults(func=run_main)


def run_main(args) -> int:
    """``langerthuis run SCENARIO --out DIR``: simulate one scenario (all its replicates) and write
    indicators (Parquet and CSV), neighbourhood maps, a manifest and the standard figures."""
    from sim.model.scenario import load_scenario, with_replicates

    scenario = load_scenario(args.scenario)     # bad input stops here: nothing written
    if args.replicates is not None:
        scenario = with_replicates(scenario, args.replicates)   # 1..1000, checked before any work
    from sim.output import atomic_folder, manifest, write_json
    from sim.analysis.runner import run_replicates
    from sim.workshop.figures.run import standard_figures
    from sim.workshop.figures.wijken import run_maps
    from sim.model import municipality_layout
    import pandas as pd
    started = time.perf_counter()
    area_tables = []
    table, cells = run_replicates(scenario, progress=not args.no_progress, areas=area_tables)
    with atomic_folder(args.out, command="run", force=args.force) as tmp:
        table.to_parquet(tmp / "indicators.parquet", index=False)
        table.to_csv(tmp / "indicators.csv", index=False)
        cells.to_parquet(tmp / "neighbourhoods.parquet", index=False)
        area_table = pd.concat(area_tables, ignore_index=True)
        area_table.to_parquet(tmp / "areas.parquet", index=False)   # per cell and area (sim/model/areas.py)
        figures = (standard_figures(table, cells, tmp, grid_map=not municipality_layout.is_real(scenario))
                   + run_maps(tmp, scenario, area_table))
        write_json(tmp / "manifest.json", manifest([scenario], time.perf_counter() - started, figures=figures,
                                                   **municipality_layout.manifest_note(scenario)))
    print(f"wrote {args.out}: {table.year.nunique()} years x {table.indicator.nunique()} indicators x "
          f"{scenario['replicates']} replicate(s) in {time.perf_counter() - started:.1f} s")
    return 0


# ----------------------------------------------------------------------------- parser and checks
def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """Every command's parser; with ``command`` (``run`` or a key of COMMANDS) only that command's."""
    from sim.cli_checks import OneLineParser   # argument errors: one line, not a usage dump
    parser = OneLineParser(prog="langerthuis", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    register_run(sub)
    for name in SUBCOMMAND_MODULES if command is None else [COMMANDS[command]] if command in COMMANDS else []:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name == name:  # not written yet: the subcommand is simply absent
                continue
            raise
        known = set(sub.choices)
        module.register(sub)
        for command in set(sub.choices) - known:  # for check_args: the module a command came from
            sub.choices[command].set_defaults(command_module=name)
    for command, p in sub.choices.items():  # every command with --out gets --force
        if any(action.dest == "out" for action in p._actions):
            p.add_argument("--force", "--overwrite", action="store_true",
                           help=FORCE_HELP.get(command, FORCE_HELP[None]))
    return parser


def inputs_of(args) -> list[str]:
    found = []
    for name in INPUT_ARGS:
        value = getattr(args, name, None)
        found += [os.fspath(v) for v in (value if isinstance(value, list) else [value]) if v]
    return found


def check_args(args) -> None:
    """Everything that can be checked before any work: numeric options, --out (with every input file the
    arguments name, and free space), then the command module's own check_args."""
    from sim.cli_checks import check_numbers, input_files, output_bytes
    from sim.output import check_not_busy, check_out
    check_numbers(args)
    if getattr(args, "out", None) is not None:   # None: the command's default (sweep, sensitivity)
        check_out(args.out, args.command, force=getattr(args, "force", False),
                  kind=OUT_KINDS.get(args.command, "folder"), inputs=input_files(inputs_of(args)),
                  need_bytes=output_bytes(args.command))
        check_not_busy(args.out)
    module = sys.modules.get(getattr(args, "command_module", None) or "")
    hook = getattr(module, "check_args", None)
    if callable(hook):
        hook(args)


def log_dir() -> Path:
    """Where tracebacks of internal errors go: $XDG_STATE_HOME/langerthuis/logs (~/.local/state/...)."""
    state = os.environ.get("XDG_STATE_HOME") or os.path.join(os.path.expanduser("~"), ".local", "state")
    return Path(state) / "langerthuis" / "logs"


def write_log(exc: BaseException, argv) -> Path:
    """Write the traceback of ``exc`` to a new log file (falling back to the temp folder); return its path."""
    import sim
    text = (f"langerthuis {sim.__version__}, {time.strftime('%Y-%m-%dT%H:%M:%S%z')}, python {sys.version.split()[0]}\n"
            f"argv: {argv!r}\ncwd: {os.getcwd()}\n\n"
            + "".join(traceback.format_exception(type(exc), exc, exc.__traceback__)))
    name = f"langerthuis-{time.strftime('%Y%m%d-%H%M%S')}-{os.getpid()}.log"
    for folder in (log_dir(), Path(tempfile.gettempdir())):
        try:
            folder.mkdir(parents=True, exist_ok=True)
            path = folder / name
            path.write_text(text, encoding="utf-8")
            return path
        except OSError:
            continue
    raise OSError("no writable folder for the log")


def main(argv: list[str] | None = None, stderr=None) -> int:
    """The command line; its one-line errors go to ``stderr`` (default: sys.stderr at the time of the error)."""
    from sim.cli_checks import tolerant_stdout
    argv = sys.argv[1:] if argv is None else argv
    argv = [ALIASES.get(argv[0], argv[0]), *argv[1:]] if argv else argv
    try:
        known = argv[0] if argv and (argv[0] == "run" or argv[0] in COMMANDS) else None
        args = build_parser(known).parse_args(argv)
        check_args(args)                     # bad --out or arguments: one line before any work
        with tolerant_stdout(stderr):        # a full or closed stdout: the result on disk still counts
            return int(args.func(args) or 0)
    except InputError as exc:
        print(f"langerthuis: error: {exc}", file=stderr or sys.stderr)
        return 2
    except OSError as exc:
        if exc.errno not in FULL:
            return _internal_error(exc, argv, stderr)
        where = exc.filename or "--out"   # the estimate of the result's size was short: no result is written
        print(f"langerthuis: error: {where}: expected room to write the result, found {exc.strerror}",
              file=stderr or sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("langerthuis: interrupted", file=stderr or sys.stderr)
        return 130
    except Exception as exc:  # noqa: BLE001 - a bug: one line for the user, the traceback in a log file
        return _internal_error(exc, argv, stderr)


FULL = (errno.ENOSPC, errno.EDQUOT, errno.EFBIG)   # a file system full while writing


def _internal_error(exc, argv, stderr) -> int:
    message = " ".join(str(exc).split())[:300]
    try:
        where = f"traceback in {write_log(exc, argv)}"
    except OSError:
        where = "no log could be written"
    print(f"langerthuis: internal error: {type(exc).__name__}: {message} ({where})", file=stderr or sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
