"""Turn the UI's thumbs-up/down feedback (JSONL) into draft eval cases.

Why drafts: a thumbs-up says the answer was right, so its figures and quotes become the case's facts and
support; a thumbs-down says only that something was wrong, so it becomes a case marked ``review`` with
the user's comment, for a person to complete. ``assistant eval`` skips cases marked ``review``.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

_FIGURE = re.compile(r"\d+(?:[.,:]\d+)*%?(?:\s*(?:months|years|patients|countries))?")


def feedback_to_cases(feedback: Path) -> list[dict]:
    cases = []
    for n, line in enumerate(feedback.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        rec = json.loads(line)
        answer = rec.get("answer") or {}
        case = {"id": f"fb-{n:04d}", "kind": "feedback", "question": rec.get("question", "")}
        if rec.get("history"):
            case["history"] = rec["history"]
        if rec.get("liked") and answer:
            if answer.get("refused") or answer.get("tier", "answer") != "answer":
                case["answerable"] = False
            else:
                quotes = [c["quote"] for c in answer.get("citations", [])]
                figures = [f for f in _FIGURE.findall(" ".join(quotes)) if f in answer.get("text", "")]
                case["facts"] = sorted(set(figures))[:5] or [quotes[0][:80]] if quotes else []
                case["support"] = quotes
        else:
            case["review"] = True
            case["comment"] = rec.get("comment", "")
            case["previous_answer"] = answer.get("text", "")
        cases.append(case)
    return cases


def write_cases(feedback: Path, out: Path) -> int:
    cases = feedback_to_cases(feedback)
    with out.open("a", encoding="utf-8") as fh:
        for c in cases:
            fh.write(json.dumps(c, ensure_ascii=False) + "\n")
    return len(cases)
