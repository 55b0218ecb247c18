"""Who pays and who saves: the ledger per party of a comparison, and its economic evaluation.

Per scenario after the first, party, replicate and year of the window, relative to the first scenario in
the same replicate (paired):

    paid  = the investments the party pays (capital annualised over its lifetime, running costs; dose-based)
    saved = minus the change in everything else the party spends (below)
    net   = saved - paid          (a positive net is a gain for that party)

What each party spends besides investments (euros per year for the whole municipality, 2015 prices):

| party | spends |
|---|---|
| municipality (Wmo) | Wmo care (household help, support, day care, respite hours, alarms, adaptations: all billed by use) less the clients' Wmo own contributions |
| care_office (Wlz) | Wlz care at home and in institutions less the residents' own contributions |
| care_insurer (Zvw) | district nursing and personal care at home, hospital admissions |
| housing_association | rent lost on the free adapted dwellings that stand empty (``vacancy_share_free_adapted``) |
| clients | own contributions (Wlz in an institution, Wmo), and living costs at home for the months they live at home instead of in an institution |
| carers | informal care hours at the guideline's shadow price |

Own contributions move money from clients to the care office and the municipality, so they cancel in the
sum over parties: the sum of the six nets is the societal net (no cost counted twice). Extra team hours and
respite are billed by use at their tariffs, never charged a second time as an investment.

Discounting follows the Dutch guideline (Zorginstituut Nederland 2016): costs at ``discount_rate_costs``
(4 %), effects at ``discount_rate_effects`` (1.5 %), to the first year of the window. The NPV of a party is
the discounted sum of its yearly net; it breaks even in the first year from which its cumulative discounted
mean net stays at or above 0 to the end of the window (never: empty).
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from sim.model.blocks import PAYERS
from sim.model.ensemble import run_parameters
from sim.model.neighbourhoods import investment_cost_by_payer
from sim.model.parameters import make_params
from sim.analysis.summary import band

PARTIES = ("municipality", "care_office", "care_insurer", "housing_association", "clients", "carers")
# which party pays an investment whose cost.payer is ... (sim.model.blocks.PAYERS): each payer is a party
INVESTOR = {payer: payer for payer in PAYERS}
LEDGER_COLUMNS = ("scenario", "party", "year", "paid_mean", "saved_mean", "net_mean", "net_p5", "net_p95",
                  "replicates")
SUMMARY_COLUMNS = ("scenario", "party", "npv_mean", "npv_p5", "npv_p95", "breakeven_year", "replicates")
NEEDED = ("inhabitants", "cost_wlz_per_capita", "cost_wmo_per_capita", "cost_zvw_per_capita",
          "intramural_residents_per_1000", "mantelzorg_hours_per_1000")


def party_spending(table: pd.DataFrame, cells: pd.DataFrame, scenarios: list[dict], window) -> pd.DataFrame:
    """Per scenario, replicate, year and party: ``paid`` (investments) and ``spent`` (everything else).

    ``table``: tidy indicators; ``cells``: cells_by_year with ``free_adapted_dwellings_dec``."""
    lo, hi = window
    t = table[(table.year >= lo) & (table.year <= hi) & table.indicator.isin(NEEDED)]
    wide = t.pivot_table(index=["scenario", "replicate", "year"], columns="indicator", values="value")
    vacant = cells[(cells.year >= lo) & (cells.year <= hi)].groupby(["scenario", "replicate", "year"])[
        "free_adapted_dwellings_dec"].sum()
    by_name = {s["name"]: s for s in scenarios}
    params = {}
    rows = []
    for (name, rep, year), v in wide.iterrows():
        s = by_name[name]
        if (name, rep) not in params:
            params[name, rep] = make_params(run_parameters(s, int(rep)))
        p = params[name, rep]
        inh = v.inhabitants
        wlz, wmo, zvw = v.cost_wlz_per_capita * inh, v.cost_wmo_per_capita * inh, v.cost_zvw_per_capita * inh
        inst_months = v.intramural_residents_per_1000 * inh / 1000.0 * 12.0   # July count as a year's months
        contrib_wlz = inst_months * p.own_contribution_wlz_month
        contrib_wmo = wmo * p.own_contribution_wmo_share
        spent = {
            "municipality": wmo - contrib_wmo,
            "care_office": wlz - contrib_wlz,
            "care_insurer": zvw,
            "housing_association": (float(vacant.get((name, rep, year), 0.0)) * p.vacancy_share_free_adapted
                                    * p.rent_adapted_dwelling_month * 12.0),
            # months in an institution are months without living costs at home (the tariff covers them)
            "clients": contrib_wlz + contrib_wmo - inst_months * p.living_costs_home_month,
            "carers": v.mantelzorg_hours_per_1000 * inh / 1000.0 * p.informal_care_shadow_price,
        }
        invest = investment_cost_by_payer(s["investments"], int(year), p.discount_rate_costs)
        for party in PARTIES:
            paid = sum(c for payer, c in invest.items() if INVESTOR.get(payer) == party)
            rows.append((name, int(rep), int(year), party, paid, spent[party], p.discount_rate_costs))
    return pd.DataFrame(rows, columns=["scenario", "replicate", "year", "party", "paid", "spent", "rate"])


def paired_ledger(spending: pd.DataFrame, order: list[str]) -> pd.DataFrame:
    """Per scenario after the first, replicate, party and year: paid, saved, net relative to the first."""
    first = spending[spending.scenario == order[0]].set_index(["replicate", "party", "year"])
    out = []
    for s in order[1:]:
        cur = spending[spending.scenario == s].set_index(["replicate", "party", "year"])
        ref = first.reindex(cur.index)
        d = pd.DataFrame({"paid": cur.paid - ref.paid, "saved": -(cur.spent - ref.spent), "rate": cur.rate})
        d["net"] = d.saved - d.paid
        out.append(d.reset_index().assign(scenario=s))
    if not out:
        return pd.DataFrame(columns=["scenario", "replicate", "party", "year", "paid", "saved", "net", "rate"])
    return pd.concat(out, ignore_index=True)


def ledger_table(paired: pd.DataFrame) -> pd.DataFrame:
    """``ledger.csv``: mean paid, saved, net and the net's 5-95 % band over replicates per scenario, party, year."""
    rows = []
    for (s, party, year), g in paired.groupby(["scenario", "party", "year"], sort=False):
        m, p5, p95 = band(g.net)
        rows.append((s, party, int(year), g.paid.mean(), g.saved.mean(), m, p5, p95, int(g.net.notna().sum())))
    out = pd.DataFrame(rows, columns=list(LEDGER_COLUMNS))
    return _ordered(out).sort_values(["scenario_order", "party_order", "year"]).drop(
        columns=["scenario_order", "party_order"]).reset_index(drop=True)


def _ordered(df):
    return df.assign(scenario_order=pd.factorize(df.scenario)[0],
                     party_order=df.party.map({p: i for i, p in enumerate(PARTIES)}))


def discount(values: pd.Series, years: pd.Series, rate: float, first_year: int) -> pd.Series:
    """Values of ``years`` discounted to ``first_year`` at ``rate`` (end-of-year convention not used: the
    first year counts in full)."""
    return values / (1.0 + rate) ** (years - first_year)


def npv_per_replicate(paired: pd.DataFrame, first_year: int) -> pd.DataFrame:
    """Per scenario, party and replicate: the NPV of the net at the cost discount rate."""
    d = paired.assign(disc=discount(paired.net, paired.year, paired.rate, first_year))
    return d.groupby(["scenario", "party", "replicate"], sort=False).disc.sum().rename("npv").reset_index()


def breakeven_year(paired_one: pd.DataFrame, first_year: int):
    """First year from which the cumulative discounted mean net stays >= 0 to the end; None if never."""
    g = paired_one.assign(disc=discount(paired_one.net, paired_one.year, paired_one.rate, first_year))
    cum = g.groupby("year").disc.mean().sort_index().cumsum()
    ok = (cum >= -1e-6).to_numpy()
    if not ok[-1]:
        return None
    last_bad = np.flatnonzero(~ok)
    return int(cum.index[last_bad[-1] + 1] if len(last_bad) else cum.index[0])


def ledger_summary(paired: pd.DataFrame, first_year: int) -> pd.DataFrame:
    """``ledger_summary.csv``: NPV (mean and 5-95 % band) and break-even year per scenario and party."""
    npv = npv_per_replicate(paired, first_year)
    rows = []
    for (s, party), g in npv.groupby(["scenario", "party"], sort=False):
        m, p5, p95 = band(g.npv)
        be = breakeven_year(paired[(paired.scenario == s) & (paired.party == party)], first_year)
        rows.append((s, party, m, p5, p95, be, int(g.npv.notna().sum())))
    out = pd.DataFrame(rows, columns=list(SUMMARY_COLUMNS))
    out["breakeven_year"] = out.breakeven_year.astype("Int64")
    return _ordered(out).sort_values(["scenario_order", "party_order"]).drop(
        columns=["scenario_order", "party_order"]).reset_index(drop=True)


def society_npv(paired: pd.DataFrame, first_year: int) -> pd.DataFrame:
    """Per scenario and replicate: the societal NPV (sum over the six parties; transfers cancel)."""
    npv = npv_per_replicate(paired, first_year)
    return npv.groupby(["scenario", "replicate"], sort=False).npv.sum().reset_index()


def split_incentive(summary: pd.DataFrame, scenario: str) -> dict:
    """Who pays and who gains in ``scenario``: parties with a negative, positive and (about) zero mean NPV,
    each list ordered by size, for the workshop's one-paragraph text."""
    g = summary[summary.scenario == scenario].set_index("party").npv_mean
    scale = max(1.0, float(g.abs().max())) * 1e-3
    losers = g[g < -scale].sort_values().index.tolist()
    gainers = g[g > scale].sort_values(ascending=False).index.tolist()
    return {"losers": losers, "gainers": gainers, "npv": g.to_dict(),
            "society": float(g.sum())}


EVALUATION_OUTCOMES = ("society_npv_eur", "months_at_home_gained_discounted", "cost_per_month_at_home_gained")
NEXT_TO_GAINS = ("unmet_need_share", "carers_overburdened_share", "mantelzorg_hours_per_1000")


def discounted_months_gained(spells: pd.DataFrame, per_rep_km: pd.DataFrame, order: list[str], window,
                             rate_effects: float) -> pd.DataFrame:
    """Per scenario and replicate: the months at home gained against the first scenario, discounted at the
    effects rate: every spell the first scenario starts in year y (in the window) lives the difference in
    Kaplan-Meier restricted mean months at home, counted in its start year."""
    lo, hi = window
    first = spells[spells.scenario == order[0]]
    start_year = first.start // 12
    inside = (start_year >= lo) & (start_year <= hi)
    n = first[inside].assign(y=start_year[inside]).groupby(["replicate", "y"]).size().rename("n").reset_index()
    weight = (n.n / (1.0 + rate_effects) ** (n.y - lo)).groupby(n.replicate).sum()
    km = per_rep_km.reset_index().pivot(index="replicate", columns="scenario", values="months_at_home_km")
    rows = []
    for s in order[1:]:
        gained = weight.reindex(km.index).fillna(0.0) * (km[s] - km[order[0]])
        rows += [{"scenario": s, "replicate": r, "value": float(v)} for r, v in gained.items()]
    return pd.DataFrame(rows, columns=["scenario", "replicate", "value"])


def evaluation(paired: pd.DataFrame, months: pd.DataFrame, summary: pd.DataFrame, order: list[str],
               first_year: int) -> pd.DataFrame:
    """The economic evaluation per scenario after the first (tidy: scenario, outcome, mean, p5, p95,
    replicates): societal NPV, discounted months at home gained, cost per month gained (NaN unless every
    replicate gains months), and, next to every gain, the paired change in unmet need, overburdened carers
    and informal care hours (``summary``: the comparison's paired summary)."""
    soc = society_npv(paired, first_year)
    rows = []
    for s in order[1:]:
        npv = soc[soc.scenario == s].set_index("replicate").npv
        m = months[months.scenario == s].set_index("replicate").value.reindex(npv.index)
        cost = -npv   # a positive societal NPV is a saving: the cost is its negative
        ratio = cost / m
        for outcome, values in (("society_npv_eur", npv), ("months_at_home_gained_discounted", m)):
            mean, p5, p95 = band(values)
            rows.append({"scenario": s, "outcome": outcome, "mean": mean, "p5": p5, "p95": p95,
                         "replicates": int(values.notna().sum())})
        gains = bool(len(m)) and bool((m > 0).all())
        _, r5, r95 = band(ratio) if gains else (np.nan, np.nan, np.nan)
        rows.append({"scenario": s, "outcome": "cost_per_month_at_home_gained",
                     "mean": cost.mean() / m.mean() if gains else np.nan, "p5": r5, "p95": r95,
                     "replicates": int(m.notna().sum())})
        for outcome in NEXT_TO_GAINS:
            row = summary[(summary.scenario == s) & (summary.outcome == outcome)]
            if len(row):
                r = row.iloc[0]
                rows.append({"scenario": s, "outcome": f"change_{outcome}", "mean": r.diff_mean,
                             "p5": r.diff_p5, "p95": r.diff_p95, "replicates": int(r.replicates)})
    return pd.DataFrame(rows, columns=["scenario", "outcome", "mean", "p5", "p95", "replicates"])
