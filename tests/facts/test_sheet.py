"""The fact sheet: figures found by class with exact offsets, measures and subjects from the parse, the
cache, the comparison across releases, and the annotators' labels it is scored on."""

from __future__ import annotations

import json

import pytest

from assistant.evaluation.facts_eval import load, measure_match, pair
from assistant.facts.compare import compare
from assistant.facts.figures import find_figures
from assistant.facts.sheet import FIELDS, FactSheet

pytestmark = pytest.mark.unit


def test_figures_have_exact_offsets_on_every_labelled_release():
    releases = load("dev")
    assert len(releases) >= 20
    for rel in releases:
        for f in find_figures(rel.text):
            assert rel.text[f.start : f.end] == f.text


@pytest.mark.parametrize(
    "text, not_figures",
    [
        ("The Alliance A021602 trial (NCT03375320) read out.", {"021602", "03375320"}),
        ("Call +1 (908) 555-0147 or visit us.", {"908", "555", "0147"}),
        ("Results were presented at ESMO 2024 in the COVID-19 era.", {"19"}),
        ("© 2025 Acme Corp. All rights reserved.", {"2025"}),
        ("Median PFS was 13.8 months (95% CI 0.12-0.42).", {"95%"}),
        ("Patients with type 2 diabetes used the Omnipod 5 system.", {"2", "5"}),
    ],
)
def test_names_codes_phones_and_labels_are_not_figures(text, not_figures):
    found = {f.text for f in find_figures(text)}
    assert not found & not_figures, found


def test_two_figures_in_one_sentence_get_their_own_measure():
    text = "At a median follow-up of 13.8 months, median PFS was 13.8 months with Zorbatin versus 4.4 months with placebo."
    rows = FactSheet().run("z.txt", text)
    by_start = {r.start: r for r in rows}
    follow, pfs, placebo = (
        by_start[text.index(x)] for x in ("13.8 months,", "13.8 months with", "4.4 months")
    )
    assert measure_match(follow.measure, "median follow-up")
    assert measure_match(pfs.measure, "median progression-free survival")
    assert not measure_match(follow.measure, pfs.measure)
    assert "placebo" in placebo.subject.lower() and "4.4 months" in pfs.comparator
    for r in rows:
        assert (
            text[r.quote_start : r.quote_end] == r.quote and r.quote_start <= r.start < r.end <= r.quote_end
        )


def test_the_cache_serves_the_same_rows_and_survives_a_damaged_file(tmp_path):
    text = "Revenue rose 5% to $3.2 billion in 2024, and the company employs 4,500 people."
    first = FactSheet(tmp_path).run("r.txt", text)
    files = list(tmp_path.glob("*.json"))
    assert len(files) == 1
    again = FactSheet(tmp_path).run("r.txt", text)
    assert [r.to_dict() for r in again] == [r.to_dict() for r in first]
    files[0].write_text("{not json", encoding="utf-8")
    recovered = FactSheet(tmp_path).run("r.txt", text)
    assert [r.to_dict() for r in recovered] == [r.to_dict() for r in first]
    assert json.loads(files[0].read_text(encoding="utf-8"))  # rewritten whole
    changed = FactSheet(tmp_path).run("r.txt", text.replace("5%", "7%"))
    assert "7%" in {r.figure for r in changed}
    assert set(FIELDS) == set(first[0].to_dict())


def test_the_same_measure_across_releases_is_lined_up_and_flagged():
    sheet = FactSheet()
    old = sheet.run("q1.txt", "Acme expects full-year revenue of $2.7 billion.")
    new = sheet.run("q2.txt", "Acme expects full-year revenue of $2.9 billion.")
    same = sheet.run("q3.txt", "Acme expects full-year revenue of $2.9 billion.")
    groups = compare([*old, *new])
    assert groups and groups[0].differs and {r.source for r in groups[0].rows} == {"q1.txt", "q2.txt"}
    assert not compare([*new, *same])[0].differs


def test_the_scorer_pairs_by_overlapping_span_one_to_one():
    gold = [{"start": 0, "end": 11}, {"start": 20, "end": 24}]
    system = [{"start": 0, "end": 4}, {"start": 5, "end": 11}, {"start": 30, "end": 33}]
    pairs = pair(system, gold)
    assert len(pairs) == 1 and pairs[0][1] is gold[0]


@pytest.mark.integration
def test_facts_command_gives_exact_rows_for_the_shipped_release(tmp_path, release_text):
    import os

    from tests.helpers import CORPUS, RELEASE, assistant_cli

    env = dict(os.environ, ASSISTANT_CORPUS_DIR=str(CORPUS), ASSISTANT_INDEX_DIR=str(tmp_path / "idx"))
    done = assistant_cli("facts", RELEASE.name, "--json", env=env)
    assert done.returncode == 0, done.stderr
    rows = json.loads(done.stdout)
    assert len(rows) >= 20
    for r in rows:
        assert release_text[r["start"] : r["end"]] == r["figure"]
        assert release_text[r["quote_start"] : r["quote_end"]] == r["quote"]
        assert r["measure"] and r["kind"]
    assert any(r["figure"] == "13.8 months" and measure_match(r["measure"], "median PFS") for r in rows)
    csv_out = assistant_cli("facts", RELEASE.name, "--csv", env=env)
    assert csv_out.returncode == 0 and csv_out.stdout.splitlines()[0].split(",") == list(FIELDS)
    missing = assistant_cli("facts", "no-such-release.txt", env=env)
    assert missing.returncode != 0 and "no indexed release" in (missing.stderr + missing.stdout)


def test_comparison_keeps_trials_apart_and_reads_measures_worded_alike():
    from assistant.facts.sheet import FactRow

    def row(source, figure, measure, subject):
        return FactRow(source, figure, 0, len(figure), "months", "result", measure, subject, "", figure, 0, 9)

    one = row("a.txt", "22.7%", "weight loss", "CagriSema, REDEFINE 1")
    four = row("b.txt", "20.2%", "weight loss", "CagriSema, REDEFINE 4")
    assert compare([one, four]) == []
    early = row("a.txt", "14.1 months", "median OS", "Zorbatin, ZEST")
    later = row("b.txt", "16.0 months", "updated median overall survival", "Zorbatin, ZEST")
    (group,) = compare([early, later])
    assert group.differs and [r.source for r in group.rows] == ["a.txt", "b.txt"]
