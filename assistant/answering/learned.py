"""The answer path on learned scores: candidates ranked by the trained bi-encoder with BM25, read by the
trained cross-encoder, tiers from its probability calibrated on releases neither model saw.

Why this shape (retrieve, then rerank, then decide: the shape of every modern answer-sentence selector):
the bi-encoder reader and BM25 are cheap enough to rank every sentence of the releases in scope, and
together they put an answering sentence among their 8 best for nearly every answerable question; the
cross-encoder reads those few pairs token against token, which is what tells "doctors" from "patients";
and its probability, calibrated on the decision split (``assistant/data/cross/calibration.json``, fitted by
``eval/calibrate_tiers.py``), sets the tier:

- **answer** when the calibrated probability reaches the threshold chosen for an answer-tier precision of
  0.95 on the decision split (and no enabled veto objects);
- **hedge** otherwise, quoting up to three ranked passages, each cited, never a bare heading;
- **absent** only when even the best passage is below the floor at which almost no answerable question of
  the decision split falls: nothing in the releases is near the question.

The hand-made rules of the older decision (``extractive.py``) survive only as vetoes that an ablation on
reader dev keeps (``answer.veto_specific``, ``answer.veto_figure``; docs/reader.md has the figures), and
the older answerer still expands "What does X stand for?" from the release's own words and shows
conflicting figures side by side.

>>> from assistant import Assistant  # doctest: +SKIP
>>> a = Assistant().ask("How many people were in the study?")  # doctest: +SKIP
>>> a.tier, "298" in a.text  # doctest: +SKIP
('answer', True)
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from assistant.answering.cross import MODEL_DIR as CROSS_DIR
from assistant.answering.cross import CrossReader, cross_pair
from assistant.answering.extractive import HEDGE, REFUSAL, ExtractiveAnswerer
from assistant.answering.reader import Reader, pair
from assistant.index.bm25 import SparseBM25
from assistant.index.knowledge import Knowledge
from assistant.reading.question import Question
from assistant.settings import Settings
from assistant.text.lexicon import numbers, stem, stopwords, words
from assistant.types import Answer, Citation, Hit, SentenceRef

CALIBRATION_FILE = CROSS_DIR / "calibration.json"
#: RRF's constant (Cormack et al. 2009), as the chunk retriever uses it.
RRF_K = 60


@dataclass
class Ranked:
    """A candidate sentence with each model's score: bi-encoder cosine, BM25, cross-encoder P."""

    ref: SentenceRef
    bi: float
    bm25: float
    fused: float
    logit: float = 0.0
    prob: float = 0.0  # calibrated P(answers)
    vetoed: str = ""  # the veto that kept it from the answer tier, if any


#: The features the calibrated probability reads, per candidate: the cross-encoder's logit, the
#: bi-encoder's cosine, and how far that cosine is below the question's best one.
FEATURES = ("logit", "bi", "bi_gap")


@dataclass(frozen=True)
class Calibration:
    """A logistic model over the two trained models' scores (stacking, fitted on the decision split, which
    neither model saw), and the tier thresholds read off its probability. With weight only on ``logit``
    it is Platt scaling of the cross-encoder; the fit decides how far the bi-encoder adds to it."""

    weights: tuple[float, ...] = (1.0, 0.0, 0.0)
    bias: float = 0.0
    answer_threshold: float = 0.5
    absent_threshold: float = 0.02
    fitted_on: str = ""

    def probability(self, features: np.ndarray) -> np.ndarray:
        """P(answers) for rows of ``FEATURES``."""
        z = np.asarray(features, dtype=np.float64) @ np.asarray(self.weights) + self.bias
        return 1.0 / (1.0 + np.exp(-z))

    @classmethod
    def load(cls, file: Path = CALIBRATION_FILE) -> Calibration:
        if not file.is_file():
            return cls()
        d = json.loads(file.read_text(encoding="utf-8"))
        return cls(
            tuple(float(d["weights"][f]) for f in FEATURES),
            float(d["bias"]),
            float(d["answer_threshold"]),
            float(d["absent_threshold"]),
            str(d.get("cross_weights_sha256", "")),
        )


@functools.lru_cache(maxsize=1)
def _calibration() -> Calibration:
    return Calibration.load()


def available() -> bool:
    """Both trained models ship in this checkout (the learned path's precondition)."""
    return Reader.available() and CrossReader.available()


def _tokens(text: str) -> list[str]:
    stop = stopwords()
    return [stem(w) for w in words(text) if w not in stop]


class LearnedAnswerer:
    """The default answerer (an ``Answerer``): see the module docstring.

    >>> bot = LearnedAnswerer(kn, embeddings, Settings())  # doctest: +SKIP
    >>> bot.run(analyse(kn, "How many people took part?"), hits, qvec).tier  # doctest: +SKIP
    'answer'
    """

    name = "extractive"

    def __init__(
        self,
        knowledge: Knowledge,
        embeddings,
        settings: Settings,
        legacy: ExtractiveAnswerer | None = None,
    ) -> None:
        self.kn = knowledge
        self.settings = settings
        self.knobs = settings.answer
        self.legacy = legacy or ExtractiveAnswerer(knowledge, embeddings, settings)
        self.reader = Reader.load()
        self.cross = CrossReader.load()
        self.calibration = _calibration()
        self._bm25: dict[str, tuple[SparseBM25, list[SentenceRef]]] = {}

    # --- candidates --------------------------------------------------------------------------------
    def scope(self, hits: list[Hit]) -> list[str]:
        """The releases the question is asked of: those retrieval found (it applies the user's filters),
        best first, at most ``scope_releases`` of them."""
        return list(dict.fromkeys(h.chunk.source for h in hits))[: max(1, self.knobs.scope_releases)]

    def _sentence_bm25(self, source: str) -> tuple[SparseBM25, list[SentenceRef]]:
        """BM25 over one release's sentences, each read with the release's title and publisher (so
        "Vanda's drug" finds Vanda's release); built once per release and process."""
        got = self._bm25.get(source)
        if got is None:
            refs = [r for r in self.kn.sentences.get(source, []) if not r.heading]
            doc = self.kn.documents.get(source, {})
            context = _tokens(f"{doc.get('title', '')} {doc.get('publisher', '')}")
            got = self._bm25[source] = (SparseBM25([_tokens(self.kn.text(r)) + context for r in refs]), refs)
        return got

    def _before(self, ref: SentenceRef) -> str:
        refs = self.kn.sentences.get(ref.source, [])
        i = self.kn.position(ref.source, ref.start)
        return self.kn.text(refs[i - 1]) if i else ""

    def candidates(self, q: Question, hits: list[Hit]) -> list[Ranked]:
        """Every sentence of the releases in scope, ranked by RRF of the bi-encoder and BM25."""
        out: list[Ranked] = []
        query = _tokens(" ".join([*q.history[-1:], q.raw]))
        for source in self.scope(hits):
            bm25, refs = self._sentence_bm25(source)
            if not refs:
                continue
            lexical = bm25.get_scores(query)
            cos = self.reader.scores([pair(q.raw, self.kn.text(r), self._before(r), q.history) for r in refs])
            rank_bi = np.argsort(np.argsort(-cos, kind="stable"), kind="stable")
            rank_lex = np.argsort(np.argsort(-lexical, kind="stable"), kind="stable")
            fused = 1.0 / (RRF_K + rank_bi + 1) + 1.0 / (RRF_K + rank_lex + 1)
            out += [Ranked(r, float(cos[i]), float(lexical[i]), float(fused[i])) for i, r in enumerate(refs)]
        out.sort(key=lambda c: -c.fused)
        return out

    def read(self, q: Question, ranked: list[Ranked]) -> list[Ranked]:
        """The cross-encoder's calibrated probability for the ``candidates`` best, most probable first."""
        top = ranked[: max(1, self.knobs.candidates)]
        if not top:
            return []
        pairs = []
        for c in top:
            title = self.kn.documents.get(c.ref.source, {}).get("title", "")
            pairs.append(
                cross_pair(q.raw, self.kn.text(c.ref), self._before(c.ref), c.ref.section, title, q.history)
            )
        logits = self.cross.logits(pairs)
        best_bi = max(c.bi for c in ranked)
        for c, lg in zip(top, logits, strict=True):
            c.logit = float(lg)
        probs = self.calibration.probability(np.array([self.features(c, best_bi) for c in top]))
        for c, p in zip(top, probs, strict=True):
            c.prob = float(p)
        return sorted(top, key=lambda c: -c.prob)

    @staticmethod
    def features(c: Ranked, best_bi: float) -> list[float]:
        """The candidate's row of ``FEATURES``."""
        return [c.logit, c.bi, c.bi - best_bi]

    # --- vetoes (hand rules kept only where the ablation says they help) ---------------------------------
    def veto(self, q: Question, c: Ranked) -> str:
        if self.knobs.veto_figure and q.wants_figure and not numbers(self.kn.text(c.ref)):
            return "no figure"
        if self.knobs.veto_specific and q.specific:
            present = self.kn.concepts_of(c.ref) | self.legacy.context_of(c.ref)
            if not q.specific <= present:
                return "a name or code of the question is missing"
        return ""

    # --- the reply ---------------------------------------------------------------------------------------
    def stream(self, q: Question, hits: list[Hit], qvec: np.ndarray) -> Iterator[tuple[str, Answer | None]]:
        """The answer word by word (every partial a prefix of the final text), then the Answer."""
        answer = self.run(q, hits, qvec)
        shown = ""
        for piece in answer.text.split(" "):
            shown = f"{shown} {piece}" if shown else piece
            yield shown, None
        yield answer.text, answer

    def run(self, q: Question, hits: list[Hit], qvec: np.ndarray) -> Answer:
        if not q.raw.strip() or not words(q.raw):
            return Answer(
                f"{REFUSAL}: the question has no words it could look up. Ask about the release's content.",
                refused=True,
                question=q.raw,
            )
        if q.defines and (defined := self.legacy.definition(q, hits)) is not None:
            return defined
        read = self.read(q, self.candidates(q, hits))
        ranked = [
            {"source": c.ref.source, "start": c.ref.start, "end": c.ref.end, "prob": round(c.prob, 4)}
            for c in read
        ]
        best = read[0] if read else None
        confidence = best.prob if best else 0.0
        draft = self.kn.text(best.ref) if best else ""
        threshold = self.knobs.learned_threshold
        if threshold < 0:
            threshold = self.calibration.answer_threshold
        for c in read:
            c.vetoed = self.veto(q, c)
        answering = [c for c in read if c.prob >= threshold and not c.vetoed]
        if answering and answering[0] is best:
            answer = self._answer(q, hits, qvec, answering)
        elif best is None or best.prob < self.calibration.absent_threshold:
            answer = self.legacy.absent(q)
        else:
            answer = self._hedge(q, read)
        answer.confidence, answer.draft, answer.ranked = confidence, draft, ranked
        return answer

    def _answer(self, q: Question, hits: list[Hit], qvec: np.ndarray, answering: list[Ranked]) -> Answer:
        """The best sentence, and a further one when it too passes and adds what the first leaves out
        (another sentence of the same release, in reading order); a sentence ending in a colon brings its
        list. Conflicting figures for the asked quantity are shown side by side (the older answerer's
        check, which reads the same sentences)."""
        if q.wants_figure and (conflicted := self.legacy.conflict_answer(q, hits, qvec)) is not None:
            return conflicted
        chosen = [answering[0]]
        for c in answering[1:]:
            if len(chosen) >= self.knobs.max_answer_sentences:
                break
            if c.ref.source == chosen[0].ref.source and self.kn.text(c.ref) != self.kn.text(chosen[0].ref):
                chosen.append(c)
        chosen.sort(key=lambda c: (c.ref.source, c.ref.start))
        citations, parts = [], []
        for n, c in enumerate(chosen, start=1):
            start, end = c.ref.start, self.legacy.list_end(c.ref)
            quote = self.kn.slice(c.ref.source, start, end) or self.kn.text(c.ref)
            citations.append(Citation(n, c.ref.source, quote, start, start + len(quote), round(c.prob, 4)))
            parts.append(f"{quote} [{n}]")
        return Answer(" ".join(parts), citations, False, q.raw)

    def _hedge(self, q: Question, read: list[Ranked]) -> Answer:
        """Up to ``hedge_passages`` ranked passages, each cited, most probable first; headings are never
        quoted as passages. Nothing is claimed about what the release lacks."""
        shown = [c for c in read if not c.ref.heading][: max(1, self.knobs.hedge_passages)]
        citations, parts = [], []
        for n, c in enumerate(shown, start=1):
            quote = self.kn.text(c.ref)
            citations.append(Citation(n, c.ref.source, quote, c.ref.start, c.ref.end, round(c.prob, 4)))
            parts.append(f"{quote} [{n}]")
        lead = f"{HEDGE}. The passage{'s' if len(shown) > 1 else ''} closest to your question:"
        return Answer("\n".join([lead, *parts]), citations, False, q.raw, tier="hedge")
