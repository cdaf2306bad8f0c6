"""Score fact sheets against the annotators' labels in ``eval/facts/batches/*/`` (issue 25's targets).

Why these matches: annotators write a figure's span and its measure and subject in their own words, so a
row is matched to a label by overlapping span (one to one, the largest overlap first), and a measure or
subject is "right" when its content words agree with the label's: Dice of the two sets of stemmed content
words (abbreviations expanded with the shipped glossary) at least ``facts.words.MEASURE_DICE`` for measures, and for
subjects at least ``facts.words.SUBJECT_OVERLAP`` of the shorter side's words found in the other (a subject is often
given at two levels of detail: "Cabometyx arm" against "Cabometyx arm, pNET cohort"). The same functions
score the annotators' blind re-label against the first labels, so the figures can be read against how
far two people agree.

The split is by release, fixed by a hash of the file name, so a batch added later is split the same way
and no one chooses which releases are held out: ``sha1(name) % 3 == 0`` is the frozen test.

>>> split_of("acme-zorbatin.txt") in ("dev", "test")
True
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from assistant.facts.words import measure_match, subject_match

ROOT = Path(__file__).resolve().parents[2] / "eval" / "facts"


def split_of(name: str) -> str:
    """``test`` for a third of the releases, chosen by hash, else ``dev``."""
    return "test" if int(hashlib.sha1(name.encode()).hexdigest(), 16) % 3 == 0 else "dev"


@dataclass
class Release:
    name: str
    text: str
    figures: list[dict]
    statuses: list[dict]
    drafts: list[dict]


def load(split: str, root: Path = ROOT) -> list[Release]:
    """Every labelled release of ``split`` (``dev``, ``test`` or ``all``), across batches."""
    out = []
    for batch in sorted(p for p in (root / "batches").iterdir() if p.is_dir()):
        if not (batch / "figures.jsonl").exists():
            continue

        def rows(name: str, batch: Path = batch) -> list[dict]:
            path = batch / name
            if not path.exists():
                return []
            return [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines() if x.strip()]

        figures, statuses, drafts = rows("figures.jsonl"), rows("status.jsonl"), rows("drafts.jsonl")
        for p in sorted((batch / "corpus").glob("*.txt")):
            if split != "all" and split_of(p.name) != split:
                continue
            out.append(
                Release(
                    p.name,
                    p.read_text(encoding="utf-8"),
                    [f for f in figures if f["source"] == p.name],
                    [s for s in statuses if s["source"] == p.name],
                    [d for d in drafts if p.name in d["sources"]],
                )
            )
    return out


def pair(system: Sequence[dict], gold: Sequence[dict]) -> list[tuple[dict, dict]]:
    """One-to-one pairs of rows whose spans overlap, the largest overlap first."""
    cands = []
    for i, s in enumerate(system):
        for j, g in enumerate(gold):
            ov = min(s["end"], g["end"]) - max(s["start"], g["start"])
            if ov > 0:
                cands.append((ov, i, j))
    used_s, used_g, out = set(), set(), []
    for _, i, j in sorted(cands, reverse=True):
        if i not in used_s and j not in used_g:
            used_s.add(i)
            used_g.add(j)
            out.append((system[i], gold[j]))
    return out


@dataclass
class SheetScore:
    gold: int = 0
    system: int = 0
    matched: int = 0
    exact_span: int = 0
    kind_right: int = 0
    measure_right: int = 0
    subject_right: int = 0
    both_right: int = 0
    offsets_exact: int = 0

    def add(self, system: Sequence[dict], gold: Sequence[dict], text: str) -> list[tuple[dict, dict]]:
        self.gold += len(gold)
        self.system += len(system)
        self.offsets_exact += sum(text[r["start"] : r["end"]] == r["figure"] for r in system)
        pairs = pair(system, gold)
        for s, g in pairs:
            self.matched += 1
            self.exact_span += s["start"] == g["start"] and s["end"] == g["end"]
            self.kind_right += s["kind"] == g["kind"]
            m = measure_match(s["measure"], g["measure"])
            u = subject_match(s["subject"], g["subject"])
            self.measure_right += m
            self.subject_right += u
            self.both_right += m and u
        return pairs

    def report(self) -> dict[str, float]:
        m = max(self.matched, 1)
        return {
            "releases_figures_gold": self.gold,
            "rows": self.system,
            "figure_recall": round(self.matched / max(self.gold, 1), 3),
            "figure_precision": round(self.matched / max(self.system, 1), 3),
            "exact_span": round(self.exact_span / m, 3),
            "kind_right": round(self.kind_right / m, 3),
            "measure_right": round(self.measure_right / m, 3),
            "subject_right": round(self.subject_right / m, 3),
            "measure_and_subject_right": round(self.both_right / m, 3),
            "offsets_exact": round(self.offsets_exact / max(self.system, 1), 3),
        }


def score_rows(rows_by_release: Iterable[tuple[Release, list[dict]]]) -> SheetScore:
    score = SheetScore()
    for rel, rows in rows_by_release:
        score.add(rows, rel.figures, rel.text)
    return score
