"""The derived tables saved with each generation (issue 13): answers are the same whether the tables were
made at ingest, rebuilt from Chroma, or reloaded; damaged or stale tables are rebuilt with a warning and
never trusted; no corpus text is embedded at question time; a cold ``ask`` imports only what it needs."""

from __future__ import annotations

import json
import logging
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from assistant import Assistant
from assistant.index import tables as tables_mod
from assistant.index.knowledge import Knowledge
from tests.helpers import RELEASE, REPO, assistant_cli

DEV = REPO / "eval" / "unseen" / "dev"


def _questions() -> list[str]:
    shipped = [json.loads(x)["question"] for x in (REPO / "eval" / "qa.jsonl").read_text().splitlines() if x]
    dev = [json.loads(x)["question"] for x in (DEV / "qa.jsonl").read_text().splitlines() if x]
    return shipped[:25] + dev[:35]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("tables-corpus")
    shutil.copy(RELEASE, root / RELEASE.name)
    for f in sorted((DEV / "corpus").iterdir()):
        shutil.copy(f, root / f.name)
    return root


@pytest.fixture(scope="module")
def built(corpus, tmp_path_factory):
    index = tmp_path_factory.mktemp("tables-index")
    bot = Assistant(corpus_dir=str(corpus), index_dir=str(index))
    bot.ingest(progress=False)
    return bot, index


def _answers(bot: Assistant, questions: list[str]) -> list[tuple]:
    out = []
    for q in questions:
        a = bot.ask(q)
        out.append((a.text, tuple((c.source, c.start, c.end) for c in a.citations)))
    return out


def _folder(bot: Assistant) -> Path:
    return tables_mod.folder_for(bot.settings.index_dir, bot.knowledge.active.collection)


def test_answers_identical_after_rebuild_and_reload(built, corpus, caplog):
    bot, index = built
    questions = _questions()
    first = _answers(bot, questions)
    assert sum(1 for text, cites in first if cites) >= 20  # the comparison is over real answers
    folder = _folder(bot)
    shutil.rmtree(folder)  # as if the tables were never saved: rebuilt from the Chroma records
    with caplog.at_level(logging.WARNING, logger="assistant"):
        rebuilt = Assistant(corpus_dir=str(corpus), index_dir=str(index))
        assert _answers(rebuilt, questions) == first
    assert any("no saved tables" in r.getMessage() for r in caplog.records)
    assert (folder / tables_mod.MANIFEST).exists()  # and saved again for the next start
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="assistant"):
        reloaded = Assistant(corpus_dir=str(corpus), index_dir=str(index))
        assert _answers(reloaded, questions) == first
    assert not [r for r in caplog.records if "rebuilding" in r.getMessage()]


def test_no_corpus_text_is_embedded_at_question_time(built, corpus):
    _, index = built
    bot = Assistant(corpus_dir=str(corpus), index_dir=str(index))
    bot.knowledge  # noqa: B018 - load before counting
    corpus_calls: list[list[str]] = []
    query_calls: list[list[str]] = []
    real_encode, real_queries = bot.embeddings.encode, bot.embeddings.encode_queries
    bot.embeddings.encode = lambda texts, *a, **k: (
        corpus_calls.append(list(texts)) or real_encode(texts, *a, **k)
    )
    bot.embeddings.encode_queries = lambda texts: query_calls.append(list(texts)) or real_queries(texts)
    try:
        for q in _questions():
            bot.ask(q)
    finally:
        del bot.embeddings.encode, bot.embeddings.encode_queries
    assert corpus_calls == []
    # One text per question (the question as the retriever reads it), plus single words of the questions
    # that the corpus does not have (a corpus word's vector is stored): never corpus text.
    from assistant.text.lexicon import read_as, words

    kn = bot.knowledge
    asked = {w for q in _questions() for w in read_as(words(kn.lexicon.correct_text(q)))}
    embedded = [t for call in query_calls for t in call]
    multi = [t for t in embedded if len(t.split()) > 1]
    assert len(multi) == len(_questions())
    singles = [t for t in embedded if len(t.split()) == 1]
    assert singles and all(t in asked and t not in kn.word_row for t in singles), singles[:10]


@pytest.mark.parametrize(
    "damage",
    [
        "flip a byte of the sentence vectors",
        "truncate the BM25 postings",
        "another generation's tables",
        "old format",
    ],
)
def test_damaged_or_stale_tables_are_rebuilt_not_trusted(built, corpus, caplog, damage):
    bot, index = built
    question = "What was the median PFS in the pNET cohort?"
    want = _answers(bot, [question])
    folder = _folder(bot)
    if damage.startswith("flip"):
        path = folder / "svec.npy"
        data = bytearray(path.read_bytes())
        data[-7] ^= 0x5A
        path.write_bytes(bytes(data))
        expect = "checksum"
    elif damage.startswith("truncate"):
        path = folder / "bm25_data.npy"
        path.write_bytes(path.read_bytes()[:-16])
        expect = "checksum"
    else:
        manifest = json.loads((folder / tables_mod.MANIFEST).read_text())
        if damage.startswith("another"):
            manifest["generation"] = "release_chunks-0-other"
            expect = "belong to"
        else:
            manifest["format"] = tables_mod.FORMAT - 1
            expect = "format"
        (folder / tables_mod.MANIFEST).write_text(json.dumps(manifest))
    with caplog.at_level(logging.WARNING, logger="assistant"):
        fresh = Assistant(corpus_dir=str(corpus), index_dir=str(index))
        assert _answers(fresh, [question]) == want
    assert any(expect in r.getMessage() and "rebuilding" in r.getMessage() for r in caplog.records)
    tables_mod.load(folder, fresh.knowledge.active.collection)  # mended on disk: loads without error


def test_tables_round_trip_every_view(built):
    bot, _ = built
    kn = bot.knowledge
    arrays, info = tables_mod.load(_folder(bot), kn.active.collection)
    again = Knowledge(arrays, info, kn.active)
    chunks = [kn.chunks[i] for i in range(len(kn.chunks))]
    fresh = Knowledge.build(chunks, kn.active)  # the text tables, computed afresh from the chunks
    assert [again.chunks[i] for i in range(len(again.chunks))] == chunks == list(fresh.chunks)
    assert again.df == fresh.df and again.n_sentences == fresh.n_sentences
    assert again.lexicon.to_state() == fresh.lexicon.to_state()
    for source in kn.sentences:
        assert again.sentences[source] == fresh.sentences[source]
        assert again.texts[source].segments() == fresh.texts[source].segments()
    q = ["median", "progress", "pnet", "surviv"]
    assert np.allclose(again.bm25.get_scores(q), fresh.bm25.get_scores(q))
    # The stored sentence vectors are the corpus model's vectors of those sentences.
    refs = kn.sentences[RELEASE.name][:12]
    stored = again.sentence_vectors(refs)
    from assistant.text.folding import fold

    made = bot.embeddings.encode([fold(kn.text(r)) for r in refs])
    assert np.allclose(stored, made, atol=1e-5)


def test_garbage_collection_takes_the_tables_with_the_generation(corpus, tmp_path):
    index = tmp_path / "index"
    bot = Assistant(corpus_dir=str(corpus), index_dir=str(index), generation_grace_seconds=0)
    bot.ingest(progress=False)
    first = bot.knowledge.active.collection
    (corpus / "gc-extra.txt").write_text("Acme said on 2 May 2025 that Zorbatin met its endpoint.\n")
    try:
        bot.ingest(progress=False)
    finally:
        (corpus / "gc-extra.txt").unlink()
    second = bot.knowledge.active.collection
    assert second != first
    names = {p.name for p in (index / "tables").iterdir()}
    assert names == {second}


def test_cold_ask_imports_only_what_it_needs(built, corpus):
    _, index = built
    probe = (
        "import sys, runpy\n"
        "sys.argv = ['assistant', 'ask', 'What was the median PFS in the pNET cohort?']\n"
        "try:\n    runpy.run_module('assistant.cli', run_name='__main__')\n"
        "except SystemExit:\n    pass\n"
        "heavy = {'torch', 'sentence_transformers', 'transformers', 'sklearn', 'langchain_chroma'}\n"
        "print('LOADED', sorted(m for m in heavy if m in sys.modules))\n"
    )
    env = {**__import__("os").environ, "ASSISTANT_CORPUS_DIR": str(corpus), "ASSISTANT_INDEX_DIR": str(index)}
    out = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True, text=True, timeout=300)
    assert "13.8 months" in out.stdout, out.stderr[-2000:]
    assert "LOADED []" in out.stdout, out.stdout[-500:]


def test_a_question_after_reload_from_tables_via_cli(built, corpus):
    _, index = built
    env = {**__import__("os").environ, "ASSISTANT_CORPUS_DIR": str(corpus), "ASSISTANT_INDEX_DIR": str(index)}
    a = assistant_cli("ask", "What was the median PFS in the pNET cohort?", "--json", env=env)
    assert a.returncode == 0, a.stderr
    assert "rebuilding" not in a.stderr
    assert "13.8 months" in json.loads(a.stdout)["text"]


@pytest.mark.slow
def test_ingest_with_worker_processes_matches_one_process(tmp_path):
    """``--workers 2`` embeds in two real processes; the index and its answers match one process's."""
    from assistant.evaluation.variants import write_corpus

    corpus = tmp_path / "corpus"
    metas = write_corpus(RELEASE, corpus, 24)  # about 300 distinct chunks: more than one worker batch
    made = {}
    for workers in (2, 1):
        bot = Assistant(
            corpus_dir=str(corpus), index_dir=str(tmp_path / f"index-{workers}"), ingest_workers=workers
        )
        report = bot.ingest(progress=False)
        assert report.embedded > 256
        kn = bot.knowledge
        col = bot.store.collection(kn.active.collection)
        got = col.get(include=["embeddings"])
        vectors = dict(zip(got["ids"], np.asarray(got["embeddings"]), strict=True))
        qs = [f"What was the median PFS with {m['brand']} in the pNET cohort?" for m in metas[:6]]
        made[workers] = (vectors, np.asarray(kn.a["svec"]), _answers(bot, qs))
    (v2, s2, a2), (v1, s1, a1) = made[2], made[1]
    assert v2.keys() == v1.keys()
    assert max(float(np.abs(v2[k] - v1[k]).max()) for k in v1) < 1e-4
    assert s2.shape == s1.shape and float(np.abs(s2 - s1).max()) < 1e-4
    assert a2 == a1 and all(cites for _, cites in a1)
