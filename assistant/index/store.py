"""The Chroma index: one collection per ingest *generation*, and a pointer to the active one.

Why generations: ingestion must never leave a half-written index, and a running assistant must never lose
the index under a question. An ingest writes a brand-new collection (reusing stored vectors for unchanged
text, so nothing is re-embedded) and only when it is complete flips one record in a small state collection
to name it. A crash or SIGKILL before the flip leaves the pointer on the previous, complete collection.

Why a grace period rather than reader leases: readers (UI, CLI, other processes, other machines sharing a
``chroma run`` server) re-read the pointer at every question, so a superseded generation is only needed by
questions that were already running when the flip happened. Each generation's life is recorded in the state
collection (``building`` with a heartbeat, then ``retired`` at the flip); garbage collection deletes a
generation only when it has been retired, or silent while building, for longer than
``settings.store.generation_grace_seconds`` (default 10 minutes, far longer than any question). Leases would need
a write per question into a shared store; the grace period needs none. A question that still finds its
collection gone (a grace shorter than the question) is retried once on the new generation by ``Assistant``.
The same scheme works unchanged against a Chroma server (``ASSISTANT_CHROMA_URL``): it uses only the client
API.
"""

from __future__ import annotations

import json
import os
import shutil
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from assistant.settings import Settings

STATE_ID = "active"
#: The folder identity (device, inode) each embedded index path had when this process first opened it.
_OPENED: dict[str, tuple[int, int] | None] = {}
GEN_PREFIX = "gen:"
PAGE = 2000
#: Health probes (``IndexStore.check_generation``): stored vectors searched for, the neighbours each may
#: look among, how many may be missed by an approximate index, and the neighbour count the first probe asks
#: for (a segment that lost vectors returns fewer).
PROBES = 16
OWN_K = 10
MAX_MISSES = 2
SIZE_PROBE = 2000
#: Share of SIZE_PROBE neighbours a healthy graph returns (measured: 1,494 to 1,497 of 1,500 for
#: near-duplicate vectors; a graph may leave a few nodes unreachable).
REACH = 0.98


class IndexUnavailable(RuntimeError):
    """The index cannot be used; the message is one line and says what to do."""


class IndexMissing(IndexUnavailable):
    pass


class IndexDamaged(IndexUnavailable):
    """The index opens but does not hold what its pointer says; only ``ingest --rebuild`` mends it."""


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
        # Chroma caches one system per path per process; if the folder was replaced since (a rebuild in
        # another process moved a damaged one aside), that system still reads the old files.
        if _OPENED.get(str(path), _folder_id(path)) != _folder_id(path):
            _forget_clients(path)
        _OPENED[str(path)] = _folder_id(path)
        # Opening a new folder creates Chroma's SQLite tables; two processes doing it at once (two ingests,
        # an ingest and a UI) race, and the loser fails with "table collections already exists". Opening
        # is serialised across processes; once the tables exist it costs a lock round-trip.
        from filelock import FileLock

        with FileLock(str(settings.index_dir / ".open.lock"), timeout=300):
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
        path = settings.index_dir / "chroma"
        self.client = client if client is not None else connect(settings)
        self._folder = None if settings.chroma_url else _folder_id(path)
        self.prefix = settings.store.collection_prefix
        self.state_name = f"{self.prefix}-state"

    def stale(self) -> bool:
        """Whether the embedded index folder was replaced (``--rebuild`` in another process moved a damaged
        one aside): this client then reads the old files and must reconnect."""
        if self.settings.chroma_url:
            return False
        return _folder_id(self.settings.index_dir / "chroma") != self._folder

    def reconnect(self) -> IndexStore:
        _forget_clients(self.settings.index_dir / "chroma")
        return IndexStore(self.settings)

    # --- the pointer -------------------------------------------------------------------------------
    def _state(self):
        return self.client.get_or_create_collection(self.state_name, embedding_function=None)

    def active(self) -> ActiveIndex | None:
        try:
            rec = self._state().get(ids=[STATE_ID], include=["metadatas"])
        except Exception as exc:
            if self.settings.chroma_url:  # most likely the server, not the index: rebuilding would not help
                raise IndexUnavailable(
                    f"the Chroma index at {self.settings.chroma_url} did not answer ({type(exc).__name__}); "
                    "check the server, or run `assistant index check`"
                ) from exc
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
        previous = self.active()
        meta = {
            "collection": collection,
            "model": model,
            "root": root,
            "chunks": chunks,
            "created": time.time(),
        }
        # One upsert of one record: the atomic step that makes a finished generation the live index.
        self._state().upsert(ids=[STATE_ID], documents=[collection], metadatas=[meta], embeddings=[[0.0]])
        if previous is not None and previous.collection != collection:
            self._mark(previous.collection, "retired")
        try:
            self._state().delete(ids=[GEN_PREFIX + collection])
        except Exception:  # the record is bookkeeping only; the pointer above is what counts
            pass

    def _mark(self, name: str, status: str) -> None:
        """Record a generation's status and the time of it (the grace period counts from here)."""
        self._state().upsert(
            ids=[GEN_PREFIX + name],
            documents=[name],
            metadatas=[{"status": status, "time": time.time()}],
            embeddings=[[0.0]],
        )

    # --- generations -------------------------------------------------------------------------------
    def new_generation(self):
        name = f"{self.prefix}-{int(time.time())}-{uuid.uuid4().hex[:8]}"
        col = self.client.create_collection(name, metadata={"hnsw:space": "cosine"}, embedding_function=None)
        self._mark(name, "building")
        return col

    def heartbeat(self, name: str) -> None:
        """A generation being written says it is alive, so no other ingest collects it as an orphan."""
        self._mark(name, "building")

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

    def _status(self) -> dict[str, dict]:
        rec = self._state().get(where={"status": {"$in": ["building", "retired"]}}, include=["metadatas"])
        return {i[len(GEN_PREFIX) :]: m for i, m in zip(rec["ids"], rec["metadatas"], strict=True)}

    def collect_garbage(self, grace: float | None = None) -> list[str]:
        """Delete generations that no reader can still be using: not active, and retired (or silent while
        building) for longer than the grace period. Returns the names deleted."""
        grace = self.settings.store.generation_grace_seconds if grace is None else grace
        act = self.active()
        status = self._status()
        now = time.time()
        dropped = []
        for name in self.generations():
            if act is not None and name == act.collection:
                continue
            since = status.get(name, {}).get("time", _created_from_name(name))
            if now - since >= grace:
                try:
                    self.client.delete_collection(name)
                except Exception:  # another process collected it first
                    pass
                dropped.append(name)
        live = set(self.generations())
        stale = [GEN_PREFIX + n for n in status if n not in live]
        if stale:
            self._state().delete(ids=stale)
        from assistant.index.tables import remove_except  # each generation's derived tables go with it

        remove_except(self.settings.index_dir, live, grace)
        return dropped

    def check(self, probes: int = PROBES) -> list[str]:
        """Problems with the active generation (see ``check_generation``). Empty means healthy."""
        act = self.active()
        if act is None:
            return []
        try:
            self.client.get_collection(act.collection, embedding_function=None)
        except Exception:
            return [
                f"the active generation {act.collection} is gone (the pointer names a missing collection)"
            ]
        return self.check_generation(act.collection, act.chunks, probes)

    def check_generation(self, name: str, expected: int, probes: int = PROBES) -> list[str]:
        """Problems with one generation, found by using it the way a question does.

        Why these two probes: Chroma's vector index is an HNSW graph, an *approximate* search. A healthy
        graph can leave a few stored vectors unreachable (measured: 2 of 1,239 near-duplicate chunks were
        not returned for their own vector even among the 32 nearest), so "every probe finds itself" calls
        a fresh, healthy index damaged now and then; that was the flaky health check. Damage shows
        differently: a missing or stale vector segment holds *fewer* vectors than the records. So the
        graph must return nearly as many neighbours as asked for (``REACH`` of up to ``SIZE_PROBE``), and at most
        ``MAX_MISSES`` of the sampled vectors may fail to find themselves among their nearest ``OWN_K``."""
        try:
            col = self.client.get_collection(name, embedding_function=None)
            count = col.count()
        except Exception as exc:
            return [f"the generation {name} cannot be opened or counted ({type(exc).__name__})"]
        problems = []
        if count != expected:
            problems.append(f"the generation holds {count} chunks; the pointer says {expected}")
        if count == 0:
            return problems
        step = max(1, count // probes)
        misses = 0
        try:
            for i, offset in enumerate(range(0, count, step)[:probes]):
                rec = col.get(include=["embeddings"], limit=1, offset=offset)
                want = min(SIZE_PROBE if i == 0 else OWN_K, count)
                got = col.query(query_embeddings=[rec["embeddings"][0]], n_results=want, include=[])
                if len(got["ids"][0]) < REACH * want:
                    problems.append(
                        f"the vector search reaches {len(got['ids'][0])} of {want} stored chunks "
                        "(a segment is missing or damaged)"
                    )
                    break
                misses += rec["ids"][0] not in got["ids"][0][:OWN_K]
            if misses > MAX_MISSES:
                problems.append(
                    f"the vector search does not find {misses} of {min(probes, count)} stored chunks "
                    "(a segment is missing or damaged)"
                )
        except Exception as exc:
            problems.append(
                f"reading or searching the generation failed ({type(exc).__name__}: a segment is missing or damaged)"
            )
        return problems

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


#: Records from which Chroma writes a collection's vectors into its segment folder (its default
#: ``hnsw:sync_threshold``); below it they live only in the SQLite log, which any reader replays.
SEGMENT_WRITE_FROM = 1000


def verify_generation(
    settings: Settings, store: IndexStore, name: str, expected: int, tries: int = 4
) -> None:
    """Raise ``IndexUnavailable`` unless the new generation is complete and searchable from another process.

    Why before the pointer flips: an assistant in another process loads a generation from disk, and an
    ingest that flips first could leave it an index it calls damaged. Chroma commits every record to its
    SQLite log before ``add`` returns, and writes vectors to the segment folder from ``SEGMENT_WRITE_FROM``
    records on (chroma-core/chroma#6975, #7463); so a generation that large is opened and probed in a fresh
    process, as the next reader will open it, and a smaller one (log only) in this one. A failed probe is
    retried after a pause (a write may still be settling); if it still fails the ingest stops and the
    previous generation stays live.
    """
    import subprocess
    import sys

    problems: list[str] = []
    for attempt in range(tries):
        if settings.chroma_url or expected < SEGMENT_WRITE_FROM:
            problems = store.check_generation(name, expected)
        else:
            env = {
                **os.environ,
                "ASSISTANT_INDEX_DIR": str(settings.index_dir),
                "ASSISTANT_COLLECTION_PREFIX": settings.store.collection_prefix,
            }
            code = (
                "import json, sys; from assistant.index.store import IndexStore; from assistant.settings import "
                f"Settings; print(json.dumps(IndexStore(Settings.from_env()).check_generation({name!r}, {expected})))"
            )
            out = subprocess.run(
                [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=600
            )
            try:
                problems = json.loads(out.stdout.strip().splitlines()[-1])
            except (ValueError, IndexError):
                problems = [f"the check process failed: {(out.stderr.strip().splitlines() or ['?'])[-1]}"]
        if not problems:
            return
        time.sleep(0.5 * 2**attempt)
    raise IndexUnavailable(
        f"the new index is not searchable yet ({problems[0]}); the previous index stays active. Run the "
        "ingest again, or `assistant index check`"
    )


def _created_from_name(name: str) -> float:
    """A generation's creation time from its name (``prefix-<unix time>-<random>``); 0 if unreadable."""
    try:
        return float(name.rsplit("-", 2)[-2])
    except (ValueError, IndexError):
        return 0.0


@dataclass
class IndexHealth:
    """What ``assistant index check`` prints: one screen on the state of the index."""

    location: str
    healthy: bool
    problems: list[str] = field(default_factory=list)
    active: ActiveIndex | None = None
    releases: int = 0
    generations: list[str] = field(default_factory=list)
    size_bytes: int | None = None
    #: The active generation's derived tables: "OK (… MB)", or why they will be rebuilt.
    tables: str = ""

    def render(self) -> str:
        lines = [f"index:       {self.location}"]
        if self.size_bytes is not None:
            lines.append(f"size:        {self.size_bytes / 1e6:.1f} MB on disk")
        if self.active is not None:
            made = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(self.active.created))
            lines += [
                f"active:      {self.active.collection} (made {made})",
                f"releases:    {self.releases}",
                f"chunks:      {self.active.chunks}",
                f"model:       {self.active.model}",
                f"corpus:      {self.active.root}",
            ]
            if self.tables:
                lines.append(f"tables:      {self.tables}")
        older = [g for g in self.generations if self.active is None or g != self.active.collection]
        if older:
            lines.append(f"kept:        {len(older)} older generation(s), removed after the grace period")
        if self.healthy:
            lines.append("health:      OK" if self.active else "health:      empty (run `assistant ingest`)")
        else:
            lines.append(
                "health:      DAMAGED; run `assistant ingest --rebuild` (the broken index is moved aside)"
            )
            lines += [f"  - {p}" for p in self.problems]
        return "\n".join(lines)


def _disk_size(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def check_index(settings: Settings) -> IndexHealth:
    """Open the index and use it; every failure becomes a problem in the report, never an exception."""
    location = settings.chroma_url or str(settings.index_dir / "chroma")
    health = IndexHealth(location=location, healthy=False)
    path = settings.index_dir / "chroma"
    if not settings.chroma_url and path.exists():
        health.size_bytes = _disk_size(path)
    try:
        store = IndexStore(settings)
        health.active = store.active()
        health.generations = store.generations()
        health.problems = store.check()
        if health.active is not None and not health.problems:
            sources = set()
            for rec in store.records(health.active.collection, include=("metadatas",)):
                sources.add(rec["metadatas"]["source"])
            health.releases = len(sources)
            health.tables = _tables_state(settings, health.active.collection)
    except Exception as exc:  # IndexUnavailable and whatever a damaged SQLite file makes Chroma raise
        health.problems.append(str(exc).splitlines()[0] if str(exc) else type(exc).__name__)
    health.healthy = not health.problems
    return health


def _tables_state(settings: Settings, collection: str) -> str:
    from assistant.index import tables

    folder = tables.folder_for(settings.index_dir, collection)
    try:
        tables.load(folder, collection)
    except tables.TablesInvalid as exc:
        return f"{exc}; they are rebuilt at the next start or `assistant ingest`"
    return f"OK ({_disk_size(folder) / 1e6:.1f} MB)"


def quarantine(settings: Settings) -> Path | None:
    """Move a damaged embedded index aside as ``chroma.broken-<timestamp>`` (never delete it: it may be
    the only evidence of what went wrong) so a new one can be built in its place. ``None`` when there is
    nothing to move (a Chroma server, whose damaged collections are superseded by the new generation)."""
    path = settings.index_dir / "chroma"
    if settings.chroma_url or not path.exists():
        return None
    _forget_clients(path)
    target = settings.index_dir / f"chroma.broken-{time.strftime('%Y%m%d-%H%M%S')}"
    n = 1
    while target.exists():
        n += 1
        target = settings.index_dir / f"chroma.broken-{time.strftime('%Y%m%d-%H%M%S')}-{n}"
    shutil.move(str(path), str(target))
    return target


def _forget_clients(path: Path) -> None:
    """Chroma keeps one system per path per process; after the folder is moved or replaced, a new client
    must not get the old one (it would still read and write the moved files). Only this path's entry is
    dropped: clearing Chroma's whole cache would break every other client in the process."""
    try:
        from chromadb.api.shared_system_client import SharedSystemClient

        SharedSystemClient._identifier_to_system.pop(str(path), None)
        SharedSystemClient._identifier_to_refcount.pop(str(path), None)
    except Exception:  # a chromadb without this cache: nothing to forget
        pass


def _folder_id(path: Path) -> tuple[int, int] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return (st.st_dev, st.st_ino)
