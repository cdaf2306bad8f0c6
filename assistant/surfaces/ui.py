"""Gradio chat UI: streamed answers whose ``[n]`` markers open the cited passage in its release.

Why these pieces: Gradio's own ``Chatbot`` (streaming, copy buttons, like/dislike feedback, examples),
``Dropdown`` (limit to one release), ``DownloadButton`` (Markdown export) and ``HTML`` (the source panel).
One small script (``CLICK_JS``) is ours: Gradio has no event for a click on a link inside a chat message,
so the script hands the clicked citation to a hidden textbox + button, and the source panel is rendered in
Python with the passage highlighted, then scrolled into view.

The Releases column also changes the corpus: files are checked and placed by ``uploads.py`` (nothing
about an upload is trusted), then ingested with a visible progress bar; a release is removed only after a
second, explicit click, and is moved to ``index_dir/removed/``, never deleted.

``gradio_client`` users get a plain endpoint, ``/chat`` (question, history) -> messages; the upload and
removal events are private (the UI's own, behind the same login).
"""

import html
import json
import re
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from assistant.checking.report import render_html, render_markdown
from assistant.index.store import IndexUnavailable
from assistant.ingest.uploads import (
    ALLOWED_SUFFIXES,
    RemovalRefused,
    UploadRejected,
    accept,
    remove,
    removed_dir,
)
from assistant.settings import Settings
from assistant.surfaces.service import Assistant, BadQuestion, history_questions
from assistant.types import Answer

if TYPE_CHECKING:
    import gradio as gr

EXAMPLES = [
    "What was the median PFS in the pNET cohort?",
    "How many patients did CABINET enrol?",
    "Which kinases does cabozantinib inhibit?",
    "What is the price of Cabometyx?",
]
ALL = "All releases"
#: How often an open page checks whether the index changed under it (another process ingested).
FOLLOW_SECONDS = 5.0

CSS = """
.hidden-bridge { display: none !important; }
a.cite { font-weight: 600; text-decoration: none; color: #1d4ed8; cursor: pointer; padding: 0 1px; }
a.cite:hover { text-decoration: underline; }
.refused { border-left: 4px solid #d97706; background: #fff7ed; padding: 6px 10px; border-radius: 4px; }
.refused.tier-hedge { border-left-color: #2563eb; background: #eff6ff; }
.tier { display: inline-block; margin-left: 6px; font-size: 0.75em; color: #6b7280; text-transform: lowercase; }
.refused .tier { margin: 0 6px 0 0; }
.source-scroll { max-height: 70vh; overflow-y: auto; white-space: pre-wrap; font-size: 0.92em; line-height: 1.5; }
.source-scroll mark.hl { background: #fde047; padding: 1px 0; }
.source-scroll .gap { color: #9ca3af; font-style: italic; }
#upload-status p { margin: 2px 0; }
#upload-files { min-height: 0; }
.check-summary .when { color: #6b7280; font-size: 0.9em; }
@media (max-width: 700px) { .source-scroll { max-height: 45vh; } }
"""

CLICK_JS = """
() => {
  document.addEventListener('click', (e) => {
    const a = e.target.closest('a.cite');
    if (!a) return;
    e.preventDefault();
    const box = document.querySelector('#cite-req textarea, #cite-req input');
    box.value = JSON.stringify({source: a.dataset.src, start: +a.dataset.start, end: +a.dataset.end});
    box.dispatchEvent(new Event('input', {bubbles: true}));
    setTimeout(() => document.querySelector('#cite-btn').click(), 80);
  });
}
"""
SCROLL_JS = """
() => {
  const box = document.querySelector('#source-panel .source-scroll');
  const m = box && box.querySelector('mark.hl');
  if (!m) return;
  box.scrollTop = m.offsetTop - box.offsetTop - box.clientHeight / 3;
  const r = box.getBoundingClientRect();
  if (r.top < 0 || r.top > window.innerHeight) box.scrollIntoView({block: 'nearest'});
}
"""


# --- rendering -----------------------------------------------------------------------------------------
def answer_html(answer: Answer) -> str:
    """The answer with each ``[n]`` as a link carrying its citation (hover shows the quote)."""
    out = html.escape(answer.text)
    for c in answer.citations:
        link = (
            f'<a class="cite" href="#" data-src="{html.escape(c.source)}" data-start="{c.start}" '
            f'data-end="{c.end}" title="{html.escape(c.quote)}">[{c.n}]</a>'
        )
        out = out.replace(f"[{c.n}]", link)
    out = out.replace("\n", "<br>")
    if (
        answer.tier != "answer"
    ):  # a hedge or an absence: drawn apart from an answer, with a quiet label of its tier
        out = f'<div class="refused tier-{answer.tier}"><span class="tier">{TIER_LABEL[answer.tier]}</span> {out}</div>'
    else:
        out = f'{out}<span class="tier">{TIER_LABEL["answer"]}</span>'
    return out + guard_html(answer)


#: The quiet label each tier carries in the chat.
TIER_LABEL = {"answer": "answer", "hedge": "⚠️ not sure", "absent": "⚠️ not in the release"}


def guard_html(answer: Answer) -> str:
    """The grounding guard's verdict on a generated answer, collapsible under it."""
    g = answer.guard
    if not g:
        return ""
    kept = sum(1 for s in g["sentences"] if s["kept"])
    removed = [s for s in g["sentences"] if not s["kept"]]
    summary = f"Grounding guard ({answer.generator}): {kept} sentence(s) kept, {len(removed)} removed"
    if g.get("fallback"):
        summary += "; fell back to the release's own sentences"
    if g.get("refusal"):
        summary = f"Grounding guard ({answer.generator}): the model said the release does not answer this"
    items = "".join(
        f"<li><s>{html.escape(s['text'])}</s> <em>{html.escape(s['reason'])}</em></li>" for s in removed
    )
    return f'<details class="guard"><summary>{html.escape(summary)}</summary><ul>{items}</ul></details>'


def citation_messages(answer: Answer) -> list[dict]:
    """One collapsible message per citation: the quote and where it stands."""
    return [
        {
            "role": "assistant",
            "content": f"> {c.quote}\n\n`{c.source}`, characters {c.start}–{c.end}, score {c.score:.2f}",
            "metadata": {"title": f"[{c.n}] {c.source} · chars {c.start}–{c.end}", "status": "done"},
        }
        for c in answer.citations
    ]


def source_html(bot: Assistant, source: str, start: int, end: int) -> str:
    """The indexed text of a release, the cited span marked; removed boilerplate shown as a gap."""
    kn = bot.knowledge
    text = kn.texts.get(source)
    if text is None:
        return f"<p>Unknown source {html.escape(source)}.</p>"
    meta = kn.documents.get(source, {})
    head = f"<h4>{html.escape(meta.get('title', source))}</h4><p><code>{html.escape(source)}</code>"
    if meta.get("date"):
        head += f" · {html.escape(meta['date'])}"
    if meta.get("publisher"):
        head += f" · {html.escape(meta['publisher'])}"
    parts = ['<div class="source-scroll">' + head + "</p>"]
    for seg_start, seg in text.segments():
        seg_end = seg_start + len(seg)
        if len(parts) > 1:
            parts.append('<div class="gap">[… not indexed: boilerplate …]</div>')
        if seg_start <= start and end <= seg_end:
            a, b = start - seg_start, end - seg_start
            parts.append(
                html.escape(seg[:a])
                + f'<mark class="hl">{html.escape(seg[a:b])}</mark>'
                + html.escape(seg[b:])
            )
        else:
            parts.append(html.escape(seg))
    return "".join(parts) + "</div>"


def release_title(meta: dict, source: str) -> str:
    """A release's title for lists and buttons (a Markdown file's "# " heading mark dropped)."""
    return (meta.get("title") or "").lstrip("#").strip() or source


def md_escape(text: str) -> str:
    """Plain text (a file name, an error) shown in Markdown as itself, never as markup."""
    return re.sub(r"([\\`*_{}\[\]<>()#+\-.!|~])", r"\\\1", " ".join(str(text).split()))


def releases_markdown(bot: Assistant) -> str:
    rows = ["| release | date | publisher |", "|---|---|---|"]
    for source, meta in sorted(bot.knowledge.documents.items()):
        cells = (release_title(meta, source), meta.get("date", ""), meta.get("publisher", ""))
        rows.append("| " + " | ".join(md_escape(c) for c in cells) + " |")
    return "\n".join(rows)


def removal_choices(bot: Assistant) -> list[tuple[str, str]]:
    """(label, source) pairs for the removal picker: the title, and the file it comes from."""
    docs = bot.knowledge.documents
    return [(f"{release_title(docs[s], s)} ({s})", s) for s in sorted(docs)]


def export_markdown(turns: list[dict]) -> str:
    lines = ["# Conversation", ""]
    for t in turns:
        lines += [f"**Q:** {t['question']}", "", f"**A:** {t['text']}", ""]
        for c in t["citations"]:
            lines.append(f"[{c['n']}] `{c['source']}` characters {c['start']}–{c['end']}:")
            lines.append(f"> {c['quote']}")
            lines.append("")
    return "\n".join(lines)


# --- adding and removing releases ----------------------------------------------------------------------
def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def accept_uploads(bot: Assistant, files: list[str]) -> tuple[list[str], int]:
    """Each uploaded file accepted or rejected on its own: one status line per file, and how many are new."""
    lines: list[str] = []
    new = 0
    for f in files:
        name = Path(f).name  # Gradio keeps the upload's own name as the cached file's name
        try:
            acc = accept(Path(f), name, bot.settings)
        except UploadRejected as exc:
            lines.append("✗ " + md_escape(exc))
            continue
        except Exception as exc:  # a disk error on one file must not stop the others, or the UI
            lines.append("✗ " + md_escape(f"{name}: could not be added ({_one_line(exc)})"))
            continue
        lines.append(("ℹ " if acc.already_present else "✓ ") + md_escape(acc.message))
        new += not acc.already_present
    return lines, new


def ingest_lines(bot: Assistant) -> list[str]:
    """Index the corpus as it now is (a tqdm bar, which Gradio shows); status lines for the result."""
    try:
        report = bot.ingest(progress=True)
    except Exception as exc:  # the index is left as it was; say so in one line
        return ["✗ " + md_escape(f"indexing failed, the index was left as it was: {_one_line(exc)}")]
    return ["✓ " + md_escape(report.summary())] + ["⚠ " + md_escape(w) for w in report.warnings[:5]]


def _generation(bot: Assistant):
    """The active index generation, or a skip when it cannot be read (the lists then stay as they are)."""
    import gradio as gr

    try:
        return bot.knowledge.active.collection
    except Exception:
        return gr.skip()


def corpus_controls(bot: Assistant, app: "gr.Blocks", releases: "gr.Markdown", scope: "gr.Dropdown") -> None:
    """Add (checked upload, then ingest) and remove (confirmed, moved aside, then ingest) in the Releases
    column; both refresh the release list and the pickers. Corpus changes run one at a time."""
    import gradio as gr

    gr.Markdown("### Add or remove releases")
    upload = gr.File(
        label="Releases to add (" + ", ".join(ALLOWED_SUFFIXES) + ")",
        file_count="multiple",
        file_types=list(ALLOWED_SUFFIXES),
        elem_id="upload-files",
        height=140,
    )
    add_btn = gr.Button("Add to corpus", variant="primary", size="sm", elem_id="upload-btn")
    status = gr.Markdown("", elem_id="upload-status")
    pick = gr.Dropdown(
        choices=removal_choices(bot), value=None, label="Remove a release", elem_id="remove-pick"
    )
    remove_btn = gr.Button("Remove release", size="sm", elem_id="remove-btn")
    confirm_btn = gr.Button(
        "Confirm removal", variant="stop", size="sm", visible=False, elem_id="remove-confirm"
    )
    cancel_btn = gr.Button("Cancel", size="sm", visible=False, elem_id="remove-cancel")
    chosen = gr.State("")
    #: The index generation this page's lists show (see ``follow`` below).
    shown = gr.State(bot.knowledge.active.collection)
    # Updates, not components: a gr.Button(...) made here, inside the Blocks, would be added to the page.
    hidden = (gr.update(visible=False), gr.update(visible=False))
    tracked = gr.Progress(track_tqdm=True)  # ingest's tqdm bar, shown in the status area
    private = {"api_visibility": "private"}
    serial = {"concurrency_limit": 1, "concurrency_id": "corpus-change", **private}

    def refreshed(current_scope: str | None, current_pick: str | None = None) -> tuple:
        """The release list and both pickers as the index now is; a choice the user made stays chosen
        while its release is still there."""
        docs = bot.knowledge.documents
        keep = current_scope if current_scope in docs else ALL
        return (
            releases_markdown(bot),
            gr.Dropdown(choices=[ALL, *sorted(docs)], value=keep),
            gr.Dropdown(choices=removal_choices(bot), value=current_pick if current_pick in docs else None),
        )

    def safe_refreshed(current_scope: str | None, lines: list[str]) -> tuple:
        try:
            return refreshed(current_scope)
        except Exception as exc:  # an unreadable index: keep the old lists, say why
            lines.append("✗ " + md_escape(f"cannot list the releases: {_one_line(exc)}"))
            return gr.skip(), gr.skip(), gr.skip()

    def add(files: list[str] | None, current_scope: str, progress=tracked) -> Iterator:
        files = [f for f in files or [] if f]
        if not files:
            yield "Choose or drop a file first.", gr.skip(), gr.skip(), gr.skip(), gr.skip(), gr.skip()
            return
        progress(0, desc="Checking files")
        lines, new = accept_uploads(bot, files)
        if new:
            waiting = "\n\n".join([*lines, f"↻ Indexing {new} new release(s)…"])
            yield waiting, gr.skip(), gr.skip(), gr.skip(), gr.skip(), gr.skip()
            progress(0, desc="Indexing")
            lines += ingest_lines(bot)
        lists = safe_refreshed(current_scope, lines)
        yield "\n\n".join(lines), *lists, None, _generation(bot)

    def ask_confirm(source: str | None) -> tuple:
        try:
            docs = bot.knowledge.documents
        except Exception as exc:
            return *hidden, "✗ " + md_escape(f"cannot list the releases: {_one_line(exc)}"), ""
        if not source or source not in docs:
            return *hidden, "Pick a release to remove first.", ""
        title = release_title(docs[source], source)
        if len(docs) < 2:
            return *hidden, "✗ " + md_escape(f"{title} is the only release; add another first"), ""
        where = removed_dir(bot.settings)
        note = f"Remove {title}? The file {source} will be moved to {where} (not deleted)."
        label = f"Confirm removal of {title if len(title) <= 60 else title[:57] + '...'}"
        return gr.Button(label, visible=True), gr.Button(visible=True), md_escape(note), source

    def do_remove(source: str, current_scope: str, progress=tracked) -> Iterator:
        try:
            if len(bot.knowledge.documents) < 2:
                raise RemovalRefused(f"{source} is the only release; add another first")
            dest = remove(source, bot.settings)
        except Exception as exc:  # RemovalRefused or a disk error: one line, nothing changed
            msg = str(exc) if isinstance(exc, RemovalRefused) else f"{source}: {_one_line(exc)}"
            yield "✗ " + md_escape(msg), gr.skip(), gr.skip(), gr.skip(), *hidden, "", gr.skip()
            return
        lines = ["✓ " + md_escape(f"Removed {source}; the file is kept in {dest}")]
        yield "\n\n".join([*lines, "↻ Re-indexing…"]), gr.skip(), gr.skip(), gr.skip(), *hidden, "", gr.skip()
        progress(0, desc="Indexing")
        lines += ingest_lines(bot)
        lists = safe_refreshed(current_scope, lines)
        yield "\n\n".join(lines), *lists, *hidden, "", _generation(bot)

    def cancel() -> tuple:
        return *hidden, "Removal cancelled.", ""

    add_btn.click(
        add,
        [upload, scope],
        [status, releases, scope, pick, upload, shown],
        show_progress_on=[status],
        **serial,
    )
    remove_btn.click(ask_confirm, pick, [confirm_btn, cancel_btn, status, chosen], **private)
    confirm_btn.click(
        do_remove,
        [chosen, scope],
        [status, releases, scope, pick, confirm_btn, cancel_btn, chosen, shown],
        show_progress_on=[status],
        **serial,
    )
    cancel_btn.click(cancel, None, [confirm_btn, cancel_btn, status, chosen], **private)
    pick.input(lambda: (*hidden, ""), None, [confirm_btn, cancel_btn, chosen], **private)
    # A page opened after a change must list the releases as they are now, not as at start-up.
    app.load(lambda s: safe_refreshed(s, []), scope, [releases, scope, pick], **private)
    # And an open page follows changes made elsewhere (`assistant ingest`, another UI, another process on
    # the same Chroma server): every few seconds it compares the index generation it shows with the
    # active one, and redraws the lists when they differ.
    follow_timer = gr.Timer(FOLLOW_SECONDS)

    def follow(current_scope: str | None, current_pick: str | None, last: str) -> tuple:
        try:
            generation = bot.knowledge.active.collection
            if generation == last:
                return gr.skip(), gr.skip(), gr.skip(), last
            return *refreshed(current_scope, current_pick), generation
        except Exception:  # the index is being rebuilt or is unreadable: keep the lists; questions say why
            return gr.skip(), gr.skip(), gr.skip(), last

    follow_timer.tick(
        follow, [scope, pick, shown], [releases, scope, pick, shown], show_progress="hidden", **private
    )


# --- checking a draft ------------------------------------------------------------------------------------
def check_html(report) -> str:
    """The verdicts as the HTML report shows them (checking.report.claim_html), under a one-line summary."""
    from assistant.checking.report import claim_html

    c = report.counts()
    head = (
        f'<div class="check-summary"><b>{c["supported"]} supported · {c["contradicted"]} contradicted · '
        f'{c["not found"]} not found</b> <span class="when">checked {html.escape(report.checked_at)} against '
        f"{len(report.sources)} release(s)</span></div>"
    )
    return head + "".join(claim_html(n, r) for n, r in enumerate(report.results, start=1))


def check_view(bot: Assistant) -> None:
    """Paste a draft or drop a .txt/.md/.docx file; see every claim's verdict; export for the audit trail."""
    import gradio as gr

    from assistant.checking.checker import read_draft

    out_dir = Path(tempfile.mkdtemp(prefix="assistant-check-"))
    gr.Markdown(
        "Paste a draft (a summary, slide text, an investor note, a post) or drop a file. Each sentence and "
        "list item is checked against the releases: **supported** (with the quotes that hold it), "
        "**contradicted** (the draft's and the release's words side by side) or **not found**."
    )
    with gr.Row(equal_height=False):
        with gr.Column(scale=2, min_width=320):
            draft = gr.Textbox(label="Draft", lines=12, elem_id="check-text")
            dropped = gr.File(
                label="…or a file (.txt, .md, .docx)",
                file_types=[".txt", ".md", ".docx"],
                elem_id="check-file",
                height=110,
            )
            against = gr.Dropdown(
                choices=[ALL, *sorted(bot.knowledge.documents)],
                value=ALL,
                label="Check against",
                elem_id="check-scope",
            )
            run = gr.Button("Check", variant="primary", elem_id="check-btn")
            with gr.Row():
                md = gr.DownloadButton("Report (Markdown)", interactive=False, elem_id="check-md")
                page = gr.DownloadButton("Report (HTML)", interactive=False, elem_id="check-html")
        with gr.Column(scale=3, min_width=320):
            result = gr.HTML("<p>The verdicts appear here.</p>", elem_id="check-result")

    def load_file(path: str | None) -> str:
        if not path:
            return gr.skip()
        try:
            return read_draft(path)
        except Exception as exc:  # a broken file: say so in the draft box, keep the UI up
            return f"(could not read the file: {exc})"

    def do_check(text: str, scope: str | None) -> tuple:
        sources = None if scope in (None, "", ALL) else [scope]
        try:
            report = bot.check(text, sources)
        except (BadQuestion, IndexUnavailable, ValueError) as exc:
            msg = f'<div class="refused">⚠️ {html.escape(str(exc))}</div>'
            return msg, gr.DownloadButton(interactive=False), gr.DownloadButton(interactive=False)
        stamp = time.strftime("%Y%m%d-%H%M%S")
        md_path = out_dir / f"draft-check-{stamp}.md"
        html_path = out_dir / f"draft-check-{stamp}.html"
        md_path.write_text(render_markdown(report), encoding="utf-8")
        html_path.write_text(render_html(report), encoding="utf-8")
        return (
            check_html(report),
            gr.DownloadButton(value=str(md_path), interactive=True),
            gr.DownloadButton(value=str(html_path), interactive=True),
        )

    dropped.upload(load_file, dropped, draft, api_visibility="private")
    run.click(do_check, [draft, against], [result, md, page], api_visibility="private")


# --- the app -----------------------------------------------------------------------------------------
FACT_COLUMNS = ["source", "figure", "kind", "measure", "subject", "comparator", "quote", "start", "end"]


def facts_table(bot: Assistant, scope: str | None, across: bool) -> tuple[list[list], str]:
    """The sheet's rows for the view (or, ``across``, the measures several releases give), and a CSV."""
    import csv
    import io

    from assistant.facts.compare import compare
    from assistant.facts.sheet import FIELDS

    rows = bot.facts(None if scope in (None, "", ALL) else [scope])
    buf = io.StringIO()
    if across:
        writer = csv.writer(buf)
        writer.writerow(["differs", "measure", "subject", "source", "figure", "start", "end"])
        table = []
        for g in compare(rows):
            for r in g.rows:
                line = ["yes" if g.differs else "", g.measure, g.subject, r.source, r.figure, r.start, r.end]
                table.append(line)
                writer.writerow(line)
        return table, buf.getvalue()
    writer = csv.DictWriter(buf, fieldnames=FIELDS)
    writer.writeheader()
    writer.writerows(r.to_dict() for r in rows)
    return [[getattr(r, c) for c in FACT_COLUMNS] for r in rows], buf.getvalue()


def facts_view(bot: Assistant) -> None:
    """Every figure of a release with what it measures and for whom; sortable, searchable, exportable."""
    import gradio as gr

    out_dir = Path(tempfile.mkdtemp(prefix="assistant-facts-"))
    gr.Markdown(
        "Every figure of the release: what it measures, for whom, and the sentence it stands in (character "
        "offsets into the release). Click a column to sort; type in the search box to filter. *Across "
        "releases* lines up the same measure for the same subject in several releases and marks where the "
        "figures differ."
    )
    with gr.Row():
        scope = gr.Dropdown(
            choices=[ALL, *sorted(bot.knowledge.documents)], value=ALL, label="Release", elem_id="facts-scope"
        )
        across = gr.Checkbox(label="Across releases", value=False, elem_id="facts-across")
        export = gr.DownloadButton("Export (CSV)", interactive=False, elem_id="facts-csv")
    status = gr.Markdown("", elem_id="facts-status")
    table = gr.Dataframe(
        headers=FACT_COLUMNS,
        interactive=False,
        wrap=True,
        show_search="filter",
        max_height=640,
        elem_id="facts-table",
    )

    def show(current: str | None, side_by_side: bool) -> tuple:
        try:
            rows, csv_text = facts_table(bot, current, side_by_side)
        except (BadQuestion, IndexUnavailable, ValueError) as exc:
            return gr.skip(), f"⚠️ {exc}", gr.DownloadButton(interactive=False)
        path = out_dir / f"fact-sheet-{time.strftime('%Y%m%d-%H%M%S')}.csv"
        path.write_text(csv_text, encoding="utf-8")
        headers = (
            ["differs", "measure", "subject", "source", "figure", "start", "end"]
            if side_by_side
            else FACT_COLUMNS
        )
        note = f"{len(rows)} rows" if rows else "No figures here."
        return (
            gr.Dataframe(value=rows, headers=headers),
            note,
            gr.DownloadButton(value=str(path), interactive=True),
        )

    for trigger in (scope.change, across.change):
        trigger(show, [scope, across], [table, status, export], api_visibility="private")
    return show, scope, across, table, status, export


def make_api_chat(bot: Assistant):
    def api_chat(message: str, history: list | None = None) -> list[dict]:
        """Plain endpoint for gradio_client: the answer message, then one message per citation."""
        try:
            answer = bot.ask(message, history or [])
        except (BadQuestion, IndexUnavailable) as exc:
            return [{"role": "assistant", "content": f"⚠️ {exc}"}]
        except Exception as exc:  # the UI must stay up whatever one question does
            return [{"role": "assistant", "content": f"⚠️ error: {type(exc).__name__}: {exc}"}]
        return [{"role": "assistant", "content": answer.text}, *citation_messages(answer)]

    return api_chat


def build_app(bot: Assistant):
    """The Blocks app (not launched), so tests and scripts can serve it and drive it."""
    import gradio as gr

    feedback_path = Path(bot.settings.feedback_path)
    export_dir = Path(tempfile.mkdtemp(prefix="assistant-export-"))
    choices = [ALL] + sorted(bot.knowledge.documents)

    def respond(message: str, history: list, turns: list, scope: str) -> Iterator:
        history = list(history or [])
        asked = history_questions(history)
        history.append({"role": "user", "content": message})
        sources = None if scope in (None, "", ALL) else [scope]
        try:
            final = None
            for text, final in bot.stream(message, [(q, "") for q in asked], sources=sources):
                if final is None:
                    yield history + [{"role": "assistant", "content": html.escape(text)}], turns, gr.skip()
            shown = [{"role": "assistant", "content": answer_html(final)}]
            turns = turns + [{"question": message, **final.to_dict()}]
        except (BadQuestion, IndexUnavailable) as exc:
            shown = [
                {"role": "assistant", "content": f'<div class="refused">⚠️ {html.escape(str(exc))}</div>'}
            ]
        except Exception as exc:  # the UI must stay up whatever one question does
            msg = f"error: {type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"
            shown = [{"role": "assistant", "content": f'<div class="refused">⚠️ {html.escape(msg)}</div>'}]
        path = export_dir / "conversation.md"
        path.write_text(export_markdown(turns), encoding="utf-8")
        yield history + shown, turns, gr.DownloadButton(value=str(path), interactive=bool(turns))

    def show_source(request: str) -> str:
        try:
            req = json.loads(request)
            return source_html(bot, req["source"], int(req["start"]), int(req["end"]))
        except (ValueError, KeyError, TypeError):
            return "<p>Click a [n] in an answer to see the passage in its release.</p>"

    def on_feedback(data: gr.LikeData, turns: list, history: list, comment: str) -> str:
        index = data.index[0] if isinstance(data.index, list | tuple) else data.index
        asked = history_questions(history[: index + 1])
        turn = next((t for t in turns if asked and t["question"] == asked[-1]), None)
        record = {
            "time": time.strftime("%Y-%m-%dT%H:%M:%S"),
            "liked": bool(data.liked),
            "comment": comment or "",
            "question": asked[-1] if asked else "",
            "history": asked[:-1],
            "answer": turn,
        }
        feedback_path.parent.mkdir(parents=True, exist_ok=True)
        with feedback_path.open("a", encoding="utf-8") as fh:
            fh.write(json.dumps(record, ensure_ascii=False) + "\n")
        return ""

    with gr.Blocks(title="Press-release assistant", fill_height=True) as app:
        turns = gr.State([])
        pending = gr.State("")
        gr.Markdown(
            "## Press-release assistant\nAnswers are the release's own sentences, quoted verbatim. "
            "Click a **[n]** to see the passage highlighted in its release; hover it to read the quote. "
            "If the release does not say, the assistant says so."
        )
        with gr.Tab("Ask", elem_id="tab-ask"):
            with gr.Row(equal_height=False):
                with gr.Column(scale=1, min_width=260):
                    gr.Markdown("### Releases")
                    releases = gr.Markdown(releases_markdown(bot), elem_id="release-list")
                    scope = gr.Dropdown(choices=choices, value=ALL, label="Ask about", elem_id="scope")
                    corpus_controls(bot, app, releases, scope)
                    export = gr.DownloadButton("Export chat (Markdown)", interactive=False, elem_id="export")
                    comment = gr.Textbox(
                        label="Feedback comment (optional; sent when you rate an answer)",
                        lines=2,
                        elem_id="feedback-comment",
                    )
                with gr.Column(scale=3, min_width=320):
                    chat = gr.Chatbot(
                        elem_id="chat",
                        height=560,
                        buttons=["copy"],
                        sanitize_html=False,
                        feedback_options=("Like", "Dislike"),
                        placeholder="Ask a question about the release, or pick an example below.",
                        examples=[{"text": q} for q in EXAMPLES],
                    )
                    box = gr.Textbox(
                        placeholder="Ask about the release…",
                        show_label=False,
                        submit_btn=True,
                        elem_id="question",
                    )
                with gr.Column(scale=2, min_width=300):
                    gr.Markdown("### Source")
                    source = gr.HTML(
                        "<p>Click a [n] in an answer to see the passage in its release.</p>",
                        elem_id="source-panel",
                    )
        with gr.Tab("Check a draft", elem_id="tab-check"):
            check_view(bot)
        with gr.Tab("Fact sheet", elem_id="tab-facts") as facts_tab:
            facts_show, facts_scope, facts_across, facts_out, facts_status, facts_export = facts_view(bot)
        facts_tab.select(
            facts_show,
            [facts_scope, facts_across],
            [facts_out, facts_status, facts_export],
            api_visibility="private",
        )
        cite_req = gr.Textbox(elem_id="cite-req", elem_classes=["hidden-bridge"], show_label=False)
        cite_btn = gr.Button("show", elem_id="cite-btn", elem_classes=["hidden-bridge"])

        box.submit(lambda m: ("", m), box, [box, pending], queue=False, api_visibility="private").then(
            respond, [pending, chat, turns, scope], [chat, turns, export], api_visibility="private"
        )

        def pick_example(data: gr.SelectData) -> str:
            return data.value["text"]

        chat.example_select(pick_example, None, pending, api_visibility="private").then(
            respond, [pending, chat, turns, scope], [chat, turns, export], api_visibility="private"
        )
        cite_btn.click(show_source, cite_req, source, api_visibility="private").then(None, js=SCROLL_JS)
        chat.like(on_feedback, [turns, chat, comment], comment, api_visibility="private")
        gr.api(make_api_chat(bot), api_name="chat")
    return app


def _css() -> str:
    from assistant.checking.report import CLAIM_CSS

    return CSS + CLAIM_CSS


def serve(
    app,
    host: str,
    port: int,
    auth: tuple[str, str] | None = None,
    block: bool = True,
    max_file_size: int | None = None,
) -> None:
    """Launch with the product's CSS and click script (Gradio 6 takes them at launch).

    ``max_file_size`` caps what Gradio accepts at all, before ``uploads.accept`` sees it; ``launch`` sets
    it well above ``max_file_bytes`` so a file just over the limit still gets our own, clearer message."""
    app.queue(default_concurrency_limit=4).launch(
        server_name=host,
        server_port=port,
        auth=auth,
        share=False,
        show_error=True,
        css=_css(),
        js=CLICK_JS,
        prevent_thread_lock=not block,
        quiet=not block,
        max_file_size=max_file_size,
    )


LOOPBACK = {"127.0.0.1", "localhost", "::1"}


def auth_for(settings: Settings) -> tuple[str, str] | None:
    """Loopback needs no login; any other interface must have one (Gradio's ``auth``)."""
    if settings.ui.host in LOOPBACK or settings.ui.host.startswith("127."):
        return None
    if not (settings.ui.auth_user and settings.ui.auth_password):
        raise ValueError(
            f"listening on {settings.ui.host} exposes the UI; set ASSISTANT_AUTH_USER and ASSISTANT_AUTH_PASSWORD"
        )
    return (settings.ui.auth_user, settings.ui.auth_password)


def launch(settings: Settings) -> None:
    auth = auth_for(settings)
    bot = Assistant(settings)
    report = bot.ensure_index()
    if report is not None:
        print(report.summary(), file=sys.stderr)
    serve(
        build_app(bot),
        settings.ui.host,
        settings.ui.port,
        auth,
        max_file_size=4 * settings.ingest.max_file_bytes,
    )
