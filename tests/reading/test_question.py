"""Reading a question: its answer class and head noun, follow-ups, and the weights of its concepts."""

from __future__ import annotations

import pytest

from assistant.reading.answer_type import question_class, question_focus
from assistant.reading.question import analyse, is_followup
from tests.fakes import knowledge_of
from tests.helpers import ZENTRA

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    "question, kind",
    [
        ("Which organisation ran the study?", "ORG"),
        ("Who leads the company's medical team?", "HUM"),
        ("Which country is the company based in?", "LOC"),
        ("Where is the company based?", "LOC"),
        ("When will they file in Europe?", "DATE"),
        ("How many patients took part?", "NUM"),
        ("Did the trial meet its main goal?", "YESNO"),
        ("Why did sales go down?", None),
    ],
)
def test_question_classes(question, kind):
    assert question_class(question) == kind


@pytest.fixture(scope="module")
def kn():
    return knowledge_of(ZENTRA, "zentra.md")


def test_which_questions_name_their_head_noun():
    assert question_focus("Which city is the company based in?") == ("LOC", "city")
    assert question_focus("In which year was it approved?")[0] == "DATE"
    assert question_focus("What was the response rate?") == (None, None)


def test_a_short_question_without_a_subject_is_a_followup():
    assert is_followup("And with placebo?", 1)
    assert not is_followup("What was the median PFS with Zorbatin in the trial?", 4)


def test_names_and_figures_are_specific_and_unknown_words_are_kept(kn):
    q = analyse(kn, "What was the median PFS with Zorbatin in Japan?")
    assert {"japan", "zorbatin"} <= q.specific or {"japan"} <= q.specific, q.specific
    assert "japan" in " ".join(q.unknown) or "japan" in q.specific
    assert analyse(kn, "How many patients were enrolled?").wants_figure


def test_a_followup_inherits_the_earlier_subject_at_a_lower_weight(kn):
    q = analyse(kn, "And with placebo?", ["What was the median PFS with Zorbatin?"])
    assert q.followup and q.inherited
    assert all(w < max(q.terms.values(), default=1.0) + 1e-9 for w in q.inherited.values())
    assert "Zorbatin" in q.retrieval_text
