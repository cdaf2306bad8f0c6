"""Grounding guard: a generated answer keeps only sentences the retrieved passages support.

Why alignment and not the model's markers: small models rarely write correct ``[n]`` markers, and a model
that does may still cite the wrong passage. So each generated sentence is matched to the passages that
support it (concept overlap and embedding cosine); a marker the model wrote is kept only if alignment
confirms it. Then every figure in the sentence (numbers, percentages, dates, ratios, normalised so
"13.8 mo" == "13.8 months") must occur in a passage it cites, and must not be bound to another passage's
subject: a sentence whose figures all come from the epNET passage but which names "pNET" (a name that only
other passages hold) moved a true number onto the wrong subject. Sentences that fail are removed and the
answer says so; if nothing survives, the caller falls back to the extractive answer.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field

import numpy as np

from assistant.index.embeddings import PackagedEmbeddings
from assistant.settings import GeneratorSettings
from assistant.text.lexicon import Lexicon, figure_tokens, is_number, stopwords, strip_footnotes
from assistant.text.sentences import split_sentences

_MARKER = re.compile(r"\s*\[(\d+)\]")
_REFUSAL = re.compile(
    r"(does not (say|mention|state|provide|give|include|specify)|doesn't (say|mention|state)|not (mentioned|stated|"
    r"provided|specified|available) in|no information|cannot (find|answer)|can't (find|answer)|is not given)",
    re.IGNORECASE,
)


@dataclass
class Passage:
    n: int
    source: str
    start: int
    end: int
    text: str


@dataclass
class SentenceVerdict:
    text: str
    kept: bool
    cites: list[int] = field(default_factory=list)  # passage numbers the sentence is attached to
    model_markers: list[int] = field(default_factory=list)
    reason: str = ""


@dataclass
class GuardVerdict:
    sentences: list[SentenceVerdict]
    refusal: bool = False
    fallback: bool = False
    figures_before: int = 0
    unsupported_before: int = 0

    @property
    def removed(self) -> list[SentenceVerdict]:
        return [s for s in self.sentences if not s.kept]

    def to_dict(self) -> dict:
        d = asdict(self)
        d["removed_count"] = len(self.removed)
        return d


def _figures(text: str) -> set[str]:
    # All digits count, footnote-like ones too: a model that writes "respectively.12" invented a number.
    return set(figure_tokens(text))


class GroundingGuard:
    def __init__(
        self, lexicon: Lexicon, embeddings: PackagedEmbeddings, knobs: GeneratorSettings | None = None
    ) -> None:
        #: The guard's numbers (settings.GeneratorSettings).
        self.knobs = knobs or GeneratorSettings()
        self.lexicon = lexicon
        self.embeddings = embeddings

    def _concepts(self, text: str) -> set[str]:
        sw = stopwords()
        return {c for c in self.lexicon.concepts(strip_footnotes(text)) if c not in sw}

    def _misbound(
        self, sent: str, figs: set[str], p_concepts: list[set[str]], p_figures: list[set[str]]
    ) -> set[str]:
        """Names in the sentence that the passages holding its figures never mention, though another
        passage does. Why only those: a name no passage holds is the alignment's business; a name that
        belongs to a *different* passage is the signature of a figure moved to the wrong subject ("the
        pNET cohort … 8.4 months" when 8.4 is the epNET figure). The holders are pooled, so a sentence
        that joins two passages' facts ("13.8 months in pNET and 8.4 months in epNET") still passes."""
        holders = [i for i, pf in enumerate(p_figures) if pf & figs]
        if not holders:
            return set()
        held = set().union(*(p_concepts[i] for i in holders))
        others = set().union(*(pc for i, pc in enumerate(p_concepts) if i not in holders), set())
        names = {c for c in self.lexicon.specific(sent) if not is_number(c)} - stopwords()
        return {c for c in names if c not in held and c in others}

    def run(self, generated: str, passages: list[Passage]) -> GuardVerdict:
        text = generated.strip()
        pieces = [text[s.start : s.end].strip() for s in split_sentences(text)] if text else []
        verdict = GuardVerdict(sentences=[])
        if not pieces:
            return verdict
        if _REFUSAL.search(text) and not _figures(_MARKER.sub("", text)):
            verdict.refusal = True
            return verdict
        clean = [_MARKER.sub("", p).strip() for p in pieces]
        pvecs = self.embeddings.encode([p.text for p in passages]) if passages else np.zeros((0, 1))
        svecs = self.embeddings.encode(clean)
        p_concepts = [self._concepts(p.text) for p in passages]
        p_figures = [_figures(p.text) for p in passages]
        for raw, sent, svec in zip(pieces, clean, svecs, strict=True):
            markers = [int(m) for m in _MARKER.findall(raw)]
            sv = SentenceVerdict(text=sent, kept=False, model_markers=markers)
            verdict.sentences.append(sv)
            figs = _figures(sent)
            verdict.figures_before += len(figs)
            all_passage_figures = set().union(*p_figures) if p_figures else set()
            verdict.unsupported_before += len(figs - all_passage_figures)
            if not sent or not passages:
                sv.reason = "no passage to support it"
                continue
            s_concepts = self._concepts(sent)
            scores = []
            for i in range(len(passages)):
                overlap = len(s_concepts & p_concepts[i]) / max(1, len(s_concepts))
                scores.append(self.knobs.guard_lexical_weight * overlap + (1 - self.knobs.guard_lexical_weight) * float(pvecs[i] @ svec))
            best = max(scores)
            aligned = [i for i, sc in enumerate(scores) if sc >= self.knobs.guard_min_alignment and sc >= best - 0.1]
            if not aligned:
                sv.reason = f"no passage supports it (best alignment {best:.2f})"
                continue
            # Prefer passages holding the sentence's figures; every figure must be in some cited passage.
            cited = [i for i in aligned if figs & p_figures[i]] or aligned[:1]
            missing = figs - set().union(*(p_figures[i] for i in cited))
            if missing:
                others = [i for i in aligned if p_figures[i] & missing]
                cited += [i for i in others if i not in cited]
                missing = figs - set().union(*(p_figures[i] for i in cited))
            if missing:
                sv.reason = "figure(s) not in any cited passage: " + ", ".join(sorted(missing))
                continue
            # A name, code or defined term no passage holds was made up ("CHMP stands for CABOKPETAL…").
            invented = {c for c in self.lexicon.specific(sent) if not is_number(c)} - stopwords()
            invented -= set().union(*p_concepts)
            if invented:
                sv.reason = "name(s) in no passage: " + ", ".join(sorted(invented))
                continue
            if figs and (wrong := self._misbound(sent, figs, p_concepts, p_figures)):
                sv.reason = (
                    "figure(s) "
                    + ", ".join(sorted(figs))
                    + " belong to passages that do not mention "
                    + ", ".join(sorted(wrong))
                )
                continue
            confirmed = [passages[i].n for i in cited if passages[i].n in markers]
            sv.cites = confirmed or [passages[i].n for i in cited[:2]]
            sv.kept = True
        return verdict
