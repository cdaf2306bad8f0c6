"""End to end in a real headless Chromium: ask, follow up, click a citation, export, feedback, two widths;
add a release by upload, ask about it, remove it; rejected uploads say why."""

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

from tests.helpers import CORPUS, REPO, assistant_cli, free_port

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


def serve_ui(tmp_path: Path, corpus: Path):
    """Start ``assistant chat`` on a free port over ``corpus``; yield (url, tmp_path); stop it."""
    if not Path(CHROMIUM).exists():
        pytest.fail("Chromium is missing: scripts/test.sh installs Debian's chromium")
    port = free_port()
    env = {
        **os.environ,
        "ASSISTANT_INDEX_DIR": str(tmp_path / "idx"),
        "ASSISTANT_CORPUS_DIR": str(corpus),
        "ASSISTANT_PORT": str(port),
        "ASSISTANT_FEEDBACK_FILE": str(tmp_path / "feedback.jsonl"),
    }
    proc = subprocess.Popen(
        [sys.executable, "-m", "assistant", "chat"],
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


@pytest.fixture()
def ui_server(tmp_path):
    yield from serve_ui(tmp_path, CORPUS)


@pytest.fixture()
def ui_server_own_corpus(tmp_path):
    """The UI over a private copy of the corpus, for tests that add and remove releases."""
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    yield from serve_ui(tmp_path, corpus)


def test_chat_in_a_real_browser(ui_server):
    from playwright.sync_api import sync_playwright

    url, tmp = ui_server
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        context = browser.new_context(
            viewport={"width": 1400, "height": 950},
            accept_downloads=True,
            permissions=["clipboard-read", "clipboard-write"],
        )
        page = context.new_page()
        page.goto(url)
        page.wait_for_selector("#question textarea")
        assert "What was the median PFS" in page.inner_text("#chat")  # examples on an empty chat
        # Streaming: record every text the chat shows while the answer arrives.
        page.evaluate(
            """() => { window.__shown = []; const el = document.querySelector('#chat');
            new MutationObserver(() => window.__shown.push(el.innerText.length))
              .observe(el, {subtree: true, childList: true, characterData: true}); }"""
        )
        page.fill("#question textarea", "What was the median PFS in the pNET cohort?")
        page.press("#question textarea", "Enter")
        page.wait_for_selector("#chat a.cite", timeout=60000)
        shown = page.evaluate("window.__shown")
        assert len(set(shown)) >= 4, f"the answer did not stream in: {shown}"
        # The copy button of the answer puts its text on the clipboard.
        page.locator(
            "#chat .message-row.bot-row button[title='Copy'], #chat button[aria-label*='Copy']"
        ).last.click()
        copied = page.evaluate("navigator.clipboard.readText()")
        assert "13.8 months" in copied, copied
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


NEW_RELEASE = """# Acme Pharma reports positive ZEST phase III results for Zorbatin

BOSTON, March 3, 2025. Acme Pharma today announced that its investigational drug Zorbatin met the primary
endpoint of the ZEST phase III trial in adults with advanced gastric cancer.

In the ZEST trial, 412 patients were randomized 1:1 to Zorbatin or placebo. The objective response rate was
41% with Zorbatin and 12% with placebo.

The most common side effects were fatigue and nausea. Acme Pharma plans to file for approval later this year.
"""
STORED_AS = "Zorbatin-ZEST-results.md"
TITLE = "ZEST phase III results for Zorbatin"
# Every text the status area shows, progress included: the ingest is quick, so it is recorded, not polled.
RECORD_STATUS = """
() => {
  window.__statuses = [];
  const el = document.querySelector('#upload-status');
  new MutationObserver(() => window.__statuses.push(el.innerText))
    .observe(el, {subtree: true, childList: true, characterData: true});
}
"""


def upload_files(page, paths: list[Path]) -> None:
    """Choose files as the picker would, and wait until Gradio has uploaded every one."""
    page.set_input_files("#upload-files input[type=file]", [str(p) for p in paths])
    page.wait_for_function(
        f"document.querySelectorAll('#upload-files a[download]').length === {len(paths)}", timeout=30000
    )


def release_list_has(page, text: str, present: bool = True) -> None:
    check = "" if present else "!"
    page.wait_for_function(
        f"{check}document.querySelector('#release-list').innerText.includes({json.dumps(text)})",
        timeout=120000,
    )


def pick_option(page, dropdown: str, text: str) -> None:
    page.click(f"{dropdown} input")
    page.locator("[role=option]", has_text=text).first.click()


def test_add_and_remove_a_release_in_a_real_browser(ui_server_own_corpus):
    from playwright.sync_api import sync_playwright

    url, tmp = ui_server_own_corpus
    corpus, removed = tmp / "corpus", tmp / "idx" / "removed"
    outside = tmp / "desktop"
    outside.mkdir()
    release = outside / "Zorbatin – ZEST results.md"
    release.write_text(NEW_RELEASE, encoding="utf-8")
    not_pdf = outside / "scan.pdf"
    not_pdf.write_text("a text file renamed to .pdf\n", encoding="utf-8")
    no_text = outside / "empty.html"
    no_text.write_text("<html><head><script>var a = 1;</script></head><body><nav>Home</nav></body></html>")
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 950})
        page.goto(url)
        page.wait_for_selector("#upload-files input[type=file]", state="attached")
        release_list_has(page, "ipsen")
        page.evaluate(RECORD_STATUS)

        # Add: accepted under a safe name, indexed with visible progress, listed, askable.
        upload_files(page, [release])
        page.click("#upload-btn")
        release_list_has(page, TITLE)
        status = page.inner_text("#upload-status")
        assert f"added as {STORED_AS}" in status and "indexed 2 files" in status, status
        seen = "\n".join(page.evaluate("window.__statuses"))
        assert "Indexing" in seen, seen  # progress was shown while the ingest ran
        assert (corpus / STORED_AS).read_text(encoding="utf-8") == NEW_RELEASE
        pick_option(page, "#scope", STORED_AS)  # the "Ask about" picker offers it
        page.fill("#question textarea", "How many patients were randomized in the ZEST trial?")
        page.press("#question textarea", "Enter")
        cite = page.locator(f"#chat a.cite[data-src='{STORED_AS}']").first
        cite.wait_for(timeout=60000)
        assert "412 patients were randomized" in (cite.get_attribute("title") or "")
        cite.click()
        page.wait_for_selector("#source-panel mark.hl", timeout=30000)
        assert "412 patients" in page.inner_text("#source-panel mark.hl")
        page.screenshot(path=str(ARTIFACTS / "upload.png"), full_page=True)

        # Remove: nothing happens until confirmed; cancel keeps it; confirm moves it aside.
        pick_option(page, "#remove-pick", STORED_AS)
        page.click("#remove-btn")
        confirm = page.locator("#remove-confirm")
        confirm.wait_for(state="visible")
        assert "Confirm removal of Acme Pharma" in confirm.inner_text()
        assert "not deleted" in page.inner_text("#upload-status")
        page.click("#remove-cancel")
        confirm.wait_for(state="hidden")
        assert (corpus / STORED_AS).exists()
        page.click("#remove-btn")
        confirm.wait_for(state="visible")
        confirm.click()
        release_list_has(page, TITLE, present=False)
        assert f"Removed {STORED_AS}" in page.inner_text("#upload-status")
        assert not confirm.is_visible() and not (corpus / STORED_AS).exists()
        kept = list(removed.glob(f"*-{STORED_AS}"))
        assert len(kept) == 1 and kept[0].read_text(encoding="utf-8") == NEW_RELEASE

        # Rejected: each file gets its own reason, nothing reaches the corpus, the UI stays up.
        before = sorted(p.name for p in corpus.iterdir())
        upload_files(page, [not_pdf, no_text])
        page.click("#upload-btn")
        page.wait_for_function(
            "document.querySelector('#upload-status').innerText.includes('empty.html')", timeout=60000
        )
        status = page.inner_text("#upload-status")
        assert "scan.pdf: is not a PDF" in status and "empty.html: too little readable text" in status
        assert sorted(p.name for p in corpus.iterdir()) == before
        page.fill("#question textarea", "What was the median PFS in the pNET cohort?")
        page.press("#question textarea", "Enter")
        page.wait_for_function(
            "Array.from(document.querySelectorAll('#chat a.cite')).some(a => a.title.includes('13.8'))",
            timeout=60000,
        )

        # Changed elsewhere: a release copied in and ingested by another process shows up in the open
        # page's list without a reload, and is answered from.
        (corpus / "outside.md").write_text(NEW_RELEASE, encoding="utf-8")
        env = {**os.environ, "ASSISTANT_INDEX_DIR": str(tmp / "idx"), "ASSISTANT_CORPUS_DIR": str(corpus)}
        done = assistant_cli("ingest", env=env)
        assert done.returncode == 0, done.stderr
        release_list_has(page, TITLE)
        page.fill("#question textarea", "How many patients were randomized in the ZEST trial?")
        page.press("#question textarea", "Enter")
        page.locator("#chat a.cite[data-src='outside.md']").first.wait_for(timeout=60000)
        browser.close()


def test_check_a_draft_in_a_real_browser(ui_server, tmp_path):
    """The "Check a draft" view: paste or drop a draft, see each verdict, download the audit reports."""
    import docx
    from playwright.sync_api import sync_playwright

    from tests.checking.test_check import DRAFT

    url, _ = ui_server
    word = docx.Document()
    for line in DRAFT.splitlines():
        word.add_paragraph(line)
    word.save(str(tmp_path / "draft.docx"))
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1100}, accept_downloads=True)
        page.goto(url)
        page.get_by_role("tab", name="Check a draft").click()
        # Dropping a Word file fills the draft box with its text.
        page.locator("#check-file input[type=file]").set_input_files(str(tmp_path / "draft.docx"))
        page.wait_for_function(
            "document.querySelector('#check-text textarea').value.includes('13.6 months')", timeout=60000
        )
        page.click("#check-btn")
        page.wait_for_selector("#check-result .claim", timeout=120000)
        result = page.inner_text("#check-result")
        assert "2 supported · 4 contradicted · 1 not found" in result, result
        assert page.locator("#check-result .claim-contradicted").count() == 4
        side = page.inner_text("#check-result .claim-contradicted table.side")
        assert "13.6 months" in side and "13.8 months" in side
        assert "ipsen-cabometyx" in page.inner_text("#check-result .claim-supported")
        with page.expect_download() as got:
            page.click("#check-html")
        saved = tmp_path / "report.html"
        got.value.save_as(str(saved))
        assert "13.6 months" in saved.read_text(encoding="utf-8")
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "check.png"))  # docs/check.png in the README is a copy
        browser.close()


def test_fact_sheet_in_a_real_browser(ui_server, tmp_path):
    """The "Fact sheet" view: every figure of the release in a table, filtered, exported as CSV."""
    from playwright.sync_api import sync_playwright

    url, _ = ui_server
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1100}, accept_downloads=True)
        page.goto(url)
        page.get_by_role("tab", name="Fact sheet").click()
        page.wait_for_function(
            "document.querySelector('#facts-table') && "
            "document.querySelector('#facts-table').innerText.includes('13.8 months')",
            timeout=120000,
        )
        assert "rows" in page.inner_text("#facts-status")
        with page.expect_download() as got:
            page.click("#facts-csv")
        saved = tmp_path / "facts.csv"
        got.value.save_as(str(saved))
        lines = saved.read_text(encoding="utf-8").splitlines()
        assert lines[0].startswith("source,figure,start,end") and any("13.8 months" in x for x in lines)
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "facts.png"))
        browser.close()
