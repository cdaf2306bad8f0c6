"""The evaluation sets: the shipped release's questions, and the unseen releases' dev and frozen test splits.

Why separate corpora: the unseen sets are about releases the product never shipped; each set is indexed on
its own (its own temporary index), and each question is asked with its own release selected (``source``),
as a user who picked that release in the UI.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from assistant.settings import REPO_ROOT


@dataclass(frozen=True)
class EvalSet:
    name: str
    corpus_dir: Path
    qa: Path
    #: Reported but never tuned on or gated: the frozen test split.
    frozen: bool = False


def eval_sets(shipped_corpus: Path | None = None) -> dict[str, EvalSet]:
    unseen = REPO_ROOT / "eval" / "unseen"
    return {
        "shipped": EvalSet(
            "shipped", shipped_corpus or REPO_ROOT / "corpus", REPO_ROOT / "eval" / "qa.jsonl"
        ),
        "dev": EvalSet("dev", unseen / "dev" / "corpus", unseen / "dev" / "qa.jsonl"),
        "test": EvalSet("test", unseen / "test" / "corpus", unseen / "test" / "qa.jsonl", frozen=True),
        "test2": EvalSet("test2", unseen / "test2" / "corpus", unseen / "test2" / "qa.jsonl", frozen=True),
    }


#: What plain ``assistant eval`` scores: never a frozen split (those only when named in ``--sets``).
DEFAULT_SETS = "shipped,dev"
