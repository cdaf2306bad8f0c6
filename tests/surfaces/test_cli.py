"""The CLI's JSON and errors; the Gradio app answering through Gradio's own client."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from tests.helpers import CORPUS, REPO, free_port


def run_cli(*args, index_dir, timeout=300):
    env = {**os.environ, "ASSISTANT_INDEX_DIR": str(index_dir), "ASSISTANT_CORPUS_DIR": str(CORPUS)}
    return subprocess.run(
        [sys.executable, "-m", "assistant", *args],
        env=env,
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=timeout,
    )


def test_ask_json_shape(tmp_path):
    out = run_cli("ask", "What was the hazard ratio in the epNET cohort?", "--json", index_dir=tmp_path)
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert set(data) >= {"text", "citations", "refused"}
    assert data["refused"] is False and "0.38" in data["text"]
    c = data["citations"][0]
    assert set(c) >= {"n", "source", "quote", "start", "end", "score"}
    text = (CORPUS / c["source"]).read_text(encoding="utf-8")
    assert text[c["start"] : c["end"]] == c["quote"]


@pytest.mark.parametrize("question", ["", "x" * 5000])
def test_bad_question_is_one_line_error(tmp_path, question):
    out = run_cli("ask", question, index_dir=tmp_path)
    assert out.returncode != 0
    lines = [line for line in out.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error:"), out.stderr


def test_corrupt_index_is_one_line_error(tmp_path):
    index = tmp_path / "idx"
    (index / "chroma").mkdir(parents=True)
    (index / "chroma" / "chroma.sqlite3").write_bytes(b"this is not a database" * 100)
    out = run_cli("ask", "What was the HR in pNET?", index_dir=index)
    assert out.returncode != 0
    lines = [line for line in out.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "ingest --rebuild" in lines[0], out.stderr


@pytest.mark.parametrize("command", ["ingest", "ask", "chat", "eval"])
def test_help(command, tmp_path):
    out = run_cli(command, "--help", index_dir=tmp_path, timeout=60)
    assert out.returncode == 0 and "usage:" in out.stdout


def test_ui_answers_through_gradio_client(bot):
    from gradio_client import Client

    from assistant.surfaces.ui import build_app, serve

    app = build_app(bot)
    port = free_port()
    serve(app, "127.0.0.1", port, block=False)
    try:
        client = Client(f"http://127.0.0.1:{port}/", verbose=False)
        result = client.predict("What was the median PFS in the pNET cohort?", api_name="/chat")
    finally:
        app.close()
    messages = result if isinstance(result, list) else [result]
    answer = messages[0]["content"] if isinstance(messages[0], dict) else str(messages[0])
    assert "13.8 months" in answer and "[1]" in answer
    panels = [m for m in messages[1:] if isinstance(m, dict) and m.get("metadata", {}).get("title")]
    assert panels and panels[0]["metadata"]["title"].startswith("[1]")
    assert "13.8 months" in panels[0]["content"]
