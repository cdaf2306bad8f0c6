"""The eval's metric code on known-good and known-bad answers, and the settings object."""

from __future__ import annotations

import pytest

from assistant.evaluation.metrics import judge, summarise

pytestmark = pytest.mark.unit

SOURCE = {"r.txt": "Median PFS was 13.8 months versus 4.4 months (HR 0.23)."}
ITEM = {"id": "x", "question": "PFS?", "facts": ["13.8 months"], "support": ["13.8 months"]}
GOOD_CITE = {"n": 1, "source": "r.txt", "quote": "Median PFS was 13.8 months", "start": 0, "end": 26}


def test_known_good_answer_scores_full():
    j = judge(ITEM, "Median PFS was 13.8 months [1]", False, [GOOD_CITE], SOURCE)
    s = summarise([j], [10.0])
    assert j.correct and s["citation_recall"] == 1.0 and s["citation_precision"] == 1.0
    assert s["offset_validity"] == 1.0 and s["unsupported_number_rate"] == 0.0


def test_known_bad_answer_is_caught():
    bad_cite = {
        "n": 1,
        "source": "r.txt",
        "quote": "versus 4.4 months",
        "start": 0,
        "end": 17,
    }  # wrong offsets
    j = judge(ITEM, "Median PFS was 12.1 months [1]", False, [bad_cite], SOURCE)
    s = summarise([j], [10.0])
    assert not j.correct and j.unsupported == ["12.1"]
    assert s["citation_recall"] == 0.0 and s["citation_precision"] == 0.0
    assert s["offset_validity"] == 0.0 and s["unsupported_number_rate"] > 0


def test_unanswerable_must_be_refused():
    item = {"id": "u", "question": "Price?", "answerable": False}
    assert judge(item, "The release does not say.", True, [], SOURCE).correct
    assert not judge(item, "It costs 5 dollars.", False, [], SOURCE).correct


def test_thresholds_hold_targets_and_a_gate_that_catches_a_miss():
    from assistant.evaluation.runner import GATED, check_gate, load_thresholds

    limits = load_thresholds()
    # The shipped set's target and gate name the same metrics, every one gated; the by-tier metrics
    # (answerable_accuracy, facts_shown, answer_precision) are gated where a set's section names them.
    assert set(limits["target"]) == set(limits["gate"]) <= set(GATED)
    assert set(GATED) - set(limits["gate"]) <= {"answerable_accuracy", "facts_shown", "answer_precision"}
    for name, section in limits.items():
        assert set(section) <= set(GATED), name
    # The gate may trail a target the product does not meet yet, never exceed it or drop the safety ones.
    for key in (
        "refusal_accuracy",
        "citation_precision",
        "offset_validity",
        "unsupported_number_rate",
        "denies_while_quoting",
    ):
        assert limits["gate"][key] == limits["target"][key]
    for key in ("answer_accuracy", "citation_recall"):
        assert limits["gate"][key] <= limits["target"][key]
    good = {k: (0.0 if op == "<=" else 1.0) for k, op in GATED.items()}
    assert check_gate(good, limits["gate"]) == []
    bad = dict(good, unsupported_number_rate=0.01, answer_accuracy=0.5)
    missed = check_gate(bad, limits["gate"])
    assert len(missed) == 2 and any("unsupported_number_rate" in m for m in missed)


def test_tiers_are_counted_and_a_denial_that_quotes_is_caught():
    from assistant.evaluation.metrics import summarise

    item = {"id": "x", "question": "How many?", "facts": ["412 patients"]}
    quote = {"source": "r.txt", "quote": "It enrolled 412 patients.", "start": 0, "end": 25}
    sources = {"r.txt": "It enrolled 412 patients."}
    hedge = judge(
        item, "I'm not sure ... closest: It enrolled 412 patients. [1]", True, [quote], sources, "hedge"
    )
    assert hedge.facts_shown and not hedge.correct and not hedge.denies_quoting
    denial = judge(
        item,
        "The release does not say. The closest passage: It enrolled 412 patients. [1]",
        True,
        [quote],
        sources,
    )
    assert denial.denies_quoting and denial.tier == "absent"
    s = summarise([hedge, denial], [10.0, 10.0])
    assert s["tier_hedge"] == 0.5 and s["tier_absent"] == 0.5 and s["denies_while_quoting"] == 1
    assert s["facts_shown"] == 0.5


def test_a_hedge_is_scored_as_not_answered_but_its_facts_count_as_shown():
    cite = {"n": 1, "source": "r.txt", "quote": SOURCE["r.txt"], "start": 0, "end": len(SOURCE["r.txt"])}
    text = f"The release may not answer this directly. The passage closest: {SOURCE['r.txt']} [1]"
    j = judge(ITEM, text, False, [cite], SOURCE, "hedge")
    s = summarise([j], [10.0])
    assert not j.correct and s["facts_shown"] == 1.0 and s["tier_hedge"] == 1.0
    unanswerable = {"id": "u", "question": "OS?", "answerable": False}
    assert judge(unanswerable, text, False, [cite], SOURCE, "hedge").correct


def test_answer_precision_counts_only_answer_tier_replies():
    good = judge(ITEM, "Median PFS was 13.8 months [1]", False, [GOOD_CITE], SOURCE, "answer")
    wrong = judge(
        {"id": "u", "question": "OS?", "answerable": False},
        "Median PFS was 13.8 months [1]",
        False,
        [GOOD_CITE],
        SOURCE,
        "answer",
    )
    hedged = judge(ITEM, "The release does not say.", True, [], SOURCE, "absent")
    assert summarise([good, wrong, hedged], [1.0] * 3)["answer_precision"] == 0.5
    assert summarise([hedged], [1.0])["answer_precision"] == 1.0


def test_ranked_hold_facts_reads_the_ranked_offsets():
    from assistant.evaluation.runner import ranked_hold_facts

    text = SOURCE["r.txt"]
    ranked = [
        {"source": "r.txt", "start": 27, "end": len(text), "prob": 0.9},
        {"source": "r.txt", "start": 0, "end": 26, "prob": 0.5},
    ]
    assert not ranked_hold_facts(ranked, ["13.8 months"], SOURCE, 1)
    assert ranked_hold_facts(ranked, ["13.8 months"], SOURCE, 2)
    assert ranked_hold_facts(ranked, ["13.8 months", "4.4 months"], SOURCE, 3)
    assert not ranked_hold_facts([{"source": "gone.txt", "start": 0, "end": 9}], ["PFS"], SOURCE, 1)
