"""Measures and subjects as sets of stemmed content words, so that differently worded labels compare.

Why: "median PFS" and "median progression-free survival" name one measure. Abbreviations are read as
their long forms from the shipped glossary (the one the answerer's lexicon uses), then stop words go and
the rest is stemmed (snowball). Used to group rows across releases and to score the sheet.

>>> sorted(content_words("median PFS")) == sorted(content_words("median progression-free survival"))
True
"""

from __future__ import annotations

import re

from assistant.text.lexicon import glossary_long_forms, stem, stopwords, words


def content_words(phrase: str) -> set[str]:
    """Stemmed content words, abbreviations read as their glossary long forms ("PFS" -> progression,
    free, survival)."""
    long = glossary_long_forms()
    stop = stopwords()
    out: set[str] = set()
    for w in re.findall(r"[A-Za-z][A-Za-z-]*", phrase):
        forms = long.get(w) or long.get(w.upper()) if w.isupper() and len(w) > 1 else None
        for part in re.split(r"[\s-]+", " ".join(forms[:1]) if forms else w):
            n = words(part)
            if n and n[0] not in stop and len(n[0]) > 1:
                out.add(stem(n[0]))
    return out


#: Dice of content words at or above which two phrases name the same measure (the sheet eval's criterion).
MEASURE_DICE = 0.5


def measure_match(a: str, b: str) -> bool:
    """Whether two measures are the same one, worded either way ("median PFS" / "median progression-free
    survival")."""
    x, y = content_words(a), content_words(b)
    return bool(x and y) and 2 * len(x & y) / (len(x) + len(y)) >= MEASURE_DICE


#: Share of the shorter subject's words the other must hold for two subjects to be the same group.
SUBJECT_OVERLAP = 0.5


def subject_match(a: str, b: str) -> bool:
    """Whether two subjects name the same group, one perhaps in more detail ("Cabometyx arm" / "Cabometyx
    arm, pNET cohort")."""
    x, y = content_words(a), content_words(b)
    return bool(x and y) and len(x & y) / min(len(x), len(y)) >= SUBJECT_OVERLAP
