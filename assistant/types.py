"""The data that flows between the stages: one home for every shared type.

Why one module: a chunk is made by ingest, stored by the index, found by retrieval and quoted by the
answerer; an answer is made by the answering stage and shown by every surface. Defining each once, here,
with no behaviour beyond (de)serialising itself, lets each stage import the types without importing
another stage. Every offset is a character offset into the release's text as loaded, so
``text[start:end]`` is always the quoted string.

>>> s = Sentence(start=0, end=12, paragraph=0, heading=False)
>>> "Cabometyx 60 mg daily."[s.start:s.end]
'Cabometyx 60'
>>> Citation(n=1, source="r.txt", quote="60 mg", start=10, end=15, score=0.9).to_dict()["start"]
10
>>> Answer("The release does not say.", refused=True).to_dict()["refused"]
True
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

if TYPE_CHECKING:  # annotations only: the types module imports no stage
    import numpy as np

#: The three verdicts of a checked claim.
SUPPORTED, CONTRADICTED, NOT_FOUND = "supported", "contradicted", "not found"


# --- reading files in -------------------------------------------------------------------------------
@dataclass(frozen=True)
class Sentence:
    """A sentence of a release: its span, its paragraph (line) and whether it is a heading line."""

    start: int
    end: int
    paragraph: int  # index of the line (paragraph) it belongs to, within the document
    heading: bool  # a short line with no closing punctuation ("About CABINET (Alliance A021602)")


@dataclass(frozen=True)
class Chunk:
    """A stored passage: whole sentences of one release, with its span and its sentences' spans."""

    source: str
    start: int
    end: int
    text: str
    sentences: list[Sentence]
    section: str = ""
    metadata: dict[str, str] = field(default_factory=dict)

    @property
    def text_hash(self) -> str:
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()[:32]

    @property
    def id(self) -> str:
        """Stable id: same file, same place, same text -> same id (what makes re-ingest incremental)."""
        key = f"{self.source}\x00{self.start}\x00{self.end}\x00{self.text_hash}"
        return hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]

    def to_metadata(self) -> dict[str, str | int]:
        meta: dict[str, str | int] = {f"doc_{k}": v for k, v in self.metadata.items()}
        meta.update(
            source=self.source,
            start=self.start,
            end=self.end,
            section=self.section,
            text_hash=self.text_hash,
            sentences=json.dumps([[s.start, s.end, s.paragraph, int(s.heading)] for s in self.sentences]),
        )
        return meta

    @classmethod
    def from_record(cls, text: str, meta: dict) -> Chunk:
        sentences = [Sentence(a, b, p, bool(h)) for a, b, p, h in json.loads(meta["sentences"])]
        doc_meta = {k[4:]: str(v) for k, v in meta.items() if k.startswith("doc_")}
        return cls(
            meta["source"],
            int(meta["start"]),
            int(meta["end"]),
            text,
            sentences,
            str(meta.get("section", "")),
            doc_meta,
        )


# --- the index ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class SentenceRef:
    """A sentence as the index knows it: where it is, its section, and its row in the vector table."""

    source: str
    start: int
    end: int
    paragraph: int
    heading: bool
    section: str
    #: Row of this sentence's vector in the generation's sentence-vector table.
    row: int = field(default=-1, compare=False)


# --- answering ----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Hit:
    """A retrieved chunk with its fused (RRF) score and its rank in each retriever (None: not found)."""

    chunk: Chunk
    score: float  # fused RRF score
    dense_rank: int | None
    lexical_rank: int | None


@dataclass
class Citation:
    """A quoted span: ``[n]`` in the answer text refers to ``text_of(source)[start:end] == quote``."""

    n: int
    source: str
    quote: str
    start: int
    end: int
    score: float

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class Answer:
    """What every answerer returns and every surface shows: text with ``[n]`` markers and their citations."""

    text: str
    citations: list[Citation] = field(default_factory=list)
    refused: bool = False
    question: str = ""
    generator: str = "extractive"
    resolved_question: str = ""
    latency_ms: float = 0.0
    guard: dict | None = None  # the grounding guard's verdict, for generated answers
    raw_text: str = ""  # what the generator wrote, before the guard
    #: The answerability model's probability for the best sentence, and that sentence (also when refused):
    #: what the eval's trade-off curve is drawn from.
    confidence: float = 0.0
    draft: str = ""
    #: True when the passages give different values for the asked quantity and all are shown.
    conflict: bool = False
    #: How sure the reply is: ``answer`` (the quoted sentence answers), ``hedge`` (the closest passages are
    #: quoted without claiming the release lacks the answer), ``absent`` (nothing in the release is near the
    #: question). ``refused`` is True for ``absent`` only: a hedge shows passages, it does not refuse.
    tier: str = ""
    #: The passages the models ranked for this question, most probable first (source, start, end, prob):
    #: what the eval's "best-k sentences hold the facts" figures are read from.
    ranked: list[dict] = field(default_factory=list)

    def __post_init__(self) -> None:
        if not self.tier:
            self.tier = "absent" if self.refused else "answer"

    def to_dict(self) -> dict:
        d = {
            "text": self.text,
            "citations": [c.to_dict() for c in self.citations],
            "refused": self.refused,
            "tier": self.tier,
            "question": self.question,
            "generator": self.generator,
            "confidence": round(self.confidence, 4),
        }
        if self.ranked:
            d["ranked"] = self.ranked
        if self.conflict:
            d["conflict"] = True
        if self.guard is not None:
            d["guard"] = self.guard
            d["raw_text"] = self.raw_text
        return d


# --- checking a draft ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class Quantity:
    """A figure found in a text: its value, unit and span."""

    value: float
    unit: str
    text: str
    start: int
    end: int


@dataclass
class Claim:
    """One sentence of a draft, with its span in the draft."""

    text: str
    start: int
    end: int


@dataclass
class ClaimResult:
    """A claim's verdict (supported, contradicted, not found) with the evidence that decided it."""

    claim: Claim
    verdict: str
    citations: list[Citation] = field(default_factory=list)
    draft_value: str = ""
    release_value: str = ""
    kind: str = ""  # figure, unit, swap, date, status, name (for contradicted)
    reason: str = ""

    def to_dict(self) -> dict:
        return {
            "claim": self.claim.text,
            "start": self.claim.start,
            "end": self.claim.end,
            "verdict": self.verdict,
            "kind": self.kind,
            "draft_value": self.draft_value,
            "release_value": self.release_value,
            "reason": self.reason,
            "citations": [c.to_dict() for c in self.citations],
        }


@dataclass
class CheckReport:
    """Every claim of a draft with its verdict; ``checking.report`` renders it as Markdown or HTML."""

    draft: str
    results: list[ClaimResult]
    sources: list[str]
    checked_at: str = field(default_factory=lambda: time.strftime("%Y-%m-%d %H:%M:%S"))
    seconds: float = 0.0

    def counts(self) -> dict[str, int]:
        out = {SUPPORTED: 0, CONTRADICTED: 0, NOT_FOUND: 0}
        for r in self.results:
            out[r.verdict] += 1
        return out

    def to_dict(self) -> dict:
        return {
            "checked_at": self.checked_at,
            "sources": self.sources,
            "counts": self.counts(),
            "claims": [r.to_dict() for r in self.results],
        }


# --- the answerer protocol ------------------------------------------------------------------------------
@runtime_checkable
class Answerer(Protocol):
    """What the service asks of an answerer, whichever it is (extractive, a local or a served model).

    ``stream`` yields ``(text so far, None)`` while the answer grows, then ``(final text, Answer)`` once.
    The final Answer is what is shown, cited and logged; anything before it is a draft.
    """

    name: str

    def stream(self, question: Any, hits: list[Hit], qvec: np.ndarray) -> Iterator[tuple[str, Answer | None]]: ...
