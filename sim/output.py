"""Output folders: written under a temporary name and renamed when complete, with a manifest."""
from __future__ import annotations

import contextlib
import fnmatch
import hashlib
import json
import os
import platform
import re
import secrets
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import numpy as np

import sim
from sim.errors import InputError
from sim.model.parameters import make_params


def git_commit() -> str:
    """The commit of the source tree the package runs from, or 'unknown'."""
    try:
        out = subprocess.run(["git", "rev-parse", "HEAD"], cwd=Path(sim.__file__).parent, capture_output=True,
                             text=True, timeout=5)
        return out.stdout.strip() if out.returncode == 0 else "unknown"
    except (OSError, subprocess.SubprocessError):
        return "unknown"


def library_versions() -> dict:
    """Versions of Python and the libraries a result depends on (those installed)."""
    from importlib import metadata
    found = {"python": platform.python_version()}
    for dist in ("numpy", "pandas", "pyarrow", "scipy", "SALib", "dask", "distributed", "mesa", "numba"):
        try:
            found[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            pass
    return found


def write_atomic(path, write) -> None:
    """Call ``write(tmp)`` on a temporary name next to ``path``, then rename: a killed process never
    leaves half a file under the final name."""
    path = Path(path)
    tmp = path.with_name(f"{path.name}.tmp-{os.getpid()}")
    try:
        write(tmp)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    os.replace(tmp, path)


def file_hash(path) -> str | None:
    try:
        return hashlib.sha256(Path(path).read_bytes()).hexdigest()
    except OSError:
        return None


def manifest(scenarios: list[dict], wall_time: float, **extra) -> dict:
    import mesa    # here, not at the top: a process that only checks input or writes tables starts faster
    import numba
    return {
        "scenarios": [{"name": s["name"], "file": s.get("_file"), "file_sha256": file_hash(s.get("_file", "")),
                       "scenario_hash": s.get("_hash"), "seed": s["seed"], "replicates": s["replicates"],
                       "parameters": make_params(s.get("parameters"))._asdict(),
                       "resolved": {k: v for k, v in s.items() if not k.startswith("_")}} for s in scenarios],
        "package": "langerthuis", "version": sim.__version__, "git_commit": git_commit(),
        "python": platform.python_version(), "numpy": np.__version__, "numba": numba.__version__,
        "mesa": mesa.__version__, "numba_threads": numba.get_num_threads(), "wall_time_s": round(wall_time, 3),
        **extra,
    }


# --------------------------------------------------------------------------- output folders you can trust
# Every result folder holds MARKER (JSON naming the command that wrote it). `--out` replaces only a previous
# result of the same command, and only with --force; it never replaces a file or a folder the tool did not
# write. A lock file next to the output (.NAME.lock) keeps concurrent writers apart; temporary folders carry
# the writer's pid (.NAME.tmp-PID-XXXX), so those of a killed process are removed at the next start.
MARKER = ".langerthuis-output"
# a command's former name in the markers it wrote then: its old folders stay its own
FORMER_COMMANDS = {"study": "experiment"}
REPORT_SIGNATURE = "<meta name='generator' content='langerthuis report'>"
FORCE_NOTE = ("--force replaces only a previous result of the same command, never a file or a folder "
              "langerthuis did not write")


class OutputError(InputError):
    """An unusable --out: one line, exit status 2, raised before any work."""


class OutputBusy(OutputError, OSError):
    """Another process holds the lock of this --out (also an OSError, so caches may simply skip)."""


def read_marker(folder) -> dict | None:
    """The marker of a result folder, or None when there is none (or it is unreadable)."""
    try:
        data = json.loads((Path(folder) / MARKER).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def _legacy_sweep(folder: Path) -> bool:
    """A sweep folder written before markers existed (its manifest has a fingerprint)."""
    try:
        return "fingerprint" in json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError, TypeError):
        return False


def _is_report(path: Path) -> bool:
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            return REPORT_SIGNATURE in f.read(4096)
    except OSError:
        return False


# ---- what a result folder holds: the marker lists what the command wrote (--force removes exactly that)
def _listed(path: str, wrote) -> bool:
    """``path`` (relative, a folder with a trailing '/') matches an entry of the marker's list; ``*`` in an
    entry matches within one name (runs/run_*.parquet), never across folders."""
    parts = path.split("/")
    for entry in wrote:
        other = str(entry).split("/")
        if len(other) == len(parts) and all(fnmatch.fnmatchcase(a, b) for a, b in zip(parts, other)):
            return True
    return False


def foreign_entries(folder, wrote) -> list[str]:
    """What ``folder`` holds that ``wrote`` (a marker's list) does not name: files, links and folders,
    relative (a folder with a trailing '/'); a folder that cannot be read counts as foreign. Links are
    never followed."""
    folder, wrote, found = Path(folder), list(wrote or ()), []
    for root, dirs, files in os.walk(folder, onerror=lambda exc: found.append(f"{exc.filename} (unreadable)")):
        rel = Path(root).relative_to(folder)
        links = [d for d in dirs if os.path.islink(os.path.join(root, d))]
        dirs[:] = [d for d in dirs if d not in links]
        for name in list(dirs):
            entry = (rel / name).as_posix() + "/"
            if not _listed(entry, wrote):
                found.append(entry)
                dirs.remove(name)
        for name in files + links:
            entry = (rel / name).as_posix()
            if entry != MARKER and not _listed(entry, wrote):
                found.append(entry)
    return sorted(found)


def _refuse_foreign(path: Path, shown: str, made_by: str, marker: dict | None) -> None:
    wrote = (marker or {}).get("wrote")
    foreign = foreign_entries(path, wrote if isinstance(wrote, list) else None)
    if foreign:
        more = f" and {len(foreign) - 1} more" if len(foreign) > 1 else ""
        old = "" if isinstance(wrote, list) else "; its marker, from an older langerthuis, lists no files"
        raise OutputError(f"--out {shown}: expected a folder holding only what `{made_by}` wrote there, found "
                          f"{foreign[0]}{more} that langerthuis did not write{old} (--force removes only the files "
                          "its marker lists: move the others first)")


def listing(folder) -> list[str]:
    """Everything under ``folder`` as a marker lists it (relative; a folder with a trailing '/'), the marker
    excepted; links are listed, never followed."""
    folder, found = Path(folder), []
    for root, dirs, files in os.walk(folder):
        rel = Path(root).relative_to(folder)
        links = [d for d in dirs if os.path.islink(os.path.join(root, d))]
        dirs[:] = [d for d in dirs if d not in links]
        found += [(rel / d).as_posix() + "/" for d in dirs]
        found += [(rel / f).as_posix() for f in files + links if (rel / f).as_posix() != MARKER]
    return sorted(found)


# ---- paths the file system cannot hold, and space
NAME_OVERHEAD = len(".") + len(".tmp-") + 7 + len("-") + 8   # the temporary name's additions (pid, token)
DEEPEST = 64   # bytes a result adds below --out (runs/run_NNNNN.parquet.tmp-PID, sensitivity_morris.json)


def _limit(folder: Path, name: str, fallback: int) -> int:
    try:
        return os.pathconf(folder, name)
    except (OSError, ValueError):
        return fallback


def check_path(path: Path, shown: str, need_bytes: int = 0) -> None:
    """Refuse (OutputError) a name or path the file system cannot hold once the temporary names and the
    files below are added, and a file system with less than ``need_bytes`` free."""
    if len(shown) > 120:   # the message stays one readable line
        shown = f"{shown[:60]}...{shown[-40:]}"
    ancestor = path
    while True:
        try:
            exists = ancestor.exists()
        except OSError:        # a name too long for lstat itself
            exists = False
        if exists or ancestor == ancestor.parent:
            break
        ancestor = ancestor.parent
    name_max = _limit(ancestor, "PC_NAME_MAX", 255)
    for part in path.parts:
        size = len(os.fsencode(part))
        limit = name_max - NAME_OVERHEAD if part == path.name else name_max
        if size > limit:
            raise OutputError(f"--out {shown}: expected names of at most {limit} bytes (the file system's limit "
                              f"{name_max}, less what temporary names add), found {size} bytes in {part[:40]}...")
    path_max = _limit(ancestor, "PC_PATH_MAX", 4096)
    size = len(os.fsencode(os.fspath(path)))
    if size + NAME_OVERHEAD + DEEPEST > path_max:
        raise OutputError(f"--out {shown}: expected a path of at most {path_max - NAME_OVERHEAD - DEEPEST} bytes "
                          f"(the file system's limit {path_max}, less what the result adds), found {size} bytes")
    if need_bytes and ancestor.is_dir():
        try:
            free = shutil.disk_usage(ancestor).free
        except OSError:
            return
        if free < need_bytes:
            raise OutputError(f"--out {shown}: expected at least {need_bytes / 1e6:.0f} MB free on its file system "
                              f"(an estimate of the result's size), found {free / 1e6:.1f} MB free")


def _check_parent(out: Path, shown: str) -> None:
    """The nearest existing ancestor of ``out`` must be a folder we can create things in (probed)."""
    ancestor = out.parent
    while not ancestor.exists() and ancestor != ancestor.parent:
        ancestor = ancestor.parent
    if not ancestor.is_dir():
        raise OutputError(f"--out {shown}: expected a path inside a folder, found the file {ancestor}")
    try:
        tempfile.TemporaryDirectory(prefix=".langerthuis-probe-", dir=ancestor).cleanup()
    except OSError as exc:
        raise OutputError(f"--out {shown}: expected a path in a writable folder, found {ancestor} not writable "
                          f"({exc.strerror or exc})") from None


def check_out(out, command: str, force: bool = False, kind: str = "folder", inputs=(), need_bytes: int = 0) -> Path:
    """Refuse an unusable --out before any work (raises OutputError, one line).

    ``kind``: "folder" (a result folder, replaced when complete), "file" (one file, e.g. the report),
    "sweep" (the sweep's own resumable folder) or "addto" (files added to a sweep or sensitivity folder).
    ``inputs``: the command's input files and folders; --out may not hold any of them.
    ``need_bytes``: an estimate of the output's size; less free space than that is refused.
    With ``force``, a previous result may hold only what its marker lists (``foreign_entries``).
    """
    shown = os.fspath(out)
    path = Path(os.path.abspath(out))
    check_path(path, shown, need_bytes)   # lengths first: a name too long breaks even lstat
    real = path.resolve()
    cwd = Path.cwd().resolve()
    if real == cwd or real in cwd.parents:
        raise OutputError(f"--out {shown}: expected a new folder, found the current folder or one of its parents")
    for name in inputs:
        if name and real in Path(name).resolve().parents:
            raise OutputError(f"--out {shown}: expected a folder that holds no input, found it holds {name}")
    if path.is_symlink() and not path.exists():
        raise OutputError(f"--out {shown}: expected a file or folder name, found a broken symbolic link")
    if kind == "file":
        if path.is_dir():
            raise OutputError(f"--out {shown}: expected a file name, found a folder")
        if path.exists():
            if not _is_report(path):
                raise OutputError(f"--out {shown}: expected a new file name, found a file langerthuis did not "
                                  f"write ({FORCE_NOTE})")
            if not force:
                raise OutputError(f"--out {shown}: expected a new file name, found a previous {command} "
                                  "(add --force to replace it)")
    elif path.exists():
        if not path.is_dir():
            raise OutputError(f"--out {shown}: expected a folder name, found a file ({FORCE_NOTE})")
        if any(path.iterdir()):
            marker = read_marker(path)
            made_by = marker.get("command") if marker else ("sweep" if _legacy_sweep(path) else None)
            made_by = FORMER_COMMANDS.get(made_by, made_by)
            allowed = {"folder": (command,), "sweep": ("sweep",), "addto": ("sweep", command)}[kind]
            if made_by is None:
                raise OutputError(f"--out {shown}: expected a new or empty folder, found a folder langerthuis "
                                  f"did not write ({FORCE_NOTE})")
            if made_by not in allowed:
                raise OutputError(f"--out {shown}: expected a new folder or a previous {command} result, found "
                                  f"a `{made_by}` result ({FORCE_NOTE})")
            if kind == "folder" and not force:
                raise OutputError(f"--out {shown}: expected a new folder, found a previous {command} result "
                                  "(add --force to replace it)")
            if force and kind in ("folder", "sweep"):
                _refuse_foreign(path, shown, made_by, marker)
    _check_parent(path, shown)
    return path


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def remove_stale(out) -> None:
    """Remove the temporary folders and files of ``out`` left by processes that no longer run."""
    out = Path(out)
    pattern = re.compile(rf"^\.{re.escape(out.name)}\.(?:tmp|old)-(\d+)(?:-\w+)?$")
    try:
        entries = list(out.parent.iterdir())
    except OSError:
        return
    for entry in entries:
        match = pattern.match(entry.name)
        if match and int(match.group(1)) != os.getpid() and not _pid_alive(int(match.group(1))):
            if entry.is_dir() and not entry.is_symlink():
                shutil.rmtree(entry, ignore_errors=True)
            else:
                with contextlib.suppress(OSError):
                    entry.unlink()


@contextlib.contextmanager
def out_lock(out):
    """Hold ``.NAME.lock`` next to ``out`` (fcntl.flock); another holder -> OutputBusy at once."""
    import fcntl
    out = Path(out)
    lock = out.parent / f".{out.name}.lock"
    while True:
        try:
            fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            raise OutputError(f"--out {os.fspath(out)}: expected a folder that can be written, found "
                              f"{out.parent} ({exc.strerror or exc})") from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise OutputBusy(f"--out {os.fspath(out)}: expected an output no other process writes, found it "
                             f"being written by another langerthuis process (lock {lock}); wait for it or "
                             "choose another --out") from None
        try:
            same = os.fstat(fd).st_ino == os.stat(lock).st_ino
        except FileNotFoundError:
            same = False
        if same:
            break
        os.close(fd)  # the previous holder removed this lock file after we opened it: take the new one
    try:
        yield lock
    finally:
        with contextlib.suppress(OSError):
            lock.unlink()
        os.close(fd)


def check_not_busy(out) -> None:
    """Refuse at once (before any work) an output another process is writing: its lock is held."""
    import fcntl
    out = Path(out)
    if out.is_symlink() and out.exists():   # atomic_folder writes (and locks) the link's target
        out = out.resolve()
    lock = out.parent / f".{out.name}.lock"
    try:
        fd = os.open(lock, os.O_RDONLY)
    except OSError:
        return  # no lock file: nobody writes it now (atomic_folder takes the lock for real)
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        raise OutputBusy(f"--out {os.fspath(out)}: expected an output no other process writes, found it being "
                         f"written by another langerthuis process (lock {lock}); wait for it or choose another "
                         "--out") from None
    finally:
        os.close(fd)


def write_marker(folder, command: str, wrote=None) -> None:
    """The marker: the command, and ``wrote``, what it wrote (default: everything ``folder`` holds now;
    entries may hold ``*`` within a name, e.g. a sweep's runs/run_*.parquet)."""
    wrote = listing(folder) if wrote is None else sorted(set(wrote))
    write_atomic(Path(folder) / MARKER, lambda p: write_json(p, {
        "command": command, "package": "langerthuis", "version": sim.__version__,
        "written": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "wrote": wrote}))


def add_to_marker(folder, entries) -> None:
    """Add ``entries`` to the list of a folder's marker (a command adding its files to another's folder)."""
    marker = read_marker(folder)
    if marker is None:
        return
    wrote = marker.get("wrote") if isinstance(marker.get("wrote"), list) else []
    if set(entries) <= set(wrote):
        return
    marker["wrote"] = sorted(set(wrote) | set(entries))
    write_atomic(Path(folder) / MARKER, lambda p: write_json(p, marker))


def _tmp_name(out: Path, kind: str) -> Path:
    return out.parent / f".{out.name}.{kind}-{os.getpid()}-{secrets.token_hex(4)}"


@contextlib.contextmanager
def atomic_folder(out, command: str | None = None, force: bool = False):
    """Yield a temporary folder next to ``out``; on success it replaces ``out`` in one rename.

    With ``command`` (every CLI command), ``out`` is checked under the lock (check_out) and the result gets
    the marker; without (internal caches) an existing ``out`` is simply replaced. Either way a lock keeps
    concurrent writers apart and no temporary folder survives, not even a killed process's (removed at
    the next start)."""
    out = _with_parent(out)
    with out_lock(out):
        remove_stale(out)
        if command is not None:
            check_out(out, command, force)
        tmp = _tmp_name(out, "tmp")
        tmp.mkdir(mode=0o755)
        old = None
        try:
            yield tmp
            if command is not None:
                write_marker(tmp, command)
            if out.is_dir() and any(out.iterdir()):
                old = _tmp_name(out, "old")
                os.replace(out, old)
            os.replace(tmp, out)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            if old is not None and not out.exists():
                os.replace(old, out)  # put the previous result back
                old = None
            raise
        finally:
            if old is not None and old.is_symlink():  # --out was a link to a previous result: drop the link
                old.unlink()
            elif old is not None:
                shutil.rmtree(old, ignore_errors=True)


def _with_parent(out) -> Path:
    """``out`` as a Path whose parent folder exists (created if needed); a link to a folder or file is
    followed, so the result replaces the link's target (the link itself stays)."""
    out = Path(out)
    if out.is_symlink() and out.exists():
        out = out.resolve()
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"--out {os.fspath(out)}: expected a folder that can be created, found "
                          f"{exc.strerror or exc}") from None
    return out


@contextlib.contextmanager
def atomic_file(out, command: str, force: bool = False):
    """Yield a temporary file name next to ``out`` (checked under the lock like atomic_folder); renamed
    to ``out`` when the block completes, removed if it fails."""
    out = _with_parent(out)
    with out_lock(out):
        remove_stale(out)
        check_out(out, command, force, kind="file")
        tmp = _tmp_name(out, "tmp")
        try:
            yield tmp
            os.replace(tmp, out)
        finally:
            tmp.unlink(missing_ok=True)


def write_json(path, data):
    Path(path).write_text(json.dumps(data, indent=2, default=_jsonable) + "\n", encoding="utf-8")


def _jsonable(x):
    if isinstance(x, np.generic):
        return x.item()
    if isinstance(x, np.ndarray):
        return x.tolist()
    return str(x)
