"""The lexicon: words, stems and concepts; figures; abbreviations the release spells out (both ways)."""

from __future__ import annotations

import pytest

from assistant.text.lexicon import Lexicon, figure_tokens, find_expansions, is_number, numbers, stem, words
from tests.helpers import ZENTRA

pytestmark = pytest.mark.unit


def test_words_keep_figures_and_codes_whole():
    assert words("Median PFS was 13.8 months") == ["median", "pfs", "was", "13.8", "months"]
    assert is_number("13.8") and is_number("1,093") and not is_number("A021602")
    assert numbers("13.8 months versus 4.4 months") == {"13.8", "4.4"}
    assert "0.23" in figure_tokens("an HR of 0.23 [95% CI, 0.12-0.42]")


def test_stems_join_inflections():
    assert stem("patients") == stem("patient")
    assert stem("enrolled") == stem("enrolling") == stem("enrol")


def test_both_kinds_of_definition_are_found():
    found = {(s, long) for s, long, _, _ in find_expansions(ZENTRA)}
    assert ("ZEPHYR", "ZorbatinibEvaluated in Patients with HYpoxic Relapsed") not in found
    assert ("ZEPHYR", "Zorbatinib Evaluated in Patients with HYpoxic Relapsed") in found
    assert ("ODAC", "Oncologic Drugs Advisory Committee") in found
    # Letters out of order for Schwartz-Hearst, but the glossary pairs the two.
    assert ("CHMP", "Committee for Medicinal Products for Human Use") in found
    # Capitals that do not spell the name are not a definition.
    assert not [x for x in find_expansions("ALPHA (a Big Cat study of Dogs)") if x[0] == "ALPHA"]


def test_word_forms_the_stemmer_splits_are_one_concept():
    lex = Lexicon(["The analysis was final.", "Both analyses were run."])
    assert lex.concepts("analysed") == lex.concepts("analysis") == lex.concepts("analyses")
    # Only a final vowel joins two stems: "organs" and "organization" stay apart.
    lex = Lexicon(["Tumors grew in other organs.", "The organization led it."])
    assert lex.concepts("organs") != lex.concepts("organization")
