"""What goes wrong, said to the room: one sentence from the text table, in the page's language, without file
paths or a traceback (the one-line InputError, 'file:line: key: expected ..., found ...', is for the command
line). Bad cells, a place the scenario lacks, a scenario gone from the folder, a variant that cannot be read, a
run that failed."""
from __future__ import annotations

import re

from sim.errors import InputError, ScenarioError
from sim.workshop.labels import app_text as t


def room_error(exc: BaseException, lang: str) -> str:
    """One sentence for the room about ``exc``."""
    message = str(exc)
    if isinstance(exc, ScenarioError):
        if re.search(r"(^|\.)cells(\[|$)", exc.path or ""):
            return t("err_cells", lang, cells=exc.found.strip("[]").replace(" ", ""))
        return t("err_input", lang, key=exc.path or "?", found=exc.found)
    if isinstance(exc, InputError):
        found = re.search(r"found (.*)$", message)
        what = found.group(1).strip("'\"") if found else ""
        if message.startswith("cells:"):
            return t("err_cells", lang, cells=what)
        if message.startswith("where:"):
            return t("err_where", lang, where=what)
        if message.startswith("variant "):
            return t("err_variant", lang)
        return t("err_input", lang, key=message.split(":")[0] if ":" in message else "?", found=what or "?")
    if isinstance(exc, (KeyError, FileNotFoundError)):
        name = exc.args[0] if isinstance(exc, KeyError) and exc.args else getattr(exc, "filename", "") or ""
        return t("err_scenario", lang, name=re.sub(r"\.ya?ml$", "", str(name).rsplit("/", 1)[-1]))
    return t("err_run", lang, what=type(exc).__name__)
