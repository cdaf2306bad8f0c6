"""Split text into sentences with exact character offsets.

Why pysbd plus a rule of our own: pysbd handles abbreviations ("U.S."), decimals ("13.8") and quotes, but
press releases put footnote numbers straight after a full stop ("... bladder cancer.5,6,7 Most forms"),
which it reads as one sentence. One extra split handles that. Offsets are found by walking the original
string, never by trusting a cleaned copy, so ``text[s.start:s.end]`` is always the sentence.
"""

from __future__ import annotations

import functools
import re

from assistant.types import Sentence

# ". 5,6,7 Next" / ".3,4 Next": full stop, footnote references, whitespace, a capital or an opening quote.
_FOOTNOTE_BREAK = re.compile(r"(?<=[a-z\)\]%])\.\d{1,3}(?:[,\u2013-]\d{1,3})*(?=\s+[A-Z\"\u201c])")
_HEADING_MAX_CHARS = 90


@functools.lru_cache(maxsize=1)
def _segmenter():
    import pysbd

    return pysbd.Segmenter(language="en", clean=False)


def _split_line(line: str) -> list[tuple[int, int]]:
    pieces: list[tuple[int, int]] = []
    pos = 0
    for sent in _segmenter().segment(line):
        core = sent.strip()
        if not core:
            continue
        at = line.find(core, pos)
        if at < 0:  # pysbd altered the text; fall back to the rest of the line as one sentence
            pieces.append((pos, len(line)))
            pos = len(line)
            break
        pieces.append((at, at + len(core)))
        pos = at + len(core)
    if pos < len(line) and line[pos:].strip():
        rest = line[pos:]
        off = pos + (len(rest) - len(rest.lstrip()))
        pieces.append((off, len(line.rstrip())))
    out: list[tuple[int, int]] = []
    for s, e in pieces:
        cut = s
        for m in _FOOTNOTE_BREAK.finditer(line, s, e):
            out.append((cut, m.end()))
            cut = m.end()
            while cut < e and line[cut].isspace():
                cut += 1
        if cut < e:
            out.append((cut, e))
    return out


def is_heading(line: str) -> bool:
    """A short line that does not end like a sentence: a section title such as "About Cabometyx"."""
    stripped = line.strip()
    if not 0 < len(stripped) <= _HEADING_MAX_CHARS or stripped[-1] in '.!?:;,"”':
        return False
    return len(stripped.split()) <= 10


def split_sentences(text: str, spans: list[tuple[int, int]] | None = None) -> list[Sentence]:
    """Sentences of ``text`` inside ``spans`` (default: all of it), with absolute offsets.

    >>> text = "Median PFS was 13.8 months.5,6 The HR was 0.23."
    >>> [text[s.start : s.end] for s in split_sentences(text)]
    ['Median PFS was 13.8 months.5,6', 'The HR was 0.23.']
    """
    spans = spans if spans is not None else [(0, len(text))]
    out: list[Sentence] = []
    for span_start, span_end in spans:
        pos = span_start
        first_line = text.count("\n", 0, span_start)
        for index, raw_line in enumerate(text[span_start:span_end].split("\n")):
            line_start = pos
            pos += len(raw_line) + 1
            if not raw_line.strip():
                continue
            paragraph = first_line + index
            heading = is_heading(raw_line)
            for s, e in _split_line(raw_line):
                out.append(Sentence(line_start + s, line_start + e, paragraph, heading))
    return out
