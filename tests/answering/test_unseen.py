"""Issue 11: the unseen eval sets, text folding, page furniture, definitions in both directions, answer
types, the answerability model and refusals that quote the closest passage. Texts here are written for
these tests; none is in an eval set."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant.ingest.boilerplate import BoilerplateDetector
from assistant.text.lexicon import find_expansions

REPO = Path(__file__).resolve().parent.parent


def _items(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


@pytest.fixture(scope="module")
def web_bot(tmp_path_factory):
    from assistant import Assistant

    corpus = tmp_path_factory.mktemp("web")
    (corpus / "zentia.txt").write_text(
        "Home\nMarkets\nHealthcare\nLogin\n\n"
        "Zentia Bio reports Phase 3 TRELLIS results for velmarest\n\n"
        "OSLO, Norway, 4 March 2025 - Zentia Bio ASA today announced that the TRELLIS (TReatment of "
        "Early Lung Lesions wIth velmareSt) trial met its primary endpoint. The objective respοnse rate "
        "was 41% with velmarest versus 12% with docetaxel. The study was led by the Nordic Thoracic "
        "Oncology Group and enrolled 612 patients in 9 countries.\n\n"
        "Ingrid Solberg, Chief Medical Officer of Zentia Bio, said the company plans to file in Europe "
        "in the second half of 2025.\n\n"
        "Share this article\nFacebook\nLinkedIn\nEmail\n\n"
        "Related stories\nCentral bank holds rates as inflation cools\nFootball club sacks manager after "
        "derby loss\nHeatwave grips southern Europe\n\n"
        "No comments:\nPost a Comment\nGreat news, my uncle was in this trial and the placebo rate was 3%!\n",
        encoding="utf-8",
    )
    bot = Assistant(corpus_dir=str(corpus), index_dir=str(tmp_path_factory.mktemp("web-index")))
    bot.ingest(progress=False)
    return bot, (corpus / "zentia.txt").read_text(encoding="utf-8")


def test_page_furniture_is_kept_out_of_the_index(web_bot):
    bot, text = web_bot
    indexed = " ".join(c.text for c in bot.knowledge.chunks)
    for furniture in ("Login", "Share this article", "Football club", "Heatwave", "my uncle", "3%"):
        assert furniture not in indexed, furniture
    for kept in ("Zentia Bio reports Phase 3 TRELLIS results", "OSLO, Norway", "612 patients"):
        assert kept in indexed, kept
    answer = bot.ask("What was the response rate on placebo?")
    assert "3%" not in answer.text


def test_detector_keeps_an_ordinary_release_whole(release_text):
    cleaned = BoilerplateDetector().run(release_text)
    removed = "".join(release_text[s:e] for s, e in cleaned.removed)
    # The shipped release loses only the vendor's advertisement block, never its own headings or body.
    for kept in ("CABINET", "About Ipsen", "hazard ratio (HR) 0.23"):
        assert kept not in removed


def test_a_disguised_word_is_matched_and_cited_with_exact_offsets(web_bot):
    bot, text = web_bot
    answer = bot.ask("What was the objective response rate with velmarest?")
    assert answer.tier == "answer" and "41%" in answer.text
    for c in answer.citations:
        assert text[c.start : c.end] == c.quote  # the quote keeps the Greek letter of the original
    assert any("respοnse" in c.quote for c in answer.citations)


def test_definitions_in_both_directions_with_letters_inside_words(web_bot):
    found = {
        s: long for s, long, _, _ in find_expansions("ABCDEF (ABle Combination DEsign with Fixed dosing) was")
    }
    assert found.get("ABCDEF") == "ABle Combination DEsign with Fixed"  # the shortest form that spells it
    found = {
        s: long for s, long, _, _ in find_expansions("HER2 (human epidermal growth factor receptor 2) is")
    }
    assert found.get("HER2") == "human epidermal growth factor receptor 2"
    found = {s: long for s, long, _, _ in find_expansions("the overall survival (OS) was")}
    assert found.get("OS") == "overall survival"
    assert find_expansions("Prolia (TM) and Study 145 (Gilead) were") == []
    bot, _ = web_bot
    answer = bot.ask("What does TRELLIS stand for?")
    assert answer.tier == "answer" and "TReatment of Early Lung Lesions" in answer.text


def test_refusal_quotes_the_closest_passage_only_when_on_topic(bot, release_text):
    answer = bot.ask("What was the objective response rate in the pNET cohort?")
    assert answer.tier == "hedge" and not answer.refused and "closest to your question:" in answer.text
    c = answer.citations[0]
    assert release_text[c.start : c.end] == c.quote
    off_topic = bot.ask("What is the capital of Peru?")
    assert off_topic.tier == "absent" and not off_topic.citations and "never mentions" in off_topic.text
