"""The plain LangChain tutorial pipeline, as a new user would build it, for side-by-side comparison.

RecursiveCharacterTextSplitter(1000, 200) over the raw files (no boilerplate removal), an in-memory Chroma
collection with the same embedding model, top-4 similarity search, and a "stuff" step that puts all four
chunks into the answer's context; its sources are all retrieved chunks. The only generator shipped so far
is extractive, so the baseline's "generation" quotes its best-ranked chunk whole: it never refuses.
"""

from __future__ import annotations

import uuid
from pathlib import Path

from assistant.index.embeddings import PackagedEmbeddings
from assistant.ingest.loaders import discover, load_text, relative_source
from assistant.settings import Settings

CHUNK_SIZE, CHUNK_OVERLAP, TOP_K = 1000, 200, 4


class TutorialBaseline:
    name = "baseline"

    def __init__(
        self,
        settings: Settings,
        embeddings: PackagedEmbeddings,
        generator: str = "extractive",
        guarded: bool = False,
    ) -> None:
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
        # Chroma rejects one add larger than its max batch (5461 here); any tutorial user past a few
        # hundred releases adds in slices like this.
        step = client.get_max_batch_size()
        for i in range(0, len(chunks), step):
            self.store.add_documents(chunks[i : i + step])
        self.generator = generator
        self.guarded = guarded
        self.name = (
            "baseline"
            if generator == "extractive"
            else f"baseline-{generator}" + ("+guard" if guarded else "")
        )
        if generator != "extractive":
            from assistant.answering.generate import chat_model
            from assistant.answering.guard import GroundingGuard
            from assistant.text.lexicon import Lexicon

            self.chain = _stuff_chain(chat_model(settings.replace(generator=generator)))
            self.guard = GroundingGuard(Lexicon(c.page_content for c in chunks), embeddings, settings.llm)

    def retrieve(self, question: str, source: str | None = None) -> list:
        return self.store.similarity_search(question, k=TOP_K, filter={"source": source} if source else None)

    def ask(self, question: str, history: list | None = None, source: str | None = None) -> dict:
        hits = self.retrieve(question, source)
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
        spans = [(c["source"], c["start"], c["end"]) for c in citations]
        if self.generator == "extractive":
            text = f"{hits[0].page_content} {markers}" if hits else "No answer."
            return {"text": text, "refused": False, "citations": citations, "retrieved": spans}
        context = "\n\n".join(d.page_content for d in hits)
        generated = self.chain.invoke({"context": context, "question": question})
        if not self.guarded:
            return {
                "text": f"{generated} {markers}",
                "refused": False,
                "citations": citations,
                "retrieved": spans,
            }
        from assistant.answering.generate import compose
        from assistant.answering.guard import Passage

        passages = [Passage(c["n"], c["source"], c["start"], c["end"], c["quote"]) for c in citations]
        verdict = self.guard.run(generated, passages)
        answer = compose(question, generated, passages, verdict, self.name)
        if answer is None:
            return {
                "text": "The release does not say (nothing generated was supported).",
                "refused": True,
                "citations": [],
                "retrieved": spans,
                "guard": verdict.to_dict(),
            }
        d = answer.to_dict()
        d["retrieved"] = spans
        return d


def _stuff_chain(model):
    """The tutorial's "stuff" prompt: every retrieved chunk pasted into one context."""
    from langchain_core.output_parsers import StrOutputParser
    from langchain_core.prompts import ChatPromptTemplate

    prompt = ChatPromptTemplate.from_template(
        "Use the following pieces of context to answer the question at the end. If you don't know the answer, "
        "just say that you don't know, don't try to make up an answer.\n\n{context}\n\nQuestion: {question}\n"
        "Helpful Answer:"
    )
    return prompt | model | StrOutputParser()
