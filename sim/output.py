"""Output folders: written under a temporary name and renamed when complete, with a manifest."""
from __future__ import annotations

import contextlib
import hashlib
import json
import os
import platform
import shutil
import subprocess
import tempfile
from pathlib import Path

import mesa
import numba
import numpy as np

import sim
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


@contextlib.contextmanager
def atomic_folder(out):
    """Yield a temporary folder next to ``out``; on success it replaces ``out`` in one rename."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.tmp-", dir=out.parent))
    tmp.chmod(0o755)  # mkdtemp makes it private; the result is an ordinary folder
    try:
        yield tmp
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    old = None
    if out.exists():
        old = out.parent / f".{out.name}.old-{os.getpid()}"
        os.replace(out, old)
    os.replace(tmp, out)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def write_json(path, data):
    Path(path).write_text(json.dumps(data, indent=2, default=_jsonable) + "\n", encoding="utf-8")


def _jsonable(x):
    if isinstance(x, np.generic):
        return x.item()
    if isinstance(x, np.ndarray):
        return x.tolist()
    return str(x)
