"""Benchmark: cost vs corpus size, embedded and server Chroma, product vs tutorial baseline.

    .venv/bin/python eval/bench.py [--sizes 1,100,1000,10000] [--modes embedded,server] [--out eval/bench-out]
        [--label after] [--workers N] [--index-of LABEL]

Before/after: ``--label`` names the code under test (a row is keyed by size, mode and label). To measure
an older commit the same day, check it out in a worktree and run this script with ``PYTHONPATH`` pointing
at it: the children and the cold ``assistant ask`` then import that code. ``--index-of after`` measures
start-up and answers on the index another label built (for a size whose ingest is too long to repeat).

For each size it writes that many generated variants of the shipped release (new names, figures, dates;
see assistant/evaluation/variants.py) and measures, on this machine:
  - ingest: wall time, chunks/s, peak RSS (in a child process, so the figure is the ingest's own);
  - cold start to first answer: `assistant ask` in a fresh process on the built index;
  - warm retrieval and answer latency p50/p95 over questions naming random variants, and how often the
    answer holds that variant's own figure (retrieval must discriminate between near-identical releases),
    in a child process whose peak RSS is the answering process's own;
  - the tutorial baseline (1000/200 chunks, Chroma, top-4) ingest and query, at sizes up to --baseline-max.
Results: bench.md (table), bench.json, bench.png. Not part of the test run.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import socket
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
RELEASE = next((REPO / "corpus").glob("*.txt"))
BIN = Path(sys.executable).parent


def child_ingest(corpus: str, index: str, chroma_url: str) -> None:
    from assistant import Assistant

    t0 = time.perf_counter()
    bot = Assistant(corpus_dir=corpus, index_dir=index, chroma_url=chroma_url or None)
    bot.embeddings.encode(["load the model"])  # loaded lazily: its load is not ingest time
    load = time.perf_counter() - t0
    report = bot.ingest(progress=False)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        json.dumps(
            {
                "seconds": report.seconds,
                "model_load_s": load,
                "chunks": report.chunks,
                "embedded": report.embedded,
                "peak_rss_mb": peak_mb,
            }
        )
    )


def run_child(args: list[str], env: dict | None = None) -> dict:
    out = subprocess.run(
        [sys.executable, __file__, *args],
        capture_output=True,
        text=True,
        env=env,
        check=True,
        timeout=4 * 3600,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def percentile(values: list[float], q: float) -> float:
    import numpy as np

    return float(np.percentile(values, q)) if values else float("nan")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(path: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    proc = subprocess.Popen(
        [str(BIN / "chroma"), "run", "--path", str(path), "--port", str(port), "--host", "127.0.0.1"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(150):
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return proc, f"http://127.0.0.1:{port}"
        time.sleep(0.2)
    proc.kill()
    raise RuntimeError("chroma run did not start")


def warm(corpus: Path, index: Path, chroma_url: str, metas: list[dict], n_questions: int) -> dict:
    import numpy as np

    from assistant import Assistant

    t0 = time.perf_counter()
    bot = Assistant(corpus_dir=str(corpus), index_dir=str(index), chroma_url=chroma_url or None)
    bot.knowledge  # noqa: B018 - load the index (BM25, lexicon) before timing queries
    load_s = time.perf_counter() - t0
    bot.ask("What was the median PFS in the pNET cohort?")  # warm: models used by a first answer are loaded
    rng = random.Random(7)
    retrieval, answer, right = [], [], 0
    for _ in range(n_questions):
        m = rng.choice(metas)
        q = f"What was the median PFS with {m['brand']} in the pNET cohort?"
        vec = np.asarray(bot.embeddings.embed_query(q), dtype=np.float32)
        t = time.perf_counter()
        bot.retriever.search(q, vec)
        retrieval.append((time.perf_counter() - t) * 1000)
        t = time.perf_counter()
        a = bot.ask(q)
        answer.append((time.perf_counter() - t) * 1000)
        right += int(f"median PFS was {m['fig:13.8']} months for {m['brand']}" in a.text)
    return {
        "index_load_s": load_s,
        "retrieval_p50_ms": percentile(retrieval, 50),
        "retrieval_p95_ms": percentile(retrieval, 95),
        "answer_p50_ms": percentile(answer, 50),
        "answer_p95_ms": percentile(answer, 95),
        "right_release_share": right / max(1, n_questions),
        "answer_peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def child_warm(corpus: str, index: str, chroma_url: str, metas_file: str, n_questions: int) -> None:
    metas = json.loads(Path(metas_file).read_text())
    print(json.dumps(warm(Path(corpus), Path(index), chroma_url, metas, n_questions)))


def cold(corpus: Path, index: Path, chroma_url: str, question: str) -> float:
    env = {**os.environ, "ASSISTANT_CORPUS_DIR": str(corpus), "ASSISTANT_INDEX_DIR": str(index)}
    if chroma_url:
        env["ASSISTANT_CHROMA_URL"] = chroma_url
    t = time.perf_counter()
    subprocess.run(
        [str(BIN / "assistant"), "ask", question, "--json"],
        env=env,
        check=True,
        capture_output=True,
        timeout=3600,
    )
    return time.perf_counter() - t


def baseline(corpus: Path, metas: list[dict], n_questions: int) -> dict:
    from assistant.evaluation.baseline import TutorialBaseline
    from assistant.index.embeddings import PackagedEmbeddings
    from assistant.settings import Settings

    t0 = time.perf_counter()
    b = TutorialBaseline(Settings.from_env(corpus_dir=str(corpus)), PackagedEmbeddings())
    ingest_s = time.perf_counter() - t0
    rng = random.Random(7)
    lat, right = [], 0
    for _ in range(n_questions):
        m = rng.choice(metas)
        q = f"What was the median PFS with {m['brand']} in the pNET cohort?"
        t = time.perf_counter()
        out = b.ask(q)
        lat.append((time.perf_counter() - t) * 1000)
        right += int(f"median PFS was {m['fig:13.8']} months for {m['brand']}" in out["text"])
    return {
        "ingest_s": ingest_s,
        "answer_p50_ms": percentile(lat, 50),
        "answer_p95_ms": percentile(lat, 95),
        "right_release_share": right / max(1, n_questions),
    }


def generator_bench(n_questions: int) -> dict:
    """The local GGUF generator: tokens/s and warm answer latency on the project's own answerable questions."""
    from assistant import Assistant

    items = [json.loads(x) for x in (REPO / "eval" / "qa.jsonl").read_text().splitlines() if x.strip()]
    questions = [i["question"] for i in items if i.get("answerable", True) and not i.get("history")][
        :n_questions
    ]
    bot = Assistant(
        generator="local", index_dir=str(Path(os.environ.get("ASSISTANT_INDEX_DIR", REPO / ".index")))
    )
    bot.ask(questions[0])  # load the model and the index
    lat, toks, gen_s = [], 0, 0.0
    for q in questions:
        t = time.perf_counter()
        a = bot.ask(q)
        lat.append((time.perf_counter() - t) * 1000)
        if a.guard:
            toks += a.guard.get("stream_chunks", 0)
            gen_s += a.guard.get("generation_s", 0.0)
    return {
        "generator": "local",
        "questions": len(questions),
        "tokens_per_s": toks / gen_s if gen_s else 0.0,
        "answer_p50_ms": percentile(lat, 50),
        "answer_p95_ms": percentile(lat, 95),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="1,100,1000,10000")
    ap.add_argument("--modes", default="embedded,server")
    ap.add_argument("--out", default=str(REPO / "eval" / "bench-out"))
    ap.add_argument("--workdir", default="/tmp/assistant-bench")
    ap.add_argument("--questions", type=int, default=50)
    ap.add_argument("--baseline-max", type=int, default=1000)
    ap.add_argument(
        "--backend", default="", help="embedding backend for this run: torch (default) or onnx-int8"
    )
    ap.add_argument("--report-only", action="store_true", help="redraw bench.md/png from bench.json")
    ap.add_argument("--generator", action="store_true", help="benchmark the local generator instead")
    ap.add_argument("--child", help=argparse.SUPPRESS)
    ap.add_argument("--corpus", help=argparse.SUPPRESS)
    ap.add_argument("--index", help=argparse.SUPPRESS)
    ap.add_argument("--chroma-url", default="", help=argparse.SUPPRESS)
    ap.add_argument("--metas", help=argparse.SUPPRESS)
    ap.add_argument("--label", default="after", help="names the code measured: before, after, ...")
    ap.add_argument("--workers", type=int, default=1, help="ingest processes (ASSISTANT_INGEST_WORKERS)")
    ap.add_argument("--index-of", default="", help="reuse the index another label built; skip ingest")
    args = ap.parse_args()
    if args.child == "ingest":
        child_ingest(args.corpus, args.index, args.chroma_url)
        return
    if args.child == "warm":
        child_warm(args.corpus, args.index, args.chroma_url, args.metas, args.questions)
        return
    if args.report_only:
        write_report(Path(args.out), json.loads((Path(args.out) / "bench.json").read_text())["rows"])
        return
    if args.generator:
        result = generator_bench(args.questions)
        print(json.dumps(result))
        Path(args.out).mkdir(parents=True, exist_ok=True)
        (Path(args.out) / "generator.json").write_text(json.dumps(result, indent=2))
        return

    from assistant.evaluation.variants import write_corpus

    if args.backend:  # the children read it through Settings.from_env
        os.environ["ASSISTANT_EMBEDDING_BACKEND"] = args.backend
    os.environ["ASSISTANT_INGEST_WORKERS"] = str(args.workers)
    backend = os.environ.get("ASSISTANT_EMBEDDING_BACKEND", "torch")
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    work = Path(args.workdir)
    json_path = out / "bench.json"
    # Runs add to one table: a row is replaced only by a new measurement of the same size and mode.
    rows = json.loads(json_path.read_text())["rows"] if json_path.exists() else []

    def keep(row: dict) -> None:
        row.setdefault("label", args.label)
        row["date"] = time.strftime("%Y-%m-%d")
        key = (row["releases"], row["mode"], row["label"])
        rows[:] = [r for r in rows if (r["releases"], r["mode"], r.get("label", "")) != key]
        rows.append(row)
        rows.sort(key=lambda r: (r["releases"], r["mode"], r.get("label", "")))
        print(json.dumps(row), flush=True)
        json_path.write_text(json.dumps({"rows": rows}, indent=2))
        write_report(out, rows)

    for size in [int(s) for s in args.sizes.split(",")]:
        corpus = work / f"corpus-{size}"
        metas_file = work / f"corpus-{size}.json"
        if not metas_file.exists():
            metas = write_corpus(RELEASE, corpus, size)
            metas_file.write_text(json.dumps(metas))
        metas = json.loads(metas_file.read_text())
        for mode in [m for m in args.modes.split(",") if m]:  # --modes "" runs only the baseline
            index = work / f"index-{args.index_of or args.label}-{mode}-{backend}-{size}"
            server = None
            url = ""
            if mode == "server":
                server, url = start_server(work / f"server-{args.index_of or args.label}-{backend}-{size}")
            try:
                workers = f", {args.workers} workers" if args.workers > 1 else ""
                row = {"releases": size, "mode": f"{mode} ({backend}{workers})"}
                if not args.index_of:
                    where = ["--corpus", str(corpus), "--index", str(index), "--chroma-url", url]
                    ing = run_child(["--child", "ingest", *where])
                    row.update(
                        {
                            "ingest_s": ing["seconds"],
                            "chunks": ing["chunks"],
                            "embedded": ing["embedded"],
                            "chunks_per_s": ing["embedded"] / ing["seconds"]
                            if ing["embedded"]
                            else float("nan"),
                            "ingest_peak_rss_mb": ing["peak_rss_mb"],
                        }
                    )
                row["cold_first_answer_s"] = cold(
                    corpus, index, url, "What was the median PFS in the pNET cohort?"
                )
                where = ["--corpus", str(corpus), "--index", str(index), "--chroma-url", url]
                asked = ["--metas", str(metas_file), "--questions", str(args.questions)]
                row.update(run_child(["--child", "warm", *where, *asked]))
            finally:
                if server is not None:
                    server.kill()
            keep(row)
        if size <= args.baseline_max:
            keep(
                {
                    "releases": size,
                    "mode": "baseline (tutorial)",
                    "label": "",
                    **baseline(corpus, metas, args.questions),
                }
            )


def write_report(out: Path, rows: list[dict]) -> None:
    keys = [
        "releases",
        "mode",
        "label",
        "date",
        "chunks",
        "ingest_s",
        "chunks_per_s",
        "ingest_peak_rss_mb",
        "cold_first_answer_s",
        "index_load_s",
        "retrieval_p50_ms",
        "retrieval_p95_ms",
        "answer_p50_ms",
        "answer_p95_ms",
        "answer_peak_rss_mb",
        "right_release_share",
    ]
    lines = ["| " + " | ".join(keys) + " |", "|" + "---|" * len(keys)]
    for r in rows:
        lines.append("| " + " | ".join(_fmt(r.get(k, "")) for k in keys) + " |")
    (out / "bench.md").write_text("# Benchmark\n\n" + "\n".join(lines) + "\n", encoding="utf-8")
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    panels = [
        ("answer_p50_ms", "warm answer p50 (ms)", 30),
        ("cold_first_answer_s", "cold start to first answer (s)", None),
        ("chunks_per_s", "ingest (chunks/s)", 150),
        ("answer_peak_rss_mb", "peak memory while answering (MB)", 2048),
    ]
    fig, axes = plt.subplots(1, len(panels), figsize=(19, 4.2))
    series = sorted({(r["mode"], r.get("label", "")) for r in rows if r["mode"] != "baseline (tutorial)"})
    for n, (mode, label) in enumerate(series):
        rs = [r for r in rows if (r["mode"], r.get("label", "")) == (mode, label)]
        style = "--" if label == "before" else "-"
        for ax, (key, _title, _target) in zip(axes, panels, strict=True):
            pts = sorted((r["releases"], r[key]) for r in rs if isinstance(r.get(key), float | int))
            if pts:  # one colour per series in every panel; "before" dashed
                ax.plot(*zip(*pts, strict=True), marker="o", linestyle=style, color=f"C{n}")
    for ax, (_key, title, target) in zip(axes, panels, strict=True):
        if target:
            ax.axhline(target, color="grey", linewidth=0.8, linestyle=":")
        ax.set_xscale("log")
        ax.set_title(title)
        ax.set_xlabel("releases")
    handles = [
        plt.Line2D(
            [],
            [],
            color=f"C{n}",
            marker="o",
            linestyle="--" if lab == "before" else "-",
            label=f"{m} {lab}".strip(),
        )
        for n, (m, lab) in enumerate(series)
    ]
    fig.legend(handles=handles, loc="upper center", ncol=min(4, len(series)))
    fig.subplots_adjust(top=0.78)
    fig.savefig(out / "bench.png", dpi=100, bbox_inches="tight")


def _fmt(v) -> str:
    return f"{v:.2f}" if isinstance(v, float) else str(v)


if __name__ == "__main__":
    main()
