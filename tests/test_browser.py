"""End to end in a real headless Chromium: ask, follow up, click a citation, export, feedback, two widths."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from .conftest import CORPUS, REPO, free_port

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = REPO / "test-artifacts"

pytestmark = pytest.mark.browser


@pytest.fixture()
def ui_server(tmp_path):
    if not Path(CHROMIUM).exists():
        pytest.fail("Chromium is missing: scripts/test.sh installs Debian's chromium")
    port = free_port()
    env = {
        **os.environ,
        "ASSISTANT_INDEX_DIR": str(tmp_path / "idx"),
        "ASSISTANT_CORPUS_DIR": str(CORPUS),
        "ASSISTANT_PORT": str(port),
        "ASSISTANT_FEEDBACK_FILE": str(tmp_path / "feedback.jsonl"),
    }
    proc = subprocess.Popen(
        [sys.executable, "-m", "assistant.cli", "chat"],
        env=env,
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    deadline = time.time() + 120
    while time.time() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                break
        if proc.poll() is not None:
            pytest.fail(proc.stdout.read())
        time.sleep(0.5)
    yield f"http://127.0.0.1:{port}/", tmp_path
    proc.terminate()
    proc.wait(timeout=30)


def test_chat_in_a_real_browser(ui_server):
    from playwright.sync_api import sync_playwright

    url, tmp = ui_server
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 950}, accept_downloads=True)
        page.goto(url)
        page.wait_for_selector("#question textarea")
        assert "What was the median PFS" in page.inner_text("#chat")  # examples on an empty chat
        page.fill("#question textarea", "What was the median PFS in the pNET cohort?")
        page.press("#question textarea", "Enter")
        page.wait_for_selector("#chat a.cite", timeout=60000)
        page.fill("#question textarea", "And in the epNET cohort?")
        page.press("#question textarea", "Enter")
        page.wait_for_function("document.querySelectorAll('#chat a.cite').length >= 2", timeout=60000)
        page.wait_for_timeout(300)
        last = page.locator("#chat a.cite").last
        assert "8.4 months" in (last.get_attribute("title") or "")  # hover shows the quote
        last.click()
        page.wait_for_selector("#source-panel mark.hl", timeout=30000)
        assert "8.4 months" in page.inner_text("#source-panel mark.hl")
        assert page.locator("#source-panel mark.hl").is_visible()
        # A refused answer looks different.
        page.fill("#question textarea", "What is the price of Cabometyx?")
        page.press("#question textarea", "Enter")
        page.wait_for_selector("#chat .refused", timeout=60000)
        page.screenshot(path=str(ARTIFACTS / "desktop.png"))
        # Export to Markdown.
        with page.expect_download() as dl:
            page.click("#export")
        exported = Path(dl.value.path()).read_text(encoding="utf-8")
        assert (
            "8.4 months" in exported and "ipsen-cabometyx" in exported and "> In the epNET cohort" in exported
        )
        # Feedback: thumbs down with a comment lands in the JSONL file.
        page.fill("#feedback-comment textarea", "should say the price is not given")
        page.locator("#chat button[aria-label='Dislike']").last.click()
        deadline = time.time() + 20
        feedback = tmp / "feedback.jsonl"
        while time.time() < deadline and not feedback.exists():
            time.sleep(0.3)
        record = json.loads(feedback.read_text().splitlines()[-1])
        assert record["liked"] is False and "price" in record["question"] and "price" in record["comment"]
        # Phone width.
        page.set_viewport_size({"width": 390, "height": 844})
        page.wait_for_timeout(500)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 400, f"horizontal scroll at phone width ({width}px)"
        page.screenshot(path=str(ARTIFACTS / "phone.png"), full_page=True)
        browser.close()
