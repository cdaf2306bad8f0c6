"""The eval sets and the reader's training data are what they claim to be: every fact and support string is
verbatim in its text, every split has its sources, no training text is an eval text (by URL or by overlap).
Data checks only: no model, no index."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant.evaluation.metrics import contains
from assistant.evaluation.sets import eval_sets

pytestmark = pytest.mark.unit


def _items(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def test_unseen_sets_are_complete_and_their_facts_are_in_their_texts():
    sets = eval_sets()
    texts = 0
    questions = unanswerable = followups = 0
    for name in ("dev", "test"):
        es = sets[name]
        corpus = {p.name: p.read_text(encoding="utf-8") for p in es.corpus_dir.glob("*.txt")}
        assert (es.corpus_dir.parent / "SOURCES.md").is_file()
        texts += len(corpus)
        for item in _items(es.qa):
            questions += 1
            assert item["source"] in corpus, item["id"]
            text = corpus[item["source"]]
            if item.get("answerable", True) is False:
                unanswerable += 1
                assert not item.get("facts")
            else:
                assert item["facts"], item["id"]
                for piece in item["facts"] + item.get("support", []):
                    assert contains(text, piece), (item["id"], piece)
            if item.get("history"):
                followups += 1
    assert texts >= 8 and questions >= 150 and unanswerable >= 25 and followups >= 10
    assert sets["test"].frozen and not sets["dev"].frozen


@pytest.mark.parametrize("split", ["dev", "test"])
def test_labelled_drafts_are_consistent(split):
    """Every claim is in its draft, every evidence string in its release, every value in its side."""
    from assistant.evaluation.check_eval import check_sets, load_drafts

    drafts_paths, folders = check_sets()[f"check-{split}"]
    texts = {f.name: f.read_text(encoding="utf-8") for folder in folders for f in folder.iterdir()}
    rows = load_drafts(drafts_paths)
    assert len(rows) >= 20
    for d in rows:
        release = "".join(texts[s] for s in d["sources"])
        for c in d["claims"]:
            assert c["text"] in d["text"], (d["id"], c["text"])
            assert c["verdict"] in {"supported", "contradicted", "not_found"}
            if c["verdict"] != "not_found":
                assert c["evidence"] in release, (d["id"], c["evidence"])
            if c["verdict"] == "contradicted":
                assert c["draft_value"] in c["text"] and c["release_value"] in c["evidence"], d["id"]
