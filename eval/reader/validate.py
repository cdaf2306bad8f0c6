"""Validate the reader's training data: questions against their texts, and texts against every eval set.

Why a standalone script (standard library only): the annotators who write the data run it with any
``python3``, before the project is installed; ``tests/evaluation/test_reader_data.py`` runs the same checks
on everything committed.

Layout, one folder per annotator batch::

    eval/reader/batches/<batch>/corpus/<slug>.txt     a release, exactly as found
    eval/reader/batches/<batch>/SOURCES.md            one table row per text: | corpus/<slug>.txt | URL | query | type |
    eval/reader/batches/<batch>/questions.jsonl       the questions (see eval/reader/BRIEF.md)

Usage::

    python3 eval/reader/validate.py eval/reader/batches/b1      # one batch
    python3 eval/reader/validate.py                               # every batch, plus cross-batch duplicates
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
READER = REPO / "eval" / "reader"
KINDS = {
    "figure",
    "name",
    "date",
    "place",
    "list",
    "yesno",
    "design",
    "why",
    "how",
    "synonym",
    "category",
    "verb",
    "people",
    "definition",
    "unanswerable",
    "followup",
}
URL = re.compile(r"https?://[^\s|)>\]]+")
SHINGLE = 8  # words per shingle for the text-overlap check
OVERLAP_LIMIT = 0.2  # share of a text's 8-word shingles found in another text that makes it "the same text"
#: The near-miss classes of brief section 4 (batches b8 onward name one for every unanswerable question).
NEAR_KINDS = {"other_arm", "other_cohort", "other_time", "other_people", "other_measure", "missing_detail"}
#: A shingle found in this many training texts is a site's boilerplate (a paywall notice, a footer), not
#: the story: it is left out of the overlap, so two stories from one site are not taken for one text.
BOILERPLATE_TEXTS = 3


def norm(s: str) -> str:
    """Case- and whitespace-insensitive form used for every 'is this verbatim in the text' check."""
    return re.sub(r"\s+", " ", s).strip().lower()


def shingles(text: str) -> set[tuple[str, ...]]:
    w = re.findall(r"\w+", text.lower())
    return {tuple(w[i : i + SHINGLE]) for i in range(max(0, len(w) - SHINGLE + 1))}


def eval_texts() -> dict[str, str]:
    """Every text of an eval set (name -> text): corpus/, eval/unseen, eval/check, eval/injection."""
    out: dict[str, str] = {}
    for p in list((REPO / "corpus").glob("*.txt")) + list((REPO / "eval").rglob("*.txt")):
        if READER in p.parents:
            continue
        out[str(p.relative_to(REPO))] = p.read_text(encoding="utf-8", errors="replace")
    for p in list((REPO / "eval" / "check").rglob("*.jsonl")) + list(
        (REPO / "eval" / "injection").rglob("*.jsonl")
    ):
        for i, line in enumerate(p.read_text(encoding="utf-8").splitlines()):
            try:
                row = json.loads(line)
            except ValueError:
                continue
            for k, v in row.items() if isinstance(row, dict) else []:
                if isinstance(v, str) and len(v) > 300:
                    out[f"{p.relative_to(REPO)}:{i + 1}:{k}"] = v
    return out


def eval_urls() -> set[str]:
    urls: set[str] = set()
    for p in list((REPO / "eval").rglob("*.md")) + list((REPO / "corpus").glob("*")):
        if READER in p.parents or not p.is_file():
            continue
        urls |= {u.rstrip(".,;") for u in URL.findall(p.read_text(encoding="utf-8", errors="replace"))}
    return urls


def sources_table(batch: Path) -> dict[str, str]:
    """corpus file name -> URL, from the batch's SOURCES.md table."""
    out: dict[str, str] = {}
    f = batch / "SOURCES.md"
    if not f.exists():
        return out
    for line in f.read_text(encoding="utf-8").splitlines():
        m = re.search(r"corpus/([^\s|]+\.txt)", line)
        u = URL.search(line)
        if m and u:
            out[m.group(1)] = u.group(0).rstrip(".,;")
    return out


def check_batch(
    batch: Path, against: dict[str, set], urls: set[str], own: dict[str, set] | None = None
) -> list[str]:
    """Every problem of one batch, one line each (empty list: the batch is valid)."""
    errs: list[str] = []
    corpus = batch / "corpus"
    texts = (
        {p.name: p.read_text(encoding="utf-8") for p in sorted(corpus.glob("*.txt"))}
        if corpus.exists()
        else {}
    )
    table = sources_table(batch)
    for name, text in texts.items():
        if name not in table:
            errs.append(f"{batch.name}/corpus/{name}: no row with its URL in SOURCES.md")
        elif table[name] in urls:
            errs.append(f"{batch.name}/corpus/{name}: its URL is a source of an eval set")
        if len(text) < 600:
            errs.append(f"{batch.name}/corpus/{name}: only {len(text)} characters")
        sh = (own or {}).get(f"{batch.name}/{name}", shingles(text))
        for other, osh in against.items():
            if sh and len(sh & osh) / len(sh) > OVERLAP_LIMIT:
                errs.append(f"{batch.name}/corpus/{name}: text overlaps the eval text {other}")
    seen: set[str] = set()
    qfile = batch / "questions.jsonl"
    if not qfile.exists():
        return errs + [f"{batch.name}: no questions.jsonl"]
    for n, line in enumerate(qfile.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        where = f"{batch.name}/questions.jsonl:{n}"
        try:
            q = json.loads(line)
        except ValueError as e:
            errs.append(f"{where}: not JSON ({e})")
            continue
        qid = q.get("id", "")
        if not qid or qid in seen:
            errs.append(f"{where}: missing or repeated id {qid!r}")
        seen.add(qid)
        if q.get("source") not in texts:
            errs.append(f"{where}: source {q.get('source')!r} is not in corpus/")
            continue
        text = norm(texts[q["source"]])
        if q.get("kind") not in KINDS:
            errs.append(f"{where}: kind {q.get('kind')!r} is not one of the brief's")
        if not str(q.get("question", "")).strip():
            errs.append(f"{where}: empty question")
        if q.get("kind") == "followup" and not q.get("history"):
            errs.append(f"{where}: a follow-up needs its earlier question(s) in history")
        if q.get("answerable", True) is False:
            m = re.fullmatch(r"b(\d+)", batch.name)
            if m and int(m.group(1)) >= 8 and (not q.get("near") or q.get("near_kind") not in NEAR_KINDS):
                errs.append(f"{where}: from b8 on an unanswerable question needs near and a near_kind of the brief")
            if q.get("facts") or q.get("support"):
                errs.append(f"{where}: an unanswerable question has no facts or support")
            for s in q.get("near", []):
                if norm(s) not in text:
                    errs.append(f"{where}: near {s!r} is not verbatim in the text")
            continue
        facts, support = q.get("facts") or [], q.get("support") or []
        if not facts or not support:
            errs.append(f"{where}: an answerable question needs facts and support")
        for s in facts + support + q.get("forbidden", []):
            if norm(s) not in text:
                errs.append(f"{where}: {s!r} is not verbatim in the text")
        for f in facts:
            if support and not any(norm(f) in norm(s) for s in support):
                errs.append(f"{where}: fact {f!r} is in no support snippet")
    return errs


def training_shingles() -> dict[str, set]:
    """Each training text's shingles (``batch/file`` -> set), less the shingles of sites' boilerplate."""
    raw = {
        f"{p.parent.parent.name}/{p.name}": shingles(p.read_text(encoding="utf-8"))
        for p in sorted((READER / "batches").glob("*/corpus/*.txt"))
    }
    seen: dict[tuple, int] = {}
    for sh in raw.values():
        for s in sh:
            seen[s] = seen.get(s, 0) + 1
    common = {s for s, n in seen.items() if n >= BOILERPLATE_TEXTS}
    return {k: v - common for k, v in raw.items()}


def duplicates(own: dict[str, set]) -> list[str]:
    """The same story twice across the training texts (boilerplate aside)."""
    errs = []
    names = sorted(own)
    for i, a in enumerate(names):
        for b in names[:i]:
            sa, sb = own[a], own[b]
            if sa and len(sa & sb) / len(sa) > OVERLAP_LIMIT:
                errs.append(f"{a}: same text as {b}")
    return errs


def main(argv: list[str]) -> int:
    batches = [Path(a).resolve() for a in argv] or sorted(
        p for p in (READER / "batches").iterdir() if p.is_dir()
    )
    own = training_shingles()
    against = {k: shingles(v) for k, v in eval_texts().items()}
    urls = eval_urls()
    errs: list[str] = []
    n_texts = n_q = n_un = 0
    for b in batches:
        errs += check_batch(b, against, urls, own)
        n_texts += len(list((b / "corpus").glob("*.txt")))
        qf = b / "questions.jsonl"
        if qf.exists():
            rows = [
                json.loads(x)
                for x in qf.read_text(encoding="utf-8").splitlines()
                if x.strip().startswith("{")
            ]
            n_q += len(rows)
            n_un += sum(1 for r in rows if r.get("answerable", True) is False)
    if not argv:
        errs += duplicates(own)
    for e in errs:
        print(e)
    print(f"{n_texts} texts, {n_q} questions ({n_un} unanswerable), {len(errs)} problems")
    return 1 if errs else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
