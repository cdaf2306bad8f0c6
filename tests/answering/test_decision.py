"""The answer decision, on a release read into memory with a hashed-word embedding (no model, no index).

What must hold whatever the signals' weights: a quoted sentence is the release's own text at the cited
offsets; a question about what the release does not give is refused, and a refusal never states a
figure; the question's names must be in the answer; a definition is quoted where the release spells it
out; a follow-up borrows its subject from the history; the settings reach the decision.
"""

from __future__ import annotations

import re

import numpy as np
import pytest

import assistant.answering.extractive as extractive
from assistant.answering.extractive import HEDGE, REFUSAL, ExtractiveAnswerer
from assistant.reading.question import analyse
from assistant.settings import Settings
from tests.fakes import HashedWords, NoEntities, hits_of, knowledge_of
from tests.helpers import ZENTRA

pytestmark = pytest.mark.unit


@pytest.fixture(scope="module")
def kn():
    return knowledge_of(ZENTRA, "zentra.md")


@pytest.fixture()
def ask(kn, monkeypatch):
    """ask(question, history=(), **settings) -> Answer, through analyse() and ExtractiveAnswerer.run()."""
    monkeypatch.setattr(extractive, "verbs_of", lambda q: frozenset())  # no tagger in the unit tier

    def run(question: str, history: tuple[str, ...] = (), **overrides):
        answerer = ExtractiveAnswerer(kn, HashedWords(), Settings.from_env({}, **overrides))
        answerer.typer = NoEntities()
        q = analyse(kn, question, list(history))
        qvec = np.asarray(HashedWords().embed_query(q.retrieval_text), dtype=np.float32)
        return answerer.run(q, hits_of(kn), qvec)

    return run


def _quotes_hold(answer) -> None:
    assert answer.citations, answer.text
    for c in answer.citations:
        assert ZENTRA[c.start : c.end] == c.quote and f"[{c.n}]" in answer.text


@pytest.mark.parametrize(
    ("question", "figure"),
    [
        ("How many patients did the trial enrol?", "412 patients"),
        ("How many sites took part?", "80 sites"),
        ("What was the median PFS with placebo?", "5.6 months"),
        ("What was the primary endpoint?", "progression-free survival"),
    ],
)
def test_an_answer_quotes_the_sentence_that_holds_the_figure(ask, question, figure):
    answer = ask(question)
    assert answer.tier == "answer" and figure in answer.text
    _quotes_hold(answer)


@pytest.mark.parametrize(
    "question",
    [
        "What was the overall survival?",
        "What was the median PFS in Japan?",
        "How much does Zorbatin cost?",
    ],
)
def test_what_the_release_does_not_give_is_refused_without_a_figure(ask, question):
    answer = ask(question)
    assert answer.tier != "answer" and answer.tier in ("hedge", "absent")
    # A hedge quotes without claiming absence; an absence claims it without quoting.
    assert answer.text.startswith(HEDGE if answer.tier == "hedge" else REFUSAL)
    assert bool(answer.citations) == (answer.tier == "hedge")
    stated = set(re.findall(r"\d+(?:\.\d+)?", answer.text.split("The passage closest")[0]))
    assert not stated, answer.text  # a refusal's own words never state a number


def test_a_refusal_quotes_its_closest_passage_with_exact_offsets(ask):
    answer = ask("What was the overall survival?")
    assert answer.tier != "answer"
    for c in answer.citations:
        assert ZENTRA[c.start : c.end] == c.quote


def test_a_definition_is_quoted_where_the_release_spells_it_out(ask):
    answer = ask("What does ODAC stand for?")
    assert answer.tier == "answer" and "Oncologic Drugs Advisory Committee" in answer.text
    _quotes_hold(answer)
    assert ask("What does XQZ stand for?").tier != "answer"


def test_a_followup_takes_its_subject_from_the_history(ask):
    answer = ask("And with placebo?", history=("What was the median PFS with Zorbatin?",))
    assert answer.tier == "answer" and "5.6 months" in answer.text


def test_the_settings_reach_the_decision(ask):
    assert ask("How many patients did the trial enrol?").tier == "answer"
    # No sentence can cover more than all of the question, nor reach a probability above 1: refused.
    assert ask("How many patients did the trial enrol?", min_coverage=1.01, answer_threshold=1.01).tier != "answer"
    # At most one sentence per answer.
    assert len(ask("What was the primary endpoint and median PFS?", max_answer_sentences=1).citations) <= 1
