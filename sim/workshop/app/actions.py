"""What the buttons do: run the chosen scenarios in a thread (or answer from the cache), cancel, keep every
run as a named variant, open a variant (from the list, a link or an imported file) with its side panel."""
from __future__ import annotations

import json
import time

from solara.lab import task

from sim.errors import InputError
from sim.workshop import appcache
from sim.workshop.app import jobs, questions
from sim.workshop.app.errors import room_error
from sim.workshop.app.choices import ALARM_CHOICES, ROUTES
from sim.workshop.app.numbers import Result
from sim.workshop.app.state import (DEFAULT_REPLICATES, access_route, alarm, base_choice, budget_cut,
                                    budget_from_year, build_jobs, cancelled, carer, cells_text, chosen, confirm,
                                    current_levers, dwellings, error, from_cache, lang, meeting, move_wsg, municipality,
                                    pending_import, plain_too, replicates, running, scenario_files, settings, shown,
                                    shown_meta, start_year, status, team_hours, team_mandate, variant_name, where,
                                    warm)
from sim.workshop.appcache import BIG_RUN_SECONDS, Levers, cached_run, estimate_seconds
from sim.workshop.labels import app_text as t, fmt_number


def _auto_name(levers: Levers, stems: list[str]) -> str:
    parts = [", ".join(stems)] + ([levers.municipality] if levers.municipality else [])
    if levers.adapted_dwellings:
        parts.append(f"{levers.adapted_dwellings} dw")
    if levers.care_team_hours:
        parts.append(f"{levers.care_team_hours:g} h")
    if levers.alarm_minutes:
        parts.append(f"{levers.alarm_minutes:g} min")
    if levers.carer_support:
        parts.append(f"cs {levers.carer_support:g}")
    if levers.meeting_place:
        parts.append("meeting")
    if len(parts) > 1:
        parts.insert(1, levers.where if levers.where != "cells" else levers.cells)
    return f"{time.strftime('%H:%M:%S')} {' · '.join(parts)}"


def keep(results: dict, meta: dict, cache_hit: bool, inputs: str):
    """Show the results; save them as a named variant only when this group has no variant of the same inputs
    yet (a cache hit of an earlier run shows that variant again instead of a copy)."""
    group = meta.get("group", "")
    same = [v for v in appcache.list_variants() if v.get("inputs") == inputs and v.get("group", "") == group]
    if same:
        shown_meta.value = dict(meta, slug=same[0]["slug"], name=same[0]["name"])
    else:
        shown_meta.value = dict(meta, slug=_save(results, meta, inputs))
    from_cache.value = cache_hit
    shown.value = results


def _save(results: dict, meta: dict, inputs: str) -> str:
    """The variant written under a slug of its name that no other variant has; returns the slug."""
    record = appcache.variant_record(meta["name"], meta["levers"], meta["chosen"],
                                     {n: tuple(r) for n, r in results.items()})
    record.update(plain_too=meta.get("plain_too"), group=meta.get("group", ""), inputs=inputs)
    slug, existing, k = record["slug"], {v["slug"] for v in appcache.list_variants()}, 2
    while slug in existing:
        slug = f"{record['slug']}-{k}"
        k += 1
    record["slug"] = slug
    try:
        appcache.save_variant(record)
    except OSError as exc:
        error.value = t("not_saved", lang.value, reason=exc.strerror or type(exc).__name__)
    return slug


def doing(job, L: str) -> str:
    """What a run does now and about how long it will take."""
    if not job.step:
        return t("warming", L)
    left = job.seconds_left()
    when = (t("left_seconds", L, n=fmt_number(max(5, round(left / 5) * 5), L, 0)) if left < 90
            else t("left_minutes", L, n=fmt_number(left / 60, L, 0)))
    return f"{t('progress', L, **job.step)} · {when}"


@task
def run_all(key: str, meta: dict, closed) -> dict:
    """Watch the server's run of these inputs (jobs.start) until it is done, showing its progress; a reload or
    a closed page leaves the run going (the next page with ``?run=`` attaches to it again)."""
    job = jobs.find(key)
    if job is None:
        return {}
    while not job.done.wait(0.5):
        if closed is not None and closed.is_set():
            return {}
        status.value = doing(job, lang.value)
        run_all.progress = job.progress
    running.value = ""
    status.value = ""
    if job.error is not None:
        raise job.error
    keep(job.results, meta, False, key)
    return job.results


def _closed_event():
    try:
        from solara.lifecycle import kernel_closed_event
        return kernel_closed_event()
    except (ImportError, RuntimeError):
        return None


def attach(key: str) -> bool:
    """After a reload: watch the run of ``key`` if the server still has it (in progress or finished)."""
    job = jobs.find(key)
    if job is None or (job.done.is_set() and job.error is not None):
        return False
    running.value = key
    run_all(key, _meta(), _closed_event())
    return True


def _meta() -> dict:
    group = variant_name.value.strip()
    return dict(settings(), group=group, name=group or _auto_name(current_levers(), chosen.value))


def start_run(confirmed: bool = False):
    """Build the jobs from the choices (errors shown at once, nothing run); answer from the cache at once;
    ask before a run estimated to take long; else start it on the server (or attach to the same run)."""
    error.value = ""
    cancelled.value = False
    if not chosen.value:
        error.value = t("choose", lang.value)
        return
    try:
        jobs_ = build_jobs()
    except (InputError, KeyError, FileNotFoundError) as exc:
        error.value = room_error(exc, lang.value)
        return
    scenarios = list(jobs_.values())
    key = jobs.run_key(scenarios)
    hits = {n: cached_run(s) for n, s in jobs_.items()}
    if all(h is not None for h in hits.values()):      # every run is in the cache: no thread, no "running"
        confirm.value = ""
        keep({n: Result(jobs_[n], *hits[n]) for n in jobs_}, _meta(), True, key)
        return
    seconds = sum(estimate_seconds(s) for n, s in jobs_.items() if hits[n] is None)
    if seconds > BIG_RUN_SECONDS and not confirmed and jobs.find(key) is None:
        confirm.value = t("big_run", lang.value, minutes=fmt_number(max(1.0, seconds / 60), lang.value, 0))
        return
    confirm.value = ""
    jobs.start(scenarios, warm["done"])
    running.value = key
    run_all(key, _meta(), _closed_event())


def ask(question: str):
    """A question button: the side panel set to the question's scenarios, levers and base, then Run (the
    answer is usually ready: the app computes the questions when it starts)."""
    q = questions.question(question, scenario_files(), DEFAULT_REPLICATES,   # the replicates computed at start
                           municipality.value)
    if q is None:
        return
    restore_panel(q["levers"], q["chosen"], q["plain_too"])
    where.set(q["levers"].where)
    cells_text.set(q["cells_text"])
    base_choice.set(q["base"])
    start_run(confirmed=True)


def cancel_run():
    job = jobs.find(running.value) if running.value else None
    if job is not None:
        job.stop.set()
    cancelled.value = True


def open_variant(slug: str):
    try:
        record = appcache.load_variant(slug)
    except InputError as exc:
        error.value = room_error(exc, lang.value)
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
    municipality.set(levers.municipality)
    where.set(levers.where)
    cells_text.set(levers.cells)
    move_wsg.set(bool(levers.move_scenario_wsg))
    start_year.set(int(levers.start_year))
    dwellings.set(int(levers.adapted_dwellings))
    team_hours.set(int(levers.care_team_hours))
    alarm.set(int(levers.alarm_minutes) if int(levers.alarm_minutes) in ALARM_CHOICES else 0)
    carer.set(float(levers.carer_support))
    meeting.set(int(levers.meeting_place))
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
    except (ValueError, UnicodeDecodeError, InputError):
        error.value = t("err_variant", lang.value)
        return
    record["slug"] = appcache.variant_slug(record["name"])
    appcache.save_variant(record)
    open_variant(record["slug"])

