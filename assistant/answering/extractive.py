"""The default answerer: the release's own sentences, quoted verbatim, each with a ``[n]`` marker.

Why extractive: the users of this product must get figures exactly right, and no generator that runs here
can be trusted with a number. Quoting sentences makes every answer checkable character for character.

How a sentence is chosen (see question.py for the weights): each sentence of the retrieved chunks gets
  coverage   = share of the question's weighted concepts it contains (its paragraph or section heading
               counts at 0.75; a quantity word such as "rate" counts at 0.6 when the sentence has a figure),
  similarity = cosine of question and sentence embeddings,
and more signals (answerability.py), which a fitted logistic regression turns into one probability that the
sentence answers the question. The most probable sentence answers if that probability reaches the fitted
threshold, the question's names, codes, figures and defined terms are all in it or beside it, and (for a
question that asks for a figure) it states one. Otherwise the answer is a refusal that quotes the closest
passage when retrieval found one on the topic. More sentences join when they cover concepts the first leaves out, or score as well; a
sentence of the same paragraph may complete the answer leaning on the chosen one for the question's names
(see ``_paragraph_complements``); a sentence ending in a colon brings the list that follows it.
"What does X stand for?" is answered by the sentence where the release spells X out, or refused.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

import numpy as np

from assistant.answering.answerability import AnswerabilityModel
from assistant.index.embeddings import PackagedEmbeddings
from assistant.index.knowledge import Knowledge, sentence_words
from assistant.reading.answer_type import AnswerTyper, question_focus, verbs_of
from assistant.reading.question import LIGHT_STEMS, QUANTITY_STEMS, Question
from assistant.settings import Settings
from assistant.text.lexicon import (
    find_expansions,
    is_number_word,
    numbers,
    read_as,
    stem,
    stopwords,
    strip_footnotes,
    words,
)
from assistant.types import Answer, Citation, Hit, SentenceRef

REFUSAL = "The release does not say"
#: How a hedge begins: a close passage is shown, and nothing is claimed about what the release lacks.
HEDGE = "I'm not sure the release answers this directly"
_VALUE = re.compile(r"(?<![\w.])\d+(?:,\d{3})*(?:\.\d+)?(?![\w])")


def _fmt(v: float) -> str:
    return f"{v:g}"


def _quoted(found: set[str], fallback: str) -> str:
    """Question words for a refusal's text. Never a figure: a refusal that repeats "2024" would state a
    number no citation holds."""
    shown = sorted({w.strip("?.,!;:'\"“”") for w in found} - {""})
    shown = [
        w for w in shown if not any(ch.isdigit() for ch in w) and not numbers(w) and not is_number_word(w)
    ]
    return ", ".join(f"“{w}”" for w in shown) or fallback


@functools.lru_cache(maxsize=1)
def _model() -> AnswerabilityModel:
    """The hand decision's model over hand signals (loaded once per process)."""
    return AnswerabilityModel.load()


@dataclass
class Candidate:
    ref: SentenceRef
    coverage: float
    similarity: float
    full: set[str]  # concepts the sentence itself contains
    has_figure: bool
    own: float = 0.0  # share of the question's weight found in the sentence itself
    specific_ok: bool = True  # every name, code, figure of the question is in the sentence or beside it
    features: dict[str, float] = field(default_factory=dict)
    prob: float = 0.0  # the answerability model's probability that this sentence answers the question

    @property
    def lexical(self) -> bool:
        """The strict lexical test: a sufficient condition to answer (see answerability.py)."""
        return self.features.get("lexical_pass", 0.0) == 1.0

    @property
    def score(self) -> float:
        return self.features.get("lexical_score", 0.0)


class ExtractiveAnswerer:
    """The release's own sentences as the answer (an ``Answerer``; see the module docstring).

    >>> from assistant import Assistant  # doctest: +SKIP
    >>> bot = Assistant()  # doctest: +SKIP
    >>> bot.ask("What was the median PFS in the pNET cohort?").citations[0].quote  # doctest: +SKIP
    """

    name = "extractive"

    def __init__(self, knowledge: Knowledge, embeddings: PackagedEmbeddings, settings: Settings) -> None:
        self.kn: Knowledge = knowledge
        self.embeddings = embeddings
        self.settings = settings
        #: The numbers of the answer decision, one section of the settings (settings.AnswerSettings).
        self.knobs = settings.answer
        self._context: dict[tuple[str, int], frozenset[str]] = {}
        self.model = _model()
        self.typer = AnswerTyper()
        self._word_vectors: dict[str, np.ndarray] = {}
        self._sentence_words: dict[tuple[str, int], list[str]] = {}

    # --- scoring -----------------------------------------------------------------------------------
    def context_of(self, ref: SentenceRef) -> frozenset[str]:
        key = (ref.source, ref.start)
        got = self._context.get(key)
        if got is None:
            ctx: set[str] = set()
            paragraph = self.kn.paragraph_of(ref)
            i = paragraph.index(ref)
            for other in paragraph[max(0, i - 1) : i + 2]:  # the sentences just before and after
                ctx |= self.kn.concepts_of(other)
            if ref.section:
                ctx |= set(self.kn.lexicon.concepts(strip_footnotes(ref.section)))
            got = self._context[key] = frozenset(ctx)
        return got

    def _sentence_vectors(self, refs: list[SentenceRef]) -> np.ndarray:
        """Made at ingest and stored with the generation: nothing is embedded here."""
        return self.kn.sentence_vectors(refs)

    def _words_of(self, ref: SentenceRef) -> list[str]:
        """Content words of a sentence, as written (normalised, not stemmed), for soft matching."""
        key = (ref.source, ref.start)
        got = self._sentence_words.get(key)
        if got is None:
            got = self._sentence_words[key] = sentence_words(self.kn.text(ref))
        return got

    def _vectors_for(self, items: list[str]) -> dict[str, np.ndarray]:
        """Word vectors: corpus words from the generation's table, the question's own words embedded."""
        todo = [w for w in dict.fromkeys(items) if w not in self._word_vectors]
        if todo:
            self._word_vectors.update(self.kn.word_vectors(todo))
            rest = [w for w in todo if w not in self._word_vectors]
            if rest:
                for w, v in zip(rest, self.embeddings.encode_queries(rest), strict=True):
                    self._word_vectors[w] = v
        return self._word_vectors

    def _soft_matches(self, q: Question, refs: list[SentenceRef]) -> dict[str, np.ndarray]:
        """For each question concept, its best word-embedding cosine with the words of each sentence
        (and its neighbours): how close the sentence comes to a word it does not contain ("goal" ~
        "endpoint"). A feature for the answerability model, never a match on its own."""
        surface: dict[str, str] = {}
        sw = stopwords()
        for w in read_as(words(q.corrected)):
            if w.isalpha() and w not in sw:
                surface.setdefault(self.kn.lexicon.canonical(stem(w)), w)
        wanted = [t for t in q.terms if t in surface]
        if not wanted or not refs:
            return {}
        per_ref = [self._words_of(r) for r in refs]
        vocab = sorted({w for ws in per_ref for w in ws})
        if not vocab:
            return {}
        table = self._vectors_for([surface[t] for t in wanted] + vocab)
        index = {w: i for i, w in enumerate(vocab)}
        sims = np.stack([table[surface[t]] for t in wanted]) @ np.stack([table[w] for w in vocab]).T
        out: dict[str, np.ndarray] = {}
        for ti, t in enumerate(wanted):
            row = np.zeros(len(refs), dtype=np.float32)
            for ri, ws in enumerate(per_ref):
                if ws:
                    row[ri] = max(0.0, float(sims[ti, [index[w] for w in ws]].max()))
            out[t] = row
        return out

    def candidates(self, q: Question, hits: list[Hit], qvec: np.ndarray) -> list[Candidate]:
        seen: dict[tuple[str, int], SentenceRef] = {}
        rank_of: dict[tuple[str, int], float] = {}
        for n, hit in enumerate(hits):
            for s in hit.chunk.sentences:
                key = (hit.chunk.source, s.start)
                if key not in seen:
                    refs = self.kn.sentences.get(hit.chunk.source, [])
                    pos = self.kn.position(hit.chunk.source, s.start)
                    if pos is not None:
                        seen[key] = refs[pos]
                        rank_of[key] = n / max(1, len(hits) - 1)
        refs = list(seen.values())
        if not refs:
            return []
        sims = self._sentence_vectors(refs) @ qvec
        terms = q.all_terms
        unknown = set(q.unknown)
        total = sum(terms.values()) or 1.0
        top_idf = self.kn.idf("\x00never") or 1.0
        kind, head = question_focus(q.raw)
        typed = kind not in (None, "YESNO")
        # The head noun of "which city ...?" is answered by a place, not by the word "city".
        head_concept = None
        if head:
            found = self.kn.lexicon.concepts(head, collapse=True)
            head_concept = found[0] if len(found) == 1 and found[0] in terms else None
        texts = [self.kn.text(r) for r in refs]
        ents = self.typer.entities(texts) if typed else [()] * len(refs)
        q_words = {w.lower() for w in words(q.corrected)}
        best_sim = float(max(sims)) if len(sims) else 0.0
        unknown_share = sum(terms.get(u, 0.0) for u in unknown) / total
        soft = self._soft_matches(q, refs)
        lex = self.kn.lexicon
        verb_concepts = {lex.canonical(stem(w)) for w in read_as(words(" ".join(verbs_of(q.corrected))))}
        out = []
        for i, (ref, sim, text, ent) in enumerate(zip(refs, sims, texts, ents, strict=True)):
            holds = self.typer.holds(kind, text, q_words, ent, head) if typed else None
            own = self.kn.concepts_of(ref)
            has_figure = bool(numbers(text))
            ctx = self.context_of(ref)
            got = mine = 0.0
            full = set()
            missing_idf = 0.0
            soft_got = 0.0
            worst = 1.0
            missing_verbs = missing_nouns = 0.0
            for t, w in terms.items():
                if t in own or (holds and t == head_concept):
                    got += w
                    mine += w
                    full.add(t)
                elif t in ctx:
                    got += self.knobs.context_credit * w
                elif t in QUANTITY_STEMS and has_figure and t not in unknown:
                    got += self.knobs.quantity_credit * w
                else:
                    if t in verb_concepts:
                        missing_verbs += w
                    elif t not in LIGHT_STEMS:
                        missing_nouns += w
                    if t not in unknown and t not in LIGHT_STEMS:
                        missing_idf = max(missing_idf, self.kn.idf(t) / top_idf)
                    if t in soft:
                        soft_got += w * float(soft[t][i])
                        if t not in LIGHT_STEMS:
                            worst = min(worst, float(soft[t][i]))
            specific_ok = all(
                t in own or t in ctx or self._qualified(q, t, own | ctx, ref.source) for t in q.specific
            )
            features = {
                "coverage": got / total,
                "own": mine / total,
                "similarity": float(sim),
                "similarity_gap": float(sim) - best_sim,
                "unknown_share": unknown_share,
                "missing_idf": missing_idf,
                "typed_match": 1.0 if holds else 0.0,
                "typed_miss": 1.0 if holds is False else 0.0,
                "yesno": 1.0 if kind == "YESNO" else 0.0,
                "figure": 1.0 if has_figure else 0.0,
                "retrieval_rank": rank_of.get((ref.source, ref.start), 1.0),
                "soft_coverage": (got + soft_got) / total,
                "lexical_score": self.knobs.coverage_weight * 0.5 * (got + mine) / total
                + (1 - self.knobs.coverage_weight) * max(float(sim), 0.0),
                "lexical_pass": 1.0
                if got / total >= self.settings.answer.min_coverage
                and mine / total >= self.knobs.min_own_share
                and (float(sim) >= self.settings.answer.min_similarity or got / total >= 0.999)
                else 0.0,
                "worst_missing": worst,
                "missing_verbs": missing_verbs / total,
                "missing_nouns": missing_nouns / total,
            }
            c = Candidate(ref, got / total, float(sim), full, has_figure, mine / total, specific_ok, features)
            c.prob = self.model.probability(features)
            out.append(c)
        out.sort(key=lambda c: -c.score)
        return out

    def _qualified(self, q: Question, concept: str, present: frozenset[str], source: str) -> bool:
        """A qualifying name ("the EMA's CHMP"): a passage about the CHMP answers for the EMA too, if the
        release says elsewhere that the two go together (it names both in one sentence)."""
        owned = q.qualifies.get(concept)
        return owned is not None and owned in present and self.kn.together(source, concept, owned)

    # --- choosing ----------------------------------------------------------------------------------
    def stream(self, q: Question, hits: list[Hit], qvec: np.ndarray) -> Iterator[tuple[str, Answer | None]]:
        """The answer word by word (for a chat window that types it out), then the Answer itself.

        Every partial is a prefix of the final text: nothing shown is ever taken back."""
        answer = self.run(q, hits, qvec)
        shown = ""
        for piece in answer.text.split(" "):
            shown = f"{shown} {piece}" if shown else piece
            yield shown, None
        yield answer.text, answer

    def run(self, q: Question, hits: list[Hit], qvec: np.ndarray) -> Answer:
        if not q.terms:
            return Answer(
                f"{REFUSAL}: the question has no words it could look up. Ask about the release's content.",
                refused=True,
                question=q.raw,
            )
        if q.defines:
            # Only the release's own words expand an abbreviation; a glossary's expansion would be an
            # answer nobody can check against the release.
            return self.definition(q, hits) or Answer(
                f"{REFUSAL}: it never spells out “{q.defines}”.", [], True, q.raw
            )
        ranked = self.candidates(q, hits, qvec)
        s = self.knobs
        threshold = s.answer_threshold if s.answer_threshold >= 0 else self.model.threshold
        possible = [c for c in ranked if c.specific_ok and (c.has_figure or not q.wants_figure)]
        # Sentences passing the strict lexical test answer, ranked as before; when none does, the most
        # probable sentences by the calibrated model do, if they reach its threshold.
        eligible = [c for c in possible if c.lexical]
        if not eligible:
            eligible = sorted((c for c in possible if c.prob >= threshold), key=lambda c: -c.prob)
        top = eligible[0] if eligible else max(possible, key=lambda c: c.prob, default=None)
        confidence = 1.0 if top is not None and top.lexical else (top.prob if top else 0.0)
        draft = self.kn.text(top.ref) if top else ""
        if not eligible:
            on_topic = [
                c
                for c in ranked
                if c.similarity >= self.knobs.topic_similarity or c.coverage >= self.knobs.topic_coverage
            ]
            closest = max(on_topic, key=lambda c: c.similarity + c.coverage, default=None)
            why = None
            if q.wants_figure and not possible and any(c.specific_ok for c in ranked):
                why = (
                    "it gives no figure for that"
                    if closest is None
                    else "the closest passage states no figure for it"
                )
            answer = self._refuse(q, closest, why)
            answer.confidence, answer.draft = confidence, draft
            return answer
        passing = [c for c in possible if c.lexical or c.prob >= threshold]
        if conflict := self._conflict(q, passing):
            return self._side_by_side(q, conflict, confidence, draft)
        best = eligible[0]
        chosen = [best]
        covered = set(best.full)
        terms = q.terms  # what this question asks; inherited terms only break ties
        total = sum(terms.values()) or 1.0
        for c in eligible[1:]:
            if len(chosen) >= s.max_answer_sentences:
                break
            # A further sentence must stand on its own: the question's names and codes in the sentence
            # itself, not only beside it; otherwise it is context, and a citation to context is imprecise.
            if not q.specific <= c.full:
                continue
            adds = sum(terms.get(t, 0.0) for t in c.full - covered)
            if adds >= self.knobs.complement_share * total or c.score >= self.knobs.tie_ratio * best.score:
                chosen.append(c)
                covered |= c.full
        chosen += self._paragraph_complements(q, ranked, chosen, covered)
        chosen.sort(key=lambda c: (c.ref.source, c.ref.start))
        citations = []
        parts = []
        for n, c in enumerate(chosen, start=1):
            start, end = c.ref.start, self.list_end(c.ref)
            quote = self.kn.slice(c.ref.source, start, end) or self.kn.text(c.ref)
            citations.append(Citation(n, c.ref.source, quote, start, start + len(quote), round(c.score, 4)))
            parts.append(f"{quote} [{n}]")
        return Answer(" ".join(parts), citations, False, q.raw, confidence=confidence, draft=draft)

    def conflict_answer(self, q: Question, hits: list[Hit], qvec: np.ndarray) -> Answer | None:
        """The side-by-side reply when the sentences that answer give different values for the asked
        quantity (see ``_conflict``), else None: the check the learned answerer keeps from this one."""
        ranked = self.candidates(q, hits, qvec)
        threshold = self.knobs.answer_threshold if self.knobs.answer_threshold >= 0 else self.model.threshold
        possible = [c for c in ranked if c.specific_ok and (c.has_figure or not q.wants_figure)]
        passing = [c for c in possible if c.lexical or c.prob >= threshold]
        conflict = self._conflict(q, passing)
        return self._side_by_side(q, conflict, 1.0, "") if conflict else None

    def _attached_values(self, q: Question, ref: SentenceRef) -> tuple[set[float], set[str]]:
        """Values the sentence gives *for what the question asks*: figures preceded, within three words,
        by one of the question's concepts ("hazard ratio (HR) 0.23", "pNET hazard ratio is 0.99"). A figure
        that belongs to something else in the sentence ("a median follow-up of 13.8 months") is not.
        Also returns the question concepts that did the attaching (the quantity, not its qualifiers)."""
        text = strip_footnotes(self.kn.text(ref))
        asked = set(q.terms)
        values: set[float] = set()
        attaching: set[str] = set()
        previous = 0
        for m in _VALUE.finditer(text):
            # Back to the previous figure at most: "HR 0.23 [95% CI" attaches 0.23, not 95.
            window = " ".join(words(text[previous : m.start()])[-self.knobs.attach_words :])
            previous = m.end()
            if hit := asked & set(self.kn.lexicon.concepts(window)):
                values.add(float(m.group().replace(",", "")))
                attaching |= hit
        return values, attaching

    def _conflict(self, q: Question, passing: list[Candidate]) -> list[tuple[Candidate, set[float]]]:
        """Answering sentences that give different values for the same quantity, or [] (the usual case).

        Why: a page can carry a second, planted or mistaken value ("the correct pNET hazard ratio is
        0.99"); choosing one would hide that the release contradicts itself. "The same quantity" is read
        strictly, so that two cohorts or two arms are not taken for a contradiction: the question must
        ask for a figure and qualify its quantity with a name, code or defined term (the "pNET" of "the pNET
        hazard ratio"); each sentence must pass as an answer, contain that qualifier itself, hold the same
        concepts of the question as the others (so two sentences answering different parts of it, such
        as two sites' survival rates, never conflict), and attach a figure to the question's words; the
        sentences conflict when no attached value is shared. An unqualified question ("what was the
        hazard ratio?") is answered as usual."""
        if not q.wants_figure:
            return []
        found: list[tuple[Candidate, set[float]]] = []
        quantity: set[str] = set()
        asked = set(q.terms)
        covers: set[frozenset[str]] = set()
        for c in passing:
            if not q.specific <= c.full:
                continue
            covers.add(frozenset(asked & c.full))
            values, attaching = self._attached_values(q, c.ref)
            if values and all(not (values & other) for _, other in found):
                found.append((c, values))
                quantity |= attaching
        same_question = len(covers) == 1  # each sentence answers all of it, not each a different part
        return found if len(found) > 1 and same_question and q.specific - quantity else []

    def _side_by_side(
        self, q: Question, conflict: list[tuple[Candidate, set[float]]], confidence: float, draft: str
    ) -> Answer:
        citations, parts, values = [], [], []
        ordered = sorted(conflict, key=lambda item: (item[0].ref.source, item[0].ref.start))
        for n, (c, vals) in enumerate(ordered, start=1):
            start, end = c.ref.start, self.list_end(c.ref)
            quote = self.kn.slice(c.ref.source, start, end) or self.kn.text(c.ref)
            citations.append(Citation(n, c.ref.source, quote, start, start + len(quote), round(c.score, 4)))
            parts.append(f"{quote} [{n}]")
            values.append(" / ".join(_fmt(v) for v in sorted(vals)) + f" [{n}]")
        head = (
            f"The passages found give different values for this ({'; '.join(values)}); they are shown "
            "side by side rather than one chosen. Check which one the release means:"
        )
        answer = Answer(
            "\n".join([head, *parts]), citations, False, q.raw, confidence=confidence, draft=draft
        )
        answer.conflict = True
        return answer

    def _paragraph_complements(
        self, q: Question, ranked: list[Candidate], chosen: list[Candidate], covered: set[str]
    ) -> list[Candidate]:
        """Sentences of a chosen sentence's paragraph that answer what it leaves out ("How were the two
        cohorts randomized and analysed?": "... in two separately powered cohorts." then "Each cohort ...
        had its own statistical analysis plan."). Such a sentence may lean on the chosen one for the
        question's names and figures, as a reader of the paragraph does, but must itself hold the
        concepts it adds and reach the coverage any answer needs (the chosen sentences count as its
        context)."""
        s = self.knobs
        terms, everything = q.terms, q.all_terms
        total = sum(everything.values()) or 1.0
        added: list[Candidate] = []
        for c in ranked:
            if len(chosen) + len(added) >= s.max_answer_sentences:
                break
            # Closer to the question than the answer it completes, and about half of the question itself:
            # a sentence that merely shares the topic ("More information about this trial ...") is not.
            if (
                c in chosen
                or c.similarity < max(s.min_similarity, chosen[0].similarity)
                or c.own < self.knobs.min_complement_own
            ):
                continue
            if not any(o.ref.source == c.ref.source and o.ref.paragraph == c.ref.paragraph for o in chosen):
                continue
            new = c.full - covered
            if sum(terms.get(t, 0.0) for t in new) < self.knobs.complement_share * (
                sum(terms.values()) or 1.0
            ):
                continue
            if not all(t in c.full or t in covered for t in q.specific):
                continue
            got = sum(w for t, w in everything.items() if t in c.full)
            got += self.knobs.context_credit * sum(w for t, w in everything.items() if t in covered - c.full)
            if got / total >= s.min_coverage:
                added.append(c)
                covered |= c.full
        return added

    def definition(self, q: Question, hits: list[Hit]) -> Answer | None:
        """A definition question ("What does CABINET stand for?"): the first sentence where a retrieved
        release spells the abbreviation out, as "long form (SHORT)" or "SHORT (words whose capitals spell
        it)". Only retrieved releases are searched, so a filter on releases holds."""
        wanted = q.defines.lower()
        sources = list(dict.fromkeys(h.chunk.source for h in hits))
        for source in sources:
            for ref in self.kn.sentences.get(source, []):
                text = self.kn.text(ref)
                if wanted not in text.lower():
                    continue
                for short, _long, _, _ in find_expansions(text):
                    if short.lower() == wanted:
                        quote = text
                        cite = Citation(1, ref.source, quote, ref.start, ref.start + len(quote), 1.0)
                        return Answer(f"{quote} [1]", [cite], False, q.raw)
        return None

    def list_end(self, ref: SentenceRef) -> int:
        """End of the list a sentence introduces ("... is currently indicated as:16" + its items)."""
        if not strip_footnotes(self.kn.text(ref)).rstrip().endswith(":"):
            return ref.end
        end = ref.end
        last_paragraph = ref.paragraph
        items = 0
        following = self.kn.neighbours(ref)
        for i, nxt in enumerate(following):
            single = i + 1 >= len(following) or following[i + 1].paragraph != nxt.paragraph
            if (
                nxt.heading
                or nxt.paragraph != last_paragraph + 1
                or not single
                or items >= self.knobs.max_list_items
            ):
                break
            end, last_paragraph = nxt.end, nxt.paragraph
            items += 1
        return end

    def _refuse(self, q: Question, closest: Candidate | None, why: str | None) -> Answer:
        """A reply that does not answer, in one of two honest tiers.

        *hedge*: retrieval found a passage on the topic; it is quoted as the closest passage, and the
        reply does not claim the release lacks the answer (the passage may answer it in words the
        decision did not trust). *absent*: nothing in the release is near the question; only then does the
        reply say the release does not mention it. A reply never says "does not say" while quoting."""
        missing = [t for t in q.specific if closest is None or t not in self.kn.concepts_of(closest.ref)]
        if closest is None:
            return self.absent(q, why)
        if why:
            detail = f" ({why})"
        elif missing:
            lex = self.kn.lexicon
            named = {
                w
                for w in q.corrected.split()
                if set(lex.concepts(w.strip("?.,!;:'\""), collapse=True)) & set(missing)
            }
            detail = f" for {_quoted(named, 'what you named')}"
        else:
            detail = ""
        quote = self.kn.text(closest.ref)
        cite = Citation(
            1, closest.ref.source, quote, closest.ref.start, closest.ref.end, round(closest.score, 4)
        )
        text = f"{HEDGE}{detail}. The passage closest to your question: {quote} [1]"
        return Answer(text, [cite], False, q.raw, tier="hedge")

    def absent(self, q: Question, why: str | None = None) -> Answer:
        """The *absent* tier: nothing in the release is near the question, so the reply says so, naming the
        question's words the releases never use, and quotes nothing. ``refused`` is True only here."""
        if why:
            text = f"{REFUSAL}: {why}."
        elif q.unknown:
            found = {w for w in q.corrected.split() if any(w.lower().startswith(u) for u in q.unknown)}
            text = f"{REFUSAL}: it never mentions {_quoted(found, 'what you asked')}."
        else:
            text = f"{REFUSAL}: no passage of it is about this question."
        return Answer(text, [], True, q.raw, tier="absent")
