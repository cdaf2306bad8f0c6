"""Shared fixtures: one real Assistant (real Chroma, real packaged model) on the shipped release."""

from __future__ import annotations

import os
import shutil

import pytest

from tests.helpers import CORPUS, RELEASE

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")


TIERS = {"unit", "integration", "slow", "browser"}


def pytest_collection_modifyitems(config, items):
    """A test with no tier marker is an integration test (real models, embedded Chroma, one process)."""
    for item in items:
        if not TIERS & {m.name for m in item.iter_markers()}:
            item.add_marker(pytest.mark.integration)


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
