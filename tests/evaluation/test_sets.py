"""The eval sets and the reader's training data are what they claim to be: every fact and support string is
verbatim in its text, every split has its sources, no training text is an eval text (by URL or by overlap).
Data checks only: no model, no index."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

from assistant.evaluation.metrics import contains
from assistant.evaluation.sets import eval_sets
from tests.helpers import REPO

pytestmark = pytest.mark.unit


def _items(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def test_unseen_sets_are_complete_and_their_facts_are_in_their_texts():
    sets = eval_sets()
    texts = 0
    questions = unanswerable = followups = 0
    for name in ("dev", "test", "test2"):
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
    assert texts >= 21 and questions >= 380 and unanswerable >= 80 and followups >= 20
    assert sets["test"].frozen and sets["test2"].frozen and not sets["dev"].frozen


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


def _validator():
    spec = importlib.util.spec_from_file_location("reader_validate", REPO / "eval" / "reader" / "validate.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_reader_training_data_is_valid_and_is_no_eval_text(capsys):
    """Every training question against its text; no training text is an eval text, by URL or by overlap
    (checked against corpus/, eval/unseen, eval/check, eval/injection); no story twice."""
    validate = _validator()
    assert validate.main([]) == 0, capsys.readouterr().out
    texts = list((REPO / "eval" / "reader" / "batches").glob("*/corpus/*.txt"))
    rows = [r for q in (REPO / "eval" / "reader" / "batches").glob("*/questions.jsonl") for r in _items(q)]
    assert len(texts) >= 300 and len(rows) >= 6000
    assert 0.2 <= sum(r.get("answerable", True) is False for r in rows) / len(rows) <= 0.3
    assert sum(1 for r in rows if r.get("history")) >= len(texts)


def test_the_overlap_check_catches_an_eval_text_in_the_training_data(tmp_path):
    """The check can fail: an eval release copied into a batch is found by its text and by its URL."""
    validate = _validator()
    batch = tmp_path / "bx"
    (batch / "corpus").mkdir(parents=True)
    dev = sorted((REPO / "eval" / "unseen" / "dev" / "corpus").glob("*.txt"))[0]
    (batch / "corpus" / "copy.txt").write_text(dev.read_text(encoding="utf-8"), encoding="utf-8")
    url = next(iter(validate.eval_urls()))
    (batch / "SOURCES.md").write_text(f"| corpus/copy.txt | {url} | q | t |\n", encoding="utf-8")
    (batch / "questions.jsonl").write_text("", encoding="utf-8")
    against = {k: validate.shingles(v) for k, v in validate.eval_texts().items()}
    errs = validate.check_batch(batch, against, validate.eval_urls())
    assert any("overlaps the eval text" in e for e in errs) and any("URL is a source" in e for e in errs)


def test_reader_dev_and_decision_sets_are_whole_held_out_releases(tmp_path):
    """`assistant eval --sets reader-dev` and the decision split are put together from the reader's
    batches: whole releases (never part of one), disjoint, each question's release copied beside it."""
    import json

    from assistant.evaluation.sets import assemble, eval_sets, is_decision_split, is_reader_dev

    made = {}
    for name, belongs in (("reader-dev", is_reader_dev), ("reader-decision", is_decision_split)):
        es = assemble(eval_sets()[name], tmp_path / name)
        items = [json.loads(line) for line in es.qa.read_text(encoding="utf-8").splitlines()]
        assert len(items) > 500
        assert all(belongs(i["source"]) for i in items)
        assert all((es.corpus_dir / i["source"]).is_file() for i in items)
        made[name] = {i["source"] for i in items}
    assert not made["reader-dev"] & made["reader-decision"]
