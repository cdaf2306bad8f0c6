"""Calibrate the learned answer path's tiers on the decision split (releases neither model was trained on),
never on dev: a logistic model over the cross-encoder's logit and the bi-encoder's cosine, the answer
threshold for answer-tier precision >= 0.95, and the absent floor below which almost no answerable
question falls.

Why a logistic model (Platt scaling, Platt 1999, with the bi-encoder's scores beside the logit: stacking):
the cross-encoder is trained with a class-balanced loss, so its raw sigmoid over-states P(answers); a
logistic fit of "this candidate holds the facts" on held-out releases gives a probability the thresholds
can be read from, and its weights say how much each model adds.

    .venv/bin/python eval/calibrate_tiers.py            # ≈5 minutes: writes assistant/data/cross/calibration.json

Each question of the decision split is asked as the product asks it (its release selected, its history),
and the best candidate after the cross-encoder is recorded with its logit and whether it holds the
annotated facts (``y``); unanswerable questions have ``y = 0``.
"""

from __future__ import annotations

import json
import shutil
import sys
import tempfile
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from assistant.answering.learned import CALIBRATION_FILE, FEATURES, Calibration  # noqa: E402
from assistant.evaluation.metrics import contains  # noqa: E402
from assistant.evaluation.runner import load_items  # noqa: E402
from assistant.evaluation.sets import assemble, eval_sets  # noqa: E402
from assistant.reading.question import analyse  # noqa: E402
from assistant.settings import Settings  # noqa: E402
from assistant.surfaces.service import Assistant  # noqa: E402

#: Answer-tier precision the threshold is chosen for (issue 24).
PRECISION = 0.95
#: Share of answerable questions allowed below the absent floor.
ABSENT_MISS = 0.02


def candidate_rows(set_name: str = "reader-decision", settings: Settings | None = None) -> list[dict]:
    """Every candidate the cross-encoder reads for every question of the split, with its features, whether
    it holds the annotated facts (``y``; 0 for an unanswerable question) and the veto it meets."""
    from tqdm import tqdm

    scratch = Path(tempfile.mkdtemp(prefix="assistant-calibrate-"))
    try:
        es = assemble(eval_sets()[set_name], scratch / "set")
        s = (settings or Settings.from_env()).replace(
            corpus_dir=es.corpus_dir, index_dir=scratch / "index", decider="learned"
        )
        bot = Assistant(s)
        bot.ensure_index(progress=False)
        kn, retriever, extractive = bot._load_or_build()
        answerer = bot.answerer(kn, extractive)
        rows = []
        for item in tqdm(load_items(es.qa), desc=f"asking {set_name}", mininterval=5):
            q = analyse(kn, item["question"], item.get("history", []))
            qvec = np.asarray(bot.embeddings.embed_query(q.retrieval_text), dtype=np.float32)
            hits = retriever.search(q.retrieval_text, qvec, sources=[item["source"]])
            ranked = answerer.candidates(q, hits)
            read = answerer.read(q, ranked)
            hand = answerer.hand_spans(q, hits, qvec) if read else None
            answerable = item.get("answerable", True) is not False
            for c, features in zip(read, answerer.feature_rows(read, ranked), strict=True):
                text = kn.text(c.ref)
                rows.append(
                    {
                        "id": item["id"],
                        "features": features,
                        "y": int(answerable and all(contains(text, f) for f in item.get("facts", []))),
                        "answerable": answerable,
                        "vetoes": answerer.vetoes(q, c, hand),
                    }
                )
        return rows
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _vetoed(row: dict, enabled: tuple[str, ...] | None) -> bool:
    """Whether an enabled veto objects to the row (rows of old files carry one ``vetoed`` reason)."""
    if "vetoes" not in row or enabled is None:
        return bool(row.get("vetoed")) or any(row.get("vetoes", {}).values())
    return any(row["vetoes"].get(v, False) for v in enabled)


def threshold_for(pb: np.ndarray, yb: np.ndarray, allowed: np.ndarray) -> float:
    """The lowest probability at which the allowed replies above it (at least 20) reach ``PRECISION``."""
    for t in sorted(set(np.round(pb, 4).tolist())):
        sel = (pb >= t) & allowed
        if sel.sum() >= 20 and yb[sel].mean() >= PRECISION:
            return float(t)
    return 1.0


def fit(rows: list[dict], enabled: tuple[str, ...] | None = None) -> dict:
    """The logistic model over candidates, then the thresholds, read off each question's best candidate:
    the answer threshold for the ``enabled`` vetoes (all the rows name when None), and one for every
    combination of them."""
    from itertools import combinations

    from scipy.optimize import minimize

    x = np.array([r["features"] for r in rows], dtype=np.float64)
    y = np.array([r["y"] for r in rows], dtype=np.float64)
    mu, sd = x.mean(axis=0), x.std(axis=0) + 1e-9
    xs = (x - mu) / sd

    def nll(w):
        z = xs @ w[:-1] + w[-1]
        return float(np.sum(np.logaddexp(0, z) - y * z)) + 1e-2 * float(w[:-1] @ w[:-1])

    w = minimize(nll, np.zeros(x.shape[1] + 1), method="L-BFGS-B").x
    weights = w[:-1] / sd
    bias = float(w[-1] - (w[:-1] * mu / sd).sum())
    cal = Calibration(tuple(weights.tolist()), bias)
    p = cal.probability(x)
    best: dict[str, int] = {}
    for i, r in enumerate(rows):
        if r["id"] not in best or p[i] > p[best[r["id"]]]:
            best[r["id"]] = i
    idx = np.array(list(best.values()))
    pb, yb = p[idx], y[idx]
    allowed = np.array([not _vetoed(rows[i], enabled) for i in idx])
    answerable = np.array([rows[i]["answerable"] for i in idx])
    threshold = threshold_for(pb, yb, allowed)
    names = sorted({v for r in rows for v in r.get("vetoes", {})})
    by_vetoes, tiers = {}, {}
    for n in range(len(names) + 1):
        for combo in combinations(names, n):
            ok = np.array([not _vetoed(rows[i], combo) for i in idx])
            t = by_vetoes["+".join(combo)] = threshold_for(pb, yb, ok)
            chosen = (pb >= t) & ok
            tiers["+".join(combo)] = {
                "share": round(float(chosen.mean()), 4),
                "precision": round(float(yb[chosen].mean()) if chosen.any() else 1.0, 4),
            }
    ap = np.sort(pb[answerable])
    absent = float(ap[int(ABSENT_MISS * len(ap))]) if len(ap) else 0.0
    absent = min(absent, threshold)  # an answer-tier probability is never "nothing near the question"
    sel = (pb >= threshold) & allowed
    return {
        "features": list(FEATURES),
        "weights": {f: round(float(v), 6) for f, v in zip(FEATURES, weights, strict=True)},
        "bias": round(bias, 6),
        "answer_threshold": round(threshold, 4),
        "answer_threshold_by_vetoes": {k: round(v, 4) for k, v in by_vetoes.items()},
        "answer_tier_by_vetoes": tiers,
        "absent_threshold": round(absent, 4),
        "decision_questions": len(idx),
        "answer_tier_share": round(float(sel.mean()), 4),
        "answer_tier_precision": round(float(yb[sel].mean()) if sel.any() else 1.0, 4),
        "best_candidate_answers": round(float(yb[answerable].mean()), 4),
        "absent_share_of_unanswerable": round(float(np.mean(pb[~answerable] < absent)), 4),
    }


def main(argv: list[str] | None = None) -> int:
    import argparse

    from assistant.answering.cross import CrossReader

    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--save-rows", default="", help="also write the candidate rows to this JSON file")
    ap.add_argument("--from-rows", default="", help="fit on rows saved earlier instead of asking again")
    ap.add_argument("--dry-run", action="store_true", help="print the fit, write no calibration file")
    args = ap.parse_args(argv)
    if args.from_rows:
        rows = json.loads(Path(args.from_rows).read_text(encoding="utf-8"))
    else:
        rows = candidate_rows()
    if args.save_rows:
        Path(args.save_rows).write_text(json.dumps(rows), encoding="utf-8")
    result = fit(rows)
    result["cross_weights_sha256"] = CrossReader.load().name
    result["command"] = "eval/calibrate_tiers.py"
    print(json.dumps(result, indent=1))
    if not args.dry_run:
        CALIBRATION_FILE.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
