"""Fit the answerability model (assistant/answerability.py) and choose its threshold.

Training data: every question of the shipped release's set and of the unseen *dev* split (never the test
split). For each question the retriever's chunks give candidate sentences; a candidate is a positive when
its quote holds every required fact of an answerable question, and every candidate of an unanswerable
question is a negative. A logistic regression is fitted on the candidates; then, per question, the most
probable admissible candidate (names, codes and figures the question needs present) gives one point, and
the threshold is chosen on the curve of answer accuracy against refusal accuracy, drawn from out-of-fold
probabilities (5 folds by question, so no question judges a model fitted on it): the best answer
accuracy among thresholds that keep every training set's refusal accuracy at min(``--min-refusal``,
its level without the model); the default 1.0 means the model may not cost one refusal.

    .venv/bin/python eval/fit_answerability.py            # writes assistant/data/answerability.json
    .venv/bin/python eval/fit_answerability.py --dry-run  # prints the curve, writes nothing

This is the older hand-made decision's model, which now serves only as the learned path's ``hand`` veto
(docs/reader.md). The trained models' own decision is calibrated by ``eval/calibrate_tiers.py``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
import tempfile
from pathlib import Path

import numpy as np

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from assistant.answering.answerability import (  # noqa: E402
    FEATURES,
    choose_threshold,
    fit,
    tradeoff,
)
from assistant.evaluation.metrics import contains  # noqa: E402
from assistant.evaluation.runner import load_items  # noqa: E402
from assistant.evaluation.sets import eval_sets  # noqa: E402
from assistant.reading.question import analyse  # noqa: E402
from assistant.surfaces.service import Assistant  # noqa: E402


def collect(bot: Assistant, items: list[dict]) -> list[dict]:
    """Per question: its candidates' features, labels and admissibility."""
    kn, retriever, answerer = bot._load()
    out = []
    for item in items:
        q = analyse(kn, item["question"], item.get("history", []))
        if q.defines or not q.terms:
            continue  # definitions are answered from the release's spelled-out forms, not by scoring
        qvec = np.asarray(bot.embeddings.embed_query(q.retrieval_text), dtype=np.float32)
        sources = [item["source"]] if item.get("source") else None
        hits = retriever.search(q.retrieval_text, qvec, sources=sources)
        cands = answerer.candidates(q, hits, qvec)
        answerable = item.get("answerable", True)
        rows = []
        for c in cands:
            quote = kn.slice(c.ref.source, c.ref.start, answerer.list_end(c.ref)) or kn.text(c.ref)
            ok = answerable and all(contains(quote, f) for f in item.get("facts", []))
            admissible = c.specific_ok and (c.has_figure or not q.wants_figure)
            rows.append({"features": c.features, "label": int(ok), "admissible": admissible})
        lexical = [r for r in rows if r["admissible"] and r["features"]["lexical_pass"] == 1.0]
        best_lexical = max(lexical, key=lambda r: r["features"]["lexical_score"], default=None)
        out.append({"id": item["id"], "answerable": answerable, "rows": rows, "lexical": best_lexical})
    return out


def points(
    model, questions: list[dict], oof: dict[str, list[float]] | None = None, lexical: bool = True
) -> list[tuple[float, bool, bool]]:
    """Per question (probability of its best admissible sentence, answerable, that sentence holds the
    answer). ``oof``: out-of-fold probabilities per question id, instead of ``model``'s."""
    pts = []
    for q in questions:
        if lexical and q["lexical"] is not None:  # answered by the strict lexical test at any threshold
            pts.append((1.0, q["answerable"], bool(q["lexical"]["label"])))
            continue
        best = None
        for k, r in enumerate(q["rows"]):
            if r["admissible"]:
                p = oof[q["id"]][k] if oof is not None else model.probability(r["features"])
                if best is None or p > best[0]:
                    best = (p, bool(r["label"]))
        pts.append((best[0], q["answerable"], best[1]) if best else (0.0, q["answerable"], False))
    return pts


def out_of_fold(
    decided: list[dict], c: float, folds: int = 5, features: tuple[str, ...] = FEATURES
) -> dict[str, list[float]]:
    """Each question's candidate probabilities from a model fitted without that question (k folds by
    question): a threshold chosen on in-sample probabilities is optimistic."""
    oof: dict[str, list[float]] = {}
    for k in range(folds):
        train = [q for i, q in enumerate(decided) if i % folds != k]
        held = [q for i, q in enumerate(decided) if i % folds == k]
        m = fit(
            [r["features"] for q in train for r in q["rows"]],
            [r["label"] for q in train for r in q["rows"]],
            c=c,
            features=features,
        )
        for q in held:
            oof[q["id"]] = [m.probability(r["features"]) for r in q["rows"]]
    return oof


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sets", default="shipped,dev", help="training sets (never test)")
    ap.add_argument("--min-refusal", type=float, default=1.0)
    ap.add_argument("--c", type=float, default=1.0, help="inverse L2 strength")
    ap.add_argument("--dry-run", action="store_true")
    args = ap.parse_args()
    sets = eval_sets()
    names = [n for n in args.sets.split(",") if n]
    if any(sets[n].frozen for n in names):
        raise SystemExit("the test split is frozen: never fit on it")
    questions: list[dict] = []
    with tempfile.TemporaryDirectory() as tmp:
        for name in names:
            es = sets[name]
            bot = Assistant(corpus_dir=str(es.corpus_dir), index_dir=str(Path(tmp) / name))
            bot.ingest(progress=False)
            got = collect(bot, load_items(es.qa))
            for q in got:
                q["set"] = name
            questions += got
    # The model decides only the questions the strict lexical test leaves; it is fitted on those.
    decided = [q for q in questions if q["lexical"] is None]
    rows = [r["features"] for q in decided for r in q["rows"]]
    labels = [r["label"] for q in decided for r in q["rows"]]
    model = fit(rows, labels, c=args.c)
    # The threshold is chosen on out-of-fold probabilities, so it is not fitted to the very questions
    # it is judged on; the final model is then fitted on all of them.
    for q in questions:
        q["id"] = f"{q['set']}:{q['id']}"
    oof = out_of_fold(decided, args.c)
    curve = tradeoff(points(model, questions, oof))
    # No set may lose refusal accuracy below min(--min-refusal, its level without the model).
    floors = {}
    per_set = {}
    for name in names:
        per_set[name] = tradeoff(points(model, [q for q in questions if q["set"] == name], oof))
        floors[name] = min(args.min_refusal, per_set[name][-1]["refusal_accuracy"])
    allowed = [
        p
        for i, p in enumerate(curve)
        if all(per_set[n][i]["refusal_accuracy"] >= floors[n] - 1e-9 for n in names)
    ]
    chosen = choose_threshold(allowed, 0.0)
    model.threshold = chosen["threshold"]
    for name in names:
        sub = [q for q in questions if q["set"] == name]
        pts = points(model, sub, oof)
        at = next(p for p in tradeoff(pts) if p["threshold"] == chosen["threshold"])
        print(f"{name}: {len(sub)} questions, at t={chosen['threshold']}: {at}")
    print("chosen:", chosen)
    print(
        "weights:", {k: round(v, 3) for k, v in model.weights.items()}, "intercept", round(model.intercept, 3)
    )
    if args.dry_run:
        return 0
    data = {
        **described(model, names, len(questions), labels, args.min_refusal, args.c),
        "date": dt.date.today().isoformat(),
        "chosen": chosen,
        "refusal_floors": floors,
        "curve": curve,
        "curve_per_set": per_set,
    }
    path = REPO / "assistant" / "data" / "answerability.json"
    path.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {path}")
    return 0


def described(
    model, fitted_on: list[str], questions: int, labels: list[int], min_refusal: float, c: float
) -> dict:
    """The model and how it was fitted, as the JSON file the product loads records it."""
    return {
        "weights": model.weights,
        "intercept": model.intercept,
        "mean": model.mean,
        "scale": model.scale,
        "threshold": model.threshold,
        "features": list(model.features),
        "fitted_on": fitted_on,
        "questions": questions,
        "candidates": len(labels),
        "positives": int(sum(labels)),
        "min_refusal": min_refusal,
        "c": c,
    }


if __name__ == "__main__":
    raise SystemExit(main())
