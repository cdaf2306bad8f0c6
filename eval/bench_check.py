"""How long checking a draft takes, warm: a 300-word draft against the shipped release (issue 14's target:
at most 2 s on the 2-core machine), or a draft of ``--sentences N`` claims (issue 25's target: 20 sentences
in at most 3 s warm, the fact-sheet checks included). Prints the figures; not part of the test run.

    .venv/bin/python eval/bench_check.py [--runs 10] [--sentences 20]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from assistant import Assistant  # noqa: E402
from assistant.checking.facts import split_claims  # noqa: E402


def three_hundred_words() -> str:
    """A field-team summary of the shipped release: the dev drafts written from it, joined to ~300 words."""
    rows = [json.loads(x) for x in (REPO / "eval/check/dev/drafts.jsonl").read_text().splitlines() if x]
    texts = [r["text"] for r in rows if r["sources"] == ["ipsen-cabometyx-chmp-net-2025-06-20.txt"]]
    out, n = [], 0
    for t in texts:
        out.append(t)
        n += len(t.split())
        if n >= 300:
            break
    return "\n".join(out)


def sentences(n: int) -> str:
    """The first ``n`` claims of the shipped release's dev drafts, one per line."""
    rows = [json.loads(x) for x in (REPO / "eval/check/dev/drafts.jsonl").read_text().splitlines() if x]
    claims = [
        c["text"]
        for r in rows
        if r["sources"] == ["ipsen-cabometyx-chmp-net-2025-06-20.txt"]
        for c in r["claims"]
    ]
    return "\n".join(claims[:n])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--sentences", type=int, default=0, help="a draft of this many claims instead")
    args = parser.parse_args()
    draft = sentences(args.sentences) if args.sentences else three_hundred_words()
    with tempfile.TemporaryDirectory() as tmp:
        bot = Assistant(index_dir=str(Path(tmp) / "idx"))
        bot.ingest(progress=False)
        t0 = time.perf_counter()
        bot.check(draft)  # cold: models and index load, first embeddings
        cold = time.perf_counter() - t0
        runs = []
        for _ in range(args.runs):
            t0 = time.perf_counter()
            bot.check(draft)
            runs.append(time.perf_counter() - t0)
    print(
        f"draft: {len(draft.split())} words, {len(split_claims(draft))} claims; first check {cold:.2f} s; "
        f"warm p50 {statistics.median(runs):.2f} s, max {max(runs):.2f} s over {args.runs} runs"
    )


if __name__ == "__main__":
    main()
