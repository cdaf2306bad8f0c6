"""How a checked draft is shown: Markdown and a self-contained HTML page, and the UI's claim cards.

Why apart from the checker: rendering changes with the surfaces (report files, the UI), deciding verdicts
does not; the UI and the report files draw each claim with the same ``claim_html``.
"""

from __future__ import annotations

import html

from assistant.types import CONTRADICTED, NOT_FOUND, SUPPORTED, CheckReport, ClaimResult

#: Colours of the three verdicts (text, background) and their labels, for the HTML report and the UI.
VERDICT_STYLE = {
    SUPPORTED: ("#15803d", "#f0fdf4", "✓ supported"),
    CONTRADICTED: ("#b91c1c", "#fef2f2", "✗ contradicted"),
    NOT_FOUND: ("#92400e", "#fffbeb", "? not found"),
}
CLAIM_CSS = (
    ".claim{padding:6px 10px;margin:8px 0;border-radius:4px}.claim .verdict{font-weight:600}"
    ".claim table.side{border-collapse:collapse;margin:4px 0}"
    ".claim table.side td,.claim table.side th{border:1px solid #d1d5db;padding:2px 8px}"
    ".claim ul{margin:4px 0 0 0;font-size:0.9em}.claim .why{color:#4b5563}"
)


def claim_html(n: int, r: ClaimResult) -> str:
    """One claim: its verdict, the draft's and the release's words side by side when they differ, and
    every quote with its release and exact offsets (the HTML report and the UI show the same)."""
    colour, background, label = VERDICT_STYLE[r.verdict]
    kind = f" · {html.escape(r.kind)}" if r.kind else ""
    side = ""
    if r.verdict == CONTRADICTED:
        side = (
            '<table class="side"><tr><th>the draft says</th><th>the release says</th></tr>'
            f"<tr><td>{html.escape(r.draft_value)}</td><td>{html.escape(r.release_value)}</td></tr></table>"
        )
    quotes = "".join(
        f"<li><code>{html.escape(q.source)}</code> characters {q.start}–{q.end}: “{html.escape(q.quote)}”</li>"
        for q in r.citations
    )
    why = f'<div class="why">{html.escape(r.reason)}</div>' if r.reason else ""
    return (
        f'<div class="claim claim-{r.verdict.replace(" ", "-")}" style="border-left:4px solid {colour};'
        f'background:{background}"><div class="verdict" style="color:{colour}">{n}. {label}{kind}</div>'
        f'<div class="claim-text">{html.escape(r.claim.text)}</div>{side}{why}<ul>{quotes}</ul></div>'
    )


def render_markdown(report: CheckReport) -> str:
    """The report as Markdown: a summary line, then each claim with its verdict and quotes."""
    c = report.counts()
    lines = [
        "# Draft check",
        "",
        f"Checked {report.checked_at} against {len(report.sources)} release(s): "
        + ", ".join(f"`{s}`" for s in report.sources),
        "",
        f"**{c[SUPPORTED]} supported, {c[CONTRADICTED]} contradicted, {c[NOT_FOUND]} not found.**",
        "",
    ]
    for n, r in enumerate(report.results, start=1):
        lines.append(f"## {n}. {r.verdict.upper()}{f' ({r.kind})' if r.kind else ''}")
        lines += ["", f"> {r.claim.text}", ""]
        if r.verdict == CONTRADICTED:
            lines += [
                f"- the draft says: **{r.draft_value}**",
                f"- the release says: **{r.release_value}**",
            ]
        if r.reason:
            lines.append(f"- {r.reason}")
        for cit in r.citations:
            lines.append(f"- [{cit.n}] `{cit.source}` characters {cit.start}–{cit.end}: “{cit.quote}”")
        lines.append("")
    return "\n".join(lines)


def render_html(report: CheckReport) -> str:
    """A self-contained page (no external resources) for an audit trail."""
    c = report.counts()
    srcs = ", ".join(f"<code>{html.escape(s)}</code>" for s in report.sources)
    return (
        "<!DOCTYPE html><html><head><meta charset='utf-8'><title>Draft check</title><style>"
        "body{font-family:system-ui,sans-serif;max-width:900px;margin:2em auto;line-height:1.45}"
        f"{CLAIM_CSS}</style></head><body>"
        f"<h1>Draft check</h1><p>Checked {html.escape(report.checked_at)} against {srcs}.</p>"
        f"<p><b>{c[SUPPORTED]} supported, {c[CONTRADICTED]} contradicted, {c[NOT_FOUND]} not found.</b></p>"
        + "".join(claim_html(n, r) for n, r in enumerate(report.results, start=1))
        + "</body></html>"
    )
