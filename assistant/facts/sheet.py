"""A release's fact sheet: one row per figure occurrence, with what it measures, for whom, and its sentence.

Why a sheet: the people this serves work from a release's figures, and the draft checker needs to know
which figure belongs to which measure and which arm to catch a swap. Figures are found by class
(figures.py), read with the sentence's parse (measures.py), and the sentence is quoted with exact offsets.

Example::

    sheet = FactSheet()
    rows = sheet.run("r.txt", "Median PFS was 13.8 months versus 4.4 months with placebo.")
    rows[0].measure, rows[1].subject    # ('Median PFS', 'placebo')

Sheets are cached by the text's hash (in memory, and on disk under ``cache_dir`` when given), so a sheet is
read once per release generation: a changed file has a new hash and is read again.
"""

from __future__ import annotations

import collections
import hashlib
import json
import re
import threading
from dataclasses import asdict, dataclass, replace
from pathlib import Path

from assistant.facts.actors import Trials, company_of, product_of
from assistant.facts.figures import Figure, find_figures
from assistant.facts.measures import load_parser, read_sentence
from assistant.text.sentences import split_sentences

#: Bump when the rows a text gives change, so cached sheets are read again.
SHEET_VERSION = 13
FIELDS = (
    "source",
    "figure",
    "start",
    "end",
    "unit",
    "kind",
    "measure",
    "subject",
    "comparator",
    "quote",
    "quote_start",
    "quote_end",
)


@dataclass(frozen=True)
class FactRow:
    """One figure occurrence. ``text[start:end] == figure`` and ``text[quote_start:quote_end] == quote``."""

    source: str
    figure: str
    start: int
    end: int
    unit: str
    kind: str
    measure: str
    subject: str
    comparator: str
    quote: str
    quote_start: int
    quote_end: int

    def to_dict(self) -> dict:
        return asdict(self)


_RESULT_MEASURE = re.compile(
    r"\b(median|mean|average|survival|response|rate|ratio|risk|reduction|efficacy|remission|"
    r"time to|duration of|improvement|change|difference|loss|decline|slowing|sensitivity|specificity|"
    r"accuracy|MARD|HbA1c|endpoint|PFS|OS|ORR|DFS|EFS)\b",
    re.IGNORECASE,
)
_MARKET = re.compile(r"\b(shares?|stock|price|trading|premium|market value|valuation)\b", re.IGNORECASE)
_AGE = re.compile(r"\b(aged?|ages|years? of age|years? old|older|younger)\b", re.IGNORECASE)


def _kind(fig: Figure, measure: str, quote_here: str) -> str:
    """The figure's class, refined by what it measures: a median time is a result, a share move money,
    an age bound other."""
    if fig.kind == "duration":
        if _AGE.search(quote_here):
            return "other"
        if _RESULT_MEASURE.search(measure):
            return "result"
    if fig.kind == "result" and fig.unit in {"%", "pp", "bps"} and _MARKET.search(measure + " " + quote_here):
        return "money"
    if fig.kind == "count" and fig.unit == "" and re.fullmatch(r"[\d.]+", fig.text) and "." in fig.text:
        return "result"
    return fig.kind


class FactSheet:
    """Reads releases into fact rows; one instance per process holds the parser and the cache.

    >>> FactSheet().run("r.txt", "Revenue rose 5% to $3.2 billion in 2024.")[1].figure
    '$3.2 billion'
    """

    def __init__(self, cache_dir: Path | None = None) -> None:
        self.cache_dir = cache_dir
        self._memory: dict[str, list[FactRow]] = {}
        self._lock = threading.Lock()

    def _key(self, source: str, text: str) -> str:
        h = hashlib.sha256(f"{SHEET_VERSION}\x00{source}\x00{text}".encode()).hexdigest()[:32]
        return h

    def run(self, source: str, text: str) -> list[FactRow]:
        """The rows of one release, cached by its text."""
        key = self._key(source, text)
        with self._lock:
            if key in self._memory:
                return self._memory[key]
        path = self.cache_dir / f"{key}.json" if self.cache_dir else None
        if path is not None and path.exists():
            try:
                rows = [FactRow(**r) for r in json.loads(path.read_text(encoding="utf-8"))]
                with self._lock:
                    self._memory[key] = rows
                return rows
            except (ValueError, TypeError):
                pass  # a damaged cache file is read again from the text
        rows = self._read(source, text)
        with self._lock:
            self._memory[key] = rows
        if path is not None:
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                tmp = path.with_suffix(".tmp")
                tmp.write_text(json.dumps([r.to_dict() for r in rows]), encoding="utf-8")
                tmp.replace(path)
            except OSError:
                pass  # a read-only index folder: the sheet is still served from memory
        return rows

    def _read(self, source: str, text: str) -> list[FactRow]:
        figures = find_figures(text)
        if not figures:
            return []
        sentences = [(s.start, s.end) for s in split_sentences(text)]
        by_sentence: dict[tuple[int, int], list[Figure]] = collections.defaultdict(list)
        for f in figures:
            sent = next(((a, b) for a, b in sentences if a <= f.start < b), None)
            if sent is None:
                sent = _line_of(text, f.start)
            by_sentence[(sent[0], max(sent[1], f.end))].append(f)
        nlp = load_parser()
        keys = sorted(by_sentence)
        docs = list(nlp.pipe([text[a:b] for a, b in keys]))
        default = product_of(text) or company_of(text, [(e.text, e.label_) for d in docs for e in d.ents])
        trials = Trials(text)
        rows: list[FactRow] = []
        for (a, b), doc in zip(keys, docs, strict=True):
            figs = by_sentence[(a, b)]
            readings = read_sentence(
                doc,
                [(f.start - a, f.end - a) for f in figs],
                default,
                [f.kind for f in figs],
                a,
                [f.unit for f in figs],
            )
            readings = [
                # Money is a company's, not a trial's: only the other kinds are placed in a trial.
                replace(r, subject=with_trial(r.subject, trials.at(f.start, (a, b))))
                if f.kind != "money"
                else r
                for f, r in zip(figs, readings, strict=True)
            ]
            comparators = [""] * len(figs)
            for k, r in enumerate(readings):
                j = r.compared_with
                if j is not None and j != k:
                    comparators[k] = f"{readings[j].subject}, {figs[j].text}".strip(", ")
                    if not comparators[j]:
                        comparators[j] = f"{r.subject}, {figs[k].text}".strip(", ")
            quote = text[a:b]
            for f, r, comp in zip(figs, readings, comparators, strict=True):
                rows.append(
                    FactRow(
                        source,
                        f.text,
                        f.start,
                        f.end,
                        f.unit,
                        _kind(f, r.measure, quote),
                        r.measure,
                        r.subject,
                        comp,
                        quote,
                        a,
                        b,
                    )
                )
        return rows


def with_trial(subject: str, trial: str) -> str:
    """ "placebo arm, ORION-10": the subject with the trial it is in, unless it names it already."""
    if not trial or trial.lower() in subject.lower():
        return subject
    return f"{subject}, {trial}" if subject else trial


def _line_of(text: str, pos: int) -> tuple[int, int]:
    a = text.rfind("\n", 0, pos) + 1
    b = text.find("\n", pos)
    return a, len(text) if b < 0 else b
