"""``assistant eval`` as a user runs it: plain eval scores no frozen split and leaves nothing behind."""

from __future__ import annotations

import json
import os

from tests.helpers import REPO, assistant_cli


def test_the_eval_gate_passes_scores_no_frozen_split_and_leaves_no_index_behind(tmp_path):
    """The eval gate of the test command (scripts/test.sh runs it here, beside the other tests, rather than
    once more after them): plain `assistant eval --gate` scores the shipped set, unseen dev and reader dev against
    eval/thresholds.toml, scores no frozen split and leaves no index folder behind."""
    logs = sorted(REPO.glob("eval/unseen/*/scored.log"))
    before = {p: p.read_bytes() for p in logs}

    def index_like() -> set[str]:  # what an eval used to leave at the root: .index-eval-dev/ and the like
        return {n for n in os.listdir(REPO) if "index" in n or "eval-" in n}

    listing = index_like()
    env = {**os.environ, "ASSISTANT_INDEX_DIR": str(tmp_path / "idx"), "HF_HUB_OFFLINE": "1"}
    out = assistant_cli(
        "eval", "--generator", "extractive", "--gate", "--out", str(tmp_path / "report"), env=env
    )
    print(out.stdout)  # the table, in the test command's output (-rA) and on failure
    assert out.returncode == 0, out.stdout[-3000:] + out.stderr[-2000:]
    assert "gate: passed" in out.stdout
    report = json.loads((tmp_path / "report" / "report.json").read_text(encoding="utf-8"))
    assert {r["set"] for r in report.values()} == {"shipped", "dev", "reader-dev"}
    assert {p: p.read_bytes() for p in logs} == before  # no frozen split was scored
    assert index_like() == listing  # no index folders at the root of the checkout
    assert sorted(os.listdir(tmp_path)) == ["idx", "report"]  # nor beside the user's index


def test_a_frozen_split_is_scored_only_by_name_and_only_as_aggregates(tmp_path, monkeypatch):
    from assistant.evaluation import runner
    from assistant.evaluation.sets import EvalSet

    qa = tmp_path / "frozen" / "qa.jsonl"
    qa.parent.mkdir()
    qa.write_text(
        json.dumps({"id": "f-1", "source": "zest.txt", "question": "How many patients?", "facts": ["412"]})
        + "\n",
        encoding="utf-8",
    )
    (tmp_path / "frozen" / "corpus").mkdir()
    (tmp_path / "frozen" / "corpus" / "zest.txt").write_text(
        "Acme announced results. The ZEST trial enrolled 412 patients.\n", encoding="utf-8"
    )
    frozen = EvalSet("frozen", tmp_path / "frozen" / "corpus", qa, frozen=True)
    monkeypatch.setattr("assistant.evaluation.sets.eval_sets", lambda *_: {"frozen": frozen})
    from assistant.cli import build_parser
    from assistant.settings import Settings

    args = build_parser().parse_args(
        ["eval", "--sets", "frozen", "--generator", "extractive", "--out", str(tmp_path / "r")]
    )
    assert runner.main(args, Settings.from_env({}, index_dir=str(tmp_path / "idx"))) == 0
    report = json.loads((tmp_path / "r" / "report.json").read_text(encoding="utf-8"))
    (result,) = report.values()
    assert result["rows"] == [] and result["summary"]["items"] == 1
    log = (tmp_path / "frozen" / "scored.log").read_text(encoding="utf-8").splitlines()
    assert len(log) == 1 and "answer_accuracy=" in log[0]
    assert "f-1" not in (tmp_path / "r" / "report.md").read_text(encoding="utf-8")
