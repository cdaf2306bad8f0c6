"""Many releases: the right release is found among near-identical variants; filters; metadata.

The suite runs 50 releases (under a minute); the same checks at 1,000 releases are a benchmark:
``ASSISTANT_SCALE_RELEASES=1000 .venv/bin/python -m pytest -m slow tests/index/test_scale.py -s`` (about ten
minutes on 2 cores), as docs/benchmarks.md records."""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys

import pytest

from assistant import Assistant
from assistant.evaluation.variants import write_corpus
from tests.helpers import RELEASE, REPO

pytestmark = pytest.mark.slow

N_RELEASES = int(os.environ.get("ASSISTANT_SCALE_RELEASES", "50"))


@pytest.fixture(scope="module")
def big(tmp_path_factory):
    root = tmp_path_factory.mktemp("big")
    metas = write_corpus(RELEASE, root / "corpus", N_RELEASES)
    bot = Assistant(corpus_dir=str(root / "corpus"), index_dir=str(root / "index"))
    report = bot.ingest(progress=False)
    assert report.files == N_RELEASES
    return bot, metas, root


def test_questions_naming_a_drug_find_its_release(big):
    bot, metas, _ = big
    rng = random.Random(11)
    picks = rng.sample(metas, 40)
    right = 0
    for m in picks:
        a = bot.ask(f"What was the median PFS with {m['brand']} in the pNET cohort?")
        if (
            a.tier == "answer"
            and f"median PFS was {m['fig:13.8']} months for {m['brand']}" in a.text
            and all(c.source == m["source"] for c in a.citations)
        ):
            right += 1
    assert right / len(picks) >= 0.95, f"{right}/{len(picks)}"


def test_company_question_finds_its_release(big):
    bot, metas, _ = big
    m = metas[N_RELEASES // 2 + 17]
    a = bot.ask(f"How many patients did the {m['trial']} trial enrol?")
    assert f"{m['fig:298']} patients" in a.text and a.citations[0].source == m["source"]


def test_filters_by_release_and_date(big):
    bot, metas, root = big
    m = metas[42]
    # Limited to one release, a question without names is answered from that release only.
    a = bot.ask("What was the hazard ratio in the epNET cohort?", sources=[m["source"]])
    assert a.citations and {c.source for c in a.citations} == {m["source"]} and m["fig:0.38"] in a.text
    # A date range keeps only releases dated inside it.
    allowed = bot.sources_for(date_from=m["date"], date_to=m["date"])
    assert m["source"] in allowed and all(bot.knowledge.documents[s]["date"] == m["date"] for s in allowed)
    assert bot.ask(
        "What was the HR in the pNET cohort?", date_from="1990-01-01", date_to="1990-12-31"
    ).tier != "answer"
    # The CLI takes the same filter.
    env = {
        **os.environ,
        "ASSISTANT_CORPUS_DIR": str(root / "corpus"),
        "ASSISTANT_INDEX_DIR": str(root / "index"),
    }
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "assistant",
            "ask",
            "What was the HR in the epNET cohort?",
            "--json",
            "--source",
            m["source"],
        ],
        env=env,
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=600,
    )
    data = json.loads(out.stdout)
    assert {c["source"] for c in data["citations"]} == {m["source"]}


def test_metadata_is_parsed(bot):
    meta = bot.knowledge.documents[RELEASE.name]
    assert (
        meta["publisher"] == "Ipsen" and meta["date"] == "2025-06-20" and meta["source_id"] == "SID1234654020"
    )
