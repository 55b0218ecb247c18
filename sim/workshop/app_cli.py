"""``langerthuis app``: start the workshop web app (``sim.workshop.app``) with Solara's server on this computer.

Solara's page loads its JavaScript and CSS through the server's asset path. The ``solara-assets`` package
(pinned to Solara's own version in the ``app`` extra) installs them, and Solara serves them from its folder,
so a plain ``pip install`` works in a room without internet: no npm, no CDN. The app warns when they are
missing.
"""
from __future__ import annotations

import errno
import os
import re
import signal
import subprocess
import sys
import time
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
    # the page's module, not the package: Solara would make a route (a tab) of every module of a package
    return [sys.executable, "-m", "solara", "run", "sim.workshop.app.page:Page", "--host", args.host,
            "--port", str(args.port), "--production", "--no-open", "--log-level", "warning"]


# ---- the page's assets ----------------------------------------------------------------------------------


def asset_packages() -> list[str]:
    """npm 'name@version' of every package the Solara page template loads from its CDN path.

    Read from the installed Solara's template, so an upgrade of Solara asks for its own versions.
    """
    import solara.server.settings as settings

    template = Path(settings.__file__).parent / "templates" / "solara.html.j2"
    found = re.findall(r"\{\{\s*cdn\s*\}\}/((?:@[\w.-]+/)?[\w.-]+@[\w.-]+)/", template.read_text(encoding="utf-8"))
    found.append(settings.assets.fontawesome_path.strip("/").split("/")[0])
    return sorted(set(found))


def missing_assets() -> list[str]:
    """Problems that would leave the page blank without internet: the ``solara-assets`` package (pinned with
    Solara in the ``app`` extra) holds the page's JavaScript and CSS, and Solara serves them from its folder."""
    from importlib.metadata import PackageNotFoundError, version

    import solara.server.settings as settings

    try:
        assets, ui = version("solara-assets"), version("solara")
    except PackageNotFoundError:
        return ["solara-assets is not installed (pip install -e \".[app]\"): the page needs the internet"]
    problems = [] if assets == ui else [f"solara-assets {assets} does not match solara {ui}: "
                                        f"pip install -e \".[app]\" installs the matching pair"]
    folder = Path(settings.assets.proxy_cache_dir)
    missing = [p for p in asset_packages() if not (folder / p).is_dir()]
    if missing:
        problems.append(f"not in {folder}: {', '.join(missing)}; the page fetches them from the internet")
    return problems


# ---- the command ----------------------------------------------------------------------------------------


def _check_host_and_port(host: str, port: int) -> None:
    """The server could listen on ``host``:``port``: an address of this computer (or a name of one), the port
    free. A probe socket binds as the server will (SO_REUSEADDR) and closes at once."""
    import socket
    try:  # a numeric address must be valid as it stands: 999.1.1.1 is never a name to look up
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_NUMERICHOST)
    except (socket.gaierror, UnicodeError, ValueError):
        if re.fullmatch(r"[0-9.]+|.*:.*", host) or not re.fullmatch(r"[A-Za-z0-9.-]{1,253}", host):
            raise InputError(f"--host: expected an IP address or a host name, found {host!r}") from None
        try:
            infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except (socket.gaierror, UnicodeError, ValueError) as exc:
            raise InputError(f"--host: expected a name of this computer, found {host!r} ({exc})") from None
    family, kind, proto, _, address = infos[0]
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(address)
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise InputError(f"--port: expected a free port, found {port} in use on {host} (another app or "
                                 "server; choose another --port)") from None
            raise InputError(f"--host: expected an address of this computer to listen on, found {host!r} "
                             f"({exc.strerror or exc})") from None


def _check_cache(cache) -> None:
    """The cache folder (--cache, else $LANGERTHUIS_CACHE or ~/.cache/langerthuis) is a folder, or can be one."""
    name = "--cache" if cache else "$LANGERTHUIS_CACHE" if os.environ.get("LANGERTHUIS_CACHE") else "the cache"
    folder = Path(cache or os.environ.get("LANGERTHUIS_CACHE") or Path.home() / ".cache" / "langerthuis")
    ancestor = folder
    while not ancestor.exists() and ancestor != ancestor.parent:
        ancestor = ancestor.parent
    if not ancestor.is_dir():
        raise InputError(f"{name}: expected a folder for the cache of finished runs, found the file {ancestor}")
    if not os.access(ancestor, os.W_OK | os.X_OK):
        raise InputError(f"{name}: expected a folder the cache can be written to, found {ancestor} not writable")


INSTALL_APP = 'python3 -m pip install -e ".[app]"'


def check_installed() -> None:
    """The app extra is installed (the README's quick start installs the model only): else one line saying
    which command adds it, exit status 2, instead of a ModuleNotFoundError."""
    from importlib.util import find_spec
    missing = [m for m in ("solara", "ipyvuetify") if find_spec(m) is None]
    if missing:
        raise InputError(f"app: expected the app extra ({', '.join(missing)}), found it not installed: "
                         f"{INSTALL_APP} adds it")


def check_args(args) -> None:
    """Before the server starts: the app extra, the port, the host and the cache folder (each one line, exit
    status 2)."""
    check_installed()
    if not 0 < args.port < 65536:
        raise InputError(f"--port: expected a port from 1 to 65535, found {args.port}")
    if args.scenarios:
        folder = Path(args.scenarios)
        if not folder.is_dir() or not any(folder.glob("*.yaml")):
            raise InputError(f"--scenarios: expected a folder with scenario .yaml files, found {folder}")
    _check_cache(args.cache)
    _check_host_and_port(args.host, args.port)


def main(args) -> int:
    check_args(args)   # again, for callers that skip sim.cli (the port may have been taken meanwhile)
    env = dict(os.environ)
    if args.scenarios:
        env["LANGERTHUIS_SCENARIOS"] = str(Path(args.scenarios).resolve())
    if args.cache:
        env["LANGERTHUIS_CACHE"] = str(Path(args.cache).resolve())
    # the server computes the workshop's questions when it starts (sim.workshop.app.questions) and logs when
    # each is ready, in seconds from now
    env.update(LANGERTHUIS_QUESTIONS="1", LANGERTHUIS_STARTED=repr(time.time()))
    env["SOLARA_THEME_SHOW_BANNER"] = "false"    # Solara's "This website runs on Solara" covered axis labels
    for problem in missing_assets():
        print(f"langerthuis app: warning: {problem}", file=sys.stderr)

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
