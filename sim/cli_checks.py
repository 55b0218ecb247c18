"""What the command line checks before any work, beyond ``--out`` itself (sim.output.check_out):

* argument errors (a word where a number belongs, an unknown choice, a missing option) are one line in the
  contract's form, not argparse's usage dump (``OneLineParser``);
* numeric options are within their range (``NUMBERS``), so ``bench --months 0`` or ``validate --workers -1``
  is refused before a simulation starts;
* the inputs of a run that ``--out`` may not hold include every file they name: each file of an ``extends:``
  chain, a sweep's base scenario, a calibration config's scenario, targets and plausibility ranges
  (``input_files``);
* a closed or full standard output never turns a finished result into an error (``tolerant_stdout``).
"""
from __future__ import annotations

import argparse
import contextlib
import os
import re
import sys
from pathlib import Path

from sim.errors import InputError

# --------------------------------------------------------------------------- argument errors in one line
_INVALID = re.compile(r"argument (?P<opt>[^:]+): invalid (?P<kind>\w+) value: (?P<found>.*)")
_CHOICE = re.compile(r"argument (?P<opt>[^:]+): invalid choice: (?P<found>'[^']*'|\S+) \(choose from (?P<ok>.*)\)")
_KINDS = {"int": "an integer", "float": "a number"}


def one_line(prog: str, message: str) -> str:
    """argparse's error ``message`` in the contract's form ``WHERE: expected ..., found ...``."""
    message = " ".join(message.split())
    if m := _CHOICE.fullmatch(message):
        choices = ", ".join(c.strip("'") for c in m["ok"].split(", "))
        return f"{m['opt'].split('/')[0]}: expected one of {choices}, found {m['found']}"
    if m := _INVALID.fullmatch(message):
        return f"{m['opt'].split('/')[0]}: expected {_KINDS.get(m['kind'], 'a ' + m['kind'])}, found {m['found']}"
    if m := re.fullmatch(r"argument (?P<opt>[^:]+): expected (?P<what>.*)", message):
        return f"{m['opt'].split('/')[0]}: expected {m['what']}, found none"
    if m := re.fullmatch(r"the following arguments are required: (?P<names>.*)", message):
        return f"{prog}: expected the arguments {m['names']}, found them missing"
    return f"{prog}: expected arguments as `{prog} --help` lists them, found {message}"


class OneLineParser(argparse.ArgumentParser):
    """An ArgumentParser whose errors are an InputError (one line, exit status 2), not a usage dump."""

    def error(self, message):
        raise InputError(one_line(self.prog, message))


# --------------------------------------------------------------------------- numeric options
# option (argparse dest) -> (minimum, maximum); a (command, dest) key overrides the option's default range
NUMBERS = {
    "replicates": (1, 1000), "breakeven_replicates": (1, 1000), "workers": (1, 256), ("sweep", "workers"): (0, 256),
    "port": (1, 65535), "from_year": (0, 9999), "to_year": (0, 9999), "year": (0, 9999),
    "months": (1, 1200), "reference_months": (1, 1200),
    "inhabitants": (2000, 30_000_000), "reference_inhabitants": (1000, 30_000_000),
}


def check_numbers(args) -> None:
    """Every numeric option given within its range (NUMBERS); one line naming the option otherwise."""
    for dest, value in vars(args).items():
        bounds = NUMBERS.get((args.command, dest)) or NUMBERS.get(dest)
        if bounds is None or value is None:
            continue
        low, high = bounds
        option = "--" + dest.replace("_", "-")
        values = value if isinstance(value, list) else [value]
        if not values:   # argparse turns `--option=--` into an empty list
            raise InputError(f"{option}: expected an integer from {low} to {high}, found nothing")
        for v in values:
            if not isinstance(v, int) or isinstance(v, bool) or not low <= v <= high:
                raise InputError(f"{option}: expected an integer from {low} to {high}, found {v}")


# --------------------------------------------------------------------------- inputs and the files they name
# keys of an input YAML file that name other input files (relative to the file): a scenario's extends, a
# sweep's base, a calibration config's scenario, targets and plausibility ranges
REFERENCES = ("extends", "base", "scenario", "targets", "plausibility.ranges")
MAX_FILES = 100


def _named(data: dict) -> list[str]:
    found = []
    for key in REFERENCES:
        value = data
        for part in key.split("."):
            value = value.get(part) if isinstance(value, dict) else None
        if isinstance(value, str) and value.strip() and value.isprintable():
            found.append(value)
    return found


def input_files(paths) -> list[str]:
    """``paths`` and every file they name, followed through (an extends chain, a sweep's base scenario and its
    chain, ...). A file that cannot be read is simply not followed: the command itself reports it."""
    from sim.model.loader import read_yaml
    found, todo = [], [os.fspath(p) for p in paths]
    while todo and len(found) < MAX_FILES:
        path = todo.pop(0)
        if path in found:
            continue
        found.append(path)
        if not path.endswith((".yaml", ".yml")) or not os.path.isfile(path):
            continue
        try:
            data = read_yaml(path, "input file")[0]
        except (InputError, OSError):
            continue
        if isinstance(data, dict):
            todo += [os.path.normpath(os.path.join(os.path.dirname(path), name)) for name in _named(data)]
    return found


# --------------------------------------------------------------------------- the size of a result
MB = 1_000_000
# an estimate of what a command writes (measured: a run of scenarios/small.yaml is 0.3 MB; figures of a
# comparison with break-even a few MB); --out needs this much free space before any work
OUTPUT_BYTES = {"report": 5 * MB, "sweep": 50 * MB, "sensitivity": 5 * MB}
DEFAULT_OUTPUT_BYTES = 20 * MB


def output_bytes(command: str) -> int:
    return OUTPUT_BYTES.get(command, DEFAULT_OUTPUT_BYTES)


# --------------------------------------------------------------------------- standard output
class _Tolerant:
    """sys.stdout, with write errors (a full disk, a closed pipe) swallowed and remembered."""

    def __init__(self, stream):
        self.stream, self.error = stream, None

    def write(self, text):
        try:
            return self.stream.write(text)
        except (OSError, ValueError) as exc:
            self.error = self.error or exc
            return len(text)

    def flush(self):
        try:
            self.stream.flush()
        except (OSError, ValueError) as exc:
            self.error = self.error or exc

    def __getattr__(self, name):
        return getattr(self.stream, name)


def _reopen_closed_standard_fds() -> None:
    """A process started with fd 0, 1 or 2 closed would hand that number to the next file it opens (a lock,
    a result): point each closed one at /dev/null first."""
    for fd in (0, 1, 2):
        try:
            os.fstat(fd)
        except OSError:
            new = os.open(os.devnull, os.O_RDWR)
            if new != fd:
                os.dup2(new, fd)
                os.close(new)


@contextlib.contextmanager
def tolerant_stdout(stderr=None):
    """Within the block, failing to write standard output is not an error: the result is on disk. Afterwards
    a note on stderr says so, and stdout points at /dev/null so the interpreter's last flush cannot fail."""
    _reopen_closed_standard_fds()
    real = sys.stdout
    if real is None or isinstance(real, _Tolerant):
        yield
        return
    sys.stdout = tolerant = _Tolerant(real)
    try:
        yield
    finally:
        tolerant.flush()
        if sys.stdout is tolerant:
            sys.stdout = real
        if tolerant.error is not None:
            with contextlib.suppress(OSError, ValueError, AttributeError):
                null = os.open(os.devnull, os.O_WRONLY)
                os.dup2(null, real.fileno())
                os.close(null)
                real.flush()
            with contextlib.suppress(OSError, ValueError, AttributeError):
                print(f"langerthuis: note: standard output could not be written "
                      f"({getattr(tolerant.error, 'strerror', None) or tolerant.error}); the result is written",
                      file=stderr or sys.stderr)
