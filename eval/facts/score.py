"""Score the fact sheet against the annotators' labels: ``python eval/facts/score.py [--split dev|test]``.

Prints aggregates only. Scoring the frozen ``test`` split appends one line to ``eval/facts/scored.log``
(commit, date, aggregates): it is scored at most twice per issue (before and after), never tuned on.
``--relabel`` scores the blind re-label of ``eval/facts/relabel/`` against the first labels with the same
matching, which is how far two annotators agree.
"""

from __future__ import annotations

import argparse
import datetime
import json
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from assistant.evaluation.facts_eval import ROOT, SheetScore, load  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--split", default="dev", choices=["dev", "test"])
    ap.add_argument("--relabel", action="store_true", help="annotator agreement: re-label vs first labels")
    args = ap.parse_args(argv)
    if args.relabel:
        relabel = ROOT / "relabel"
        second = [
            json.loads(x) for x in (relabel / "figures.jsonl").read_text(encoding="utf-8").splitlines() if x
        ]
        first = {r.name: r for r in load("all")}
        score = SheetScore()
        for name in sorted({r["source"] for r in second}):
            rel = first[name]
            if rel.figures:  # a release the first annotator labelled in full
                score.add([r for r in second if r["source"] == name], rel.figures, rel.text)
        print(json.dumps({"agreement": score.report()}, indent=1))
        return 0
    from assistant.facts.sheet import FactSheet

    sheet = FactSheet()
    releases = [r for r in load(args.split) if r.figures]
    score = SheetScore()
    started = time.perf_counter()
    for rel in releases:
        score.add([x.to_dict() for x in sheet.run(rel.name, rel.text)], rel.figures, rel.text)
    report = score.report() | {
        "releases": len(releases),
        "seconds_per_release_cold": round((time.perf_counter() - started) / max(len(releases), 1), 3),
    }
    warm = time.perf_counter()
    for rel in releases:
        sheet.run(rel.name, rel.text)
    report["seconds_per_release_warm"] = round((time.perf_counter() - warm) / max(len(releases), 1), 4)
    print(json.dumps({args.split: report}, indent=1))
    if args.split == "test":
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=REPO
        )
        line = {
            "when": datetime.datetime.now().isoformat(timespec="seconds"),
            "commit": commit.stdout.strip(),
        }
        with (ROOT / "scored.log").open("a", encoding="utf-8") as f:
            f.write(json.dumps(line | report) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
