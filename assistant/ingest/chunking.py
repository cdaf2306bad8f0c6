"""Sentence-aware chunking with character offsets.

Why not LangChain's RecursiveCharacterTextSplitter: it cuts on character counts, so a chunk can end inside
"13.8 months", and its ``add_start_index`` finds offsets by searching for the chunk text, which is wrong when
a passage repeats. Here chunks are packed from whole sentences, never cross removed boilerplate, start
afresh at a section heading, and overlap by whole sentences; each chunk records its exact span and its
sentences' spans, so the answerer can quote sentences without splitting text again.
"""

from __future__ import annotations

from assistant.ingest.boilerplate import BoilerplateDetector, Cleaned
from assistant.ingest.injection import InjectionDetector, Planted
from assistant.ingest.loaders import SourceDocument
from assistant.text.sentences import split_sentences
from assistant.types import Chunk, Sentence


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
