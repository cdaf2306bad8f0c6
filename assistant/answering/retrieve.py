"""Hybrid retrieval: dense (Chroma) + lexical (BM25), fused by reciprocal rank.

Why both: embeddings find paraphrases ("how long until progression" ~ "median PFS"), BM25 finds exact
tokens that embeddings blur ("0.38", "A021602"). Why our own fusion rather than LangChain's
EnsembleRetriever: that lives in the legacy ``langchain-classic`` package and drops the scores; the answerer
needs each chunk's fused score and the query vector it already computed. RRF itself is a few lines
(Cormack et al., SIGIR 2009). Why the Chroma collection's own ``query`` rather than langchain-chroma's
wrapper: the wrapper only turns the same call into Documents, and importing it costs 0.8 s of every cold
``assistant ask``.
"""

from __future__ import annotations

import numpy as np
from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from pydantic import ConfigDict, PrivateAttr

from assistant.index.embeddings import PackagedEmbeddings
from assistant.index.knowledge import Knowledge
from assistant.index.store import IndexUnavailable
from assistant.settings import Settings
from assistant.types import Hit


class HybridRetriever(BaseRetriever):
    """A LangChain retriever (``invoke(query) -> list[Document]``) over the active index."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    knowledge: Knowledge
    client: object  # a chromadb client
    embeddings: PackagedEmbeddings
    settings: Settings
    _collection: object = PrivateAttr(default=None)

    @classmethod
    def build(cls, knowledge: Knowledge, client, embeddings: PackagedEmbeddings, settings: Settings):
        return cls(knowledge=knowledge, client=client, embeddings=embeddings, settings=settings)

    def _dense(self, vector: np.ndarray, k: int, sources: list[str] | None) -> list[tuple[str, int]]:
        """``(source, start)`` of the ``k`` nearest chunks, nearest first."""
        if self._collection is None:
            self._collection = self.client.get_collection(
                self.knowledge.active.collection, embedding_function=None
            )
        col = self._collection
        got = col.query(
            query_embeddings=[vector.tolist()],
            n_results=k,
            where={"source": {"$in": sources}} if sources else None,
            include=["metadatas", "distances"],
        )
        return [(m["source"], int(m["start"])) for m in got["metadatas"][0]]

    def search(
        self,
        query: str,
        vector: np.ndarray | None = None,
        k: int | None = None,
        sources: list[str] | None = None,
    ) -> list[Hit]:
        """Top chunks for ``query``; ``sources`` limits the search to those releases (metadata filter)."""
        k = k or self.settings.retrieval.top_k
        kn = self.knowledge
        if not kn.chunks:
            return []
        index = kn.chunk_index
        if vector is None:
            vector = np.asarray(self.embeddings.embed_query(query))
        try:
            dense = self._dense(vector, min(self.settings.retrieval.dense_k, len(kn.chunks)), sources)
        except Exception as exc:  # a server gone away, a collection dropped under us
            where = self.settings.chroma_url or str(self.settings.index_dir)
            raise IndexUnavailable(
                f"the Chroma index at {where} did not answer ({type(exc).__name__}); "
                "check the server or run `assistant ingest`"
            ) from exc
        dense_ids = [index[key] for key in dense]
        lexical_ids: list[int] = []
        tokens = kn.lexicon.concepts(query, collapse=True)
        if tokens and kn.bm25 is not None:
            scores = kn.bm25.get_scores(tokens)
            if sources:
                scores = np.where(kn.sources_mask(sources), scores, 0.0)
            k_lex = min(self.settings.retrieval.lexical_k, len(scores))
            top = (
                np.argpartition(-scores, k_lex - 1)[:k_lex] if k_lex < len(scores) else np.arange(len(scores))
            )
            order = top[np.argsort(-scores[top])]
            lexical_ids = [int(i) for i in order if scores[i] > 0]
        fused: dict[int, float] = {}
        for ranks in (dense_ids, lexical_ids):
            for r, i in enumerate(ranks):
                fused[i] = fused.get(i, 0.0) + 1.0 / (self.settings.retrieval.rrf_k + r + 1)
        best = sorted(fused, key=lambda i: -fused[i])[:k]
        # RRF favours chunks both retrievers found; a chunk only one of them ranks first (the exact words
        # of the question, missed by the embedding) would otherwise lose its place to chunks both rank
        # low. Each retriever's first choice keeps a place, taken from the end of the fused list.
        for ranks in (lexical_ids, dense_ids):
            if ranks and ranks[0] not in best and len(best) >= k > 1:
                kept = [i for i in best if i not in (lexical_ids[:1] + dense_ids[:1])]
                best.remove(kept[-1])
                best.append(ranks[0])
        return [
            Hit(
                kn.chunks[i],
                fused[i],
                dense_ids.index(i) if i in dense_ids else None,
                lexical_ids.index(i) if i in lexical_ids else None,
            )
            for i in best
        ]

    def _get_relevant_documents(
        self, query: str, *, run_manager: CallbackManagerForRetrieverRun
    ) -> list[Document]:
        return [
            Document(page_content=h.chunk.text, metadata={**h.chunk.to_metadata(), "score": h.score})
            for h in self.search(query)
        ]
