"""The default answerer: the release's own sentences, quoted verbatim, each with a ``[n]`` marker.

Why extractive: the users of this product must get figures exactly right, and no generator that runs here
can be trusted with a number. Quoting sentences makes every answer checkable character for character.

How a sentence is chosen (see question.py for the weights): each sentence of the retrieved chunks gets
  coverage   = share of the question's weighted concepts it contains (its paragraph or section heading
               counts at 0.75; a quantity word such as "rate" counts at 0.6 when the sentence has a figure),
  similarity = cosine of question and sentence embeddings,
  score      = 0.6 * coverage + 0.4 * similarity.
The best sentence answers if coverage >= ``min_coverage`` and similarity >= ``min_similarity``; a question
that asks for a figure needs a sentence that states one. Otherwise the answer is a refusal that says what
is missing. More sentences join when they cover concepts the first leaves out, or score as well; a
sentence of the same paragraph may complete the answer leaning on the chosen one for the question's names
(see ``_paragraph_complements``); a sentence ending in a colon brings the list that follows it.
"What does X stand for?" is answered by the sentence where the release spells X out, or refused.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

import numpy as np

from .embeddings import PackagedEmbeddings
from .knowledge import Knowledge, SentenceRef
from .lexicon import find_expansions, numbers, strip_footnotes
from .question import QUANTITY_STEMS, Question
from .retrieve import Hit
from .settings import Settings

CONTEXT_CREDIT = 0.75
QUANTITY_CREDIT = 0.6
COVERAGE_WEIGHT = 0.6
COMPLEMENT_SHARE = 0.15
TIE_RATIO = 0.99
MAX_LIST_ITEMS = 12
MIN_OWN_SHARE = 0.3
MIN_COMPLEMENT_OWN = 0.5
REFUSAL = "The release does not say"


@dataclass
class Citation:
    n: int
    source: str
    quote: str
    start: int
    end: int
    score: float

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class Answer:
    text: str
    citations: list[Citation] = field(default_factory=list)
    refused: bool = False
    question: str = ""
    generator: str = "extractive"
    resolved_question: str = ""
    latency_ms: float = 0.0
    guard: dict | None = None  # the grounding guard's verdict, for generated answers
    raw_text: str = ""  # what the generator wrote, before the guard

    def to_dict(self) -> dict:
        d = {
            "text": self.text,
            "citations": [c.to_dict() for c in self.citations],
            "refused": self.refused,
            "question": self.question,
            "generator": self.generator,
        }
        if self.guard is not None:
            d["guard"] = self.guard
            d["raw_text"] = self.raw_text
        return d


@dataclass
class Candidate:
    ref: SentenceRef
    coverage: float
    similarity: float
    full: set[str]  # concepts the sentence itself contains
    has_figure: bool
    own: float = 0.0  # share of the question's weight found in the sentence itself
    specific_ok: bool = True  # every name, code, figure of the question is in the sentence or beside it

    def passes(self, s: Settings) -> bool:
        if self.coverage < s.min_coverage or self.own < MIN_OWN_SHARE or not self.specific_ok:
            return False
        # Embeddings blur names ("Who is Christelle Huguet?" ~ 0.03), so full coverage stands on its own.
        return self.similarity >= s.min_similarity or self.coverage >= 0.999

    @property
    def score(self) -> float:
        # Coverage counted half from the sentence alone, so a sentence that says it beats one whose
        # neighbours do.
        lexical = 0.5 * (self.coverage + self.own)
        return COVERAGE_WEIGHT * lexical + (1 - COVERAGE_WEIGHT) * max(self.similarity, 0.0)


class ExtractiveAnswerer:
    def __init__(self, knowledge: Knowledge, embeddings: PackagedEmbeddings, settings: Settings) -> None:
        self.kn: Knowledge = knowledge
        self.embeddings = embeddings
        self.settings = settings
        self._vectors: dict[tuple[str, int], np.ndarray] = {}
        self._context: dict[tuple[str, int], frozenset[str]] = {}

    # --- scoring -----------------------------------------------------------------------------------
    def _context_of(self, ref: SentenceRef) -> frozenset[str]:
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
        missing = [r for r in refs if (r.source, r.start) not in self._vectors]
        if missing:
            for r, v in zip(missing, self.embeddings.encode([self.kn.text(r) for r in missing]), strict=True):
                self._vectors[(r.source, r.start)] = v
        return np.stack([self._vectors[(r.source, r.start)] for r in refs])

    def candidates(self, q: Question, hits: list[Hit], qvec: np.ndarray) -> list[Candidate]:
        seen: dict[tuple[str, int], SentenceRef] = {}
        for hit in hits:
            for s in hit.chunk.sentences:
                key = (hit.chunk.source, s.start)
                if key not in seen:
                    refs = self.kn.sentences.get(hit.chunk.source, [])
                    pos = self.kn._positions.get(key)
                    if pos is not None:
                        seen[key] = refs[pos]
        refs = list(seen.values())
        if not refs:
            return []
        sims = self._sentence_vectors(refs) @ qvec
        terms = q.all_terms
        unknown = set(q.unknown)
        total = sum(terms.values()) or 1.0
        out = []
        for ref, sim in zip(refs, sims, strict=True):
            own = self.kn.concepts_of(ref)
            text = self.kn.text(ref)
            has_figure = bool(numbers(text))
            ctx = self._context_of(ref)
            got = mine = 0.0
            full = set()
            for t, w in terms.items():
                if t in own:
                    got += w
                    mine += w
                    full.add(t)
                elif t in ctx:
                    got += CONTEXT_CREDIT * w
                elif t in QUANTITY_STEMS and has_figure and t not in unknown:
                    got += QUANTITY_CREDIT * w
            specific_ok = all(
                t in own or t in ctx or self._qualified(q, t, own | ctx, ref.source) for t in q.specific
            )
            out.append(Candidate(ref, got / total, float(sim), full, has_figure, mine / total, specific_ok))
        out.sort(key=lambda c: -c.score)
        return out

    def _qualified(self, q: Question, concept: str, present: frozenset[str], source: str) -> bool:
        """A qualifying name ("the EMA's CHMP"): a passage about the CHMP answers for the EMA too, if the
        release says elsewhere that the two go together (it names both in one sentence)."""
        owned = q.qualifies.get(concept)
        return owned is not None and owned in present and self.kn.together(source, concept, owned)

    # --- choosing ----------------------------------------------------------------------------------
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
            return self._definition(q, hits) or Answer(
                f"{REFUSAL}: it never spells out “{q.defines}”.", [], True, q.raw
            )
        ranked = self.candidates(q, hits, qvec)
        s = self.settings
        eligible = [c for c in ranked if c.passes(s)]
        if q.wants_figure and eligible:
            with_figure = [c for c in eligible if c.has_figure]
            if not with_figure:
                return self._refuse(q, eligible[0], "it gives no figure for that")
            eligible = with_figure
        if not eligible:
            closest = ranked[0] if ranked and not q.unknown and ranked[0].coverage >= 0.5 else None
            return self._refuse(q, closest, None)
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
            if adds >= COMPLEMENT_SHARE * total or c.score >= TIE_RATIO * best.score:
                chosen.append(c)
                covered |= c.full
        chosen += self._paragraph_complements(q, ranked, chosen, covered)
        chosen.sort(key=lambda c: (c.ref.source, c.ref.start))
        citations = []
        parts = []
        for n, c in enumerate(chosen, start=1):
            start, end = c.ref.start, self._list_end(c.ref)
            quote = self.kn.slice(c.ref.source, start, end) or self.kn.text(c.ref)
            citations.append(Citation(n, c.ref.source, quote, start, start + len(quote), round(c.score, 4)))
            parts.append(f"{quote} [{n}]")
        return Answer(" ".join(parts), citations, False, q.raw)

    def _paragraph_complements(
        self, q: Question, ranked: list[Candidate], chosen: list[Candidate], covered: set[str]
    ) -> list[Candidate]:
        """Sentences of a chosen sentence's paragraph that answer what it leaves out ("How were the two
        cohorts randomized and analysed?": "... in two separately powered cohorts." then "Each cohort ...
        had its own statistical analysis plan."). Such a sentence may lean on the chosen one for the
        question's names and figures, as a reader of the paragraph does, but must itself hold the
        concepts it adds and reach the coverage any answer needs (the chosen sentences count as its
        context)."""
        s = self.settings
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
                or c.own < MIN_COMPLEMENT_OWN
            ):
                continue
            if not any(o.ref.source == c.ref.source and o.ref.paragraph == c.ref.paragraph for o in chosen):
                continue
            new = c.full - covered
            if sum(terms.get(t, 0.0) for t in new) < COMPLEMENT_SHARE * (sum(terms.values()) or 1.0):
                continue
            if not all(t in c.full or t in covered for t in q.specific):
                continue
            got = sum(w for t, w in everything.items() if t in c.full)
            got += CONTEXT_CREDIT * sum(w for t, w in everything.items() if t in covered - c.full)
            if got / total >= s.min_coverage:
                added.append(c)
                covered |= c.full
        return added

    def _definition(self, q: Question, hits: list[Hit]) -> Answer | None:
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

    def _list_end(self, ref: SentenceRef) -> int:
        """End of the list a sentence introduces ("... is currently indicated as:16" + its items)."""
        if not strip_footnotes(self.kn.text(ref)).rstrip().endswith(":"):
            return ref.end
        end = ref.end
        last_paragraph = ref.paragraph
        items = 0
        following = self.kn.neighbours(ref)
        for i, nxt in enumerate(following):
            single = i + 1 >= len(following) or following[i + 1].paragraph != nxt.paragraph
            if nxt.heading or nxt.paragraph != last_paragraph + 1 or not single or items >= MAX_LIST_ITEMS:
                break
            end, last_paragraph = nxt.end, nxt.paragraph
            items += 1
        return end

    def _refuse(self, q: Question, closest: Candidate | None, why: str | None) -> Answer:
        if q.unknown:
            words = sorted(
                {w for w in q.corrected.split() if any(w.lower().startswith(u) for u in q.unknown)}
            )
            shown = ", ".join(f"“{w.strip('?.,!;:')}”" for w in words) or "what you asked"
            text = f"{REFUSAL}: it never mentions {shown}."
        elif why:
            text = f"{REFUSAL}: {why}."
        else:
            text = f"{REFUSAL}: no passage of it answers this question."
        if closest is None:
            return Answer(text, [], True, q.raw)
        quote = self.kn.text(closest.ref)
        cite = Citation(
            1, closest.ref.source, quote, closest.ref.start, closest.ref.end, round(closest.score, 4)
        )
        return Answer(f"{text} The closest passage: {quote} [1]", [cite], True, q.raw)
