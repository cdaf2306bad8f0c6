"""Checking a draft against the releases: verdicts, evidence, values compared by value and unit, exports."""

from __future__ import annotations

import json
import os

import pytest

from assistant.checking.facts import (
    quantities,
)
from assistant.checking.report import render_html, render_markdown
from tests.helpers import RELEASE, assistant_cli

DRAFT = """Cabometyx received a positive CHMP opinion for advanced neuroendocrine tumours.
- In the pancreatic cohort, median PFS was 13.8 months with Cabometyx versus 4.4 months with placebo.
- In the pNET cohort, median PFS was 13.6 months for Cabometyx.
- Median PFS in the pNET cohort was 13.8 weeks with Cabometyx.
- Patients given placebo in the pNET cohort had a median PFS of 13.8 months.
- The European Commission approved Cabometyx for pNET and epNET.
- Diarrhoea was the most common side effect in CABINET.
"""
EXPECTED = [
    ("supported", ""),
    ("supported", ""),
    ("contradicted", "figure"),
    ("contradicted", "unit"),
    ("contradicted", "swap"),
    ("contradicted", "status"),
    ("not found", ""),
]


def test_each_claim_gets_its_verdict_with_evidence(bot, release_text):
    report = bot.check(DRAFT)
    got = [(r.verdict, r.kind) for r in report.results]
    assert got == EXPECTED, [(r.claim.text[:40], r.verdict, r.kind) for r in report.results]
    for r in report.results:
        for c in r.citations:  # exact offsets, as in answers
            assert release_text[c.start : c.end] == c.quote
        if r.verdict == "supported":
            assert r.citations
            for q in quantities(r.claim.text):  # every supported citation holds the claim's figures
                assert any(abs(q.value - x.value) < 1e-9 for c in r.citations for x in quantities(c.quote))
    figure = report.results[2]
    assert (figure.draft_value, figure.release_value) == ("13.6 months", "13.8 months")
    swap = report.results[4]
    assert swap.release_value == "4.4 months"
    status = report.results[5]
    assert status.draft_value == "approved" and status.release_value == "positive opinion"


def test_reports_export_as_markdown_and_self_contained_html(bot):
    report = bot.check(DRAFT)
    md = render_markdown(report)
    assert "2 supported, 4 contradicted, 1 not found" in md and RELEASE.name in md
    assert "the draft says: **13.6 months**" in md and "characters" in md
    page = render_html(report)
    assert page.startswith("<!DOCTYPE html>") and "13.6 months" in page and report.checked_at in page
    assert "http" not in page.replace("http-equiv", "")  # nothing loaded from elsewhere


def test_bad_drafts_get_one_line(bot):
    from assistant.surfaces.service import BadQuestion

    with pytest.raises(BadQuestion):
        bot.check("   ")
    with pytest.raises(BadQuestion):
        bot.check("x" * (bot.settings.check.max_draft_chars + 1))
    with pytest.raises(BadQuestion):
        bot.check("Median PFS was 13.8 months.", ["no-such-release.txt"])


def test_cli_checks_stdin_and_word_files(tmp_path, bot):
    import docx

    env = {**os.environ, "ASSISTANT_INDEX_DIR": str(bot.settings.index_dir)}
    out = assistant_cli(
        "check", "-", "--json", "--html", str(tmp_path / "r.html"), input=DRAFT, env=env, timeout=300
    )
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert [(c["verdict"], c["kind"]) for c in data["claims"]] == EXPECTED
    assert (
        "Draft check" in (tmp_path / "r.html").read_text()
        and "13.6 months" in (tmp_path / "r.html").read_text()
    )
    word = docx.Document()
    for line in DRAFT.splitlines():
        word.add_paragraph(line)
    word.save(str(tmp_path / "draft.docx"))
    out = assistant_cli("check", str(tmp_path / "draft.docx"), "--json", env=env, timeout=300)
    assert out.returncode == 0, out.stderr
    assert [(c["verdict"], c["kind"]) for c in json.loads(out.stdout)["claims"]] == EXPECTED
    (tmp_path / "bad.docx").write_bytes(b"not a zip")
    out = assistant_cli("check", str(tmp_path / "bad.docx"), env=env, timeout=300)
    assert out.returncode == 1 and len(out.stderr.strip().splitlines()) == 1


def test_labelled_dev_drafts_meet_their_measured_floors(tmp_path):
    """The dev split of eval/check (tuned on); floors under the measured figures (README)."""
    from assistant.evaluation.check_eval import run_check_set
    from assistant.settings import Settings

    summary = run_check_set("check-dev", Settings(index_dir=tmp_path / "idx"))["summary"]
    assert sorted(p.name for p in tmp_path.iterdir()) == []  # its index was temporary, beside nothing
    print("\ncheck-dev:", json.dumps({k: round(v, 3) for k, v in summary.items()}))
    assert summary["claims"] >= 170
    assert summary["supported_citations_hold_figures"] == 1.0
    assert summary["caught_figure"] >= 0.7
    assert summary["caught_unit"] >= 0.6
    assert summary["false_alarm_rate"] <= 0.10
    assert summary["contradicted_precision"] >= 0.7


def test_the_trained_aligners_keep_verdicts_cited(tmp_path, release_text):
    """With the reader's and the cross-encoder's scores blended into the alignment (check_reader_weight,
    check_cross_weight), a correct claim is still supported with exact citations and a swapped arm is still
    not."""
    from assistant import Assistant
    from tests.helpers import CORPUS

    b = Assistant(
        corpus_dir=str(CORPUS), index_dir=str(tmp_path / "i"), check_cross_weight=0.3, check_reader_weight=0.3
    )
    b.ingest(progress=False)
    right = b.check(
        "In the pNET cohort, median PFS was 13.8 months for Cabometyx versus 4.4 months for placebo."
    )
    (res,) = right.results
    assert res.verdict == "supported" and res.citations
    assert all(release_text[c.start : c.end] == c.quote for c in res.citations)
    swapped = b.check(
        "In the pNET cohort, median PFS was 4.4 months for Cabometyx versus 13.8 months for placebo."
    )
    assert swapped.results[0].verdict != "supported"


def test_a_trial_outcome_or_deal_stage_the_release_does_not_state_is_contradicted(small_corpus, tmp_path):
    from assistant import Assistant

    (small_corpus / "deal.md").write_text(
        "Acme Pharma agreed to acquire Beta Bio for $2.1 billion. The acquisition is expected to close in "
        "the third quarter of 2025, subject to regulatory approvals.\n",
        encoding="utf-8",
    )
    bot = Assistant(corpus_dir=str(small_corpus), index_dir=str(tmp_path / "idx"))
    bot.ingest(progress=False)
    report = bot.check(
        "Zorbatin failed to meet the primary endpoint of the ZEST trial.\n"
        "Acme Pharma completed the acquisition of Beta Bio for $2.1 billion.\n"
        "Zorbatin met the primary endpoint in the ZEST trial.\n"
    )
    missed, closed, met = report.results
    assert (missed.verdict, missed.kind) == ("contradicted", "status"), missed.reason
    assert missed.citations and "met the primary endpoint" in missed.citations[0].quote
    assert (closed.verdict, closed.kind) == ("contradicted", "status")
    assert closed.release_value and "close" in closed.release_value
    assert met.verdict == "supported"
    off = Assistant(corpus_dir=str(small_corpus), index_dir=str(tmp_path / "idx"), check_states=False)
    assert (
        off.check("Zorbatin failed to meet the primary endpoint of the ZEST trial.").results[0].kind
        != "status"
    )


def test_a_swap_read_from_the_fact_sheet_cites_both_rows(small_corpus, tmp_path):
    from assistant import Assistant

    (small_corpus / "zest.md").write_text(
        "Acme Pharma reported results of the ZEST trial of Zorbatin.\n"
        "Median progression-free survival was 9.1 months in the Zorbatin arm.\n"
        "In the placebo arm, median progression-free survival was 4.2 months.\n",
        encoding="utf-8",
    )
    bot = Assistant(corpus_dir=str(small_corpus), index_dir=str(tmp_path / "idx"))
    bot.ingest(progress=False)
    (result,) = bot.check("In the placebo arm of ZEST, median PFS was 9.1 months.").results
    assert (result.verdict, result.kind) == ("contradicted", "swap"), result.reason
    assert (result.draft_value, result.release_value) == ("9.1 months", "4.2 months")
    quotes = [c.quote for c in result.citations]
    assert len(quotes) == 2 and "4.2 months" in quotes[0] and "9.1 months" in quotes[1]
    text = (small_corpus / "zest.md").read_text(encoding="utf-8")
    for c in result.citations:
        assert text[c.start : c.end] == c.quote
