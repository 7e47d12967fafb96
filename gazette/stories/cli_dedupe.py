"""`gazette dedupe IN.jsonl`: mark syndicated copies in a batch of articles (no database)."""

from __future__ import annotations

import argparse
import gzip
import json
import sys
from collections.abc import Callable, Iterator
from datetime import datetime
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import IO, Any

from gazette.stories.copies import CopyOptions, Doc, copies_find

DESCRIPTION = """\
Mark syndicated copies (republished wire text) in a JSON Lines file of articles.

Input: one JSON object per line with "id" and "text" (required), "title", "url", "published" (ISO 8601 or
RFC 2822) and "source" (optional). Articles are compared by body text; titles are ignored. Articles are taken
by "published" when present (undated ones after dated ones), else in input order; the original of a copy
group is its earliest member.

Output: one line per input line, in input order: {"id": ID, "duplicate_of": ORIGINAL_ID or null}.

Bad lines (invalid JSON, missing or non-string "id" or "text", unreadable "published", an id seen before)
are reported on stderr as "dedupe: line N: ...", answered with {"id": ID or null, "duplicate_of": null,
"error": "..."} so output stays aligned with input, and make the exit status 1 once every other line has
been processed. Blank lines are skipped. Exit status 0 when every line was good, 2 when the file cannot
be read.
"""

_DEFAULTS = CopyOptions()


def _parse_time(value: Any) -> datetime | None:
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise ValueError(f'"published" is not a string: {value!r}')
    try:
        return datetime.fromisoformat(value.strip())
    except ValueError:
        pass
    try:
        return parsedate_to_datetime(value)
    except (TypeError, ValueError):
        raise ValueError(f'"published" is not an ISO 8601 or RFC 2822 time: {value!r}') from None


def _optional_str(row: dict[str, Any], key: str) -> str | None:
    value = row.get(key)
    return value if isinstance(value, str) else None


def doc_from_json(line: str) -> Doc:
    """One input line as a Doc; ValueError with a short reason when the line is unusable."""
    try:
        row = json.loads(line)
    except json.JSONDecodeError as exc:
        raise ValueError(f"invalid JSON: {exc.msg} at column {exc.colno}") from None
    if not isinstance(row, dict):
        raise ValueError("not a JSON object")
    doc_id, text = row.get("id"), row.get("text")
    if isinstance(doc_id, int) and not isinstance(doc_id, bool):
        doc_id = str(doc_id)
    if not isinstance(doc_id, str) or not doc_id:
        raise ValueError('missing or non-string "id"')
    if not isinstance(text, str):
        raise ValueError(f'missing or non-string "text" (id {doc_id!r})')
    return Doc(
        id=doc_id,
        title=_optional_str(row, "title") or "",
        text=text,
        url=_optional_str(row, "url"),
        published=_parse_time(row.get("published")),
        source=_optional_str(row, "source"),
    )


def _lines(path: str) -> Iterator[str]:
    raw = sys.stdin.buffer.read() if path == "-" else Path(path).read_bytes()
    if raw[:2] == b"\x1f\x8b":
        raw = gzip.decompress(raw)
    yield from raw.decode("utf-8", errors="replace").splitlines()


def _line_id(line: str) -> str | None:
    try:
        value = json.loads(line).get("id")
    except (json.JSONDecodeError, AttributeError):
        return None
    return str(value) if isinstance(value, str | int) else None


def dedupe_run(path: str, options: CopyOptions, out: IO[str], err: IO[str]) -> int:
    """Read articles from path, write one verdict line per article; the exit status."""
    docs: list[Doc] = []
    # Output slots in input order: a Doc's id, or a (line id, error) pair for a bad line.
    slots: list[str | tuple[str | None, str]] = []
    seen: set[str] = set()
    for number, line in enumerate(_lines(path), start=1):
        if not line.strip():
            continue
        try:
            doc = doc_from_json(line)
            if doc.id in seen:
                raise ValueError(f"duplicate id {doc.id!r}")
        except ValueError as exc:
            err.write(f"dedupe: line {number}: {exc}\n")
            slots.append((_line_id(line), str(exc)))
            continue
        seen.add(doc.id)
        docs.append(doc)
        slots.append(doc.id)
    originals = copies_find(docs, options)
    for slot in slots:
        if isinstance(slot, str):
            row: dict[str, Any] = {"id": slot, "duplicate_of": originals[slot]}
        else:
            row = {"id": slot[0], "duplicate_of": None, "error": slot[1]}
        out.write(json.dumps(row, ensure_ascii=False) + "\n")
    out.flush()
    return 0 if len(docs) == len(slots) else 1


def cmd_dedupe(args: argparse.Namespace) -> int:
    options = CopyOptions(containment_min=args.containment, shingle_words=args.shingle_words)
    try:
        return dedupe_run(args.file, options, sys.stdout, sys.stderr)
    except OSError as exc:
        print(f"dedupe: cannot read {args.file}: {exc.strerror or exc}", file=sys.stderr)
        return 2


def register(add: Callable[..., argparse.ArgumentParser]) -> None:
    """Add the `dedupe` subcommand."""
    p = add("dedupe", cmd_dedupe, "Mark syndicated copies in a JSON Lines file of articles; no database.")
    p.description = DESCRIPTION
    p.formatter_class = argparse.RawDescriptionHelpFormatter
    p.add_argument(
        "file", metavar="IN.jsonl", help="articles, one JSON object per line (.gz accepted; - is stdin)"
    )
    p.add_argument(
        "--containment",
        type=float,
        default=_DEFAULTS.containment_min,
        help=f"share of the shorter text's shingles the longer must hold (default {_DEFAULTS.containment_min})",
    )
    p.add_argument(
        "--shingle-words",
        type=int,
        default=_DEFAULTS.shingle_words,
        help=f"words per shingle (default {_DEFAULTS.shingle_words})",
    )
