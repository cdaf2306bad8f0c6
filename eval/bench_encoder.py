"""The embedding model's own ceiling on this machine: chunks/s and sentences/s per backend.

    .venv/bin/python eval/bench_encoder.py

Embeds 512 distinct chunk texts and up to 1,024 distinct sentences of 40 generated variants of the shipped
release with torch (sentence-transformers), onnxruntime fp32 and onnxruntime int8, after a warm-up batch.
This is the upper bound for ingest throughput (issue 13): ingest cannot embed faster than the model.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from assistant.evaluation.variants import write_corpus
from assistant.index.builder import load_documents
from assistant.index.embeddings import PackagedEmbeddings, _load_onnx
from assistant.ingest.boilerplate import BoilerplateDetector
from assistant.ingest.chunking import Chunker

REPO = Path(__file__).resolve().parent.parent


def main() -> None:
    folder = Path(tempfile.mkdtemp())
    write_corpus(next((REPO / "corpus").glob("*.txt")), folder, 40)
    docs = load_documents([folder], folder, 10**8, [])
    chunker = Chunker(BoilerplateDetector("", 8), 700, 1)
    chunks = [c for doc in docs for c in chunker.run(doc)]
    texts = list(dict.fromkeys(c.text for c in chunks))[:512]
    sents = list(
        dict.fromkeys(c.text[s.start - c.start : s.end - c.start] for c in chunks for s in c.sentences)
    )[:1024]
    emb = PackagedEmbeddings()
    backends = {
        "torch": emb.encode,
        "onnx fp32": lambda t: _load_onnx(emb.model_path, str(emb.cache_dir), False).encode(t, 64),
        "onnx int8": lambda t: _load_onnx(emb.model_path, str(emb.cache_dir), True).encode(t, 64),
    }
    for name, encode in backends.items():
        encode(texts[:64])  # load and warm up
        t = time.perf_counter()
        encode(texts)
        per_chunk = time.perf_counter() - t
        t = time.perf_counter()
        encode(sents)
        per_sentence = time.perf_counter() - t
        print(f"{name}: {len(texts) / per_chunk:.1f} chunks/s, {len(sents) / per_sentence:.1f} sentences/s")


if __name__ == "__main__":
    main()
