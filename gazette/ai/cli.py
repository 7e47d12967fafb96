"""`gazette summarize` and `gazette ask`: the AI features over plain files, no database needed.

Both are contracts that evaluation scripts call: keep the arguments and the JSON shapes as they are.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from gazette.ai.llm import LLMClient

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
    p.add_argument("--llm", action="store_true", help="use the configured LLM (GAZETTE_LLM_*)")

    p = add(
        "ask",
        cmd_ask,
        'Answer a question from an article\'s text; prints {"answer", "citations": [sentence, ...]}.',
    )
    p.add_argument("file", metavar="FILE", help="plain-text article (- reads stdin)")
    p.add_argument("--question", "-q", required=True, help="the question to answer")
    p.add_argument("--title", help="the article's title (optional)")
    p.add_argument("--llm", action="store_true", help="use the configured LLM (GAZETTE_LLM_*)")


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


def _llm(args: argparse.Namespace) -> LLMClient | None:
    if not args.llm:
        return None
    from gazette.ai.llm import llm_from_env

    client = llm_from_env()
    if client is None:
        raise SystemExit("error: --llm needs GAZETTE_LLM_BASE_URL and GAZETTE_LLM_MODEL to be set")
    return client


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
    return 1 if failed else 0


def cmd_ask(args: argparse.Namespace) -> int:
    from gazette.ai.ask import answer_question

    try:
        text = _read_text(args.file)
    except OSError as exc:
        print(f"error: {args.file}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    answer = answer_question(text=text, question=args.question, title=args.title, llm=_llm(args))
    _emit({"answer": answer.answer, "citations": answer.citations})
    return 0
