"""Answers: the right figure, quoted verbatim, with citations that hold it; refusals; follow-ups."""

from __future__ import annotations

import re

import pytest

from assistant.answering.extractive import HEDGE, REFUSAL
from assistant.index.embeddings import _load

# (question, figure the answer and its cited quote must contain)
ANSWERABLE = [
    ("What was the median PFS with Cabometyx in the pNET cohort?", "13.8 months"),
    ("What was the median PFS for placebo in the pNET cohort?", "4.4 months"),
    ("What was the hazard ratio in the pNET cohort?", "0.23"),
    ("What was the HR in the epNET cohort?", "0.38"),
    ("What was the confidence interval for the HR in epNET?", "0.25-0.59"),
    ("What was the median follow-up in the epNET cohort?", "10.2 months"),
    ("What was median PFS with Cabometyx in the epNET cohort?", "8.4 months"),
    ("How many patients were enrolled in the CABINET trial?", "298"),
    ("What was the randomization ratio in CABINET?", "2:1"),
    ("What is the five-year survival rate for advanced pNET?", "23%"),
    ("What are the five-year survival rates for advanced gastrointestinal and lung NETs?", "68%"),
    ("What share of people with NETs are diagnosed with lung NETs?", "27%"),
    ("In how many countries outside the United States and Japan is Cabometyx indicated?", "65"),
    ("On what date did Ipsen announce the CHMP positive opinion?", "June 20, 2025"),
    ("Which receptor tyrosine kinases does Cabometyx inhibit?", "VEGFRs"),
    ("Who sponsors the CABINET trial?", "National Cancer Institute"),
    ("Which company holds the rights to Cabometyx in Japan?", "Takeda"),
    ("What was the hazzard ratio in the pancreatc cohort?", "0.23"),
    ("What were the secondary endpoints of CABINET?", "objective response rate"),
]

UNANSWERABLE = [
    "What is the price of Cabometyx?",
    "What is the recommended dose of Cabometyx for neuroendocrine tumors?",
    "What was the objective response rate in the pNET cohort?",
    "What was the median overall survival in the epNET cohort?",
    "How many patients were enrolled in Europe?",
    "Who is the chief executive officer of Ipsen?",
    "What is the weather in Paris today?",
]


def check_citations(answer, release_text):
    markers = sorted({int(m) for m in re.findall(r"\[(\d+)\]", answer.text)})
    assert markers == [c.n for c in answer.citations], "every marker has a citation and vice versa"
    for c in answer.citations:
        assert release_text[c.start : c.end] == c.quote
        assert c.source.endswith(".txt") and 0 <= c.score <= 1.5


@pytest.mark.parametrize(("question", "figure"), ANSWERABLE)
def test_answers_with_the_right_figure_and_a_citation_that_holds_it(bot, release_text, question, figure):
    answer = bot.ask(question)
    assert answer.tier == "answer", answer.text
    assert figure in answer.text
    assert any(figure in c.quote for c in answer.citations)
    check_citations(answer, release_text)


@pytest.mark.parametrize("question", UNANSWERABLE)
def test_unanswerable_questions_are_refused(bot, release_text, question):
    answer = bot.ask(question)
    assert answer.tier != "answer", answer.text
    # Two honest tiers: a close passage is quoted without claiming absence; absence is said only alone.
    if answer.tier == "hedge":
        assert answer.text.startswith(HEDGE) and answer.citations and "does not" not in answer.text
    else:
        assert answer.tier == "absent" and answer.text.startswith(REFUSAL) and not answer.citations
    check_citations(answer, release_text)


def test_followup_is_resolved_from_history(bot, release_text):
    first = bot.ask("What was the median PFS in the pNET cohort?")
    follow = bot.ask(
        "And in the epNET cohort?", history=[("What was the median PFS in the pNET cohort?", first.text)]
    )
    assert (
        follow.tier == "answer" and "8.4 months" in follow.text and "13.8 months for Cabometyx" not in follow.text
    )
    check_citations(follow, release_text)
    # Gradio's message format works the same way.
    msgs = [
        {"role": "user", "content": "What was the hazard ratio in the pNET cohort?"},
        {"role": "assistant", "content": "..."},
    ]
    assert "0.38" in bot.ask("What about the epNET cohort?", history=msgs).text


def test_list_question_quotes_the_list(bot):
    answer = bot.ask("What is Cabometyx currently indicated for outside the United States and Japan?")
    assert "hepatocellular carcinoma" in answer.text and "nivolumab" in answer.text


def test_empty_question_is_not_looked_up(bot):
    answer = bot.ask("   ")
    assert answer.tier != "answer" and not answer.citations


def test_too_long_question_is_rejected(bot):
    from assistant import BadQuestion

    with pytest.raises(BadQuestion):
        bot.ask("x" * (bot.settings.max_question_chars + 1))


def test_warm_ask_loads_nothing(bot):
    bot.ask("What was the HR in the epNET cohort?")
    misses = _load.cache_info().misses
    knowledge = bot.knowledge
    for _ in range(3):
        bot.ask("How many patients were enrolled in the CABINET trial?")
    assert _load.cache_info().misses == misses
    assert bot.knowledge is knowledge
