"""Text folding: look-alike letters of other alphabets and typographic forms read as their Latin twins."""

from __future__ import annotations

import pytest

from assistant.text.folding import fold
from assistant.text.lexicon import words

pytestmark = pytest.mark.unit


def test_fold_matches_lookalike_letters_but_quotes_stay_original():
    assert fold("respοnse") == "response"  # Greek omicron inside a Latin word
    assert fold("ﬁnal “data” – ok") == 'final "data" - ok'
    assert fold("Ωμέγα") == "Ωμέγα"  # a Greek word stays Greek
    assert "response" in words("The respοnse rate was 41%.")


def test_folding_is_idempotent_and_leaves_plain_text_alone():
    plain = "Median PFS was 13.8 months (HR 0.23)."
    assert fold(plain) == plain
    once = fold("ﬁnal respοnse – “data”")
    assert fold(once) == once
