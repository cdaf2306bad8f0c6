"""Small fakes for the unit tier: an embedding model made of hashed words, and a release read into memory.

Why fakes: the unit tier tests the rules (reading a question, choosing the sentence, refusing) in well
under a minute, with no model weights and no Chroma. ``HashedWords`` gives texts that share words
similar vectors, which is all the answer decision asks of an embedding; the real model is tested in the
integration tier.
"""

from __future__ import annotations

import hashlib
import re

import numpy as np

from assistant.index.knowledge import DIM, Knowledge
from assistant.ingest.boilerplate import BoilerplateDetector
from assistant.ingest.chunking import Chunker
from assistant.ingest.loaders import SourceDocument
from assistant.text.lexicon import stem
from assistant.types import Chunk, Hit


class HashedWords:
    """A deterministic stand-in for the sentence model: the sum of one random unit vector per word stem."""

    def _vector(self, text: str) -> np.ndarray:
        out = np.zeros(DIM, dtype=np.float32)
        for w in re.findall(r"[a-z0-9]+", text.lower()):
            seed = int.from_bytes(hashlib.sha256(stem(w).encode()).digest()[:4], "little")
            out += np.random.default_rng(seed).standard_normal(DIM).astype(np.float32)
        n = float(np.linalg.norm(out))
        return out / n if n else out

    def encode(self, texts: list[str], *args, **kwargs) -> np.ndarray:
        return np.stack([self._vector(t) for t in texts]) if texts else np.zeros((0, DIM), np.float32)

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        return self.encode(texts)

    def embed_query(self, text: str) -> list[float]:
        return self._vector(text).tolist()


class NoEntities:
    """The answer typer with no recogniser: no sentence holds a typed entity (figures still count)."""

    def entities(self, texts: list[str]) -> list[tuple]:
        return [() for _ in texts]

    def holds(self, kind, text, question_words, ents=None, head=None):
        return None


def chunks_of(text: str, source: str = "release.txt", max_chars: int = 700) -> list[Chunk]:
    """The release chunked as ingest chunks it (boilerplate detector, sentence splitter), in memory."""
    doc = SourceDocument(source=source, text=text, metadata={})
    return Chunker(BoilerplateDetector(), max_chars=max_chars).run(doc)


def knowledge_of(text: str, source: str = "release.txt") -> Knowledge:
    """Everything the answerer reads about one release (lexicon, sentences, vectors), with no index."""
    return Knowledge.build(chunks_of(text, source), encode=HashedWords().encode)


def hits_of(kn: Knowledge) -> list[Hit]:
    """Every chunk as a retrieval hit, in document order (the unit tier tests the decision, not retrieval)."""
    return [Hit(kn.chunks[i], 1.0 / (i + 1), i, i) for i in range(len(kn.chunks))]
