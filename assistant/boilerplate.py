"""Keep page furniture (advertisements, calls to action) out of the index.

Why a detector and not a list of strings: releases reach us through aggregators whose pages wrap the
release in their own promotion, with wording that differs per vendor and per page. The rule here is general:

1. A *call-to-action line* is a short line that starts with an imperative marketing verb ("Schedule",
   "Book", "Request", "Sign up", "Subscribe", "Register", "Discover", "Download", "Try", ...) and carries a
   marketing cue ("free", "demo", "trial", "webinar", "newsletter", "members", "™", a closing "!"), or
   matches one of the user's own ``boilerplate_patterns`` (settings).
2. Such a line is removed, and so is everything between two of them when they are at most
   ``max_block_lines`` lines apart: an ad block opens and closes with a call to action.

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
# Text addressed to an AI rather than to a reader (prompt injection). A press release never says these,
# so such lines are kept out of the index like advertisements, and ingest warns about the file.
_INJECTION = re.compile(
    r"(ignore (all |any )?(the |your )?(previous|prior|above|earlier) (instructions|prompts?|messages)"
    r"|disregard (all |the |your )?(previous|prior|above) "
    r"|\bsystem prompt\b|\bdeveloper mode\b|\byou are now\b|^\s*(system|assistant)\s*:"
    r"|\bas an ai\b|\bjailbreak\b|\bnew instructions\b)",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Cleaned:
    kept: list[tuple[int, int]]  # spans of the original text that stay, in order
    removed: list[tuple[int, int]]  # spans taken out as boilerplate
    injections: int = 0  # lines removed because they address an AI


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
    def is_injection(line: str) -> bool:
        return bool(_INJECTION.search(line))

    def run(self, text: str) -> Cleaned:
        lines = _line_spans(text)
        cta = [i for i, (s, e) in enumerate(lines) if self.is_call_to_action(text[s:e])]
        injected = {i for i, (s, e) in enumerate(lines) if self.is_injection(text[s:e])}
        drop: set[int] = set(cta) | injected
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
        return Cleaned(kept=kept, removed=[(s, e) for s, e in removed if e > s], injections=len(injected))
