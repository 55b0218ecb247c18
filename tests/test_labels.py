"""The en/nl labels (sim.workshop.labels): the payer table against the model's payers and cost indicators."""
from __future__ import annotations

import pytest

from sim.model.indicators import COST_PAYERS, INDICATORS, INVESTMENT_PAYERS, cost_indicator
from sim.workshop.labels import LANGUAGES, ORGANISATIONS, PAYERS, label


def test_payer_table_covers_every_cost_indicator_and_payer_of_the_model():
    # cost_access_route_per_capita is a part of its payer's line (issue 14), not a payer's own
    costs = {i for i in INDICATORS if i.startswith("cost_") and i not in ("cost_total_per_capita",
                                                                          "cost_access_route_per_capita")}
    assert {cost_indicator(p) for p in COST_PAYERS} == costs
    assert set(PAYERS) == set(COST_PAYERS) | set(INVESTMENT_PAYERS)
    assert set(ORGANISATIONS) == set(INVESTMENT_PAYERS)
    for key in COST_PAYERS:
        assert PAYERS[key].indicator == cost_indicator(key)
    # each care cost indicator is paid by exactly one organisation
    paid = [PAYERS[o].indicator for o in ORGANISATIONS if PAYERS[o].indicator]
    assert sorted(paid) == sorted(cost_indicator(p) for p in COST_PAYERS if p != "investment")


@pytest.mark.parametrize("key", sorted(PAYERS))
def test_every_payer_has_an_english_and_a_dutch_label(key):
    en, nl = (label(key, lang) for lang in LANGUAGES)
    assert en and nl and en == PAYERS[key].en and nl == PAYERS[key].nl
    assert en != key.replace("_", " ") or nl != key.replace("_", " ")   # not the fallback


def test_cost_indicators_have_labels_in_both_languages():
    for key in COST_PAYERS:
        en, nl = label(cost_indicator(key), "en"), label(cost_indicator(key), "nl")
        assert "EUR" in en and "EUR" in nl and en != nl


def test_unknown_language_is_refused():
    with pytest.raises(ValueError):
        label("wlz", "de")
