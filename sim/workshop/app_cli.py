"""``langerthuis app``: start the workshop web app (``sim/app.py``) with Solara's server on this computer.

Solara's page loads its JavaScript and CSS from a CDN, through the server's asset proxy. So that the app
also works where that CDN cannot be reached (a workshop room without internet, CI), the packages the page
needs are fetched once with ``npm pack`` from the npm registry into the proxy's folder
(``~/.cache/langerthuis/solara-cdn``); without npm the server falls back to the CDN as usual.
"""
from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

from sim.errors import InputError


def register(sub):
    p = sub.add_parser("app", help="start the workshop web app in the browser (Solara)")
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1: this computer only)")
    p.add_argument("--port", type=int, default=8765, help="port (default 8765)")
    p.add_argument("--scenarios", help="folder of scenario files to offer (default: the project's scenarios/)")
    p.add_argument("--cache", help="cache folder of finished runs (default $LANGERTHUIS_CACHE or ~/.cache/langerthuis)")
    p.set_defaults(func=main)


def command(args) -> list[str]:
    # --production: no file watching or auto-reload, which a workshop laptop does not need
    return [sys.executable, "-m", "solara", "run", "sim.workshop.app:Page", "--host", args.host, "--port", str(args.port),
            "--production", "--no-open", "--log-level", "warning"]


# ---- the page's assets ----------------------------------------------------------------------------------


def asset_folder() -> Path:
    default = Path.home() / ".cache" / "langerthuis" / "solara-cdn"
    return Path(os.environ.get("SOLARA_ASSETS_PROXY_CACHE_DIR") or default)


def asset_packages() -> list[str]:
    """npm 'name@version' of every package the Solara page template loads from the CDN.

    Read from the installed Solara's template, so an upgrade of Solara asks for its own versions.
    """
    import solara.server.settings as settings

    template = Path(settings.__file__).parent / "templates" / "solara.html.j2"
    found = re.findall(r"\{\{\s*cdn\s*\}\}/((?:@[\w.-]+/)?[\w.-]+@[\w.-]+)/", template.read_text(encoding="utf-8"))
    found.append(settings.assets.fontawesome_path.strip("/").split("/")[0])
    return sorted(set(found))


def prepare_assets(folder: Path) -> list[str]:
    """Fetch the missing asset packages into ``folder`` (laid out as the CDN's URLs); returns problems."""
    missing = [p for p in asset_packages() if not (folder / p).is_dir()]
    if not missing:
        return []
    npm = shutil.which("npm")
    if npm is None:
        return [f"npm not found: the browser page needs the CDN for {', '.join(missing)}"]
    problems = []
    folder.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=folder) as tmp:
        for package in missing:
            out = subprocess.run([npm, "pack", package, "--silent", "--pack-destination", tmp],
                                 capture_output=True, text=True, timeout=300)
            name = out.stdout.strip().splitlines()[-1] if out.returncode == 0 and out.stdout.strip() else ""
            tgz = Path(tmp) / name
            if not name or not tgz.is_file():
                problems.append(f"npm pack {package} failed: {(out.stderr or out.stdout).strip()[:200]}")
                continue
            unpacked = Path(tmp) / (package.replace("/", "_") + ".d")
            with tarfile.open(tgz) as tar:
                tar.extractall(unpacked, filter="data")
            target = folder / package
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(unpacked / "package", target)   # npm tarballs hold one folder, 'package'
    return problems


# ---- the command ----------------------------------------------------------------------------------------


def main(args) -> int:
    if not 0 < args.port < 65536:
        raise InputError(f"--port: expected a port from 1 to 65535, found {args.port}")
    env = dict(os.environ)
    if args.scenarios:
        folder = Path(args.scenarios)
        if not folder.is_dir() or not any(folder.glob("*.yaml")):
            raise InputError(f"--scenarios: expected a folder with scenario .yaml files, found {folder}")
        env["LANGERTHUIS_SCENARIOS"] = str(folder.resolve())
    if args.cache:
        env["LANGERTHUIS_CACHE"] = str(Path(args.cache).resolve())
    assets = asset_folder()
    try:
        problems = prepare_assets(assets)
    except (OSError, subprocess.SubprocessError, tarfile.TarError) as exc:
        problems = [f"could not prepare the page's assets: {exc}"]
    for problem in problems:
        print(f"langerthuis app: warning: {problem}", file=sys.stderr)
    env["SOLARA_ASSETS_PROXY_CACHE_DIR"] = str(assets)

    print(f"langerthuis app: open http://{args.host}:{args.port} in a browser (Ctrl+C stops)", flush=True)
    server = subprocess.Popen(command(args), env=env)

    def stop(signum, frame):  # a terminated app takes its server along instead of orphaning it
        raise KeyboardInterrupt
    signal.signal(signal.SIGTERM, stop)
    try:
        return server.wait()
    except KeyboardInterrupt:
        return 130
    finally:
        if server.poll() is None:
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
