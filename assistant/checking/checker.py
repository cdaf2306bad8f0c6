"""Check a draft against the releases: each claim supported, contradicted or not found, with evidence.

Why claims are checked by their *facts* and not by similarity alone: the people who use this check drafts
whose errors are small (13.8 written as 13.6, months as weeks, the placebo arm's value given for the drug,
"approved" for "positive opinion"), and a reworded sentence with one wrong figure is as similar to its
source as a right one. So each claim is first aligned with the release sentences about the same subject
(retrieval, then IDF-weighted concept overlap and embedding cosine, the answerer's own signals), and then
its checkable facts are compared one by one with the aligned sentences:

- figures by value and unit, never as strings ("0.23" = "0.230"; "23 %" ≠ "0.23"; "13.8 months" ≠ "13.8
  weeks"); a value found with the other arm's or cohort's words is a swap;
- dates by day, month and year; regulatory status by class (an approval is not an opinion or a filing);
- names (companies, products, trials) the release never uses, where the rest of the claim aligns.

A claim with a fact the aligned text contradicts is **contradicted** (both sides shown); a claim whose
facts and words the aligned text holds is **supported** (its citations, exact offsets); anything else is
**not found**. Usage::

    report = Assistant().check("Median PFS was 13.6 months in the pNET cohort.")
    report.results[0].verdict  # "contradicted"; .draft_value "13.6 months", .release_value "13.8 months"
    print(report.to_markdown())
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable

import numpy as np

from assistant.answering.retrieve import HybridRetriever
from assistant.checking.facts import (
    STATE_FAMILIES,
    STATUS_PATTERNS,
    compatible_units,
    dates,
    family_states,
    format_date,
    quantities,
    regions,
    same_date,
    split_claims,
    status_classes,
)
from assistant.facts.sheet import FactRow
from assistant.facts.words import measure_match
from assistant.index.knowledge import Knowledge
from assistant.settings import CheckSettings
from assistant.text.folding import fold
from assistant.text.lexicon import strip_footnotes, words
from assistant.types import (
    CONTRADICTED,
    NOT_FOUND,
    SUPPORTED,
    CheckReport,
    Citation,
    Claim,
    ClaimResult,
    Quantity,
    SentenceRef,
)


class DraftChecker:
    """One job: verdicts for the claims of a draft, against the loaded index (see the module docstring)."""

    def __init__(
        self,
        kn: Knowledge,
        retriever: HybridRetriever,
        embeddings,
        knobs: CheckSettings | None = None,
        facts: Callable[[str], list[FactRow]] | None = None,
    ) -> None:
        from assistant.reading.answer_type import AnswerTyper

        #: The numbers of the check (settings.CheckSettings).
        self.knobs = knobs or CheckSettings()
        self.kn = kn
        self.retriever = retriever
        self.embeddings = embeddings
        self.typer = AnswerTyper()
        #: A release's fact-sheet rows (Assistant.facts for one source); None leaves the sheet out.
        self.facts = facts
        self._rows: dict[str, list[tuple[FactRow, Quantity]]] = {}

    # --- alignment ---------------------------------------------------------------------------------
    def _content(self, text: str) -> set[str]:
        return {c for c in self.kn.lexicon.concepts(fold(strip_footnotes(text))) if not c[0].isdigit()}

    def _overlap(self, claim: set[str], sentence: set[str]) -> float:
        total = sum(self.kn.idf(c) for c in claim) or 1.0
        return sum(self.kn.idf(c) for c in claim & sentence) / total

    def _candidates(self, claim: Claim, sources: list[str] | None) -> list[tuple[float, SentenceRef]]:
        vec = np.asarray(self.embeddings.embed_query(fold(claim.text)), dtype=np.float32)
        hits = self.retriever.search(fold(claim.text), vec, k=8, sources=sources)
        refs: dict[tuple[str, int], SentenceRef] = {}
        for h in hits:
            for s in h.chunk.sentences:
                for ref in self.kn.sentences.get(h.chunk.source, []):
                    if ref.start == s.start:
                        refs[(ref.source, ref.start)] = ref
        words_ = self._content(claim.text)
        scored = [
            (self._overlap(words_, self.kn.concepts_of(r) | self._heading(r)), r) for r in refs.values()
        ]
        anchor = self.knobs.check_figure_anchor
        cqs = quantities(claim.text) if anchor > 0 else []
        if cqs:
            # A reworded claim shares few words with its sentence but all its figures: a sentence of the
            # retrieved releases that holds every figure of the claim (same value, same unit) is about it.
            for source in {r.source for r in refs.values()}:
                for ref in self.kn.sentences.get(source, []):
                    if (ref.source, ref.start) not in refs and self._holds_all(cqs, self.kn.text(ref)):
                        refs[(ref.source, ref.start)] = ref
                        scored.append(
                            (self._overlap(words_, self.kn.concepts_of(ref) | self._heading(ref)), ref)
                        )
            scored = [(sc + anchor if self._holds_all(cqs, self.kn.text(r)) else sc, r) for sc, r in scored]
        w = self.knobs.check_reader_weight
        if w > 0 and scored:
            scored = self._with_reader(claim, scored, w)
        if self.knobs.check_cross_weight > 0 and scored:
            scored = self._with_cross(claim, scored, self.knobs.check_cross_weight)
        return sorted(scored, key=lambda x: -x[0])

    @staticmethod
    def _holds_all(cqs: list[Quantity], text: str) -> bool:
        rqs = quantities(text)
        return all(
            any(abs(r.value - q.value) < 1e-9 and compatible_units(r.unit, q.unit) for r in rqs) for q in cqs
        )

    def _before(self, ref: SentenceRef) -> str:
        """The sentence before ``ref`` in its release ("" for the first): the trained models read it too."""
        refs = self.kn.sentences.get(ref.source, [])
        i = self.kn.position(ref.source, ref.start)
        return self.kn.text(refs[i - 1]) if i else ""

    def _with_reader(
        self, claim: Claim, scored: list[tuple[float, SentenceRef]], w: float
    ) -> list[tuple[float, SentenceRef]]:
        """Alignment blended with the trained reader's cosine (the claim read as a question), measured as
        the aligner of the check on eval/check dev (docs/reader.md)."""
        from assistant.answering.reader import Reader, pair

        if not Reader.available():
            return scored
        pairs = [pair(claim.text, self.kn.text(r), self._before(r)) for _, r in scored]
        cos = Reader.load().scores(pairs)
        return [((1 - w) * s + w * max(0.0, float(c)), r) for (s, r), c in zip(scored, cos, strict=True)]

    def _with_cross(
        self, claim: Claim, scored: list[tuple[float, SentenceRef]], w: float
    ) -> list[tuple[float, SentenceRef]]:
        """Alignment blended with the trained cross-encoder's probability that the sentence answers the
        claim read as a question (answering/cross.py), tried as the check's aligner on eval/check dev
        (docs/reader.md has the figures)."""
        from assistant.answering.cross import CrossReader, cross_pair

        if not CrossReader.available():
            return scored
        pairs = [
            cross_pair(
                claim.text,
                self.kn.text(r),
                self._before(r),
                r.section,
                self.kn.documents.get(r.source, {}).get("title", ""),
            )
            for _, r in scored
        ]
        prob = CrossReader.load().probabilities(pairs)
        return [((1 - w) * s + w * float(p), r) for (s, r), p in zip(scored, prob, strict=True)]

    def _heading(self, ref: SentenceRef) -> frozenset[str]:
        """A sentence is read with its section heading and paragraph opening ("In the pNET cohort, …")."""
        extra = set(self._content(ref.section)) if ref.section else set()
        para = self.kn.paragraph_of(ref)
        if para and para[0] != ref:
            extra |= self.kn.concepts_of(para[0])
        return frozenset(extra)

    def _cite(self, refs: list[SentenceRef]) -> list[Citation]:
        out = []
        for n, ref in enumerate(refs, start=1):
            quote = self.kn.text(ref)
            out.append(Citation(n, ref.source, quote, ref.start, ref.end, 0.0))
        return out

    # --- facts -------------------------------------------------------------------------------------
    def _sides(self, text: str, q: Quantity, others: list[Quantity], n: int = 0) -> tuple[str, str]:
        """The words before a figure (what it measures: "median PFS was") and after it (whose it is:
        "months for placebo"), each up to the neighbouring figure; ``n`` words (default: local_words)."""
        n = n or self.knobs.local_words
        before = max([o.end for o in others if o.end <= q.start], default=0)
        after = min([o.start for o in others if o.start >= q.end], default=len(text))
        left = " ".join(words(text[before : q.start])[-n:])
        right = " ".join(words(text[q.end : after])[:n])
        return left, right

    def _check_figure(
        self, claim: Claim, cq: Quantity, cqs: list[Quantity], aligned: list[tuple[float, SentenceRef]]
    ) -> ClaimResult | None:
        """None when an aligned sentence holds the figure (same value, compatible unit) for the same group;
        otherwise the contradiction: the value of the other arm (swap), the same number in another unit,
        or another value for the same thing."""
        c_left, c_right = (self._content(x) for x in self._sides(claim.text, cq, cqs))
        # The claim may name the group on either side ("placebo had a median PFS of 13.8 months").
        wide_l, wide_r = (
            self._content(x) for x in self._sides(claim.text, cq, cqs, self.knobs.claim_side_words)
        )
        claim_side = wide_l | wide_r
        other: tuple[SentenceRef, Quantity] | None = None
        unit_clash: tuple[SentenceRef, Quantity] | None = None
        swap: ClaimResult | None = None
        for _, ref in aligned:
            text = self.kn.text(ref)
            rqs = quantities(text)
            same = [r for r in rqs if abs(r.value - cq.value) < 1e-9]
            comparable = [r for r in rqs if compatible_units(r.unit, cq.unit)]
            # A claim may leave the unit to a neighbouring figure ("13.8 vs 4.4 months"): a bare number
            # is held by the same value in any unit.
            held = [r for r in same if compatible_units(r.unit, cq.unit) or not cq.unit]
            if held:
                # The occurrence(s) measuring what the claim measures (the words before the figure).
                fit = [(len(c_left & self._content(self._sides(text, r, rqs)[0])), r) for r in held]
                best = max(f for f, _ in fit)
                # Arms and groups are compared on figures with a unit (months, %, mg, patients); bare numbers
                # beside a figure are mostly its interval or p-value.
                rivals = [
                    o for o in comparable if o.unit and all(abs(o.value - r.value) > 1e-9 for r in held)
                ]
                swapped = [self._swapped(claim_side, text, r, rqs, rivals) for f, r in fit if f == best]
                if not all(swapped):
                    return None  # held, for the same group
                swap = swap or self._contra(
                    claim,
                    ref,
                    "swap",
                    cq.text,
                    swapped[0].text,
                    f"{cq.text} is the release's figure for another group",
                )
                continue
            if same and cq.unit and same[0].unit and unit_clash is None:
                unit_clash = (ref, same[0])
            if comparable and other is None:
                near = [(len(c_left & self._content(self._sides(text, o, rqs)[0])), o) for o in comparable]
                score, pick = max(near, key=lambda x: x[0])
                if score > 0:  # the release states this quantity, in the claim's words, with another value
                    other = (ref, pick)
        if swap is not None:
            return swap
        if unit_clash is not None:
            return self._contra(claim, unit_clash[0], "unit", cq.text, unit_clash[1].text)
        if other is not None:
            return self._contra(claim, other[0], "figure", cq.text, other[1].text)
        return None

    def _sheet_rows(self, source: str) -> list[tuple[FactRow, Quantity]]:
        if source not in self._rows:
            try:
                rows = self.facts(source) if self.facts is not None else []
            except Exception:  # an unreadable file: the sentence-level checks still run
                rows = []
            self._rows[source] = [(r, q[0]) for r in rows for q in [quantities(r.figure)] if q]
        return self._rows[source]

    def _swap_by_sheet(
        self, claim: Claim, cq: Quantity, aligned: list[tuple[float, SentenceRef]]
    ) -> ClaimResult | None:
        """A swap read from the fact sheet: every row holding the claim's value measures what the claim
        measures for another group (arm, cohort, period) than the claim names, and a row of the same measure
        for the claim's group gives another value. Both rows are cited: the one the claim should match
        first, then the one its figure came from."""
        if self.facts is None or not self.knobs.check_sheet:
            return None
        said = self._content(claim.text)
        # Whose figure the claim makes it: the words between its neighbouring figures (the group of a
        # comparison's other figure is not this one's).
        cqs = quantities(claim.text)
        # The left side reaches back to the clause's start (its subject names the group: "Diagnostics
        # revenue dropped 9% to $308 million"), but not past the other side of a comparison.
        text = _BASIS.sub(lambda m: " " * len(m.group(0)), claim.text)
        opened = [m.end() for m in _COMPARED.finditer(text, 0, cq.start)] + [
            i + 1 for i, ch in enumerate(text[: cq.start]) if ch in ";"
        ]
        left = text[max(opened, default=0) : cq.start]
        after = min([q.start for q in cqs if q.start >= cq.end], default=len(text))
        right = _COMPARED.split(text[cq.end : after], maxsplit=1)[0]  # "versus placebo": the other side
        near = self._content(f"{left} {right}")
        for source in dict.fromkeys(ref.source for _, ref in aligned):
            rows = self._sheet_rows(source)
            held = [
                r
                for r, q in rows
                if abs(q.value - cq.value) < 1e-9
                and (compatible_units(q.unit, cq.unit) or not cq.unit)
                and self._content(r.measure) & said
            ]
            if not held:
                continue
            verdicts = []
            for h in held:
                mine = self._content(f"{h.subject} {h.measure}")
                swap = None
                for t, q in rows:
                    if t is h or abs(q.value - cq.value) < 1e-9 or not compatible_units(q.unit, cq.unit):
                        continue
                    if not measure_match(t.measure, h.measure):
                        continue
                    theirs = self._content(f"{t.subject} {t.measure}")
                    if near & (theirs - mine) and not near & (mine - theirs):
                        swap = t
                        break
                verdicts.append((h, swap))
            if all(swap is not None for _, swap in verdicts):
                h, t = verdicts[0]
                cites = [
                    Citation(1, t.source, t.quote, t.quote_start, t.quote_end, 0.0),
                    Citation(2, h.source, h.quote, h.quote_start, h.quote_end, 0.0),
                ]
                why = (
                    f"the release gives {t.figure} for {t.subject} ({t.measure}); {cq.text} is its figure "
                    f"for {h.subject}"
                )
                return ClaimResult(claim, CONTRADICTED, cites, cq.text, t.figure, "swap", why)
            return None
        return None

    def _swapped(
        self, claim_side: set[str], text: str, r: Quantity, rqs: list[Quantity], rivals: list[Quantity]
    ) -> Quantity | None:
        """The rival figure whose group the claim names for this value ("4.4 months for placebo" when the
        claim gives 13.8 months to placebo), or None. Only the words after each figure (whose figure it is)
        that tell the two apart count."""
        mine = self._content(self._sides(text, r, rqs)[1])
        for o in rivals:
            theirs = self._content(self._sides(text, o, rqs)[1])
            if claim_side & (theirs - mine) and not claim_side & (mine - theirs):
                return o
        return None

    def _contra(
        self, claim: Claim, ref: SentenceRef, kind: str, draft: str, release: str, why: str = ""
    ) -> ClaimResult:
        return ClaimResult(claim, CONTRADICTED, self._cite([ref]), draft, release, kind, why)

    def _swap_of_subject(
        self, claim: Claim, cq: Quantity, aligned: list[tuple[float, SentenceRef]]
    ) -> ClaimResult | None:
        """The figure stands in the release only for another cohort or group than the one the claim names
        ("a pNET figure given for epNET"): no aligned sentence (read with its heading and paragraph
        opening) holds both the claim's names and the value, and one that holds the value names another."""
        named = self._names_of(claim.text)
        if not named:
            return None
        elsewhere = None
        for _, ref in aligned:
            text = self.kn.text(ref)
            if not any(
                abs(r.value - cq.value) < 1e-9 and compatible_units(r.unit, cq.unit) for r in quantities(text)
            ):
                continue
            held = self.kn.concepts_of(ref) | self._heading(ref)
            if named <= held:
                return None
            others = sorted(self._names_of(text) - named)
            if elsewhere is None and others and named - held:
                elsewhere = (ref, others)
        if elsewhere is None:
            return None
        ref, others = elsewhere
        # Only a swap when the release also measures this for the claim's own group, with another value.
        c_left = self._content(self._sides(claim.text, cq, quantities(claim.text))[0])
        for _, mine in aligned:
            text = self.kn.text(mine)
            if not named <= self.kn.concepts_of(mine) | self._heading(mine):
                continue
            rqs = quantities(text)
            for r in rqs:
                if compatible_units(r.unit, cq.unit) and c_left & self._content(self._sides(text, r, rqs)[0]):
                    why = f"the release gives {cq.text} for {', '.join(others)}"
                    return ClaimResult(
                        claim, CONTRADICTED, self._cite([mine, ref]), cq.text, r.text, "swap", why
                    )
        return None

    def _names_of(self, text: str) -> set[str]:
        """The names, codes and defined terms of a text (pNET, CABINET), figures aside."""
        return {c for c in self.kn.lexicon.specific(fold(text)) if not any(ch.isdigit() for ch in c)}

    # --- one claim -----------------------------------------------------------------------------------
    def check_claim(self, claim: Claim, sources: list[str] | None, release_text: str) -> ClaimResult:
        scored = self._candidates(claim, sources)
        aligned = [(s, r) for s, r in scored if s >= self.knobs.align_share]
        cqs = quantities(claim.text)
        # Figures.
        for cq in cqs:
            verdict = (
                self._swap_by_sheet(claim, cq, aligned)
                or self._swap_of_subject(claim, cq, aligned)
                or self._check_figure(claim, cq, cqs, aligned)
            )
            if verdict is not None:
                return verdict
        # A figure no aligned sentence holds is never supported: contradicted by a retrieved sentence that
        # gives the same number in another unit, or by the aligned sentence that gives a figure in the same
        # unit (the closest one); otherwise not found.
        for cq in cqs:
            if any(
                abs(r.value - cq.value) < 1e-9 and (compatible_units(r.unit, cq.unit) or not cq.unit)
                for _, ref in aligned
                for r in quantities(self.kn.text(ref))
            ):
                continue
            for _, ref in scored[: self.knobs.unit_look]:
                for r in quantities(self.kn.text(ref)):
                    if (
                        abs(r.value - cq.value) < 1e-9
                        and cq.unit
                        and r.unit
                        and not compatible_units(r.unit, cq.unit)
                    ):
                        return self._contra(claim, ref, "unit", cq.text, r.text)
            for _, ref in aligned:
                rqs = [r for r in quantities(self.kn.text(ref)) if cq.unit and r.unit == cq.unit]
                if rqs:
                    pick = min(rqs, key=lambda r: abs(r.value - cq.value))
                    return self._contra(claim, ref, "figure", cq.text, pick.text)
            return ClaimResult(claim, NOT_FOUND, [], reason=f"no passage of the release gives {cq.text}")
        # Dates: compared with the dates of the passages most about the claim's subject, or of the release
        # when those give none.
        about = [r for sc, r in scored[: self.knobs.status_look] if sc >= self.knobs.align_share / 2]
        claim_dates = dates(claim.text)
        for d in claim_dates:
            near = [(ref, dates(self.kn.text(ref))) for ref in about]
            near = [(ref, ds) for ref, ds in near if ds]
            pool = [x for _, ds in near for x in ds] if near else list(dates(release_text))
            if pool and not any(same_date(d, x) for x in pool) and scored:
                ref = near[0][0] if near else scored[0][1]
                shown = near[0][1] if near else (dates(self.kn.text(ref)) or set(pool))
                return self._contra(claim, ref, "date", format_date(d), format_date(sorted(shown)[0]))
        # Regulatory status: an approval claimed where the passages about the same subject state only an
        # opinion or a filing, or an approval only as a prospect ("a final decision on the approval is
        # expected"). Other approvals elsewhere in the release (earlier indications) do not count.
        if "approval" in status_classes(claim.text):
            about = [r for s, r in scored[: self.knobs.status_look] if s >= self.knobs.align_share / 2]
            where = regions(claim.text)
            if where:  # an approval claimed for a region is read against that region's statements
                local = [r for r in about if regions(self.kn.text(r)) & where]
                about = local or about
            stated = set().union(*(status_classes(self.kn.text(r)) for r in about)) if about else set()
            mentions = [r for r in about if STATUS_PATTERNS["approval"].search(self.kn.text(r))]
            if "approval" not in stated and (stated or mentions):
                ref = mentions[0] if mentions else next(r for r in about if status_classes(self.kn.text(r)))
                text = self.kn.text(ref)
                m = next((rx.search(text) for rx in STATUS_PATTERNS.values() if rx.search(text)), None)
                word = STATUS_PATTERNS["approval"].search(claim.text).group(0)
                return self._contra(claim, ref, "status", word, m.group(0) if m else "")
        # Trial outcome, deal stage, guidance direction: a state the claim gives where the passages about the
        # same subject state only another state of the same family ("met" where the trial missed).
        verdict = self._check_states(claim, scored)
        if verdict is not None:
            return verdict
        # Names (companies, products, trials, places) the releases never use, where the best-aligned
        # sentence names another of the same kind in their place.
        if scored and scored[0][0] >= self.knobs.align_share:
            ref = scored[0][1]
            theirs = self._entities(self.kn.text(ref))
            folded = fold(release_text).lower()
            for label, name in self._entities(claim.text):
                if fold(name).lower() in folded:
                    continue
                rivals = [n for lab, n in theirs if lab == label and n.lower() not in claim.text.lower()]
                if rivals:
                    return self._contra(claim, ref, "name", name, rivals[0])
        # Supported: the best sentence holds the claim's words, and every figure checked above.
        if scored and scored[0][0] >= (
            self.knobs.align_share if cqs or claim_dates else self.knobs.support_share
        ):
            refs = [scored[0][1]]
            if cqs:
                holding = [
                    r
                    for _, r in aligned
                    if any(abs(x.value - q.value) < 1e-9 for q in cqs for x in quantities(self.kn.text(r)))
                ]
                refs = holding[:2] or refs
            return ClaimResult(claim, SUPPORTED, self._cite(refs))
        return ClaimResult(claim, NOT_FOUND, [], reason="no passage of the release states or contradicts it")

    def _check_states(self, claim: Claim, scored: list[tuple[float, SentenceRef]]) -> ClaimResult | None:
        claimed = family_states(claim.text) if self.knobs.check_states else {}
        if not claimed:
            return None
        about = [r for s, r in scored[: self.knobs.status_look] if s >= self.knobs.align_share / 2]
        for family, states in claimed.items():
            stated = [(r, family_states(self.kn.text(r)).get(family, set())) for r in about]
            stated = [(r, st) for r, st in stated if st]
            if not stated or any(states & st for _, st in stated):
                continue
            ref, theirs = stated[0]
            text = self.kn.text(ref)
            release_word = next(
                (
                    m.group(0)
                    for name, rx in STATE_FAMILIES[family]
                    if name in theirs
                    for m in [rx.search(text)]
                    if m
                ),
                "",
            )
            claim_word = next(
                (
                    m.group(0)
                    for name, rx in STATE_FAMILIES[family]
                    if name in states
                    for m in [rx.search(claim.text)]
                    if m
                ),
                "",
            )
            why = f"the release states {', '.join(sorted(theirs))}, not {', '.join(sorted(states))}"
            return ClaimResult(
                claim, CONTRADICTED, self._cite([ref]), claim_word, release_word, "status", why
            )
        return None

    def _entities(self, text: str) -> list[tuple[str, str]]:
        """Named entities that identify *which* thing (spaCy: organisations, products, people, places,
        events, laws, works); numbers and dates are compared as values above."""
        kinds = {"ORG", "PRODUCT", "PERSON", "GPE", "NORP", "EVENT", "LAW", "WORK_OF_ART", "FAC", "LOC"}
        return [(label, name) for label, name in self.typer.entities([text])[0] if label in kinds]

    def run(self, text: str, sources: list[str] | None = None) -> CheckReport:
        started = time.perf_counter()
        chosen = sources or sorted(self.kn.documents)
        release_text = " ".join(_joined(self.kn, s) for s in chosen)
        results = [self.check_claim(c, sources, release_text) for c in split_claims(text)]
        return CheckReport(text, results, chosen, seconds=time.perf_counter() - started)


#: Words that open the other side of a comparison ("versus placebo", "compared with 4.4 months").
_COMPARED = re.compile(r"\b(?:versus|vs|compared|against|than|relative|over)\b", re.IGNORECASE)
#: The basis of a change, not whose figure it is ("year over year", "from a year earlier").
_BASIS = re.compile(
    r"\b(?:year|quarter|month)[\s-](?:over|on)[\s-](?:year|quarter|month)\b|\b(?:from|than|versus) (?:a|the) "
    r"(?:year|quarter) (?:earlier|before|ago)\b|\blast year\b",
    re.IGNORECASE,
)


def _joined(kn: Knowledge, source: str) -> str:
    t = kn.texts.get(source)
    return " ".join(seg for _, seg in t.segments()) if t else ""


def read_draft(path: str) -> str:
    """The text of a draft file: .txt/.md as is, .docx by its paragraphs (python-docx); "-" is stdin."""
    import sys
    from pathlib import Path

    if path == "-":
        return sys.stdin.read()
    p = Path(path)
    if p.suffix.lower() == ".docx":
        try:
            import docx

            return "\n".join(par.text for par in docx.Document(str(p)).paragraphs)
        except Exception as exc:  # a broken or non-Word file named .docx
            raise ValueError(f"{p}: not a readable .docx ({type(exc).__name__})") from exc
    data = p.read_bytes()
    if b"\x00" in data[:4096]:
        raise ValueError(f"{p}: looks binary; give a .txt, .md or .docx draft")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValueError(f"{p}: is not UTF-8 text") from exc
