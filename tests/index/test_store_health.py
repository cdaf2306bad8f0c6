"""The health check on a real Chroma: a fresh index of near-duplicate chunks is healthy (HNSW is an
approximate search and may not return a few stored vectors for themselves), and a vector segment that
lost its files is still found damaged, from another process, as `assistant index check` would see it."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import numpy as np
import pytest

from assistant.index.store import IndexStore, verify_generation
from assistant.settings import Settings
from tests.helpers import REPO


def _near_duplicates(n: int, seed: int) -> np.ndarray:
    """Unit vectors that all lie within a few degrees of one another (like one company's boilerplate)."""
    rng = np.random.default_rng(seed)
    base = rng.standard_normal(384)
    v = base + 0.08 * rng.standard_normal((n, 384))
    return (v / np.linalg.norm(v, axis=1, keepdims=True)).astype(np.float32)


def _build(index_dir, n: int, seed: int) -> tuple[IndexStore, str, np.ndarray]:
    store = IndexStore(Settings.from_env({}, index_dir=str(index_dir)))
    col = store.new_generation()
    vecs = _near_duplicates(n, seed)
    for i in range(0, n, 256):
        col.add(ids=[f"c{j}" for j in range(i, min(n, i + 256))], embeddings=vecs[i : i + 256].tolist())
    return store, col.name, vecs


def _check_elsewhere(index_dir) -> list[str]:
    code = (
        "import json; from assistant.index.store import IndexStore; from assistant.settings import Settings; "
        f"print(json.dumps(IndexStore(Settings.from_env({{}}, index_dir={str(index_dir)!r})).check()))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, timeout=300)
    return json.loads(out.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("seed", [1, 2])
def test_a_fresh_index_of_near_duplicates_is_healthy_from_another_process(tmp_path, seed):
    store, name, vecs = _build(tmp_path / "idx", 1500, seed)
    verify_generation(store.settings, store, name, 1500)  # what ingest does before the flip
    store.activate(name, "model", "root", 1500)
    assert _check_elsewhere(tmp_path / "idx") == []
    col = store.client.get_collection(name)
    # The approximate search does leave some vectors unfound for themselves: the old probe's false alarm.
    unfound = sum(
        f"c{i}" not in col.query(query_embeddings=[vecs[i].tolist()], n_results=4, include=[])["ids"][0]
        for i in range(0, 1500, 3)
    )
    print(f"\nseed {seed}: {unfound} of 500 stored vectors not among their own 4 nearest")


def test_a_segment_that_lost_its_files_is_damaged_and_an_ingest_would_not_flip_to_it(tmp_path):
    store, name, _ = _build(tmp_path / "idx", 1500, 7)
    store.activate(name, "model", "root", 1500)
    assert _check_elsewhere(tmp_path / "idx") == []  # opening it elsewhere writes the segment out
    for folder in (tmp_path / "idx" / "chroma").iterdir():
        if folder.is_dir():
            shutil.rmtree(folder)
    problems = _check_elsewhere(tmp_path / "idx")
    assert problems and "segment is missing or damaged" in problems[0], problems
