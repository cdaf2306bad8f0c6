"""The indexed corpus held for one process: chunks, sentences, BM25, term statistics and vectors.

Why derived tables: BM25, the lexicon, the concept statistics and the sentence and word vectors are all
functions of a generation's chunks. ``Knowledge.build`` computes them once, at ingest, and ``save`` writes
them beside the generation (tables.py); every later start maps them back with ``Knowledge.load`` in a
fraction of a second, and no question ever embeds corpus text. The arrays stay on disk (memory-mapped):
a chunk, a release's text or its sentences are made into Python objects only when a question reaches them.
A missing, stale or damaged table folder is rebuilt from the Chroma records, with a warning.

    >>> kn = Knowledge.load(IndexStore(settings), settings, embeddings)  # doctest: +SKIP
    >>> kn.sentences["release.txt"][0].start  # doctest: +SKIP
"""

from __future__ import annotations

import hashlib
import logging
import math
from bisect import bisect_right
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from assistant.index import tables
from assistant.index.bm25 import SparseBM25
from assistant.index.store import ActiveIndex, IndexDamaged, IndexMissing, IndexStore
from assistant.text.folding import fold
from assistant.text.lexicon import Lexicon, stopwords, strip_footnotes, words
from assistant.types import Chunk, Sentence, SentenceRef

log = logging.getLogger("assistant")
DIM = 384


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


def sentence_words(text: str) -> list[str]:
    """Content words of a sentence, as written (normalised, not stemmed): the soft-matching vocabulary."""
    sw = stopwords()
    return sorted({w for w in words(text) if w.isalpha() and len(w) > 2 and w not in sw})


def text_key(text: str) -> bytes:
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).digest()


class _Lazy(Mapping):
    """A read-only mapping whose values are made on first access (per source) and then kept."""

    def __init__(self, keys: Sequence[str], make: Callable[[str], Any]) -> None:
        self._keys = keys
        self._index = {k: i for i, k in enumerate(keys)}
        self._make = make
        self._made: dict[str, Any] = {}

    def __getitem__(self, key: str) -> Any:
        got = self._made.get(key)
        if got is None:
            if key not in self._index:
                raise KeyError(key)
            got = self._made[key] = self._make(key)
        return got

    def __contains__(self, key: object) -> bool:
        return key in self._index

    def __iter__(self) -> Iterator[str]:
        return iter(self._keys)

    def __len__(self) -> int:
        return len(self._keys)


class _Chunks(Sequence):
    """The generation's chunks, made into ``Chunk`` objects only when asked for."""

    def __init__(self, kn: Knowledge) -> None:
        self._kn = kn
        self._made: dict[int, Chunk] = {}

    def __len__(self) -> int:
        return len(self._kn.a["chunk_source"])

    def __getitem__(self, i):  # type: ignore[override]
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self)))]
        i = int(i)
        if i < 0:
            i += len(self)
        got = self._made.get(i)
        if got is None:
            got = self._made[i] = self._kn._chunk(i)
        return got


class _ChunkIndex:
    """``(source, start) -> chunk number``, per source on first use."""

    def __init__(self, kn: Knowledge) -> None:
        self._kn = kn
        self._by_source: dict[str, dict[int, int]] = {}

    def _of(self, source: str) -> dict[int, int]:
        got = self._by_source.get(source)
        if got is None:
            a = self._kn.a
            got = {}
            sid = self._kn.source_id.get(source)
            if sid is not None:
                lo, hi = int(a["src_chunk_ptr"][sid]), int(a["src_chunk_ptr"][sid + 1])
                for i in a["src_chunks"][lo:hi].tolist():
                    got[int(a["chunk_start"][i])] = i
            self._by_source[source] = got
        return got

    def __getitem__(self, key: tuple[str, int]) -> int:
        return self._of(key[0])[key[1]]

    def get(self, key: tuple[str, int], default: int | None = None) -> int | None:
        return self._of(key[0]).get(key[1], default)


class Knowledge:
    """One generation's chunks and everything derived from them; see the module docstring.

    Built by ingest from the chunks (with the corpus model's vectors), or in memory with no vectors:

    >>> from assistant.ingest.boilerplate import BoilerplateDetector
    >>> from assistant.ingest.chunking import Chunker
    >>> from assistant.ingest.loaders import SourceDocument
    >>> text = "Acme reports results.\\nThe trial enrolled 412 patients. Median PFS was 11.2 months."
    >>> chunks = Chunker(BoilerplateDetector()).run(SourceDocument("acme.txt", text))
    >>> kn = Knowledge.build(chunks)
    >>> [kn.text(ref) for ref in kn.sentences["acme.txt"]][1]
    'The trial enrolled 412 patients.'
    """

    def __init__(
        self, arrays: Mapping[str, np.ndarray], info: dict[str, Any], active: ActiveIndex | None
    ) -> None:
        self.a = arrays
        self.info = info
        self.active = active
        self.source_names: list[str] = info["sources"]
        self.source_id = {s: i for i, s in enumerate(self.source_names)}
        self._sections: list[str] = info["sections"]
        self.documents: dict[str, dict[str, str]] = info["documents"]
        self.chunks = _Chunks(self)
        self.chunk_index = _ChunkIndex(self)
        self.lexicon = Lexicon.from_state(info["lexicon"])
        shape = tuple(info["bm25_shape"])
        self.bm25 = (
            SparseBM25.from_arrays(
                info["bm25_vocab"], arrays["bm25_data"], arrays["bm25_indices"], arrays["bm25_indptr"], shape
            )
            if shape[0]
            else None
        )
        self.df: dict[str, int] = dict(zip(info["df_terms"], arrays["df_counts"].tolist(), strict=True))
        self.n_sentences = max(1, int(info["n_sentences"]))
        self.texts: Mapping[str, SourceText] = _Lazy(self.source_names, self._source_text)
        self.sentences: Mapping[str, list[SentenceRef]] = _Lazy(self.source_names, self._source_sentences)
        self._positions_of: dict[str, dict[int, int]] = {}
        self.word_row = {w: i for i, w in enumerate(info["words"])}
        self._concepts: dict[tuple[str, int], frozenset[str]] = {}
        self._together: dict[tuple[str, str, str], bool] = {}

    # --- building (ingest, or a rebuild of missing tables) --------------------------------------------
    @classmethod
    def build(
        cls,
        chunks: list[Chunk],
        active: ActiveIndex | None = None,
        encode: Callable[[list[str]], np.ndarray] | None = None,
        previous: Knowledge | None = None,
        progress: Callable[[str, int], Any] | None = None,
    ) -> Knowledge:
        """Compute every table from ``chunks``. Sentence and word vectors come from ``previous`` (the last
        generation) where the text is the same, and from ``encode`` (the index's corpus model) otherwise;
        without ``encode`` they are left empty (tests of the text tables only)."""
        sources: dict[str, int] = {}
        documents: dict[str, dict[str, str]] = {}
        sections: dict[str, int] = {"": 0}
        n = len(chunks)
        chunk_source = np.zeros(n, dtype=np.int32)
        chunk_start = np.zeros(n, dtype=np.int64)
        chunk_end = np.zeros(n, dtype=np.int64)
        chunk_section = np.zeros(n, dtype=np.int32)
        text_off = np.zeros(n + 1, dtype=np.int64)
        blobs: list[bytes] = []
        cs_ptr = np.zeros(n + 1, dtype=np.int64)
        cs: list[tuple[int, int, int, int]] = []
        by_source: dict[str, dict[int, tuple[int, int, int, bool, int]]] = {}
        texts: dict[str, SourceText] = {}
        for i, c in enumerate(chunks):
            sid = sources.setdefault(c.source, len(sources))
            documents[c.source] = {k: str(v) for k, v in c.metadata.items()}
            sec = sections.setdefault(c.section, len(sections))
            chunk_source[i], chunk_start[i], chunk_end[i], chunk_section[i] = sid, c.start, c.end, sec
            blob = c.text.encode("utf-8")
            blobs.append(blob)
            text_off[i + 1] = text_off[i] + len(blob)
            cs.extend((s.start, s.end, s.paragraph, int(s.heading)) for s in c.sentences)
            cs_ptr[i + 1] = len(cs)
            texts.setdefault(c.source, SourceText()).add(c.start, c.text)
            bucket = by_source.setdefault(c.source, {})
            for s in c.sentences:
                bucket[s.start] = (s.start, s.end, s.paragraph, s.heading, sec)
        for t in texts.values():
            t.finish()
        source_names = list(sources)
        src_chunks = np.argsort(chunk_source, kind="stable").astype(np.int64)
        src_chunk_ptr = np.searchsorted(chunk_source[src_chunks], np.arange(len(sources) + 1)).astype(
            np.int64
        )
        if progress:
            progress("lexicon", n)
        lexicon = Lexicon(c.text for c in chunks)
        bm25 = SparseBM25([lexicon.concepts(strip_footnotes(c.text)) for c in chunks]) if chunks else None
        section_names = list(sections)
        rows: list[
            tuple[int, int, int, int, int, int]
        ] = []  # source, start, end, paragraph, heading, section
        s_ptr = np.zeros(len(sources) + 1, dtype=np.int64)
        sentence_texts: list[str] = []
        for sid, source in enumerate(source_names):
            bucket = by_source.get(source, {})
            for start in sorted(bucket):
                st, en, par, head, sec = bucket[start]
                rows.append((sid, st, en, par, int(head), sec))
                sentence_texts.append(texts[source].slice(st, en) or "")
            s_ptr[sid + 1] = len(rows)
        # Document frequency of each concept over sentences: the weight of a question word is its IDF.
        if progress:
            progress("statistics", len(rows))
        df: Counter[str] = Counter()
        vocab: set[str] = set()
        for text in sentence_texts:
            df.update(frozenset(lexicon.concepts(strip_footnotes(text))))
            vocab.update(sentence_words(text))
        folded = [fold(t) for t in sentence_texts]
        keys = [text_key(t) for t in folded]
        unique: dict[bytes, int] = {}
        s_row = np.zeros(len(rows), dtype=np.int32)
        for i, k in enumerate(keys):
            s_row[i] = unique.setdefault(k, len(unique))
        unique_text: dict[bytes, str] = {}
        for k, t in zip(keys, folded, strict=True):
            unique_text.setdefault(k, t)
        svec_key = np.array(list(unique), dtype="S16").reshape(-1)
        word_list = sorted(vocab)
        svec = _vectors(
            list(unique),
            [unique_text[k] for k in unique],
            previous and previous._sentence_lookup(),
            encode,
            progress,
            "sentences",
        )
        wvec = _vectors(word_list, word_list, previous and previous._word_lookup(), encode, progress, "words")
        arr = np.array(rows, dtype=np.int64).reshape(-1, 6)
        cs_arr = np.array(cs, dtype=np.int64).reshape(-1, 4)
        arrays = {
            "chunk_source": chunk_source,
            "chunk_start": chunk_start,
            "chunk_end": chunk_end,
            "chunk_section": chunk_section,
            "text_off": text_off,
            "text_blob": np.frombuffer(b"".join(blobs), dtype=np.uint8),
            "cs_ptr": cs_ptr,
            "cs": cs_arr,
            "src_chunks": src_chunks,
            "src_chunk_ptr": src_chunk_ptr,
            "s_ptr": s_ptr,
            "s": arr,
            "s_row": s_row,
            "svec": svec,
            "svec_key": svec_key,
            "wvec": wvec,
            "bm25_data": bm25.matrix.data if bm25 else np.zeros(0),
            "bm25_indices": bm25.matrix.indices.astype(np.int64) if bm25 else np.zeros(0, dtype=np.int64),
            "bm25_indptr": bm25.matrix.indptr.astype(np.int64) if bm25 else np.zeros(1, dtype=np.int64),
            "df_counts": np.array(list(df.values()), dtype=np.int64),
        }
        info = {
            "sources": source_names,
            "sections": section_names,
            "documents": documents,
            "lexicon": lexicon.to_state(),
            "bm25_vocab": list(bm25.vocab) if bm25 else [],
            "bm25_shape": list(bm25.matrix.shape) if bm25 else [0, 0],
            "df_terms": list(df),
            "n_sentences": len(rows),
            "words": word_list,
            "vectors": encode is not None,
        }
        return cls(arrays, info, active)

    def save(self, folder: Path) -> Path:
        if self.active is None:
            raise ValueError("only a generation's knowledge can be saved")
        return tables.save(folder, self.active.collection, dict(self.a), self.info)

    @classmethod
    def load(
        cls,
        store: IndexStore,
        index_dir: Path | None = None,
        encode: Callable[[list[str]], np.ndarray] | None = None,
    ) -> Knowledge:
        """The active generation: its saved tables if they are sound, else rebuilt from its Chroma records
        (with a warning) and saved again for the next start."""
        active = store.active()
        if active is None:
            raise IndexMissing("no index yet: run `assistant ingest` first")
        # A vector segment that is missing makes Chroma answer from part of the index without an error:
        # two stored vectors must find themselves, or the index is reported damaged.
        if problems := store.check(probes=2):
            raise IndexDamaged(f"the index is damaged: {problems[0]}; run `assistant ingest --rebuild`")
        folder = tables.folder_for(index_dir or store.settings.index_dir, active.collection)
        try:
            arrays, info = tables.load(folder, active.collection)
            kn = cls(arrays, info, active)
            if len(kn.chunks) != active.chunks or (encode is not None and not info.get("vectors")):
                raise tables.TablesInvalid(f"the tables in {folder} do not match the generation")
            return kn
        except tables.TablesInvalid as exc:
            reason = str(exc)
        except (KeyError, ValueError, TypeError, IndexError) as exc:
            reason = f"the tables in {folder} are inconsistent ({type(exc).__name__})"
        log.warning("%s; rebuilding them from the index (this start is slower)", reason)
        chunks = [Chunk.from_record(r["documents"], r["metadatas"]) for r in store.records(active.collection)]
        kn = cls.build(chunks, active, encode)
        try:
            kn.save(folder)
        except OSError as exc:  # a read-only index folder: this process still answers, the next rebuilds
            log.warning("could not save the rebuilt tables to %s (%s)", folder, exc)
        return kn

    # --- views ---------------------------------------------------------------------------------------
    def _chunk(self, i: int) -> Chunk:
        a = self.a
        source = self.source_names[int(a["chunk_source"][i])]
        text = bytes(a["text_blob"][int(a["text_off"][i]) : int(a["text_off"][i + 1])]).decode("utf-8")
        lo, hi = int(a["cs_ptr"][i]), int(a["cs_ptr"][i + 1])
        sentences = [Sentence(st, en, par, bool(h)) for st, en, par, h in a["cs"][lo:hi].tolist()]
        return Chunk(
            source,
            int(a["chunk_start"][i]),
            int(a["chunk_end"][i]),
            text,
            sentences,
            self._sections[int(a["chunk_section"][i])],
            dict(self.documents.get(source, {})),
        )

    def chunks_of(self, source: str) -> list[int]:
        sid = self.source_id[source]
        a = self.a
        return a["src_chunks"][int(a["src_chunk_ptr"][sid]) : int(a["src_chunk_ptr"][sid + 1])].tolist()

    def _source_text(self, source: str) -> SourceText:
        t = SourceText()
        for i in self.chunks_of(source):
            c = self.chunks[i]
            t.add(c.start, c.text)
        t.finish()
        return t

    def _source_sentences(self, source: str) -> list[SentenceRef]:
        sid = self.source_id[source]
        a = self.a
        lo, hi = int(a["s_ptr"][sid]), int(a["s_ptr"][sid + 1])
        rows = a["s"][lo:hi].tolist()
        return [
            SentenceRef(source, st, en, par, bool(h), self._sections[sec], lo + k)
            for k, (_, st, en, par, h, sec) in enumerate(rows)
        ]

    def position(self, source: str, start: int) -> int | None:
        """Index of the sentence starting at ``start`` in ``sentences[source]``."""
        got = self._positions_of.get(source)
        if got is None:
            refs = self.sentences.get(source, [])
            got = self._positions_of[source] = {r.start: i for i, r in enumerate(refs)}
        return got.get(start)

    def sources_mask(self, sources: list[str]) -> np.ndarray:
        """Which chunks belong to ``sources`` (a metadata filter for BM25)."""
        ids = [self.source_id[s] for s in sources if s in self.source_id]
        return np.isin(np.asarray(self.a["chunk_source"]), ids)

    # --- vectors made at ingest ---------------------------------------------------------------------
    def sentence_vectors(self, refs: list[SentenceRef]) -> np.ndarray:
        rows = np.asarray([int(self.a["s_row"][r.row]) for r in refs], dtype=np.int64)
        return np.asarray(self.a["svec"][rows], dtype=np.float32)

    def word_vectors(self, items: list[str]) -> dict[str, np.ndarray]:
        """Stored vectors of those ``items`` that are corpus words (the rest are the caller's to embed)."""
        rows = {w: self.word_row[w] for w in items if w in self.word_row}
        if not rows:
            return {}
        mat = np.asarray(self.a["wvec"][np.fromiter(rows.values(), dtype=np.int64)], dtype=np.float32)
        return dict(zip(rows, mat, strict=True))

    @property
    def has_vectors(self) -> bool:
        return bool(self.info.get("vectors"))

    def _sentence_lookup(self) -> dict[bytes, np.ndarray]:
        if not self.has_vectors:
            return {}
        keys = self.a["svec_key"].tolist()
        return _RowLookup({k: i for i, k in enumerate(keys)}, self.a["svec"])

    def _word_lookup(self) -> dict[str, np.ndarray]:
        if not self.has_vectors:
            return {}
        return _RowLookup(self.word_row, self.a["wvec"])

    # --- text --------------------------------------------------------------------------------------
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
        i = self.position(ref.source, ref.start)
        return refs[i + 1 :]

    def paragraph_of(self, ref: SentenceRef) -> list[SentenceRef]:
        refs = self.sentences[ref.source]
        i = self.position(ref.source, ref.start)
        lo = i
        while lo > 0 and refs[lo - 1].paragraph == ref.paragraph:
            lo -= 1
        hi = i
        while hi + 1 < len(refs) and refs[hi + 1].paragraph == ref.paragraph:
            hi += 1
        return refs[lo : hi + 1]


class _RowLookup(dict):
    """``key -> vector`` over a stored matrix without copying it (a dict of row numbers)."""

    def __init__(self, rows: dict, matrix: np.ndarray) -> None:
        super().__init__(rows)
        self._matrix = matrix

    def vector(self, key) -> np.ndarray | None:
        i = dict.get(self, key)
        return None if i is None else np.asarray(self._matrix[i], dtype=np.float32)


def _vectors(
    keys: list,
    texts: list[str],
    known: _RowLookup | dict | None,
    encode: Callable[[list[str]], np.ndarray] | None,
    progress: Callable[[str, int], Any] | None,
    what: str,
) -> np.ndarray:
    """One vector per key: the previous generation's where it has the key, else embedded now."""
    out = np.zeros((len(keys) if encode is not None else 0, DIM), dtype=np.float32)
    if encode is None:
        return out
    todo = []
    for i, k in enumerate(keys):
        got = known.vector(k) if isinstance(known, _RowLookup) else None
        if got is not None:
            out[i] = got
        else:
            todo.append(i)
    if todo:
        if progress:
            progress(what, len(todo))
        # Longest first, in batches of similar length: little padding, as for chunks.
        todo.sort(key=lambda i: -len(texts[i]))
        step = 512 * max(1, getattr(encode, "workers", 1))
        for j in range(0, len(todo), step):
            part = todo[j : j + step]
            out[part] = encode([texts[i] for i in part])
            if progress:
                progress(what + "+", len(part))
    return out
