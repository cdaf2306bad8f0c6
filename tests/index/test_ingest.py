"""Ingestion: exact offsets, boilerplate kept out, incremental, atomic under SIGKILL, bad files."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from assistant import Assistant
from assistant.ingest.boilerplate import BoilerplateDetector
from assistant.ingest.chunking import Chunker
from assistant.ingest.loaders import SourceDocument
from tests.helpers import CORPUS, REPO


def test_every_chunk_and_sentence_round_trips(bot, release_text):
    kn = bot.knowledge
    assert kn.chunks, "nothing indexed"
    for chunk in kn.chunks:
        assert release_text[chunk.start : chunk.end] == chunk.text
        for s in chunk.sentences:
            assert chunk.start <= s.start < s.end <= chunk.end
            assert release_text[s.start : s.end].strip() == release_text[s.start : s.end]


def test_indexed_text_covers_release_except_boilerplate(bot, release_text):
    kn = bot.knowledge
    covered = [False] * len(release_text)
    for c in kn.chunks:
        for i in range(c.start, c.end):
            covered[i] = True
    missing = "".join(ch for ch, ok in zip(release_text, covered, strict=True) if not ok)
    assert "Schedule your 30 min Free 1stOncology Demo!" in missing
    # Everything else that is not whitespace is indexed.
    rest = missing.replace("Schedule your 30 min Free 1stOncology Demo!", "")
    assert "median PFS" not in rest and "CABINET" not in rest


def test_advertisement_is_not_retrievable(bot):
    for chunk in bot.knowledge.chunks:
        assert "1stOncology" not in chunk.text and "Free Demo" not in chunk.text
    hits = bot.retriever.invoke("Schedule your free 1stOncology demo")
    assert all("1stOncology" not in d.page_content for d in hits)
    assert bot.ask("How many members use 1stOncology?").tier != "answer"


def test_boilerplate_detector_is_general():
    text = (
        "Acme announced results today.\n"
        "Sign up for our free newsletter!\n"
        "Daily briefings - Deal alerts - Pipeline trackers\n"
        "Subscribe now and get a free trial!\n"
        "The trial enrolled 120 patients.\n"
    )
    cleaned = BoilerplateDetector().run(text)
    kept = "".join(text[s:e] for s, e in cleaned.kept)
    assert "Acme announced results today." in kept and "120 patients" in kept
    assert "newsletter" not in kept and "Deal alerts" not in kept and "Subscribe" not in kept
    # Chunks never span the removed block and keep exact offsets.
    doc = SourceDocument("x.txt", text)
    for c in Chunker(BoilerplateDetector(), max_chars=60).run(doc):
        assert text[c.start : c.end] == c.text and "Deal alerts" not in c.text


def test_reingest_embeds_nothing_when_nothing_changed(bot):
    report = bot.ingest(progress=False)
    assert report.unchanged and report.embedded == 0


def test_incremental_change_and_delete(small_corpus, tmp_path, bot):
    b = Assistant(corpus_dir=str(small_corpus), index_dir=str(tmp_path / "idx"))
    b.embeddings = bot.embeddings
    first = b.ingest(progress=False)
    assert first.files == 2 and first.embedded == first.chunks
    other = small_corpus / "other.md"
    other.write_text(other.read_text() + "Zorbatin will be filed in Europe in 2026.\n", encoding="utf-8")
    second = b.ingest(progress=False)
    assert 0 < second.embedded < second.chunks, second.summary()
    other.unlink()
    third = b.ingest(progress=False)
    assert third.embedded == 0 and third.files == 1
    assert all(c.source != "other.md" for c in b.knowledge.chunks)
    assert b.ask("What was the objective response rate of Zorbatin?").tier != "answer"


def test_repeated_text_is_embedded_once(small_corpus, tmp_path, bot):
    """A paragraph two releases share costs one embedding, and both releases still cite it."""
    copy = small_corpus / "sub" / "copy.md"
    copy.parent.mkdir()
    copy.write_text((small_corpus / "other.md").read_text(encoding="utf-8"), encoding="utf-8")
    b = Assistant(corpus_dir=str(small_corpus), index_dir=str(tmp_path / "idx"))
    b.embeddings = bot.embeddings
    report = b.ingest(progress=False)
    per_file = {}
    for c in b.knowledge.chunks:
        per_file[c.source] = per_file.get(c.source, 0) + 1
    assert per_file["sub/copy.md"] == per_file["other.md"] > 0
    assert report.embedded == report.chunks - per_file["other.md"], report.summary()
    assert report.reused == per_file["other.md"]


def _ask_json(index_dir, corpus, question, env_extra=None):
    env = {**os.environ, "ASSISTANT_INDEX_DIR": str(index_dir), "ASSISTANT_CORPUS_DIR": str(corpus)}
    env.update(env_extra or {})
    return subprocess.run(
        [sys.executable, "-m", "assistant", "ask", question, "--json"],
        env=env,
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=300,
    )


@pytest.mark.slow
def test_kill_mid_ingest_leaves_previous_index(small_corpus, tmp_path):
    index = tmp_path / "idx"
    env = {**os.environ, "ASSISTANT_INDEX_DIR": str(index), "ASSISTANT_CORPUS_DIR": str(small_corpus)}
    subprocess.run(
        [sys.executable, "-m", "assistant", "ingest"],
        env=env,
        check=True,
        cwd=REPO,
        capture_output=True,
        timeout=300,
    )
    before = _ask_json(index, small_corpus, "How many patients were randomized in the ZEST trial?")
    assert before.returncode == 0, before.stderr
    (small_corpus / "other.md").write_text("Acme now says 999 patients.\n", encoding="utf-8")
    for point in ("after_create", "mid_add", "before_activate"):
        killed = subprocess.run(
            [sys.executable, "-m", "assistant", "ingest"],
            env={**env, "ASSISTANT_FAULT_KILL_AT": point},
            cwd=REPO,
            capture_output=True,
            timeout=300,
        )
        assert killed.returncode == -9, (point, killed.returncode, killed.stderr[-500:])
        after = _ask_json(index, small_corpus, "How many patients were randomized in the ZEST trial?")
        assert after.returncode == 0, after.stderr
        assert after.stdout == before.stdout, point
    done = subprocess.run(
        [sys.executable, "-m", "assistant", "ingest"],
        env=env,
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0 and "indexed 2 files" in done.stdout


def test_bad_files_are_skipped_with_a_warning(small_corpus, tmp_path, bot):
    (small_corpus / "binary.txt").write_bytes(b"\x00\x01\x02garbage\x00")
    (small_corpus / "latin1.txt").write_bytes("Caf\xe9 au lait".encode("latin-1"))
    (small_corpus / "empty.md").write_text("")
    b = Assistant(corpus_dir=str(small_corpus), index_dir=str(tmp_path / "idx"))
    report = b.ingest(progress=False)
    joined = "\n".join(report.warnings)
    assert "binary.txt" in joined and "latin1.txt" in joined and "empty.md" in joined
    assert report.files == 2


#: SHA-256 of the release as published (../shared/corpus/ipsen-cabometyx-chmp-net-2025-06-20.txt, 2025-06-20),
#: recorded here so the check needs no folder outside the repo.
PUBLISHED = {
    "ipsen-cabometyx-chmp-net-2025-06-20.txt": "82629c151488e45f6e257585771230fb2c6af221967a0f81d7c70ad9fd1e5164"
}


@pytest.mark.unit
def test_shipped_corpus_is_the_published_release():
    import hashlib

    shipped = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in CORPUS.glob("*.txt")}
    assert shipped == PUBLISHED
