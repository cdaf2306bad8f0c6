"""Gradio chat UI: streamed answers, and each ``[n]`` shown with its quoted passage and source.

Why Gradio's own pieces: ``gr.ChatInterface`` gives history, examples, streaming and an API endpoint that
``gradio_client`` can call; a ``gr.ChatMessage`` with a ``metadata`` title renders as a collapsible panel,
which is exactly "expand a citation to read its passage".
"""

from __future__ import annotations

import sys
from collections.abc import Iterator

from .answer import Answer
from .service import Assistant, BadQuestion
from .settings import Settings
from .store import IndexUnavailable

EXAMPLES = [
    "What was the median PFS in the pNET cohort?",
    "And in the epNET cohort?",
    "How many patients did CABINET enrol?",
    "Which kinases does cabozantinib inhibit?",
    "What is the price of Cabometyx?",
]


def citation_messages(answer: Answer) -> list:
    import gradio as gr

    return [
        gr.ChatMessage(
            role="assistant",
            content=f"> {c.quote}\n\n`{c.source}`, characters {c.start}–{c.end}, score {c.score:.2f}",
            metadata={"title": f"[{c.n}] {c.source} · chars {c.start}–{c.end}", "status": "done"},
        )
        for c in answer.citations
    ]


def render(answer: Answer) -> str:
    return f"⚠️ {answer.text}" if answer.refused else answer.text


def build_app(bot: Assistant):
    """The Blocks app (not launched), so tests can drive it through gradio_client."""
    import gradio as gr

    def respond(message: str, history: list) -> Iterator:
        try:
            for text, final in bot.stream(message, history):
                if final is None:
                    yield text
                else:
                    yield [gr.ChatMessage(role="assistant", content=render(final)), *citation_messages(final)]
        except (BadQuestion, IndexUnavailable) as exc:
            yield f"⚠️ {exc}"
        except Exception as exc:  # the UI must stay up whatever one question does
            yield f"⚠️ error: {type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"

    return gr.ChatInterface(
        respond,
        title="Press-release assistant",
        description=(
            "Answers are the release's own sentences, quoted verbatim. Expand a [n] below an answer to see the "
            "cited passage and where it stands in the source. If the release does not say, the assistant says so."
        ),
        examples=EXAMPLES,
        cache_examples=False,
        api_name="chat",
        fill_height=True,
    )


LOOPBACK = {"127.0.0.1", "localhost", "::1"}


def auth_for(settings: Settings) -> tuple[str, str] | None:
    """Loopback needs no login; any other interface must have one (Gradio's ``auth``)."""
    if settings.host in LOOPBACK or settings.host.startswith("127."):
        return None
    if not (settings.auth_user and settings.auth_password):
        raise ValueError(
            f"listening on {settings.host} exposes the UI; set ASSISTANT_AUTH_USER and ASSISTANT_AUTH_PASSWORD"
        )
    return (settings.auth_user, settings.auth_password)


def launch(settings: Settings) -> None:
    bot = Assistant(settings)
    report = bot.ensure_index()
    if report is not None:
        print(report.summary(), file=sys.stderr)
    bot.knowledge  # load the index before the first question, not during it  # noqa: B018
    app = build_app(bot)
    auth = auth_for(settings)
    app.queue(default_concurrency_limit=4).launch(
        server_name=settings.host, server_port=settings.port, auth=auth, share=False, show_error=True
    )
