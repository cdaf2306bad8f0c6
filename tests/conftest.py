"""Shared fixtures: one real Assistant (real Chroma, real packaged model) on the shipped release."""

from __future__ import annotations

import os
import shutil
import socket
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO / "corpus"
RELEASE = next(CORPUS.glob("*.txt"))


@pytest.fixture(scope="session")
def release_text() -> str:
    return RELEASE.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def bot(tmp_path_factory):
    from assistant import Assistant

    index = tmp_path_factory.mktemp("index")
    b = Assistant(corpus_dir=str(CORPUS), index_dir=str(index))
    b.ingest(progress=False)
    return b


@pytest.fixture()
def small_corpus(tmp_path):
    """A private copy of the release plus a second tiny release, for tests that change files."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(RELEASE, corpus / RELEASE.name)
    (corpus / "other.md").write_text(
        "Acme Pharma announced on 3 March 2025 that its drug Zorbatin met the primary endpoint.\n"
        "In the ZEST trial, 412 patients were randomized 1:1. The objective response rate was 41%.\n",
        encoding="utf-8",
    )
    return corpus


def free_port() -> int:
    """A free loopback port for a server a test starts."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def assistant_cli(*args: str, env: dict | None = None, input: str | None = None, timeout: int = 600):
    """Run the ``assistant`` command in a real process, as a user would (stdout, stderr, return code)."""
    import subprocess
    import sys

    return subprocess.run(
        [sys.executable, "-m", "assistant", *args],
        env=env if env is not None else dict(os.environ),
        input=input,
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
