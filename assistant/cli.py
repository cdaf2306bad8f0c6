"""``assistant`` command line: ingest, ask, chat, eval.

Why errors are caught here: the users of this tool are not Python developers; a traceback tells them
nothing. Every known failure becomes one line on stderr and a non-zero exit code (1: the work failed,
2: the command was used wrongly).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from assistant.checking.report import render_html, render_markdown

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")


GENERATOR_CHOICES = ["extractive", "local", "openai"]


def _settings(args: argparse.Namespace):
    from assistant.settings import Settings

    return Settings.from_env(
        corpus_dir=getattr(args, "corpus_dir", None),
        index_dir=getattr(args, "index_dir", None),
        chroma_url=getattr(args, "chroma_url", None),
        generator=getattr(args, "generator", None) if getattr(args, "command", "") != "eval" else None,
        host=getattr(args, "host", None),
        port=getattr(args, "port", None),
        ingest_workers=getattr(args, "workers", None),
    )


def cmd_ingest(args: argparse.Namespace) -> int:
    from assistant.surfaces.service import Assistant

    bot = Assistant(_settings(args))
    report = bot.ingest([Path(p) for p in args.paths] or None, rebuild=args.rebuild)
    for w in report.warnings:
        print(f"warning: {w}", file=sys.stderr)
    print(report.summary())
    return 0 if report.chunks else 1


def cmd_index(args: argparse.Namespace) -> int:
    from assistant.index.store import check_index

    health = check_index(_settings(args))
    if args.json:
        print(
            json.dumps(
                {
                    "location": health.location,
                    "healthy": health.healthy,
                    "problems": health.problems,
                    "active": health.active.__dict__ if health.active else None,
                    "releases": health.releases,
                    "generations": health.generations,
                    "size_bytes": health.size_bytes,
                    "tables": health.tables,
                },
                indent=2,
            )
        )
    else:
        print(health.render())
    return 0 if health.healthy else 1


def cmd_ask(args: argparse.Namespace) -> int:
    from assistant.surfaces.service import Assistant, BadQuestion

    settings = _settings(args)
    if not args.question.strip():
        raise BadQuestion("the question is empty")
    if len(args.question) > settings.max_question_chars:
        raise BadQuestion(
            f"the question is {len(args.question)} characters; the limit is {settings.max_question_chars}"
        )
    bot = Assistant(settings)
    history = json.loads(Path(args.history).read_text()) if args.history else None
    filters = {"sources": args.source, "date_from": args.date_from, "date_to": args.date_to}
    if args.stream and not args.json:
        answer = None
        shown = 0
        for text, final in bot.stream(args.question, history, **filters):
            if final is None and text.startswith(text[:shown]):
                sys.stdout.write(text[shown:])
                sys.stdout.flush()
                shown = len(text)
            answer = final or answer
        if shown and answer.text == text:
            print()  # what was typed out is the answer itself
        else:  # a generator's draft was typed out: the guarded answer follows it
            print("\n--- guarded answer ---\n" + answer.text if shown else answer.text)
    else:
        answer = bot.ask(args.question, history=history, **filters)
    if args.json:
        print(json.dumps(answer.to_dict(), ensure_ascii=False, indent=2))
        return 0
    if not args.stream:
        print(answer.text)
    if answer.tier != "answer":
        print(f"({answer.tier})")
    if answer.citations:
        print()
        for c in answer.citations:
            print(f"[{c.n}] {c.source} chars {c.start}-{c.end} (score {c.score:.2f})")
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    from assistant.checking.checker import read_draft
    from assistant.surfaces.service import Assistant

    text = read_draft(args.draft)
    report = Assistant(_settings(args)).check(text, args.source)
    if args.markdown:
        Path(args.markdown).write_text(render_markdown(report), encoding="utf-8")
    if args.html:
        Path(args.html).write_text(render_html(report), encoding="utf-8")
    if args.json:
        print(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
    else:
        print(render_markdown(report))
    return 0


def cmd_facts(args: argparse.Namespace) -> int:
    import csv
    import io

    from assistant.facts.compare import compare
    from assistant.facts.sheet import FIELDS
    from assistant.surfaces.service import Assistant

    rows = Assistant(_settings(args)).facts(args.releases or None)
    if args.compare:
        groups = [g.to_dict() for g in compare(rows)]
        if args.json:
            print(json.dumps(groups, ensure_ascii=False, indent=2))
        else:
            for g in groups:
                flag = "DIFFERS" if g["differs"] else "same"
                figures = "; ".join(f"{r['source']}: {r['figure']}" for r in g["rows"])
                print(f"[{flag}] {g['measure']} ({g['subject']}): {figures}")
        return 0
    if args.json:
        print(json.dumps([r.to_dict() for r in rows], ensure_ascii=False, indent=2))
    elif args.csv:
        buf = io.StringIO()
        writer = csv.DictWriter(buf, fieldnames=FIELDS)
        writer.writeheader()
        writer.writerows(r.to_dict() for r in rows)
        print(buf.getvalue(), end="")
    else:
        table = facts_markdown(rows)
        if args.markdown:
            Path(args.markdown).write_text(table, encoding="utf-8")
        else:
            print(table)
    return 0


def facts_markdown(rows) -> str:
    """The sheet as a Markdown table, one section per release."""
    out: list[str] = []
    for source in dict.fromkeys(r.source for r in rows):
        out += [f"## {source}", "", "| figure | kind | measure | subject | comparator | chars |", "|---|---|---|---|---|---|"]
        for r in (x for x in rows if x.source == source):
            cells = [r.figure, r.kind, r.measure, r.subject, r.comparator, f"{r.start}-{r.end}"]
            out.append("| " + " | ".join(c.replace("|", "\\|").replace("\n", " ") for c in cells) + " |")
        out.append("")
    return "\n".join(out)


def cmd_chat(args: argparse.Namespace) -> int:
    from assistant.surfaces.ui import launch

    launch(_settings(args))
    return 0


def cmd_eval(args: argparse.Namespace) -> int:
    from assistant.evaluation.runner import main as eval_main

    return eval_main(args, _settings(args))


def settings_markdown() -> str:
    """Every setting by section: environment variable, default, description (docs/settings.md is this)."""
    from assistant.settings import describe

    lines = [
        "# Settings",
        "",
        "Every setting is read from `ASSISTANT_<NAME>` (defaults < environment < command-line flags). Generated by",
        "`assistant settings --markdown > docs/settings.md`; a test keeps this page in step with the code.",
    ]
    section = None
    for sec, env, value, doc in describe():
        if sec != section:
            section = sec
            lines += ["", f"## {sec}", "", "| variable | default | what it does |", "| --- | --- | --- |"]
        shown = (
            value
            if sec != "(top)" or env not in ("ASSISTANT_CORPUS_DIR", "ASSISTANT_INDEX_DIR")
            else "see below"
        )
        lines.append(f"| `{env}` | `{shown}` | {doc} |")
    lines += [
        "",
        "`ASSISTANT_CORPUS_DIR` defaults to `corpus/` and `ASSISTANT_INDEX_DIR` to `.index/` in the checkout.",
        "",
    ]
    return "\n".join(lines)


def cmd_settings(args: argparse.Namespace) -> int:
    if args.markdown:
        print(settings_markdown(), end="")
        return 0
    from assistant.settings import describe

    rows = describe(_settings(args))
    width = max(len(env) for _, env, _, _ in rows)
    section = None
    for sec, env, value, doc in rows:
        if sec != section:
            section = sec
            print(f"\n[{sec}]")
        print(f"  {env:<{width}}  {value:<14}  {doc}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="assistant",
        description="Cited answers about press releases, offline.",
        epilog="Every setting is also an ASSISTANT_* environment variable: `assistant settings` lists them "
        "with their current values and descriptions (docs/settings.md).",
    )
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--corpus-dir", help="folder of releases (ASSISTANT_CORPUS_DIR; default: corpus/)")
    common.add_argument("--index-dir", help="where the embedded Chroma index lives (ASSISTANT_INDEX_DIR)")
    common.add_argument(
        "--chroma-url", help="use a Chroma server instead, http://host:port (ASSISTANT_CHROMA_URL)"
    )
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("ingest", parents=[common], help="index the corpus (incremental, atomic)")
    p.add_argument("paths", nargs="*", help="files or folders (default: the corpus dir)")
    p.add_argument(
        "--rebuild",
        action="store_true",
        help="build the index anew, re-embedding everything; a damaged index is moved aside first",
    )
    p.add_argument(
        "--workers",
        type=int,
        help="processes that embed, each with its share of the cores (ASSISTANT_INGEST_WORKERS; default 1)",
    )
    p.set_defaults(func=cmd_ingest)

    p = sub.add_parser("index", parents=[common], help="the index's state: `assistant index check`")
    p.add_argument(
        "action", choices=["check"], help="check: generation, releases, chunks, model, size, health"
    )
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    p.set_defaults(func=cmd_index)

    p = sub.add_parser("ask", parents=[common], help="answer one question with citations")
    p.add_argument("question")
    p.add_argument("--json", action="store_true", help="print {text, citations, refused, tier} as JSON")
    p.add_argument("--history", help="JSON file of earlier turns: [[question, answer], ...]")
    p.add_argument("--generator", choices=GENERATOR_CHOICES, help="answerer (ASSISTANT_GENERATOR)")
    p.add_argument(
        "--stream", action="store_true", help="print generated tokens as they come, then the guarded answer"
    )
    p.add_argument(
        "--source",
        action="append",
        metavar="REL",
        help="only this release (path relative to the corpus dir); repeat for several",
    )
    p.add_argument("--date-from", metavar="YYYY-MM-DD", help="only releases dated on or after this day")
    p.add_argument("--date-to", metavar="YYYY-MM-DD", help="only releases dated on or before this day")
    p.set_defaults(func=cmd_ask)

    p = sub.add_parser("check", parents=[common], help="check a draft's claims against the releases")
    p.add_argument("draft", help="a .txt, .md or .docx file, or - for stdin")
    p.add_argument("--json", action="store_true", help="print the verdicts as JSON")
    p.add_argument("--source", action="append", metavar="REL", help="only this release; repeat for several")
    p.add_argument("--markdown", metavar="OUT.md", help="also write the report as Markdown")
    p.add_argument("--html", metavar="OUT.html", help="also write a self-contained HTML report")
    p.set_defaults(func=cmd_check)

    p = sub.add_parser("facts", parents=[common], help="every figure of the releases: measure, subject, quote")
    p.add_argument("releases", nargs="*", metavar="RELEASE", help="releases (paths in the corpus dir); default all")
    fmt = p.add_mutually_exclusive_group()
    fmt.add_argument("--json", action="store_true", help="a JSON list of rows (offsets exact)")
    fmt.add_argument("--csv", action="store_true", help="CSV with a header row")
    fmt.add_argument("--markdown", metavar="FILE", help="write the sheet as Markdown tables")
    p.add_argument(
        "--compare", action="store_true", help="the same measure for the same subject across releases"
    )
    p.set_defaults(func=cmd_facts)

    p = sub.add_parser("chat", parents=[common], help="start the chat UI (http://127.0.0.1:7860)")
    p.add_argument("--host", help="interface to listen on (ASSISTANT_HOST; default 127.0.0.1)")
    p.add_argument("--port", type=int, help="port (ASSISTANT_PORT; default 7860)")
    p.add_argument("--generator", choices=GENERATOR_CHOICES, help="answerer (ASSISTANT_GENERATOR)")
    p.set_defaults(func=cmd_chat)

    p = sub.add_parser("settings", parents=[common], help="every setting, its variable, value and meaning")
    p.add_argument("--markdown", action="store_true", help="print docs/settings.md instead")
    p.set_defaults(func=cmd_settings)

    p = sub.add_parser("eval", parents=[common], help="run the eval set and write a report")
    p.add_argument("--qa", help="question/answer JSONL for one custom set (default: the sets of --sets)")
    p.add_argument(
        "--sets",
        default=None,
        help="comma-separated eval sets: shipped, dev and reader-dev (the default, and what the gate covers; "
        "reader-dev: the annotated data's held-out releases, about a thousand questions), and the "
        "frozen splits test, test2, which are scored only when named, as aggregates, each scoring logged "
        "in eval/unseen/<split>/scored.log; check-dev, check-test: draft checking on eval/check/",
    )
    p.add_argument("--out", help="report folder (default: eval/out)")
    p.add_argument(
        "--generator",
        default=None,
        help="comma-separated: extractive, local, openai, baseline, baseline-local, baseline-local+guard",
    )
    p.add_argument(
        "--gate", action="store_true", help="exit 1 if a threshold in eval/thresholds.toml is missed"
    )
    p.add_argument(
        "--from-feedback",
        metavar="FEEDBACK.jsonl",
        help="turn the UI's disliked answers into eval cases (written to --qa or eval/feedback_cases.jsonl)",
    )
    p.set_defaults(func=cmd_eval)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    from assistant.answering.generate import GeneratorUnavailable
    from assistant.index.store import IndexUnavailable
    from assistant.surfaces.service import BadQuestion

    try:
        return int(args.func(args) or 0)
    except KeyboardInterrupt:
        print("error: interrupted", file=sys.stderr)
        return 130
    except (
        BadQuestion,
        IndexUnavailable,
        GeneratorUnavailable,
        FileNotFoundError,
        ValueError,
        json.JSONDecodeError,
    ) as exc:
        print(f"error: {str(exc).splitlines()[0] if str(exc) else type(exc).__name__}", file=sys.stderr)
        return 1
    except Exception as exc:  # last resort: still one line, with the type so a bug report can name it
        print(f"error: {type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
