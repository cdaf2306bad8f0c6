"""The checkable facts of a text: figures with units, dates and regulatory statuses, and how they compare.

Why by hand: no library reads "13.8 months", "HR 0.38", "USD 1.2 billion" or "approved by the European
Commission" as comparable facts with exact spans, and the checker must tell 13.8 from 13.6 and months
from weeks. The patterns are listed by class (units, currencies, months, statuses), not by example.

>>> [(q.value, q.unit) for q in quantities("median PFS was 13.8 months versus 4.4 months")]
[(13.8, 'month'), (4.4, 'month')]
>>> sorted(dates("on 20 June 2025"))
[(2025, 6, 20)]
"""

from __future__ import annotations

import re

from assistant.text.lexicon import strip_footnotes, words
from assistant.text.sentences import split_sentences
from assistant.types import Claim, Quantity

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
STATUS_PATTERNS = {
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
    # A decision still to come: "a decision expected by January 30, 2025", "PDUFA target action date".
    "decision": re.compile(
        r"\b((?:final\s)?decision\b[^.;]{0,30}\bexpected|expected\b[^.;]{0,20}\bdecision|PDUFA|"
        r"target action date|action date)\b",
        re.IGNORECASE,
    ),
}
#: Who decides, by region: an approval claimed for one region is read against what the release says
#: for that region (an FDA approval does not make an EU one).
REGULATORS = {
    "US": re.compile(
        r"\b(?:FDA|U\.S\. Food and Drug Administration|Food and Drug Administration|U\.S\.|US)\b"
    ),
    "EU": re.compile(
        r"\b(?:European Commission|EC|EMA|European Medicines Agency|CHMP|EU|European Union|Europe(?:an)?)\b"
    ),
    "Japan": re.compile(r"\b(?:PMDA|MHLW|Japan(?:ese)?)\b"),
    "UK": re.compile(r"\b(?:MHRA|UK|United Kingdom|Britain)\b"),
    "China": re.compile(r"\b(?:NMPA|China|Chinese)\b"),
    "Canada": re.compile(r"\b(?:Health Canada|Canada)\b"),
}


def regions(text: str) -> set[str]:
    """The regions whose regulators a text names."""
    return {name for name, rx in REGULATORS.items() if rx.search(text)}


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


def compatible_units(a: str, b: str) -> bool:
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


def same_date(a: tuple[int, int, int], b: tuple[int, int, int]) -> bool:
    """Equal in every part both give: "June 2025" matches "20 June 2025"; 2024 does not match 2023."""
    return all(x == y or 0 in (x, y) for x, y in zip(a, b, strict=True))


def format_date(d: tuple[int, int, int]) -> str:
    months = "January February March April May June July August September October November December".split()
    parts = [str(d[2]) if d[2] else "", months[d[1] - 1] if d[1] else "", str(d[0]) if d[0] else ""]
    return " ".join(p for p in parts if p)


#: Words that make a status prospective, conditional or denied ("if approved", "expecting approval", "no
#: vaccine is approved"): such a mention is not a statement that the status was reached.
_NOT_REACHED = re.compile(
    r"\b(if|whether|expect\w*|anticipat\w*|pending|potential\w*|would|could|may|might|seek\w*|decision on|"
    r"no|not|none|without|yet to|plans? to|intends? to|towards?)\b[^.;]{0,60}$"
    # "recommended for approval", "submitted for approval", "an application for approval": an opinion or a
    # filing that names the approval it leads to.
    r"|\b(recommend\w*|submit\w*|filed|filing|appl(?:y|ied|ication)s?|request\w*)\s(?:\w+\s){0,3}(?:for\s)?$",
    re.IGNORECASE,
)


def status_classes(text: str) -> set[str]:
    """Statuses a text says were reached; a prospective or denied mention does not count."""
    found = set()
    for kind, rx in STATUS_PATTERNS.items():
        for m in rx.finditer(text):
            if not _NOT_REACHED.search(text[max(0, m.start() - 60) : m.start()]):
                found.add(kind)
    return found


#: States that exclude each other, by family: a trial met or missed its endpoint; a deal closed or is still
#: to close; guidance raised, cut or kept; a device cleared (510(k)) or approved (PMA), or only CE-marked.
#: The first pattern of a family that matches a span wins it, so "did not meet" is read as missed, never as
#: met. Listed by class, as a regulatory or IR writer would list them.
STATE_FAMILIES: dict[str, list[tuple[str, re.Pattern[str]]]] = {
    "trial": [
        (
            "missed",
            re.compile(
                r"\b(?:did not|didn't|does not|failed to|fail(?:ed|s)? to|not)\s+(?:\w+\s){0,2}?"
                r"(?:meet|achieve|reach|show|demonstrate|hit)\b|\bmiss(?:ed|es)?\b|\bfell short\b"
                r"|\bnot statistically significant\b|\bfail(?:ed|s|ure)\b",
                re.IGNORECASE,
            ),
        ),
        (
            "met",
            re.compile(
                r"\b(?:met|meets|achieved|achieves|reached|hit|succeeded)\b(?=[^.;]{0,60}\b(?:end ?points?|goals?|"
                r"objectives?|target)\b)",
                re.IGNORECASE,
            ),
        ),
    ],
    "deal": [
        (
            "pending",
            re.compile(
                r"\b(?:expect\w*|slated|anticipat\w*|plan\w*|set|scheduled|subject to)\b[^.;]{0,30}\b(?:to\s)?"
                r"(?:close|closing|complet\w*)\b|\b(?:should|will|would|shall|is due to|is on track to)\s(?:\w+\s)?"
                r"(?:close|be (?:completed|closed|finali[sz]ed))\b|\bpending\b",
                re.IGNORECASE,
            ),
        ),
        (
            "closed",
            re.compile(
                r"\b(?:completed|closed|finali[sz]ed)\b(?=[^.;]{0,40}\b(?:acquisition|deal|merger|sale|"
                r"transaction|purchase|divestiture)\b)|\b(?:acquisition|deal|merger|sale|transaction)\b[^.;]{0,20}"
                r"\b(?:was|has been|is now)\s(?:completed|closed)\b",
                re.IGNORECASE,
            ),
        ),
    ],
    "guidance": [
        (
            "kept",
            re.compile(
                r"\b(?:reiterat\w*|reaffirm\w*|maintain\w*|confirm\w*|unchanged|kept|stood by)\b", re.I
            ),
        ),
        ("cut", re.compile(r"\b(?:cut|cuts|lower\w*|reduc\w*|trimm\w*|slash\w*|narrow\w* down)\b", re.I)),
        ("raised", re.compile(r"\b(?:rais\w*|increas\w*|lift\w*|boost\w*|upgrad\w*|hik\w*)\b", re.I)),
    ],
}
#: What a family is about: a claim is read for a family's states only where it names the family's subject.
_FAMILY_TOPIC = {
    "trial": re.compile(r"\b(?:end ?points?|trial|study|primary|goal|objective)\b", re.I),
    "deal": re.compile(
        r"\b(?:acquisition|deal|merger|sale|transaction|takeover|purchase|close|closing)\b", re.I
    ),
    "guidance": re.compile(r"\b(?:guidance|outlook|forecast|expects?|projection)\b", re.I),
}


def family_states(text: str) -> dict[str, set[str]]:
    """The states a text states, by family: {"trial": {"missed"}, "deal": {"pending"}}."""
    out: dict[str, set[str]] = {}
    for family, states in STATE_FAMILIES.items():
        if not _FAMILY_TOPIC[family].search(text):
            continue
        taken: list[tuple[int, int]] = []
        for state, rx in states:
            for m in rx.finditer(text):
                if any(a < m.end() and m.start() < b for a, b in taken):
                    continue
                taken.append(m.span())
                out.setdefault(family, set()).add(state)
    return out
