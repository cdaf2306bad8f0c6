"""What a question asks: weighted concepts, whether it wants a figure, and what it inherits from the chat.

Why weights are IDF: a question's rare words ("price", "epNET", "0.38") decide what answers it; common
ones ("Cabometyx" in a Cabometyx release) barely do. A word the corpus never uses keeps the highest
weight, so a question about something the release does not contain cannot reach the coverage an answer
needs: that is what makes "the release does not say" fall out of scoring rather than of special cases.

Follow-ups ("And in the epNET cohort?") are read against the chat history: the new question's concepts
stay required, the earlier question's concepts join at half weight, so they pick among passages that
match the new words without overriding them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from assistant.index.knowledge import Knowledge
from assistant.text.lexicon import LIGHT_WORDS, META_WORDS, QUANTITY_WORDS, is_number, stem

_FOLLOWUP_START = re.compile(
    r"^\s*(and|but|also|what about|how about|what of|same for|and what about|and for|and in|then|or)\b",
    re.IGNORECASE,
)
_ANAPHOR = re.compile(
    r"\b(it|its|they|their|them|this|that|these|those|there|the same|he|she|his|her)\b", re.I
)
_WANTS_FIGURE = re.compile(
    r"\b(how (many|much|long|often|large|big|old)|what (percentage|percent|proportion|share|fraction|number)"
    r"|what( was| is| were| are)? the ([\w-]+ ){0,3}(median|mean|average|rate|ratio|percentage|number|price"
    r"|cost|dose|dosage|p-?value|interval|rates|ratios|medians)"
    r"|what (rate|ratio|dose|price|cost)|which year|what year)\b",
    re.IGNORECASE,
)
# "What does CABINET stand for?", "What is the abbreviation EMA short for?", "the full name of NCI".
_DEFINITION = re.compile(
    r"^\W*what\s+(?:does|do|did)\s+(?:the\s+)?(?:acronym\s+|abbreviation\s+|name\s+|term\s+)?"
    r"[\"“‘']?(?P<a>[A-Za-z][\w&\-]*)[\"”’']?\s+(?:stand\s+for|mean|refer\s+to)\b"
    r"|^\W*what\s+is\s+(?:the\s+)?(?:acronym\s+|abbreviation\s+)?(?P<b>[A-Za-z][\w&\-]*)\s+short\s+for\b"
    r"|\b(?:full\s+name|long\s+form|expansion|meaning)\s+of\s+(?:the\s+)?(?:acronym\s+|abbreviation\s+)?"
    r"[\"“‘']?(?P<c>[A-Za-z][\w&\-]*)",
    re.IGNORECASE,
)
# "the EMA's CHMP": a name that only says whose the next name is.
_POSSESSIVE = re.compile(r"\b([A-Za-z][\w&\-]*)['’]s\s+([A-Za-z][\w&\-]*)")
HISTORY_WEIGHT = 0.5
UNKNOWN_SHARE = 0.6
LIGHT_WEIGHT = 0.25


@dataclass
class Question:
    raw: str
    corrected: str
    terms: dict[str, float] = field(default_factory=dict)  # concept -> weight, from this question
    inherited: dict[str, float] = field(default_factory=dict)  # concept -> weight, from the chat history
    unknown: list[str] = field(default_factory=list)  # concepts the corpus never uses
    #: Names, codes, figures and defined terms ("Europe", "A021602", "OS"): an answer must contain each.
    specific: set[str] = field(default_factory=set)
    wants_figure: bool = False
    followup: bool = False
    retrieval_text: str = ""
    #: The abbreviation a "What does X stand for?" question asks to expand, as typed.
    defines: str | None = None
    #: Specific concepts that only qualify another one ("EMA" in "the EMA's CHMP" -> "chmp"): a passage
    #: naming the second answers for the first when the release ties the two together elsewhere.
    qualifies: dict[str, str] = field(default_factory=dict)
    #: The chat's earlier user questions, oldest first (what the trained reader reads a follow-up with).
    history: list[str] = field(default_factory=list)

    @property
    def all_terms(self) -> dict[str, float]:
        merged = dict(self.inherited)
        merged.update(self.terms)
        return merged


_META_STEMS = {stem(w) for w in META_WORDS}
LIGHT_STEMS = {stem(w) for w in LIGHT_WORDS}
QUANTITY_STEMS = {stem(w) for w in QUANTITY_WORDS}


def _weights(kn: Knowledge, concepts: list[str]) -> tuple[dict[str, float], list[str]]:
    top = kn.idf("\x00never")  # the weight of a concept no sentence uses
    weights: dict[str, float] = {}
    unknown = []
    for c in concepts:
        if c in _META_STEMS:
            continue
        if kn.df.get(c, 0) == 0:
            c = kn.lexicon.family(c, kn.df) or c
        if c in QUANTITY_STEMS:
            # "how long", "what number": the kind of answer, not its topic; a figure satisfies it.
            weights[c] = max(weights.get(c, 0.0), top * LIGHT_WEIGHT)
            continue
        w = max(kn.idf(c), 0.3)
        if kn.df.get(c, 0) == 0:
            # Unused by the corpus: weighty, but not decisive alone (paraphrases use words a release
            # does not); names and codes the corpus lacks are caught by the ``specific`` rule instead.
            w = top * UNKNOWN_SHARE
            if c not in LIGHT_STEMS:
                unknown.append(c)
        if c in LIGHT_STEMS:
            w *= LIGHT_WEIGHT
        if is_number(c):
            w = max(w, top * 0.8)  # a figure in a question must be matched
        weights[c] = max(weights.get(c, 0.0), w)
    return weights, unknown


def specific_concepts(kn: Knowledge, text: str, concepts: list[str]) -> set[str]:
    """Concepts of capitalised words (not the first), codes, figures, and defined abbreviations."""
    return kn.lexicon.specific(text, concepts)


def is_followup(text: str, own_terms: int) -> bool:
    return (
        bool(_FOLLOWUP_START.search(text))
        or own_terms <= 1
        or (own_terms <= 3 and bool(_ANAPHOR.search(text)))
    )


def analyse(kn: Knowledge, text: str, history: list[str] | None = None) -> Question:
    """Analyse ``text``; ``history`` is the chat's earlier user questions, oldest first.

    >>> from assistant.ingest.boilerplate import BoilerplateDetector
    >>> from assistant.ingest.chunking import Chunker
    >>> from assistant.ingest.loaders import SourceDocument
    >>> text = "Median PFS was 11.2 months with Zorbatin versus 5.6 months with placebo."
    >>> kn = Knowledge.build(Chunker(BoilerplateDetector()).run(SourceDocument("z.txt", text)))
    >>> q = analyse(kn, "And with placebo?", ["What was the median PFS with Zorbatin?"])
    >>> q.followup, "Zorbatin" in q.retrieval_text
    (True, True)
    """
    topic: dict[str, float] = {}
    topic_text = ""
    for earlier in history or []:
        q = _single(kn, earlier)
        if topic and is_followup(earlier, len(q.terms)):
            topic = {**{k: v for k, v in topic.items()}, **q.terms}
            topic_text = f"{topic_text} {earlier}"
        else:
            topic, topic_text = dict(q.terms), earlier
    q = _single(kn, text)
    q.history = list(history or [])
    if topic and is_followup(text, len(q.terms)):
        q.followup = True
        q.inherited = {k: v * HISTORY_WEIGHT for k, v in topic.items() if k not in q.terms}
        q.retrieval_text = f"{topic_text} {q.corrected}"
    return q


def _single(kn: Knowledge, text: str) -> Question:
    corrected = kn.lexicon.correct_text(text)
    concepts = kn.lexicon.concepts(corrected, collapse=True)
    weights, unknown = _weights(kn, concepts)
    specific = specific_concepts(kn, corrected, concepts) & set(weights)
    qualifies = {}
    for m in _POSSESSIVE.finditer(corrected):
        owner = kn.lexicon.concepts(m.group(1), collapse=True)
        owned = kn.lexicon.concepts(m.group(2), collapse=True)
        if len(owner) == 1 and len(owned) == 1 and owner[0] in specific and owned[0] in specific:
            qualifies[owner[0]] = owned[0]
    d = _DEFINITION.search(corrected)
    return Question(
        defines=next((g for g in d.groups() if g), None) if d else None,
        qualifies=qualifies,
        raw=text,
        corrected=corrected,
        terms=weights,
        unknown=unknown,
        specific=specific,
        wants_figure=bool(_WANTS_FIGURE.search(corrected)),
        retrieval_text=corrected,
    )
