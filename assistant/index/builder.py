"""corpus -> chunks -> embeddings -> a new, complete Chroma generation -> flip the pointer.

Why it is shaped like this: re-ingest must be cheap and safe. Chunks whose text is already in the active
generation take their stored vectors (nothing is re-embedded); if nothing at all changed, nothing is written.
A file lock serialises concurrent ingests; the pointer flip (see store.py) makes the switch atomic.
"""

from __future__ import annotations

import os
import signal
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from filelock import FileLock, Timeout

from assistant.index import tables
from assistant.index.embeddings import PackagedEmbeddings, ParallelEncoder
from assistant.index.knowledge import Knowledge
from assistant.index.store import (
    ActiveIndex,
    IndexStore,
    IndexUnavailable,
    check_index,
    quarantine,
    verify_generation,
)
from assistant.ingest.boilerplate import BoilerplateDetector
from assistant.ingest.chunking import Chunker
from assistant.ingest.injection import MIN_WORDS, InjectionDetector, PlantedCache
from assistant.ingest.loaders import (
    CorpusFileError,
    SourceDocument,
    discover,
    hidden_html_text,
    load_text,
    parse_metadata,
    relative_source,
)
from assistant.settings import Settings
from assistant.types import Chunk

ADD_BATCH = 256


@dataclass
class IngestReport:
    files: int = 0
    chunks: int = 0
    embedded: int = 0
    reused: int = 0
    removed: int = 0
    unchanged: bool = False
    warnings: list[str] = field(default_factory=list)
    seconds: float = 0.0
    collection: str = ""
    #: Where a damaged index was moved by ``--rebuild`` (empty if it was healthy).
    quarantined: str = ""

    def summary(self) -> str:
        if self.unchanged:
            return f"index up to date: {self.files} files, {self.chunks} chunks, nothing embedded"
        return (
            f"indexed {self.files} files, {self.chunks} chunks: {self.embedded} embedded, {self.reused} reused, "
            f"{self.removed} removed ({self.seconds:.1f}s)"
        )


def _planted_cache(settings: Settings, version: str) -> PlantedCache | None:
    try:
        return PlantedCache(settings.index_dir / "planted-cache.sqlite3", version)
    except Exception:  # unwritable or damaged: ingest works without it, only slower
        return None


def _snippet(text: str, limit: int = 90) -> str:
    one = " ".join(text.split())
    return f"“{one[:limit]}…”" if len(one) > limit else f"“{one}”"


def _fault(point: str) -> None:
    """Crash-test hook: ASSISTANT_FAULT_KILL_AT=<point> SIGKILLs this process there (tests prove atomicity)."""
    if os.environ.get("ASSISTANT_FAULT_KILL_AT") == point:
        os.kill(os.getpid(), signal.SIGKILL)


def load_documents(
    paths: list[Path], root: Path, max_bytes: int, warnings: list[str]
) -> list[SourceDocument]:
    docs = []
    for path in discover(paths, root):
        try:
            text = load_text(path, max_bytes)
        except CorpusFileError as exc:
            warnings.append(f"skipped {exc}")
            continue
        if not text.strip():
            warnings.append(f"skipped {path}: empty")
            continue
        source = relative_source(path, root)
        hidden = tuple(hidden_html_text(path, max_bytes))
        docs.append(SourceDocument(source, text, parse_metadata(text, source), hidden))
    return docs


def _progress(show: bool):
    """A progress callback for ``Knowledge.build``: one tqdm bar per kind of vector embedded."""
    bars: dict[str, Any] = {}

    def report(what: str, n: int) -> None:
        if not show:
            return
        from tqdm import tqdm

        if what.endswith("+"):
            if what[:-1] in bars:
                bars[what[:-1]].update(n)
                if bars[what[:-1]].n >= bars[what[:-1]].total:
                    bars.pop(what[:-1]).close()
        elif what in ("sentences", "words"):
            bars[what] = tqdm(total=n, desc=f"embedding {what}", unit=what[:-1], file=sys.stderr)

    return report


class Ingestor:
    """One job: make the index mirror the given corpus paths.

    >>> from assistant.index.embeddings import PackagedEmbeddings  # doctest: +SKIP
    >>> report = Ingestor(Settings.from_env(), PackagedEmbeddings()).run(progress=False)  # doctest: +SKIP
    >>> report.files, report.added, report.removed  # doctest: +SKIP
    (1, 12, 0)

    (Skipped here: it embeds with the real model; ``tests/index/test_ingest.py`` runs it.)
    """

    def __init__(
        self,
        settings: Settings,
        embeddings: PackagedEmbeddings | None = None,
        store: IndexStore | None = None,
    ) -> None:
        self.settings = settings
        self._embeddings = embeddings
        self._store = store
        self._encode: ParallelEncoder | None = None
        self.chunker = Chunker(
            BoilerplateDetector(settings.ingest.boilerplate_patterns, settings.ingest.boilerplate_max_block_lines),
            settings.ingest.chunk_max_chars,
            settings.ingest.chunk_overlap_sentences,
        )

    @property
    def embeddings(self) -> PackagedEmbeddings:
        if self._embeddings is None:
            self._embeddings = PackagedEmbeddings(
                self.settings.embedding.embedding_model,
                self.settings.embedding.embed_batch_size,
                self.settings.embedding.embedding_backend,
                self.settings.embedding.model_cache_dir,
            )
        return self._embeddings

    def run(
        self, paths: list[Path] | None = None, rebuild: bool = False, progress: bool | None = None
    ) -> IngestReport:
        started = time.perf_counter()
        root = self.settings.corpus_dir
        paths = [Path(p).resolve() for p in (paths or [root])]
        for p in paths:
            if not p.exists():
                raise FileNotFoundError(f"corpus path {p} does not exist")
        if not any(root == p or root in p.parents for p in paths):
            root = paths[0] if paths[0].is_dir() else paths[0].parent
        self.settings.index_dir.mkdir(parents=True, exist_ok=True)
        lock = FileLock(str(self.settings.index_dir / ".ingest.lock"))
        try:
            lock.acquire(timeout=600)
        except Timeout as exc:
            raise IndexUnavailable(
                "another ingest has held the index lock for 10 minutes; try again later"
            ) from exc
        try:
            with ParallelEncoder(self.embeddings, self.settings.embedding.ingest_workers) as encode:
                self._encode = encode
                return self._run_locked(paths, root, rebuild, progress, started)
        finally:
            self._encode = None
            lock.release()

    def _previous(self, active: ActiveIndex) -> Knowledge | None:
        """The active generation's tables, whose sentence and word vectors the new one reuses."""
        try:
            arrays, info = tables.load(
                tables.folder_for(self.settings.index_dir, active.collection), active.collection
            )
            return Knowledge(arrays, info, active)
        except (tables.TablesInvalid, KeyError, ValueError):
            return None  # every vector is made afresh: slower, never wrong

    def _ensure_tables(self, store: IndexStore, active: ActiveIndex, progress: bool | None) -> None:
        """An unchanged corpus whose generation has no sound tables (made by an older version, or
        damaged) gets them now, so the next start does not have to."""
        folder = tables.folder_for(self.settings.index_dir, active.collection)
        try:
            tables.load(folder, active.collection)
            return
        except tables.TablesInvalid:
            pass
        chunks = [Chunk.from_record(r["documents"], r["metadatas"]) for r in store.records(active.collection)]
        show = sys.stderr.isatty() if progress is None else progress
        Knowledge.build(chunks, active, self._encode, None, _progress(show)).save(folder)
        self.embeddings.prepare_queries()

    def _recover(self, report: IngestReport) -> None:
        """``--rebuild`` on a damaged index: move it aside (reported, never deleted) and start afresh.
        A healthy index is rebuilt as a new generation beside the old one, so running readers never
        notice; the corpus is only ever read."""
        health = check_index(self.settings)
        if health.healthy:
            return
        moved = quarantine(self.settings)
        where = f"moved aside to {moved}" if moved else "its collections are left for garbage collection"
        problem = health.problems[0].split("; run `assistant ingest --rebuild`")[0]
        report.warnings.append(f"the index was damaged ({problem}); {where}; building a new one")
        report.quarantined = str(moved or "")
        self._store = None

    def _run_locked(self, paths, root, rebuild, progress, started) -> IngestReport:
        report = IngestReport()
        docs = load_documents(paths, root, self.settings.ingest.max_file_bytes, report.warnings)
        report.files = len(docs)
        if not docs:
            raise FileNotFoundError(
                f"no readable documents under {', '.join(str(p) for p in paths)}; the index was left as it was"
            )
        chunks: list[Chunk] = []
        detector = None
        if self.settings.ingest.injection_threshold <= 1.0:  # above 1 nothing could pass: the detector is off
            detector = InjectionDetector(self.embeddings, threshold=self.settings.ingest.injection_threshold)
        self.chunker.planted = detector
        cache = _planted_cache(self.settings, detector.version) if detector else None
        setup = f"{self.settings.ingest.boilerplate_patterns}|{self.settings.ingest.boilerplate_max_block_lines}"
        for d in docs:
            known = cache.get(d.digest, setup) if cache else None
            doc_chunks, cleaned = self.chunker.split(d, known)
            if cache and known is None:
                cache.put(d.digest, setup, cleaned.planted)
            chunks.extend(doc_chunks)
            # Hidden text is out of the index already (a reader never sees it); the warning says when it
            # was addressed to an AI, so the page's author can be asked why.
            hidden = [h for h in d.hidden if len(h.text.split()) >= MIN_WORDS]
            if hidden and detector:
                scores = detector.scores([h.text for h in hidden])
                for h, p in zip(hidden, scores, strict=True):
                    if p >= detector.threshold:
                        report.warnings.append(
                            f"{d.source} line {h.line}: hidden text ({h.how}) addressed to an AI, kept out "
                            f"of the index (score {p:.2f}): {_snippet(h.text)}"
                        )
            for planted in cleaned.planted:
                report.warnings.append(
                    f"{d.source} line {planted.line}: text addressed to an AI, kept out of the index "
                    f"(score {planted.score:.2f}): {_snippet(planted.text)}"
                )
        report.chunks = len(chunks)
        if rebuild:
            self._recover(report)
        store = self._store or IndexStore(self.settings)
        active = store.active()
        model_name = self.embeddings.name + (
            f"@{self.embeddings.model_path}" if self.settings.embedding.embedding_model else ""
        )
        old_ids: set[str] = set()
        if active is not None and not rebuild:  # a rebuild reads nothing of the old index: it may be broken
            old_ids = {r["id"] for r in store.records(active.collection, include=())}
            same = (
                active.model == model_name and old_ids == {c.id for c in chunks} and active.root == str(root)
            )
            if same and not rebuild:
                self._ensure_tables(store, active, progress)
                store.collect_garbage()
                report.unchanged = True
                report.collection = active.collection
                report.seconds = time.perf_counter() - started
                return report

        # Vectors already paid for, keyed by chunk text: a chunk that only moved keeps its vector.
        reusable: dict[str, list[float]] = {}
        if active is not None and active.model == model_name and not rebuild:
            for rec in store.records(active.collection, include=("metadatas", "embeddings")):
                reusable[rec["metadatas"]["text_hash"]] = list(rec["embeddings"])
        store.collect_garbage()  # orphans of killed ingests and generations past their grace period
        new = store.new_generation()
        _fault("after_create")
        # One vector per distinct text: releases of one company repeat whole paragraphs ("About …",
        # safety statements), and a repeated chunk costs nothing to embed twice. Longest first, so each
        # batch holds texts of similar length (little padding) and the bar's estimate errs on the safe side.
        todo_by_hash = {c.text_hash: c for c in chunks if c.text_hash not in reusable}
        todo = sorted(todo_by_hash.values(), key=lambda c: -len(c.text))
        vectors: dict[str, list[float]] = {h: v for h, v in reusable.items()}
        show = sys.stderr.isatty() if progress is None else progress
        if todo:
            from tqdm import tqdm

            bar = tqdm(total=len(todo), desc="embedding", unit="chunk", disable=not show, file=sys.stderr)
            step = max(1, self.settings.embedding.embed_batch_size)
            if self._encode.workers > 1:  # enough per call to keep every worker busy
                step = ParallelEncoder.BATCH * self._encode.workers * 2
            for i in range(0, len(todo), step):
                batch = todo[i : i + step]
                for c, v in zip(batch, self._encode([c.text for c in batch]), strict=True):
                    vectors[c.text_hash] = v.tolist()
                bar.update(len(batch))
            bar.close()
        report.embedded = len(todo)
        report.reused = len(chunks) - len(todo)  # moved, unchanged or repeated text
        seen: set[str] = set()
        unique = [c for c in chunks if not (c.id in seen or seen.add(c.id))]
        for i in range(0, len(unique), ADD_BATCH):
            batch = unique[i : i + ADD_BATCH]
            new.add(
                ids=[c.id for c in batch],
                documents=[c.text for c in batch],
                metadatas=[c.to_metadata() for c in batch],
                embeddings=[vectors[c.text_hash] for c in batch],
            )
            store.heartbeat(new.name)
            _fault("mid_add")
        # The derived tables (BM25, sentences, statistics, sentence and word vectors) are written before the
        # flip, so the generation and its tables go live together.
        live = ActiveIndex(new.name, model_name, str(root), len(unique), time.time())
        previous = (
            self._previous(active)
            if active is not None and active.model == model_name and not rebuild
            else None
        )
        kn = Knowledge.build(unique, live, self._encode, previous, _progress(show))
        store.heartbeat(new.name)
        kn.save(tables.folder_for(self.settings.index_dir, new.name))
        self.embeddings.prepare_queries()
        verify_generation(self.settings, store, new.name, len(unique))
        _fault("before_activate")
        store.activate(new.name, model_name, str(root), len(unique))
        _fault("after_activate")
        store.collect_garbage()
        report.removed = len(old_ids - {c.id for c in unique})
        report.collection = new.name
        report.seconds = time.perf_counter() - started
        return report
