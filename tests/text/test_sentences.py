"""Sentence splitting with exact character offsets: decimals and abbreviations stay inside a sentence,
footnote numbers after a full stop end one, short lines without closing punctuation are headings."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assistant.text.sentences import is_heading, split_sentences

pytestmark = pytest.mark.unit


def _texts(text: str) -> list[str]:
    return [text[s.start : s.end] for s in split_sentences(text)]


def test_decimals_and_abbreviations_do_not_end_a_sentence():
    text = "Median PFS was 13.8 months in the U.S. cohort. The HR was 0.23."
    assert _texts(text) == ["Median PFS was 13.8 months in the U.S. cohort.", "The HR was 0.23."]


def test_footnote_numbers_after_a_full_stop_end_the_sentence():
    text = "It is a rare cancer.5,6,7 Most forms grow slowly."
    assert _texts(text)[1] == "Most forms grow slowly."


def test_lines_are_paragraphs_and_short_unpunctuated_lines_are_headings():
    text = "About CABINET (Alliance A021602)\nThe trial enrolled 298 patients. It had two cohorts.\n"
    sents = split_sentences(text)
    assert [s.paragraph for s in sents] == [0, 1, 1]
    assert [s.heading for s in sents] == [True, False, False]
    assert is_heading("About Ipsen") and not is_heading("The trial met its primary endpoint.")


def test_spans_limit_the_split_to_what_ingest_kept():
    text = "Kept sentence one. Dropped advert. Kept two."
    sents = split_sentences(text, [(0, 18), (35, len(text))])
    assert [text[s.start : s.end] for s in sents] == ["Kept sentence one.", "Kept two."]


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.text(alphabet="abc XYZ.,;:0123456789%\n", min_size=1, max_size=40), min_size=1, max_size=8)
)
def test_every_sentence_is_its_own_exact_slice(parts):
    text = " ".join(parts)
    last = 0
    for s in split_sentences(text):
        piece = text[s.start : s.end]
        assert piece and piece == piece.strip() and s.start >= last
        last = s.end
