"""``langerthuis experiment --list | NAME [--quick] [--out DIR] [--workers N] | --docs``.

``--list`` names every registered experiment with its title, question and runtime (an experiment registered in
sim.experiments.base but not built on this branch is listed as "not built"). ``NAME`` runs one experiment and
writes its folder (sim.experiments.writer): by default ``results/NAME``, which a new run replaces; an
explicit ``--out`` follows the rule of every command (a previous experiment result is replaced only with
``--force``, never a folder the tool did not write). ``--docs`` regenerates docs/experiments.md from the
results' summaries (sim.experiments.docs).
"""
from __future__ import annotations

import textwrap

from sim.experiments.base import EXPERIMENTS
from sim.experiments.writer import ExperimentError, default_out, experiment_module, measured_runtime


def register(sub):
    p = sub.add_parser("experiment", help="run one of the experiments E1-E6 (results/NAME: summary, figures, "
                                          "tables, manifest) or list them")
    p.add_argument("name", nargs="?", help="the experiment, e.g. e1_reform (see --list)")
    p.add_argument("--list", action="store_true", help="list the experiments: name, title, question, runtime")
    p.add_argument("--quick", action="store_true", help="a small, fast version (tests, CI): tiny municipality, "
                                                        "few years, 2 replicates")
    p.add_argument("--out", help="output folder (default results/NAME, replaced by a new run)")
    p.add_argument("--workers", type=int, help="processes for the runs (default 1 with --quick, else 2)")
    p.add_argument("--docs", action="store_true", help="regenerate docs/experiments.md and docs/experiments/*.png "
                                                       "from the results' summaries")
    p.set_defaults(func=main)


def check_args(args) -> None:
    """Before any work: exactly one of --list, --docs and NAME; NAME known and built; --workers >= 1; the
    default output checked like an explicit one (it may only hold a previous experiment result)."""
    from sim.output import check_not_busy, check_out
    chosen = [bool(args.list), bool(args.docs), args.name is not None]
    if sum(chosen) != 1:
        raise ExperimentError("experiment: expected one of NAME, --list or --docs, found "
                              + ("none" if not any(chosen) else "more than one"))
    if args.name is None:
        return
    if experiment_module(args.name) is None:
        raise ExperimentError(f"experiment {args.name}: expected a built experiment, found it registered but not "
                              f"built on this branch (no module {EXPERIMENTS[args.name]}; see langerthuis "
                              "experiment --list)")
    if args.workers is not None and args.workers < 1:
        raise ExperimentError(f"experiment {args.name}: --workers: expected an integer >= 1, "
                              f"found {args.workers}")
    if args.out is None:   # the default folder: a previous experiment result there is replaced without --force
        check_out(default_out(args.name), "experiment", force=True)
        check_not_busy(default_out(args.name))


def listing() -> str:
    lines = []
    for name in EXPERIMENTS:
        module = experiment_module(name)
        if module is None:
            lines.append(f"{name}  (not built on this branch)")
            continue
        runtime = measured_runtime(name)
        lines.append(f"{name}  {module.TITLE}")
        lines += textwrap.wrap(module.QUESTION, 100, initial_indent="    question: ", subsequent_indent="    ")
        lines.append(f"    runtime: quick {runtime.get('quick', 'not measured')}; "
                     f"full {runtime.get('full', 'not measured')}")
    return "\n".join(lines)


def main(args) -> int:
    if args.list:
        print(listing())
        return 0
    if args.docs:
        from sim.experiments.docs import write_docs
        print(f"wrote {write_docs()}")
        return 0
    from sim.experiments.writer import run_experiment
    run_experiment(args.name, quick=args.quick, out=args.out, workers=args.workers, force=getattr(args, "force", False))
    return 0
