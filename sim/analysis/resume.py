"""A sweep folder that resumes checks what it finds: a run counts as done only when its file is readable,
complete and has the checksum recorded when the sweep wrote it. A damaged one (truncated, changed, unreadable)
is removed, run again, and named in one line on stderr.

Checksums: each finished run appends ``SHA256  run_NNNNN.parquet`` to ``runs.sha256`` (one short
write, so a killed driver loses at most the line of the run in flight); when the driver ends, the lines are
folded into the sweep's ``manifest.json`` (``run_sha256``). A run file without a recorded checksum (one written
just before a kill, or a folder from before checksums existed) counts when it reads whole as a run table.

The sweep's marker lists what a sweep writes (``SWEEP_WROTE``): ``--force`` removes exactly that.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
from pathlib import Path

from sim.output import read_marker, write_atomic, write_marker

JOURNAL = "runs.sha256"   # in OUT, next to runs/
# what a sweep writes in its folder (patterns: * within one name); sensitivity adds its own files
SWEEP_WROTE = ["design.parquet", "manifest.json", "sweep.yaml", JOURNAL, "*.tmp-*", "runs/", "runs/run_*.parquet",
               "runs/*.tmp-*", "failed/", "failed/run_*.json", "failed/*.tmp-*"]
_LINE = re.compile(r"([0-9a-f]{64})  (run_\d+\.parquet)")


def mark_sweep(out: Path) -> None:
    """The sweep's marker listing SWEEP_WROTE (kept: what another command added to the list)."""
    marker = read_marker(out)
    wrote = marker.get("wrote") if marker and isinstance(marker.get("wrote"), list) else []
    if marker is None or not set(SWEEP_WROTE) <= set(wrote):
        write_marker(out, "sweep", wrote=[*SWEEP_WROTE, *wrote])


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def record_run(file: Path) -> None:
    """Append the checksum of a run file just written (runs/run_NNNNN.parquet) to the journal."""
    line = f"{sha256(file)}  {file.name}\n"
    fd = os.open(file.parent.parent / JOURNAL, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        os.write(fd, line.encode("ascii"))   # one write of < 100 bytes: whole or not at all on a kill
    finally:
        os.close(fd)


def manifest_checksums(out: Path) -> dict:
    """``run_sha256`` of the sweep's manifest ({} when absent or unreadable)."""
    try:
        found = json.loads((out / "manifest.json").read_text(encoding="utf-8")).get("run_sha256")
    except (OSError, ValueError, AttributeError):
        return {}
    return {k: v for k, v in found.items() if _LINE.fullmatch(f"{v}  {k}")} if isinstance(found, dict) else {}


def recorded(out: Path) -> dict:
    """run file name -> checksum: the manifest's, then the journal's (the later line wins)."""
    found = manifest_checksums(out)
    try:
        lines = (out / JOURNAL).read_text(encoding="ascii", errors="replace").splitlines()
    except OSError:
        lines = []
    for line in lines:
        if m := _LINE.fullmatch(line):
            found[m[2]] = m[1]
    return found


def fold_checksums(out: Path) -> None:
    """The journal's checksums into manifest.json (``run_sha256``), then an empty journal."""
    manifest_file = out / "manifest.json"
    try:
        manifest = json.loads(manifest_file.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return
    if not isinstance(manifest, dict):
        return
    found = recorded(out)
    present = {p.name for p in (out / "runs").glob("run_*.parquet")}
    manifest["run_sha256"] = {name: found[name] for name in sorted(found) if name in present}
    write_atomic(manifest_file, lambda p: p.write_text(json.dumps(manifest, indent=2, default=str)))
    journal = out / JOURNAL
    if journal.exists():
        write_atomic(journal, lambda p: p.write_bytes(b""))


def _whole_run_table(file: Path, run: int) -> str | None:
    """None when ``file`` reads whole as the table of run ``run``; else what is wrong."""
    import pyarrow.parquet as pq
    try:
        table = pq.read_table(file)
    except Exception as exc:  # noqa: BLE001 - pyarrow raises many kinds for a damaged file
        return f"unreadable ({type(exc).__name__})"
    missing = {"run", "indicator", "year", "value"} - set(table.column_names)
    if missing or table.num_rows == 0:
        return f"incomplete (no column {', '.join(sorted(missing))})" if missing else "empty"
    runs = set(table.column("run").to_pylist())
    if runs != {run}:
        return f"the rows of another run ({sorted(runs)[:3]})"
    return None


def verify_runs(out: Path, runs, run_file) -> list[tuple[str, str]]:
    """Check every finished run of ``runs`` (``run_file(out, run)`` names its file); remove each damaged one so
    the sweep runs it again. Returns [(file name, what was wrong)]. A sound file without a recorded checksum
    gets one now."""
    checksums, damaged = recorded(out), []
    for run in runs:
        file = run_file(out, int(run))
        if not file.exists():
            continue
        expected = checksums.get(file.name)
        try:
            actual = sha256(file)
        except OSError as exc:
            problem = f"unreadable ({exc.strerror or exc})"
        else:
            if expected is not None:
                problem = None if actual == expected else "its checksum differs from the one recorded"
            else:
                problem = _whole_run_table(file, int(run))
                if problem is None:
                    record_run(file)
        if problem is not None:
            file.unlink(missing_ok=True)
            damaged.append((file.name, problem))
    return damaged


def damaged_note(damaged) -> str:
    """One line naming the damaged run files that are run again."""
    first = ", ".join(f"{name} ({why})" for name, why in damaged[:3])
    more = f" and {len(damaged) - 3} more" if len(damaged) > 3 else ""
    return f"sweep: {len(damaged)} damaged run file(s) removed and run again: {first}{more}"
