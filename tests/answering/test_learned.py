"""Issue 24: the answer path on learned scores, with the shipped bi-encoder, cross-encoder and calibration,
on the shipped release (real Chroma, real packaged models)."""

from __future__ import annotations

import hashlib
import json
import re

import pytest

from assistant.answering.cross import MODEL_DIR, CrossReader, cross_pair
from assistant.answering.learned import CALIBRATION_FILE, Calibration, LearnedAnswerer


@pytest.fixture(scope="module")
def lbot(tmp_path_factory):
    """The assistant with the learned path chosen (``decider=learned``) on the shipped release."""
    from assistant import Assistant
    from tests.helpers import CORPUS

    b = Assistant(corpus_dir=str(CORPUS), index_dir=str(tmp_path_factory.mktemp("learned")), decider="learned")
    b.ingest(progress=False)
    return b


@pytest.fixture(scope="module")
def learned(lbot):
    kn, _, extractive = lbot._load_or_build()
    answerer = lbot.answerer(kn, extractive)
    assert isinstance(answerer, LearnedAnswerer), "decider=learned chooses the learned path"
    return answerer


def _cited_right(answer, release_text):
    for c in answer.citations:
        assert release_text[c.start : c.end] == c.quote
    assert sorted({int(m) for m in re.findall(r"\[(\d+)\]", answer.text)}) == [c.n for c in answer.citations]


def test_everyday_count_question_shows_the_enrolment_cited_and_never_denies_it(lbot, release_text, learned):
    from assistant.evaluation.metrics import DENIAL

    a = lbot.ask("How many people were in the study?")
    assert a.tier in ("answer", "hedge") and not a.refused and not DENIAL.search(a.text)
    assert any("298" in c.quote for c in a.citations), a.text
    _cited_right(a, release_text)


def test_doctors_are_not_patients(lbot, learned):
    a = lbot.ask("How many doctors took part in the study?")
    assert not (a.tier == "answer" and "298" in a.text)


def test_who_makes_it_quotes_the_rights_sentence(lbot, release_text, learned):
    a = lbot.ask("Who makes Cabometyx?")
    assert a.citations, a.text
    quoted = " ".join(c.quote for c in a.citations)
    assert "Exelixis" in quoted or "Ipsen" in quoted
    assert not any(c.quote.strip() == "About Cabometyx" for c in a.citations), "never a bare heading"
    _cited_right(a, release_text)


def test_a_hedge_shows_up_to_three_ranked_cited_passages_and_is_not_a_refusal(lbot, release_text, learned):
    # With a threshold no probability reaches, every near question is a hedge: the hedge itself is tested.
    import numpy as np

    from assistant.reading.question import analyse

    kn, retriever, extractive = lbot._load_or_build()
    strict = LearnedAnswerer(kn, lbot.embeddings, lbot.settings.replace(learned_threshold=1.01), extractive)
    q = analyse(kn, "What was the median PFS with Cabometyx in the pNET cohort?")
    qvec = np.asarray(lbot.embeddings.embed_query(q.retrieval_text), dtype=np.float32)
    a = strict.run(q, retriever.search(q.retrieval_text, qvec), qvec)
    assert a.tier == "hedge" and not a.refused
    assert 1 <= len(a.citations) <= 3 and "closest to your question" in a.text
    headings = {kn.text(r) for r in kn.sentences[a.citations[0].source] if r.heading}
    assert not {c.quote for c in a.citations} & headings
    _cited_right(a, release_text)
    probs = [r["prob"] for r in a.ranked]
    assert probs and probs == sorted(probs, reverse=True)


def test_only_the_absent_tier_is_a_refusal(lbot):
    a = lbot.ask("What is the weather in Paris today?")
    assert a.tier != "answer"
    assert a.refused == (a.tier == "absent")
    assert json.loads(json.dumps(a.to_dict()))["refused"] == (a.tier == "absent")


def test_ranked_passages_ride_along_in_every_reply(lbot, release_text):
    a = lbot.ask("What was the hazard ratio in the pNET cohort?")
    d = a.to_dict()
    assert d["ranked"] and all(release_text[r["start"] : r["end"]] for r in d["ranked"])
    assert all(0.0 <= r["prob"] <= 1.0 for r in d["ranked"])


def test_the_shipped_models_and_calibration_belong_together():
    manifest = json.loads((MODEL_DIR / "manifest.json").read_text(encoding="utf-8"))
    weights = hashlib.sha256((MODEL_DIR / "model.onnx").read_bytes()).hexdigest()[:16]
    assert manifest["weights_sha256"] == weights, "the manifest describes the shipped weights"
    assert Calibration.load(CALIBRATION_FILE).fitted_on == weights, "calibrated on this cross-encoder"
    import sys

    sys.path.insert(0, str(MODEL_DIR.parents[2] / "eval"))
    from train_reader import data_hash

    trained_on = manifest["training_batches"]
    assert manifest["training_data_sha256"] == data_hash(trained_on), "retrain: the training data changed"


def test_the_cross_encoder_tells_an_answer_from_a_near_miss():
    ce = CrossReader.load()
    answer = cross_pair("How many patients took part?", "The trial enrolled a total of 412 patients.")
    other = cross_pair("How many patients took part?", "Acme is headquartered in Boston.")
    p = ce.probabilities([answer, other])
    assert p[0] > p[1]


def test_the_hand_decision_is_still_selectable(tmp_path):
    from assistant import Assistant
    from tests.helpers import CORPUS

    hand = Assistant(corpus_dir=str(CORPUS), index_dir=str(tmp_path / "i"), decider="hand")
    hand.ingest(progress=False)
    kn, _, extractive = hand._load_or_build()
    assert not isinstance(hand.answerer(kn, extractive), LearnedAnswerer)
    a = hand.ask("How many patients were enrolled in the CABINET trial?")
    assert "298" in a.text


def test_an_answer_tier_reply_is_one_the_hand_decision_agrees_with(lbot, learned):
    """The hand veto: the learned path answers outright only with a sentence the older decision would also
    answer with; where they disagree the reply is a hedge, and the sentence is still shown."""
    import numpy as np

    from assistant.reading.question import analyse

    kn, retriever, extractive = lbot._load_or_build()
    # A threshold every candidate reaches, so that only the vetoes keep a reply from the answer tier.
    loose = LearnedAnswerer(
        kn, lbot.embeddings, lbot.settings.replace(learned_threshold=0.0, veto_hand=True), extractive
    )
    questions = [
        "How many people were in the study?",
        "What was the median PFS in the pNET cohort?",
        "When is the European Commission decision expected?",
        "Who makes Cabometyx?",
        "What was the hazard ratio in the epNET cohort?",
    ]
    answered = 0
    for text in questions:
        q = analyse(kn, text)
        qvec = np.asarray(lbot.embeddings.embed_query(q.retrieval_text), dtype=np.float32)
        hits = retriever.search(q.retrieval_text, qvec)
        a = loose.run(q, hits, qvec)
        hand = loose.hand_spans(q, hits, qvec)
        if a.tier == "answer" and not getattr(a, "conflict", False):
            answered += 1
            assert all(any(s == c.source and x <= c.start < y for s, x, y in hand) for c in a.citations), text
        off = LearnedAnswerer(
            kn, lbot.embeddings, lbot.settings.replace(veto_hand=False, learned_threshold=0.0), extractive
        )
        ranked_off = [(r["source"], r["start"]) for r in off.run(q, hits, qvec).ranked]
        assert [(r["source"], r["start"]) for r in a.ranked] == ranked_off, "a veto never re-ranks"
    assert answered, "some of these are answered outright"
