"""Check a draft against the releases: each claim supported, contradicted or not found, with evidence.

Why claims are checked by their *facts* and not by similarity alone: the people who use this check drafts
whose errors are small (13.8 written as 13.6, months as weeks, the placebo arm's value given for the drug,
"approved" for "positive opinion"), and a reworded sentence with one wrong figure is as similar to its
source as a right one. So each claim is first aligned with the release sentences about the same subject
(retrieval, then IDF-weighted concept overlap and embedding cosine, the answerer's own signals), and then
its checkable facts are compared one by one with the aligned sentences:

- figures by value and unit, never as strings ("0.23" = "0.230"; "23 %" ≠ "0.23"; "13.8 months" ≠ "13.8
  weeks"); a value found with the other arm's or cohort's words is a swap;
- dates by day, month and year; regulatory status by class (an approval is not an opinion or a filing);
- names (companies, products, trials) the release never uses, where the rest of the claim aligns.

A claim with a fact the aligned text contradicts is **contradicted** (both sides shown); a claim whose
facts and words the aligned text holds is **supported** (its citations, exact offsets); anything else is
**not found**. Usage::

    report = Assistant().check("Median PFS was 13.6 months in the pNET cohort.")
    report.results[0].verdict  # "contradicted"; .draft_value "13.6 months", .release_value "13.8 months"
    print(report.to_markdown())
"""

from __future__ import annotations

import html
import re
import time
from dataclasses import dataclass, field

import numpy as np

from .answer import Citation
from .knowledge import Knowledge, SentenceRef
from .lexicon import strip_footnotes, words
from .retrieve import HybridRetriever
from .sentences import split_sentences
from .textfold import fold

SUPPORTED, CONTRADICTED, NOT_FOUND = "supported", "contradicted", "not found"
#: Share of the claim's IDF-weighted concepts (figures aside) a sentence must hold to be about the same
#: subject; a sentence this aligned decides the claim's facts.
ALIGN = 0.35
#: A claim with no checkable fact is supported only by a sentence holding this much of it.
SUPPORT = 0.6
LOCAL_WORDS = 4
#: The claim names the group anywhere in the clause around its figure (up to the neighbouring figures).
CLAIM_SIDE_WORDS = 40
#: Retrieved sentences searched for the claim's number in another unit (48 months vs 48 weeks).
UNIT_LOOK = 3
#: Passages read for the status of the claim's subject.
STATUS_LOOK = 4

_UNITS = {
    "%": "%",
    "percent": "%",
    "per cent": "%",
    "percentage points": "pp",
    "month": "month",
    "months": "month",
    "week": "week",
    "weeks": "week",
    "day": "day",
    "days": "day",
    "year": "year",
    "years": "year",
    "hour": "hour",
    "hours": "hour",
    "mg": "mg",
    "milligrams": "mg",
    "g": "g",
    "kg": "kg",
    "ml": "ml",
    "patients": "people",
    "participants": "people",
    "people": "people",
    "subjects": "people",
    "adults": "people",
    "billion": "billion",
    "bn": "billion",
    "million": "million",
    "m": "million",
    "fold": "fold",
    "euros": "€",
    "euro": "€",
    "dollars": "$",
    "trials": "trials",
    "studies": "trials",
    "countries": "countries",
}
_UNIT_RE = "|".join(sorted((re.escape(u) for u in _UNITS), key=len, reverse=True))
_NUMBER_WORDS = {
    w: i for i, w in enumerate("zero one two three four five six seven eight nine ten eleven twelve".split())
}
_CURRENCY_WORDS = {
    "euros": "€",
    "euro": "€",
    "dollars": "$",
    "dollar": "$",
    "pounds": "£",
    "usd": "$",
    "eur": "€",
}
_QUANTITY = re.compile(
    rf"(?<![\w.-])(?P<cur>[$€£])?\s?(?P<num>\d+:\d+(?![\d.])|\d{{1,3}}(?:,\d{{3}})+|\d+(?:\.\d+)?"
    rf"|(?:{'|'.join(_NUMBER_WORDS)})\b)"
    rf"(?:\s?-?\s?(?P<unit>{_UNIT_RE})\b(?:\s(?P<curword>{'|'.join(_CURRENCY_WORDS)})\b)?|(?P<pct>%))?",
    re.IGNORECASE,
)
#: "Phase 3", "Study 145", "Grade 3": a number that names something is not a quantity.
_IDENTIFIER_BEFORE = re.compile(
    r"\b(?:phase|study|grade|stage|cohort|arm|part|week|day|version|no\.?)\s*$", re.I
)
_MONTHS = {
    m: i + 1
    for i, ms in enumerate(
        ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
    )
    for m in [ms]
}
_DATE = re.compile(
    r"\b(?:(?P<d1>\d{1,2})\s+(?P<m1>jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?,?\s+(?P<y1>\d{4})"
    r"|(?P<m2>jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+(?P<d2>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<y2>\d{4})"
    r"|(?P<m3>jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?,?\s+(?P<y3>\d{4})"
    r"|(?P<y4>(?:19|20)\d{2})-(?P<m4>\d{2})-(?P<d4>\d{2}))\b",
    re.IGNORECASE,
)
#: Regulatory status by class: a claim of one class where the release states only another is overstated
#: (or understated). Listed by class, as a regulatory writer would list them.
_STATUS = {
    "approval": re.compile(
        r"\b(approv(?:ed|es|al|e)|authori[sz](?:ed|ation)|licen[sc]ed|cleared|clearance|launch(?:ed|es)?)\b",
        re.IGNORECASE,
    ),
    "opinion": re.compile(
        r"\b(positive opinion|recommend(?:ed|s|ation)?|endors(?:ed|es|ement))\b", re.IGNORECASE
    ),
    "filing": re.compile(
        r"\b(submitt?(?:ed|ing|s)|filed|filing|accepted for review|under review|priority review)\b",
        re.IGNORECASE,
    ),
}


@dataclass(frozen=True)
class Quantity:
    value: float
    unit: str
    text: str
    start: int
    end: int


@dataclass
class Claim:
    text: str
    start: int
    end: int


@dataclass
class ClaimResult:
    claim: Claim
    verdict: str
    citations: list[Citation] = field(default_factory=list)
    draft_value: str = ""
    release_value: str = ""
    kind: str = ""  # figure, unit, swap, date, status, name (for contradicted)
    reason: str = ""

    def to_dict(self) -> dict:
        return {
            "claim": self.claim.text,
            "start": self.claim.start,
            "end": self.claim.end,
            "verdict": self.verdict,
            "kind": self.kind,
            "draft_value": self.draft_value,
            "release_value": self.release_value,
            "reason": self.reason,
            "citations": [c.to_dict() for c in self.citations],
        }


@dataclass
class CheckReport:
    draft: str
    results: list[ClaimResult]
    sources: list[str]
    checked_at: str = field(default_factory=lambda: time.strftime("%Y-%m-%d %H:%M:%S"))
    seconds: float = 0.0

    def counts(self) -> dict[str, int]:
        out = {SUPPORTED: 0, CONTRADICTED: 0, NOT_FOUND: 0}
        for r in self.results:
            out[r.verdict] += 1
        return out

    def to_dict(self) -> dict:
        return {
            "checked_at": self.checked_at,
            "sources": self.sources,
            "counts": self.counts(),
            "claims": [r.to_dict() for r in self.results],
        }

    def to_markdown(self) -> str:
        c = self.counts()
        lines = [
            "# Draft check",
            "",
            f"Checked {self.checked_at} against {len(self.sources)} release(s): "
            + ", ".join(f"`{s}`" for s in self.sources),
            "",
            f"**{c[SUPPORTED]} supported, {c[CONTRADICTED]} contradicted, {c[NOT_FOUND]} not found.**",
            "",
        ]
        for n, r in enumerate(self.results, start=1):
            lines.append(f"## {n}. {r.verdict.upper()}{f' ({r.kind})' if r.kind else ''}")
            lines += ["", f"> {r.claim.text}", ""]
            if r.verdict == CONTRADICTED:
                lines += [
                    f"- the draft says: **{r.draft_value}**",
                    f"- the release says: **{r.release_value}**",
                ]
            if r.reason:
                lines.append(f"- {r.reason}")
            for cit in r.citations:
                lines.append(f"- [{cit.n}] `{cit.source}` characters {cit.start}–{cit.end}: “{cit.quote}”")
            lines.append("")
        return "\n".join(lines)

    def to_html(self) -> str:
        """A self-contained page (no external resources) for an audit trail."""
        c = self.counts()
        srcs = ", ".join(f"<code>{html.escape(s)}</code>" for s in self.sources)
        return (
            "<!DOCTYPE html><html><head><meta charset='utf-8'><title>Draft check</title><style>"
            "body{font-family:system-ui,sans-serif;max-width:900px;margin:2em auto;line-height:1.45}"
            f"{CLAIM_CSS}</style></head><body>"
            f"<h1>Draft check</h1><p>Checked {html.escape(self.checked_at)} against {srcs}.</p>"
            f"<p><b>{c[SUPPORTED]} supported, {c[CONTRADICTED]} contradicted, {c[NOT_FOUND]} not found.</b></p>"
            + "".join(claim_html(n, r) for n, r in enumerate(self.results, start=1))
            + "</body></html>"
        )


#: Colours of the three verdicts (text, background) and their labels, for the HTML report and the UI.
VERDICT_STYLE = {
    SUPPORTED: ("#15803d", "#f0fdf4", "✓ supported"),
    CONTRADICTED: ("#b91c1c", "#fef2f2", "✗ contradicted"),
    NOT_FOUND: ("#92400e", "#fffbeb", "? not found"),
}
CLAIM_CSS = (
    ".claim{padding:6px 10px;margin:8px 0;border-radius:4px}.claim .verdict{font-weight:600}"
    ".claim table.side{border-collapse:collapse;margin:4px 0}"
    ".claim table.side td,.claim table.side th{border:1px solid #d1d5db;padding:2px 8px}"
    ".claim ul{margin:4px 0 0 0;font-size:0.9em}.claim .why{color:#4b5563}"
)


def claim_html(n: int, r: ClaimResult) -> str:
    """One claim: its verdict, the draft's and the release's words side by side when they differ, and
    every quote with its release and exact offsets (the HTML report and the UI show the same)."""
    colour, background, label = VERDICT_STYLE[r.verdict]
    kind = f" · {html.escape(r.kind)}" if r.kind else ""
    side = ""
    if r.verdict == CONTRADICTED:
        side = (
            '<table class="side"><tr><th>the draft says</th><th>the release says</th></tr>'
            f"<tr><td>{html.escape(r.draft_value)}</td><td>{html.escape(r.release_value)}</td></tr></table>"
        )
    quotes = "".join(
        f"<li><code>{html.escape(q.source)}</code> characters {q.start}–{q.end}: “{html.escape(q.quote)}”</li>"
        for q in r.citations
    )
    why = f'<div class="why">{html.escape(r.reason)}</div>' if r.reason else ""
    return (
        f'<div class="claim claim-{r.verdict.replace(" ", "-")}" style="border-left:4px solid {colour};'
        f'background:{background}"><div class="verdict" style="color:{colour}">{n}. {label}{kind}</div>'
        f'<div class="claim-text">{html.escape(r.claim.text)}</div>{side}{why}<ul>{quotes}</ul></div>'
    )


def split_claims(text: str) -> list[Claim]:
    """Sentences, and list items as claims of their own (a bullet or number marker is not part of it)."""
    out = []
    for s in split_sentences(text):
        start, end = s.start, s.end
        m = re.match(r"\s*(?:[-*•–]|\d+[.)])\s+", text[start:end])
        if m:
            start += m.end()
        piece = text[start:end].strip()
        if len(words(piece)) >= 3:
            lead = len(text[start:end]) - len(text[start:end].lstrip())
            out.append(Claim(piece, start + lead, start + lead + len(piece)))
    return out


def quantities(text: str) -> list[Quantity]:
    """Figures with their units, by value: "1,093 patients" = 1093 people; "0.230" = 0.23."""
    out = []
    clean = strip_footnotes(text)
    for m in _QUANTITY.finditer(clean):
        num = m.group("num").lower()
        unit = "%" if m.group("pct") else _UNITS.get((m.group("unit") or "").lower(), "")
        currency = m.group("cur") or _CURRENCY_WORDS.get((m.group("curword") or "").lower(), "")
        if unit in {"€", "$"} and not currency:  # "30.48 euros"
            currency, unit = unit, ""
        if currency:
            unit = f"{currency}{unit}"
        if ":" in num:  # a ratio, "2:1", compared as one value
            a, b = num.split(":")
            out.append(
                Quantity(float(a) / max(float(b), 1e-9), "ratio", m.group(0).strip(), m.start(), m.end())
            )
            continue
        if num in _NUMBER_WORDS:
            if not unit:
                continue  # "one of the", "two studies" without a unit word: too often not a figure
            value = float(_NUMBER_WORDS[num])
        else:
            value = float(num.replace(",", ""))
        if not unit and 1900 <= value <= 2099 and "." not in num:
            continue  # a year: compared as a date
        if not unit and _IDENTIFIER_BEFORE.search(clean[: m.start()]):
            continue
        out.append(Quantity(value, unit, m.group(0).strip(), m.start(), m.end()))
    # A range or confidence interval ("0.12-0.42", "55 to 68%") is a pair: its upper end, which the pattern
    # above does not start at a hyphen, is a value of its own with the range's unit.
    for m in _RANGE.finditer(clean):
        high_unit = _UNITS.get((m.group("unit") or "").lower(), "") or ("%" if m.group("pct") else "")
        for i, q in enumerate(out):  # "$33.4–33.9 billion": the low end takes the range's unit
            if m.start() < q.end <= m.start("high"):
                if high_unit and not _base(q.unit) or (q.unit in "$€£" and high_unit):
                    out[i] = Quantity(
                        q.value, f"{q.unit if q.unit in '$€£' else ''}{high_unit}", q.text, q.start, q.end
                    )
        if not any(q.start == m.start("high") for q in out):
            low = next((q for q in out if q.end <= m.start("high") and q.start >= m.start()), None)
            unit = _UNITS.get((m.group("unit") or "").lower(), "") or (low.unit if low else "")
            if m.group("pct"):
                unit = "%"
            out.append(Quantity(float(m.group("high")), unit, m.group("high"), m.start("high"), m.end()))
    return sorted(out, key=lambda q: q.start)


_RANGE = re.compile(
    rf"(?<![\w.])\d+(?:\.\d+)?\s?%?\s?(?:-|–|to)\s?(?P<high>\d+(?:\.\d+)?)(?![\d.:])"
    rf"(?:\s?(?P<unit>{_UNIT_RE})\b|(?P<pct>%))?",
    re.IGNORECASE,
)


def _base(unit: str) -> str:
    """The unit without its currency sign: "$2.25 billion" and "2.25 billion" state the same amount."""
    return unit.lstrip("$€£") or unit


def _compatible(a: str, b: str) -> bool:
    """Same unit, or the same amount where only one side names the currency; "" matches only ""."""
    if a == b:
        return True
    return _base(a) == _base(b) and (_base(a) == a or _base(b) == b)


_YEAR = re.compile(r"(?<![\w$€£])(?<!\d[.,])((?:19|20)\d{2})(?![\w%]|[.,]\d)")
_MONTH_ONLY = re.compile(
    r"\b(January|February|March|April|May|June|July|August|September|October|November|December)\b"
)


def dates(text: str) -> set[tuple[int, int, int]]:
    """(year, month, day) of every date written; 0 for a part not given ("June 2025", "2023", "in March")."""
    out = set()
    covered = [m.span() for m in _DATE.finditer(text)]
    for m in _YEAR.finditer(text):
        if not any(a <= m.start() < b for a, b in covered):
            out.add((int(m.group(1)), 0, 0))
    for m in _MONTH_ONLY.finditer(text):
        if not any(a <= m.start() < b for a, b in covered):
            out.add((0, _MONTHS[m.group(1)[:3].lower()], 0))
    for m in _DATE.finditer(text):
        g = m.groupdict()
        if g["y4"]:
            out.add((int(g["y4"]), int(g["m4"]), int(g["d4"])))
            continue
        for d, mo, y in (("d1", "m1", "y1"), ("d2", "m2", "y2"), (None, "m3", "y3")):
            if g[mo]:
                out.add((int(g[y]), _MONTHS[g[mo][:3].lower()], int(g[d]) if d and g[d] else 0))
    return out


def _same_date(a: tuple[int, int, int], b: tuple[int, int, int]) -> bool:
    """Equal in every part both give: "June 2025" matches "20 June 2025"; 2024 does not match 2023."""
    return all(x == y or 0 in (x, y) for x, y in zip(a, b, strict=True))


def _fmt_date(d: tuple[int, int, int]) -> str:
    months = "January February March April May June July August September October November December".split()
    parts = [str(d[2]) if d[2] else "", months[d[1] - 1] if d[1] else "", str(d[0]) if d[0] else ""]
    return " ".join(p for p in parts if p)


#: Words that make a status prospective, conditional or denied ("if approved", "expecting approval", "no
#: vaccine is approved"): such a mention is not a statement that the status was reached.
_NOT_REACHED = re.compile(
    r"\b(if|whether|expect\w*|anticipat\w*|pending|potential\w*|would|could|may|might|seek\w*|decision on|"
    r"no|not|none|without|yet to|plans? to|intends? to|towards?)\b[^.;]{0,60}$",
    re.IGNORECASE,
)


def status_classes(text: str) -> set[str]:
    """Statuses a text says were reached; a prospective or denied mention does not count."""
    found = set()
    for kind, rx in _STATUS.items():
        for m in rx.finditer(text):
            if not _NOT_REACHED.search(text[max(0, m.start() - 60) : m.start()]):
                found.add(kind)
    return found


class DraftChecker:
    """One job: verdicts for the claims of a draft, against the loaded index (see the module docstring)."""

    def __init__(self, kn: Knowledge, retriever: HybridRetriever, embeddings) -> None:
        from .answer_type import AnswerTyper

        self.kn = kn
        self.retriever = retriever
        self.embeddings = embeddings
        self.typer = AnswerTyper()

    # --- alignment ---------------------------------------------------------------------------------
    def _content(self, text: str) -> set[str]:
        return {c for c in self.kn.lexicon.concepts(fold(strip_footnotes(text))) if not c[0].isdigit()}

    def _overlap(self, claim: set[str], sentence: set[str]) -> float:
        total = sum(self.kn.idf(c) for c in claim) or 1.0
        return sum(self.kn.idf(c) for c in claim & sentence) / total

    def _candidates(self, claim: Claim, sources: list[str] | None) -> list[tuple[float, SentenceRef]]:
        vec = np.asarray(self.embeddings.embed_query(fold(claim.text)), dtype=np.float32)
        hits = self.retriever.search(fold(claim.text), vec, k=8, sources=sources)
        refs: dict[tuple[str, int], SentenceRef] = {}
        for h in hits:
            for s in h.chunk.sentences:
                for ref in self.kn.sentences.get(h.chunk.source, []):
                    if ref.start == s.start:
                        refs[(ref.source, ref.start)] = ref
        words_ = self._content(claim.text)
        scored = [
            (self._overlap(words_, self.kn.concepts_of(r) | self._heading(r)), r) for r in refs.values()
        ]
        return sorted(scored, key=lambda x: -x[0])

    def _heading(self, ref: SentenceRef) -> frozenset[str]:
        """A sentence is read with its section heading and paragraph opening ("In the pNET cohort, …")."""
        extra = set(self._content(ref.section)) if ref.section else set()
        para = self.kn.paragraph_of(ref)
        if para and para[0] != ref:
            extra |= self.kn.concepts_of(para[0])
        return frozenset(extra)

    def _cite(self, refs: list[SentenceRef]) -> list[Citation]:
        out = []
        for n, ref in enumerate(refs, start=1):
            quote = self.kn.text(ref)
            out.append(Citation(n, ref.source, quote, ref.start, ref.end, 0.0))
        return out

    # --- facts -------------------------------------------------------------------------------------
    @staticmethod
    def _sides(text: str, q: Quantity, others: list[Quantity], n: int = LOCAL_WORDS) -> tuple[str, str]:
        """The words before a figure (what it measures: "median PFS was") and after it (whose it is:
        "months for placebo"), each up to the neighbouring figure."""
        before = max([o.end for o in others if o.end <= q.start], default=0)
        after = min([o.start for o in others if o.start >= q.end], default=len(text))
        left = " ".join(words(text[before : q.start])[-n:])
        right = " ".join(words(text[q.end : after])[:n])
        return left, right

    def _check_figure(
        self, claim: Claim, cq: Quantity, cqs: list[Quantity], aligned: list[tuple[float, SentenceRef]]
    ) -> ClaimResult | None:
        """None when an aligned sentence holds the figure (same value, compatible unit) for the same group;
        otherwise the contradiction: the value of the other arm (swap), the same number in another unit,
        or another value for the same thing."""
        c_left, c_right = (self._content(x) for x in self._sides(claim.text, cq, cqs))
        # The claim may name the group on either side ("placebo had a median PFS of 13.8 months").
        wide_l, wide_r = (self._content(x) for x in self._sides(claim.text, cq, cqs, CLAIM_SIDE_WORDS))
        claim_side = wide_l | wide_r
        other: tuple[SentenceRef, Quantity] | None = None
        unit_clash: tuple[SentenceRef, Quantity] | None = None
        swap: ClaimResult | None = None
        for _, ref in aligned:
            text = self.kn.text(ref)
            rqs = quantities(text)
            same = [r for r in rqs if abs(r.value - cq.value) < 1e-9]
            comparable = [r for r in rqs if _compatible(r.unit, cq.unit)]
            # A claim may leave the unit to a neighbouring figure ("13.8 vs 4.4 months"): a bare number
            # is held by the same value in any unit.
            held = [r for r in same if _compatible(r.unit, cq.unit) or not cq.unit]
            if held:
                # The occurrence(s) measuring what the claim measures (the words before the figure).
                fit = [(len(c_left & self._content(self._sides(text, r, rqs)[0])), r) for r in held]
                best = max(f for f, _ in fit)
                # Arms and groups are compared on figures with a unit (months, %, mg, patients); bare numbers
                # beside a figure are mostly its interval or p-value.
                rivals = [
                    o for o in comparable if o.unit and all(abs(o.value - r.value) > 1e-9 for r in held)
                ]
                swapped = [self._swapped(claim_side, text, r, rqs, rivals) for f, r in fit if f == best]
                if not all(swapped):
                    return None  # held, for the same group
                swap = swap or self._contra(
                    claim,
                    ref,
                    "swap",
                    cq.text,
                    swapped[0].text,
                    f"{cq.text} is the release's figure for another group",
                )
                continue
            if same and cq.unit and same[0].unit and unit_clash is None:
                unit_clash = (ref, same[0])
            if comparable and other is None:
                near = [(len(c_left & self._content(self._sides(text, o, rqs)[0])), o) for o in comparable]
                score, pick = max(near, key=lambda x: x[0])
                if score > 0:  # the release states this quantity, in the claim's words, with another value
                    other = (ref, pick)
        if swap is not None:
            return swap
        if unit_clash is not None:
            return self._contra(claim, unit_clash[0], "unit", cq.text, unit_clash[1].text)
        if other is not None:
            return self._contra(claim, other[0], "figure", cq.text, other[1].text)
        return None

    def _swapped(
        self, claim_side: set[str], text: str, r: Quantity, rqs: list[Quantity], rivals: list[Quantity]
    ) -> Quantity | None:
        """The rival figure whose group the claim names for this value ("4.4 months for placebo" when the
        claim gives 13.8 months to placebo), or None. Only the words after each figure (whose figure it is)
        that tell the two apart count."""
        mine = self._content(self._sides(text, r, rqs)[1])
        for o in rivals:
            theirs = self._content(self._sides(text, o, rqs)[1])
            if claim_side & (theirs - mine) and not claim_side & (mine - theirs):
                return o
        return None

    def _contra(
        self, claim: Claim, ref: SentenceRef, kind: str, draft: str, release: str, why: str = ""
    ) -> ClaimResult:
        return ClaimResult(claim, CONTRADICTED, self._cite([ref]), draft, release, kind, why)

    def _swap_of_subject(
        self, claim: Claim, cq: Quantity, aligned: list[tuple[float, SentenceRef]]
    ) -> ClaimResult | None:
        """The figure stands in the release only for another cohort or group than the one the claim names
        ("a pNET figure given for epNET"): no aligned sentence (read with its heading and paragraph
        opening) holds both the claim's names and the value, and one that holds the value names another."""
        named = self._names_of(claim.text)
        if not named:
            return None
        elsewhere = None
        for _, ref in aligned:
            text = self.kn.text(ref)
            if not any(
                abs(r.value - cq.value) < 1e-9 and _compatible(r.unit, cq.unit) for r in quantities(text)
            ):
                continue
            held = self.kn.concepts_of(ref) | self._heading(ref)
            if named <= held:
                return None
            others = sorted(self._names_of(text) - named)
            if elsewhere is None and others and named - held:
                elsewhere = (ref, others)
        if elsewhere is None:
            return None
        ref, others = elsewhere
        # Only a swap when the release also measures this for the claim's own group, with another value.
        c_left = self._content(self._sides(claim.text, cq, quantities(claim.text))[0])
        for _, mine in aligned:
            text = self.kn.text(mine)
            if not named <= self.kn.concepts_of(mine) | self._heading(mine):
                continue
            rqs = quantities(text)
            for r in rqs:
                if _compatible(r.unit, cq.unit) and c_left & self._content(self._sides(text, r, rqs)[0]):
                    why = f"the release gives {cq.text} for {', '.join(others)}"
                    return ClaimResult(
                        claim, CONTRADICTED, self._cite([mine, ref]), cq.text, r.text, "swap", why
                    )
        return None

    def _names_of(self, text: str) -> set[str]:
        """The names, codes and defined terms of a text (pNET, CABINET), figures aside."""
        return {c for c in self.kn.lexicon.specific(fold(text)) if not any(ch.isdigit() for ch in c)}

    # --- one claim -----------------------------------------------------------------------------------
    def check_claim(self, claim: Claim, sources: list[str] | None, release_text: str) -> ClaimResult:
        scored = self._candidates(claim, sources)
        aligned = [(s, r) for s, r in scored if s >= ALIGN]
        cqs = quantities(claim.text)
        # Figures.
        for cq in cqs:
            verdict = self._swap_of_subject(claim, cq, aligned) or self._check_figure(claim, cq, cqs, aligned)
            if verdict is not None:
                return verdict
        # A figure no aligned sentence holds is never supported: contradicted by a retrieved sentence that
        # gives the same number in another unit, or by the aligned sentence that gives a figure in the same
        # unit (the closest one); otherwise not found.
        for cq in cqs:
            if any(
                abs(r.value - cq.value) < 1e-9 and (_compatible(r.unit, cq.unit) or not cq.unit)
                for _, ref in aligned
                for r in quantities(self.kn.text(ref))
            ):
                continue
            for _, ref in scored[:UNIT_LOOK]:
                for r in quantities(self.kn.text(ref)):
                    if (
                        abs(r.value - cq.value) < 1e-9
                        and cq.unit
                        and r.unit
                        and not _compatible(r.unit, cq.unit)
                    ):
                        return self._contra(claim, ref, "unit", cq.text, r.text)
            for _, ref in aligned:
                rqs = [r for r in quantities(self.kn.text(ref)) if cq.unit and r.unit == cq.unit]
                if rqs:
                    pick = min(rqs, key=lambda r: abs(r.value - cq.value))
                    return self._contra(claim, ref, "figure", cq.text, pick.text)
            return ClaimResult(claim, NOT_FOUND, [], reason=f"no passage of the release gives {cq.text}")
        # Dates: compared with the dates of the passages most about the claim's subject, or of the release
        # when those give none.
        about = [r for sc, r in scored[:STATUS_LOOK] if sc >= ALIGN / 2]
        claim_dates = dates(claim.text)
        for d in claim_dates:
            near = [(ref, dates(self.kn.text(ref))) for ref in about]
            near = [(ref, ds) for ref, ds in near if ds]
            pool = [x for _, ds in near for x in ds] if near else list(dates(release_text))
            if pool and not any(_same_date(d, x) for x in pool) and scored:
                ref = near[0][0] if near else scored[0][1]
                shown = near[0][1] if near else (dates(self.kn.text(ref)) or set(pool))
                return self._contra(claim, ref, "date", _fmt_date(d), _fmt_date(sorted(shown)[0]))
        # Regulatory status: an approval claimed where the passages about the same subject state only an
        # opinion or a filing, or an approval only as a prospect ("a final decision on the approval is
        # expected"). Other approvals elsewhere in the release (earlier indications) do not count.
        if "approval" in status_classes(claim.text):
            about = [r for s, r in scored[:STATUS_LOOK] if s >= ALIGN / 2]
            stated = set().union(*(status_classes(self.kn.text(r)) for r in about)) if about else set()
            mentions = [r for r in about if _STATUS["approval"].search(self.kn.text(r))]
            if "approval" not in stated and (stated or mentions):
                ref = mentions[0] if mentions else next(r for r in about if status_classes(self.kn.text(r)))
                text = self.kn.text(ref)
                m = next((rx.search(text) for rx in _STATUS.values() if rx.search(text)), None)
                word = _STATUS["approval"].search(claim.text).group(0)
                return self._contra(claim, ref, "status", word, m.group(0) if m else "")
        # Names (companies, products, trials, places) the releases never use, where the best-aligned
        # sentence names another of the same kind in their place.
        if scored and scored[0][0] >= ALIGN:
            ref = scored[0][1]
            theirs = self._entities(self.kn.text(ref))
            folded = fold(release_text).lower()
            for label, name in self._entities(claim.text):
                if fold(name).lower() in folded:
                    continue
                rivals = [n for lab, n in theirs if lab == label and n.lower() not in claim.text.lower()]
                if rivals:
                    return self._contra(claim, ref, "name", name, rivals[0])
        # Supported: the best sentence holds the claim's words, and every figure checked above.
        if scored and scored[0][0] >= (ALIGN if cqs or claim_dates else SUPPORT):
            refs = [scored[0][1]]
            if cqs:
                holding = [
                    r
                    for _, r in aligned
                    if any(abs(x.value - q.value) < 1e-9 for q in cqs for x in quantities(self.kn.text(r)))
                ]
                refs = holding[:2] or refs
            return ClaimResult(claim, SUPPORTED, self._cite(refs))
        return ClaimResult(claim, NOT_FOUND, [], reason="no passage of the release states or contradicts it")

    def _entities(self, text: str) -> list[tuple[str, str]]:
        """Named entities that identify *which* thing (spaCy: organisations, products, people, places,
        events, laws, works); numbers and dates are compared as values above."""
        kinds = {"ORG", "PRODUCT", "PERSON", "GPE", "NORP", "EVENT", "LAW", "WORK_OF_ART", "FAC", "LOC"}
        return [(label, name) for label, name in self.typer.entities([text])[0] if label in kinds]

    def run(self, text: str, sources: list[str] | None = None) -> CheckReport:
        started = time.perf_counter()
        chosen = sources or sorted(self.kn.documents)
        release_text = " ".join(_joined(self.kn, s) for s in chosen)
        results = [self.check_claim(c, sources, release_text) for c in split_claims(text)]
        return CheckReport(text, results, chosen, seconds=time.perf_counter() - started)


def _joined(kn: Knowledge, source: str) -> str:
    t = kn.texts.get(source)
    return " ".join(seg for _, seg in t.segments()) if t else ""


def read_draft(path: str) -> str:
    """The text of a draft file: .txt/.md as is, .docx by its paragraphs (python-docx); "-" is stdin."""
    import sys
    from pathlib import Path

    if path == "-":
        return sys.stdin.read()
    p = Path(path)
    if p.suffix.lower() == ".docx":
        try:
            import docx

            return "\n".join(par.text for par in docx.Document(str(p)).paragraphs)
        except Exception as exc:  # a broken or non-Word file named .docx
            raise ValueError(f"{p}: not a readable .docx ({type(exc).__name__})") from exc
    data = p.read_bytes()
    if b"\x00" in data[:4096]:
        raise ValueError(f"{p}: looks binary; give a .txt, .md or .docx draft")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValueError(f"{p}: is not UTF-8 text") from exc
