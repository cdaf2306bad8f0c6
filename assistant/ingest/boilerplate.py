"""Keep page furniture (advertisements, calls to action) out of the index.

Why a detector and not a list of strings: releases reach us through aggregators whose pages wrap the
release in their own promotion, with wording that differs per vendor and per page. The rule here is general:

1. A *call-to-action line* is a short line that starts with an imperative marketing verb ("Schedule",
   "Book", "Request", "Sign up", "Subscribe", "Register", "Discover", "Download", "Try", ...) and carries a
   marketing cue ("free", "demo", "trial", "webinar", "newsletter", "members", "™", a closing "!"), or
   matches one of the user's own ``boilerplate_patterns`` (settings).
2. Such a line is removed, and so is everything between two of them when they are at most
   ``max_block_lines`` lines apart: an ad block opens and closes with a call to action.

The same mechanism keeps out *page furniture*, the parts of a web page around the release:

3. A *furniture line* is a short line made of a web page's own vocabulary: share and follow buttons,
   "Related articles", "Tags:", "Posted by", "Read more", navigation and legal links. It counts as a call to
   action for rule 2, so a block framed by two of them goes too.
4. A *comment section* ("No comments:", "Leave a reply", "12 comments", "Post a Comment") is never part of
   a release: it and everything after it are removed.
5. A *run of unrelated fragments*: three or more consecutive short lines that do not end like sentences
   (a navigation menu, a list of other stories' headlines) whose words mostly do not occur anywhere else in
   the document. A release's own title and headings share their words with its body, so they stay.

Nothing is rewritten: the detector returns the spans of the original text that are kept, so every chunk
and citation still points at the file's own characters.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_CTA_VERB = re.compile(
    r"^\W*(schedule|book|request|sign\s*up|subscribe|register|discover|download|try|join|claim|get\s+your"
    r"|start\s+your|learn\s+more|click|contact\s+us|watch|reserve)\b",
    re.IGNORECASE,
)
_MARKETING_CUE = re.compile(
    r"(\bfree\b|\bdemo\b|\btrial\s+now\b|\bwebinar\b|\bnewsletter\b|\bmembers\b|\bsubscribers\b|™|®\s*$|!\s*$"
    r"|\bclick\s+here\b|\bsign\s*up\b)",
    re.IGNORECASE,
)
MAX_CTA_CHARS = 160
_FURNITURE = re.compile(
    r"^\W*(share( this| on| via)?( article| story| post| page)?\b|tweet\b|follow us\b|like us on\b"
    r"|related( articles?| posts?| news| stories| content| topics)?\s*:?\s*$|more (stories|news|articles)\b"
    r"|read (more|next)\b|see also\b|you (may|might) also like\b|recommended (for you|stories)\b"
    r"|most (read|popular|viewed)\b|trending\b|tags?\s*:|labels?\s*:|filed under\b|posted (by|in|on)\b"
    r"|newer post|older post|previous (post|article|story)|next (post|article|story)|back to top\b"
    r"|skip to (main )?content\b|home\s*$|menu\s*$|search\s*$|print\s*$|e-?mail\s*$|advertisement\s*$"
    r"|sponsored( content)?\s*$|cookie (policy|settings)\b|privacy policy\b|terms (of use|and conditions)\b"
    r"|all rights reserved\b|log ?in\b|sign ?in\b|log ?out\b|\(c\) ?\d{4}\b|© ?\d{4}\b)",
    re.IGNORECASE,
)
_COMMENTS = re.compile(
    r"^\W*(no comments?\s*:?|post a comment|leave a (reply|comment)|\d+\s+comments?\b|comments?\s*\(\d+\)"
    r"|join the (discussion|conversation)|add (a|your) comment|show comments)\W*$",
    re.IGNORECASE,
)
MAX_FURNITURE_CHARS = 80
MIN_FRAGMENT_RUN = 3
MAX_FRAGMENT_CHARS = 120
#: A fragment is unrelated when at most this share of its content words occurs in the rest of the text.
MAX_FRAGMENT_OVERLAP = 0.34
#: Rule 5 needs a body to compare with: at least this many distinct content words outside the run.
MIN_BODY_WORDS = 20


@dataclass(frozen=True)
class Cleaned:
    kept: list[tuple[int, int]]  # spans of the original text that stay, in order
    removed: list[tuple[int, int]]  # spans taken out as boilerplate
    #: Sentences addressed to an AI (injection.py), taken out of ``kept`` and added to ``removed``.
    planted: tuple = ()

    def without(self, spans: list[tuple[int, int]], planted: tuple = ()) -> Cleaned:
        """The same cleaning with ``spans`` (sentences inside kept spans) removed as well."""
        kept: list[tuple[int, int]] = []
        for s, e in self.kept:
            pos = s
            for a, b in sorted(spans):
                if b <= pos or a >= e:
                    continue
                if a > pos:
                    kept.append((pos, a))
                pos = max(pos, b)
            if pos < e:
                kept.append((pos, e))
        removed = sorted(self.removed + [(a, b) for a, b in spans])
        return Cleaned(kept=kept, removed=removed, planted=self.planted + tuple(planted))


def _line_spans(text: str) -> list[tuple[int, int]]:
    spans, pos = [], 0
    for line in text.split("\n"):
        spans.append((pos, pos + len(line)))
        pos += len(line) + 1
    return spans


class BoilerplateDetector:
    """Finds call-to-action lines and the ad blocks they frame (see the module docstring)."""

    def __init__(self, extra_patterns: str = "", max_block_lines: int = 8) -> None:
        self.extra = re.compile(extra_patterns, re.IGNORECASE | re.MULTILINE) if extra_patterns else None
        self.max_block_lines = max_block_lines

    def is_call_to_action(self, line: str) -> bool:
        stripped = line.strip()
        if not stripped:
            return False
        if self.extra is not None and self.extra.search(stripped):
            return True
        if len(stripped) > MAX_CTA_CHARS:
            return False
        return bool(_CTA_VERB.search(stripped) and _MARKETING_CUE.search(stripped))

    @staticmethod
    def is_furniture(line: str) -> bool:
        stripped = line.strip()
        return 0 < len(stripped) <= MAX_FURNITURE_CHARS and bool(_FURNITURE.search(stripped))

    @staticmethod
    def _fragment(line: str) -> bool:
        stripped = line.strip()
        return 0 < len(stripped) <= MAX_FRAGMENT_CHARS and stripped[-1] not in '.!?:;,"”)'

    def _unrelated_runs(self, text: str, lines: list[tuple[int, int]]) -> set[int]:
        """Rule 5: runs of short fragments that share few words with the rest of the document."""
        from assistant.text.lexicon import stem, stopwords, words

        def content(span: tuple[int, int]) -> set[str]:
            sw = stopwords()
            return {stem(w) for w in words(text[span[0] : span[1]]) if w not in sw and not w[:1].isdigit()}

        runs: list[list[int]] = []
        current: list[int] = []
        for i, (s, e) in enumerate(lines):
            line = text[s:e]
            if not line.strip():
                continue  # blank lines do not break a run: menus are often spaced out
            if self._fragment(line):
                current.append(i)
            else:
                if len(current) >= MIN_FRAGMENT_RUN:
                    runs.append(current)
                current = []
        if len(current) >= MIN_FRAGMENT_RUN:
            runs.append(current)
        drop: set[int] = set()
        for run in runs:
            members = set(run)
            rest: dict[str, int] = {}
            for i, span in enumerate(lines):
                if i not in members:
                    for w in content(span):
                        rest[w] = rest.get(w, 0) + 1
            if len(rest) < MIN_BODY_WORDS:
                continue  # too little body text to tell what is unrelated to it
            unrelated = []
            for i in run:
                mine = content(lines[i])
                shared = sum(1 for w in mine if w in rest)
                unrelated.append(not mine or shared / len(mine) <= MAX_FRAGMENT_OVERLAP)
            if sum(unrelated) * 3 >= 2 * len(run):  # most of the run is about something else
                drop.update(i for i, u in zip(run, unrelated, strict=True) if u)
        return drop

    def run(self, text: str) -> Cleaned:
        lines = _line_spans(text)
        cta = [i for i, (s, e) in enumerate(lines) if self.is_call_to_action(text[s:e])]
        furniture = {i for i, (s, e) in enumerate(lines) if self.is_furniture(text[s:e])}
        drop: set[int] = set(cta)
        comments = next((i for i, (s, e) in enumerate(lines) if _COMMENTS.search(text[s:e])), None)
        if comments is not None:
            drop.update(range(comments, len(lines)))
        drop |= self._unrelated_runs(text, lines) | furniture
        # Furniture frames a block too, but only a block of fragments (a share bar, a tag list), never
        # a paragraph of the release that happens to sit between a byline and a tag line.
        marks = sorted(furniture | set(cta))
        for a, b in zip(marks, marks[1:], strict=False):
            if (a in furniture or b in furniture) and b - a <= self.max_block_lines:
                inner = range(a + 1, b)
                if all(
                    not text[lines[i][0] : lines[i][1]].strip()
                    or self._fragment(text[lines[i][0] : lines[i][1]])
                    for i in inner
                ):
                    drop.update(inner)
        for a, b in zip(cta, cta[1:], strict=False):
            if b - a <= self.max_block_lines:
                drop.update(range(a, b + 1))
        kept: list[tuple[int, int]] = []
        removed: list[tuple[int, int]] = []
        for i, (s, e) in enumerate(lines):
            target = removed if i in drop else kept
            # A line's newline belongs with it, so removed blocks leave no stray blank line in a span.
            end = min(e + 1, len(text))
            if target and target[-1][1] == s:
                target[-1] = (target[-1][0], end)
            else:
                target.append((s, end))
        kept = [(s, e) for s, e in kept if text[s:e].strip()]
        return Cleaned(kept=kept, removed=[(s, e) for s, e in removed if e > s])
