"""Ablate the learned answer path's hand rules on reader dev: each veto off in turn, both off, and the older
hand decision beside them, on one index; the table goes to ``eval/reader/ablation.json``.

Why: a hand rule stays only where it measurably helps (issue 24). The learned path keeps hand rules only
as vetoes on the answer tier (a veto never hides a passage: a vetoed sentence is still shown in a hedge):
``veto_figure`` (a question asking for a figure is not answered outright by a sentence without one),
``veto_specific`` (nor by one lacking a name, code or figure the question names) and ``veto_hand`` (nor by
one the older hand-made decision, with its lexicon, coverage and requirements, would not answer with).
Each combination of vetoes is read with the threshold calibrated for it (``Calibration.threshold_for``),
so a row without a veto is at the same precision target, not merely missing a filter. The last row is the
hand decision alone.

    .venv/bin/python eval/ablate_learned.py            # ≈4 minutes on 2 cores
    .venv/bin/python eval/ablate_learned.py --set dev  # the small unseen dev split instead
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from assistant.evaluation.runner import ProductSystem, load_items, run_system, source_texts  # noqa: E402
from assistant.evaluation.sets import assemble, eval_sets  # noqa: E402
from assistant.settings import Settings  # noqa: E402

OUT = REPO / "eval" / "reader" / "ablation.json"

L = {"decider": "learned"}
CONFIGS: dict[str, dict] = {
    "learned (all vetoes)": {**L},
    "learned without the figure veto": {**L, "veto_figure": False},
    "learned without the names/codes veto": {**L, "veto_specific": False},
    "learned without the hand veto": {**L, "veto_hand": False},
    "learned without vetoes": {**L, "veto_figure": False, "veto_specific": False, "veto_hand": False},
    "hand decision (the default)": {"decider": "hand"},
}

SHOWN = (
    "answerable_accuracy",
    "facts_shown",
    "answer_precision",
    "refusal_accuracy",
    "tier_answer",
    "tier_hedge",
    "tier_absent",
    "ranked_facts_at_1",
    "ranked_facts_at_3",
    "ranked_facts_at_8",
    "unsupported_number_rate",
    "offset_validity",
    "denies_while_quoting",
    "latency_p50_ms",
)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--set", default="reader-dev", choices=["reader-dev", "dev"])
    ap.add_argument("--only", default="", help="config names to run, separated by ';' (default: all)")
    args = ap.parse_args(argv)
    configs = CONFIGS
    if args.only:
        configs = {k: v for k, v in CONFIGS.items() if k in args.only.split(";")}
    scratch = Path(tempfile.mkdtemp(prefix="assistant-ablate-"))
    table: dict[str, dict] = {}
    try:
        es = assemble(eval_sets()[args.set], scratch / "set")
        items = [i for i in load_items(es.qa) if not i.get("review")]
        base = Settings.from_env().replace(
            corpus_dir=es.corpus_dir, index_dir=scratch / "index", generator="extractive"
        )
        sources = source_texts(base)
        for name, change in configs.items():
            summary = run_system(ProductSystem(base.replace(**change)), items, sources)["summary"]
            table[name] = {k: round(float(summary[k]), 4) for k in SHOWN if k in summary}
            print(name, json.dumps(table[name]), flush=True)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    saved = json.loads(OUT.read_text(encoding="utf-8")) if OUT.exists() else {}
    kept = saved.get(args.set, {}).get("configs", {})  # rows of configs not run this time are kept
    saved[args.set] = {"questions": len(items), "configs": {**kept, **table}}
    OUT.write_text(json.dumps(saved, indent=1) + "\n", encoding="utf-8")
    width = max(len(k) for k in SHOWN)
    print(" " * width + "".join(f"  {n[:22]:>22}" for n in table))
    for k in SHOWN:
        print(f"{k:<{width}}" + "".join(f"  {table[n].get(k, float('nan')):>22.3f}" for n in table))
    return 0


if __name__ == "__main__":
    sys.exit(main())
