"""The Chroma index: one collection per ingest *generation*, and a pointer to the active one.

Why generations: ingestion must never leave a half-written index. An ingest writes a brand-new collection
(reusing stored vectors for unchanged text, so nothing is re-embedded) and only when it is complete flips
one record in a small state collection to name it. A crash or SIGKILL before the flip leaves the pointer
on the previous, complete collection; the orphan is deleted by the next ingest. The same scheme works
unchanged against a Chroma server (``ASSISTANT_CHROMA_URL``), since it uses only the client API.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlparse

from .settings import Settings

STATE_ID = "active"
PAGE = 2000


class IndexUnavailable(RuntimeError):
    """The index cannot be used; the message is one line and says what to do."""


class IndexMissing(IndexUnavailable):
    pass


@dataclass(frozen=True)
class ActiveIndex:
    collection: str
    model: str
    root: str
    chunks: int
    created: float


def _chroma_settings():
    from chromadb.config import Settings as ChromaSettings

    return ChromaSettings(anonymized_telemetry=False, allow_reset=False)


def connect(settings: Settings):
    """A Chroma client: embedded persistent store in index_dir, or the server at chroma_url."""
    import chromadb

    if settings.chroma_url:
        url = urlparse(settings.chroma_url)
        if not url.hostname:
            raise IndexUnavailable(
                f"ASSISTANT_CHROMA_URL={settings.chroma_url!r} is not a http://host:port URL"
            )
        try:
            client = chromadb.HttpClient(
                host=url.hostname,
                port=url.port or (443 if url.scheme == "https" else 8000),
                ssl=url.scheme == "https",
                settings=_chroma_settings(),
            )
            client.heartbeat()
        except Exception as exc:  # chromadb raises several unrelated types for a dead server
            raise IndexUnavailable(
                f"Chroma server at {settings.chroma_url} is unreachable ({type(exc).__name__}); "
                "start it with `chroma run --path DIR --port PORT` or unset ASSISTANT_CHROMA_URL"
            ) from exc
        return client
    path = settings.index_dir / "chroma"
    if settings.index_dir.exists() and not settings.index_dir.is_dir():
        raise IndexUnavailable(
            f"index dir {settings.index_dir} is not a directory; run `assistant ingest --rebuild`"
        )
    try:
        path.mkdir(parents=True, exist_ok=True)
        return chromadb.PersistentClient(path=str(path), settings=_chroma_settings())
    except Exception as exc:
        raise IndexUnavailable(
            f"the index at {path} is unreadable ({type(exc).__name__}: {str(exc)[:120]}); "
            "run `assistant ingest --rebuild`"
        ) from exc


class IndexStore:
    """Generations of the chunk collection, plus the pointer record that names the active one."""

    def __init__(self, settings: Settings, client: Any = None) -> None:
        self.settings = settings
        self.client = client if client is not None else connect(settings)
        self.prefix = settings.collection_prefix
        self.state_name = f"{self.prefix}-state"

    # --- the pointer -------------------------------------------------------------------------------
    def _state(self):
        return self.client.get_or_create_collection(self.state_name, embedding_function=None)

    def active(self) -> ActiveIndex | None:
        try:
            rec = self._state().get(ids=[STATE_ID], include=["metadatas"])
        except Exception as exc:
            raise IndexUnavailable(
                f"the index is unreadable ({type(exc).__name__}: {str(exc)[:120]}); run `assistant ingest --rebuild`"
            ) from exc
        if not rec["ids"]:
            return None
        m = rec["metadatas"][0]
        return ActiveIndex(
            m["collection"], m["model"], m.get("root", ""), int(m["chunks"]), float(m["created"])
        )

    def activate(self, collection: str, model: str, root: str, chunks: int) -> None:
        meta = {
            "collection": collection,
            "model": model,
            "root": root,
            "chunks": chunks,
            "created": time.time(),
        }
        # One upsert of one record: the atomic step that makes a finished generation the live index.
        self._state().upsert(ids=[STATE_ID], documents=[collection], metadatas=[meta], embeddings=[[0.0]])

    # --- generations -------------------------------------------------------------------------------
    def new_generation(self):
        name = f"{self.prefix}-{int(time.time())}-{uuid.uuid4().hex[:8]}"
        return self.client.create_collection(name, metadata={"hnsw:space": "cosine"}, embedding_function=None)

    def collection(self, name: str):
        try:
            return self.client.get_collection(name, embedding_function=None)
        except Exception as exc:
            raise IndexUnavailable(
                f"the active collection {name} is missing or unreadable; run `assistant ingest --rebuild`"
            ) from exc

    def generations(self) -> list[str]:
        names = [c if isinstance(c, str) else c.name for c in self.client.list_collections()]
        return [n for n in names if n.startswith(self.prefix + "-") and n != self.state_name]

    def drop_inactive(self) -> int:
        """Delete every generation but the active one (orphans of killed ingests, superseded ones)."""
        act = self.active()
        dropped = 0
        for name in self.generations():
            if act is None or name != act.collection:
                self.client.delete_collection(name)
                dropped += 1
        return dropped

    def drop_all(self) -> None:
        for name in self.generations() + [self.state_name]:
            try:
                self.client.delete_collection(name)
            except Exception:  # already gone
                pass

    # --- reading -------------------------------------------------------------------------------------
    def records(self, name: str, include: tuple[str, ...] = ("documents", "metadatas")) -> Iterator[dict]:
        """All records of a generation, paged so a large index is not fetched in one response."""
        col = self.collection(name)
        total = col.count()
        for offset in range(0, total, PAGE):
            page = col.get(include=list(include), limit=PAGE, offset=offset)
            for i, rid in enumerate(page["ids"]):
                rec: dict[str, Any] = {"id": rid}
                for key in include:
                    rec[key] = page[key][i]
                yield rec
