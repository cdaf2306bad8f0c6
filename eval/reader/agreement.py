"""Agreement between the first annotators and a second, blind one on a random 5 % of the reader's questions.

Why these two figures: the reader learns two decisions, whether the release answers a question and which
sentence does; the second annotator (``relabel/BRIEF.md``) made both without seeing the first labels.
Answerability agreement is reported raw and as Cohen's kappa; sentence agreement counts, among questions
both called answerable, those whose support snippets share any part of the text.

    python3 eval/reader/agreement.py          # prints the figures and writes relabel/AGREEMENT.md
"""

from __future__ import annotations

import json
import re
from pathlib import Path

READER = Path(__file__).resolve().parent


def _spans(text: str, snippets: list[str]) -> list[tuple[int, int]]:
    """Where each snippet lies in the text (case- and whitespace-insensitive), as spans of the folded text."""
    folded = re.sub(r"\s+", " ", text).lower()
    out = []
    for s in snippets:
        k = folded.find(re.sub(r"\s+", " ", s).strip().lower())
        if k >= 0:
            out.append((k, k + len(s)))
    return out


def main() -> dict:
    first = {}
    for q in READER.glob("batches/*/questions.jsonl"):
        for line in q.read_text(encoding="utf-8").splitlines():
            if line.strip():
                r = json.loads(line)
                first[r["id"]] = (q.parent.name, r)
    second = [
        json.loads(x)
        for x in (READER / "relabel" / "labels.jsonl").read_text(encoding="utf-8").splitlines()
        if x.strip()
    ]
    n = both_yes = both_no = yes_no = no_yes = same_sentence = 0
    for lab in second:
        batch, r = first[lab["id"]]
        a = r.get("answerable", True) is not False
        b = bool(lab["answerable"])
        n += 1
        both_yes += a and b
        both_no += (not a) and (not b)
        yes_no += a and not b
        no_yes += (not a) and b
        if a and b:
            text = (READER / "batches" / batch / "corpus" / r["source"]).read_text(encoding="utf-8")
            s1, s2 = _spans(text, r.get("support", [])), _spans(text, lab.get("support", []))
            same_sentence += any(x0 < y1 and y0 < x1 for x0, x1 in s1 for y0, y1 in s2)
    agree = (both_yes + both_no) / n
    p_yes = ((both_yes + yes_no) / n) * ((both_yes + no_yes) / n)
    p_no = ((both_no + no_yes) / n) * ((both_no + yes_no) / n)
    kappa = (agree - (p_yes + p_no)) / (1 - (p_yes + p_no))
    figures = {
        "questions": n,
        "answerability_agreement": round(agree, 3),
        "cohen_kappa": round(kappa, 3),
        "first_answerable_second_not": yes_no,
        "first_unanswerable_second_answerable": no_yes,
        "both_answerable": both_yes,
        "same_sentence_when_both_answerable": round(same_sentence / max(1, both_yes), 3),
    }
    lines = [
        "# Blind re-labelling: agreement",
        "",
        "`python3 eval/reader/agreement.py`",
        "",
        "| figure | value |",
        "| --- | --- |",
    ]
    lines += [f"| {k} | {v} |" for k, v in figures.items()]
    (READER / "relabel" / "AGREEMENT.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(json.dumps(figures, indent=1))
    return figures


if __name__ == "__main__":
    main()
