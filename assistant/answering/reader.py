"""The trained reader: a question–passage encoder fine-tuned on annotated questions, whose cosine tells how
well a sentence of a release answers a question.

Why a trained model: the hand signals of the answerability model (coverage, similarity, word matches)
cannot tell a paraphrased answerable question from a near-miss unanswerable one; the field's answer to
that is answer-sentence selection with a pretrained encoder fine-tuned on labelled questions (SQuAD 2.0's
answerability, WikiQA-style selection). ``eval/train_reader.py`` fine-tunes the shipped all-MiniLM-L6-v2
weights on the annotated questions of ``eval/reader/`` and exports it to ``assistant/data/reader/``
(int8 ONNX + tokenizer + manifest); this module only runs it: onnxruntime and the tokenizer, no torch,
loaded once per process and only when first used.

Why a bi-encoder (question and passage embedded apart) and not a cross-encoder: on 2 cores a
cross-encoder reads each (question, sentence) pair anew, about 15 ms a pair, so it could read only two or
three candidates within the answer's latency budget; trained the same way it also learned far more
slowly from this data (docs/reader.md has the comparison). A passage's vector does not depend on the
question, so it is made once and kept (``Reader.passages`` caches them); a question costs one short
encoding. The reader's cosines are features of the answer decision (answering/answerability.py, the
model fitted on releases the reader never saw), not a decision on their own.

The texts are built by ``pair`` for training and answering alike, so the two never drift apart:

>>> pair("How many people took part?", "The trial enrolled 412 patients.", before="ZEST was a phase 3 trial.")
('How many people took part?', 'The trial enrolled 412 patients. | ZEST was a phase 3 trial.')
>>> pair("And on placebo?", "ORR was 12% with placebo.", history=["What was the response rate?"])[0]
'What was the response rate? / And on placebo?'
"""

from __future__ import annotations

import functools
import json
import threading
from collections import OrderedDict
from pathlib import Path

import numpy as np

MODEL_DIR = Path(__file__).resolve().parents[1] / "data" / "reader"
#: Width of the encoder's vectors (MiniLM-L6).
DIM = 384
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
    """The shipped trained encoder: normalised vectors for questions and passages (``pair``'s two texts).

    >>> r = Reader.load()  # doctest: +SKIP
    >>> q, p = pair("How many people took part?", "The trial enrolled 412 patients.")  # doctest: +SKIP
    >>> float(r.encode([q])[0] @ r.encode([p])[0])  # doctest: +SKIP
    0.71
    """

    #: Passages kept per process (a release has tens to hundreds of sentences; a vector is 1.5 KB).
    CACHE = 50_000

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
        self.tokenizer.enable_truncation(MAX_TOKENS)
        self.tokenizer.enable_padding()
        self.inputs = {i.name for i in self.session.get_inputs()}
        self._lock = threading.Lock()
        self._passages: OrderedDict[str, np.ndarray] = OrderedDict()

    @classmethod
    @functools.lru_cache(maxsize=1)
    def load(cls) -> Reader:
        """The shipped reader, loaded once per process."""
        return cls()

    @staticmethod
    def available(folder: Path = MODEL_DIR) -> bool:
        return (folder / "model.onnx").is_file() and (folder / "manifest.json").is_file()

    @property
    def name(self) -> str:
        """Which trained model this is (its weights' hash from the manifest), for reports."""
        return str(self.manifest.get("weights_sha256", "unknown"))

    def encode(self, texts: list[str], batch_size: int = 32) -> np.ndarray:
        """Mean-pooled, L2-normalised vectors (as sentence-transformers computes them), shortest first."""
        out = np.zeros((len(texts), DIM), dtype=np.float32)
        order = np.argsort([len(t) for t in texts])
        for i in range(0, len(texts), batch_size):
            idx = order[i : i + batch_size]
            enc = self.tokenizer.encode_batch([texts[j] for j in idx])
            ids = np.array([e.ids for e in enc], dtype=np.int64)
            mask = np.array([e.attention_mask for e in enc], dtype=np.int64)
            feed = {"input_ids": ids, "attention_mask": mask}
            if "token_type_ids" in self.inputs:
                feed["token_type_ids"] = np.zeros_like(ids)
            with self._lock:
                hidden = self.session.run(None, feed)[0]
            m = mask[..., None].astype(np.float32)
            pooled = (hidden * m).sum(axis=1) / np.clip(m.sum(axis=1), 1e-9, None)
            out[idx] = pooled / np.clip(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12, None)
        return out

    def passages(self, texts: list[str]) -> np.ndarray:
        """Vectors of passages, each encoded once per process and then kept (least recently used out)."""
        todo = [t for t in dict.fromkeys(texts) if t not in self._passages]
        if todo:
            for t, v in zip(todo, self.encode(todo), strict=True):
                self._passages[t] = v
        out = np.stack([self._passages[t] for t in texts]) if texts else np.zeros((0, DIM), np.float32)
        for t in texts:
            self._passages.move_to_end(t)
        while len(self._passages) > self.CACHE:
            self._passages.popitem(last=False)
        return out

    def scores(self, pairs: list[tuple[str, str]]) -> np.ndarray:
        """Cosine of each (question, passage) pair."""
        if not pairs:
            return np.zeros(0, dtype=np.float32)
        questions = list(dict.fromkeys(q for q, _ in pairs))
        qv = dict(zip(questions, self.encode(questions), strict=True))
        pv = self.passages([p for _, p in pairs])
        return np.array([float(pv[i] @ qv[q]) for i, (q, _) in enumerate(pairs)], dtype=np.float32)
