"""Figure comparison for the draft checker: values by value and unit, dates, statuses, claims."""

from __future__ import annotations

import pytest

from assistant.checking.facts import (
    compatible_units,
    dates,
    quantities,
    same_date,
    split_claims,
    status_classes,
)
from tests.checking.test_check import DRAFT

pytestmark = pytest.mark.unit


def _one(text: str):
    (q,) = quantities(text)
    return q


def test_figures_are_compared_by_value_and_unit():
    assert _one("an HR of 0.23").value == _one("an HR of 0.230").value
    assert not compatible_units(
        _one("23%").unit, _one("0.23").unit
    )  # 23 % is not 0.23 unless the text says so
    assert not compatible_units(_one("13.8 months").unit, _one("13.8 weeks").unit)
    assert _one("1,093 patients").value == 1093 and _one("1,093 patients").unit == "people"
    assert compatible_units(_one("$2.25 billion").unit, _one("2.25 billion").unit)
    assert not compatible_units(_one("2.25 billion euros").unit, _one("$2.25 billion").unit)
    assert _one("randomized 2:1").value == 2.0 and _one("randomized 2:1").unit == "ratio"
    low, high = quantities("95% CI 0.12-0.42")[1:]  # an interval is a pair of values
    assert (low.value, high.value) == (0.12, 0.42)
    assert quantities("the Phase 3 study") == []  # a number that names something


def test_dates_and_status_classes():
    assert dates("On June 20, 2025 Ipsen") == dates("on 20 June 2025") == {(2025, 6, 20)}
    assert same_date((2025, 6, 0), (2025, 6, 20)) and not same_date((2023, 0, 0), (2024, 0, 0))
    assert status_classes("has issued a positive opinion") == {"opinion"}
    assert status_classes("The Commission approved it") == {"approval"}
    # A prospect or a condition is not a status reached.
    assert "approval" not in status_classes(
        "A final decision on the approval is expected in the coming months"
    )
    assert "approval" not in status_classes("If approved by the European Commission, it will")


def test_claims_are_sentences_and_list_items():
    claims = split_claims(DRAFT)
    assert len(claims) == 7
    for c in claims:
        assert DRAFT[c.start : c.end] == c.text and not c.text.startswith("-")


@pytest.mark.parametrize(
    "text, family, state",
    [
        ("The trial did not meet its primary endpoint.", "trial", "missed"),
        ("ZEST failed to reach statistical significance on its primary endpoint.", "trial", "missed"),
        ("CagriSema met its primary endpoint in REDEFINE 4.", "trial", "met"),
        ("The acquisition is expected to close in the third quarter.", "deal", "pending"),
        ("The transaction should close in the third quarter of 2023.", "deal", "pending"),
        ("Merck completed the acquisition of Prometheus.", "deal", "closed"),
        ("Biogen cut its full-year forecast.", "guidance", "cut"),
        ("The company reiterated its 2024 guidance.", "guidance", "kept"),
        ("Dexcom raised its revenue guidance.", "guidance", "raised"),
    ],
)
def test_trial_deal_and_guidance_states_are_read_by_family(text, family, state):
    from assistant.checking.facts import family_states

    assert family_states(text).get(family) == {state}


def test_an_opinion_or_a_filing_that_names_an_approval_is_not_one():
    from assistant.checking.facts import regions, status_classes

    assert status_classes("Imfinzi was recommended for approval in the EU by the CHMP.") == {"opinion"}
    assert "approval" not in status_classes("AstraZeneca submitted the drug for approval in Japan.")
    assert "decision" in status_classes("The FDA granted Fast Track, with a decision expected by January 30.")
    assert status_classes("The European Commission approved Imfinzi.") == {"approval"}
    assert regions("approved by the FDA") == {"US"} and regions("the CHMP opinion") == {"EU"}
