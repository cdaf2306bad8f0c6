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

The hand-made rules of the older decision (``extractive.py``) survive only as vetoes on the answer tier,
each kept where the ablation on reader dev says it helps (``eval/ablate_learned.py``; docs/reader.md has
the figures): ``answer.veto_figure`` (a figure question needs a sentence with a figure),
``answer.veto_specific`` (the question's names and codes must be in the sentence or beside it) and
``answer.veto_hand`` (the older decision as a whole must agree on the sentence; off by default: it cost
answers for no precision). A veto never makes an
answer and never hides a passage: a vetoed sentence is still shown, ranked, in a hedge. Each combination
of vetoes has its own calibrated threshold, so switching one off keeps the precision target. The older
answerer also still expands "What does X stand for?" from the release's own words and shows conflicting
figures side by side.

>>> from assistant import Assistant  # doctest: +SKIP
>>> a = Assistant().ask("How many people were in the study?")  # doctest: +SKIP
>>> a.tier, "298" in a.text  # doctest: +SKIP
('answer', True)
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
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
#: The bi-encoder's best sentences always among those the cross-encoder reads (see ``read``).
BI_KEPT = 3


@dataclass
class Ranked:
    """A candidate sentence with each model's score: bi-encoder cosine, BM25, cross-encoder P."""

    ref: SentenceRef
    bi: float
    bm25: float
    fused: float
    lex_rank: int = 0  # the sentence's BM25 rank in its release (0: best)
    logit: float = 0.0
    prob: float = 0.0  # calibrated P(answers)
    vetoed: str = ""  # the veto that kept it from the answer tier, if any


#: The features the calibrated probability reads, per candidate, all from the two trained models and BM25:
#: the cross-encoder's logit and its margin over the best other candidate's, the bi-encoder's cosine, how
#: far it is below the question's best one and its margin over the best other sentence's, and BM25's
#: reciprocal rank. The margins are what tell a clear answer from a toss-up between near-equal sentences.
FEATURES = ("logit", "logit_margin", "bi", "bi_gap", "bi_margin", "lexical")


@dataclass(frozen=True)
class Calibration:
    """A logistic model over the two trained models' scores (stacking, fitted on the decision split, which
    neither model saw), and the tier thresholds read off its probability. With weight only on ``logit``
    it is Platt scaling of the cross-encoder; the fit decides how far the bi-encoder adds to it."""

    weights: tuple[float, ...] = (1.0, 0.0, 0.0, 0.0, 0.0, 0.0)
    bias: float = 0.0
    answer_threshold: float = 0.5
    absent_threshold: float = 0.02
    fitted_on: str = ""
    #: The answer threshold fitted for each combination of enabled vetoes ("figure+hand+specific", …, ""
    #: for none): a veto changes which replies reach the answer tier, so each combination gets the
    #: threshold that keeps its answer-tier precision at the target (the ablation compares them fairly).
    by_vetoes: dict[str, float] = field(default_factory=dict)

    def threshold_for(self, vetoes: tuple[str, ...]) -> float:
        return self.by_vetoes.get("+".join(sorted(vetoes)), self.answer_threshold)

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
            tuple(float(d["weights"].get(f, 0.0)) for f in FEATURES),
            float(d["bias"]),
            float(d["answer_threshold"]),
            float(d["absent_threshold"]),
            str(d.get("cross_weights_sha256", "")),
            {k: float(v) for k, v in d.get("answer_threshold_by_vetoes", {}).items()},
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
            out += [
                Ranked(r, float(cos[i]), float(lexical[i]), float(fused[i]), int(rank_lex[i]))
                for i, r in enumerate(refs)
            ]
        out.sort(key=lambda c: -c.fused)
        return out

    def read(self, q: Question, ranked: list[Ranked]) -> list[Ranked]:
        """The cross-encoder's calibrated probability for the ``candidates`` best, most probable first.

        The bi-encoder's own best sentences are always read (``BI_KEPT``), whatever BM25 says: rank fusion
        flattens a strong ranker's clear first choice when the other ranker puts it low ("How many people
        were in the study?" against "enrolled a total of 298 patients" shares no word, so the reader's best
        sentence fell to fused rank 9), as the chunk retriever keeps each retriever's first choice."""
        n = max(1, self.knobs.candidates)
        kept = sorted(ranked, key=lambda c: -c.bi)[: min(BI_KEPT, n)]
        top = kept + [c for c in ranked if all(c is not k for k in kept)][: n - len(kept)]
        if not top:
            return []
        pairs = []
        for c in top:
            title = self.kn.documents.get(c.ref.source, {}).get("title", "")
            pairs.append(
                cross_pair(q.raw, self.kn.text(c.ref), self._before(c.ref), c.ref.section, title, q.history)
            )
        logits = self.cross.logits(pairs)
        for c, lg in zip(top, logits, strict=True):
            c.logit = float(lg)
        rows = self.feature_rows(top, ranked)
        probs = self.calibration.probability(np.array(rows))
        for c, p in zip(top, probs, strict=True):
            c.prob = float(p)
        return sorted(top, key=lambda c: -c.prob)

    @staticmethod
    def feature_rows(top: list[Ranked], ranked: list[Ranked]) -> list[list[float]]:
        """Each read candidate's row of ``FEATURES`` (margins against the other candidates of the question:
        the cross-encoder's among those it read, the bi-encoder's among every sentence in scope)."""
        bis = sorted((c.bi for c in ranked), reverse=True)
        best_bi, second_bi = bis[0], bis[1] if len(bis) > 1 else bis[0]
        logits = sorted((c.logit for c in top), reverse=True)
        best_lg, second_lg = logits[0], logits[1] if len(logits) > 1 else logits[0]
        rows = []
        for c in top:
            other_bi = second_bi if c.bi >= best_bi else best_bi
            other_lg = second_lg if c.logit >= best_lg else best_lg
            rows.append(
                [c.logit, c.logit - other_lg, c.bi, c.bi - best_bi, c.bi - other_bi, 1.0 / (1 + c.lex_rank)]
            )
        return rows

    # --- vetoes (hand rules kept only where the ablation says they help) ---------------------------------
    #: Every veto by name: the ``answer.veto_<name>`` setting that enables it, and the reason a reply shows.
    VETOES = {
        "figure": "no figure",
        "specific": "a name or code of the question is missing",
        "hand": "the older hand-made decision would not answer with it",
    }

    def hand_spans(self, q: Question, hits: list[Hit], qvec: np.ndarray) -> list[tuple[str, int, int]]:
        """The sentences the older hand-made decision would answer with ([] when it would not answer): the
        ``hand`` veto's evidence, computed once per question."""
        answer = self.legacy.run(q, hits, qvec)
        if answer.tier != "answer":
            return []
        return [(c.source, c.start, c.end) for c in answer.citations]

    def vetoes(self, q: Question, c: Ranked, hand: list[tuple[str, int, int]] | None) -> dict[str, bool]:
        """Which vetoes object to answering with ``c`` outright, each whether enabled or not (the
        calibration fits a threshold for every combination; ``veto`` applies the enabled ones)."""
        present = self.kn.concepts_of(c.ref) | self.legacy.context_of(c.ref)
        ref = c.ref
        return {
            "figure": bool(q.wants_figure and not numbers(self.kn.text(ref))),
            "specific": bool(q.specific and not q.specific <= present),
            "hand": hand is not None
            and not any(s == ref.source and a <= ref.start < b for s, a, b in hand),
        }

    def enabled_vetoes(self) -> tuple[str, ...]:
        return tuple(v for v in self.VETOES if getattr(self.knobs, f"veto_{v}"))

    def veto(self, q: Question, c: Ranked, hand: list[tuple[str, int, int]] | None = None) -> str:
        """The first enabled veto that objects to answering with ``c`` outright, or ""."""
        found = self.vetoes(q, c, hand)
        return next((self.VETOES[v] for v in self.enabled_vetoes() if found[v]), "")

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
            threshold = self.calibration.threshold_for(self.enabled_vetoes())
        hand = self.hand_spans(q, hits, qvec) if self.knobs.veto_hand and read else None
        for c in read:
            c.vetoed = self.veto(q, c, hand)
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
