"""Issue 11: the unseen eval sets, text folding, page furniture, definitions in both directions, answer
types, the answerability model and refusals that quote the closest passage. Texts here are written for
these tests; none is in an eval set."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant.answering.answerability import FEATURES, AnswerabilityModel, choose_threshold, fit, tradeoff
from assistant.evaluation.metrics import contains
from assistant.evaluation.sets import eval_sets
from assistant.ingest.boilerplate import BoilerplateDetector
from assistant.reading.answer_type import AnswerTyper, question_class
from assistant.text.folding import fold
from assistant.text.lexicon import find_expansions, words

REPO = Path(__file__).resolve().parent.parent


def _items(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def test_unseen_sets_are_complete_and_their_facts_are_in_their_texts():
    sets = eval_sets()
    texts = 0
    questions = unanswerable = followups = 0
    for name in ("dev", "test"):
        es = sets[name]
        corpus = {p.name: p.read_text(encoding="utf-8") for p in es.corpus_dir.glob("*.txt")}
        assert (es.corpus_dir.parent / "SOURCES.md").is_file()
        texts += len(corpus)
        for item in _items(es.qa):
            questions += 1
            assert item["source"] in corpus, item["id"]
            text = corpus[item["source"]]
            if item.get("answerable", True) is False:
                unanswerable += 1
                assert not item.get("facts")
            else:
                assert item["facts"], item["id"]
                for piece in item["facts"] + item.get("support", []):
                    assert contains(text, piece), (item["id"], piece)
            if item.get("history"):
                followups += 1
    assert texts >= 8 and questions >= 150 and unanswerable >= 25 and followups >= 10
    assert sets["test"].frozen and not sets["dev"].frozen


def test_fold_matches_lookalike_letters_but_quotes_stay_original():
    assert fold("respοnse") == "response"  # Greek omicron inside a Latin word
    assert fold("ﬁnal “data” – ok") == 'final "data" - ok'
    assert fold("Ωμέγα") == "Ωμέγα"  # a Greek word stays Greek
    assert "response" in words("The respοnse rate was 41%.")


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
    assert not answer.refused and "41%" in answer.text
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
    assert not answer.refused and "TReatment of Early Lung Lesions" in answer.text


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


def test_answer_types_come_from_named_entities():
    typer = AnswerTyper()
    dateline = "OSLO, Norway, 4 March 2025 - Zentia Bio ASA today announced results."
    assert typer.holds("LOC", dateline, {"which", "country"}) is True
    assert typer.holds("DATE", dateline, set()) is True
    assert typer.holds("PERSON", dateline, set()) is False
    # An entity the question already names is not an answer to it.
    assert typer.holds("LOC", "The trial ran in Norway.", {"norway"}) is False
    assert typer.holds(None, dateline, set()) is None


def test_answerability_model_is_fitted_and_calibrated():
    model = AnswerabilityModel.load()
    assert set(model.weights) >= set(FEATURES) and 0.0 <= model.threshold <= 1.0
    assert model.meta.get("fitted_on") and "test" not in model.meta["fitted_on"]
    # A real fit on separable signals learns the sign of each and reproduces the labels.
    rows = [{f: 0.0 for f in FEATURES} | {"coverage": x / 10} for x in range(11)]
    labels = [int(r["coverage"] > 0.5) for r in rows]
    fitted = fit(rows, labels, c=100.0)
    assert fitted.weights["coverage"] > 0
    assert fitted.probability(rows[10]) > 0.5 > fitted.probability(rows[0])
    curve = tradeoff([(0.9, True, True), (0.2, False, False), (0.6, True, False)])
    best = choose_threshold(curve, 1.0)
    assert best["refusal_accuracy"] == 1.0 and best["answer_accuracy"] == 0.5


def test_refusal_quotes_the_closest_passage_only_when_on_topic(bot, release_text):
    answer = bot.ask("What was the objective response rate in the pNET cohort?")
    assert answer.refused and "The closest passage:" in answer.text
    c = answer.citations[0]
    assert release_text[c.start : c.end] == c.quote
    off_topic = bot.ask("What is the capital of Peru?")
    assert off_topic.refused and not off_topic.citations and "never mentions" in off_topic.text
