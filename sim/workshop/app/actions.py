"""What the buttons do: run the chosen scenarios in a thread (or answer from the cache), cancel, keep every
run as a named variant, open a variant (from the list, a link or an imported file) with its side panel."""
from __future__ import annotations

import json
import threading
import time

from solara.lab import task

from sim.errors import InputError
from sim.workshop import appcache
from sim.workshop.app.choices import ALARM_CHOICES, ROUTES
from sim.workshop.app.numbers import Result
from sim.workshop.app.state import (Cancelled, access_route, alarm, budget_cut, budget_from_year, build_jobs,
                                    cancel_event, cancelled, carer, cells_text, chosen, confirm, current_levers,
                                    dwellings, error, from_cache, lang, move_wsg, pending_import, plain_too,
                                    replicates, scenario_files, settings, shown, shown_meta, start_year, status,
                                    team_hours, team_mandate, variant_name, where, warm)
from sim.workshop.appcache import BIG_RUN_SECONDS, Levers, cached_run, estimate_seconds, run_full
from sim.workshop.labels import app_text as t, fmt_number


def _auto_name(levers: Levers, stems: list[str]) -> str:
    parts = [", ".join(stems)]
    if levers.adapted_dwellings:
        parts.append(f"{levers.adapted_dwellings} dw")
    if levers.care_team_hours:
        parts.append(f"{levers.care_team_hours:g} h")
    if levers.alarm_minutes:
        parts.append(f"{levers.alarm_minutes:g} min")
    if levers.carer_support:
        parts.append(f"cs {levers.carer_support:g}")
    if len(parts) > 1:
        parts.insert(1, levers.where if levers.where != "cells" else levers.cells)
    return f"{time.strftime('%H:%M:%S')} {' · '.join(parts)}"


def keep(results: dict, meta: dict, cache_hit: bool):
    """Show the results and save them as a named variant (a reload or another laptop opens them again)."""
    name = meta["name"]
    record = appcache.variant_record(name, meta["levers"], meta["chosen"], {n: tuple(r) for n, r in results.items()})
    record["plain_too"] = meta.get("plain_too")      # the side panel comes back with the variant
    slug = record["slug"]
    existing = {v["slug"] for v in appcache.list_variants()}
    k = 2
    while slug in existing:
        slug = f"{record['slug']}-{k}"
        k += 1
    record["slug"] = slug
    try:
        appcache.save_variant(record)
    except OSError as exc:
        error.value = f"variant not saved: {exc}"
    shown_meta.value = dict(meta, slug=slug)
    from_cache.value = cache_hit
    shown.value = results


@task
def run_all(jobs: list, meta: dict, stop: threading.Event, closed) -> dict:
    """Run (or fetch from the cache) every job, reporting progress in scenarios and simulated years."""
    L = lang.value
    if not warm["done"].is_set():
        status.value = t("warming", L)
        warm["done"].wait()
    results = {}
    for i, s in enumerate(jobs, start=1):
        reps, years = int(s["replicates"]), s["end_year"] - s["start_year"] + 1

        def progress(done, s=s, i=i, reps=reps, years=years):
            if stop.is_set() or (closed is not None and closed.is_set()):
                raise Cancelled()
            status.value = t("progress", L, i=i, n=len(jobs), name=s["name"], done=done, total=reps * years,
                             reps=reps, years=years)
            run_all.progress = 100.0 * ((i - 1) + done / (reps * years)) / len(jobs)
        progress(0)
        started = time.monotonic()
        run = run_full(s, progress)
        appcache.record_speed(s, time.monotonic() - started)
        results[s["name"]] = Result(s, *run)
    status.value = ""
    keep(results, meta, False)
    return results


def start_run(confirmed: bool = False):
    """Build the jobs from the choices (errors shown at once, nothing run); answer from the cache at once;
    ask before a run estimated to take long; else start the thread."""
    error.value = ""
    cancelled.value = False
    if not chosen.value:
        error.value = t("choose", lang.value)
        return
    try:
        jobs = build_jobs()
    except (InputError, KeyError) as exc:
        error.value = str(exc)
        return
    meta = dict(settings(), name=variant_name.value.strip() or _auto_name(current_levers(), chosen.value))
    hits = {n: cached_run(s) for n, s in jobs.items()}
    if all(h is not None for h in hits.values()):      # every run is in the cache: no thread, no "running"
        confirm.value = ""
        keep({n: Result(jobs[n], *hits[n]) for n in jobs}, meta, True)
        return
    seconds = sum(estimate_seconds(s) for n, s in jobs.items() if hits[n] is None)
    if seconds > BIG_RUN_SECONDS and not confirmed:
        confirm.value = t("big_run", lang.value, minutes=fmt_number(max(1.0, seconds / 60), lang.value, 0))
        return
    confirm.value = ""
    try:
        from solara.lifecycle import kernel_closed_event
        closed = kernel_closed_event()        # a reload or a closed tab stops the run too
    except (ImportError, RuntimeError):
        closed = None
    stop = threading.Event()
    cancel_event.value = stop
    run_all(list(jobs.values()), meta, stop, closed)


def cancel_run():
    if cancel_event.value is not None:
        cancel_event.value.set()
    cancelled.value = True


def open_variant(slug: str):
    try:
        record = appcache.load_variant(slug)
    except InputError as exc:
        error.value = str(exc)
        return
    results = {n: Result(*r) for n, r in appcache.variant_runs(record).items()}
    levers = Levers(**record["levers"])
    restore_panel(levers, record["chosen"], record.get("plain_too"))
    shown_meta.value = {"name": record["name"], "slug": record.get("slug", slug), "chosen": list(chosen.value),
                        "levers": current_levers(), "plain_too": plain_too.value}
    from_cache.value = True
    shown.value = results
    error.value = ""


def restore_panel(levers: Levers, stems: list, plain=None):
    """The side panel set to a variant's settings (after a reload, from a link, or opening it), so that Run
    makes the same variant again and a changed lever marks the results out of date."""
    files = scenario_files()
    chosen.set([s for s in stems if s in files] or list(chosen.value))
    where.set(levers.where)
    cells_text.set(levers.cells)
    move_wsg.set(bool(levers.move_scenario_wsg))
    start_year.set(int(levers.start_year))
    dwellings.set(int(levers.adapted_dwellings))
    team_hours.set(int(levers.care_team_hours))
    alarm.set(int(levers.alarm_minutes) if int(levers.alarm_minutes) in ALARM_CHOICES else 0)
    carer.set(float(levers.carer_support))
    if levers.replicates:
        replicates.set(int(levers.replicates))
    access_route.set(levers.access_route if levers.access_route in ROUTES else "")
    team_mandate.set(bool(levers.team_mandate))
    budget_cut.set(float(levers.budget_cut))
    budget_from_year.set(int(levers.budget_from_year))
    if plain is not None:
        plain_too.set(bool(plain))


def import_variant(file_info: dict):
    """FileDrop's callback, in FileDrop's thread: only hand the file over. Opening it changes the Variants card,
    which remounts the FileDrop and cancels its thread mid-way (the variant was named but never shown); the
    import itself runs after the next render (``import_pending``)."""
    pending_import.value = {"data": file_info["data"], "name": file_info.get("name", "file")}


def import_pending():
    file_info = pending_import.value
    if not file_info:
        return
    pending_import.value = None
    _import(file_info)


def _import(file_info: dict):
    try:
        record = appcache.check_variant(json.loads(file_info["data"].decode("utf-8")), file_info.get("name", "file"))
    except (ValueError, UnicodeDecodeError):
        error.value = f"{file_info.get('name', 'file')}: expected a langerthuis variant file, found other data"
        return
    except InputError as exc:
        error.value = str(exc)
        return
    record["slug"] = appcache.variant_slug(record["name"])
    appcache.save_variant(record)
    open_variant(record["slug"])

