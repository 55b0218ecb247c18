"""Who pays, in English and Dutch: the model's payers, the organisations, the parties of the ledger and the
policy words of the levers."""
from __future__ import annotations

from collections import namedtuple

from sim.model.indicators import INVESTMENT, INVESTMENT_PAYERS, WLZ, WMO, ZVW, cost_indicator

# Who pays, one row a payer: the model's cost lines (sim.model.indicators.COST_PAYERS) and the organisations
# that pay (a scenario's investment names one: INVESTMENT_PAYERS); ``indicator`` is the cost indicator of
# the care each pays (an organisation: the scheme it pays, DOMAIN.md §1; a housing association pays no care).
Payer = namedtuple("Payer", "key en nl indicator")
PAYERS = {p.key: p for p in (
    Payer(WLZ, "Wlz (long-term care)", "Wlz (langdurige zorg)", cost_indicator(WLZ)),
    Payer(WMO, "Wmo (municipality)", "Wmo (gemeente)", cost_indicator(WMO)),
    Payer(ZVW, "Zvw (health insurer)", "Zvw (zorgverzekeraar)", cost_indicator(ZVW)),
    Payer(INVESTMENT, "Investment (woonservicegebied)", "Investering (woonservicegebied)", cost_indicator(INVESTMENT)),
    Payer("care_office", "care office (Wlz)", "zorgkantoor (Wlz)", cost_indicator(WLZ)),
    Payer("municipality", "municipality (Wmo)", "gemeente (Wmo)", cost_indicator(WMO)),
    Payer("care_insurer", "health insurer (Zvw)", "zorgverzekeraar (Zvw)", cost_indicator(ZVW)),
    Payer("housing_association", "housing association", "woningcorporatie", None),
)}
# the organisations in the table's order (the schemes' payers first): the columns of the app's and the
# report's tables of who pays
ORGANISATIONS = tuple(key for key in PAYERS if key in INVESTMENT_PAYERS)

# the six parties of the ledger (sim.analysis.ledger.PARTIES), en/nl
PARTIES = {
    "municipality": ("municipality (Wmo)", "gemeente (Wmo)"),
    "care_office": ("care office (Wlz)", "zorgkantoor (Wlz)"),
    "care_insurer": ("health insurer (Zvw)", "zorgverzekeraar (Zvw)"),
    "housing_association": ("housing association", "woningcorporatie"),
    "clients": ("clients", "cliënten"),
    "carers": ("informal carers (hours valued)", "mantelzorgers (uren gewaardeerd)"),
}

# Policy words, checked by tests/test_labels.py: the lever's Dutch term and the scheme that pays it
# (DOMAIN.md section 1: wijkverpleging is Zvw, a wijkteam is Wmo, the zorgkantoor runs the Wlz, mantelzorg is
# informal care, the housing association is the woningcorporatie)
POLICY_TERMS = {"care_team_hours": ("wijkverpleging", "care_insurer"), "care_on_call": ("zorg op afroep", "care_insurer"),
                "carer_support": ("mantelzorgondersteuning", "municipality"),
                "adapted_dwellings": ("aangepaste woningen", "housing_association")}
