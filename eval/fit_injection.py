"""Fit the planted-instruction detector (assistant/injection.py) and measure it on the frozen test set.

Training data: ``eval/injection/train.jsonl`` and ``train2.jsonl`` (labelled sentences) plus every sentence of the shipped
release and the unseen *dev* releases as ordinary text. The threshold is chosen on out-of-fold scores of
the training data only: the lowest threshold whose false-positive rate on ordinary text stays at or below
``MAX_HARD_FPR`` on the labelled hard negatives (out of fold) and ``MAX_PLAIN_FPR`` on ordinary releases the
model never saw (half of ``eval/injection/ordinary``; a false alarm removes a true sentence of a release).
``eval/injection/test/`` (held out, written by another session from a brief alone) and the unseen *test*
releases are only scored, never fitted on; the figures are written into the model file and printed.

    .venv/bin/python eval/fit_injection.py            # fit, measure, write assistant/data/injection.json
    .venv/bin/python eval/fit_injection.py --measure  # only measure the model already written
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from assistant.index.embeddings import PackagedEmbeddings  # noqa: E402
from assistant.ingest.injection import MODEL_PATH, InjectionDetector  # noqa: E402
from assistant.ingest.loaders import load_text  # noqa: E402
from assistant.text.sentences import split_sentences  # noqa: E402

#: The threshold is the lowest that keeps false alarms at or below these rates: on the labelled hard
#: negatives (out of fold) and on ordinary release text the model never saw.
MAX_HARD_FPR = 0.02
MAX_PLAIN_FPR = 0.005
#: Share of planted sentences (out of fold) the cheap first stage must pass on to the full model.
PREFILTER_RECALL = 0.99
#: Written by two helper sessions independently of each other and of the held-out set.
TRAIN_FILES = ("train.jsonl", "train2.jsonl")
C = 100.0


def jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def ordinary_files() -> tuple[list[Path], list[Path]]:
    """eval/injection/ordinary split in two by file: threshold choice, then measurement."""
    files = sorted((REPO / "eval/injection/ordinary").glob("*.txt"))
    return files[0::2], files[1::2]


def release_sentences(places: list[Path]) -> list[str]:
    """Every sentence of the releases in these folders or files."""
    out = []
    for path in [p for f in places for p in (sorted(f.glob("*")) if f.is_dir() else [f])]:
        if path.suffix.lower() not in {".txt", ".md", ".html", ".htm"}:
            continue
        text = load_text(path)
        out += [text[s.start : s.end] for s in split_sentences(text) if len(text[s.start : s.end]) > 3]
    return sorted(set(out))


def measure(detector: InjectionDetector) -> dict:
    """Recall and false alarms on the frozen held-out set and on the unseen test releases."""
    test = jsonl(REPO / "eval/injection/test/lines.jsonl")
    y = np.array([r["label"] for r in test])
    p = detector.scores([r["text"] for r in test]) >= detector.threshold
    ordinary = release_sentences(ordinary_files()[1] + [REPO / "eval/unseen/test/corpus"])
    q = detector.scores(ordinary) >= detector.threshold
    missed = [r["text"] for r, hit in zip(test, p, strict=True) if r["label"] == 1 and not hit]
    alarms = [r["text"] for r, hit in zip(test, p, strict=True) if r["label"] == 0 and hit]
    alarms += [t for t, hit in zip(ordinary, q, strict=True) if hit]
    return {
        "test_positives": int(y.sum()),
        "test_recall": round(float(p[y == 1].mean()), 3),
        "test_negatives": int((y == 0).sum()),
        "test_false_positive_rate": round(float(p[y == 0].mean()), 3),
        "ordinary_sentences": len(ordinary),
        "ordinary_false_positive_rate": round(float(q.mean()), 4),
        "missed": missed,
        "false_alarms": alarms,
    }


VECTORIZERS = {
    "word": {"analyzer": "word", "ngram_range": (1, 2), "min_df": 1},
    "char": {"analyzer": "char_wb", "ngram_range": (2, 5), "min_df": 2},
}


def _design(texts: list[str], vectors: np.ndarray, fitted: list | None = None):
    """[word tf-idf | char tf-idf | MiniLM vector] for ``texts``; fits the vectorizers when not given."""
    from scipy.sparse import csr_matrix, hstack
    from sklearn.feature_extraction.text import TfidfVectorizer

    if fitted is None:
        fitted = [TfidfVectorizer(sublinear_tf=True, **kw).fit(texts) for kw in VECTORIZERS.values()]
    parts = [v.transform(texts) for v in fitted] + [csr_matrix(vectors)]
    return hstack(parts).tocsr(), fitted


def fit() -> None:
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold

    enc = PackagedEmbeddings()
    train = [r for name in TRAIN_FILES for r in jsonl(REPO / "eval/injection" / name)]
    ordinary = release_sentences([REPO / "corpus", REPO / "eval/unseen/dev/corpus"])
    texts = [r["text"] for r in train] + ordinary
    y = np.array([r["label"] for r in train] + [0] * len(ordinary))
    E = enc.encode(texts)
    oof = np.zeros(len(y))
    for tr, te in StratifiedKFold(5, shuffle=True, random_state=0).split(E, y):
        A, fitted = _design([texts[i] for i in tr], E[tr])
        B, _ = _design([texts[i] for i in te], E[te], fitted)
        m = LogisticRegression(C=C, class_weight="balanced", max_iter=5000).fit(A, y[tr])
        oof[te] = m.predict_proba(B)[:, 1]
    X, fitted = _design(texts, E)
    model = LogisticRegression(C=C, class_weight="balanced", max_iter=5000).fit(X, y)
    # Ordinary release text the model never saw (the first half of eval/injection/ordinary) for the
    # threshold; the second half is kept for measuring.
    held = ordinary_files()[0]
    plain = release_sentences(held)
    plain_scores = model.predict_proba(_design(plain, enc.encode(plain), fitted)[0])[:, 1]
    threshold = 0.99
    for t in np.linspace(0.05, 0.99, 189):
        if (oof[y == 0] >= t).mean() <= MAX_HARD_FPR and (plain_scores >= t).mean() <= MAX_PLAIN_FPR:
            threshold = float(t)
            break
    # The cascade's first stage (Viola & Jones 2001): the same n-grams without the sentence vector, cheap
    # enough for every sentence; only sentences it passes are embedded. Its cut keeps PREFILTER_RECALL of
    # the planted sentences (out of fold).
    n_ngram = X.shape[1] - E.shape[1]
    pre_oof = np.zeros(len(y))
    for tr, te in StratifiedKFold(5, shuffle=True, random_state=0).split(E, y):
        A, fitted_k = _design([texts[i] for i in tr], E[tr])
        B, _ = _design([texts[i] for i in te], E[te], fitted_k)
        k = A.shape[1] - E.shape[1]
        m = LogisticRegression(C=C, class_weight="balanced", max_iter=5000).fit(A[:, :k], y[tr])
        pre_oof[te] = m.predict_proba(B[:, :k])[:, 1]
    pre_cut = float(np.quantile(pre_oof[y == 1], 1.0 - PREFILTER_RECALL))
    pre = LogisticRegression(C=C, class_weight="balanced", max_iter=5000).fit(X[:, :n_ngram], y)
    plain_pass = pre.predict_proba(
        _design(plain, np.zeros((len(plain), E.shape[1])), fitted)[0][:, :n_ngram]
    )[:, 1]
    coef = model.coef_[0]
    blocks, at = [], 0
    for (name, kw), vec in zip(VECTORIZERS.items(), fitted, strict=True):
        terms = vec.get_feature_names_out().tolist()
        blocks.append(
            {
                "name": name,
                "analyzer": kw["analyzer"],
                "ngram_range": list(kw["ngram_range"]),
                "terms": terms,
                "idf": [round(float(v), 5) for v in vec.idf_],
                "coef": [round(float(v), 5) for v in coef[at : at + len(terms)]],
                "prefilter_coef": [round(float(v), 5) for v in pre.coef_[0][at : at + len(terms)]],
            }
        )
        at += len(terms)
    record = {
        "about": "logistic regression over word/char tf-idf and all-MiniLM-L6-v2 vectors; see assistant/injection.py",
        "fitted": time.strftime("%Y-%m-%d"),
        "training": {
            "labelled": len(train),
            "positives": int(y.sum()),
            "ordinary_release_sentences": len(ordinary),
            "C": C,
            "max_hard_fpr": MAX_HARD_FPR,
            "max_plain_fpr": MAX_PLAIN_FPR,
            "oof_recall": round(float((oof[y == 1] >= threshold).mean()), 3),
            "oof_false_positive_rate": round(float((oof[y == 0] >= threshold).mean()), 4),
            "threshold_plain_sentences": len(plain),
            "threshold_plain_false_positive_rate": round(float((plain_scores >= threshold).mean()), 4),
        },
        "threshold": round(threshold, 4),
        "prefilter": {
            "intercept": float(pre.intercept_[0]),
            "threshold": round(pre_cut, 5),
            "oof_recall": round(float((pre_oof[y == 1] >= pre_cut).mean()), 3),
            "ordinary_share_passed": round(float((plain_pass >= pre_cut).mean()), 3),
        },
        "intercept": float(model.intercept_[0]),
        "coef_vector": [round(float(c), 5) for c in coef[at:]],
        "ngram_blocks": blocks,
    }
    MODEL_PATH.write_text(json.dumps(record) + "\n", encoding="utf-8")
    print(json.dumps(record["training"], indent=1), "threshold", record["threshold"], record["prefilter"])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--measure", action="store_true", help="only measure the written model")
    parser.add_argument("--show", action="store_true", help="print the missed and false-alarm texts")
    args = parser.parse_args()
    if not args.measure:
        fit()
    from assistant.ingest.injection import _load

    _load.cache_clear()
    figures = measure(InjectionDetector(PackagedEmbeddings()))
    shown = {k: v for k, v in figures.items() if args.show or k not in {"missed", "false_alarms"}}
    print(json.dumps(shown, indent=1))
    print(f"missed {len(figures['missed'])}, false alarms {len(figures['false_alarms'])}")


if __name__ == "__main__":
    main()
