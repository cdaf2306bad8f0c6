"""``Assistant``: the one object the CLI, the UI, the eval and Python users talk to.

Why a facade: models and the in-memory index are loaded once per process here and reused by every
``ask``; callers never touch Chroma, BM25 or the embedding model directly.

Why the pointer is read at every question: another process (``assistant ingest``, the UI's upload, a
second assistant sharing a ``chroma run`` server) may flip the index to a new generation at any time. Each
question reads the pointer (one small Chroma read), loads the new generation if it moved, and then runs
entirely on the generation it started with; the old one is kept for a grace period (store.py), and a
question that still finds its collection gone is retried once on the new one.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from assistant.answering.extractive import REFUSAL, ExtractiveAnswerer
from assistant.answering.retrieve import HybridRetriever
from assistant.index.builder import Ingestor, IngestReport
from assistant.index.embeddings import PackagedEmbeddings
from assistant.index.knowledge import Knowledge
from assistant.index.store import IndexDamaged, IndexMissing, IndexStore, IndexUnavailable
from assistant.reading.question import analyse
from assistant.settings import Settings
from assistant.types import Answer, Answerer, CheckReport

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


class BadQuestion(ValueError):
    """A question that cannot be asked as given (too long); the message is one line."""


def message_text(content: Any) -> str:
    """Text of a chat message's content: a string, or Gradio's ``[{"type": "text", "text": ...}]``."""
    if isinstance(content, str):
        return content
    if isinstance(content, dict):
        return str(content.get("text", ""))
    if isinstance(content, list | tuple):
        return " ".join(message_text(part) for part in content)
    return ""


def history_questions(history: Sequence[Any] | None) -> list[str]:
    """User turns from ``[(q, a), ...]`` or Gradio's ``[{"role": ..., "content": ...}, ...]``."""
    out: list[str] = []
    for turn in history or []:
        if isinstance(turn, dict):
            if turn.get("role") == "user":
                out.append(message_text(turn.get("content")))
        elif isinstance(turn, list | tuple) and turn and isinstance(turn[0], str):
            out.append(turn[0])
    return [q for q in out if q.strip()]


class Assistant:
    """Cited answers about the corpus: ingests on first use if needed, then answers from the live index.

    >>> from assistant import Assistant  # doctest: +SKIP
    >>> bot = Assistant(corpus_dir="corpus", index_dir="/tmp/idx")  # doctest: +SKIP
    >>> answer = bot.ask("What was the median PFS in the pNET cohort?")  # doctest: +SKIP
    >>> answer.text  # doctest: +SKIP
    'In the pNET cohort, ... median PFS was 13.8 months for Cabometyx versus 4.4 months for placebo ... [1]'
    >>> [(c.source, c.start, c.end) for c in answer.citations]  # doctest: +SKIP
    [('ipsen-cabometyx-chmp-net-2025-06-20.txt', ..., ...)]

    (Skipped here because it builds a real index; ``tests/answering/test_answers.py`` runs the same.)
    """

    def __init__(self, settings: Settings | None = None, **overrides: Any) -> None:
        self.settings = settings or Settings.from_env(**overrides)
        if settings is not None and overrides:
            self.settings = settings.replace(**overrides)
        self.embeddings = PackagedEmbeddings(
            self.settings.embedding.embedding_model,
            self.settings.embedding.embed_batch_size,
            self.settings.embedding.embedding_backend,
            self.settings.embedding.model_cache_dir,
        )
        self._store: IndexStore | None = None
        self._knowledge: Knowledge | None = None
        self._retriever: HybridRetriever | None = None
        self._answerer: ExtractiveAnswerer | None = None
        self._learned = None  # answering.learned.LearnedAnswerer, built per loaded generation
        self._generative = None
        self._sheet = None  # facts.sheet.FactSheet, made on first use (the parser loads once)
        self._lock = threading.RLock()

    # --- index -------------------------------------------------------------------------------------
    @property
    def store(self) -> IndexStore:
        with self._lock:
            if self._store is not None and self._store.stale():
                self._store = self._store.reconnect()
                self._knowledge = None
            if self._store is None:
                self._store = IndexStore(self.settings)
            return self._store

    def ingest(
        self, paths: list[Path] | None = None, rebuild: bool = False, progress: bool | None = None
    ) -> IngestReport:
        # Not under self._lock: questions keep being answered on the current generation while this runs
        # (ingests exclude each other with the index's file lock), and move to the new one when it is done.
        # --rebuild must work when the index cannot even be opened, so it opens the store itself.
        store = None if rebuild else self.store
        report = Ingestor(self.settings, self.embeddings, store).run(
            paths, rebuild=rebuild, progress=progress
        )
        with self._lock:
            if rebuild:
                self._store = None
            self._knowledge = None
            self._generative = None
        return report

    def ensure_index(self, progress: bool | None = None) -> IngestReport | None:
        """Build the index from the corpus if there is none yet (first start of the UI or CLI)."""
        if self.store.active() is None:
            return self.ingest(progress=progress)
        return None

    def _load(self, reload: bool = False) -> tuple[Knowledge, HybridRetriever, ExtractiveAnswerer]:
        """The loaded generation, after checking the pointer: a flip by any process is seen here."""
        with self._lock:
            store = self.store
            current = self._knowledge
            if current is not None and not reload:
                active = store.active()
                if active is None:
                    raise IndexMissing("no index yet: run `assistant ingest` first")
                if (active.collection, active.created) == (current.active.collection, current.active.created):
                    return current, self._retriever, self._answerer
            for attempt in range(3):
                try:
                    kn = Knowledge.load(store, encode=self.embeddings.encode)
                    break
                except (IndexMissing, IndexDamaged):
                    raise
                except IndexUnavailable:
                    # The pointer moved on between reading it and loading: read it again.
                    if attempt == 2:
                        raise
                    time.sleep(0.2)
            if self._knowledge is not None and kn.active.collection != self._knowledge.active.collection:
                self._generative = None  # its guard holds the old lexicon
            self._retriever = HybridRetriever.build(kn, store.client, self.embeddings, self.settings)
            self._answerer = ExtractiveAnswerer(kn, self.embeddings, self.settings)
            self._learned = None
            self._knowledge = kn
            return self._knowledge, self._retriever, self._answerer

    def _load_or_build(self) -> tuple[Knowledge, HybridRetriever, ExtractiveAnswerer]:
        """The loaded generation; on first use with no index at all, the corpus is ingested first."""
        try:
            return self._load()
        except IndexMissing:
            self.ensure_index()
            return self._load()

    @property
    def knowledge(self) -> Knowledge:
        return self._load()[0]

    @property
    def retriever(self) -> HybridRetriever:
        return self._load()[1]

    # --- asking ------------------------------------------------------------------------------------
    def sources_for(
        self, sources: Sequence[str] | None = None, date_from: str | None = None, date_to: str | None = None
    ) -> list[str] | None:
        """The releases a question may draw on: named ones, and/or those dated within [date_from, date_to]
        (ISO dates). ``None`` means all."""
        if not sources and not date_from and not date_to:
            return None
        docs = self.knowledge.documents
        chosen = [s for s in docs if not sources or s in set(sources)]
        if date_from or date_to:
            chosen = [
                s
                for s in chosen
                if docs[s].get("date")
                and (not date_from or docs[s]["date"] >= date_from)
                and (not date_to or docs[s]["date"] <= date_to)
            ]
        return chosen

    def ask(
        self,
        question: str,
        history: Sequence[Any] | None = None,
        sources: Sequence[str] | None = None,
        date_from: str | None = None,
        date_to: str | None = None,
    ) -> Answer:
        """A cited answer (or a refusal) to one question; ``history`` holds the earlier questions.

        >>> bot = Assistant()  # doctest: +SKIP
        >>> a = bot.ask("What was the median PFS in the pNET cohort?")  # doctest: +SKIP
        >>> a.citations[0].quote in a.text  # doctest: +SKIP
        True
        """
        answer: Answer | None = None
        for _, final in self.stream(question, history, sources=sources, date_from=date_from, date_to=date_to):
            answer = final or answer
        assert answer is not None
        return answer

    def check(self, text: str, sources: Sequence[str] | None = None) -> CheckReport:
        """Check a draft against the releases (all, or ``sources``): one verdict per claim, with evidence.

        ``render_markdown(Assistant().check(open("draft.md").read()))`` (``assistant.checking.report``)"""
        from assistant.checking.checker import DraftChecker

        text = _CONTROL.sub(" ", text or "")
        if not text.strip():
            raise BadQuestion("the draft is empty")
        if len(text) > self.settings.check.max_draft_chars:
            raise BadQuestion(
                f"the draft is {len(text)} characters; the limit is {self.settings.check.max_draft_chars} "
                "(ASSISTANT_MAX_DRAFT_CHARS)"
            )
        kn, retriever, _ = self._load_or_build()
        unknown = [s for s in sources or [] if s not in kn.documents]
        if unknown:
            raise BadQuestion(f"no indexed release named {unknown[0]!r}")
        return DraftChecker(
            kn, retriever, self.embeddings, self.settings.check, facts=lambda source: self.facts([source])
        ).run(
            text, list(sources) if sources else None
        )

    def facts(self, sources: Sequence[str] | None = None) -> list:
        """The fact sheet of the releases (all indexed ones, or ``sources``): one ``FactRow`` per figure.

        Read from each release file as ingest loads it, so offsets are the citations' offsets; cached per
        text under the index folder, so a release is read once per version of its file.

        >>> rows = Assistant().facts(["ipsen-cabometyx-chmp-net-2025-06-20.txt"])  # doctest: +SKIP
        >>> rows[0].figure, rows[0].measure  # doctest: +SKIP
        """
        from assistant.ingest.loaders import CorpusFileError, load_text

        kn = self._load_or_build()[0]
        names = list(sources) if sources else sorted(kn.documents)
        unknown = [s for s in names if s not in kn.documents]
        if unknown:
            raise BadQuestion(f"no indexed release named {unknown[0]!r}")
        sheet = self.fact_sheet()
        rows = []
        for name in names:
            try:
                text = load_text(self.settings.corpus_dir / name)
            except (OSError, CorpusFileError) as exc:
                raise BadQuestion(f"{name}: cannot be read for its fact sheet ({exc})") from exc
            rows.extend(sheet.run(name, text))
        return rows

    def fact_sheet(self):
        """The process's FactSheet (the parser loads once), caching under ``index_dir/facts``."""
        from assistant.facts.sheet import FactSheet

        with self._lock:
            if self._sheet is None:
                self._sheet = FactSheet(self.settings.index_dir / "facts")
            return self._sheet

    def answerer(self, kn: Knowledge, extractive: ExtractiveAnswerer) -> Answerer:
        """The answerer settings.generator names, built once per loaded generation (a model loads once)."""
        from assistant.answering import learned
        from assistant.answering.generate import answerer_for
        from assistant.answering.guard import GroundingGuard

        with self._lock:
            if self.settings.generator == "extractive" and self.settings.answer.decider == "learned":
                if not learned.available():
                    raise RuntimeError(
                        "the trained reader or cross-encoder is missing from assistant/data/ "
                        "(set ASSISTANT_DECIDER=hand for the hand-made decision)"
                    )
                if self._learned is None or self._learned.kn is not kn:
                    self._learned = learned.LearnedAnswerer(kn, self.embeddings, self.settings, extractive)
                return self._learned
            if self._generative is None:
                self._generative = answerer_for(
                    self.settings,
                    extractive,
                    lambda: GroundingGuard(kn.lexicon, self.embeddings, self.settings.llm),
                )
            return self._generative

    def _answer_stream(
        self, kn, retriever, extractive, text, history, allowed
    ) -> Iterator[tuple[str, Answer | None]]:
        q = analyse(kn, text, history_questions(history))
        qvec = np.asarray(self.embeddings.embed_query(q.retrieval_text), dtype=np.float32)
        hits = retriever.search(q.retrieval_text, qvec, sources=allowed)
        for partial, final in self.answerer(kn, extractive).stream(q, hits, qvec):
            if final is not None:
                final.resolved_question = q.retrieval_text
            yield partial, final

    def stream(
        self, question: str, history: Sequence[Any] | None = None, **filters: Any
    ) -> Iterator[tuple[str, Answer | None]]:
        """Yield ``(text so far, None)`` as the answer grows (tokens, for a generator), then
        ``(final text, Answer)``. Generated text is a draft until the final, guarded answer arrives."""
        started = time.perf_counter()
        # Control characters (pasted terminal escapes, NULs) carry no meaning and break nothing if removed.
        text = _CONTROL.sub(" ", question or "").strip()
        if not text:
            empty = Answer("Please type a question about the release.", refused=True, question=question or "")
            yield empty.text, empty
            return
        if len(text) > self.settings.max_question_chars:
            raise BadQuestion(
                f"the question is {len(text)} characters; the limit is {self.settings.max_question_chars} "
                "(ASSISTANT_MAX_QUESTION_CHARS)"
            )
        kn, retriever, extractive = self._load_or_build()
        allowed = self.sources_for(filters.get("sources"), filters.get("date_from"), filters.get("date_to"))
        if allowed is not None and not allowed:
            none = Answer(f"{REFUSAL}: no indexed release matches that filter.", refused=True, question=text)
            yield none.text, none
            return
        shown = False
        try:
            for partial, final in self._answer_stream(kn, retriever, extractive, text, history, allowed):
                if final is not None:
                    final.latency_ms = (time.perf_counter() - started) * 1000
                shown = True
                yield partial, final
        except IndexUnavailable:
            if shown:
                raise
            # The generation this question started on was collected under it: once more on the new one.
            kn, retriever, extractive = self._load(reload=True)
            for partial, final in self._answer_stream(kn, retriever, extractive, text, history, allowed):
                if final is not None:
                    final.latency_ms = (time.perf_counter() - started) * 1000
                yield partial, final


__all__ = ["Assistant", "Answer", "BadQuestion", "REFUSAL"]
