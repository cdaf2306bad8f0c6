"""Answer types: a sentence holds an answer of the asked class when it has an entity of that class that the
question does not already name. The rules run on given entities (unit); spaCy's recogniser supplies them
in the product (integration)."""

from __future__ import annotations

import pytest

from assistant.reading.answer_type import AnswerTyper

DATELINE = "OSLO, Norway, 4 March 2025 - Zentia Bio ASA today announced results."
ENTS = (("GPE", "OSLO"), ("GPE", "Norway"), ("DATE", "4 March 2025"), ("ORG", "Zentia Bio ASA"))


@pytest.mark.unit
def test_an_entity_of_the_asked_class_that_the_question_does_not_name_answers():
    typer = AnswerTyper()
    assert typer.holds("LOC", DATELINE, {"which", "country"}, ENTS) is True
    assert typer.holds("DATE", DATELINE, set(), ENTS) is True
    assert typer.holds("PERSON", DATELINE, set(), ENTS) is False
    # The question already names every place: none of them is an answer to it.
    assert typer.holds("LOC", DATELINE, {"oslo", "norway"}, ENTS) is False
    # "Which year" needs a year; a figure answers "how many" without an entity.
    assert typer.holds("DATE", "It was filed in March.", set(), (("DATE", "March"),), head="year") is False
    assert typer.holds("NUM", "The trial enrolled 412 patients.", set(), ()) is True
    assert typer.holds(None, DATELINE, set(), ENTS) is None


@pytest.mark.integration
def test_answer_types_come_from_named_entities():
    typer = AnswerTyper()
    dateline = "OSLO, Norway, 4 March 2025 - Zentia Bio ASA today announced results."
    assert typer.holds("LOC", dateline, {"which", "country"}) is True
    assert typer.holds("DATE", dateline, set()) is True
    assert typer.holds("PERSON", dateline, set()) is False
    # An entity the question already names is not an answer to it.
    assert typer.holds("LOC", "The trial ran in Norway.", {"norway"}) is False
    assert typer.holds(None, dateline, set()) is None
