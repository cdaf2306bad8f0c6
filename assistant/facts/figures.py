"""Where the figures of a release are, and what kind each is: exact spans, one per occurrence.

Why by hand: spaCy's recogniser finds MONEY, PERCENT, DATE and CARDINAL entities, but its spans do not
follow a reader's idea of one figure ("HR 0.62 (95% CI 0.48-0.80)" is a hazard ratio and one interval;
"$15.50-$15.95 per share" is one range; "A021602" and "Omnipod 5" are names, not figures). The patterns
below are listed by class of figure (money, percentages, p-values, intervals, durations, doses, phases,
dates, counts), never by example; spaCy's recogniser adds the dates written in words ("the third quarter
of 2023", "early 2025") and marks the numbers that sit inside a name.

>>> [(f.text, f.kind) for f in find_figures("Median PFS was 13.8 months (HR 0.23; p<0.001) in 298 patients.")]
[('13.8 months', 'duration'), ('0.23', 'result'), ('p<0.001', 'result'), ('298 patients', 'count')]
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.text.lexicon import stopwords, strip_footnotes


@dataclass(frozen=True)
class Figure:
    """One figure occurrence: ``text[start:end] == self.text``; ``unit`` normalised; ``kind`` its class."""

    text: str
    start: int
    end: int
    unit: str
    kind: str  # result | count | money | duration | dose | phase | date | other


_NUM = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+"
_NUMBER_WORDS = (
    "one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|"
    "sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|hundred"
)
_SCALE = r"(?:\s?(?:billion|million|thousand|bn|mn|m|k|b)\b)"
_PER_SHARE = r"(?:\s+(?:per|a)\s+(?:diluted\s+)?share)"
_CUR = r"(?:US\$|USD|EUR|GBP|CHF|JPY|C\$|A\$|[$€£¥])"
_CUR_WORD = r"(?:dollars?|euros?|pounds?|francs?|yen)"
_MONTH = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sept?(?:ember)?|"
    r"Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
)
_TIME_UNITS = r"(?:years?|months?|weeks?|days?|hours?|minutes?|yrs?|mos?)"
_DOSE_UNITS = r"(?:mg/kg|mg/m2|mg/m²|mg|mcg|µg|μg|g|ml|mL|IU|units)"
#: Nouns that make a bare number a count: people, places, organisations and things counted.
_COUNT_NOUNS = (
    r"(?:patients?|participants?|people|persons?|subjects?|adults?|children|women|men|volunteers?|"
    r"individuals?|employees?|workers?|staff|jobs?|positions?|sites?|centers?|centres?|hospitals?|"
    r"countries|states|cities|markets|studies|trials?|products?|drugs?|programs?|programmes?|"
    r"businesses|companies|stores?|plants?|facilities|locations?|shares|doses?|cases?|deaths?|events?|"
    r"births?|infections?|users?|customers?|members?|physicians?|doctors?|surgeons?|nurses?|clinics?|"
    r"indications?|approvals?|cohorts?|arms?|analysts?|units?|devices?|procedures?|tests?|samples?|"
    r"lesions?|tumou?rs?|years? of age|Americans|Europeans)"
)

_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    # Money: currency sign or code before, or a currency word after; ranges and per-share amounts whole.
    (
        "money",
        re.compile(
            rf"{_CUR}\s?(?:{_NUM}){_SCALE}?(?:\s?(?:-|–|to)\s?{_CUR}?\s?(?:{_NUM}){_SCALE}?)?{_PER_SHARE}?"
            rf"|(?:{_NUM}|{_NUMBER_WORDS}){_SCALE}?\s(?:US\s|U\.S\.\s|Swiss\s|Canadian\s)?{_CUR_WORD}{_PER_SHARE}?"
            rf"|(?:{_NUM})(?:\scents?)?(?:\s?(?:-|–|to)\s?(?:{_NUM}))?\s(?:cents?|pence)(?:{_PER_SHARE})?\b",
            re.IGNORECASE,
        ),
    ),
    # p-values.
    (
        "result",
        re.compile(r"\b[pP]\s?(?:[<>=≤≥]|&lt;|&gt;)\s?0?\.\d+|\b[pP]\s?=\s?\d(?:\.\d+)?(?:\s?[x×]\s?10\S+)?"),
    ),
    # A confidence interval or a range of percentages / decimals: "0.48-0.80", "28% to 71%", "55-68%".
    (
        "result",
        re.compile(
            r"(?<![\w.$€£-])\d+(?:\.\d+)?%?\s?(?:-|–|to)\s?\d+(?:\.\d+)?\s?(?:%|percent\b|per cent\b)"
            r"|(?<=CI[:\s])\s?\d+(?:\.\d+)?\s?(?:-|–|,|to)\s?(?:\d+(?:\.\d+)?|NE|NR|NA)\b"
            r"|(?<=CI\s)\d+(?:\.\d+)?\s?(?:-|–|,|to)\s?(?:\d+(?:\.\d+)?|NE|NR|NA)\b"
            r"|(?<![\w.$€£-])\d+\.\d+\s?(?:-|–)\s?\d+\.\d+(?![\d%])",
            re.IGNORECASE,
        ),
    ),
    (
        "result",
        re.compile(
            rf"(?<![\w.$€£])(?:{_NUM})\s?(?:%|percent\b|per cent\b|percentage points?\b|pp\b|bps\b|basis points\b)",
            re.IGNORECASE,
        ),
    ),
    # Phases of a trial ("Phase 3", "Phase III", "phase 1/2", "Phase 2b").
    (
        "phase",
        re.compile(r"\b[Pp]hase\s?(?:[1-4]|I{1,3}V?|IV)(?:[ab])?(?:\s?/\s?(?:[1-4]|I{1,3}|IV)[ab]?)?\b"),
    ),
    # Durations and ages: "13.8 months", "5-year", "14-day", "two years", "68 weeks".
    (
        "duration",
        re.compile(
            rf"(?<![\w.$€£])(?:(?:{_NUM})(?:\s?(?:-|–|to)\s?(?:{_NUM}))?|(?:{_NUMBER_WORDS}))[\s-]{_TIME_UNITS}\b",
            re.IGNORECASE,
        ),
    ),
    # Doses.
    ("dose", re.compile(rf"(?<![\w.$€£])(?:{_NUM})\s?{_DOSE_UNITS}(?![\w/])", re.IGNORECASE)),
    # Dates written with a month, ISO dates, quarters with a year.
    (
        "date",
        re.compile(
            rf"\b{_MONTH}\s\d{{1,2}}(?:st|nd|rd|th)?,?\s(?:19|20)\d{{2}}\b"
            rf"|\b\d{{1,2}}\s{_MONTH},?\s(?:19|20)\d{{2}}\b"
            rf"|\b{_MONTH},?\s(?:19|20)\d{{2}}\b"
            rf"|\b(?:19|20)\d{{2}}-\d{{2}}-\d{{2}}\b"
            rf"|\b{_MONTH}\s\d{{1,2}}(?:st|nd|rd|th)?\b(?!,?\s?\d)"
            r"|\b(?:Q[1-4]|[1-4]Q|H[12])\s?(?:FY\s?)?(?:19|20)?\d{2}\b"
            r"|\b(?:first|second|third|fourth|1st|2nd|3rd|4th)[\s-](?:quarter|half)\s(?:of\s)?(?:fiscal\s)?(?:19|20)\d{2}\b"
            r"|\b(?:early|mid|late|end of|beginning of|fiscal|FY)[\s-]?(?:19|20)\d{2}\b"
            rf"|\b(?:in|on|by|since|until|from|during|through)\s(?P<fig>{_MONTH.replace('May|', '')})(?![\w.]|,?\s\d)",
            re.IGNORECASE,
        ),
    ),
    # Counts with the thing counted, including "n=1,965" and number words ("three trials").
    (
        "count",
        re.compile(
            rf"\b[nN]\s?=\s?(?:{_NUM})"
            rf"|(?<![\w.$€£-])(?:{_NUM}){_SCALE}?(?:\s(?:more|new|additional|eligible|enrolled|evaluable|adult|"
            rf"pediatric|paediatric|U\.S\.|US|European|global|clinical)){{0,2}}\s{_COUNT_NOUNS}\b"
            rf"|\b(?:{_NUMBER_WORDS})(?=\s(?:of\s(?:its|the|their|our)\s)?(?:(?:more|new|additional|separate|phase\s\S+|pivotal|late-stage|"
            rf"randomi[sz]ed|global|clinical)\s){{0,2}}{_COUNT_NOUNS}\b)",
            re.IGNORECASE,
        ),
    ),
    # Big numbers with a scale word ("133 million", "30 million").
    ("count", re.compile(rf"(?<![\w.$€£])(?:{_NUM})\s(?:billion|million|thousand)\b", re.IGNORECASE)),
    # Ages as bounds ("aged 4 or older", "ages 6-17") and device classes ("Class II").
    (
        "other",
        re.compile(
            r"(?<=\bage[sd]\s)\d{1,3}(?:\s?(?:-|–|to)\s?\d{1,3})?(?:\syears)?|\bClass\s(?:I{1,3}|[1-3])\b"
        ),
    ),
    # Ratios ("1:1", "2:1").
    ("other", re.compile(r"(?<![\w.:])\d{1,2}:\d{1,2}(?![\d:])")),
    # Years on their own.
    ("date", re.compile(r"(?<![\w$€£.,-])(?:19[5-9]\d|20[0-4]\d)(?![\w%]|[.,]\d|-\d)")),
    # Any other number: decimals (hazard ratios, scores) and integers.
    ("result", re.compile(rf"(?<![\w.$€£/-])-?(?:{_NUM})(?![\w%/]|[.,]\d)")),
]

#: A number that names something: "Phase" handled above; these words before a number make it an id.
_IDENTIFIER_BEFORE = re.compile(
    r"(?:\b(?:study|grade|stage|type|class|cohort|arm|part|version|no\.?|number|item|step|level|tier|"
    r"gen|generation|series|model|fiscal|FY|Q|H|COVID|CDK|HER|IL|PD|PD-L|ORION|CheckMate|KEYNOTE|"
    r"section|rule|article|chapter|figure|table|page|room|suite|floor|box)\s?-?\s?|#)$",
    re.IGNORECASE,
)
_PHONE = re.compile(r"\+?\(?\d{1,4}\)?[\s.-]\(?\d{2,4}\)?[\s.-]\d{2,4}[\s.-]?\d{2,4}(?:[\s.-]\d{2,4})?")
_COPYRIGHT = re.compile(r"(?:©|\(c\)|copyright)\s*(?:\d{4}\s*[-–]\s*)?\d{4}", re.IGNORECASE)
_LIST_MARKER = re.compile(r"(?m)^\s*\(?\d{1,2}[.)]\s")
_ZIP = re.compile(r"\b[A-Z]{2}\s\d{5}(?:-\d{4})?\b")
#: The confidence level of an interval ("95% CI", "99% Confidence Interval") labels the interval.
_CONFIDENCE_LEVEL = re.compile(r"\b\d{2}(?:\.\d)?%+\s?(?:CI\b|confidence)", re.IGNORECASE)
#: A quarter or half named without its year ("the third quarter", "Q4 sales") is a period label.
_PERIOD_LABEL = re.compile(
    r"\b(?:(?:first|second|third|fourth|1st|2nd|3rd|4th)[\s-](?:quarter|half)|Q[1-4]|H[12])\b(?!\s(?:of\s)?(?:fiscal\s)?(?:19|20)\d{2})",
    re.IGNORECASE,
)


def _blocked(text: str) -> list[tuple[int, int]]:
    """Spans no figure may come from: phone numbers, ZIP codes, copyright lines, list markers."""
    spans = []
    for rx in (_PHONE, _COPYRIGHT, _LIST_MARKER, _ZIP, _CONFIDENCE_LEVEL, _PERIOD_LABEL):
        for m in rx.finditer(text):
            digits = sum(ch.isdigit() for ch in m.group(0))
            if rx is _CONFIDENCE_LEVEL:
                spans.append((m.start(), m.start() + len(re.match(r"[\d.]+%+", m.group(0)).group(0))))
                continue
            if rx is _PHONE and (
                digits < 9 or re.search(r"[.,]\d{1,2}\b", m.group(0)) and "-" not in m.group(0)
            ):
                continue
            spans.append(m.span())
    return spans


def _in_name(text: str, start: int, end: int) -> bool:
    """A number glued to a name ("A021602", "COVID-19", "G7", "CheckMate -816", "Omnipod 5", "REDEFINE 1")."""
    before, after = text[max(0, start - 12) : start], text[end : end + 3]
    if re.search(r"[A-Za-z®™]-?$", before) and not re.search(r"(?:^|\s)[nNpP]\s?[=<>]?$", before):
        return True  # letters right before: a code or a product name (p-values and n= handled above)
    if re.match(r"-?[A-Za-z]", after) and not re.match(
        r"-?(?:fold|year|month|week|day|hour|mg|point)", after, re.I
    ):
        return True
    word = re.search(r"([A-Za-z][\w.-]*)[®™]?\s?-?\s?$", before)
    if word and _IDENTIFIER_BEFORE.search(before):
        return True
    # An integer right after a capitalised word that is not a sentence start, with nothing counted after:
    # a version, a product generation or a trial's number ("Omnipod 5", "Libre 3", "REDEFINE 1").
    if word and word.group(1)[0].isupper() and re.fullmatch(r"\d{1,2}", text[start:end]):
        prev = text[max(0, start - 40) : start - len(word.group(0))].rstrip()
        if prev and prev[-1] not in ".!?:\n":
            return True
    return False


def find_figures(text: str) -> list[Figure]:
    """Every figure of ``text`` in reading order, non-overlapping, the first class that claims a span winning.

    Footnote reference numbers are blanked first (same length, so offsets hold); phone numbers, ZIP codes,
    copyright years and list numbering are never figures."""
    clean = strip_footnotes(text)
    taken = _blocked(clean)
    out: list[Figure] = []

    def free(a: int, b: int) -> bool:
        return all(b <= s or a >= e for s, e in taken)

    for kind, rx in _PATTERNS:
        for m in rx.finditer(clean):
            a, b = m.span("fig") if "fig" in rx.groupindex and m.group("fig") else m.span()
            while a < b and clean[a].isspace():
                a += 1
            while b > a and clean[b - 1].isspace():
                b -= 1
            if a >= b or not free(a, b):
                continue
            piece = text[a:b]
            bare = re.fullmatch(r"-?[\d,.]+", piece) is not None
            if bare and _in_name(text, a, b):
                continue
            lead = re.match(r"\d{1,2}(?=\s[a-z])", piece)
            if kind == "count" and lead and _in_name(text, a, a + lead.end()):
                continue  # "REDEFINE 1 trial", "Omnipod 5 users": the number belongs to the name
            if kind == "result" and rx is _PATTERNS[-1][1]:
                kind_here = _bare_kind(text, a, b)
                if kind_here is None:
                    continue
            else:
                kind_here = kind
            taken.append((a, b))
            out.append(Figure(piece, a, b, _unit(piece, kind_here), kind_here))
    return sorted(out, key=lambda f: f.start)


def _bare_kind(text: str, start: int, end: int) -> str | None:
    """A bare number with no unit: a decimal is a result (a ratio, a score); an integer is a count when a
    noun follows, else a result; single digits with nothing around them are usually list items or names."""
    piece = text[start:end].lstrip("-")
    after = text[end : end + 30]
    if "." in piece:
        return "result"
    value = float(piece.replace(",", ""))
    noun = re.match(r"\s(?:[a-z]+\s){0,2}?([a-z]{3,}s|people|children|staff)\b", after)
    if noun and noun.group(1) not in stopwords():
        return "count"
    if value >= 10000 and "," not in piece and not (1900 <= value <= 2100):
        return None  # a ZIP code, an abstract or reference number: a counted 5-digit figure has a noun or a comma
    if value < 10 and not re.search(
        r"(?:of|from|to|by|at|was|were|is|=)\s$", text[max(0, start - 6) : start]
    ):
        return None
    return "count" if value >= 10 and "," in piece else "result"


_UNIT_WORDS = [
    (re.compile(r"per share|a share", re.I), "per share"),
    (re.compile(r"%|percent|per cent", re.I), "%"),
    (re.compile(r"percentage points?|pp\b", re.I), "pp"),
    (re.compile(r"basis points|bps", re.I), "bps"),
    (re.compile(r"\b(?:years?|yrs?)\b", re.I), "years"),
    (re.compile(r"\b(?:months?|mos?)\b", re.I), "months"),
    (re.compile(r"\bweeks?\b", re.I), "weeks"),
    (re.compile(r"\bdays?\b", re.I), "days"),
    (re.compile(r"\bhours?\b", re.I), "hours"),
    (re.compile(r"mg/kg|mg/m2|mg/m²|\bmg\b|\bmcg\b|µg|μg|\bml\b|\bIU\b", re.I), "dose"),
]


def _unit(piece: str, kind: str) -> str:
    """The unit as a reader names it: a currency code, "%", "months", "mg", the thing counted."""
    if kind == "money":
        cur = (
            "EUR"
            if re.search(r"€|EUR|euro", piece, re.I)
            else "GBP"
            if re.search(r"£|GBP|pound|pence", piece, re.I)
            else "CHF"
            if "CHF" in piece or "franc" in piece.lower()
            else "JPY"
            if "¥" in piece or "yen" in piece.lower()
            else "USD"
        )
        return f"{cur} per share" if re.search(r"per share|a share", piece, re.I) else cur
    if kind in ("date", "phase"):
        return ""
    if kind == "count":
        m = re.search(r"([A-Za-z][A-Za-z.]+(?: of age)?)$", piece)
        return m.group(1).lower() if m and not re.fullmatch(_NUMBER_WORDS, m.group(1), re.I) else ""
    for rx, name in _UNIT_WORDS:
        if rx.search(piece):
            if name == "dose":
                return re.search(rx, piece).group(0)
            return name
    return ""
