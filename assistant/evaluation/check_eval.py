"""Evaluation of draft checking (``Assistant.check``) on labelled drafts: ``eval/check/{dev,test}``.

Each draft was written by a helper session from the releases alone, every claim labelled supported,
contradicted (with the kind of planted error: figure, unit, date, swap, status, name) or not found. A
claim is matched to the checker's claim by containment (the checker splits sentences itself). Reported:
precision and recall per verdict; the share of planted errors caught per kind; the false-alarm rate (a
correct claim called contradicted); and whether every "supported" claim's figures are in its citations.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path

from assistant.settings import REPO_ROOT, Settings

VERDICTS = ("supported", "contradicted", "not found")
KINDS = ("figure", "swap", "unit", "date", "status", "name")


def check_sets() -> dict[str, tuple[list[Path], list[Path]]]:
    """Name -> (drafts files, release folders): dev (two writers: ``dev`` and ``dev2``, the latter aimed at
    swaps, status and correct rewordings) is checked against the shipped and unseen dev releases, test
    (frozen) against the shipped and unseen test releases."""
    unseen = REPO_ROOT / "eval" / "unseen"
    check = REPO_ROOT / "eval" / "check"
    return {
        "check-dev": (
            [check / "dev/drafts.jsonl", check / "dev2/drafts.jsonl"],
            [REPO_ROOT / "corpus", unseen / "dev/corpus"],
        ),
        "check-test": ([check / "test/drafts.jsonl"], [REPO_ROOT / "corpus", unseen / "test/corpus"]),
        # The fact-sheet annotators' drafts (eval/facts/batches/*/drafts.jsonl), split by release as the
        # fact labels are (facts_eval.split_of): dev to tune on, test frozen.
        **{
            f"check-facts-{split}": (
                sorted((REPO_ROOT / "eval/facts/batches").glob("*/drafts.jsonl")),
                sorted((REPO_ROOT / "eval/facts/batches").glob("*/corpus")),
            )
            for split in ("dev", "test")
        },
    }


def _in_split(name: str, source: str) -> bool:
    """Whether a release belongs to a facts check set's split (every release, for the other sets)."""
    from assistant.evaluation.facts_eval import split_of

    return not name.startswith("check-facts-") or split_of(source) == name.removeprefix("check-facts-")


def load_drafts(paths: list[Path]) -> list[dict]:
    return [json.loads(x) for p in paths for x in p.read_text(encoding="utf-8").splitlines() if x.strip()]


def _corpus(folders: list[Path], name: str = "") -> Path:
    tmp = Path(tempfile.mkdtemp(prefix="assistant-check-corpus-"))
    for folder in folders:
        for f in folder.iterdir():
            if f.is_file() and not f.name.startswith(".") and _in_split(name, f.name):
                shutil.copy(f, tmp / f.name)
    return tmp


def run_check_set(name: str, settings: Settings, embeddings=None) -> dict:
    from assistant.checking.facts import quantities
    from assistant.surfaces.service import Assistant

    drafts_paths, folders = check_sets()[name]
    drafts = [d for d in load_drafts(drafts_paths) if all(_in_split(name, s) for s in d["sources"])]
    corpus = _corpus(folders, name)
    # Its own index in a temporary folder, removed afterwards: a check eval leaves nothing in the checkout
    # or beside the user's index.
    index = Path(tempfile.mkdtemp(prefix=f"assistant-check-{name}-"))
    kwargs = {"corpus_dir": corpus, "index_dir": index}
    bot = Assistant(settings.replace(**kwargs))
    if embeddings is not None:
        bot.embeddings = embeddings
    bot.ingest(progress=False)
    rows = []
    seconds = []
    try:
        for d in drafts:
            report = bot.check(d["text"], d["sources"])
            seconds.append(report.seconds)
            for claim in d["claims"]:
                got = next(
                    (
                        r
                        for r in report.results
                        if r.claim.text in claim["text"] or claim["text"] in r.claim.text
                    ),
                    None,
                )
                rows.append(
                    {
                        "draft": d["id"],
                        "claim": claim["text"],
                        "want": claim["verdict"].replace("_", " "),
                        "kind": claim.get("error", ""),
                        "got": got.verdict if got else "missing",
                        "got_kind": got.kind if got else "",
                        "cited_figures_hold": (
                            all(
                                any(
                                    abs(q.value - x.value) < 1e-9
                                    for c in got.citations
                                    for x in quantities(c.quote)
                                )
                                for q in quantities(claim["text"])
                            )
                            if got and got.verdict == "supported"
                            else None
                        ),
                    }
                )
    finally:
        shutil.rmtree(corpus, ignore_errors=True)
        shutil.rmtree(index, ignore_errors=True)
    return {"summary": summarise(rows, seconds), "rows": rows}


def summarise(rows: list[dict], seconds: list[float]) -> dict:
    out: dict[str, float] = {"claims": len(rows)}
    for v in VERDICTS:
        predicted = [r for r in rows if r["got"] == v]
        actual = [r for r in rows if r["want"] == v]
        hit = [r for r in actual if r["got"] == v]
        key = v.replace(" ", "_")
        out[f"{key}_precision"] = len(hit) / len(predicted) if predicted else 0.0
        out[f"{key}_recall"] = len(hit) / len(actual) if actual else 0.0
    for k in KINDS:
        planted = [r for r in rows if r["want"] == "contradicted" and r["kind"] == k]
        if planted:
            out[f"caught_{k}"] = sum(r["got"] == "contradicted" for r in planted) / len(planted)
    correct = [r for r in rows if r["want"] == "supported"]
    out["false_alarm_rate"] = (
        sum(r["got"] == "contradicted" for r in correct) / len(correct) if correct else 0.0
    )
    supported = [r for r in rows if r["cited_figures_hold"] is not None]
    out["supported_citations_hold_figures"] = (
        sum(bool(r["cited_figures_hold"]) for r in supported) / len(supported) if supported else 1.0
    )
    out["accuracy"] = sum(r["got"] == r["want"] for r in rows) / len(rows) if rows else 0.0
    out["seconds_per_draft_p50"] = sorted(seconds)[len(seconds) // 2] if seconds else 0.0
    return out


def print_check_table(results: dict[str, dict]) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title="assistant eval: draft checking")
    table.add_column("metric")
    for name in results:
        table.add_column(name, justify="right")
    keys = list(next(iter(results.values()))["summary"])
    for k in keys:
        table.add_row(k, *[f"{res['summary'].get(k, float('nan')):.3f}" for res in results.values()])
    Console().print(table)
