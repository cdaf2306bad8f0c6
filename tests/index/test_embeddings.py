"""The onnx-int8 embedding backend: built locally from the packaged weights, close to the torch model."""

from __future__ import annotations

import numpy as np

from assistant import Assistant
from assistant.index.embeddings import PackagedEmbeddings
from tests.helpers import CORPUS


def test_onnx_int8_vectors_match_torch_and_answer_the_same(tmp_path, bot):
    chunks = [c.text for c in bot.knowledge.chunks]
    onnx = PackagedEmbeddings(backend="onnx-int8", cache_dir=tmp_path / "models")
    assert onnx.onnx.file.exists() and onnx.name != bot.embeddings.name
    # Mixed lengths in one batch.
    fast = onnx.encode(chunks)
    ref = bot.embeddings.encode(chunks)
    cos = (fast * ref).sum(axis=1)
    assert cos.min() > 0.97 and cos.mean() > 0.985, (cos.min(), cos.mean())
    # Dynamic int8 quantisation scales activations per batch, so a text's vector moves a little with its
    # batch-mates (measured 0.991 cosine); padding itself must not (the fp32 graph gives 1.0).
    alone = onnx.encode(chunks[:1])[0]
    assert float(alone @ fast[0]) > 0.98
    # The same questions get the same answers from an index built with the fast backend.
    fast_bot = Assistant(
        corpus_dir=str(CORPUS),
        index_dir=str(tmp_path / "idx"),
        embedding_backend="onnx-int8",
        model_cache_dir=str(tmp_path / "models"),
    )
    fast_bot.ingest(progress=False)
    for q in (
        "What was the hazard ratio in the epNET cohort?",
        "How many patients were randomized in CABINET?",
        "What is the price of Cabometyx?",
    ):
        a, b = fast_bot.ask(q), bot.ask(q)
        assert (a.refused, a.text) == (b.refused, b.text), q
    assert np.isfinite(fast).all()
