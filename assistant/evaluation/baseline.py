"""The plain LangChain tutorial pipeline, as a new user would build it, for side-by-side comparison.

RecursiveCharacterTextSplitter(1000, 200) over the raw files (no boilerplate removal), an in-memory Chroma
collection with the same embedding model, top-4 similarity search, and a "stuff" step that puts all four
chunks into the answer's context; its sources are all retrieved chunks. The only generator shipped so far
is extractive, so the baseline's "generation" quotes its best-ranked chunk whole: it never refuses.
"""

from __future__ import annotations

import uuid
from pathlib import Path

from ..embeddings import PackagedEmbeddings
from ..loaders import discover, load_text, relative_source
from ..settings import Settings

CHUNK_SIZE, CHUNK_OVERLAP, TOP_K = 1000, 200, 4


class TutorialBaseline:
    name = "baseline"

    def __init__(self, settings: Settings, embeddings: PackagedEmbeddings) -> None:
        import chromadb
        from langchain_chroma import Chroma
        from langchain_core.documents import Document
        from langchain_text_splitters import RecursiveCharacterTextSplitter

        splitter = RecursiveCharacterTextSplitter(
            chunk_size=CHUNK_SIZE, chunk_overlap=CHUNK_OVERLAP, add_start_index=True
        )
        docs = []
        for path in discover([settings.corpus_dir], settings.corpus_dir):
            source = relative_source(path, settings.corpus_dir)
            docs.append(Document(page_content=load_text(Path(path)), metadata={"source": source}))
        chunks = splitter.split_documents(docs)
        client = chromadb.EphemeralClient()
        self.store = Chroma(
            client=client, collection_name=f"baseline-{uuid.uuid4().hex[:8]}", embedding_function=embeddings
        )
        self.store.add_documents(chunks)

    def retrieve(self, question: str) -> list:
        return self.store.similarity_search(question, k=TOP_K)

    def ask(self, question: str, history: list | None = None) -> dict:
        hits = self.retrieve(question)
        citations = [
            {
                "n": i,
                "source": d.metadata["source"],
                "quote": d.page_content,
                "start": d.metadata["start_index"],
                "end": d.metadata["start_index"] + len(d.page_content),
                "score": 0.0,
            }
            for i, d in enumerate(hits, start=1)
        ]
        markers = "".join(f"[{c['n']}]" for c in citations)
        text = f"{hits[0].page_content} {markers}" if hits else "No answer."
        spans = [(c["source"], c["start"], c["end"]) for c in citations]
        return {"text": text, "refused": False, "citations": citations, "retrieved": spans}
