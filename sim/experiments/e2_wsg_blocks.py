"""E2 Woonservicegebied building blocks: each of wsg_full.yaml's investments alone and all together in the
woonservicegebied ``centrum`` against the baseline, a dose-response for the blocks with a dose, the ledger
per party (NPV, break-even year), the break-even effect scale (sim.analysis.breakeven), and the de Kam (2012)
findings and the Rotterdam null result next to what the model gives. Paired replicates on the calibrated
ensemble, with the uncertain effect sizes drawn from their priors per replicate (effect_priors)."""
from __future__ import annotations

import copy

import numpy as np
import pandas as pd

from sim.experiments.base import ExperimentOutput
from sim.experiments.common import (figure_grid, interval, md_table, paired_contrasts,
                                    replicate_note, scenario, workers_for)
from sim.model.neighbourhoods import DOSE
from sim.analysis.compare import Comparison
from sim.analysis.summary import band
from sim.workshop.comparison import fig_deciding

NAME = "e2_wsg_blocks"
TITLE = "E2 Woonservicegebied building blocks"
QUESTION = ("Which building blocks of a woonservicegebied keep residents at home longer and at what cost to whom; "
            "how does the effect grow with the dose; how large must the uncertain effects be to pay back; and does "
            "the model reproduce the de Kam (2012) findings and the Rotterdam null result?")
RUNTIME = {"quick": "about 15-20 s", "full": "643 s on 2 cores (2026-12-02)"}

START, END, FROM = 2013, 2030, 2016    # the investments start in 2016
QUICK_START, QUICK_END = 2013, 2018
REPLICATES, QUICK_REPLICATES = 10, 2
DOSE_FACTORS = (2.0,)               # with the baseline (0) and wsg_full's own dose (1.0): 3 dose levels per block
BREAKEVEN_SCALES, QUICK_SCALES = (0.0, 1.0, 2.0), (0.0, 2.0)
BREAKEVEN_REPLICATES = 5            # fixed effects: the scale sweep needs fewer replicates than the priors
QUICK_BLOCKS = ("adapted_dwellings", "care_team_hours", "meeting_place")
QUICK_EFFECTS = ("decline_unmet", "network_meeting_gain")   # quick: two effects alone (full: every one)
MUNICIPAL = ("months_at_home_km", "intramural_admissions_per_1000", "hospital_admissions_per_1000_65plus",
             "falls_per_1000_65plus", "unmet_need_share", "wellbeing_mean_clients", "mantelzorg_hours_per_1000",
             "carers_overburdened_share", "cost_total_per_capita")
LABELS = {
    "months_at_home_km": "months at home after a first package (KM, 10 y)",
    "intramural_admissions_per_1000": "intramural admissions per 1,000",
    "hospital_admissions_per_1000_65plus": "hospital admissions per 1,000 65+",
    "falls_per_1000_65plus": "falls per 1,000 65+",
    "unmet_need_share": "unmet need (share of hours)",
    "wellbeing_mean_clients": "well-being of clients (0-1)",
    "mantelzorg_hours_per_1000": "informal care hours per 1,000",
    "carers_overburdened_share": "carers overburdened (share)",
    "cost_total_per_capita": "total care spending, EUR per inhabitant",
    "hours_needed_per_65plus": "formal hours needed per 65+ (centrum)",
    "informal_hours_week_per_65plus": "informal hours a week per 65+ (centrum)",
    "wellbeing_need_slope": "well-being loss per unit of need (centrum)",
}


def blocks() -> list[dict]:
    """wsg_full.yaml's investments, resolved (cells expanded), in file order."""
    return scenario("wsg_full.yaml", quick=False)["investments"]


def _dosed(inv: dict, factor: float) -> dict | None:
    """The investment at ``factor`` times its dose above no effect (ints rounded); None when that is no dose."""
    key, none = DOSE[inv["type"]]
    value = none + factor * (inv[key] - none)
    value = int(round(value)) if isinstance(inv[key], int) else float(value)
    if value == none:
        return None
    return dict(copy.deepcopy(inv), **{key: value})


def _unresolved(inv: dict) -> dict:
    """An investment as a scenario file would give it: cells by area name (re-resolved, also on the quick grid)."""
    return dict(copy.deepcopy(inv), cells="centrum")


def arms(quick: bool, replicates: int) -> tuple[list[dict], dict]:
    """(scenarios, {arm: (block type, dose factor)}): the baseline, each block alone, all, doses."""
    end = QUICK_END if quick else END
    common = dict(start_year=QUICK_START if quick else START, end_year=end, parameters={"calibrated": "ensemble"})
    invs = blocks()
    chosen = [i for i in invs if not quick or i["type"] in QUICK_BLOCKS]
    out = [scenario("baseline.yaml", quick, name="baseline", **common)]
    meta = {"baseline": (None, 0.0)}
    for inv in chosen:
        out.append(scenario("wsg_full.yaml", quick, name=inv["type"], investments=[_unresolved(inv)], **common))
        meta[inv["type"]] = (inv["type"], 1.0)
    out.append(scenario("wsg_full.yaml", quick, name="all_blocks", **common))
    meta["all_blocks"] = ("all", 1.0)
    for inv in chosen:
        if inv["type"] not in DOSE:
            continue
        for f in DOSE_FACTORS if not quick else DOSE_FACTORS[-1:]:
            dosed = _dosed(inv, f)
            if dosed is None:
                continue
            name = f"{inv['type']}@{f:g}"
            out.append(scenario("wsg_full.yaml", quick, name=name, investments=[_unresolved(dosed)], **common))
            meta[name] = (inv["type"], f)
    return out, meta


def breakeven(base: list[dict], replicates: int, window, scales, effects, workers: int):
    """On one worker pool: sim.analysis.breakeven.run (NPV per party and effect scale of all blocks) and
    sim.analysis.deciding_effects.run (each uncertain effect alone at its prior's ends)."""
    from sim.analysis import breakeven as joint, deciding_effects
    from sim.analysis.pool import open_pool
    with open_pool(workers) as pool:
        return (joint.run(base, replicates, window, scales, pool=pool),
                deciding_effects.run(base, replicates, window, effects, pool=pool))


# ----------------------------------------------------------------------------- evidence side by side
def findings(con: pd.DataFrame, area: pd.DataFrame) -> pd.DataFrame:
    """de Kam (2012) and Rotterdam (2016) next to the model: per finding the model's paired difference of
    all blocks against the baseline (or of the named block), the expected sign and whether the model agrees."""
    def d(outcome, arm="all_blocks", table=None):
        t = con if table is None else table
        r = t[(t.contrast == arm) & (t.outcome == outcome)]
        return tuple(r[["diff_mean", "diff_p5", "diff_p95"]].iloc[0]) if len(r) else (np.nan,) * 3
    rows = [
        ("de Kam 2012: people live independently longer", "months_at_home_km", "all_blocks", +1, None),
        ("de Kam 2012: more people with care needs live extramurally", "intramural_admissions_per_1000", "all_blocks", -1, None),
        ("de Kam 2012: fewer hospital admissions", "hospital_admissions_per_1000_65plus", "all_blocks", -1, None),
        ("de Kam 2012: adapting dwellings lowers home care", "hours_needed_per_65plus", "adapted_dwellings", -1, "area"),
        ("de Kam 2012: damping - well-being falls more slowly as limitations grow", "wellbeing_need_slope", "all_blocks", +1, "area"),
        ("de Kam 2012: no substitution - informal care does not fall", "informal_hours_week_per_65plus", "all_blocks", 0, "area"),
        ("Rotterdam 2016 (BMC Res Notes): no substantial effect on quality of life", "wellbeing_mean_clients", "all_blocks", 0, None),
    ]
    out = []
    for text, outcome, arm, sign, where in rows:
        m, lo, hi = d(outcome, arm, area if where == "area" else None)
        if not np.isfinite(m):
            verdict = "not simulated"
        elif sign == 0:   # a null (or no-fall) finding: the interval includes 0, or lies above 0 for "no fall"
            verdict = ("agrees (interval includes 0)" if lo <= 0 <= hi else
                       ("agrees (rises, does not fall)" if outcome.startswith("informal") and lo > 0 else "differs"))
        else:
            excl = (lo > 0) if sign > 0 else (hi < 0)
            same = np.sign(m) == sign
            verdict = "agrees" if same and excl else ("same direction, interval includes 0" if same else "differs")
        out.append({"finding": text, "model outcome": outcome + (" (centrum)" if where == "area" else ""),
                    "arm": arm, "model difference": interval(m, lo, hi), "verdict": verdict})
    return pd.DataFrame(out)


# ----------------------------------------------------------------------------- figures
def block_figure(con: pd.DataFrame, order: list[str], npv: pd.DataFrame):
    import matplotlib.pyplot as plt
    shown = ("months_at_home_km", "intramural_admissions_per_1000", "unmet_need_share")
    fig, axes = plt.subplots(1, len(shown) + 1, figsize=(16, 0.32 * len(order) + 2.2), sharey=True)
    y = np.arange(len(order))[::-1]
    for ax, outcome in zip(axes, shown):
        c = con[con.outcome == outcome].set_index("contrast").reindex(order)
        ax.axvline(0, color="k", lw=0.7)
        ax.hlines(y, c.diff_p5, c.diff_p95, color="0.45", lw=2)
        ax.plot(c.diff_mean, y, "o", color="tab:blue")
        ax.set_title(LABELS[outcome], fontsize=8)
        ax.tick_params(labelsize=7)
    soc = npv[npv.party == "society"].set_index("scenario").reindex(order)
    ax = axes[-1]
    ax.axvline(0, color="k", lw=0.7)
    ax.hlines(y, soc.npv_p5 / 1e6, soc.npv_p95 / 1e6, color="0.45", lw=2)
    ax.plot(soc.npv_mean / 1e6, y, "o", color="tab:green")
    ax.set_title("societal NPV, EUR million", fontsize=8)
    ax.tick_params(labelsize=7)
    axes[0].set_yticks(y, [o.replace("_", " ") for o in order], fontsize=7)
    fig.suptitle("Each building block alone and all together vs the baseline (paired, 90 % interval)", fontsize=9)
    fig.tight_layout()
    return fig


def dose_figure(dose: pd.DataFrame):
    types = list(dict.fromkeys(dose.block))
    fig, axes = figure_grid(max(len(types), 1), ncols=4, size=(3.6, 2.8))
    for ax, t in zip(axes, types):
        g = dose[dose.block == t].sort_values("dose")
        ax.vlines(g.dose, g.diff_p5, g.diff_p95, color="0.5", lw=2)
        ax.plot(g.dose, g.diff_mean, "o-", color="tab:blue")
        ax.axhline(0, color="k", lw=0.6)
        ax.set_title(f"{t.replace('_', ' ')}", fontsize=8)
        ax.set_xlabel(f"dose ({DOSE[t][0].replace('_', ' ')})", fontsize=7)
        ax.tick_params(labelsize=7)
    axes[0].set_ylabel("months at home gained (KM)", fontsize=7)
    fig.tight_layout()
    return fig


def breakeven_figure(table: pd.DataFrame):
    import matplotlib.pyplot as plt
    fig, ax = plt.subplots(figsize=(6.5, 3.8))
    for party, g in table.groupby("party", sort=False):
        g = g.sort_values("scale")
        ax.plot(g.scale, g.npv_mean / 1e6, "o-", label=party.replace("_", " "), lw=2.2 if party == "society" else 1.2)
    ax.axhline(0, color="k", lw=0.7)
    ax.set_xlabel("effect scale (0: no uncertain effect, 1: default sizes)")
    ax.set_ylabel("NPV of all blocks vs baseline, EUR million")
    ax.legend(fontsize=7)
    fig.tight_layout()
    return fig


# ----------------------------------------------------------------------------- the experiment
def run(quick: bool, workers: int | None = None) -> ExperimentOutput:
    from sim.analysis.breakeven import breakeven_scales
    from sim.analysis.deciding_effects import deciding
    n = QUICK_REPLICATES if quick else REPLICATES
    end = QUICK_END if quick else END
    w = workers_for(quick, workers)
    scenarios, meta = arms(quick, n)
    c = Comparison(scenarios, workers=w, replicates=n, window=(FROM, end), effect_priors=True, progress=False).run()
    order = c.order[1:]
    per_rep = c.window_values()
    con = paired_contrasts(per_rep, {a: (a, "baseline") for a in order}, MUNICIPAL)
    area = c.area("centrum").rename(columns={"scenario": "contrast"})
    area = area[area.contrast != "baseline"].rename(columns={"mean": "level_mean", "p5": "level_p5", "p95": "level_p95"})
    npv = _npv_per_party(c)
    dose = _dose_table(c, meta, con, n)
    be, one_by_one = breakeven(scenarios[:1] + [s for s in scenarios if s["name"] == "all_blocks"],
                               n if quick else min(n, BREAKEVEN_REPLICATES), (FROM, end),
                               QUICK_SCALES if quick else BREAKEVEN_SCALES, QUICK_EFFECTS if quick else None, w)
    be_scale = breakeven_scales(be)
    decide = deciding(one_by_one)
    facts = findings(con, area)
    summary = _summary(quick, c, order, n, end, _result_tables(con, npv, dose, be_scale, decide, order),
                       _verdict(decide), facts)
    return ExperimentOutput(
        summary=summary, conclusion=_conclusion(con, npv, decide, facts, n, end), main_figure="blocks",
        figures={"blocks": block_figure(con, order, npv), "dose_response": dose_figure(dose),
                 "breakeven": breakeven_figure(be[be.scenario == "all_blocks"]),
                 "deciding_effects": fig_deciding(decide, "en")},
        tables={"contrasts": con, "area_centrum": area, "ledger_summary": npv, "ledger": c.ledger(), "dose": dose,
                "breakeven": be, "breakeven_scales": be_scale, "deciding_effects": decide,
                "deciding_effects_runs": one_by_one, "findings": facts, "window_values": per_rep},
        scenarios=c.scenarios, seeds=[c.scenarios[0]["seed"]], replicates=n,
        extra={"window": [FROM, end], "arms": {k: list(v) for k, v in meta.items()}})


def _npv_per_party(c: Comparison) -> pd.DataFrame:
    """The ledger's NPV per party and arm, with society (all parties together) added."""
    ledger = c.ledger_summary()
    from sim.analysis.ledger import society_npv
    soc_rows = []
    for s, g in society_npv(c._paired_ledger(), FROM).groupby("scenario", sort=False):
        m, p5, p95 = band(g.npv)
        soc_rows.append({"scenario": s, "party": "society", "npv_mean": m, "npv_p5": p5, "npv_p95": p95,
                         "breakeven_year": pd.NA, "replicates": int(g.npv.notna().sum())})
    npv = pd.concat([ledger, pd.DataFrame(soc_rows)], ignore_index=True)
    npv["breakeven_year"] = npv.breakeven_year.astype("Int64")
    return npv


def _dose_table(c: Comparison, meta: dict, con: pd.DataFrame, n: int) -> pd.DataFrame:
    """Months at home gained per block and dose (the baseline is dose 0)."""
    dose_rows = []
    for arm, (block, f) in meta.items():
        if block in DOSE:
            key, none = DOSE[block]
            inv = next(i for s in c.scenarios if s["name"] == arm for i in s["investments"])
            r = con[(con.contrast == arm) & (con.outcome == "months_at_home_km")].iloc[0]
            dose_rows.append({"block": block, "factor": f, "dose": float(inv[key]), "arm": arm,
                              "diff_mean": r.diff_mean, "diff_p5": r.diff_p5, "diff_p95": r.diff_p95,
                              "replicates": r.replicates})
    for block in dict.fromkeys(r["block"] for r in dose_rows):   # dose 0 is the baseline: no difference by definition
        dose_rows.append({"block": block, "factor": 0.0, "dose": float(DOSE[block][1]), "arm": "baseline",
                          "diff_mean": 0.0, "diff_p5": 0.0, "diff_p95": 0.0, "replicates": n})
    return pd.DataFrame(dose_rows).sort_values(["block", "dose"]).reset_index(drop=True)


def _result_tables(con, npv, dose, be_scale, decide, order) -> dict:
    """The summary's tables in markdown: blocks, the ledger of all blocks, dose, break-even scale, deciding effects."""
    def npv_cell(arm, party):
        r = npv[(npv.scenario == arm) & (npv.party == party)]
        return interval(*(r[["npv_mean", "npv_p5", "npv_p95"]].iloc[0] / 1e6), 2) if len(r) else "-"

    def d_cell(arm, outcome):
        r = con[(con.contrast == arm) & (con.outcome == outcome)]
        return interval(*r[["diff_mean", "diff_p5", "diff_p95"]].iloc[0]) if len(r) else "-"

    block_md = md_table(pd.DataFrame([{
        "arm": a, "months at home": d_cell(a, "months_at_home_km"),
        "admissions /1,000": d_cell(a, "intramural_admissions_per_1000"),
        "unmet need": d_cell(a, "unmet_need_share"),
        "municipality NPV (M EUR)": npv_cell(a, "municipality"), "care insurer": npv_cell(a, "care_insurer"),
        "care office": npv_cell(a, "care_office"), "housing assoc.": npv_cell(a, "housing_association"),
        "society": npv_cell(a, "society")} for a in order if "@" not in a]))
    all_rows = npv[npv.scenario == "all_blocks"]
    ledger_md = md_table(pd.DataFrame([{
        "party": r.party, "NPV, EUR million": interval(r.npv_mean / 1e6, r.npv_p5 / 1e6, r.npv_p95 / 1e6, 2),
        "break-even year": "never (in the window)" if pd.isna(r.breakeven_year) and r.party != "society"
        else ("-" if pd.isna(r.breakeven_year) else str(int(r.breakeven_year)))} for r in all_rows.itertuples()]))
    dose_md = md_table(dose.assign(**{"months at home gained": [interval(a, b, cc) for a, b, cc in
                                                               zip(dose.diff_mean, dose.diff_p5, dose.diff_p95)]})[
        ["block", "dose", "months at home gained"]].assign(dose=lambda x: x.dose.map(lambda v: f"{v:g}")))
    be_all = be_scale[be_scale.scenario == "all_blocks"]
    be_md = md_table(be_all.assign(**{"break-even effect scale": be_all.breakeven_scale.map(
        lambda k: "not within the scales run" if pd.isna(k) else f"{k:.2f}")})[["party", "break-even effect scale"]])
    decide_md = md_table(pd.DataFrame([{
        "effect": f"`{r.effect}`", "prior": f"{r.low:g} to {r.high:g} (default {r.default:g})",
        "society NPV at low end": f"{r.npv_low / 1e6:.2f}", "at default": f"{r.npv_default / 1e6:.2f}",
        "at high end": f"{r.npv_high / 1e6:.2f}", "decides": "yes" if r.decides else "no",
        "break-even value": "-" if pd.isna(r.breakeven_value) else f"{r.breakeven_value:.3g}"}
        for r in decide.itertuples()]))
    return {"block_md": block_md, "ledger_md": ledger_md, "dose_md": dose_md, "be_md": be_md, "decide_md": decide_md,
            "dose_rows": len(dose)}


def _verdict(decide: pd.DataFrame) -> str:
    """Which uncertain effect, alone, decides whether all blocks pay back for society."""
    deciders = decide[decide.decides]
    return (f"Whether all blocks together pay back for society depends on "
            f"{', '.join(f'`{e}`' for e in deciders.effect)} alone: the societal NPV changes sign within "
            f"{'its prior' if len(deciders) == 1 else 'their priors'} (break-even at "
            f"{'; '.join(f'`{r.effect}` = {r.breakeven_value:.3g}' for r in deciders.itertuples())}), so the "
            f"societal result rests on {'this unsourced number' if len(deciders) == 1 else 'these unsourced numbers'}."
            if len(deciders) else
            f"No single uncertain effect changes the sign of the societal NPV of all blocks within its prior "
            f"(EUR {decide.npv_default.iloc[0] / 1e6:.2f} million at the defaults); `{decide.effect.iloc[0]}` "
            f"moves it most (EUR {decide.swing.iloc[0] / 1e6:.2f} million).")


def _summary(quick: bool, c: Comparison, order: list[str], n: int, end: int, md: dict, verdict: str,
             facts: pd.DataFrame) -> str:
    """The summary: question, design, results (blocks, ledger, dose, break-even, deciding effects, evidence),
    limitations."""
    scales = QUICK_SCALES if quick else BREAKEVEN_SCALES
    return f"""## Question

{QUESTION}

## Design

The baseline (scenarios/baseline.yaml, no investment) against each of the {len(order) - md['dose_rows']} arms of
wsg_full.yaml's investments in `centrum` from {FROM} (each block alone{' (quick: three blocks)' if quick else ''},
and all together), plus the blocks with a dose at {', '.join(f'{f:g}' for f in (DOSE_FACTORS if not quick else DOSE_FACTORS[-1:]))}
times wsg_full's dose above no effect (costs follow the dose: `*_per_unit`): with the baseline (no dose) and the
block alone (wsg_full's dose), three dose levels. {c.scenarios[0]['start_year']}-{end}, outcomes over {FROM}-{end};
{n} paired replicates per arm (same seed and replicate numbers; replicate r on particle r of the calibrated ensemble,
and the effect sizes with a prior drawn per replicate, the same draw in every arm); {c.scenarios[0]['municipality']['inhabitants']:,}
inhabitants. Ledger per party: sim.analysis.ledger (discounted at the cost rate to {FROM}); break-even effect scale:
sim.analysis.breakeven, all uncertain effects scaled together at {', '.join(f'{k:g}' for k in scales)} with fixed effects
({n if quick else min(n, BREAKEVEN_REPLICATES)} paired replicates per scale).

## Results

{replicate_note(n)} Paired differences against the baseline, municipality-wide (months at home: Kaplan-Meier
restricted mean of the spells at home after a first package, in months), and NPV per party in EUR million:

{md['block_md']}

All blocks together, the ledger:

{md['ledger_md']}

Dose-response (months at home gained against the baseline):

{md['dose_md']}

Break-even effect scale of all blocks (the multiple of the default effect sizes at which the party's mean NPV
reaches 0):

{md['be_md']}

Which uncertain effect decides (sim.analysis.deciding_effects): each effect size with a prior alone at the low and
the high end of its prior, the others at their defaults ({n if quick else min(n, BREAKEVEN_REPLICATES)} paired
replicates, fixed effects{', quick: two effects' if quick else ''}); societal NPV of all blocks in EUR million,
largest swing first. None of these sizes has a source.

{md['decide_md']}

{verdict}

**The evidence side by side** (de Kam 2012: ten experimental areas; Rotterdam: frail 70+, n = 186 + 186, one year,
DOMAIN.md §3):

{md_table(facts)}

## Limitations

- The effect sizes with a prior (sim/model/parameters.yaml `prior`) are uncertain by design: their priors include
  no effect, so the intervals above hold that uncertainty; the break-even scale says how large they must be.
- Most block costs are assumptions (wsg_full.yaml `source: "assumption: ..."`): the service centre (EUR 400,000 and
  150,000 a year), the health centre (EUR 1.6 million), the on-call nurse (EUR 360,000 a year), public space,
  transport, the carer consultant. The ledger's NPV per party moves one for one with them.
- Effects are municipality-wide for a woonservicegebied of 8 of 100 cells: small differences are diluted; the
  centrum-only outcomes (area table) are reported for the findings that concern the area's residents.
- The model's damping, no-substitution and quality-of-life outcomes are well-being and informal-hours indicators,
  not the instruments of the studies they are set beside.
{'- Quick mode: a 20,000-inhabitant municipality, three blocks, ' + str(end - QUICK_START + 1) + ' years, 2 replicates: a smoke test, not a result.' if quick else ''}
"""


def _conclusion(con, npv, decide, facts, n: int, end: int) -> str:
    """One paragraph: all blocks' months at home and societal NPV, the evidence, the deciding effect."""
    deciders = decide[decide.decides]
    soc_all = npv[(npv.scenario == "all_blocks") & (npv.party == "society")].iloc[0]
    km_all = con[(con.contrast == "all_blocks") & (con.outcome == "months_at_home_km")].iloc[0]
    return (f"All blocks together change months at home after a first package by "
            f"{interval(km_all.diff_mean, km_all.diff_p5, km_all.diff_p95)} and the societal NPV by EUR "
            f"{interval(soc_all.npv_mean / 1e6, soc_all.npv_p5 / 1e6, soc_all.npv_p95 / 1e6, 2)} million "
            f"({FROM}-{end}, {n} replicates); of the de Kam/Rotterdam findings "
            f"{int(facts.verdict.str.startswith('agrees').sum())} of {len(facts)} agree in direction and interval"
            + (f"; whether it pays back for society rests on "
               f"{', '.join(f'`{r.effect}` ({r.basis})' for r in deciders.itertuples())} alone "
               f"(at the low end of its range the societal NPV is EUR "
               f"{deciders.npv_low.iloc[0] / 1e6:.2f} million)." if len(deciders) else "."))
