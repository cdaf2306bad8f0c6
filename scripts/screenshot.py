"""Take the README's screenshot: start the chat UI in-process, ask in headless Chromium, save a PNG.

Needs Debian's chromium (/usr/bin/chromium) and the test extras (playwright). Usage:
    .venv/bin/python scripts/screenshot.py docs/screenshot.png
"""

from __future__ import annotations

import socket
import sys
import tempfile

from playwright.sync_api import sync_playwright

from assistant import Assistant
from assistant.ui import build_app

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def main(out: str) -> None:
    bot = Assistant(index_dir=tempfile.mkdtemp())
    bot.ensure_index(progress=False)
    app = build_app(bot)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    app.queue().launch(server_name="127.0.0.1", server_port=port, prevent_thread_lock=True, quiet=True)
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1200, "height": 900})
            page.goto(f"http://127.0.0.1:{port}/")
            box = page.get_by_role("textbox").first
            box.fill("What was the median PFS in the pNET cohort?")
            box.press("Enter")
            page.get_by_text("[1] ", exact=False).first.wait_for(timeout=30000)
            page.get_by_text("[1] ", exact=False).first.click()
            page.wait_for_timeout(800)
            page.screenshot(path=out, full_page=True)
            browser.close()
    finally:
        app.close()


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "docs/screenshot.png")
