"""A damaged index, damaged for real, and `assistant ingest --rebuild` recovering from it.

Each case breaks a real Chroma index the way disks and people break them, then runs the commands a user
would: `assistant index check` must call it damaged, `assistant ask` must fail with one line that says
what to do, `assistant ingest --rebuild` must move the broken index aside (kept, not deleted), leave the
corpus as it was and build a working one, and the next answer must be right again.
"""

from __future__ import annotations

import hashlib
import os
import random
import shutil
import subprocess
from pathlib import Path

import pytest

from assistant import Assistant
from tests.helpers import RELEASE, assistant_cli

pytestmark = pytest.mark.slow

PFS_Q = "What was the median PFS in the pNET cohort?"


def _cli(env: dict, *args: str, timeout: int = 600) -> subprocess.CompletedProcess:
    return assistant_cli(*args, env=env, timeout=timeout)


def _digest(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def _synthetic_release(i: int) -> str:
    """Distinct one-sentence paragraphs, so a short chunk size gives one chunk per sentence."""
    rng = random.Random(i)
    lines = [f"Company{i} Pharma announced results from its Phase {1 + i % 3} programme.", ""]
    for k in range(60):
        # Short (about 20 tokens): embedding 1,200 of them twice is most of what this test costs.
        lines += [
            f"Cohort {k} of Z{i}-{k}: {rng.randint(10, 900)} patients, response {rng.randint(1, 99)}%.",
            "",
        ]
    return "\n".join(lines)


def _env(root: Path, big: bool) -> dict:
    env = {
        **os.environ,
        "ASSISTANT_CORPUS_DIR": str(root / "corpus"),
        "ASSISTANT_INDEX_DIR": str(root / "idx"),
    }
    if big:
        env["ASSISTANT_CHUNK_MAX_CHARS"] = "60"  # one chunk per synthetic sentence
    return env


def _layout(root: Path, big: bool) -> dict:
    """A corpus in ``root``: the shipped release, and with ``big`` 20 synthetic ones (1,200+ chunks)."""
    corpus = root / "corpus"
    corpus.mkdir()
    shutil.copy(RELEASE, corpus / RELEASE.name)
    if big:
        # Chroma writes a collection's vectors to its segment folder from about 1,000 records on;
        # below that they live in the SQLite log and a missing folder would not be damage at all.
        for i in range(20):
            (corpus / f"synthetic-{i:02d}.md").write_text(_synthetic_release(i), encoding="utf-8")
    return _env(root, big)


@pytest.fixture(scope="module")
def healthy(tmp_path_factory):
    """A healthy index of each kind (the shipped release; 1,000+ chunks), built once by a real
    `assistant ingest` and checked healthy by `assistant index check`; tests get a copy of the folder,
    so each case spends its time on the damage and the rebuild rather than on the same first ingest."""
    built: dict[bool, Path] = {}

    def get(big: bool) -> Path:
        if big not in built:
            root = tmp_path_factory.mktemp("big" if big else "small")
            env = _layout(root, big)
            done = _cli(env, "ingest")
            assert done.returncode == 0, done.stderr
            check = _cli(env, "index", "check")
            assert check.returncode == 0 and "health:      OK" in check.stdout, check.stdout
            built[big] = root
        return built[big]

    return get


@pytest.fixture()
def env_for(tmp_path, healthy):
    """The environment of a test's own corpus and index: empty, or (``ingested``) a copy of a healthy one."""

    def make(big: bool = False, ingested: bool = False) -> dict:
        if ingested:
            shutil.copytree(healthy(big), tmp_path / "copy")
            return _env(tmp_path / "copy", big)
        return _layout(tmp_path, big)

    return make


def _truncate(index: Path) -> None:
    db = index / "chroma" / "chroma.sqlite3"
    data = db.read_bytes()
    db.write_bytes(data[: len(data) // 3])


def _randomise(index: Path) -> None:
    db = index / "chroma" / "chroma.sqlite3"
    db.write_bytes(random.Random(7).randbytes(db.stat().st_size))


def _drop_segment_folders(index: Path) -> None:
    folders = [p for p in (index / "chroma").iterdir() if p.is_dir()]
    assert folders, "no segment folder to remove"
    for p in folders:
        shutil.rmtree(p)


def _drop_active_collection(index: Path) -> None:
    from assistant.index.store import IndexStore
    from assistant.settings import Settings

    store = IndexStore(Settings(index_dir=index))
    store.client.delete_collection(store.active().collection)


DAMAGE = {
    "truncated sqlite": (_truncate, False),
    "random sqlite": (_randomise, False),
    "missing segment folder": (_drop_segment_folders, True),
    "pointer to a gone collection": (_drop_active_collection, False),
}


@pytest.mark.parametrize("damage", list(DAMAGE))
def test_rebuild_recovers_from_a_damaged_index(env_for, damage):
    breaker, big = DAMAGE[damage]
    env = env_for(big, ingested=True)  # a copy of an index `assistant index check` called healthy
    index = Path(env["ASSISTANT_INDEX_DIR"])
    corpus = Path(env["ASSISTANT_CORPUS_DIR"])
    before = _digest(corpus)

    breaker(index)
    damaged_copy = _digest(index / "chroma")

    check = _cli(env, "index", "check")
    assert check.returncode == 1 and "DAMAGED" in check.stdout, check.stdout + check.stderr
    asked = _cli(env, "ask", PFS_Q)
    assert asked.returncode == 1
    err = asked.stderr.strip().splitlines()
    assert len(err) == 1 and "assistant ingest --rebuild" in err[0], asked.stderr

    rebuilt = _cli(env, "ingest", "--rebuild")
    assert rebuilt.returncode == 0, rebuilt.stderr
    assert "damaged" in rebuilt.stderr and "moved aside to" in rebuilt.stderr, rebuilt.stderr
    moved = [p for p in index.iterdir() if p.name.startswith("chroma.broken-")]
    assert len(moved) == 1
    assert (moved[0] / "chroma.sqlite3").exists()
    if "sqlite" in damage:  # Chroma cannot open it, so it is kept byte for byte as it was found
        assert _digest(moved[0]) == damaged_copy
    assert _digest(corpus) == before  # the corpus is only ever read

    check = _cli(env, "index", "check")
    assert check.returncode == 0 and "health:      OK" in check.stdout, check.stdout
    bot = Assistant(corpus_dir=env["ASSISTANT_CORPUS_DIR"], index_dir=str(index))
    if big:
        bot = Assistant(bot.settings.replace(chunk_max_chars=60))
    answer = bot.ask(PFS_Q)
    assert not answer.refused and "13.8 months" in answer.text, answer.text
    for c in answer.citations:
        assert (corpus / c.source).read_text(encoding="utf-8")[c.start : c.end] == c.quote


def test_rebuild_of_a_healthy_index_keeps_answering_the_running_assistant(env_for):
    """--rebuild on a healthy index re-embeds into a new generation; a running reader never fails."""
    env = env_for()
    bot = Assistant(corpus_dir=env["ASSISTANT_CORPUS_DIR"], index_dir=env["ASSISTANT_INDEX_DIR"])
    bot.ingest(progress=False)
    first = bot.ask(PFS_Q)
    old = bot.knowledge.active.collection
    rebuilt = _cli(env, "ingest", "--rebuild")
    assert rebuilt.returncode == 0 and "moved aside" not in rebuilt.stderr, rebuilt.stderr
    assert "17 embedded" in rebuilt.stdout or "embedded, 0 reused" in rebuilt.stdout, rebuilt.stdout
    again = bot.ask(PFS_Q)
    assert again.text == first.text
    assert bot.knowledge.active.collection != old  # it moved to the rebuilt generation
    assert not [p for p in Path(env["ASSISTANT_INDEX_DIR"]).iterdir() if p.name.startswith("chroma.broken")]


def test_index_check_reports_the_state_in_one_screen(env_for):
    env = env_for(ingested=True)
    out = _cli(env, "index", "check")
    assert out.returncode == 0
    lines = out.stdout.splitlines()
    assert len(lines) <= 12
    fields = dict(line.split(":", 1) for line in lines if ":" in line)
    assert fields["releases"].strip() == "1"
    assert int(fields["chunks"]) > 5
    assert "all-MiniLM-L6-v2" in fields["model"]
    assert fields["active"].strip().startswith("release_chunks-")
    assert float(fields["size"].split()[0]) > 0
    empty = {**env, "ASSISTANT_INDEX_DIR": env["ASSISTANT_INDEX_DIR"] + "-none"}
    out = _cli(empty, "index", "check")
    assert out.returncode == 0 and "empty" in out.stdout


def test_rebuild_recovers_a_server_index_whose_active_collection_is_gone(env_for, tmp_path):
    from tests.helpers import free_port, start_chroma

    port = free_port()
    server = start_chroma(tmp_path / "srv", port)
    try:
        env = {**env_for(), "ASSISTANT_CHROMA_URL": f"http://127.0.0.1:{port}"}
        assert _cli(env, "ingest").returncode == 0
        from assistant.index.store import IndexStore
        from assistant.settings import Settings

        store = IndexStore(Settings(chroma_url=env["ASSISTANT_CHROMA_URL"], index_dir=tmp_path / "idx"))
        store.client.delete_collection(store.active().collection)
        check = _cli(env, "index", "check")
        assert check.returncode == 1 and "gone" in check.stdout, check.stdout
        rebuilt = _cli(env, "ingest", "--rebuild")
        assert rebuilt.returncode == 0 and "damaged" in rebuilt.stderr, rebuilt.stderr
        assert _cli(env, "index", "check").returncode == 0
        asked = _cli(env, "ask", PFS_Q)
        assert asked.returncode == 0 and "13.8 months" in asked.stdout, asked.stderr
    finally:
        server.kill()
