"""A running assistant follows ingests made by other processes, without a single failed question.

Real processes throughout: `assistant chat` servers asked through gradio_client in a loop, while separate
`assistant ingest` processes add, change and remove a release; once on the embedded index
and once with two UIs sharing one `chroma run` server. Plus the in-process guarantees behind it: a
question keeps the generation it started on, the old one survives its grace period, and a question whose
generation was collected under it is retried on the new one.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time

import pytest

from assistant import Assistant
from tests.helpers import RELEASE, REPO, assistant_cli, free_port, start_chroma

pytestmark = pytest.mark.slow

ZEST_Q = "How many patients were randomized in the ZEST trial?"
PFS_Q = "What was the median PFS in the pNET cohort?"


def _zest(n: int) -> str:
    return (
        f"Acme Pharma announced on 3 March 2025 that its drug Zorbatin met the primary endpoint.\n"
        f"In the ZEST trial, {n} patients were randomized 1:1. The objective response rate was 41%.\n"
    )


def _wait_port(port: int, proc: subprocess.Popen, seconds: float = 180) -> None:
    deadline = time.time() + seconds
    while time.time() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        if proc.poll() is not None:
            raise RuntimeError(proc.stdout.read())
        time.sleep(0.5)
    raise RuntimeError("the UI did not start")


class Asker(threading.Thread):
    """One user asking two questions in turn, a fifth of a second apart, recording every reply (a tighter
    loop only burns the CPU the ingests under test need, and slows the suite)."""

    def __init__(self, url: str) -> None:
        super().__init__(daemon=True)
        self.url = url
        self.stop = threading.Event()
        self.errors: list[str] = []
        self.replies: list[tuple[float, str, str]] = []

    def run(self) -> None:
        from gradio_client import Client

        client = Client(self.url, verbose=False)
        k = 0
        while not self.stop.is_set():
            q = (ZEST_Q, PFS_Q)[k % 2]
            k += 1
            try:
                out = client.predict(q, [], api_name="/chat")
                text = out[0]["content"]
                if text.startswith("⚠️"):
                    self.errors.append(f"{q}: {text}")
                self.replies.append((time.time(), q, text))
            except Exception as exc:  # noqa: BLE001 - every failure is counted
                self.errors.append(f"{q}: {type(exc).__name__}: {exc}")
            self.stop.wait(0.2)

    def latest(self, q: str, after: float) -> str | None:
        got = [t for when, qq, t in self.replies if qq == q and when > after]
        return got[-1] if got else None


def _ingest(env: dict) -> None:
    done = assistant_cli("ingest", env=env)
    assert done.returncode == 0, done.stderr


def _until(askers: list[Asker], since: float, ok, seconds: float = 60) -> None:
    """Every UI answers the ZEST question as ``ok`` wants within ``seconds`` of the ingest ending."""
    deadline = time.time() + seconds
    while time.time() < deadline:
        latest = [a.latest(ZEST_Q, since) for a in askers]
        if all(t is not None and ok(t) for t in latest):
            return
        time.sleep(0.3)
    raise AssertionError(f"answers did not move to the new corpus: {latest}")


@pytest.mark.parametrize("mode", ["embedded", "server"])
def test_running_uis_follow_ingests_without_a_failed_question(tmp_path, mode):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / RELEASE.name).write_bytes(RELEASE.read_bytes())
    env = {
        **os.environ,
        "ASSISTANT_CORPUS_DIR": str(corpus),
        "ASSISTANT_INDEX_DIR": str(tmp_path / "idx"),
        # Short, so superseded generations are really collected while the UIs keep asking.
        "ASSISTANT_GENERATION_GRACE_SECONDS": "2",
    }
    server = None
    if mode == "server":
        chroma_port = free_port()
        server = start_chroma(tmp_path / "srv", chroma_port)
        env["ASSISTANT_CHROMA_URL"] = f"http://127.0.0.1:{chroma_port}"
    uis: list[subprocess.Popen] = []
    askers: list[Asker] = []
    try:
        _ingest(env)
        for _ in range(2 if mode == "server" else 1):
            port = free_port()
            proc = subprocess.Popen(
                [sys.executable, "-m", "assistant", "chat", "--port", str(port)],
                env=env,
                cwd=REPO,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
            )
            uis.append(proc)
            _wait_port(port, proc)
            askers.append(Asker(f"http://127.0.0.1:{port}/"))
        for a in askers:
            a.start()
        time.sleep(2)
        steps = [
            (lambda: (corpus / "zest.md").write_text(_zest(412)), lambda t: "412" in t),
            (lambda: (corpus / "zest.md").write_text(_zest(520)), lambda t: "520" in t and "412" not in t),
            (
                lambda: (corpus / "zest.md").unlink(),
                lambda t: "520" not in t and ("does not say" in t or "not sure" in t),
            ),
        ]
        for change, ok in steps:
            change()
            _ingest(env)
            _until(askers, time.time(), ok)
            time.sleep(2.5)  # past the grace period: the next ingest collects the old generation
    finally:
        for a in askers:
            a.stop.set()
        for a in askers:
            a.join(timeout=120)
        for proc in uis:
            proc.terminate()
            proc.wait(timeout=30)
        if server is not None:
            server.kill()
    errors = [e for a in askers for e in a.errors]
    asked = sum(len(a.replies) for a in askers)
    pfs = [t for a in askers for _, q, t in a.replies if q == PFS_Q]
    print(f"\n{mode}: {asked} questions during {len(steps)} ingests, {len(errors)} errors")
    assert not errors, errors[:3]
    assert asked >= 20
    assert pfs and all("13.8 months" in t for t in pfs)  # the release nobody touched answers throughout
    store = Assistant(**{"corpus_dir": str(corpus), "index_dir": env["ASSISTANT_INDEX_DIR"]}).store
    if mode == "embedded":
        assert len(store.generations()) <= 2  # the active one, and at most the last one in its grace


def test_a_question_keeps_its_generation_and_the_next_one_moves(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / RELEASE.name).write_bytes(RELEASE.read_bytes())
    (corpus / "zest.md").write_text(_zest(412))
    reader = Assistant(corpus_dir=str(corpus), index_dir=str(tmp_path / "idx"))
    reader.ingest(progress=False)
    writer = Assistant(reader.settings)
    kn, retriever, answerer = reader._load()  # what a question in flight holds
    (corpus / "zest.md").write_text(_zest(520))
    writer.ingest(progress=False)
    # The question that started before the flip finishes on its own generation, which is kept.
    hits = retriever.search(ZEST_Q)
    assert any("412 patients" in h.chunk.text for h in hits)
    # The next question reads the pointer and moves.
    assert "520" in reader.ask(ZEST_Q).text


def test_a_question_whose_generation_was_collected_is_retried(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / RELEASE.name).write_bytes(RELEASE.read_bytes())
    (corpus / "zest.md").write_text(_zest(412))
    settings = Assistant(corpus_dir=str(corpus), index_dir=str(tmp_path / "idx")).settings
    reader = Assistant(settings.replace(generation_grace_seconds=0.0))
    reader.ingest(progress=False)
    reader._load()
    stale = reader._knowledge.active.collection
    writer = Assistant(settings.replace(generation_grace_seconds=0.0))
    (corpus / "zest.md").write_text(_zest(520))
    writer.ingest(progress=False)
    assert stale not in writer.store.generations()  # no grace: collected at once
    # Simulate the race: the pointer was read just before the flip, so the load skips the re-read.
    original = reader._load
    calls = []

    def first_stale(reload: bool = False):
        calls.append(reload)
        if len(calls) == 1:
            return reader._knowledge, reader._retriever, reader._answerer
        return original(reload=reload)

    reader._load = first_stale
    answer = reader.ask(ZEST_Q)
    assert calls == [False, True]  # the retry reloaded
    assert "520" in answer.text and not answer.refused


def test_collect_garbage_keeps_generations_within_their_grace(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / RELEASE.name).write_bytes(RELEASE.read_bytes())
    bot = Assistant(corpus_dir=str(corpus), index_dir=str(tmp_path / "idx"))
    bot.ingest(progress=False)
    first = bot.store.active().collection
    (corpus / "zest.md").write_text(_zest(412))
    bot.ingest(progress=False)
    assert first in bot.store.generations()  # retired, inside the default 10-minute grace
    assert bot.store.collect_garbage() == []
    assert bot.store.collect_garbage(grace=0.0) == [first]
    assert bot.store.generations() == [bot.store.active().collection]
