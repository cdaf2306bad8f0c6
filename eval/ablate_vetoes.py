"""The vetoes' ablation at several precision targets, from saved candidate rows: each combination of vetoes
gets the threshold that reaches the target on the decision split, and is scored with it on reader dev.

Why beside ``ablate_learned.py``: at the shipped target (answer-tier precision 0.95) a model may reach the
target with no answer at all, and then every veto's row is the same; this shows what each veto does at the
operating points the models do reach, without asking every question again.

    .venv/bin/python eval/calibrate_tiers.py --save-rows decision.json --dry-run
    .venv/bin/python eval/ablate_vetoes.py decision.json dev.json      # rows of reader dev, saved the same way
"""

from __future__ import annotations

import json
import sys
from itertools import combinations
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "eval"))

from calibrate_tiers import _vetoed, fit  # noqa: E402

from assistant.answering.learned import FEATURES, Calibration  # noqa: E402

TARGETS = (0.95, 0.90, 0.80)


def best_rows(rows: list[dict], cal: Calibration) -> tuple[np.ndarray, list[dict]]:
    """Each question's most probable candidate, and its probability."""
    p = cal.probability(np.array([r["features"] for r in rows]))
    best: dict[str, int] = {}
    for i, r in enumerate(rows):
        if r["id"] not in best or p[i] > p[best[r["id"]]]:
            best[r["id"]] = i
    idx = list(best.values())
    return p[idx], [rows[i] for i in idx]


def threshold(pb: np.ndarray, best: list[dict], combo: tuple[str, ...], target: float) -> float:
    ok = np.array([not _vetoed(r, combo) for r in best])
    y = np.array([r["y"] for r in best])
    for t in sorted(set(np.round(pb, 4).tolist())):
        sel = (pb >= t) & ok
        if sel.sum() >= 20 and y[sel].mean() >= target:
            return float(t)
    return 1.01


def score(pb: np.ndarray, best: list[dict], combo: tuple[str, ...], t: float) -> dict:
    ok = np.array([not _vetoed(r, combo) for r in best])
    y = np.array([r["y"] for r in best])
    ans = np.array([r["answerable"] for r in best])
    sel = (pb >= t) & ok
    return {
        "answered_with_facts": round(float((sel & (y == 1)).sum() / max(1, ans.sum())), 4),
        "answer_precision": round(float(y[sel].mean()) if sel.any() else 1.0, 4),
        "answer_share": round(float(sel.mean()), 4),
        "unanswerable_not_answered": round(float(1 - sel[~ans].mean()) if (~ans).any() else 1.0, 4),
    }


def main(argv: list[str]) -> int:
    decision = json.loads(Path(argv[0]).read_text(encoding="utf-8"))
    dev = json.loads(Path(argv[1]).read_text(encoding="utf-8"))
    got = fit(decision)
    cal = Calibration(tuple(got["weights"][f] for f in FEATURES), got["bias"])
    pd, bd = best_rows(decision, cal)
    pv, bv = best_rows(dev, cal)
    names = sorted({v for r in decision for v in r.get("vetoes", {})})
    out: dict[str, dict] = {}
    for target in TARGETS:
        for n in range(len(names) + 1):
            for combo in combinations(names, n):
                t = threshold(pd, bd, combo, target)
                key = f"precision {target:.2f} · vetoes: {'+'.join(combo) or 'none'}"
                out[key] = {"threshold": round(t, 4), **score(pv, bv, combo, t)}
                print(key, json.dumps(out[key]))
    target = REPO / "eval" / "reader" / "ablation.json"
    saved = json.loads(target.read_text(encoding="utf-8")) if target.exists() else {}
    saved["vetoes at precision targets (reader dev, thresholds from the decision split)"] = out
    target.write_text(json.dumps(saved, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
