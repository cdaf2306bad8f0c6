"""The same measure for the same subject across releases, side by side, flagged where the figures differ.

Why: a user following a drug or a company across releases wants the updated PFS or the raised guidance
next to the earlier one. Rows are grouped by their measure and subject read as stemmed content words
(the matching the fact-sheet eval uses, so what is scored is what is grouped); a group spans at least two
releases, and is flagged when its figures are not all the same.

>>> from assistant.facts.sheet import FactRow
>>> a = FactRow("q1.txt", "$2.7 billion", 0, 12, "USD", "money", "revenue guidance", "Acme", "", "", 0, 12)
>>> b = FactRow("q2.txt", "$2.9 billion", 0, 12, "USD", "money", "revenue guidance", "Acme", "", "", 0, 12)
>>> [(g.measure, g.differs) for g in compare([a, b])]
[('revenue guidance', True)]
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from assistant.facts.sheet import FactRow
from assistant.facts.words import content_words, measure_match


@dataclass
class Comparison:
    """One measure for one subject, as each release gives it."""

    measure: str
    subject: str
    rows: list[FactRow] = field(default_factory=list)

    @property
    def differs(self) -> bool:
        return len({_value(r) for r in self.rows}) > 1

    def to_dict(self) -> dict:
        return {
            "measure": self.measure,
            "subject": self.subject,
            "differs": self.differs,
            "rows": [
                {k: r.to_dict()[k] for k in ("source", "figure", "start", "end", "quote_start", "quote_end")}
                for r in self.rows
            ],
        }


def _value(row: FactRow) -> str:
    return "".join(ch for ch in row.figure if ch.isdigit() or ch == ".") + row.unit


def _same_subject(a: str, b: str) -> bool:
    """The same group: the same content words and the same numbers ("REDEFINE 1" is not "REDEFINE 4")."""
    return content_words(a) == content_words(b) and re.findall(r"\d+", a) == re.findall(r"\d+", b)


def compare(rows: Sequence[FactRow]) -> list[Comparison]:
    """Groups of rows from two or more releases that give the same measure for the same subject.

    A row joins the first group whose first row it matches: the same unit, the measures worded alike
    (``measure_match``: "revenue guidance" and "full-year revenue guidance") and the same subject. Dates and phases are left out: a release's own dates and a trial's phase are not
    updated figures."""
    groups: list[tuple[FactRow, Comparison]] = []
    for r in rows:
        if r.kind in {"date", "phase"} or not content_words(r.measure):
            continue
        for first, g in groups:
            if first.unit == r.unit and _same_subject(first.subject, r.subject) and measure_match(
                first.measure, r.measure
            ):
                g.rows.append(r)
                break
        else:
            groups.append((r, Comparison(r.measure, r.subject, [r])))
    out = [g for _, g in groups if len({r.source for r in g.rows}) > 1]
    return sorted(out, key=lambda g: (not g.differs, g.measure))
