"""The trained reader: a cross-encoder that scores how well a sentence of a release answers a question.

Why a trained model: the hand signals of the answerability model (coverage, similarity, word matches)
cannot tell a paraphrased answerable question from a near-miss unanswerable one; the field's answer to
that is answer-sentence selection with a pretrained encoder fine-tuned on labelled questions (SQuAD 2.0's
answerability, WikiQA / ASNLI-style selection). ``eval/train_reader.py`` fine-tunes the shipped
all-MiniLM-L6-v2 weights as a cross-encoder on the annotated questions of ``eval/reader/`` and exports it
to ``assistant/data/reader/`` (int8 ONNX + tokenizer + manifest); this module only runs it: onnxruntime
and the tokenizer, no torch, loaded once per process and only when first used.

The input is built by ``pair`` for training and answering alike, so the two never drift apart:

>>> pair("How many people took part?", "The trial enrolled 412 patients.", before="ZEST was a phase 3 trial.")
('How many people took part?', 'The trial enrolled 412 patients. | ZEST was a phase 3 trial.')
>>> pair("And on placebo?", "ORR was 12% with placebo.", history=["What was the response rate?"])[0]
'What was the response rate? / And on placebo?'
"""

from __future__ import annotations

import functools
import json
import threading
from pathlib import Path

import numpy as np

MODEL_DIR = Path(__file__).resolve().parents[1] / "data" / "reader"
#: Tokens of question + sentence the model reads (longer pairs are cut from the end of the context).
MAX_TOKENS = 128
#: Characters of the sentence before that the passage carries as context.
CONTEXT_CHARS = 200


def pair(question: str, sentence: str, before: str = "", history: list[str] | None = None) -> tuple[str, str]:
    """The (question, passage) texts the cross-encoder reads: the last earlier question before a
    follow-up, and the sentence followed by the sentence before it in the release (which often names the
    drug, trial or cohort the sentence leaves out), cut to ``CONTEXT_CHARS``."""
    q = " / ".join([*(history or [])[-1:], question]).strip()
    context = " ".join(before.split())[:CONTEXT_CHARS]
    passage = f"{sentence.strip()} | {context}" if context else sentence.strip()
    return q, passage


class Reader:
    """Scores (question, sentence) pairs with the shipped trained cross-encoder; higher = answers it.

    >>> r = Reader.load()  # doctest: +SKIP
    >>> r.scores([pair("How many people took part?", "The trial enrolled 412 patients.")])  # doctest: +SKIP
    array([0.97], dtype=float32)
    """

    def __init__(self, folder: Path = MODEL_DIR) -> None:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        self.folder = Path(folder)
        manifest = self.folder / "manifest.json"
        self.manifest = json.loads(manifest.read_text(encoding="utf-8")) if manifest.exists() else {}
        opts = ort.SessionOptions()
        opts.intra_op_num_threads = 2
        self.session = ort.InferenceSession(
            str(self.folder / "model.onnx"), opts, providers=["CPUExecutionProvider"]
        )
        self.tokenizer = Tokenizer.from_file(str(self.folder / "tokenizer.json"))
        self.tokenizer.enable_truncation(MAX_TOKENS, strategy="only_second")
        self.tokenizer.enable_padding()
        self.inputs = {i.name for i in self.session.get_inputs()}
        self._lock = threading.Lock()

    @classmethod
    @functools.lru_cache(maxsize=1)
    def load(cls) -> Reader:
        """The shipped reader, loaded once per process."""
        return cls()

    @staticmethod
    def available(folder: Path = MODEL_DIR) -> bool:
        return (folder / "model.onnx").is_file() and (folder / "manifest.json").is_file()

    def scores(self, pairs: list[tuple[str, str]]) -> np.ndarray:
        """Probability that each passage answers its question (sigmoid of the model's logit)."""
        if not pairs:
            return np.zeros(0, dtype=np.float32)
        enc = self.tokenizer.encode_batch(pairs)
        feed = {
            "input_ids": np.array([e.ids for e in enc], dtype=np.int64),
            "attention_mask": np.array([e.attention_mask for e in enc], dtype=np.int64),
        }
        if "token_type_ids" in self.inputs:
            feed["token_type_ids"] = np.array([e.type_ids for e in enc], dtype=np.int64)
        with self._lock:
            logits = self.session.run(None, feed)[0]
        return (1.0 / (1.0 + np.exp(-logits.reshape(-1)))).astype(np.float32)
