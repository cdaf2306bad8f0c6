"""The indexed corpus held in memory for one process: chunks, sentences, BM25 and term statistics.

Why load it once: BM25 and the lexicon need every chunk's text; building them per query would make each
answer cost as much as the corpus. ``Knowledge.load`` reads the active Chroma generation once (paged) and
everything downstream reuses it.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from collections import Counter
from dataclasses import dataclass

from .bm25 import SparseBM25
from .chunking import Chunk
from .lexicon import Lexicon, strip_footnotes
from .store import ActiveIndex, IndexDamaged, IndexMissing, IndexStore


@dataclass(frozen=True)
class SentenceRef:
    source: str
    start: int
    end: int
    paragraph: int
    heading: bool
    section: str


class SourceText:
    """The indexed text of one source, rebuilt from its chunks' spans (boilerplate gaps stay gaps)."""

    def __init__(self) -> None:
        self._segments: list[tuple[int, str]] = []

    def add(self, start: int, text: str) -> None:
        self._segments.append((start, text))

    def finish(self) -> None:
        merged: list[tuple[int, str]] = []
        for start, text in sorted(self._segments):
            if merged and start <= merged[-1][0] + len(merged[-1][1]):
                m_start, m_text = merged[-1]
                overlap = m_start + len(m_text) - start
                if len(text) > overlap:
                    merged[-1] = (m_start, m_text + text[overlap:])
            else:
                merged.append((start, text))
        self._segments = merged
        self._starts = [s for s, _ in merged]

    def segments(self) -> list[tuple[int, str]]:
        return list(self._segments)

    def slice(self, start: int, end: int) -> str | None:
        i = bisect_right(self._starts, start) - 1
        if i < 0:
            return None
        seg_start, seg_text = self._segments[i]
        if end > seg_start + len(seg_text):
            return None
        return seg_text[start - seg_start : end - seg_start]


class Knowledge:
    def __init__(self, chunks: list[Chunk], active: ActiveIndex | None = None) -> None:
        self.active = active
        self.chunks = chunks
        self.chunk_index = {(c.source, c.start): i for i, c in enumerate(chunks)}
        self.lexicon = Lexicon(c.text for c in chunks)
        # BM25 over concepts, so "progression-free survival" in a query finds "PFS" in a chunk.
        self.bm25 = (
            SparseBM25([self.lexicon.concepts(strip_footnotes(c.text)) for c in chunks]) if chunks else None
        )
        self.texts: dict[str, SourceText] = {}
        by_source: dict[str, dict[int, SentenceRef]] = {}
        for c in chunks:
            self.texts.setdefault(c.source, SourceText()).add(c.start, c.text)
            bucket = by_source.setdefault(c.source, {})
            for s in c.sentences:
                bucket[s.start] = SentenceRef(c.source, s.start, s.end, s.paragraph, s.heading, c.section)
        for t in self.texts.values():
            t.finish()
        self.sentences: dict[str, list[SentenceRef]] = {
            k: [v[i] for i in sorted(v)] for k, v in by_source.items()
        }
        self._positions = {
            (ref.source, ref.start): i for refs in self.sentences.values() for i, ref in enumerate(refs)
        }
        self._concepts: dict[tuple[str, int], frozenset[str]] = {}
        self._together: dict[tuple[str, str, str], bool] = {}
        # Document frequency of each concept over sentences: the weight of a question word is its IDF.
        df: Counter[str] = Counter()
        for refs in self.sentences.values():
            for ref in refs:
                df.update(self.concepts_of(ref))
        self.df = df
        self.n_sentences = max(1, sum(len(v) for v in self.sentences.values()))
        self.documents = {c.source: c.metadata for c in chunks}

    @classmethod
    def load(cls, store: IndexStore) -> Knowledge:
        active = store.active()
        if active is None:
            raise IndexMissing("no index yet: run `assistant ingest` first")
        chunks = [Chunk.from_record(r["documents"], r["metadatas"]) for r in store.records(active.collection)]
        # A vector segment that is missing makes Chroma answer from part of the index without an error:
        # two stored vectors must find themselves, or the index is reported damaged.
        if problems := store.check(probes=2):
            raise IndexDamaged(f"the index is damaged: {problems[0]}; run `assistant ingest --rebuild`")
        return cls(chunks, active)

    def text(self, ref: SentenceRef) -> str:
        return self.slice(ref.source, ref.start, ref.end) or ""

    def slice(self, source: str, start: int, end: int) -> str | None:
        t = self.texts.get(source)
        return t.slice(start, end) if t else None

    def concepts_of(self, ref: SentenceRef) -> frozenset[str]:
        key = (ref.source, ref.start)
        got = self._concepts.get(key)
        if got is None:
            got = frozenset(self.lexicon.concepts(strip_footnotes(self.text(ref))))
            self._concepts[key] = got
        return got

    def idf(self, concept: str) -> float:
        return math.log((self.n_sentences + 1) / (self.df.get(concept, 0) + 0.5))

    def together(self, source: str, a: str, b: str) -> bool:
        """Whether one sentence of ``source`` names both concepts (the release ties them together)."""
        key = (source, a, b)
        got = self._together.get(key)
        if got is None:
            got = any(
                a in (cs := self.concepts_of(ref)) and b in cs for ref in self.sentences.get(source, [])
            )
            self._together[key] = got
        return got

    def neighbours(self, ref: SentenceRef) -> list[SentenceRef]:
        """Sentences of the same source that follow ``ref``, in order."""
        refs = self.sentences[ref.source]
        i = self._positions[(ref.source, ref.start)]
        return refs[i + 1 :]

    def paragraph_of(self, ref: SentenceRef) -> list[SentenceRef]:
        refs = self.sentences[ref.source]
        i = self._positions[(ref.source, ref.start)]
        lo = i
        while lo > 0 and refs[lo - 1].paragraph == ref.paragraph:
            lo -= 1
        hi = i
        while hi + 1 < len(refs) and refs[hi + 1].paragraph == ref.paragraph:
            hi += 1
        return refs[lo : hi + 1]
