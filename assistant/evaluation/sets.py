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
    #: Put together from several folders at run time (``assemble``), into the eval's scratch folder.
    assembled: bool = False


def eval_sets(shipped_corpus: Path | None = None) -> dict[str, EvalSet]:
    unseen = REPO_ROOT / "eval" / "unseen"
    return {
        "shipped": EvalSet(
            "shipped", shipped_corpus or REPO_ROOT / "corpus", REPO_ROOT / "eval" / "qa.jsonl"
        ),
        "dev": EvalSet("dev", unseen / "dev" / "corpus", unseen / "dev" / "qa.jsonl"),
        "test": EvalSet("test", unseen / "test" / "corpus", unseen / "test" / "qa.jsonl", frozen=True),
        "test2": EvalSet("test2", unseen / "test2" / "corpus", unseen / "test2" / "qa.jsonl", frozen=True),
        "reader-dev": EvalSet("reader-dev", READER / "batches", READER / "batches", assembled=True),
        # The releases the answer decision is fitted on (eval/fit_answerability.py); not for tuning.
        "reader-decision": EvalSet("reader-decision", READER / "batches", READER / "batches", assembled=True),
    }


READER = REPO_ROOT / "eval" / "reader"
#: One release in ``READER_DEV_SHARE`` of the reader's training data is held out as its dev split.
READER_DEV_SHARE = 10


def is_reader_dev(release: str) -> bool:
    """The reader's dev releases ("b3/some-release.txt"): a hash of the name, stable as batches grow, so
    the split is by release, never by question.

    >>> is_reader_dev("b1/telik-telcyta-assist1.txt") in (True, False)
    True
    """
    import zlib

    return zlib.crc32(release.encode()) % READER_DEV_SHARE == 0


def is_decision_split(release: str) -> bool:
    """Two train releases in ten on which the answer decision is fitted (never the reader itself), so the
    decision learns how far to trust the reader's scores on releases it has not seen.

    >>> is_decision_split("b1/telik-telcyta-assist1.txt") and is_reader_dev("b1/telik-telcyta-assist1.txt")
    False
    """
    import zlib

    return zlib.crc32(release.encode()) % READER_DEV_SHARE in (1, 2)


def assemble(es: EvalSet, into: Path) -> EvalSet:
    """A set whose releases live in several folders, copied into one (``into``) with its questions.

    ``reader-dev``: the dev releases of the reader's annotated data (eval/reader/batches, never trained
    on), a larger dev set than eval/unseen/dev for the answer decision: every question with the facts
    and support its annotator wrote, sources named ``<batch>/<release>``."""
    import json
    import shutil

    if not es.assembled:
        return es
    corpus, qa = into / "corpus", into / "qa.jsonl"
    corpus.mkdir(parents=True, exist_ok=True)
    lines = []
    for qfile in sorted(READER.glob("batches/*/questions.jsonl")):
        batch = qfile.parent.name
        for line in qfile.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            item = json.loads(line)
            release = f"{batch}/{item['source']}"
            if not (is_decision_split if es.name == "reader-decision" else is_reader_dev)(release):
                continue
            target = corpus / batch / item["source"]
            if not target.exists():
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy(qfile.parent / "corpus" / item["source"], target)
            lines.append(json.dumps({**item, "source": release}))
    qa.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return EvalSet(es.name, corpus, qa, es.frozen)


#: What plain ``assistant eval`` scores: never a frozen split (those only when named in ``--sets``).
#: What plain `assistant eval` (and so the gate of the test command) scores.
DEFAULT_SETS = "shipped,dev,reader-dev"
