"""How long a fact sheet takes (issue 25's target: one release in at most 1 s warm, on 2 cores).

Prints: the parser's load, one release read from its text (parser loaded, nothing cached), the same from
the in-memory cache, and from the on-disk cache in a new process's FactSheet; then ``Assistant.facts`` warm.
Not part of the test run.

    .venv/bin/python eval/bench_facts.py [--runs 10]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from assistant import Assistant  # noqa: E402
from assistant.facts.measures import load_parser  # noqa: E402
from assistant.facts.sheet import FactSheet  # noqa: E402

RELEASE = REPO / "corpus" / "ipsen-cabometyx-chmp-net-2025-06-20.txt"


def timed(fn, runs: int) -> list[float]:
    out = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t0)
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    text = RELEASE.read_text(encoding="utf-8")
    t0 = time.perf_counter()
    load_parser()
    load = time.perf_counter() - t0
    read = timed(lambda: FactSheet().run(RELEASE.name, text), args.runs)
    sheet = FactSheet()
    rows = sheet.run(RELEASE.name, text)
    memory = timed(lambda: sheet.run(RELEASE.name, text), args.runs)
    with tempfile.TemporaryDirectory() as tmp:
        FactSheet(Path(tmp)).run(RELEASE.name, text)
        disk = timed(lambda: FactSheet(Path(tmp)).run(RELEASE.name, text), args.runs)
        bot = Assistant(index_dir=str(Path(tmp) / "idx"))
        bot.ingest(progress=False)
        bot.facts()
        served = timed(bot.facts, args.runs)
    print(f"release: {len(text)} characters, {len(rows)} rows; parser load {load:.2f} s (once per process)")
    print(f"read from the text (parser loaded): p50 {statistics.median(read):.3f} s, max {max(read):.3f} s")
    print(
        f"cached in memory: p50 {statistics.median(memory) * 1000:.2f} ms; on disk: p50 {statistics.median(disk) * 1000:.2f} ms"
    )
    print(
        f"Assistant.facts() warm, every release: p50 {statistics.median(served) * 1000:.1f} ms over {args.runs} runs"
    )


if __name__ == "__main__":
    main()
