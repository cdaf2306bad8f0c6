"""Validate the fact-sheet labels and check drafts of ``eval/facts/batches/<batch>/`` (see eval/facts/BRIEF.md).

Why a standalone script (standard library only): annotators run it with any ``python3`` before the project
is installed. It reuses the reader data's checks for texts (URL in SOURCES.md, no eval text, no story twice).

Usage::

    python3 eval/facts/validate.py eval/facts/batches/f1     # one batch
    python3 eval/facts/validate.py                            # every batch
"""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
_spec = importlib.util.spec_from_file_location("reader_validate", HERE.parent / "reader" / "validate.py")
rv = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(rv)  # type: ignore[union-attr]

FIGURE_KINDS = {"result", "count", "money", "duration", "dose", "phase", "date", "other"}
STATUS_TYPES = {"regulatory", "trial", "deal"}
ERRORS = {"none", "figure", "swap", "unit", "date", "name", "status", "invented"}
VERDICTS = {"supported", "contradicted", "not_found"}


def rows(path: Path, errs: list[str]) -> list[dict]:
    out = []
    if not path.exists():
        errs.append(f"{path.parent.name}: no {path.name}")
        return out
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if line.strip():
            try:
                out.append(json.loads(line) | {"_line": n})
            except ValueError as e:
                errs.append(f"{path.parent.name}/{path.name}:{n}: not JSON ({e})")
    return out


def check_batch(batch: Path, against: dict[str, set], urls: set[str]) -> list[str]:
    errs: list[str] = []
    texts = {p.name: p.read_text(encoding="utf-8") for p in sorted((batch / "corpus").glob("*.txt"))}
    table = rv.sources_table(batch)
    for name, text in texts.items():
        if name not in table:
            errs.append(f"{batch.name}/corpus/{name}: no row with its URL in SOURCES.md")
        elif table[name] in urls:
            errs.append(f"{batch.name}/corpus/{name}: its URL is a source of an eval set")
        sh = rv.shingles(text)
        for other, osh in against.items():
            if sh and len(sh & osh) / len(sh) > rv.OVERLAP_LIMIT:
                errs.append(f"{batch.name}/corpus/{name}: text overlaps {other}")
    for f in rows(batch / "figures.jsonl", errs):
        where = f"{batch.name}/figures.jsonl:{f['_line']}"
        text = texts.get(f.get("source", ""))
        if text is None:
            errs.append(f"{where}: source {f.get('source')!r} is not in corpus/")
            continue
        s, e = f.get("start"), f.get("end")
        if not isinstance(s, int) or not isinstance(e, int) or text[s:e] != f.get("figure"):
            errs.append(f"{where}: text[start:end] is not the figure {f.get('figure')!r}")
        if f.get("kind") not in FIGURE_KINDS:
            errs.append(f"{where}: kind {f.get('kind')!r} is not one of the brief's")
        for k in ("measure", "subject"):
            if not str(f.get(k, "")).strip():
                errs.append(f"{where}: empty {k}")
        if rv.norm(f.get("quote", "")) not in rv.norm(text) or f.get("figure", "") not in f.get("quote", ""):
            errs.append(f"{where}: quote is not verbatim in the text or lacks the figure")
    for st in rows(batch / "status.jsonl", errs):
        where = f"{batch.name}/status.jsonl:{st['_line']}"
        text = texts.get(st.get("source", ""))
        if text is None or rv.norm(st.get("quote", "")) not in rv.norm(text):
            errs.append(f"{where}: quote is not verbatim in its text")
        if st.get("type") not in STATUS_TYPES:
            errs.append(f"{where}: type {st.get('type')!r} is not one of the brief's")
    for d in rows(batch / "drafts.jsonl", errs):
        where = f"{batch.name}/drafts.jsonl:{d['_line']}"
        srcs = [texts.get(s) for s in d.get("sources", [])]
        if not srcs or None in srcs:
            errs.append(f"{where}: a source is not in corpus/")
            continue
        body = rv.norm(" ".join(srcs))
        for c in d.get("claims", []):
            if c.get("text", "") not in d.get("text", ""):
                errs.append(f"{where}: claim {c.get('text', '')[:40]!r} is not in the draft text")
            if c.get("verdict") not in VERDICTS or c.get("error") not in ERRORS:
                errs.append(
                    f"{where}: verdict/error {c.get('verdict')!r}/{c.get('error')!r} not of the brief"
                )
            if c.get("verdict") != "not_found" and rv.norm(c.get("evidence", "")) not in body:
                errs.append(f"{where}: evidence is not verbatim in the release")
            if c.get("verdict") == "contradicted" and (
                c.get("draft_value", "") not in c.get("text", "")
                or rv.norm(c.get("release_value", "")) not in rv.norm(c.get("evidence", ""))
                or not c.get("draft_value")
            ):
                errs.append(f"{where}: draft_value/release_value do not show the planted error")
    return errs


def main(argv: list[str]) -> int:
    root = HERE / "batches"
    batches = [Path(a).resolve() for a in argv] or sorted(p for p in root.iterdir() if p.is_dir())
    # Neither an eval text nor a text the reader was trained on (the checker uses the reader).
    against = {k: rv.shingles(v) for k, v in rv.eval_texts().items() if "eval/facts/" not in k}
    against |= rv.training_shingles()
    # Eval URLs outside the fact-sheet batches (a batch's own SOURCES.md is not an eval set to itself).
    urls = {
        u.rstrip(".,;")
        for f in list((rv.REPO / "eval").rglob("*.md")) + list((rv.REPO / "corpus").glob("*"))
        if f.is_file() and rv.READER not in f.parents and HERE / "batches" not in f.parents
        for u in rv.URL.findall(f.read_text(encoding="utf-8", errors="replace"))
    } | {
        u for b in (rv.READER / "batches").iterdir() for u in rv.sources_table(b).values()
    }
    errs: list[str] = []
    for b in batches:
        errs += check_batch(b, against, urls)
    for e in errs:
        print(e)
    print(f"{len(batches)} batches, {len(errs)} problems")
    return 1 if errs else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
