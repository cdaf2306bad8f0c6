"""The trained reader: shipped with its manifest, trained on the committed data, small, read lazily, and it
tells the answering sentence of a release it never saw (the tests' Zentra release) from one on the same
topic that does not answer."""

from __future__ import annotations

import hashlib
import importlib.util
import subprocess
import sys

import pytest

from assistant.answering.reader import MODEL_DIR, Reader, pair
from tests.helpers import REPO


def _train_module():
    spec = importlib.util.spec_from_file_location("train_reader", REPO / "eval" / "train_reader.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["train_reader"] = module  # its dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


def test_the_shipped_reader_is_small_and_made_from_the_committed_data():
    assert Reader.available(), "assistant/data/reader/ is missing: run eval/train_reader.py"
    reader = Reader.load()
    manifest = reader.manifest
    assert (MODEL_DIR / "model.onnx").stat().st_size <= 40 * 1024 * 1024
    trained_on = manifest.get("training_batches")  # batches added since do not change the model's data
    assert manifest["training_data_sha256"] == _train_module().data_hash(trained_on), "retrain: the data changed"
    assert manifest["dev_onnx_int8"]["questions"] > 0
    assert manifest["min_cosine_int8_vs_torch"] >= 0.98  # int8 within a stated tolerance of the torch model
    assert manifest["weights_sha256"] == hashlib.sha256((MODEL_DIR / "model.onnx").read_bytes()).hexdigest()[:16]


def test_the_decision_model_was_fitted_on_this_reader():
    """A new reader without a refit decision would be read with another model's weights."""
    from assistant.answering.answerability import READER_FEATURES, READER_MODEL_FILE, AnswerabilityModel

    model = AnswerabilityModel.load(file=READER_MODEL_FILE)
    assert model.meta["reader_weights_sha256"] == Reader.load().name, "run eval/fit_answerability.py --reader"
    assert set(READER_FEATURES) <= set(model.features) and 0.0 < model.threshold < 1.0


@pytest.mark.parametrize(
    ("question", "answering", "not_answering"),
    [
        (
            "How many people took part?",
            "The trial enrolled 412 patients at 80 sites.",
            "The primary endpoint was progression-free survival (PFS).",
        ),
        (
            "Which group advised the regulator?",
            "The Oncologic Drugs Advisory Committee (ODAC) of the U.S. Food and Drug Administration (FDA) voted 9 to 2 in favour of Zorbatin.",
            "Median PFS was 11.2 months with Zorbatin versus 5.6 months with placebo.",
        ),
    ],
)
def test_the_answering_sentence_scores_above_a_near_miss(question, answering, not_answering):
    yes, no = Reader.load().scores([pair(question, answering), pair(question, not_answering)])
    assert yes > no, (yes, no)


def test_a_cold_ask_loads_the_reader_without_torch(tmp_path):
    code = (
        "import sys; from assistant.answering.reader import Reader, pair; "
        "Reader.load().scores([pair('How many?', 'It enrolled 412 patients.')]); "
        "print(sorted(m for m in ('torch', 'sentence_transformers', 'transformers') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, timeout=300)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"


@pytest.mark.slow
def test_training_runs_end_to_end_on_a_small_share_and_the_export_matches_torch(tmp_path):
    """The training command itself: a step on 0.5 % of the data, exported to int8 ONNX, read back."""
    out = subprocess.run(
        [
            sys.executable,
            str(REPO / "eval" / "train_reader.py"),
            "--share",
            "0.005",
            "--out",
            str(tmp_path / "reader"),
            "--dev-limit",
            "12",
        ],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=1800,
    )
    assert out.returncode == 0, out.stderr[-2000:]
    reader = Reader(tmp_path / "reader")
    assert reader.manifest["min_cosine_int8_vs_torch"] >= 0.98
    assert (tmp_path / "reader" / "model.onnx").stat().st_size <= 40 * 1024 * 1024


def test_with_the_reader_on_answers_stay_cited_and_refusals_honest(tmp_path):
    """The product path with ``use_reader``: an answer quotes exact text; a question answered in other
    words ("people" for "patients") puts the answering passage in front of the user rather than claiming
    absence; a detail the release never gives (a price) is not answered."""
    from assistant import Assistant
    from assistant.evaluation.metrics import DENIAL
    from tests.helpers import CORPUS, RELEASE

    bot = Assistant(corpus_dir=str(CORPUS), index_dir=str(tmp_path / "idx"), use_reader=True)
    text = RELEASE.read_text(encoding="utf-8")
    pfs = bot.ask("What was the median PFS in the pNET cohort?")
    assert pfs.tier == "answer" and "13.8 months" in pfs.text
    assert all(text[c.start : c.end] == c.quote for c in pfs.citations)
    people = bot.ask("How many people were in the study?")
    assert people.tier in ("answer", "hedge") and "298" in people.text and not DENIAL.search(people.text)
    assert all(text[c.start : c.end] == c.quote for c in people.citations)
    price = bot.ask("What does a course of Cabometyx cost?")
    assert price.tier != "answer"
    assert bot._load_or_build()[2].reader is not None  # the reader really read these
