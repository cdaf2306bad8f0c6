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
