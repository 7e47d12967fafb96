"""`gazette summarize` and `gazette ask`: the AI features over plain files, no database needed.

Both are contracts that evaluation scripts call: keep the arguments and the JSON shapes as they are.
With --llm they use the site's settings and database after all: their calls to the model go through the
site's gateway and count against its daily limit like any other.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from gazette.ai.llm import LLMGateway

Add = Callable[..., argparse.ArgumentParser]


def register(add: Add) -> None:
    """Add the AI subcommands to the `gazette` parser."""
    p = add(
        "summarize",
        cmd_summarize,
        'Summarise articles from a JSON-lines file ({"id", "title"?, "text"} per line); '
        'prints {"id", "summary"} per line.',
    )
    p.add_argument("file", metavar="IN.jsonl", help="input file (- reads stdin)")
    p.add_argument(
        "--sentences",
        type=_positive,
        default=3,
        metavar="N",
        help="most sentences per summary (3); fewer once it holds about 22 words per sentence asked for",
    )
    p.add_argument(
        "--llm",
        action="store_true",
        help="use the configured LLM (GAZETTE_LLM_*; counted against GAZETTE_LLM_DAILY_LIMIT)",
    )

    p = add(
        "ask",
        cmd_ask,
        'Answer a question from an article\'s text; prints {"answer", "citations": [sentence, ...]}.',
    )
    p.add_argument("file", metavar="FILE", help="plain-text article (- reads stdin)")
    p.add_argument("--question", "-q", required=True, help="the question to answer")
    p.add_argument("--title", help="the article's title (optional)")
    p.add_argument(
        "--llm",
        action="store_true",
        help="use the configured LLM (GAZETTE_LLM_*; counted against GAZETTE_LLM_DAILY_LIMIT)",
    )


def _positive(value: str) -> int:
    number = int(value)
    if number < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return number


def _read_text(path: str) -> str:
    data = sys.stdin.buffer.read() if path == "-" else Path(path).read_bytes()
    return data.decode("utf-8-sig", errors="replace")


def _emit(obj: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(obj, ensure_ascii=False) + "\n")
    sys.stdout.flush()


def _llm(args: argparse.Namespace) -> LLMGateway | None:
    if not args.llm:
        return None
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gazette.settings")
    import django

    django.setup()
    from django.conf import settings

    if not settings.GAZETTE_LLM.enabled:
        raise SystemExit("error: --llm needs GAZETTE_LLM_BASE_URL and GAZETTE_LLM_MODEL to be set")
    from django.core.management import call_command

    from gazette.ai.llm import llm_gateway

    call_command("migrate", interactive=False, verbosity=0)  # the daily count lives in the database
    return llm_gateway()


def _llm_close() -> None:
    from gazette.ai.llm import llm_gateway_close

    llm_gateway_close()


def cmd_summarize(args: argparse.Namespace) -> int:
    from gazette.ai.summarize import SummaryOptions, summary_build

    try:
        text = _read_text(args.file)
    except OSError as exc:
        print(f"error: {args.file}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    default = SummaryOptions()
    # the word budget is for the default length: a longer summary asked for gets a longer budget
    options = SummaryOptions(
        sentences=args.sentences,
        words_enough=round(default.words_enough * args.sentences / default.sentences),
    )
    llm = _llm(args)
    failed = 0
    try:
        for number, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
                if not isinstance(row, dict) or not isinstance(row.get("text"), str):
                    raise ValueError('each line must be an object with a "text" string')
            except ValueError as exc:
                failed += 1
                _emit({"id": None, "error": f"line {number}: {exc}"})
                continue
            title = row.get("title") if isinstance(row.get("title"), str) else None
            summary = summary_build(title=title, text=row["text"], options=options, llm=llm)
            _emit({"id": row.get("id"), "summary": " ".join(summary.sentences)})
    finally:
        _llm_close()
    return 1 if failed else 0


def cmd_ask(args: argparse.Namespace) -> int:
    from gazette.ai.ask import answer_question

    try:
        text = _read_text(args.file)
    except OSError as exc:
        print(f"error: {args.file}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    try:
        answer = answer_question(text=text, question=args.question, title=args.title, llm=_llm(args))
    finally:
        _llm_close()
    _emit({"answer": answer.answer, "citations": answer.citations})
    return 0
