"""Fold text for *matching*, never for quoting.

Why: text copied from the web carries characters that look like the reader's but are not: a Greek "ο"
inside "respοnse", ligatures ("ﬁ"), full-width digits, typographic quotes and dashes, soft hyphens and
zero-width spaces. Each one splits or hides a word, so a question about "response" never matches. The
lexicon (and so BM25, answer scoring and the guard) reads words through ``fold``; citations and quotes are
always slices of the original file, so offsets stay exact.

What is folded (each a published table, not a hand-made list):
- Unicode NFKC (compatibility forms: ligatures, full-width letters, superscripts);
- confusable letters from another alphabet inside a Latin word, mapped to the Latin letter they imitate
  with Unicode's confusables table (UTS #39, via the ``confusable_homoglyphs`` package); a word written
  wholly in another alphabet is left alone (it is that language, not a disguise);
- typographic quotes and dashes to ASCII, soft hyphens and zero-width characters removed.

>>> fold("respοnse")  # the "ο" is Greek
'response'
"""

from __future__ import annotations

import functools
import re
import unicodedata

_INVISIBLE = re.compile("[\u00ad\u200b\u200c\u200d\u2060\ufeff]")
_DASHES = re.compile("[\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d]")
_SINGLE_QUOTES = re.compile("[\u2018\u2019\u201a\u201b\u2032\u02bc]")
_DOUBLE_QUOTES = re.compile("[\u201c\u201d\u201e\u201f\u2033\u00ab\u00bb]")
# A run of letters that mixes ASCII Latin with letters of other scripts.
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)


@functools.lru_cache(maxsize=4096)
def _latin_lookalike(ch: str) -> str | None:
    """The ASCII letter a non-Latin letter imitates (Unicode confusables), or None."""
    try:
        from confusable_homoglyphs import confusables
    except ImportError:  # the package is a dependency; without it, no letter is folded
        return None
    found = confusables.is_confusable(ch, preferred_aliases=["latin"], greedy=True)
    for entry in found or []:
        for glyph in entry.get("homoglyphs", []):
            c = glyph.get("c", "")
            if len(c) == 1 and c.isascii() and c.isalpha():
                return c
    return None


def _fold_word(m: re.Match[str]) -> str:
    word = m.group(0)
    if word.isascii() or not any(c.isascii() for c in word):
        return word
    return "".join(c if c.isascii() else (_latin_lookalike(c) or c) for c in word)


@functools.lru_cache(maxsize=65536)
def fold(text: str) -> str:
    """The text as matching should see it (see the module docstring). Not offset-preserving."""
    text = unicodedata.normalize("NFKC", text)
    text = _INVISIBLE.sub("", text)
    text = _DASHES.sub("-", text)
    text = _SINGLE_QUOTES.sub("'", text)
    text = _DOUBLE_QUOTES.sub('"', text)
    if not text.isascii():
        text = _WORD.sub(_fold_word, text)
    return text
