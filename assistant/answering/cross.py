"""The trained cross-encoder: P(this sentence answers the question), read from the pair itself.

Why a cross-encoder beside the bi-encoder reader: one vector per text cannot see that "doctors" are not
"patients"; a cross-encoder reads question and sentence together, token against token, which is how the
field tells an answer from a near-miss (answer-sentence selection and SQuAD 2.0-style answerability with
a fine-tuned BERT-family encoder). It costs a forward pass per candidate, so it reads only the few best
candidates that the bi-encoder and BM25 rank first (``answering/learned.py``).

``eval/train_cross.py`` fine-tunes the shipped all-MiniLM-L6-v2 weights with sentence-transformers'
``CrossEncoderTrainer`` and exports int8 ONNX to ``assistant/data/cross/`` with a manifest; this module
only runs it (onnxruntime and the tokenizer, no torch, loaded once per process, lazily).

The texts are built by ``cross_pair`` for training and answering alike, so the two never drift apart. The
passage is the sentence, then the release's title, the section heading and the sentence before (which
often names the drug, trial or cohort the sentence leaves out); truncation cuts from the end, so the
sentence before goes first:

>>> cross_pair("How many took part?", "It enrolled 412 patients.", before="ZEST is a phase 3 trial.",
...            heading="About ZEST", title="Acme reports ZEST results")
('How many took part?', 'It enrolled 412 patients. || Acme reports ZEST results | About ZEST | ZEST is a phase 3 trial.')
>>> cross_pair("And on placebo?", "ORR was 12% with placebo.", history=["What was the response rate?"])[0]
'What was the response rate? / And on placebo?'
"""

from __future__ import annotations

import functools
import json
import threading
from pathlib import Path

import numpy as np

MODEL_DIR = Path(__file__).resolve().parents[1] / "data" / "cross"
#: Tokens of question + passage the model reads (the passage's context is cut first).
MAX_TOKENS = 96
#: Characters each kept of the title, the heading and the sentence before.
TITLE_CHARS, HEADING_CHARS, BEFORE_CHARS = 120, 60, 160


def _clip(text: str, n: int) -> str:
    return " ".join(text.split())[:n]


def cross_pair(
    question: str,
    sentence: str,
    before: str = "",
    heading: str = "",
    title: str = "",
    history: list[str] | None = None,
) -> tuple[str, str]:
    """The (question, passage) texts the cross-encoder reads: the last earlier question before a follow-up,
    and the sentence with its context (title, heading when it is not the title, sentence before)."""
    q = " / ".join([*(history or [])[-1:], question]).strip()
    title, heading = _clip(title, TITLE_CHARS), _clip(heading, HEADING_CHARS)
    context = [t for t in (title, heading if heading != title else "", _clip(before, BEFORE_CHARS)) if t]
    passage = " ".join(sentence.split())
    return q, f"{passage} || {' | '.join(context)}" if context else passage


class CrossReader:
    """The shipped cross-encoder: one probability per (question, passage) pair.

    >>> ce = CrossReader.load()  # doctest: +SKIP
    >>> ce.probabilities([cross_pair("How many took part?", "The trial enrolled 412 patients.")])  # doctest: +SKIP
    array([0.93], dtype=float32)
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
        self.tokenizer.enable_truncation(int(self.manifest.get("max_tokens", MAX_TOKENS)))
        self.tokenizer.enable_padding()
        self.inputs = {i.name for i in self.session.get_inputs()}
        self._lock = threading.Lock()

    @classmethod
    @functools.lru_cache(maxsize=1)
    def load(cls) -> CrossReader:
        """The shipped cross-encoder, loaded once per process."""
        return cls()

    @staticmethod
    def available(folder: Path = MODEL_DIR) -> bool:
        return (folder / "model.onnx").is_file() and (folder / "manifest.json").is_file()

    @property
    def name(self) -> str:
        return str(self.manifest.get("weights_sha256", "unknown"))

    def logits(self, pairs: list[tuple[str, str]], batch_size: int = 16) -> np.ndarray:
        """The model's raw score per pair (shortest pairs batched together, so padding stays small)."""
        out = np.zeros(len(pairs), dtype=np.float32)
        if not pairs:
            return out
        order = np.argsort([len(q) + len(p) for q, p in pairs])
        for i in range(0, len(pairs), batch_size):
            idx = order[i : i + batch_size]
            enc = self.tokenizer.encode_batch([pairs[j] for j in idx])
            feed = {
                "input_ids": np.array([e.ids for e in enc], dtype=np.int64),
                "attention_mask": np.array([e.attention_mask for e in enc], dtype=np.int64),
            }
            if "token_type_ids" in self.inputs:
                feed["token_type_ids"] = np.array([e.type_ids for e in enc], dtype=np.int64)
            with self._lock:
                out[idx] = self.session.run(None, feed)[0].reshape(-1)
        return out

    def probabilities(self, pairs: list[tuple[str, str]]) -> np.ndarray:
        """sigmoid(logit): the trained model's P(answers), before the decision split's calibration."""
        return (1.0 / (1.0 + np.exp(-self.logits(pairs)))).astype(np.float32)
