"""Generators: the grounding guard on hand-written answers, the local GGUF model, an OpenAI-compatible server."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time

import pytest

from assistant import Assistant
from assistant.answering.generate import compose, default_gguf
from assistant.answering.guard import GroundingGuard, Passage
from tests.helpers import free_port


def passages(bot, *needles: str) -> list[Passage]:
    kn = bot.knowledge
    out = []
    for refs in kn.sentences.values():
        for ref in refs:
            text = kn.text(ref)
            if any(n in text for n in needles):
                out.append(Passage(len(out) + 1, ref.source, ref.start, ref.end, text))
    return out


@pytest.fixture(scope="module")
def guard(bot):
    return GroundingGuard(bot.knowledge.lexicon, bot.embeddings)


def test_guard_keeps_a_faithful_answer_and_cites_by_alignment(bot, guard, release_text):
    ps = passages(bot, "In the pNET cohort, at a median", "In the epNET cohort, at a median")
    good = "In the pNET cohort, median PFS was 13.8 months with Cabometyx versus 4.4 months with placebo."
    verdict = guard.run(good, ps)
    assert [s.kept for s in verdict.sentences] == [True]
    answer = compose("q", good, ps, verdict, "local")
    assert "[1]" in answer.text and answer.citations
    assert "13.8 months" in answer.citations[0].quote
    for c in answer.citations:
        assert release_text[c.start : c.end] == c.quote


def test_guard_removes_a_planted_wrong_figure(bot, guard):
    ps = passages(bot, "In the pNET cohort, at a median", "In the epNET cohort, at a median")
    bad = (
        "In the epNET cohort, the hazard ratio was 0.38 [2]. "
        "This is a decrease of 3.8% from the hazard ratio in the pNET cohort [1]."
    )
    verdict = guard.run(bad, ps)
    kept = [s.text for s in verdict.sentences if s.kept]
    removed = [s for s in verdict.sentences if not s.kept]
    assert any("0.38" in k for k in kept)
    assert len(removed) == 1 and "3.8" in removed[0].reason
    answer = compose("q", bad, ps, verdict, "local")
    assert "3.8%" not in answer.text and "0.38" in answer.text


def test_guard_removes_a_true_figure_moved_to_the_wrong_subject(bot, guard):
    ps = passages(bot, "In the pNET cohort, at a median", "In the epNET cohort, at a median")
    # 8.4 months and HR 0.38 are the epNET results; said of the pNET cohort they are wrong numbers.
    moved = guard.run("The median PFS in the pNET cohort was 8.4 months (HR 0.38).", ps)
    assert not moved.sentences[0].kept and "pnet" in moved.sentences[0].reason.lower()
    right = guard.run("In the epNET cohort, median PFS was 8.4 months (HR 0.38).", ps)
    assert right.sentences[0].kept, right.sentences[0].reason
    # Joining both passages' facts in one sentence is fine, and an alias counts as the name.
    both = guard.run("Median PFS was 13.8 months in pancreatic NETs and 8.4 months in the epNET cohort.", ps)
    assert both.sentences[0].kept, both.sentences[0].reason


def test_guard_rejects_a_wrong_marker_and_an_invented_price(bot, guard):
    ps = passages(bot, "In the pNET cohort, at a median", "Cabometyx is a small molecule")
    # The model cites [2] (the kinase passage) for a PFS figure: alignment moves it to [1].
    verdict = guard.run("Median PFS in the pNET cohort was 13.8 months [2].", ps)
    assert verdict.sentences[0].kept and verdict.sentences[0].cites == [1]
    priced = guard.run("The price of Cabometyx is 1.00 dollars.", ps)
    assert not priced.sentences[0].kept
    assert compose("q", "The price of Cabometyx is 1.00 dollars.", ps, priced, "local") is None


def test_guard_removes_an_invented_name(bot, guard):
    ps = passages(bot, "Committee for Medicinal Products for Human Use (CHMP)")
    made_up = guard.run("CHMP stands for the Committee for Medicinal Products for Human Use of Zorblax.", ps)
    assert not made_up.sentences[0].kept and "zorblax" in made_up.sentences[0].reason
    true = guard.run("CHMP stands for the Committee for Medicinal Products for Human Use.", ps)
    assert true.sentences[0].kept, true.sentences[0].reason


def test_guard_honours_a_generated_refusal(bot, guard):
    verdict = guard.run("The release does not say.", passages(bot, "Cabometyx is a small molecule"))
    assert verdict.refusal


@pytest.mark.slow
def test_local_generator_answers_from_the_shipped_model(bot, release_text):
    local = Assistant(bot.settings.replace(generator="local"))
    answer = local.ask("What was the hazard ratio in the epNET cohort?")
    assert answer.generator == "local" and answer.guard is not None and answer.raw_text
    assert answer.tier == "answer"
    for c in answer.citations:
        assert release_text[c.start : c.end] == c.quote
    # Whatever the model wrote, no figure reaches the user that its citations do not hold.
    import re

    figures = re.findall(r"\d+(?:\.\d+)?", re.sub(r"\[\d+\]", "", answer.text))
    quotes = " ".join(c.quote for c in answer.citations)
    assert all(f in quotes for f in figures), (answer.text, answer.raw_text)
    # Unanswerable: the model is never asked, the refusal stands.
    assert local.ask("What is the price of Cabometyx?").tier != "answer"
    # Tokens stream.
    chunks = [t for t, final in local.stream("What was the median PFS in the pNET cohort?") if final is None]
    assert len(chunks) > 3


@pytest.mark.slow
def test_openai_generator_against_a_real_local_server(bot, release_text):
    port = free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "llama_cpp.server",
            "--model",
            str(default_gguf()),
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--n_ctx",
            "2048",
            "--model_alias",
            "smollm2",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ},
    )
    try:
        deadline = time.time() + 180
        up = False
        while not up and time.time() < deadline and server.poll() is None:
            with socket.socket() as s:
                up = s.connect_ex(("127.0.0.1", port)) == 0
            time.sleep(0.5)
        if not up:
            pytest.fail(f"llama_cpp.server never came up on port {port} (exit code {server.poll()})")
        remote = Assistant(
            bot.settings.replace(
                generator="openai", openai_base_url=f"http://127.0.0.1:{port}/v1", openai_model="smollm2"
            )
        )
        answer = remote.ask("How many patients were enrolled in the CABINET trial?")
        # The server really answered (its text is kept beside the guarded answer) ...
        assert answer.generator == "openai" and answer.raw_text and answer.guard is not None
        # ... and what reaches the user is correct and cited: the enrolment figure, quoted exactly.
        assert answer.tier == "answer" and answer.citations, answer.text
        assert "298" in answer.text and any("298" in c.quote for c in answer.citations), answer.text
        for c in answer.citations:
            assert release_text[c.start : c.end] == c.quote
        figures = re.findall(r"\d+(?:\.\d+)?", re.sub(r"\[\d+\]", "", answer.text))
        assert all(f in " ".join(c.quote for c in answer.citations) for f in figures), answer.text
        assert remote.ask("What is the recommended dose of Cabometyx?").tier != "answer"
    finally:
        server.terminate()
        server.wait(timeout=30)
