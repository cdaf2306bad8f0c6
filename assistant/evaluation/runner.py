"""``assistant eval``: run the Q/A set against the product (and the tutorial baseline), score, report, gate.

Why every exception is a failure: an eval that skips what crashes reports a better product than users get.
"""

from __future__ import annotations

import argparse
import json
import time
import tomllib
import traceback
from dataclasses import asdict
from pathlib import Path

from assistant.evaluation.metrics import Judged, judge, summarise
from assistant.evaluation.metrics import contains as _contains
from assistant.ingest.loaders import load_text
from assistant.settings import REPO_ROOT, Settings

GATED = {
    "answer_accuracy": ">=",
    "answerable_accuracy": ">=",
    "facts_shown": ">=",
    "answer_precision": ">=",
    "refusal_accuracy": ">=",
    "citation_recall": ">=",
    "citation_precision": ">=",
    "offset_validity": ">=",
    "unsupported_number_rate": "<=",
    "denies_while_quoting": "<=",
}


def load_items(path: Path) -> list[dict]:
    items = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if line.strip():
            try:
                items.append(json.loads(line))
            except json.JSONDecodeError as exc:
                raise ValueError(f"{path}:{n}: not JSON ({exc.msg})") from exc
    return items


def source_texts(settings: Settings) -> dict[str, str]:
    from assistant.ingest.loaders import discover, relative_source

    return {
        relative_source(p, settings.corpus_dir): load_text(p)
        for p in discover([settings.corpus_dir], settings.corpus_dir)
    }


def support_spans(item: dict, sources: dict[str, str]) -> list[tuple[str, int, int]]:
    spans = []
    for quote in item.get("support", []):
        for name, text in sources.items():
            at = text.find(quote)
            if at >= 0:
                spans.append((name, at, at + len(quote)))
                break
    return spans


class ProductSystem:
    def __init__(self, settings: Settings) -> None:
        from assistant.surfaces.service import Assistant

        self.name = settings.generator
        self.bot = Assistant(settings)
        self.bot.ensure_index(progress=False)

    def ask(self, question: str, history: list | None = None, source: str | None = None) -> dict:
        sources = [source] if source else None
        answer = self.bot.ask(question, history=history, sources=sources)
        hits = self.bot.retriever.search(answer.resolved_question or question, sources=sources)
        d = answer.to_dict()
        d["draft"] = answer.draft
        d["retrieved"] = [(h.chunk.source, h.chunk.start, h.chunk.end) for h in hits]
        return d


def rank_of_support(retrieved: list, spans: list[tuple[str, int, int]]) -> int | None:
    for rank, (source, start, end) in enumerate(retrieved, start=1):
        if any(s == source and start <= a and b <= end for s, a, b in spans):
            return rank
    return None


#: The "best k ranked sentences hold the facts" figures of every run.
BEST_K = (1, 3, 5, 8)


def ranked_hold_facts(ranked: list[dict], facts: list[str], sources: dict[str, str], k: int) -> bool:
    """Whether the ``k`` sentences the models ranked first hold every fact between them."""
    text = " \n ".join(
        sources.get(r["source"], "")[r["start"] : r["end"]] for r in ranked[:k] if r["source"] in sources
    )
    return all(_contains(text, f) for f in facts)


def run_system(system, items: list[dict], sources: dict[str, str]) -> dict:
    judged: list[Judged] = []
    latencies: list[float] = []
    rows = []
    errors = 0
    hits = ranks = scored = 0
    figures_before = unsupported_before = 0
    best_k: dict[int, list[bool]] = {k: [] for k in BEST_K}
    for item in items:
        try:
            history = []
            source = item.get("source")
            for earlier in item.get("history", []):
                history.append((earlier, system.ask(earlier, history=list(history), source=source)["text"]))
            t0 = time.perf_counter()
            out = system.ask(item["question"], history=history, source=source)
            latencies.append((time.perf_counter() - t0) * 1000)
        except Exception as exc:  # counted as a failure, never skipped
            errors += 1
            rows.append(
                {"id": item["id"], "error": f"{type(exc).__name__}: {exc}", "trace": traceback.format_exc()}
            )
            continue
        j = judge(item, out["text"], out["refused"], out["citations"], sources, out.get("tier"))
        judged.append(j)
        if item.get("answerable", True) and item.get("facts") and out.get("ranked"):
            for k in BEST_K:
                best_k[k].append(ranked_hold_facts(out["ranked"], item["facts"], sources, k))
        guard = out.get("guard")
        if guard:
            figures_before += guard.get("figures_before", 0)
            unsupported_before += guard.get("unsupported_before", 0)
        else:
            figures_before += j.numbers
            unsupported_before += len(j.unsupported)
        spans = support_spans(item, sources)
        rank = rank_of_support(out.get("retrieved", []), spans) if spans else None
        if spans:
            scored += 1
            if rank is not None:
                hits += 1
                ranks += 1.0 / rank
        rows.append(
            {
                "id": item["id"],
                "kind": item.get("kind", ""),
                "question": item["question"],
                "text": out["text"],
                "refused": out["refused"],
                "tier": j.tier,
                "correct": j.correct,
                "missing": j.missing,
                "unsupported": j.unsupported,
                "support_rank": rank,
                "confidence": out.get("confidence"),
                # Whether the best sentence holds the answer, refused or not: the trade-off curve's input.
                "draft_ok": bool(out.get("draft"))
                and item.get("answerable", True)
                and all(_contains(out.get("draft", ""), f) for f in item.get("facts", [])),
                "answerable": item.get("answerable", True),
            }
        )
    summary = summarise(judged, latencies, errors)
    for k in BEST_K:
        # The models' own ranking, before any decision: what the pipeline could show at best. Absent (a
        # blank in the report) for an answerer that ranks nothing, rather than a misleading 0.
        if best_k[k]:
            summary[f"ranked_facts_at_{k}"] = sum(best_k[k]) / len(best_k[k])
    summary["retrieval_hit_at_k"] = hits / scored if scored else 0.0
    summary["retrieval_mrr"] = ranks / scored if scored else 0.0
    # For generators: figures the model wrote that no retrieved passage holds, before the guard ran.
    summary["unsupported_number_rate_before_guard"] = (
        unsupported_before / figures_before if figures_before else 0.0
    )
    return {"summary": summary, "rows": rows, "judged": [asdict(j) for j in judged]}


def load_thresholds(path: Path | None = None) -> dict[str, dict[str, float]]:
    """eval/thresholds.toml: ``target`` (the goals, reported) and ``gate`` (enforced by ``--gate``)."""
    data = tomllib.loads((path or REPO_ROOT / "eval" / "thresholds.toml").read_text(encoding="utf-8"))
    for section in ("target", "gate"):
        unknown = set(data.get(section, {})) - set(GATED)
        if section not in data or unknown:
            raise ValueError(
                f"eval/thresholds.toml: [{section}] missing or has unknown keys {sorted(unknown)}"
            )
    return data


def check_gate(summary: dict, thresholds: dict) -> list[str]:
    failures = []
    for key, op in GATED.items():
        if key not in thresholds:
            continue
        value, limit = summary[key], thresholds[key]
        ok = value >= limit if op == ">=" else value <= limit
        if not ok:
            failures.append(f"{key} = {value:.3f} (needs {op} {limit})")
    return failures


def write_report(
    out_dir: Path,
    results: dict[str, dict],
    failures: list[str],
    short: list[str] | None = None,
    curves: dict[str, list[dict]] | None = None,
    scored: dict[str, int] | None = None,
) -> None:
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "report.json").write_text(json.dumps(results, indent=2, ensure_ascii=False), encoding="utf-8")
    keys = [
        "answer_accuracy",
        "answerable_accuracy",
        "refusal_accuracy",
        "false_refusals",
        "citation_recall",
        "citation_precision",
        "offset_validity",
        "unsupported_number_rate",
        "facts_shown",
        "answer_precision",
        "ranked_facts_at_1",
        "ranked_facts_at_3",
        "ranked_facts_at_5",
        "ranked_facts_at_8",
        "tier_answer",
        "tier_hedge",
        "tier_absent",
        "denies_while_quoting",
        "retrieval_hit_at_k",
        "retrieval_mrr",
        "latency_p50_ms",
        "latency_p95_ms",
        "errors",
        "items",
    ]
    names = list(results)
    lines = ["# Eval report", "", "| metric | " + " | ".join(names) + " |", "|---|" + "---|" * len(names)]
    for k in keys:
        lines.append(f"| {k} | " + " | ".join(_fmt(results[n]["summary"].get(k, "")) for n in names) + " |")
    lines += ["", "Gate: " + ("PASSED" if not failures else "FAILED: " + "; ".join(failures)), ""]
    if short:
        lines += ["Targets not met: " + "; ".join(short), ""]
    for split, n in (scored or {}).items():
        lines += [
            f"The frozen split eval/unseen/{split} has been scored {n} time(s) (eval/unseen/{split}/scored.log). "
            "Its answers are not listed here: a frozen split is never read answer by answer.",
            "",
        ]
    if curves:
        lines += _curve_section(out_dir, curves)
    for n in names:
        if results[n].get("frozen"):
            continue  # a frozen split is reported as figures only
        wrong = [r for r in results[n]["rows"] if not r.get("correct")]
        lines += [f"## {n}: {len(wrong)} wrong", ""]
        for r in wrong:
            lines.append(
                f"- `{r['id']}` {r.get('question', '')} -> {str(r.get('text', r.get('error')))[:200]!r}"
            )
        lines.append("")
    (out_dir / "report.md").write_text("\n".join(lines), encoding="utf-8")
    _chart(out_dir / "report.png", results)


def _curve_section(out_dir: Path, curves: dict[str, list[dict]]) -> list[str]:
    """The answer/refusal trade-off as the answer threshold moves, with the shipped threshold marked."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from assistant.answering.answerability import AnswerabilityModel

    chosen = AnswerabilityModel.load().threshold
    fig, ax = plt.subplots(figsize=(6, 5))
    lines = [
        "## Trade-off: answer accuracy against refusal accuracy",
        "",
        f"Threshold of the answerability model (assistant/data/answerability.json): **{chosen}**. A question "
        "is answered when its best sentence passes the strict lexical test or reaches the threshold; "
        "answer accuracy here counts the best sentence holding every fact (a proxy: the full answer may "
        "add sentences). ![trade-off](tradeoff.png)",
        "",
        "| set | threshold | answer accuracy | refusal accuracy |",
        "|---|---:|---:|---:|",
    ]
    for name, curve in curves.items():
        ax.plot([p["refusal_accuracy"] for p in curve], [p["answer_accuracy"] for p in curve], label=name)
        at = min(curve, key=lambda p: abs(p["threshold"] - chosen))
        ax.scatter([at["refusal_accuracy"]], [at["answer_accuracy"]], marker="o", s=60, zorder=3)
        for p in curve[:: max(1, len(curve) // 5)] + [at]:
            mark = " (chosen)" if p is at else ""
            lines.append(
                f"| {name} | {p['threshold']:.2f}{mark} | {p['answer_accuracy']:.3f} | {p['refusal_accuracy']:.3f} |"
            )
    ax.set_xlabel("refusal accuracy")
    ax.set_ylabel("answer accuracy (answerable questions)")
    ax.set_xlim(0, 1.02)
    ax.set_ylim(0, 1.02)
    ax.set_title(f"Threshold sweep; dots: chosen threshold {chosen}")
    ax.legend()
    fig.tight_layout()
    fig.savefig(out_dir / "tradeoff.png", dpi=110)
    plt.close(fig)
    return lines + [""]


def _fmt(v) -> str:
    return f"{v:.3f}" if isinstance(v, float) else str(v)


def _chart(path: Path, results: dict[str, dict]) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    keys = [
        "answer_accuracy",
        "refusal_accuracy",
        "citation_recall",
        "citation_precision",
        "offset_validity",
        "unsupported_number_rate",
        "retrieval_hit_at_k",
    ]
    x = np.arange(len(keys))
    width = 0.8 / max(1, len(results))
    fig, ax = plt.subplots(figsize=(11, 4.5))
    for i, (name, res) in enumerate(results.items()):
        ax.bar(x + i * width, [res["summary"][k] for k in keys], width, label=name)
    ax.set_xticks(x + width * (len(results) - 1) / 2, [k.replace("_", "\n") for k in keys], fontsize=8)
    ax.set_ylim(0, 1.05)
    ax.set_title("Eval: product vs. tutorial baseline")
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def print_table(results: dict[str, dict]) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title="assistant eval")
    table.add_column("metric")
    for name in results:
        table.add_column(name, justify="right")
    for k in next(iter(results.values()))["summary"]:
        table.add_row(k, *(_fmt(results[n]["summary"].get(k, "")) for n in results))
    Console().print(table)


def _build(name: str, settings: Settings, embeddings):
    if name in ("extractive", "local", "openai"):
        return ProductSystem(settings.replace(generator=name))
    if name.startswith("baseline"):
        from assistant.evaluation.baseline import TutorialBaseline
        from assistant.index.embeddings import PackagedEmbeddings

        generator = name.removeprefix("baseline").strip("-").removesuffix("+guard") or "extractive"
        return TutorialBaseline(
            settings, embeddings or PackagedEmbeddings(), generator, name.endswith("+guard")
        )
    raise ValueError(f"unknown system {name!r} (extractive, local, openai, baseline, baseline-local[+guard])")


def tradeoff_from_rows(rows: list[dict]) -> list[dict]:
    """Answer accuracy against refusal accuracy as the answer threshold moves, from the eval's own rows
    (each answer's confidence and whether its best sentence held the facts)."""
    from assistant.answering.answerability import tradeoff

    points = [
        (float(r["confidence"] or 0.0), bool(r["answerable"]), bool(r["draft_ok"]))
        for r in rows
        if "confidence" in r and r.get("confidence") is not None
    ]
    return tradeoff(points)


def _log_frozen_scoring(es, names: list[str], summary: dict) -> int:
    """Append one line (time, commit, systems, aggregates) to the frozen split's scored.log, beside its
    questions, and return how often that split has now been scored."""
    import datetime as dt

    log = es.qa.parent / "scored.log"
    stamp = dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    figures = " ".join(
        f"{k}={summary[k]:.3f}"
        for k in ("answer_accuracy", "refusal_accuracy", "citation_precision", "unsupported_number_rate")
        if isinstance(summary.get(k), int | float)
    )
    head = _git_head()  # before the log is opened: a new log file would count as a change
    with log.open("a", encoding="utf-8") as fh:
        fh.write(f"{stamp}\t{head}\t{','.join(names)}\t{figures}\n")
    return sum(
        1 for line in log.read_text(encoding="utf-8").splitlines() if line and not line.startswith("#")
    )


def _git_head() -> str:
    import subprocess

    try:
        out = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=REPO_ROOT, capture_output=True, text=True
        )
        dirty = subprocess.run(
            ["git", "status", "--porcelain"], cwd=REPO_ROOT, capture_output=True, text=True
        )
        return (out.stdout.strip() or "unknown") + ("+changes" if dirty.stdout.strip() else "")
    except OSError:
        return "unknown"


def _check_only(names: list[str], settings: Settings, out_dir: Path) -> int:
    """Draft checking on its labelled sets: a table, and check.json in the report folder."""
    from assistant.evaluation.check_eval import print_check_table, run_check_set

    results = {n: run_check_set(n, settings) for n in names}
    for frozen in [n for n in results if n.endswith("-test")]:  # every scoring of a frozen split is logged
        log = (
            REPO_ROOT
            / "eval"
            / ("check/test/scored.log" if frozen == "check-test" else "facts/check-scored.log")
        )
        s = results[frozen]["summary"]
        with log.open("a", encoding="utf-8") as fh:
            fh.write(
                f"{time.strftime('%Y-%m-%dT%H:%M:%S')} {_git_head()} figure={s.get('caught_figure', 0):.3f} "
                f"swap={s.get('caught_swap', 0):.3f} false_alarm={s['false_alarm_rate']:.3f}\n"
            )
    out_dir.mkdir(parents=True, exist_ok=True)
    for frozen in [n for n in results if n.endswith("-test")]:  # figures only, never claim by claim
        results[frozen]["rows"] = []
    (out_dir / "check.json").write_text(json.dumps(results, indent=1), encoding="utf-8")
    print_check_table(results)
    print(f"report: {out_dir / 'check.json'}")
    return 0


def main(args: argparse.Namespace, settings: Settings) -> int:
    import shutil
    import tempfile

    from assistant.evaluation.sets import DEFAULT_SETS, EvalSet, eval_sets

    out_dir = Path(args.out) if args.out else REPO_ROOT / "eval" / "out"
    if getattr(args, "from_feedback", None):
        from assistant.evaluation.feedback import write_cases

        target = Path(args.qa) if args.qa else REPO_ROOT / "eval" / "feedback_cases.jsonl"
        n = write_cases(Path(args.from_feedback), target)
        print(f"wrote {n} draft cases to {target} (cases marked review need a person to add facts)")
        return 0
    available = eval_sets(settings.corpus_dir)
    if getattr(args, "qa", None):
        chosen = {"custom": EvalSet("custom", settings.corpus_dir, Path(args.qa))}
    else:
        wanted = [n.strip() for n in (getattr(args, "sets", None) or DEFAULT_SETS).split(",") if n.strip()]
        from assistant.evaluation.check_eval import check_sets

        checks = [n for n in wanted if n in check_sets()]
        wanted = [n for n in wanted if n not in checks]
        unknown = [n for n in wanted if n not in available]
        if unknown:
            raise ValueError(
                f"unknown eval set(s) {unknown} (shipped, dev, reader-dev, test, test2, check-dev, check-test, check-facts-dev, check-facts-test)"
            )
        chosen = {n: available[n] for n in wanted}
        if checks:
            _check_only(checks, settings, out_dir)
            if not chosen:
                return 0
    names = [n.strip() for n in (args.generator or "extractive,baseline").split(",") if n.strip()]
    results: dict[str, dict] = {}
    curves: dict[str, list[dict]] = {}
    embeddings = None
    # Every set but the shipped one is indexed in a temporary folder, removed afterwards: an eval leaves no
    # index behind in the checkout or beside the user's index.
    scratch = Path(tempfile.mkdtemp(prefix="assistant-eval-"))
    try:
        results, curves, embeddings = _run_sets(chosen, names, settings, scratch)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return _finish(args, chosen, names, results, curves, out_dir)


def _run_sets(chosen: dict, names: list[str], settings: Settings, scratch: Path):
    results: dict[str, dict] = {}
    curves: dict[str, list[dict]] = {}
    embeddings = None
    from assistant.evaluation.sets import assemble

    for set_name, es in chosen.items():
        es = assemble(es, scratch / f"{set_name}-set")
        items = [i for i in load_items(es.qa) if not i.get("review")]
        # The shipped set uses the configured index; every other set gets its own, in ``scratch``.
        set_settings = settings
        if set_name not in ("shipped", "custom"):
            set_settings = settings.replace(corpus_dir=es.corpus_dir, index_dir=scratch / set_name)
        sources = source_texts(set_settings)
        for name in names:
            if name.startswith("baseline") and set_name in ("dev", "reader-dev"):
                continue  # the baseline is compared on the shipped set and the frozen test split
            system = _build(name, set_settings, embeddings)
            if isinstance(system, ProductSystem):
                embeddings = system.bot.embeddings
            key = name if set_name in ("shipped", "custom") else f"{name} · {set_name}"
            results[key] = run_system(system, items, sources)
            results[key]["set"] = set_name
            if name == "extractive":
                curves[set_name] = tradeoff_from_rows(results[key]["rows"])
            if es.frozen:  # a frozen split is reported by its aggregates only, never row by row
                results[key]["rows"] = []
            results[key]["frozen"] = es.frozen
    return results, curves, embeddings


def _finish(args, chosen: dict, names: list[str], results: dict, curves: dict, out_dir: Path) -> int:
    limits = load_thresholds()
    failures: list[str] = []
    short: list[str] = []
    for key, res in results.items():
        if not key.startswith("extractive"):
            continue
        set_name = res["set"]
        gate = limits["gate"] if set_name in ("shipped", "custom") else limits.get(f"gate_{set_name}")
        target = limits["target"] if set_name in ("shipped", "custom") else limits.get(f"target_{set_name}")
        label = "" if set_name in ("shipped", "custom") else f"{set_name}: "
        if gate:
            failures += [label + f for f in check_gate(res["summary"], gate)]
        if target:
            short += [label + f for f in check_gate(res["summary"], target)]
    limit = limits["gate"].get("unsupported_number_rate", 0.0)
    for name, res in results.items():
        guarded = name.split(" ")[0] in ("local", "openai") or name.split(" ")[0].endswith("+guard")
        rate = res["summary"].get("unsupported_number_rate", 0.0)
        if guarded and rate > limit:
            failures.append(f"{name}: unsupported_number_rate = {rate:.3f} (needs <= {limit})")
    scored: dict[str, int] = {}
    for set_name, es in chosen.items():
        key = f"extractive · {set_name}"
        if es.frozen and key in results:
            scored[set_name] = _log_frozen_scoring(es, names, results[key]["summary"])
    write_report(out_dir, results, failures, short, curves=curves, scored=scored)
    print_table(results)
    print(f"report: {out_dir / 'report.md'}")
    for set_name, n in scored.items():
        print(
            f"the frozen split {set_name} has now been scored {n} time(s) (eval/unseen/{set_name}/scored.log)"
        )
    if short:
        print("targets not met: " + "; ".join(short))
    if failures:
        print("gate: FAILED: " + "; ".join(failures))
        return 1 if args.gate else 0
    checked = (
        "all thresholds" if any(k.startswith("extractive") for k in results) else "unsupported numbers only"
    )
    print(f"gate: passed ({checked})")
    return 0
