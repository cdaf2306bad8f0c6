"""Metric code, kept free of models so it can be tested on hand-written answers.

Definitions (all judged by text containment, never by a model):
- answer correct: answerable item -> not refused, every required fact in the answer text, no forbidden one;
  unanswerable item -> refused.
- citation recall (ALCE, Gao et al. 2023): an answered, answerable item whose cited quotes *together* contain
  every required fact; refused or uncited answers score 0.
- citation precision (ALCE): a citation of an answered, answerable item is precise when its quote contains
  at least one required fact (it supports part of the statement it is attached to).
- offset validity: ``source_text[start:end] == quote`` for the cited file, over every citation.
- unsupported numbers: figures in the answer text (markers removed) that occur in none of its cited quotes.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field


def norm(text: str) -> str:
    """Case-, dash-, quote- and whitespace-insensitive form used for containment."""
    text = unicodedata.normalize("NFKC", text).lower()
    text = re.sub(r"[\u2010-\u2015\u2212]", "-", text)
    text = re.sub(r"[\u2018\u2019\u201b]", "'", text)
    text = re.sub(r"[\u201c\u201d\u201f]", '"', text)
    return re.sub(r"\s+", " ", text).strip()


def contains(haystack: str, needle: str) -> bool:
    return norm(needle) in norm(haystack)


def figures(text: str) -> list[str]:
    from assistant.text.lexicon import figure_tokens

    return figure_tokens(text)


@dataclass
class Judged:
    correct: bool
    refused: bool
    answerable: bool
    recall: float | None  # None where it does not apply (unanswerable items)
    precise: int = 0
    citations: int = 0
    cited_total: int = 0  # every citation, refusals' included (for offset validity)
    invalid_offsets: int = 0
    numbers: int = 0
    unsupported: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    #: answer, hedge (a close passage quoted without claiming absence) or absent.
    tier: str = "answer"
    #: An answerable item whose facts are in front of the user: answered, or hedged with the right passage.
    facts_shown: bool = False
    #: The reply says the release does not say it, yet quotes a passage: a false statement to the user.
    denies_quoting: bool = False


#: How a reply that denies the release answers begins (the product's and the generators' wording).
DENIAL = re.compile(r"\bdoes not (say|mention|state|give)\b|\bnever (mentions|says|spells)\b", re.IGNORECASE)


def judge(
    item: dict,
    text: str,
    refused: bool,
    citations: list[dict],
    sources: dict[str, str],
    tier: str | None = None,
) -> Judged:
    """Score one answer. ``citations`` are dicts with source/quote/start/end; ``sources`` maps a source
    name to the text its offsets refer to; ``tier`` is the reply's (answer, hedge, absent)."""
    tier = tier or ("absent" if refused else "answer")
    # Scored by tier: only an answer-tier reply claims an answer. A hedge is not a refusal in the API
    # (it shows passages), but it does not answer outright either, so it counts as not answered here.
    refused = tier != "answer"
    answerable = item.get("answerable", True)
    facts = item.get("facts", [])
    forbidden = item.get("forbidden", [])
    missing = [f for f in facts if not contains(text, f)]
    if answerable:
        correct = not refused and not missing and not any(contains(text, f) for f in forbidden)
    else:
        correct = refused
    quotes = " \n ".join(c["quote"] for c in citations)
    recall = None
    precise = 0
    if answerable:
        recall = 1.0 if (not refused and citations and all(contains(quotes, f) for f in facts)) else 0.0
        if not refused:
            precise = sum(1 for c in citations if any(contains(c["quote"], f) for f in facts))
    valid = 0
    for c in citations:
        src = sources.get(c["source"])
        if src is not None and src[c["start"] : c["end"]] == c["quote"]:
            valid += 1
    nums = figures(text)
    cited_figures = set(figures(quotes))
    unsupported = [n for n in nums if n not in cited_figures]
    return Judged(
        correct=correct,
        refused=refused,
        answerable=answerable,
        recall=recall,
        precise=precise,
        citations=len(citations) if (answerable and not refused) else 0,
        cited_total=len(citations),
        invalid_offsets=len(citations) - valid,
        numbers=len(nums),
        unsupported=unsupported,
        missing=missing,
        tier=tier,
        facts_shown=bool(answerable and tier in ("answer", "hedge") and not missing and facts),
        denies_quoting=bool(citations and refused and DENIAL.search(text)),
    )


def summarise(judged: list[Judged], latencies_ms: list[float], errors: int = 0) -> dict[str, float]:
    import numpy as np

    answerable = [j for j in judged if j.answerable]
    unanswerable = [j for j in judged if not j.answerable]
    cited = sum(j.citations for j in judged)
    all_cites_bad = sum(j.invalid_offsets for j in judged)
    total_cites = sum(j.cited_total for j in judged)
    numbers = sum(j.numbers for j in judged)
    n = len(judged) + errors
    return {
        "items": n,
        "errors": errors,
        "answer_accuracy": sum(j.correct for j in judged) / n if n else 0.0,
        "answerable_accuracy": sum(j.correct for j in answerable) / len(answerable) if answerable else 0.0,
        "refusal_accuracy": sum(j.correct for j in unanswerable) / len(unanswerable) if unanswerable else 1.0,
        "false_refusals": sum(j.refused for j in answerable),
        "citation_recall": sum(j.recall or 0 for j in answerable) / len(answerable) if answerable else 0.0,
        "citation_precision": sum(j.precise for j in judged) / cited if cited else 0.0,
        "offset_validity": 1.0 - (all_cites_bad / total_cites) if total_cites else 1.0,
        "unsupported_number_rate": sum(len(j.unsupported) for j in judged) / numbers if numbers else 0.0,
        "facts_shown": sum(j.facts_shown for j in answerable) / len(answerable) if answerable else 0.0,
        # Of the replies in the answer tier, the share that are right (an unanswerable one answered is wrong).
        "answer_precision": (
            sum(j.correct for j in judged if j.tier == "answer") / answered
            if (answered := sum(j.tier == "answer" for j in judged))
            else 1.0
        ),
        "tier_answer": sum(j.tier == "answer" for j in judged) / len(judged) if judged else 0.0,
        "tier_hedge": sum(j.tier == "hedge" for j in judged) / len(judged) if judged else 0.0,
        "tier_absent": sum(j.tier == "absent" for j in judged) / len(judged) if judged else 0.0,
        "denies_while_quoting": sum(j.denies_quoting for j in judged),
        "latency_p50_ms": float(np.percentile(latencies_ms, 50)) if latencies_ms else 0.0,
        "latency_p95_ms": float(np.percentile(latencies_ms, 95)) if latencies_ms else 0.0,
    }
