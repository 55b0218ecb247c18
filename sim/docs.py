"""Generated parts of the model documentation (``python -m sim.docs``).

Two tables in ``docs/ODD.md`` are written by code, so that they cannot drift from the model:

* the parameter table (from ``sim/model/parameters.yaml`` through ``sim.model.parameters``), between the markers
  ``<!-- parameters:start -->`` and ``<!-- parameters:end -->``; the same table is written to
  ``docs/parameters.md``;
* the step order of one month (``sim.model.model.STEP_ORDER``), between ``<!-- steps:start -->`` and
  ``<!-- steps:end -->``.

Run ``python -m sim.docs`` after changing a parameter value or the step order; ``tests/test_docs.py``
fails until the documentation is regenerated.
"""
from __future__ import annotations

import re
import sys
from importlib import resources
from pathlib import Path

from sim.model.parameters import default_parameters, parameter_sources

ROOT = Path(__file__).resolve().parent.parent
ODD = ROOT / "docs" / "ODD.md"
PARAMETERS_MD = ROOT / "docs" / "parameters.md"
MARKERS = {"parameters": ("<!-- parameters:start -->", "<!-- parameters:end -->"),
           "steps": ("<!-- steps:start -->", "<!-- steps:end -->")}

# Units. The header of parameters.yaml states the conventions (rates per year unless the name says
# _month; hours per week unless the name says _month; money in euros at 2015 prices); the unit of
# each parameter follows from them and from the parameter's comment. Scores and functioning are on
# 0..1 scales (1 = no limitation for functioning; 1 = highest need for the need score).
UNITS = {
    "mort_gompertz_a_male": "probability per year (at age 65)",
    "mort_gompertz_a_female": "probability per year (at age 65)",
    "mort_gompertz_b_male": "per year of age",
    "mort_gompertz_b_female": "per year of age",
    "mort_young_annual": "probability per year",
    "mort_improvement": "relative fall per year",
    "mort_frailty": "relative, per unit of need score",
    "decline_phys_base": "functioning (0..1) per year",
    "decline_phys_age": "per year of age",
    "decline_cog_base": "functioning (0..1) per year",
    "decline_cog_age": "per year of age",
    "decline_noise": "dimensionless",
    "decline_shock_annual": "probability per year",
    "decline_shock_size": "functioning (0..1)",
    "decline_package_vv": "relative change of decline",
    "decline_package_young": "relative change of decline",
    "decline_network": "relative change of decline",
    "decline_unmet": "relative change of decline, at all care unmet",
    "decline_dwelling_adapted": "relative change of decline",
    "decline_facilities": "relative change of decline, at full facility score",
    "decline_wsg_damping": "relative change of decline, at full woonservicegebied",
    "fall_rate_65": "falls per person-year (at age 65)",
    "fall_rate_age": "per year of age",
    "fall_frailty": "relative, per unit of lost physical functioning",
    "fall_rr_adapted": "rate ratio",
    "fall_rr_adapted_high_risk": "rate ratio",
    "fall_high_risk_phys": "physical functioning (0..1)",
    "fall_rr_institution": "rate ratio",
    "fall_injury_hospital": "probability per fall",
    "fall_phys_loss": "functioning (0..1)",
    "hospital_rate_65": "admissions per person-year (at age 65)",
    "hospital_rate_age": "per year of age",
    "hospital_frailty": "relative, per unit of need score",
    "hospital_wsg_reduction": "relative reduction, at full woonservicegebied",
    "hospital_signalling_reduction": "relative reduction, at full signalling",
    "hospital_phys_loss": "functioning (0..1)",
    "alarm_call_rate": "calls per alarm user per year (at need 1)",
    "alarm_need_threshold": "need score (0..1)",
    "alarm_urgent_need": "need score (0..1)",
    "alarm_required_urgent_min": "minutes",
    "alarm_required_normal_min": "minutes",
    "crisis_if_late": "probability per late response",
    "crisis_phys_loss": "functioning (0..1)",
    "indication_apply_month": "probability per month",
    "indication_signalling": "relative increase, at full signalling",
    "care_need_s0": "need score (0..1)",
    "formal_share_base": "share (0..1)",
    "formal_share_slope": "share per unit of need score",
    "formal_no_carer_extra": "share (0..1)",
    "household_need": "need score (0..1)",
    "household_share": "share of formal hours",
    "personal_care_of_phys": "share of physical care hours",
    "support_of_cog": "share of cognitive care hours",
    "institution_hours_week": "hours per week",
    "team_hours_per_65plus_month": "hours per month per resident 65+",
    "team_capacity_growth": "relative growth per year",
    "respite_hours_month": "hours per month",
    "respite_strain_threshold": "strain",
    "wlz_package_min_level_home": "VV level",
    "informal_cap_coresident": "hours per week",
    "informal_cap_elsewhere": "hours per week",
    "informal_income_effect": "relative reduction (top income group)",
    "carer_elsewhere_from_network": "probability per unit of network quality",
    "strain_per_hour": "strain per month per weekly hour",
    "strain_recovery": "strain per month",
    "strain_old_partner": "relative increase",
    "strain_threshold": "strain",
    "strain_respite_relief": "strain per month, at full respite access",
    "carer_breakdown_month": "probability per month",
    "carer_new_month": "probability per month, at network 1",
    "adaptation_need": "need score (0..1)",
    "adaptation_month": "probability per month",
    "adaptation_advice_effect": "relative increase",
    "adaptation_signalling_effect": "relative increase per yearly visit",
    "move_need_step_free": "need score (0..1)",
    "move_need_wheelchair": "need score (0..1)",
    "move_month": "probability per month",
    "adapted_stock_per_1000": "dwellings per 1,000 inhabitants",
    "wellbeing_wsg_damping": "relative reduction, at full woonservicegebied",
    "wellbeing_adjust": "share of the gap per month",
    "network_meeting_gain": "share of the gap per month",
    "network_decay": "relative loss per month per unit of lost cognition",
    "admit_need_alone": "need score (0..1)",
    "admit_need": "need score (0..1)",
    "admit_request_month": "probability per month",
    "capacity_vv_per_80plus": "places per person 80+",
    "young_client_inflow_share": "share of the stock per year",
    "init_deficit_65": "deficit (0..1)",
    "init_deficit_age": "per year of age",
    "init_cog_deficit_65": "deficit (0..1)",
    "init_cog_deficit_age": "per year of age",
    "init_deficit_concentration": "Beta concentration",
    "limitation_phys": "physical functioning (0..1)",
    "tariff_alarm_month": "EUR (2015) per user-month",
    "tariff_adaptation": "EUR (2015) per adaptation",
    "tariff_hospital_admission": "EUR (2015) per admission",
}


def parameter_unit(name: str) -> str:
    """The unit of a parameter: listed above, else inferred from the naming conventions."""
    if name in UNITS:
        return UNITS[name]
    rules = (
        (r"^tariff_.*_hour$", "EUR (2015) per hour"),
        (r"^tariff_.*_day(_|$)", "EUR (2015) per day"),
        (r"^tariff_.*_month$", "EUR (2015) per month"),
        (r"^tariff_", "EUR (2015)"),
        (r"^need_threshold_", "need score (0..1)"),
        (r"^care_need_h\d", "hours per week"),
        (r"^capacity_.*_per_1000$", "places per 1,000 inhabitants"),
        (r"^young_clients_.*_per_1000$", "clients per 1,000 inhabitants"),
        (r"^(partner|dwelling)_share_", "share (0..1)"),
        (r"^wellbeing_", "well-being (0..1), at full loss"),
        (r"_per_1000$", "per 1,000 inhabitants"),
        (r"_hours?_month$", "hours per month"),
        (r"_month$", "per month"),
        (r"_annual$", "per year"),
        (r"_hours?_week$", "hours per week"),
        (r"_min$", "minutes"),
    )
    for pattern, unit in rules:
        if re.search(pattern, name):
            return unit
    return "see source"


def format_value(value: float) -> str:
    """A parameter value as the tables show it (12 significant digits, no trailing zeros)."""
    return format(float(value), ".12g")


def _cell(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ").strip()


def parameter_groups() -> dict[str, str]:
    """Parameter name -> its group, from the ``# --- group (module) ---`` comments of parameters.yaml."""
    text = resources.files("sim.model").joinpath("parameters.yaml").read_text(encoding="utf-8")
    groups, current = {}, "other"
    for line in text.splitlines():
        m = re.match(r"#\s*---\s*(.+?)\s*-{3,}\s*$", line)
        if m:
            current = m.group(1)
            continue
        m = re.match(r"([A-Za-z_][A-Za-z0-9_]*)\s*:", line)
        if m:
            groups[m.group(1)] = current
    return groups


def parameter_rows() -> list[tuple[str, str, str, str, str]]:
    """(group, name, value, unit, source or assumption) for every parameter, in the file's order."""
    values, sources, groups = default_parameters(), parameter_sources(), parameter_groups()
    return [(groups.get(name, "other"), name, format_value(value), parameter_unit(name), sources[name])
            for name, value in values.items()]


def parameter_table_markdown() -> str:
    """Markdown: one table per group of parameters.yaml (name, value, unit, source or assumption)."""
    lines = ["*Generated by `python -m sim.docs` from `sim/model/parameters.yaml`; do not edit by hand.*", "",
             "Units follow the file's conventions: rates are per year unless the name says `_month`, hours "
             "are per week unless the name says `_month`, money is in euros at 2015 prices; functioning, need "
             "score, network, strain and well-being are on 0..1 scales. A source that is not a citation "
             "starts with `assumption:`."]
    group = None
    for g, name, value, unit, source in parameter_rows():
        if g != group:
            group = g
            lines += ["", f"**{_cell(g)}**", "", "| parameter | value | unit | source or assumption |",
                      "|---|---|---|---|"]
        lines.append(f"| `{name}` | {value} | {_cell(unit)} | {_cell(source)} |")
    return "\n".join(lines) + "\n"


# where each step of STEP_ORDER is carried out (by step name; see the ODD, section 3)
STEP_WHERE = {
    "year start (January)": "model (`Neighbourhoods.set_year`, `capacity_in_year`)",
    "inflow": "model (`population.YearInflow`)",
    "ageing and mortality": "kernel pass A",
    "decline": "kernel pass A",
    "events": "kernel pass A",
    "indications": "kernel pass A",
    "care demand": "kernel pass A",
    "supply": "model (ratio) and kernel pass B",
    "informal care": "kernel pass B",
    "dwelling": "kernel pass B",
    "admission wish": "kernel pass B",
    "well-being and network": "kernel pass B",
    "moves": "kernel pass C",
    "admissions": "kernel pass C",
    "bookkeeping": "model (`_close_year`, `indicators.yearly_indicators`)",
}


def step_order_markdown() -> str:
    """Markdown table of ``sim.model.model.STEP_ORDER`` (number, step, what happens, where)."""
    from sim.model.model import STEP_ORDER

    lines = ["*Generated by `python -m sim.docs` from `sim.model.model.STEP_ORDER`; do not edit by hand.*", "",
             "| # | step | what happens | where |", "|---|---|---|---|"]
    for number, name, what in STEP_ORDER:
        lines.append(f"| {_cell(number)} | {_cell(name)} | {_cell(what)} | {STEP_WHERE.get(name, 'see `sim/model.py`')} |")
    return "\n".join(lines) + "\n"


def replace_between(text: str, start: str, end: str, content: str) -> str:
    """``text`` with everything between the two marker lines replaced by ``content``."""
    i, j = text.find(start), text.find(end)
    if i < 0 or j < 0 or j < i:
        raise ValueError(f"markers {start} ... {end} not found (in this order)")
    return text[:i + len(start)] + "\n" + content + text[j:]


def parameters_page() -> str:
    return ("# Model parameters\n\n"
            "Every parameter of `sim/model/parameters.yaml` with its default value, unit and source or assumption. "
            "Scenario files may override any of them by name (`parameters: {name: value}`). The model "
            "description is in [ODD.md](ODD.md).\n\n" + parameter_table_markdown())


def main(argv: list[str] | None = None) -> int:
    text = ODD.read_text(encoding="utf-8")
    text = replace_between(text, *MARKERS["parameters"], parameter_table_markdown())
    text = replace_between(text, *MARKERS["steps"], step_order_markdown())
    ODD.write_text(text, encoding="utf-8")
    PARAMETERS_MD.write_text(parameters_page(), encoding="utf-8")
    print(f"wrote {ODD.relative_to(ROOT)} (parameters, step order) and {PARAMETERS_MD.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
