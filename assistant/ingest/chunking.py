"""Sentence-aware chunking with character offsets.

Why not LangChain's RecursiveCharacterTextSplitter: it cuts on character counts, so a chunk can end inside
"13.8 months", and its ``add_start_index`` finds offsets by searching for the chunk text, which is wrong when
a passage repeats. Here chunks are packed from whole sentences, never cross removed boilerplate, start
afresh at a section heading, and overlap by whole sentences; each chunk records its exact span and its
sentences' spans, so the answerer can quote sentences without splitting text again.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field

from .boilerplate import BoilerplateDetector, Cleaned
from .injection import InjectionDetector, Planted
from .loaders import SourceDocument
from .sentences import Sentence, split_sentences


@dataclass(frozen=True)
class Chunk:
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


class Chunker:
    """Turns a SourceDocument into Chunks (see the module docstring for the rules)."""

    def __init__(
        self,
        detector: BoilerplateDetector,
        max_chars: int = 700,
        overlap_sentences: int = 1,
        planted: InjectionDetector | None = None,
    ) -> None:
        self.detector = detector
        self.max_chars = max_chars
        self.overlap = overlap_sentences
        #: Finds sentences addressed to an AI (injection.py); they are kept out like boilerplate.
        self.planted = planted

    def run(self, doc: SourceDocument) -> list[Chunk]:
        return self.split(doc)[0]

    def split(self, doc: SourceDocument, planted: list[Planted] | None = None) -> tuple[list[Chunk], Cleaned]:
        """Chunks, and what the boilerplate detector removed (for ingest's warnings). ``planted``: the
        sentences addressed to an AI when already known (ingest caches them per text); else they are
        found here when a detector is set."""
        text = doc.text
        cleaned = self.detector.run(text)
        found = planted
        if found is None and self.planted is not None:
            found = self.planted.find(text, [(s.start, s.end) for s in split_sentences(text, cleaned.kept)])
        if found:
            cleaned = cleaned.without([(f.start, f.end) for f in found], tuple(found))
        chunks: list[Chunk] = []
        for span in cleaned.kept:
            sentences = split_sentences(text, [span])
            chunks.extend(self._pack(doc, sentences))
        return chunks, cleaned

    def _pack(self, doc: SourceDocument, sentences: list[Sentence]) -> list[Chunk]:
        text = doc.text
        out: list[Chunk] = []
        group: list[Sentence] = []
        section = ""
        group_section = ""

        def flush(keep_overlap: bool) -> list[Sentence]:
            if not group:
                return []
            start, end = group[0].start, group[-1].end
            out.append(
                Chunk(doc.source, start, end, text[start:end], list(group), group_section, doc.metadata)
            )
            if keep_overlap and self.overlap > 0 and len(group) > self.overlap:
                return [s for s in group[-self.overlap :] if not s.heading]
            return []

        for sent in sentences:
            if sent.heading:
                group = flush(keep_overlap=False)
                section = text[sent.start : sent.end].strip()
            size = (sent.end - group[0].start) if group else 0
            if group and size > self.max_chars:
                group = flush(keep_overlap=True)
            if not group:
                group_section = section
            group.append(sent)
        flush(keep_overlap=False)
        return out
