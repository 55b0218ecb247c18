"""The one reader of every YAML and CSV file the tool takes as input (scenarios, sweeps, calibration
configs, targets).

It refuses, with one line ``file:line: key.path: expected ..., found ...`` (:class:`InputFileError`),
what a hostile or broken file could do to the process:

* a file larger than ``MAX_BYTES`` (checked before reading), a folder or a device instead of a file;
* bytes that are not UTF-8, and control characters other than tab, line feed and carriage return;
* YAML anchors and aliases (``&name``, ``*name``): no shipped file uses them and they make "billion
  laughs" files possible, a kilobyte that expands to gigabytes;
* nesting deeper than ``MAX_DEPTH`` levels (PyYAML composes recursively: deeper files would end in a
  RecursionError);
* a key given twice in one mapping (PyYAML would silently keep the last one);
* numbers PyYAML cannot convert (an integer of thousands of digits, a date like 2020-13-45).

``read_yaml`` returns the data and a map from key path (``municipality.grid.width``,
``investments[2]``) to the 1-based line of the key, so schema errors can name the line.
"""
from __future__ import annotations

import csv
import io
import os
import re
import stat

import yaml

from sim.errors import ScenarioError

MAX_BYTES = 1_000_000   # a scenario is a few KB; the national one with many investments stays far below
MAX_DEPTH = 50          # the scenario schema nests 4 levels (investments[i].cost.source)
MAX_FOUND = 300         # characters of a 'found' text: messages stay short

# C0 and C1 control characters except tab, LF and CR; DEL; the Unicode line and paragraph separators
# (which would break the one-line messages); lone surrogates and the non-characters U+FFFE, U+FFFF;
# a byte-order mark anywhere but at the start
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\ufeff\ufffe\uffff]")


class InputFileError(ScenarioError):
    """An input file that cannot be read safely, or whose content is wrong. One line, like ScenarioError."""

    def __init__(self, file, path, expected, found, line=None):
        found = str(found)
        if len(found) > MAX_FOUND:
            found = found[:MAX_FOUND - 3] + "..."
        super().__init__(file, path, expected, " ".join(found.split()) or repr(found), line)


def short(value) -> str:
    """repr of a value, cut to one short line (for 'found' texts of any error)."""
    text = repr(value)
    return text if len(text) <= MAX_FOUND else text[:MAX_FOUND - 3] + "..."


def _location(text: str, index: int) -> tuple[int, int]:
    """1-based (line, column) of a character index."""
    line = text.count("\n", 0, index) + 1
    return line, index - (text.rfind("\n", 0, index) + 1) + 1


def read_text(file, what: str = "file", max_bytes: int = MAX_BYTES) -> str:
    """The text of a UTF-8 input file; refuses big files, non-files, non-UTF-8 and control characters."""
    file = str(file)
    try:
        info = os.stat(file)
    except FileNotFoundError:
        raise InputFileError(file, "", f"an existing {what}", "no such file") from None
    except (OSError, ValueError) as exc:  # ValueError: a NUL byte in the name
        raise InputFileError(file, "", f"a readable {what}", getattr(exc, "strerror", None) or str(exc)) from None
    if stat.S_ISDIR(info.st_mode):
        raise InputFileError(file, "", f"a {what}", "a folder")
    if not stat.S_ISREG(info.st_mode):
        raise InputFileError(file, "", f"a {what}", "not a regular file (a device, pipe or socket)")
    if info.st_size > max_bytes:
        raise InputFileError(file, "", f"a {what} of at most {max_bytes:,} bytes", f"{info.st_size:,} bytes")
    try:
        with open(file, "rb") as f:
            raw = f.read(max_bytes + 1)  # the file may have grown since stat
    except OSError as exc:
        raise InputFileError(file, "", f"a readable {what}", exc.strerror or type(exc).__name__) from None
    if len(raw) > max_bytes:
        raise InputFileError(file, "", f"a {what} of at most {max_bytes:,} bytes", f"more than {max_bytes:,} bytes")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        column = exc.start - raw.rfind(b"\n", 0, exc.start)
        raise InputFileError(file, "", "UTF-8 text", f"the byte 0x{raw[exc.start]:02x} at column {column}",
                             raw.count(b"\n", 0, exc.start) + 1) from None
    text = text.removeprefix("\ufeff")
    bad = _CONTROL.search(text)
    if bad:
        line, column = _location(text, bad.start())
        raise InputFileError(file, "", "text without control characters (tab, line breaks only)",
                             f"the character U+{ord(bad.group()):04X} at column {column}", line)
    return text


# ---- YAML


class _Refused(yaml.YAMLError):
    def __init__(self, mark, expected, found):
        super().__init__(expected)
        self.problem_mark, self.expected, self.found = mark, expected, found


class _Loader(yaml.SafeLoader):
    """SafeLoader that refuses anchors and bounds the nesting while composing (before any construction)."""

    def __init__(self, stream):
        super().__init__(stream)
        self.depth = 0
        self.mark = None

    def construct_object(self, node, deep=False):
        self.mark = node.start_mark  # where a conversion error happened
        return super().construct_object(node, deep)

    def compose_node(self, parent, index):
        event = self.peek_event()
        # an alias can only refer to an anchor, which is refused: PyYAML reports it as undefined
        if getattr(event, "anchor", None) is not None and not isinstance(event, yaml.AliasEvent):
            raise _Refused(event.start_mark, "YAML without anchors or aliases (&name, *name)",
                           f"the anchor &{event.anchor}")
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise _Refused(event.start_mark, f"at most {MAX_DEPTH} levels of nesting", f"more than {MAX_DEPTH}")
        try:
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1


def join(path, key) -> str:
    """``path.key``; a key that is not printable is quoted, so every message stays on one line."""
    key = str(key) if str(key).isprintable() else repr(str(key))
    return f"{path}.{key}" if path else key


def parse_yaml(text: str, file: str):
    """(data, lines) of YAML text; see the module docstring."""
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except _Refused as exc:
        raise InputFileError(file, "", exc.expected, exc.found, exc.problem_mark.line + 1) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        position = getattr(exc, "position", None)  # a ReaderError (bad character) has no mark
        line = mark.line + 1 if mark else text.count("\n", 0, position) + 1 if position is not None else None
        problem = getattr(exc, "problem", None) or str(exc)
        raise InputFileError(file, "", "valid YAML", problem, line) from None
    except (ValueError, OverflowError) as exc:  # int() of 5,000 digits, a date like 2020-13-45
        line = loader.mark.line + 1 if loader.mark else None
        raise InputFileError(file, "", "a value YAML can convert", str(exc).split(":")[0], line) from None
    finally:
        loader.dispose()
    lines = {}
    if node is not None:
        _map_lines(node, "", lines, file)
    return data, lines


def _map_lines(node, path, lines, file):
    """Fill ``lines`` (key path -> line) and refuse a key given twice in one mapping."""
    if isinstance(node, yaml.MappingNode):
        seen = set()
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                continue
            key = join(path, key_node.value)
            line = key_node.start_mark.line + 1
            if key in seen:  # PyYAML would silently keep the last one
                raise InputFileError(file, key, "each key once in a mapping", "the key a second time", line)
            seen.add(key)
            lines[key] = line
            _map_lines(value_node, key, lines, file)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            lines[f"{path}[{i}]"] = item.start_mark.line + 1
            _map_lines(item, f"{path}[{i}]", lines, file)


def read_yaml(file, what: str = "YAML file"):
    """(data, lines) of a YAML input file: ``lines`` maps key paths to 1-based lines."""
    file = str(file)
    return parse_yaml(read_text(file, what), file)


def line_of(lines: dict, path: str):
    """The line of ``path``, else of its nearest ancestor that has one (None if none has)."""
    while path:
        if path in lines:
            return lines[path]
        cut = path.rfind("[") if path.endswith("]") else path.rfind(".")
        path = path[:max(cut, 0)]
    return None


# ---- CSV


def read_csv(file, columns, what: str = "CSV file") -> list[tuple[int, dict]]:
    """[(line, {column: text})] of a CSV input file with a header that has at least ``columns``
    (spaces around names and values stripped; extra columns kept). Same refusals as read_text, plus
    a row with more or fewer fields than the header."""
    file = str(file)
    text = read_text(file, what)
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader, None)
        if header is None or not any(h.strip() for h in header):
            raise InputFileError(file, "", f"a header line with the columns {', '.join(columns)}", "an empty file", 1)
        header = [h.strip() for h in header]
        missing = [c for c in columns if c not in header]
        if missing:
            raise InputFileError(file, "", f"the columns {', '.join(columns)}", "no column " + ", ".join(missing), 1)
        duplicated = sorted({h for h in header if header.count(h) > 1 and h})
        if duplicated:
            raise InputFileError(file, duplicated[0], "each column once", "the column twice", 1)
        rows = []
        start = reader.line_num + 1
        for fields in reader:
            if not fields or (len(fields) == 1 and not fields[0].strip()):  # a blank line
                start = reader.line_num + 1
                continue
            if len(fields) != len(header):
                raise InputFileError(file, "", f"{len(header)} fields, as the header has", f"{len(fields)}", start)
            rows.append((start, {h: v.strip() for h, v in zip(header, fields)}))
            start = reader.line_num + 1
    except csv.Error as exc:
        raise InputFileError(file, "", "valid CSV", str(exc), reader.line_num or None) from None
    return rows
