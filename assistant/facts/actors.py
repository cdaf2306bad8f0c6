"""Who a release's figures are about by default: its product or company, and the trials it names.

Why: a figure's own sentence often names only an arm ("in the placebo arm") or nothing ("Median PFS was
13.8 months"); a reader fills in the drug, the company and the trial from the release. The product is the
brand a release writes with its generic name in brackets ("Kisqali (ribociclib)", "Cabometyx®
(cabozantinib)"), else the organisation or product spaCy finds most often; trials are names written as
names (two or more capitals, or a capital and a number: "REDEFINE 1", "ORION-10", "NATALEE",
"CheckMate -816") that the release calls a trial or a study, found again wherever the release repeats them.

>>> t = "In the Phase 3 ORION-10 trial, LDL-C fell. ORION-10 enrolled 1,561 patients."
>>> [(n, i) for i, n in trial_mentions(t)]
[('ORION-10', 15), ('ORION-10', 43)]
"""

from __future__ import annotations

import bisect
import collections
import re

_NAME = r"[A-Z][A-Za-z]*[A-Z][A-Za-z0-9]*(?:\s?-\s?\d{1,3}|\s\d{1,2}(?![\d.,%])|\s(?:I{1,3}|IV)\b)?"
_TRIAL = re.compile(
    rf"(?P<name>{_NAME}(?:\s(?:and|&)\s{_NAME})?)(?:\s\([A-Z][\w-]*\))?\s(?:(?:clinical|pivotal|registrational|global|"
    r"confirmatory|randomi[sz]ed|open-label|head-to-head|extension)\s){0,2}(?:trials?|stud(?:y|ies)|program(?:me)?)\b"
    rf"|\b(?:[Pp]hase\s?(?:[1-4]|I{{1,3}}|IV)[ab]?(?:/\d)?)\s(?P<after>{_NAME})"
)
_NOT_TRIAL = re.compile(r"^(?:(?:Phase|The|This|A|An|In|FDA|EMA|CHMP|US|U\.S|EU|NCT\d+|COVID)\b|[IVX]+$)")
_BRAND = re.compile(r"\b([A-Z][A-Za-z0-9-]{2,})[®™]?\s?\(([a-z][a-z-]{3,}(?:\s(?:and|plus)\s[a-z-]+)?)\)")


def trial_mentions(text: str) -> list[tuple[int, str]]:
    """(offset, name) of every mention of a trial the release names, in reading order."""
    names = collections.Counter()
    for m in _TRIAL.finditer(text):
        name = (m.group("name") or m.group("after") or "").strip()
        if len(name) >= 3 and not _NOT_TRIAL.match(name) and sum(c.isupper() for c in name) >= 2:
            names[name] += 1
    out = []
    for name in names:
        for m in re.finditer(rf"(?<![\w-]){re.escape(name)}(?![\w-])", text):
            out.append((m.start(), name))
    return sorted(out)


def product_of(text: str) -> str:
    """The brand written with its generic name in brackets, the first time ("Kisqali (ribociclib)")."""
    m = _BRAND.search(text)
    return m.group(1) if m else ""


class Trials:
    """The trial a position in the release is about: the nearest named before it in its sentence, else the
    last named before the sentence, else the one named most."""

    def __init__(self, text: str) -> None:
        self.mentions = trial_mentions(text)
        self.starts = [s for s, _ in self.mentions]
        counts = collections.Counter(n for _, n in self.mentions)
        self.main = counts.most_common(1)[0][0] if counts else ""

    def at(self, pos: int, sentence: tuple[int, int]) -> str:
        i = bisect.bisect_right(self.starts, pos) - 1
        if i >= 0:
            return self.mentions[i][1]
        inside = [n for s, n in self.mentions if sentence[0] <= s < sentence[1]]
        return inside[0] if inside else self.main


def company_of(text: str, ents: list[tuple[str, str]]) -> str:
    """The organisation or product the release is about: of the names spaCy finds, the one written most
    often in the release, with a bonus for being named in its opening (the headline and lead). Tickers and
    short all-capital names ("SYK", "CGM") are skipped: they are codes or the names of tests and diseases."""
    lead = text[:400]
    names = {re.sub(r"^the\s", "", t.strip(" ,.;:'’")) for t, label in ents if label in {"ORG", "PRODUCT"}}
    names = {
        n
        for n in names
        if len(n) > 2
        and len(n.split()) <= 3
        and "(" not in n
        and not (n.isupper() and len(n) <= 5)
        and not re.search(r"NYSE|NASDAQ|Nasdaq|Reuters|Wire|Newswire|\d", n)
    }
    if not names:
        return ""
    return max(sorted(names), key=lambda n: text.count(n) + 3 * (n in lead))
